"""Small display helpers for the book's chapters (matplotlib is imported only to show a figure).

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
    """A source listing that remembers what it lists (module, qualified name and
    ``until``), so the book's build can show the current text when only comments or
    docstrings changed, without running the chapter again."""

    MIME = "application/x.nnlit-source+json"

    def __init__(self, text: str, module: str, qualname: str, until: str | None = None) -> None:
        super().__init__(text)
        self.module, self.qualname, self.until = module, qualname, until

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        where = {"module": self.module, "qualname": self.qualname, "until": self.until}
        return {"text/markdown": self.text, self.MIME: where}


def taught_part(source: str, until: str | None, name: str) -> str:
    """With ``until``, only the lines before the first line that contains it, then a
    line ``...``: the part a chapter has taught, without what comes later."""
    if until is None:
        return source
    lines = source.splitlines()
    stop = next((i for i, line in enumerate(lines) if until in line), None)
    if stop is None:
        raise ValueError(f"{until!r} is not in the source of {name}")
    indent = lines[stop][: len(lines[stop]) - len(lines[stop].lstrip())]
    return "\n".join(lines[:stop] + [indent + "..."])


def source_markdown(obj, until: str | None = None) -> str:
    """The source of `obj` (up to ``until``) as a fenced Markdown block titled with its module."""
    source = taught_part(inspect.getsource(obj).rstrip(), until, obj.__qualname__)
    module = inspect.getmodule(obj).__name__
    ticks = "```" + "`" * source.count("```")
    return f'{ticks}python title="{module}"\n{source}\n{ticks}'


def show_source(obj, until: str | None = None) -> Markdown:
    """The source of a function or class of nnlit, as it is on disk right now
    (with ``until``, only the lines before the first one containing it)."""
    return Source(source_markdown(obj, until), inspect.getmodule(obj).__name__, obj.__qualname__, until)


def table(rows: Iterable[Sequence], headers: Sequence[str], floatfmt: str = ".4g") -> Markdown:
    """A Markdown table; floats are formatted with `floatfmt`."""

    def cell(value) -> str:
        text = format(value, floatfmt) if isinstance(value, float) else str(value)
        return text.replace("|", r"\|")

    lines = ["| " + " | ".join(map(cell, headers)) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return Markdown("\n".join(lines))


ALT_MIME = "application/x.nnlit-alt+json"  # {"en": ..., "zh": ...}: a figure's description per edition
MIN_TEXT_KEY = "min_text_px"  # the smallest text of the figure, in pixels of the PNG


class DescribedFigure:
    """A matplotlib figure with a short description in each language of the book.

    Jupyter shows the PNG; the description travels with it in the output (``ALT_MIME``)
    so each edition's page writes its own words into ``<img alt>``, while both editions
    run the very same cell. Plain Jupyter shows the English words as the text fallback.
    """

    def __init__(self, fig, en: str, zh: str) -> None:
        for lang, text in (("en", en), ("zh", zh)):
            if not (isinstance(text, str) and text.strip()):
                raise ValueError(f"a figure needs a description in {lang!r}, got {text!r}")
        self.fig, self.alt = fig, {"en": en.strip(), "zh": zh.strip()}
        _close_in_pyplot(fig)

    def png(self) -> bytes:
        """The figure as PNG bytes, at its own dpi, trimmed to what is drawn."""
        import io

        _check_cjk_font(self.fig)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=self.fig.dpi, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        data = {"image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": self.alt["en"], ALT_MIME: dict(self.alt)}
        return data, {"image/png": {MIN_TEXT_KEY: round(smallest_text_px(self.fig, draw=False), 2)}}


def figure(fig, *, en: str, zh: str) -> DescribedFigure:
    """Show ``fig`` (a matplotlib ``Figure``, or an ``Axes`` of one) with its description.

    ``en`` and ``zh`` say, in a sentence or two, what the figure shows and its point;
    they become the image's alternative text in the English and the Chinese edition.
    """
    return DescribedFigure(fig if hasattr(fig, "savefig") else fig.figure, en, zh)


def smallest_text_px(fig, draw: bool = True) -> float:
    r"""The size of the smallest visible text in ``fig``, in PNG pixels: $\text{pt} \cdot \text{dpi} / 72$.

    Tick labels exist only once the figure is drawn: ``draw=False`` when it just was (saved)."""
    from matplotlib.text import Text

    if draw:
        fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
             and _on_canvas(t)]
    return min(sizes, default=0.0) * fig.dpi / 72


def _on_canvas(text) -> bool:
    """Tick labels outside the axes' limits are made but not drawn."""
    box = text.get_window_extent()
    width, height = text.figure.canvas.get_width_height()
    return box.x1 >= 0 and box.y1 >= 0 and box.x0 <= width and box.y0 <= height


def _close_in_pyplot(fig) -> None:
    """A figure made with pyplot would be shown a second time (bare) at the end of the cell."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(fig.canvas, "manager", None) is not None:
        pyplot.close(fig)


def _check_cjk_font(fig) -> None:
    from matplotlib.text import Text

    from .plot import cjk_font

    chinese = [t.get_text() for t in fig.findobj(Text) if any("\u3400" <= c <= "\u9fff" for c in t.get_text())]
    if chinese and cjk_font() is None:
        from .plot import CJK_FONTS

        raise RuntimeError(f"the figure has Chinese text ({chinese[0]!r}) but matplotlib finds none of the "
                           f"CJK fonts {list(CJK_FONTS)}; on Debian: apt-get install fonts-noto-cjk")


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def prose_number(x: float, spec: str) -> str:
    r"""``x`` formatted by ``spec`` for a sentence; e-notation becomes $d.d \times 10^{k}$ (in math)."""
    text = format(x, spec)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


def sci(x: float, digits: int = 1) -> str:
    r"""x as $m \times 10^{n}$ for prose, in plain text: sci(4.5e-5) is '4.5 × 10⁻⁵', never '4.5e-05'."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
