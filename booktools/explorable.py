"""An explorable figure's output (``nnlit.explore``) as page HTML.

The page shows the ``shown`` frame as an ordinary figure (so the print page and the
PDF get it, with a caption naming its setting), and above it the controls, in the
edition's language. ``assets/javascripts/explorable.js`` swaps the frame as a control
moves. Every frame is a file next to the chapter's other figures; the page knows them
by name only, in the order of the controls' settings (the last control fastest).
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
from pathlib import Path

from nnlit.book import MIN_TEXT_KEY
from nnlit.explore import MIME

from .figures import image_text, png_size, size_attrs

SETTING_LABEL = {"en": "Setting shown: ", "zh": "图中设置："}
SETTING_SEPARATOR = {"en": "; ", "zh": "；"}


class MissingFrame(ValueError):
    """An explorable figure lacks the frame of some setting (the build stops)."""


def render(data: dict, stem: str, figures: dict[str, bytes], lang: str) -> str:
    """The figure's HTML (Markdown with HTML blocks); its frames are added to ``figures``."""
    spec = data[MIME]
    controls = spec["controls"]
    frames = _frames_in_order(spec, stem, lang)
    names = []
    for frame in frames:
        png = base64.b64decode(frame["png"])
        names.append(f"{stem}-{hashlib.sha256(png).hexdigest()[:12]}.png")
        figures[names[-1]] = png
    ident = "x-" + hashlib.sha256("".join(names).encode()).hexdigest()[:8]
    shown = spec["shown"]
    index = _flat_index(shown, controls)
    page_frames = [{"src": name, "alt": frame["alt"][lang], "note": (frame["note"] or {}).get(lang, ""),
                    "px": frame.get(MIN_TEXT_KEY)} for name, frame in zip(names, frames)]
    labels = [{"label": c["label"][lang], "kind": c["kind"], "values": [v[lang] for v in c["values"]]}
              for c in controls]
    current = page_frames[index]
    width, height = png_size(figures[names[index]])
    image = (f"![{image_text(current['alt'])}]({stem}.figures/{names[index]})"
             f"{{ .nb-figure .nnlit-explorable-image {size_attrs(width, height, current['px'])} }}")
    controls_html = "\n".join(_control(ident, k, c, shown[k]) for k, c in enumerate(labels))
    return "\n".join([
        f'<figure class="nnlit-explorable" id="{ident}" data-frames="{_attr(page_frames)}" '
        f'data-controls="{_attr(labels)}" data-setting-label="{html.escape(SETTING_LABEL[lang])}" '
        f'data-setting-separator="{html.escape(SETTING_SEPARATOR[lang])}" markdown>',
        f'<div class="nnlit-explorable-controls">\n{controls_html}\n</div>', "",
        image, "",
        f'<figcaption aria-live="polite"><span class="nnlit-explorable-setting">'
        f'{html.escape(SETTING_LABEL[lang] + _setting_text(labels, shown, lang))}</span>'
        f'<span class="nnlit-explorable-note">{html.escape(current["note"])}</span></figcaption>',
        "</figure>"])


def _frames_in_order(spec: dict, stem: str, lang: str) -> list[dict]:
    """The frames in settings order; a missing, repeated or undescribed frame stops the build."""
    sizes = [len(c["values"]) for c in spec["controls"]]
    by_setting: dict[tuple[int, ...], dict] = {}
    for frame in spec["frames"]:
        at = tuple(frame["at"])
        if at in by_setting:
            raise MissingFrame(f"{stem}: an explorable figure has two frames for setting {list(at)}")
        if not frame.get("alt", {}).get(lang, "").strip():
            raise MissingFrame(f"{stem}: the frame for setting {list(at)} has no description in {lang!r}")
        by_setting[at] = frame
    wanted = list(itertools.product(*(range(n) for n in sizes)))
    missing = [list(at) for at in wanted if at not in by_setting]
    if missing or len(by_setting) != len(wanted):
        raise MissingFrame(f"{stem}: an explorable figure with controls of {sizes} values needs "
                           f"{len(wanted)} frames; missing {missing}, extra "
                           f"{[list(at) for at in by_setting if at not in set(wanted)]}")
    return [by_setting[at] for at in wanted]


def _flat_index(at: list[int], controls: list[dict]) -> int:
    index = 0
    for position, control in zip(at, controls):
        index = index * len(control["values"]) + position
    return index


def _control(ident: str, k: int, control: dict, value: int) -> str:
    """A slider (ordered values) or a group of radio buttons (a choice), labelled."""
    label, values = html.escape(control["label"]), control["values"]
    if control["kind"] == "choice":
        options = "".join(
            f'<label><input type="radio" name="{ident}-{k}" value="{i}"{" checked" if i == value else ""}>'
            f" {html.escape(v)}</label>" for i, v in enumerate(values))
        return (f'<fieldset class="nnlit-explorable-control" data-control="{k}">'
                f"<legend>{label}</legend>{options}</fieldset>")
    return (f'<label class="nnlit-explorable-control" for="{ident}-{k}">{label} '
            f'<input type="range" id="{ident}-{k}" data-control="{k}" min="0" max="{len(values) - 1}" '
            f'step="1" value="{value}" aria-valuetext="{html.escape(values[value])}">'
            f' <output for="{ident}-{k}">{html.escape(values[value])}</output></label>')


def _setting_text(labels: list[dict], at: list[int], lang: str) -> str:
    return SETTING_SEPARATOR[lang].join(f"{c['label']} = {c['values'][i]}" for c, i in zip(labels, at))


def _attr(value) -> str:
    return html.escape(json.dumps(value, ensure_ascii=False), quote=True)


FIGURE = re.compile(r'<figure class="nnlit-explorable"[^>]*?data-frames="([^"]*)"')


def page_weights(site: Path) -> list[tuple[str, int, int]]:
    """(page, frames, bytes of all its frames) for every explorable figure of a built site."""
    rows = []
    for page in sorted(site.glob("**/index.html")):
        for match in FIGURE.finditer(page.read_text(encoding="utf-8")):
            frames = json.loads(html.unescape(match.group(1)))
            folder = page.parent.parent / f"{page.parent.name}.figures"
            rows.append((str(page.parent.relative_to(site)), len(frames),
                         sum((folder / f["src"]).stat().st_size for f in frames)))
    return rows
