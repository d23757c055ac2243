"""Explorable figures: the frames a cell computes (nnlit.explore), the page HTML the build
makes of them (booktools.explorable), and the live widgets of a downloaded notebook."""

from __future__ import annotations

import base64
import html
import io
import json
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from booktools import chapter, explorable as page
from nnlit import explore
from nnlit.book import ALT_MIME

pytest.importorskip("PIL")


def draw_line(slope, width=1.0):
    """A tiny frame whose picture depends on both settings."""
    fig = Figure(figsize=(2, 1.5), dpi=50)
    ax = fig.subplots()
    ax.plot([0, 1], [0, slope], linewidth=width)
    ax.set_xlabel("x")
    return explore.frame(fig, en=f"a line of slope {slope}", zh=f"斜率为 {slope} 的直线",
                         note={"en": f"slope {slope}", "zh": f"斜率 {slope}"})


SLOPE = explore.Control("slope", [-1, 0, 2], en="slope", zh="斜率")
WIDTH = explore.Control("width", [1.0, 3.0], en="line width", zh="线宽", kind="choice",
                        labels={"en": ["thin", "thick"], "zh": ["细", "粗"]})


def two_controls():
    return explore.explorable(draw_line, SLOPE, WIDTH, shown={"slope": 2, "width": 3.0})


def test_bundle_has_one_distinct_frame_per_setting_and_shows_the_chosen_one():
    bundle = two_controls().bundle()
    spec = bundle[explore.MIME]
    assert [f["at"] for f in spec["frames"]] == [[i, j] for i in range(3) for j in range(2)]
    assert len({f["png"] for f in spec["frames"]}) == 6  # every setting drew its own picture
    assert spec["shown"] == [2, 1]
    shown = next(f for f in spec["frames"] if f["at"] == [2, 1])
    assert bundle["image/png"] == shown["png"] and bundle[ALT_MIME] == {"en": "a line of slope 2",
                                                                         "zh": "斜率为 2 的直线"}
    assert spec["controls"][1]["values"] == [{"en": "thin", "zh": "细"}, {"en": "thick", "zh": "粗"}]


def test_frames_are_palette_pngs():
    from PIL import Image

    png = base64.b64decode(two_controls().bundle()["image/png"])
    assert Image.open(io.BytesIO(png)).mode == "P"


@pytest.mark.parametrize("make, message", [
    (lambda: explore.explorable(draw_line, SLOPE, shown={"slope": 5}), "no value 5"),
    (lambda: explore.explorable(draw_line, SLOPE, shown={}), "shown must give a value"),
    (lambda: explore.explorable(draw_line, shown={}), "one or two controls"),
    (lambda: explore.Control("a", [1], en="a", zh="甲"), "at least 2 values"),
    (lambda: explore.Control("a", [1, 2], en="a", zh=""), "label in 'zh'"),
    (lambda: explore.Control("a", [1, 2], en="a", zh="甲", kind="knob"), "kind must be"),
    (lambda: explore.Control("a", [1, 2], en="a", zh="甲", labels={"en": ["x"], "zh": ["甲", "乙"]}),
     r"labels\['en'\] must name each"),
    (lambda: explore.frame(Figure(), en="x", zh="甲", note={"en": "n"}), "note needs text"),
    (lambda: explore.explorable(lambda slope: Figure(), SLOPE, shown={"slope": 0}).bundle(), "must return"),
])
def test_bad_input_is_refused_with_what_was_expected(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_page_html_has_labelled_controls_in_the_editions_language_and_every_frame():
    figures: dict[str, bytes] = {}
    markup = page.render(two_controls().bundle(), "07-x", figures, "zh")
    assert len(figures) == 6
    frames = json.loads(html.unescape(re.search(r'data-frames="([^"]*)"', markup).group(1)))
    assert [f["alt"] for f in frames][:2] == ["斜率为 -1 的直线"] * 2
    assert all(f["src"] in figures for f in frames)
    assert re.search(r'<label class="nnlit-explorable-control" for="x-\w+-0">斜率 <input type="range"[^>]*'
                     r'max="2"[^>]*value="2"', markup)
    assert '<legend>线宽</legend>' in markup and 'value="1" checked> 粗' in markup
    assert "图中设置：斜率 = 2；线宽 = 粗" in markup  # what the print page shows
    shown = frames[2 * 2 + 1]["src"]
    assert f"(07-x.figures/{shown})" in markup and "![斜率为 2 的直线]" in markup


def test_a_missing_frame_stops_the_build():
    bundle = two_controls().bundle()
    del bundle[explore.MIME]["frames"][3]
    with pytest.raises(page.MissingFrame, match=r"needs 6 frames; missing \[\[1, 1\]\]"):
        page.render(bundle, "07-x", {}, "en")


def test_the_downloaded_notebook_keeps_only_the_shown_frame():
    out = {"output_type": "display_data", "metadata": {}, "data": two_controls().bundle()}
    reader = chapter._for_reader(out, "zh")
    assert explore.MIME not in reader["data"] and reader["data"]["text/plain"] == "斜率为 2 的直线"
    assert reader["data"]["image/png"] == out["data"]["image/png"]


def test_live_widgets_draw_the_chosen_setting_in_the_readers_language():
    pytest.importorskip("ipywidgets")
    from nnlit.widgets import live

    drawn = []

    def counting(slope, width=1.0):
        drawn.append((slope, width))
        return draw_line(slope, width)

    box = live(explore.explorable(counting, SLOPE, WIDTH, shown={"slope": 0, "width": 1.0}), "zh")
    slope_picker, width_picker, image, note = box.children
    assert slope_picker.description == "斜率" and width_picker.options == ("细", "粗")
    assert note.value == "斜率 0" and drawn == [(0, 1.0)]
    first = image.value
    slope_picker.index = 2
    assert note.value == "斜率 2" and image.value != first and drawn[-1] == (2, 1.0)
    slope_picker.index = 1  # drawn once already: kept, not drawn again
    assert drawn.count((0, 1.0)) == 1


# --------------------------------------------------------------------------- in the built book

MAX_FIGURE_KB = 400  # "a few hundred kB" per explorable figure (issue 18)


@pytest.mark.site
def test_every_explorable_figure_comes_from_the_chapters_cached_outputs(built_site):
    """The frames are outputs of the chapter's cached execution: a rebuild with no change
    renders them from the cache, and runs nothing."""
    from booktools import execute
    from booktools.chapter import Chapter

    env = execute.environment_digest()
    found = 0
    for path in sorted((chapter.ROOT / "docs" / "en").glob("[0-9][0-9]-*.md")):
        source = Chapter.read(path)
        cells = [c for c in source.code if "explorable(" in c]
        if not cells:
            continue
        outputs = execute.cached_outputs(execute.cache_key(source.cache_code, env))
        assert outputs is not None, f"{path.name}: not in the execution cache after the build"
        bundles = [o["data"][explore.MIME] for cell in outputs for o in cell if explore.MIME in o.get("data", {})]
        assert len(bundles) == len(cells), f"{path.name}: {len(cells)} explorable cells, {len(bundles)} cached"
        for bundle in bundles:
            sizes = [len(c["values"]) for c in bundle["controls"]]
            assert len(bundle["frames"]) == int(np.prod(sizes)), f"{path.name}: frames missing from the cache"
        found += len(bundles)
    assert found >= 5


@pytest.mark.site
def test_explorable_figures_weigh_a_few_hundred_kB_at_most(built_site):
    weights = {f"{where} #{k}": size / 1000 for k, (where, _, size) in enumerate(page.page_weights(built_site))}
    print({k: round(v) for k, v in weights.items()})
    assert len(weights) >= 10, weights  # five figures, two editions
    heavy = {k: v for k, v in weights.items() if v > MAX_FIGURE_KB}
    assert not heavy, f"explorable figures over {MAX_FIGURE_KB} kB: {heavy}"
