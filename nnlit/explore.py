"""Explorable figures: one or two controls, and a figure for every setting.

A chapter cell describes the controls and a function that draws the figure for one
setting::

    from nnlit.explore import Control, explorable, frame

    def draw(alpha):
        fig = ...                    # a matplotlib figure computed with nnlit
        return frame(fig, en="...", zh="...", note={"en": "cost 0.12", "zh": "代价 0.12"})

    explorable(draw, Control("alpha", [0.1, 0.5, 0.9], en="learning rate α", zh="学习率 α"),
               shown={"alpha": 0.5})

Where it is shown:

- **the book's build** (``NNLIT_BOOK_BUILD`` is set in its kernels) draws every setting
  and outputs all the frames; the page swaps them as the reader moves the control, and
  the print page shows the ``shown`` setting, with a caption naming it;
- **Jupyter with ipywidgets** gives the same controls live: each setting is drawn with
  nnlit when first chosen, then kept;
- **anywhere else** it shows the ``shown`` setting as an ordinary figure.
"""

from __future__ import annotations

import base64
import io
import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .book import ALT_MIME, MIN_TEXT_KEY, DescribedFigure, smallest_text_px

MIME = "application/x.nnlit-explorable+json"
LANGUAGES = ("en", "zh")
BUILD_ENV = "NNLIT_BOOK_BUILD"  # set by booktools in the kernels that execute the chapters
LANGUAGE_ENV = "NNLIT_LANG"      # set by a downloaded notebook's first cell: the edition's language
PALETTE_COLOURS = 256            # frames are palette PNGs: a quarter of the bytes, no visible change


@dataclass(frozen=True)
class Control:
    """One control: the keyword ``name`` passed to the drawing function, the ``values``
    it takes in order, and its label in each language.

    ``kind`` is ``"slider"`` (ordered values) or ``"choice"`` (a few named options).
    ``labels`` gives, per language, the text shown for each value; by default the value
    is written with ``fmt``.
    """

    name: str
    values: Sequence
    en: str
    zh: str
    kind: str = "slider"
    fmt: str = "{}"
    labels: dict[str, Sequence[str]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("slider", "choice"):
            raise ValueError(f"Control {self.name!r}: kind must be 'slider' or 'choice', got {self.kind!r}")
        if len(self.values) < 2:
            raise ValueError(f"Control {self.name!r} needs at least 2 values, got {list(self.values)!r}")
        if len(set(map(repr, self.values))) != len(self.values):
            raise ValueError(f"Control {self.name!r} has repeated values: {list(self.values)!r}")
        for lang in LANGUAGES:
            if not getattr(self, lang).strip():
                raise ValueError(f"Control {self.name!r} needs a label in {lang!r}")
            if self.labels is not None and len(self.labels.get(lang, ())) != len(self.values):
                raise ValueError(f"Control {self.name!r}: labels[{lang!r}] must name each of the "
                                 f"{len(self.values)} values, got {self.labels.get(lang)!r}")

    def label_of(self, index: int, lang: str) -> str:
        """The text shown for the ``index``-th value in ``lang``."""
        if self.labels is not None:
            return self.labels[lang][index]
        return self.fmt.format(self.values[index])

    def index_of(self, value) -> int:
        for index, candidate in enumerate(self.values):
            if candidate == value:
                return index
        raise ValueError(f"Control {self.name!r} has no value {value!r}; its values are {list(self.values)!r}")

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "label": {"en": self.en, "zh": self.zh},
                "values": [{lang: self.label_of(i, lang) for lang in LANGUAGES} for i in range(len(self.values))]}


@dataclass
class Frame:
    """The figure for one setting, its description, and an optional line of numbers."""

    figure: DescribedFigure
    note: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.note is not None and not all(str(self.note.get(lang, "")).strip() for lang in LANGUAGES):
            raise ValueError(f"a frame's note needs text in both {LANGUAGES}, got {self.note!r}")


def frame(fig, *, en: str, zh: str, note: dict[str, str] | None = None) -> Frame:
    """One frame: ``fig`` with its description in each language (as ``nnlit.book.figure``)
    and, if given, a short line of numbers per language shown under it."""
    return Frame(DescribedFigure(fig if hasattr(fig, "savefig") else fig.figure, en, zh), note)


@dataclass
class Explorable:
    """A figure with controls; see the module's docstring."""

    draw: Callable[..., Frame]
    controls: tuple[Control, ...]
    shown: dict
    _frames: dict[tuple[int, ...], dict] = field(default_factory=dict, repr=False)

    def settings(self) -> list[tuple[int, ...]]:
        """Every setting, as value indices, in order (the last control varies fastest)."""
        return list(itertools.product(*(range(len(c.values)) for c in self.controls)))

    def shown_at(self) -> tuple[int, ...]:
        return tuple(c.index_of(self.shown[c.name]) for c in self.controls)

    def frame_at(self, at: tuple[int, ...]) -> dict:
        """Draw the setting ``at`` once (later calls reuse it)."""
        if at not in self._frames:
            setting = {c.name: c.values[i] for c, i in zip(self.controls, at)}
            drawn = self.draw(**setting)
            if not isinstance(drawn, Frame):
                raise TypeError(f"the drawing function must return nnlit.explore.frame(...), got "
                                f"{type(drawn).__name__} for {setting!r}")
            self._frames[at] = _encode(drawn)
        return self._frames[at]

    def bundle(self) -> dict:
        """Every frame, for the book's page; the shown one as a plain figure for anything else."""
        frames = [dict(self.frame_at(at), at=list(at)) for at in self.settings()]
        shown = self.frame_at(self.shown_at())
        return {MIME: {"controls": [c.describe() for c in self.controls], "shown": list(self.shown_at()),
                       "frames": frames},
                "image/png": shown["png"], ALT_MIME: shown["alt"], "text/plain": shown["alt"]["en"]}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle(), {}

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if os.environ.get(BUILD_ENV):
            display(self.bundle(), raw=True)
        elif _have_widgets():
            from .widgets import live

            display(live(self, language()))
        else:  # the shown setting, as an ordinary figure
            shown = self.frame_at(self.shown_at())
            display({"image/png": shown["png"], "text/plain": shown["alt"][language()]}, raw=True)


def language() -> str:
    """The edition a downloaded notebook comes from (its first cell sets it), else English."""
    lang = os.environ.get(LANGUAGE_ENV, "en")
    return lang if lang in LANGUAGES else "en"


def explorable(draw: Callable[..., Frame], *controls: Control, shown: dict) -> Explorable:
    """A figure the reader explores with one or two ``controls``.

    ``draw(**setting)`` returns ``frame(...)`` for one setting (one value per control,
    by the controls' names). ``shown`` is the setting printed copies show.
    """
    if not 1 <= len(controls) <= 2:
        raise ValueError(f"an explorable figure has one or two controls, got {len(controls)}")
    names = [c.name for c in controls]
    if len(set(names)) != len(names):
        raise ValueError(f"two controls share a name: {names}")
    if set(shown) != set(names):
        raise ValueError(f"shown must give a value for each control {names}, got {sorted(shown)}")
    explorer = Explorable(draw, tuple(controls), dict(shown))
    explorer.shown_at()  # each shown value must be one of its control's values
    return explorer


def _encode(drawn: Frame) -> dict:
    """A frame as the page needs it: a palette PNG (base64), its description, note and text size."""
    figure = drawn.figure
    png = figure.png()  # drawn: its text has its final size and place
    return {"png": base64.b64encode(_palette_png(png)).decode("ascii"), "alt": dict(figure.alt),
            "note": drawn.note, MIN_TEXT_KEY: round(smallest_text_px(figure.fig, draw=False), 2)}


def _palette_png(png: bytes) -> bytes:
    """The same picture with at most 256 colours (plots have few), so a frame weighs less."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _have_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True
