"""The printed book (issue 17): both editions built with their print page, printed with
`python -m booktools pdf`, and read back with pypdf, which shows the text layer as it
is (poppler's pdftotext would normalise radicals away and hide a broken one).

Each PDF must have: a title page (title, edition, version, date, license); bookmarks
for every chapter and its sections; a contents whose page numbers are the pages the
chapters start on; a footer in the edition's language on every page; a Chinese text
layer without CJK radicals. The print page itself keeps the language switch on screen
(issue 14, item 4) and hides every screen-only control in print.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from booktools.pdftext import radicals_in


pytestmark = [pytest.mark.pdf, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["zh", "en"]
PREFIX = {"zh": "", "en": "en/"}
TITLE_PAGE = {"zh": ["神经网络是如何学习的", "中文版", "CC BY-SA 4.0", "MIT"],
              "en": ["How neural networks learn", "English edition", "CC BY-SA 4.0", "MIT"]}
FOOTER = {"zh": "第 {} 页", "en": "Page {}"}
DOWNLOAD = {"zh": "下载本章的 Jupyter 笔记本", "en": "Download this chapter as a notebook"}
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.M | re.S)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def print_site(tmp_path_factory) -> Path:
    """Both editions with their print pages (what `make site` builds)."""
    site = tmp_path_factory.mktemp("print-site") / "site"
    result = subprocess.run([sys.executable, "-m", "booktools", "build", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "NNLIT_PRINT_PAGE": "true"})
    assert result.returncode == 0, f"build with print pages failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def pdfs(print_site, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    result = subprocess.run([sys.executable, "-m", "booktools", "pdf", "--site-dir", str(print_site),
                             "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"booktools pdf failed:\n{result.stdout}\n{result.stderr}"
    return {lang: out / f"nnlit-{lang}.pdf" for lang in LANGS}


@pytest.fixture(scope="session")
def books(pdfs):
    from pypdf import PdfReader

    return {lang: Book(PdfReader(path)) for lang, path in pdfs.items()}


class Book:
    """A PDF read back: the text of each page, and its outline as (level, title, page)."""

    def __init__(self, reader):
        self.reader = reader
        self.pages = [page.extract_text() or "" for page in reader.pages]
        self.outline = list(self._walk(reader.outline, 0))
        self.heading_tops = [(" ".join(item.title.split()), reader.get_destination_page_number(item) + 1,
                              float(item["/Top"])) for item in self._items(reader.outline)]

    def _items(self, items):
        for item in items:
            yield from self._items(item) if isinstance(item, list) else [item]

    def _walk(self, items, level):
        for item in items:
            if isinstance(item, list):
                yield from self._walk(item, level + 1)
            else:
                yield level, " ".join(item.title.split()), self.reader.get_destination_page_number(item) + 1


def chapters(lang: str) -> list[tuple[str, list[str]]]:
    """(title, section titles) of every numbered chapter, from its Markdown source."""
    found = []
    for path in sorted((ROOT / "docs" / lang).glob("[0-9][0-9]-*.md")):
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        title = re.search(r"^# (.+)$", text, re.M).group(1)
        found.append((plain(title), [plain(s) for s in re.findall(r"^## (.+)$", text, re.M)]))
    return found


def plain(heading: str) -> str:
    """A Markdown heading as its text reads (no attribute lists, code ticks or emphasis)."""
    heading = re.sub(r"\s*\{[^}]*\}\s*$", "", heading)
    return " ".join(re.sub(r"[`*_]", "", heading).split())


# --------------------------------------------------------------------------- the PDFs

@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_every_chapter_and_its_sections(books, lang):
    outline = books[lang].outline
    titles = [title for _, title, _ in outline]
    for chapter, sections in chapters(lang):
        assert chapter in titles, f"{lang}: no bookmark for chapter {chapter!r}; bookmarks: {titles[:12]}…"
        start = titles.index(chapter)
        level = outline[start][0]
        end = next((i for i in range(start + 1, len(outline)) if outline[i][0] <= level), len(outline))
        children = [title for depth, title, _ in outline[start + 1:end] if depth == level + 1]
        missing = [s for s in sections if s not in children]
        assert not missing, f"{lang}: chapter {chapter!r} lacks bookmarks for {missing}; has {children}"


# A4 is 842 pt tall and its bottom margin 20 mm (57 pt); a heading whose top is under
# 100 pt from the page's foot has less than about two lines of text after it there.
STRANDED_BELOW = 100


@pytest.mark.parametrize("lang", LANGS)
def test_no_heading_is_stranded_at_the_foot_of_a_page(books, lang):
    stranded = [(title, page, round(top)) for title, page, top in books[lang].heading_tops
                if top < STRANDED_BELOW]
    assert not stranded, f"{lang}: headings at the foot of a page (title, page, top in pt): {stranded}"


@pytest.mark.parametrize("lang", LANGS)
def test_title_page(books, lang):
    first = " ".join(books[lang].pages[0].split())
    expected = TITLE_PAGE[lang] + [metadata.version("nnlit")]
    missing = [word for word in expected if word not in first]
    assert not missing, f"{lang}: the title page lacks {missing}; it reads {first[:300]!r}"
    assert re.search(r"20\d\d", first), f"{lang}: the title page has no date: {first[:300]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_its_footer_in_the_edition_language(books, lang):
    pages = books[lang].pages
    wrong = [number for number, text in enumerate(pages, 1)
             if FOOTER[lang].format(number) not in " ".join(text.split())]
    assert not wrong, (f"{lang}: {len(wrong)} of {len(pages)} pages lack the footer "
                       f"{FOOTER[lang].format('N')!r}, e.g. page {wrong[0]}: {pages[wrong[0] - 1][-80:]!r}")
    if lang == "zh":
        english = [n for n, text in enumerate(pages, 1) if re.search(r"Page \d+", text)]
        assert not english, f"zh: English footers on pages {english[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_contents_gives_the_page_each_chapter_starts_on(books, lang):
    book = books[lang]
    top = {title: page for level, title, page in book.outline if level == 0}
    # Layout mode keeps each entry and its page number on one line, as printed.
    lines = [" ".join(line.split()) for page in book.reader.pages[1:4]
             for line in page.extract_text(extraction_mode="layout").splitlines()]
    for chapter, _ in chapters(lang):
        entry = next((m for line in lines if (m := re.fullmatch(re.escape(chapter) + r" (\d+)", line))), None)
        assert entry, f"{lang}: chapter {chapter!r} has no numbered line in the contents: {lines[:14]}"
        assert int(entry.group(1)) == top[chapter], (
            f"{lang}: the contents put {chapter!r} on page {entry.group(1)}; it starts on {top[chapter]}")


@pytest.mark.parametrize("lang", LANGS)
def test_text_layer_has_no_cjk_radicals(books, lang):
    text = "".join(books[lang].pages)
    found = radicals_in(text)
    assert not found, (f"{lang}: {len(found)} CJK radicals in the text layer (a glyph named by "
                       f"its radical, not its ideograph), e.g. {sorted(set(found))[:10]}")
    if lang == "zh":
        assert "神经网络" in text, "zh: 「神经网络」 is not found in the text layer"


@pytest.mark.parametrize("lang", LANGS)
def test_no_download_buttons_in_print(books, lang):
    text = "".join(books[lang].pages)
    assert DOWNLOAD[lang] not in text, f"{lang}: a notebook download button is printed"


SHOWN_SETTING = {"zh": "图中设置：学习率 α = 0.95", "en": "Setting shown: learning rate α = 0.95"}


@pytest.mark.parametrize("lang", LANGS)
def test_explorable_figures_print_their_chosen_setting_without_controls(books, lang):
    text = " ".join(" ".join(page.split()) for page in books[lang].pages)
    assert SHOWN_SETTING[lang] in text, f"{lang}: the learning-rate figure's caption is not printed"
    assert ("学习率 α 0.95" if lang == "zh" else "learning rate α 0.95") not in text, \
        f"{lang}: the slider and its value are printed"


# --------------------------------------------------------------------------- the print page

@pytest.fixture(scope="module")
def print_browser(print_site):
    from playwright.sync_api import sync_playwright

    from _browser import NetworkGuard, launch_chromium, serve

    with serve(print_site) as site, sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", NetworkGuard())
        context.set_default_timeout(120_000)   # the print page holds the whole book
        yield site, context.new_page()
        chromium.close()


SCREEN_ONLY = [".md-header", ".md-select", ".md-clipboard", ".md-code__nav", ".nb-download",
               ".md-content__button", ".headerlink", ".md-footer", ".md-sidebar"]


@pytest.mark.parametrize("lang, other, name", [("zh", "en", "English"), ("en", "zh", "中文")])
def test_print_page_language_switch_and_print_styles(print_browser, lang, other, name):
    site, page = print_browser
    page.emulate_media(media="screen")
    page.goto(site.url + PREFIX[lang] + "print_page/", wait_until="load")
    page.locator(".md-header .md-select > button").hover()
    link = page.locator(".md-header .md-select__link", has_text=name)
    link.wait_for(state="visible")
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert page.url == site.url + PREFIX[other] + "print_page/", f"{lang} print page → {name}: {page.url}"
    page.emulate_media(media="print")
    shown = page.evaluate("""(selectors) => selectors.filter(s =>
        [...document.querySelectorAll(s)].some(e => e.getClientRects().length > 0))""", SCREEN_ONLY)
    assert not shown, f"{other}: screen-only controls visible in print: {shown}"
