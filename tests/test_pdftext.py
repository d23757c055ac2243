"""booktools/pdftext.py: the repair of a PDF text layer that names CJK radicals
instead of the ideographs shown (tests/test_pdf.py checks the printed books)."""

from __future__ import annotations

from booktools.pdftext import ToUnicode, ideograph_for, is_radical, radicals_in


def test_a_radical_maps_to_the_ideograph_that_shares_its_glyph():
    # Noto Sans CJK SC (Debian's fonts-noto-cjk) draws U+2F79 and 网 with one glyph,
    # and U+2EDA (C-SIMPLIFIED LEAF, no decomposition) and 页 with another.
    assert ideograph_for("\u2f79", "NotoSansCJKsc-Regular") == "网"
    assert ideograph_for("\u2eda", "NotoSansCJKsc-Regular") == "页"


def test_without_the_font_a_kangxi_radical_falls_back_to_nfkc():
    assert ideograph_for("\u2f00", "no-such-font") == "一"
    assert ideograph_for("\u2eda", "no-such-font") == "\u2eda"   # no decomposition: left as is


def test_radicals_are_told_from_ideographs():
    assert is_radical("\u2f79") and is_radical("\u2eda") and not is_radical("网")
    assert radicals_in("神经\u2f79络") == ["\u2f79"] and radicals_in("神经网络") == []


def test_tounicode_parses_chars_and_ranges_and_dumps_what_it_read():
    cmap = ToUnicode.parse(b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange\n<00> <FF>\n"
                           b"endcodespacerange\n2 beginbfchar\n<1D> <2F79>\n<47> <795E>\nendbfchar\n"
                           b"2 beginbfrange\n<50> <52> <0041>\n<60> <61> [<0078> <D835DC00>]\nendbfrange\n"
                           b"endcmap\n")
    assert cmap.mapping == {0x1D: "\u2f79", 0x47: "神", 0x50: "A", 0x51: "B", 0x52: "C",
                            0x60: "x", 0x61: "\U0001d400"}
    cmap.mapping[0x1D] = "网"
    again = ToUnicode.parse(cmap.dump())
    assert again.mapping == cmap.mapping and again.width == 1
