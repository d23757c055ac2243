"""The language-independent skeleton of a page, for the bilingual parity check.

Two editions of a page may word things differently, but their skeletons must be
equal: the same headings (count and levels), numbered equations, code cells
(identical except comments), included derivation fragments, figures and
admonitions (exercises, solutions).
"""

from __future__ import annotations

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


@dataclass
class Skeleton:
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text)
    equations: list[str] = field(default_factory=list)
    code_cells: list[tuple[str, str]] = field(default_factory=list)  # (info, code without comments)
    includes: list[str] = field(default_factory=list)
    figures: int = 0
    admonitions: list[str] = field(default_factory=list)
    inline_values: list[str] = field(default_factory=list)


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:]
    return text


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
    fence = None  # (marker, info, lines) while inside a fenced block
    for line in strip_front_matter(markdown).splitlines():
        match = FENCE.match(line)
        if fence is not None:
            if match and match.group(2).startswith(fence[0]) and not match.group(3).strip():
                _close_fence(result, fence)
                fence = None
            else:
                fence[2].append(line)
            continue
        if match:
            fence = (match.group(2), match.group(3).strip(), [])
            continue
        _scan_prose_line(result, line)
    return result


def _close_fence(result: Skeleton, fence) -> None:
    _, info, lines = fence
    if info.split(" ")[0] == "python":
        result.code_cells.append((info, without_comments("\n".join(lines))))


def _scan_prose_line(result: Skeleton, line: str) -> None:
    if heading := HEADING.match(line):
        result.headings.append((len(heading.group(1)), heading.group(2)))
    if include := INCLUDE.match(line):
        result.includes.append(include.group(1))
    if admonition := ADMONITION.match(line):
        result.admonitions.append(f"{admonition.group(1)} {admonition.group(2)}")
    result.equations += TAG.findall(line)
    result.figures += len(IMAGE.findall(line))
    result.inline_values += INLINE.findall(line)


def differences(zh: Skeleton, en: Skeleton) -> list[str]:
    """Human-readable differences between the two skeletons (empty when in parity)."""
    problems = []
    zh_levels = [level for level, _ in zh.headings]
    en_levels = [level for level, _ in en.headings]
    if zh_levels != en_levels:
        problems.append(_first_difference("headings (level, text)", zh.headings, en.headings))
    for name in ("equations", "code_cells", "includes", "admonitions"):
        a, b = getattr(zh, name), getattr(en, name)
        if a != b:
            problems.append(_first_difference(name, a, b))
    if sorted(zh.inline_values) != sorted(en.inline_values):
        problems.append(f"inline values differ: zh {sorted(zh.inline_values)} vs en {sorted(en.inline_values)}")
    if zh.figures != en.figures:
        problems.append(f"figures: zh has {zh.figures}, en has {en.figures}")
    return problems


def _first_difference(name: str, a: list, b: list) -> str:
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y and not (name.startswith("headings") and x[0] == y[0]):
            return f"{name} differ at #{index + 1}: zh {x!r} vs en {y!r}"
    return f"{name}: zh has {len(a)}, en has {len(b)} (first extra: {(a[len(b):] or b[len(a):])[0]!r})"
