"""Make a printed PDF's text layer say the characters its pages show.

Chromium writes, for every font in a PDF, a ToUnicode map: character code -> the text
that code stands for. It takes that text from the font's own cmap, read backwards
(glyph -> code point). Noto Sans/Serif CJK draws many ideographs with the same glyph
as a radical: 网 U+7F51 and ⽹ U+2F79 (KANGXI RADICAL NET) are one glyph, as are 页
U+9875 and ⻚ U+2EDA (CJK RADICAL C-SIMPLIFIED LEAF). Chromium names the radical, so
「神经网络」 extracts as 「神经⽹络」 and a search for it finds nothing.

The repair: for every ToUnicode entry that names a radical (U+2E80-U+2EFF,
U+2F00-U+2FDF), ask the font that drew it which code points share the radical's
glyph, and write the one unified ideograph among them:

    glyph(r) = cmap_font[r],   r' = the u in unified ideographs with cmap_font[u] = glyph(r)

The font is the one the PDF names (/FontName, e.g. NotoSansCJKsc-Regular), found
through fontconfig as Chromium found it. When it cannot be found, a Kangxi radical
falls back to its compatibility decomposition, NFKC(r) (⽹ -> 网), which names the
same ideograph for every radical of U+2F00-U+2FD5.
"""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
TOKEN = re.compile(rb"<([0-9A-Fa-f]*)>|\[|\]|[A-Za-z]+")


def is_radical(ch: str) -> bool:
    """True for a character of CJK Radicals Supplement or Kangxi Radicals."""
    return len(ch) == 1 and any(lo <= ord(ch) <= hi for lo, hi in RADICAL_BLOCKS)


def is_unified_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def radicals_in(text: str) -> list[str]:
    """The radicals in `text`, in order (a correct Chinese text layer has none)."""
    return [ch for ch in text if is_radical(ch)]


# ----------------------------------------------------------------- the ToUnicode CMap

@dataclass
class ToUnicode:
    """A ToUnicode CMap: its header (through the code space), code -> text, its width."""

    header: bytes
    mapping: dict[int, str] = field(default_factory=dict)
    width: int = 1          # bytes per character code

    @classmethod
    def parse(cls, data: bytes) -> ToUnicode:
        end = data.index(b"endcodespacerange") + len(b"endcodespacerange")
        width = len(re.search(rb"<([0-9A-Fa-f]+)>", data[:end]).group(1)) // 2
        cmap = cls(header=data[:end], width=width)
        tokens = [m.group(1) if m.group(1) is not None else m.group(0)
                  for m in TOKEN.finditer(data, end)]
        section, i = None, 0
        while i < len(tokens):
            tok = tokens[i]
            if tok in (b"beginbfchar", b"beginbfrange"):
                section, i = tok, i + 1
            elif tok in (b"endbfchar", b"endbfrange"):
                section, i = None, i + 1
            elif section == b"beginbfchar":
                cmap.mapping[int(tok, 16)] = _text(tokens[i + 1])
                i += 2
            elif section == b"beginbfrange":
                i = cmap._read_range(tokens, i)
            else:
                i += 1
        return cmap

    def _read_range(self, tokens: list[bytes], i: int) -> int:
        lo, hi = int(tokens[i], 16), int(tokens[i + 1], 16)
        if tokens[i + 2] == b"[":
            close = tokens.index(b"]", i + 3)
            for code, dest in zip(range(lo, hi + 1), tokens[i + 3:close]):
                self.mapping[code] = _text(dest)
            return close + 1
        first = _text(tokens[i + 2])
        for offset, code in enumerate(range(lo, hi + 1)):
            self.mapping[code] = first[:-1] + chr(ord(first[-1]) + offset)
        return i + 3

    def dump(self) -> bytes:
        """The CMap again, every entry as a bfchar (at most 100 to a block, as the spec asks)."""
        items = sorted(self.mapping.items())
        out = [self.header, b"\n"]
        for start in range(0, len(items), 100):
            block = items[start:start + 100]
            out.append(b"%d beginbfchar\n" % len(block))
            for code, text in block:
                out.append(b"<%s> <%s>\n" % (_hex(code, self.width), text.encode("utf-16-be").hex().upper().encode()))
            out.append(b"endbfchar\n")
        out.append(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
        return b"".join(out)


def _text(hex_bytes: bytes) -> str:
    return bytes.fromhex(hex_bytes.decode()).decode("utf-16-be", errors="surrogatepass")


def _hex(code: int, width: int) -> bytes:
    return f"{code:0{2 * width}X}".encode()


# ----------------------------------------------------------------- the fonts

@functools.lru_cache(maxsize=None)
def shared_glyph_ideographs(postscript_name: str) -> dict[str, str]:
    """radical -> the unified ideograph the font draws with the same glyph, for the
    installed font with this PostScript name; {} when fontconfig cannot find it."""
    located = _fontconfig_file(postscript_name)
    if located is None:
        return {}
    from fontTools.ttLib import TTFont

    path, index = located
    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap()
    by_glyph: dict[str, list[str]] = {}
    for code, glyph in cmap.items():
        by_glyph.setdefault(glyph, []).append(chr(code))
    table = {}
    for code, glyph in cmap.items():
        if is_radical(chr(code)):
            unified = [ch for ch in by_glyph[glyph] if is_unified_ideograph(ch)]
            if len(unified) == 1:
                table[chr(code)] = unified[0]
    return table


def _fontconfig_file(postscript_name: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(["fc-list", f":postscriptname={postscript_name}", "file", "index"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"^(.+?): ?:?index=(\d+)", out, re.M)
    if match is None:
        return None
    path = match.group(1)
    return (path, int(match.group(2))) if Path(path).is_file() else None


def ideograph_for(radical: str, postscript_name: str) -> str:
    """The ideograph that `radical`'s glyph shows in the named font (see the module doc)."""
    shown = shared_glyph_ideographs(postscript_name).get(radical)
    if shown:
        return shown
    nfkc = unicodedata.normalize("NFKC", radical)
    return nfkc if is_unified_ideograph(nfkc) else radical


# ----------------------------------------------------------------- the PDF

def _postscript_name(font) -> str:
    """A font's PostScript name without its subset tag (BAAAAA+NotoSansCJKsc-Regular)."""
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    name = str((descriptor or {}).get("/FontName", font.get("/BaseFont", "")))
    return name.lstrip("/").split("+", 1)[-1]


def _fonts(resources, seen: set[int]):
    """Every font dictionary reachable from a resource dictionary, each once."""
    if resources is None:
        return
    resources = resources.get_object()
    for ref in dict(resources.get("/Font", {})).values():
        if ref.idnum not in seen:
            seen.add(ref.idnum)
            font = ref.get_object()
            yield font
            yield from _fonts(font.get("/Resources"), seen)
    for ref in dict(resources.get("/XObject", {})).values():
        if ref.idnum not in seen:
            seen.add(ref.idnum)
            yield from _fonts(ref.get_object().get("/Resources"), seen)


def repair_text_layer(writer) -> int:
    """Rewrite, in a pypdf PdfWriter, every ToUnicode entry that names a radical whose
    glyph is an ideograph's; return how many entries were changed."""
    seen: set[int] = set()
    changed = 0
    for page in writer.pages:
        for font in _fonts(page.get("/Resources"), seen):
            changed += _repair_font(font)
    return changed


def _repair_font(font) -> int:
    stream = font.get("/ToUnicode")
    if stream is None:
        return 0
    stream = stream.get_object()
    cmap = ToUnicode.parse(stream.get_data())
    name = _postscript_name(font)
    changed = 0
    for code, text in cmap.mapping.items():
        if len(text) == 1 and is_radical(text):
            shown = ideograph_for(text, name)
            if shown != text:
                cmap.mapping[code] = shown
                changed += 1
    if changed:
        stream.set_data(cmap.dump())
    return changed
