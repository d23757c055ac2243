"""Small display helpers for the book's chapters (no dependency beyond the stdlib).

A chapter cell that ends with one of these objects shows it as Markdown, both on
the built page and in Jupyter, so tables and source listings are real output.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence


class Markdown:
    """Text that Jupyter (and the book's renderer) display as Markdown."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


class Source(Markdown):
    """A source listing that remembers what it lists (module and qualified name), so
    the book's build can show the current text when only comments or docstrings
    changed, without running the chapter again."""

    MIME = "application/x.nnlit-source+json"

    def __init__(self, text: str, module: str, qualname: str) -> None:
        super().__init__(text)
        self.module, self.qualname = module, qualname

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/markdown": self.text, self.MIME: {"module": self.module, "qualname": self.qualname}}


def source_markdown(obj) -> str:
    """The source of `obj` as a fenced Markdown block titled with its module."""
    source = inspect.getsource(obj).rstrip()
    module = inspect.getmodule(obj).__name__
    ticks = "```" + "`" * source.count("```")
    return f'{ticks}python title="{module}"\n{source}\n{ticks}'


def show_source(obj) -> Markdown:
    """The source of a function or class of nnlit, as it is on disk right now."""
    return Source(source_markdown(obj), inspect.getmodule(obj).__name__, obj.__qualname__)


def table(rows: Iterable[Sequence], headers: Sequence[str], floatfmt: str = ".4g") -> Markdown:
    """A Markdown table; floats are formatted with `floatfmt`."""

    def cell(value) -> str:
        text = format(value, floatfmt) if isinstance(value, float) else str(value)
        return text.replace("|", r"\|")

    lines = ["| " + " | ".join(map(cell, headers)) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return Markdown("\n".join(lines))
