"""The live version of an explorable figure, for Jupyter (needs ``pip install nnlit[widgets]``).

Each control becomes a widget in the notebook's language; moving it draws that setting
with nnlit (the first time) and shows it, with its line of numbers underneath.
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

from .explore import Explorable


def live(explorer: Explorable, lang: str) -> widgets.VBox:
    """Widgets for ``explorer``'s controls, an image and its note, wired together."""
    pickers = [_picker(control, explorer.shown_at()[k], lang) for k, control in enumerate(explorer.controls)]
    image = widgets.Image(format="png")
    note = widgets.HTML()

    def show(_change=None) -> None:
        frame = explorer.frame_at(tuple(p.index for p in pickers))
        image.value = base64.b64decode(frame["png"])
        image.description = frame["alt"][lang]
        note.value = _escape(frame["note"][lang]) if frame["note"] else ""

    for picker in pickers:
        picker.observe(show, names="index")
    show()
    return widgets.VBox([*pickers, image, note])


def _picker(control, index: int, lang: str):
    options = [control.label_of(i, lang) for i in range(len(control.values))]
    label = control.en if lang == "en" else control.zh
    style = {"description_width": "initial"}
    if control.kind == "choice":
        return widgets.ToggleButtons(options=options, index=index, description=label, style=style)
    return widgets.SelectionSlider(options=options, index=index, description=label, style=style,
                                   continuous_update=False)


def _escape(text: str) -> str:
    import html

    return html.escape(text)
