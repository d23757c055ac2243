"""The built site in a real browser: Debian's Chromium, driven by Playwright, with the
network cut off. Each test looks at the site the way a reader does (issue 8).

One browser serves the whole session; each test gets a fresh context (cheap) so that
state such as the colour palette stored in localStorage never leaks between tests.
Every context routes every request through a NetworkGuard: localhost only.
Screenshots of the home and demo pages and of the first chapter of each language go
to test-artifacts/ (look at them: real math glyphs, Chinese text, the figure), and so
does a chapter of each language at phone width, light and dark (issue 14).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from _browser import NetworkGuard, PageLog, launch_chromium, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
# The pages whose screenshots are kept, by URL path below the site root.
SCREENSHOTS = {"": "zh-home", "demo/": "zh-demo", "en/": "en-home", "en/demo/": "en-demo"}
# A word from the middle of a sentence on the demo page of each language
# (docs/zh/demo.md: "logistic 函数把任意实数压缩到区间…", "…而不是手工抄写的";
#  docs/en/demo.md: "The logistic function squashes any real number…").
SEARCHES = [("", "压缩", "demo/"), ("", "手工", "demo/"), ("en/", "squashes", "en/demo/")]

MATH_REPORT = """() => {
  const article = document.querySelector("article.md-content__inner") || document.body;
  // Visible prose only: code may quote TeX, and KaTeX keeps the source in hidden MathML.
  const skip = "pre, code, script, style, .katex-mathml";
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    if (!node.parentElement.closest(skip)) text += node.data;
  const math = [...article.querySelectorAll(".arithmatex")];
  const katexFace = [...document.fonts].filter(f => f.family.replace(/["']/g, "") === "KaTeX_Main");
  const first = article.querySelector(".katex");
  return {
    text: text,
    math: math.length,
    untypeset: math.filter(el => !el.querySelector(".katex")).map(el => el.textContent.slice(0, 80)),
    errors: [...document.querySelectorAll(".math-error")].map(el => el.textContent.slice(0, 80)),
    katexFontLoaded: katexFace.some(f => f.status === "loaded"),
    katexFontFamily: first ? getComputedStyle(first).fontFamily : null,
  };
}"""


LAYOUT_REPORT = """() => {
  const article = document.querySelector("article.md-content__inner") || document.body;
  const root = document.documentElement;
  // An equation number drawn over its formula: the rectangles of .katex-tag and of
  // one of the formula's parts (.katex-base) intersect.
  const overlaps = [];
  for (const display of article.querySelectorAll(".katex-display")) {
    const tag = display.querySelector(".katex-tag");
    if (!tag) continue;
    const t = tag.getBoundingClientRect();
    for (const base of display.querySelectorAll(".katex-html > .katex-base")) {
      const b = base.getBoundingClientRect();
      const w = Math.min(t.right, b.right) - Math.max(t.left, b.left);
      const h = Math.min(t.bottom, b.bottom) - Math.max(t.top, b.top);
      if (w > 0.5 && h > 0.5) {
        const tex = display.querySelector("annotation");
        overlaps.push(`${tag.textContent} covers ${Math.round(w)} px of ` +
                      (tex ? tex.textContent.trim().slice(0, 70) : "its formula"));
        break;
      }
    }
  }
  // What reaches past the right edge of the window outside any box of its own that scrolls.
  const scrolls = el => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= root.clientWidth + 1) continue;
    let up = el.parentElement, contained = false;
    for (; up && up !== document.body; up = up.parentElement) if (scrolls(up)) { contained = true; break; }
    if (!contained) wide.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)} px`);
  }
  const figures = [...article.querySelectorAll("img")];
  return {
    tagged: article.querySelectorAll(".katex-display .katex-tag").length,
    overlaps: overlaps,
    overflow: root.scrollWidth - root.clientWidth,
    wide: wide.slice(0, 5),
    figures: figures.length,
    noAlt: figures.filter(img => !(img.getAttribute("alt") || "").trim()).map(img => img.getAttribute("src")),
    // Rendered size of a figure's smallest text: its size in the PNG times the scale it is shown at.
    textPx: figures.filter(img => img.classList.contains("nb-figure")).map(img => ({
      src: img.getAttribute("src"),
      px: parseFloat(img.dataset.textPx) * img.clientWidth / parseFloat(img.getAttribute("width")),
    })),
  };
}"""

# Reader's screens: a desktop and a phone (the iPhone 12-15 layout width).
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE_CHAPTER = "01-neuron/"  # screenshotted whole at phone width, light and dark, in both editions
MIN_TEXT_PX = 9  # the smallest figure text a reader can read at the rendered size


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(built_site):
    with serve(built_site) as served:
        yield served


@pytest.fixture(scope="module")
def guard():
    """One recorder for the whole session: every request that tried to leave localhost."""
    return NetworkGuard()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def new_context(browser, guard):
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light", locale="zh-CN",
                                  accept_downloads=True, service_workers="block")
    context.set_default_timeout(15_000)
    context.route("**/*", guard)
    return context


@pytest.fixture
def context(browser, guard):
    context = new_context(browser, guard)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.log = PageLog(page)
    return page


def page_paths(site_dir: Path) -> list[str]:
    """Every HTML page of both languages, as a URL path below the site root."""
    paths = []
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        if rel.endswith("404.html"):
            continue
        paths.append(rel.removesuffix("index.html"))
    return paths


def first_chapter(paths: list[str]) -> str | None:
    chapters = [p for p in paths if re.fullmatch(r"\d\d-[^/]+/", p)]
    return chapters[0] if chapters else None


@pytest.fixture(scope="module")
def visits(built_site, site, browser, guard):
    """Open every page once; record its problems and its math, and screenshot the home
    and demo pages (whole) and the first chapter (its first screen) of each language.

    The first page of each edition waits until the network is idle, which covers what
    the theme fetches once a page has loaded (sitemap, search index and worker, lunr
    languages); those are the same for every page of an edition, so the other pages
    wait for their load event and their fonts only.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    paths = page_paths(built_site)
    shots = {path: (name, True) for path, name in SCREENSHOTS.items()}
    chapter = first_chapter(paths)
    if chapter:
        shots.update({chapter: ("zh-chapter", False), f"en/{chapter}": ("en-chapter", False)})
    context = new_context(browser, guard)
    page = context.new_page()
    log = PageLog(page)
    reports, editions_seen = {}, set()
    for path in paths:
        log.clear()
        edition = path.startswith("en/")
        page.goto(site.url + path, wait_until="load" if edition in editions_seen else "networkidle")
        editions_seen.add(edition)
        page.evaluate("document.fonts.ready.then(() => null)")
        wait_for_typesetting(page)
        report = SimpleNamespace(**page.evaluate(MATH_REPORT), problems=log.problems())
        if path in shots:
            name, full_page = shots[path]
            report.screenshot = ARTIFACTS / f"{name}.png"
            page.screenshot(path=report.screenshot, full_page=full_page)
        reports[path] = report
    context.close()
    return reports


TYPESET = ("[...document.querySelectorAll('.arithmatex')]"
           ".every(el => el.querySelector('.katex') || el.classList.contains('math-error'))")


def wait_for_typesetting(page, seconds: float = 10) -> None:
    """Math is typeset by a script once the page is ready; on a busy machine that can come
    after the load event. Wait a bounded time: what is still raw then is reported."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(TYPESET, timeout=seconds * 1000)
    except PlaywrightTimeoutError:
        pass


def settle_math(page) -> None:
    """Wait until every formula is typeset and math.js has placed the numbers, with every
    collapsed block (solutions, derivations) opened so that its equations are measured too."""
    page.wait_for_function(TYPESET)
    page.evaluate("document.fonts.ready.then(() => null)")
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.fixture(scope="module")
def layouts(built_site, site, browser, guard):
    """Every page at each of WIDTHS: its LAYOUT_REPORT. Screenshots the phone chapter."""
    ARTIFACTS.mkdir(exist_ok=True)
    reports = {}
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, color_scheme="light", service_workers="block")
        context.set_default_timeout(15_000)
        context.route("**/*", guard)
        page = context.new_page()
        for path in page_paths(built_site):
            page.goto(site.url + path, wait_until="load")
            settle_math(page)
            reports[width, path] = SimpleNamespace(**page.evaluate(LAYOUT_REPORT))
            if width == "phone" and path.removeprefix("en/") == PHONE_CHAPTER:
                screenshot_light_and_dark(page, "en" if path.startswith("en/") else "zh")
        context.close()
    return reports


def screenshot_light_and_dark(page, lang: str) -> None:
    """The whole chapter at phone width, in the light palette and the dark one."""
    page.evaluate("[...document.querySelectorAll('img[loading=lazy]')].forEach(img => img.loading = 'eager')")
    page.wait_for_function("[...document.images].every(img => img.complete)")
    for scheme in ("default", "slate"):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        name = "light" if scheme == "default" else "dark"
        # a whole chapter is some 30,000 px tall: give the busy machine time to paint it
        page.screenshot(path=ARTIFACTS / f"{lang}-chapter-phone-{name}.png", full_page=True, timeout=180_000)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")


# --------------------------------------------------------------------------- the guard


class FakeRoute:
    def __init__(self, url):
        self.request = SimpleNamespace(url=url)
        self.outcome = None

    def continue_(self):
        self.outcome = "continued"

    def abort(self, error_code=None):
        self.outcome = "aborted"


def test_the_guard_blocks_and_records_outside_requests():
    guard = NetworkGuard()
    routes = {url: FakeRoute(url) for url in [
        "http://127.0.0.1:8123/assets/katex/katex.min.js", "http://localhost:8000/",
        "data:image/png;base64,AAAA", "https://cdn.jsdelivr.net/npm/katex/dist/katex.min.js",
        "https://fonts.googleapis.com/css?family=Roboto", "http://127.0.0.2.nip.io/x.js"]}
    for route in routes.values():
        guard(route)
    assert [u for u, r in routes.items() if r.outcome == "aborted"] == guard.blocked == [
        "https://cdn.jsdelivr.net/npm/katex/dist/katex.min.js",
        "https://fonts.googleapis.com/css?family=Roboto", "http://127.0.0.2.nip.io/x.js"]
    assert all(r.outcome == "continued" for u, r in routes.items() if u not in guard.blocked)


def test_the_guard_catches_an_external_script_in_a_page(browser, site):
    guard = NetworkGuard()
    context = new_context(browser, guard)
    try:
        page = context.new_page()
        page.goto(site.url + "demo/", wait_until="load")
        page.evaluate("""() => new Promise(done => {
            const script = document.createElement("script");
            script.src = "https://cdn.example.org/analytics.js";
            script.onerror = script.onload = done;
            document.head.appendChild(script);
        })""")
    finally:
        context.close()
    assert guard.blocked == ["https://cdn.example.org/analytics.js"]


# --------------------------------------------------------------------------- every page


def test_every_page_loads_cleanly(visits):
    assert {"", "demo/", "en/", "en/demo/"} <= set(visits), sorted(visits)
    problems = [f"/{path}: {p}" for path, report in visits.items() for p in report.problems]
    assert not problems, "\n".join(problems)


def test_math_is_typeset_with_katex_fonts(visits):
    problems = []
    for path, r in visits.items():
        for raw in ("$$", "\\(", "\\)", "\\[", "\\]"):
            if raw in r.text:
                at = r.text.index(raw)
                problems.append(f"/{path}: raw {raw!r} in the text: …{r.text[max(0, at - 40):at + 40]}…")
        problems += [f"/{path}: not typeset: {t}" for t in r.untypeset]
        problems += [f"/{path}: .math-error: {t}" for t in r.errors]
        if r.math and not r.katexFontLoaded:
            problems.append(f"/{path}: KaTeX_Main never loaded; the math would show fallback glyphs")
        if r.katexFontFamily is not None and "KaTeX_Main" not in r.katexFontFamily:
            problems.append(f"/{path}: .katex is set in {r.katexFontFamily!r}, not KaTeX_Main")
    assert visits["demo/"].math >= 3 and visits["en/demo/"].math >= 3, "the demo pages lost their math"
    assert not problems, "\n".join(problems)


def test_screenshots_are_saved(visits):
    for path in [p for p, r in visits.items() if hasattr(r, "screenshot")] + list(SCREENSHOTS):
        png = visits[path].screenshot
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000, png


@pytest.mark.parametrize("lang", ["", "en/"])
def test_demo_figure_is_a_visible_image(page, site, lang):
    page.goto(site.url + lang + "demo/", wait_until="load")
    figures = page.locator("article img.nb-figure")
    assert figures.count() >= 1, "no figure on the demo page"
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
        box = figure.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, box
        assert figure.is_visible()
    assert not page.log.problems(), page.log.problems()


# --------------------------------------------------------------------------- every screen (issue 14)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_equation_number_covers_its_equation(layouts, width):
    reports = {path: r for (w, path), r in layouts.items() if w == width}
    assert sum(r.tagged for r in reports.values()) >= 50, "the numbered equations were not found"
    problems = [f"/{path}: {o}" for path, r in reports.items() for o in r.overlaps]
    assert not problems, f"{len(problems)} equation numbers cover their equations at {WIDTHS[width]['width']} px:\n" \
        + "\n".join(problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_page_scrolls_sideways(layouts, width):
    problems = [f"/{path}: {r.overflow} px too wide: {'; '.join(r.wide)}"
                for (w, path), r in layouts.items() if w == width and (r.overflow > 0 or r.wide)]
    assert not problems, f"pages wider than the {WIDTHS[width]['width']} px window:\n" + "\n".join(problems)


def test_every_figure_has_a_text_alternative(layouts):
    reports = {path: r for (w, path), r in layouts.items() if w == "desktop"}
    assert sum(r.figures for r in reports.values()) >= 50, "the chapters' figures were not found"
    problems = [f"/{path}: {src}" for path, r in reports.items() for src in r.noAlt]
    assert not problems, f"{len(problems)} figures with no alt text:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_figure_text_is_readable_at_every_width(layouts, width):
    """A figure too wide for a phone keeps its text readable and scrolls in its own box."""
    problems = [f"/{path}: {f['src']}: {f['px']:.1f} px" for (w, path), r in layouts.items() if w == width
                for f in r.textPx if not f["px"] >= MIN_TEXT_PX - 0.01]
    assert not problems, f"figures whose smallest text is under {MIN_TEXT_PX} px as shown:\n" + "\n".join(problems)


def test_phone_screenshots_are_saved(layouts):
    for lang in ("zh", "en"):
        for name in ("light", "dark"):
            png = ARTIFACTS / f"{lang}-chapter-phone-{name}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 100_000, png


# --------------------------------------------------------------------------- language switch


def switch_language(page, name):
    """Open the header's language menu and click `name`, as a reader does."""
    page.locator(".md-header .md-select > button").hover()
    link = page.locator(".md-header .md-select__link", has_text=name)
    link.wait_for(state="visible")
    with page.expect_navigation(wait_until="load"):
        link.click()


SWITCHES = [("demo/", "English", "en/demo/"), ("en/demo/", "中文", "demo/"),
            ("", "English", "en/"), ("en/", "中文", "")]


@pytest.mark.parametrize("slow_root_sitemap", [False, True], ids=["", "slow-root-sitemap"])
def test_language_switch_lands_on_the_same_page(page, site, slow_root_sitemap):
    """Clicking the switch lands on the same page, whether the reader clicks as soon as
    the page has loaded or waits for everything. Material's own "stay on page" script
    follows <link rel=alternate> to each edition's sitemap.xml; when the root edition's
    sitemap came back last (a slow network) it sent the reader to the other home page."""
    if slow_root_sitemap:
        site.delays["/sitemap.xml"] = 0.3
    try:
        for start, name, target in SWITCHES:
            page.goto(site.url + start, wait_until="networkidle" if slow_root_sitemap else "load")
            switch_language(page, name)
            assert page.url == site.url + target, f"/{start} → {name} landed on {page.url}"
    finally:
        site.delays.clear()
    assert not page.log.problems(), page.log.problems()


def configured_url(built_site: Path, lang: str) -> str:
    """The address the edition was built for (site_url), read from its home page."""
    html = (built_site / lang / "index.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def test_language_switch_after_instant_navigation(browser, built_site, site):
    """Instant navigation works only where the site is served at its site_url (it
    checks links against the sitemap). The browser sees the site at that address,
    served from the local server, then navigates instantly and switches language."""
    zh, en = configured_url(built_site, ""), configured_url(built_site, "en")
    mirror = NetworkGuard(mirrors={zh: site.url, en: site.url + "en/"})
    context = new_context(browser, mirror)
    try:
        page = context.new_page()
        log = PageLog(page)
        for home, nav_to, name, twin in [(zh, "demo/", "English", en), (en, "demo/", "中文", zh)]:
            page.goto(home, wait_until="networkidle")
            page.evaluate("window.__stayed = true")
            page.locator(f".md-sidebar--primary a.md-nav__link[href='{home}{nav_to}']").first.click()
            # The URL changes at the click; the new content arrives a little later.
            page.wait_for_function("document.querySelectorAll('article .arithmatex').length >= 3")
            page.wait_for_load_state("networkidle")
            assert page.url == home + nav_to
            assert page.evaluate("window.__stayed === true"), "instant navigation did not happen"
            assert page.evaluate("[...document.querySelectorAll('article .arithmatex')]"
                                 ".every(el => el.querySelector('.katex'))"), \
                "math is not typeset after instant navigation"
            switch_language(page, name)
            assert page.url == twin + nav_to, f"{home}{nav_to} → {name} landed on {page.url}"
        assert not log.problems(), log.problems()
    finally:
        context.close()
    assert not mirror.blocked, mirror.blocked


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("lang,word,expected", SEARCHES, ids=[s[1] for s in SEARCHES])
def test_search_finds_a_mid_sentence_word(page, site, lang, word, expected):
    page.goto(site.url + lang, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(word)
    box.press("End")  # Material reads the query on keyup
    # Wait for results, or for the theme's own "no results" line.
    page.wait_for_function("""() => {
        const none = JSON.parse(document.getElementById("__config").textContent)
            .translations["search.result.none"];
        return document.querySelector(".md-search-result__list").children.length > 0
            || document.querySelector(".md-search-result__meta").textContent.trim() === none;
    }""")
    results = page.locator(".md-search-result__list a.md-search-result__link")
    paths = {urlsplit(href).path for href in results.evaluate_all("els => els.map(a => a.href)")}
    assert "/" + expected in paths, f"searching {word!r} found {sorted(paths)}"
    assert not page.log.problems(), page.log.problems()


# --------------------------------------------------------------------------- notebook


def run_notebook(nb, cwd: Path):
    """Execute with nbclient in a thread of its own, away from Playwright's event loop,
    on an event loop that asyncio.run() closes again."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(cwd)}})
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, client.async_execute()).result(timeout=180)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_notebook_download_is_valid_and_runs(page, site, tmp_path, lang):
    import nbformat

    page.goto(site.url + lang + "demo/", wait_until="load")
    button = page.locator("a.nb-download")
    assert button.count() == 1
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ipynb"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    # the install cell is for a reader's own environment (tests/test_notebooks.py runs it there)
    nb.cells = [c for c in nb.cells if "nnlit-setup" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    run_notebook(nb, tmp_path)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "0.7311" in printed, "the downloaded notebook did not compute sigma"
    assert not page.log.problems(), page.log.problems()


# --------------------------------------------------------------------------- dark mode


def test_dark_mode_toggles(page, site):
    page.goto(site.url + "demo/", wait_until="load")
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    toggle = page.locator("form[data-md-component='palette'] label.md-header__button:visible")
    assert scheme() == "default"
    toggle.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
    toggle.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert not page.log.problems(), page.log.problems()


# --------------------------------------------------------------------------- last: nothing left


def test_no_request_left_localhost(visits, guard):
    """Runs last: every page was opened and every feature clicked by now."""
    assert visits
    assert not guard.blocked, "requests tried to leave localhost:\n" + "\n".join(guard.blocked)


# --------------------------------------------------------------------------- explorable figures

EXPLORABLE_STATE = """figure => ({
  src: figure.querySelector("img").getAttribute("src"),
  alt: figure.querySelector("img").getAttribute("alt"),
  caption: figure.querySelector("figcaption").textContent,
  loaded: figure.querySelector("img").complete && figure.querySelector("img").naturalWidth > 0,
})"""


def explorable_pages(site_dir: Path) -> list[str]:
    return [path for path in page_paths(site_dir)
            if "nnlit-explorable" in (site_dir / path / "index.html").read_text(encoding="utf-8")]


def move_and_check(page, figure, move, how: str) -> None:
    """`move` changes one control; the frame, its description and the caption follow."""
    before = figure.evaluate(EXPLORABLE_STATE)
    move()
    page.wait_for_timeout(50)
    after = figure.evaluate(EXPLORABLE_STATE)
    assert after["src"] != before["src"], f"{how}: the frame did not change"
    assert after["alt"] != before["alt"] and after["alt"].strip(), f"{how}: the description did not change"
    assert after["caption"] != before["caption"], f"{how}: the caption did not change"
    page.wait_for_function("f => { const i = f.querySelector('img'); return i.complete && i.naturalWidth > 0; }",
                           arg=figure.element_handle())


def test_explorable_figures_move_by_mouse_and_by_keyboard(built_site, browser, guard, site):
    paths = explorable_pages(built_site)
    assert len(paths) >= 6, f"explorable figures expected in ch. 6, 7 and 8 of both editions, found {paths}"
    context = new_context(browser, guard)
    page = context.new_page()
    moved = 0
    for path in paths:
        page.goto(site.url + path, wait_until="load")
        figures = page.locator("figure.nnlit-explorable")
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            for slider in figure.locator('input[type="range"]').all():
                at_start = slider.input_value() == "0"
                box = slider.bounding_box()
                x = box["x"] + (box["width"] - 3 if at_start else 3)
                move_and_check(page, figure, lambda: page.mouse.click(x, box["y"] + box["height"] / 2),
                               f"/{path} figure {i}: clicking its slider")
                slider.focus()
                key = "ArrowLeft" if slider.input_value() != "0" else "ArrowRight"
                move_and_check(page, figure, lambda: page.keyboard.press(key),
                               f"/{path} figure {i}: {key} on its slider")
                moved += 2
            for group in figure.locator("fieldset").all():
                move_and_check(page, figure, lambda: group.locator("label:has(input:not(:checked))").first.click(),
                               f"/{path} figure {i}: clicking a choice")
                group.locator("input:checked").focus()
                move_and_check(page, figure, lambda: page.keyboard.press("ArrowRight"),
                               f"/{path} figure {i}: ArrowRight on its choice")
                moved += 2
    context.close()
    assert moved >= 20


def test_the_print_page_shows_the_chosen_frame_without_controls(built_site, browser, guard, site):
    """What the PDF gets: the shown frame, and a caption that names its setting."""
    context = new_context(browser, guard)
    page = context.new_page()
    page.emulate_media(media="print")
    for path, words in (("08-descent-regularization/", "图中设置：学习率 α = 0.95"),
                        ("en/08-descent-regularization/", "Setting shown: learning rate α = 0.95")):
        page.goto(site.url + path, wait_until="load")
        figure = page.locator("figure.nnlit-explorable").first
        assert figure.locator(".nnlit-explorable-controls").is_hidden()
        assert figure.locator("img").is_visible()
        assert words in figure.locator("figcaption").inner_text()
    context.close()
