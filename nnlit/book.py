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


def show_source(obj, until: str | None = None) -> Markdown:
    """The source of a function or class of nnlit, as it is on disk right now.

    With ``until``, only the lines before the first line that contains it, then a
    line ``...``: the part a chapter has taught, without what comes later.
    """
    source = inspect.getsource(obj).rstrip()
    if until is not None:
        lines = source.splitlines()
        stop = next((i for i, line in enumerate(lines) if until in line), None)
        if stop is None:
            raise ValueError(f"{until!r} is not in the source of {obj.__qualname__}")
        indent = lines[stop][: len(lines[stop]) - len(lines[stop].lstrip())]
        source = "\n".join(lines[:stop] + [indent + "..."])
    module = inspect.getmodule(obj).__name__
    ticks = "```" + "`" * source.count("```")
    return Markdown(f'{ticks}python title="{module}"\n{source}\n{ticks}')


def table(rows: Iterable[Sequence], headers: Sequence[str], floatfmt: str = ".4g") -> Markdown:
    """A Markdown table; floats are formatted with `floatfmt`."""

    def cell(value) -> str:
        text = format(value, floatfmt) if isinstance(value, float) else str(value)
        return text.replace("|", r"\|")

    lines = ["| " + " | ".join(map(cell, headers)) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return Markdown("\n".join(lines))


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(x: float, digits: int = 1) -> str:
    r"""x as $m \times 10^{n}$ for prose, in plain text: sci(4.5e-5) is '4.5 × 10⁻⁵', never '4.5e-05'."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
