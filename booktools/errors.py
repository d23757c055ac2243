"""Build failures a writer can act on: the .md file, the edition, the line, the code.

A chapter's failing cell is reported as one block, before anything else:

    docs/en/03-losses.md:142: code cell 5 raised (edition en; docs/zh/03-losses.md:140 runs the same code)
         140 | A = sigmoid(Z)
      >  142 | cost = loss.forward(A, Y[0])
         143 | print(cost)
    ValueError: Y must have shape (1, 4), got (4,)

The kernel's traceback is kept for `--verbose`. `python -m booktools serve`
shows the same block in the browser (booktools/serve.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .chapter import Chapter
from .execute import CellFailure
from .structure import skeleton

CONTEXT = 3  # lines of the cell shown before and after the failing one


@dataclass
class Located:
    """A cell failure placed in its .md file."""

    path: str  # relative to the repository, e.g. docs/en/03-losses.md
    edition: str
    line: int  # in the .md file
    cell: int  # 1-based, among the chapter's code cells as the kernel ran them
    kind: str
    exception: str
    excerpt: list[tuple[int, str]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # "docs/zh/03-losses.md:140": the same code
    traceback: str = ""

    def block(self, verbose: bool = False) -> str:
        what = "wrote to stderr" if self.kind == "stderr" else "raised"
        where = f"edition {self.edition}" + (f"; {', '.join(self.also)} runs the same code" if self.also else "")
        lines = [f"{self.path}:{self.line}: code cell {self.cell} {what} ({where})"]
        lines += [f"  {'>' if n == self.line else ' '} {n:>5} | {text}" for n, text in self.excerpt]
        lines.append(self.exception)
        if verbose and self.traceback:
            lines += ["--- the kernel's traceback ---", self.traceback]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


class BuildFailed(Exception):
    """Chapters failed to execute; `located` says where, in the pages' own lines."""

    def __init__(self, located: list[Located]):
        super().__init__("\n\n".join(item.block() for item in located))
        self.located = located


def cell_lines(path: Path, chapter: Chapter) -> dict[int, int]:
    """For each index into `chapter.code`, the .md line where that code starts
    (a code cell's opening fence; for inline values, the first line that quotes one)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    fences = iter(item.line for item in skeleton(text).items if item.kind == "code")
    where: dict[int, int] = {}
    for index, cell in enumerate(chapter.notebook.cells):
        if index not in chapter.runs_at:
            continue
        if cell.cell_type == "code":
            line = next(fences, None) or _find(lines, cell.source.splitlines()[0] if cell.source else "")
        else:
            quoted = next((l for l in cell.source.splitlines() if "{{" in l), "")
            line = _find(lines, quoted, after=where.get(chapter.runs_at[index] - 1, 0))
        where.setdefault(chapter.runs_at[index], line)
    return where


def _find(lines: list[str], wanted: str, after: int = 0) -> int:
    for number, line in enumerate(lines[after:], start=after + 1):
        if wanted and wanted.strip() in line:
            return number
    return max(after, 1)


def locate(failure: CellFailure, path: Path, chapter: Chapter, edition: str, root: Path) -> Located:
    """Where `failure` happened in `path`: the line, and the code around it."""
    start = cell_lines(path, chapter).get(failure.cell, 1)
    is_code = bool(chapter.notebook.cells) and _is_code_cell(chapter, failure.cell)
    line = start + (failure.line or 1) if is_code else start
    lines = path.read_text(encoding="utf-8").splitlines()
    if is_code:
        first, last = start + 1, start + len(chapter.code[failure.cell].splitlines())
    else:
        first = last = start
    shown = range(max(first, line - CONTEXT), min(last, line + CONTEXT) + 1)
    return Located(path=_relative(path, root), edition=edition, line=line,
                   cell=failure.cell + 1, kind=failure.kind, exception=failure.exception,
                   excerpt=[(n, lines[n - 1]) for n in shown if 0 < n <= len(lines)],
                   traceback=failure.traceback)


def _is_code_cell(chapter: Chapter, code_index: int) -> bool:
    return any(chapter.notebook.cells[i].cell_type == "code"
               for i, c in chapter.runs_at.items() if c == code_index)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
