import pytest

from nnlit import book


def test_show_source_is_the_real_source():
    md = book.show_source(book.table)._repr_markdown_()
    assert md.startswith('```python title="nnlit.book"')
    assert "def table(rows" in md and md.rstrip().endswith("```")


def test_table_formats_floats_and_escapes_pipes():
    md = book.table([(0.123456, "a|b")], headers=["x", "y"])._repr_markdown_()
    assert md.splitlines() == ["| x | y |", "|---|---|", r"| 0.1235 | a\|b |"]


def _figure_with(title="$x$"):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=100)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title(title)
    return fig


def test_figure_carries_its_description_in_each_language():
    import base64

    data, metadata = book.figure(_figure_with(), en=" A rising line. ", zh="一条上升的直线。")._repr_mimebundle_()
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[book.ALT_MIME] == {"en": "A rising line.", "zh": "一条上升的直线。"}
    assert data["text/plain"] == "A rising line."
    # matplotlib's default text is 10 pt: 10 * 100 / 72 px at 100 dpi
    assert abs(metadata["image/png"][book.MIN_TEXT_KEY] - 10 * 100 / 72) < 0.01


def test_figure_accepts_an_axes_and_refuses_an_empty_description():
    fig = _figure_with()
    assert book.figure(fig.axes[0], en="a", zh="b").fig is fig
    for en, zh in [("", "b"), ("a", "  "), ("a", None)]:
        with pytest.raises(ValueError, match="a figure needs a description in"):
            book.figure(fig, en=en, zh=zh)


def test_a_pyplot_figure_is_closed_so_it_is_not_shown_twice():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    book.figure(fig, en="a", zh="b")
    assert not plt.fignum_exists(fig.number)


def test_chinese_text_needs_a_cjk_font(monkeypatch):
    from nnlit import plot

    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
        book.figure(_figure_with("代价"), en="a", zh="b")._repr_mimebundle_()
    book.figure(_figure_with("$J$"), en="a", zh="b")._repr_mimebundle_()  # no Chinese: no font needed


def test_sci_writes_powers_of_ten_not_e_notation():
    assert book.sci(4.5e-5) == "4.5 × 10⁻⁵"
    assert book.sci(-1.234e12, digits=2) == "-1.23 × 10¹²"
    assert book.sci(0.0) == "0.0 × 10⁰"


def test_show_source_until_stops_before_the_marked_line():
    md = book.show_source(book.table, until="lines = [")._repr_markdown_()
    assert "def cell(value)" in md and "lines = [" not in md and "    ...\n```" in md
    with pytest.raises(ValueError, match="not in the source"):
        book.show_source(book.table, until="no such line")


def test_prose_number_writes_powers_of_ten_as_math_and_leaves_plain_numbers_alone():
    assert book.prose_number(4.5e-5, ".1e") == r"$4.5 \times 10^{-5}$"
    assert book.prose_number(0.25, ".2f") == "0.25"


def test_the_glossary_pages_show_the_notation_table_of_their_language():
    from booktools import glossary

    for lang, header in (("en", "| Symbol |"), ("zh", "| 符号 |")):
        page = glossary.expand(f"Intro\n\n{glossary.NOTATION_MARKER}\n", lang)
        assert glossary.NOTATION_MARKER not in page and r"| $\alpha$ |" in page, lang
