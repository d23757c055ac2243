"""The language-independent skeleton of a page, for the bilingual parity check.

Two editions of a page may word things differently, but their skeletons must be
equal: the same headings (count and levels), numbered equations, code cells
(identical except comments), included derivation fragments, figures and
admonitions (exercises, solutions), in the same order.

`differences` aligns the two skeletons with a diff (difflib.SequenceMatcher over
the items in page order), so a heading added to one language is named as the
extra one, with its line, instead of shifting every comparison after it; for a
code cell that differs it shows only the differing lines.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
TAG = re.compile(r"\\tag\*?\{([^}]*)\}")
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$')
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b", re.IGNORECASE)
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+(\w[\w-]*)")
INLINE = re.compile(r"\{\{ (.+?) \}\}")

KIND_NAMES = {"heading": "heading", "equation": "equation", "code": "code cell",
              "include": "include", "figure": "figure", "admonition": "admonition"}


@dataclass(frozen=True)
class Item:
    """One element of the skeleton. `key` is what must match across languages;
    `text` and `line` (1-based, in the file) are what a message shows."""

    kind: str
    key: tuple
    text: str
    line: int

    def describe(self) -> str:
        return f"{KIND_NAMES[self.kind]} at line {self.line}: {_short(self.text)}"


@dataclass
class Skeleton:
    items: list[Item] = field(default_factory=list)  # in page order
    inline_values: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]


def strip_front_matter(text: str) -> tuple[str, int]:
    """The text after a YAML front matter, and how many lines the front matter took."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:], text[:end + 5].count("\n")
    return text, 0


def without_comments(code: str) -> str:
    """Python code with comments and blank lines removed (strings are kept intact)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type != tokenize.COMMENT]
        code = tokenize.untokenize(tokens)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # magics or partial code: compare as written
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def skeleton(markdown: str) -> Skeleton:
    result = Skeleton()
    body, offset = strip_front_matter(markdown)
    fence = None  # (marker, info, first line, lines) while inside a fenced block
    for number, line in enumerate(body.splitlines(), start=offset + 1):
        match = FENCE.match(line)
        if fence is not None:
            if match and match.group(2).startswith(fence[0]) and not match.group(3).strip():
                _close_fence(result, fence)
                fence = None
            else:
                fence[3].append(line)
            continue
        if match:
            fence = (match.group(2), match.group(3).strip(), number, [])
            continue
        _scan_prose_line(result, line, number)
    return result


def _close_fence(result: Skeleton, fence) -> None:
    _, info, line, lines = fence
    if info.split(" ")[0] == "python":
        code = "\n".join(lines)
        result.items.append(Item("code", (info, without_comments(code)), code, line))


def _scan_prose_line(result: Skeleton, line: str, number: int) -> None:
    items = result.items
    if heading := HEADING.match(line):
        items.append(Item("heading", (len(heading.group(1)),), line.strip(), number))
    if include := INCLUDE.match(line):
        items.append(Item("include", (include.group(1),), line.strip(), number))
    if admonition := ADMONITION.match(line):
        kind = f"{admonition.group(1)} {admonition.group(2)}"
        items.append(Item("admonition", (kind,), line.strip(), number))
    items += [Item("equation", (tag,), f"\\tag{{{tag}}}", number) for tag in TAG.findall(line)]
    items += [Item("figure", (), line.strip(), number) for _ in IMAGE.findall(line)]
    result.inline_values += INLINE.findall(line)


def differences(zh: Skeleton, en: Skeleton) -> list[str]:
    """Human-readable differences between the two skeletons (empty when in parity)."""
    problems = []
    matcher = difflib.SequenceMatcher(None, [(i.kind, i.key) for i in zh.items],
                                      [(i.kind, i.key) for i in en.items], autojunk=False)
    for op, z0, z1, e0, e1 in matcher.get_opcodes():
        if op == "equal":
            continue
        zs, es = zh.items[z0:z1], en.items[e0:e1]
        if op == "replace" and len(zs) == len(es) and all(a.kind == b.kind for a, b in zip(zs, es)):
            problems += [_changed(a, b) for a, b in zip(zs, es)]
            continue
        problems += [_extra("zh", "en", item, _before(en.items, e0)) for item in zs]
        problems += [_extra("en", "zh", item, _before(zh.items, z0)) for item in es]
    if sorted(zh.inline_values) != sorted(en.inline_values):
        only_zh = sorted(set(zh.inline_values) - set(en.inline_values))
        only_en = sorted(set(en.inline_values) - set(zh.inline_values))
        problems.append(f"inline values {{{{ … }}}} differ: only in zh {only_zh}, only in en {only_en}"
                        + ("" if only_zh or only_en else " (the same ones, a different number of times)"))
    return problems


def _extra(has: str, lacks: str, item: Item, anchor: Item | None) -> str:
    where = f"where it would follow the {anchor.describe()}" if anchor else "at the start of the page"
    article = "an" if item.describe()[0] in "aeiou" else "a"
    return f"{has} has {article} {item.describe()} — missing in {lacks}, {where}"


def _before(items: list[Item], index: int) -> Item | None:
    return items[index - 1] if index > 0 else None


def _changed(zh: Item, en: Item) -> str:
    name = KIND_NAMES[zh.kind]
    if zh.kind == "code":
        diff = difflib.unified_diff(zh.key[1].splitlines(), en.key[1].splitlines(), "zh", "en",
                                    n=0, lineterm="")
        lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
        if zh.key[0] != en.key[0]:
            lines.insert(0, f"fence info: zh {zh.key[0]!r}, en {en.key[0]!r}")
        body = "\n      ".join(lines)
        return f"{name} differs (zh line {zh.line}, en line {en.line}), comments aside:\n      {body}"
    return f"{name} differs: zh line {zh.line}: {_short(zh.text)} — en line {en.line}: {_short(en.text)}"


def _short(text: str, width: int = 70) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= width else first[:width - 1] + "…"
