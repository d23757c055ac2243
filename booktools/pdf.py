"""Print each edition's whole-book page to a PDF with Debian's Chromium.

    python -m booktools pdf [--site-dir site] [--out pdf]

The print page (mkdocs-print-site-plugin, built by `make site`) holds the title page,
the contents and every chapter on one page. It is served from localhost, its math
typeset by the site's own KaTeX, and printed by headless Chromium through Playwright;
no browser is ever downloaded. Each PDF gets:

- bookmarks (the PDF outline) for every heading, and a tagged structure;
- page footers in the edition's language ("第 N 页", "Page N");
- page numbers in its contents, taken from the PDF itself: a first printing with a
  three-digit placeholder beside each entry tells on which page each linked heading
  landed (the PDF's named destinations), the second printing writes those numbers
  in the placeholders' room, so nothing moves, and the numbers are checked against
  the second PDF before it is kept;
- a text layer that says the ideographs shown, not the radicals Chromium names for
  glyphs the CJK font shares (booktools/pdftext.py);
- bookmark titles as the headings read: Chromium (156) writes some twice over
  ("习题习题") and drops the space where a heading wraps; each such title is put
  back to the heading it stands for (see heading_title).
"""

from __future__ import annotations

import functools
import html
import http.server
import io
import threading
from pathlib import Path
from urllib.parse import unquote

from booktools.browser import SiteHandler, launch_chromium
from booktools.pdftext import repair_text_layer

EDITIONS = {"zh": "print_page/", "en": "en/print_page/"}
FOOTER_WORDS = {"zh": ("第 ", " 页"), "en": ("Page ", "")}
FOOTER_FONTS = {"zh": "'Noto Sans CJK SC', sans-serif", "en": "'DejaVu Sans', sans-serif"}
MARGIN = {"top": "18mm", "bottom": "20mm", "left": "15mm", "right": "15mm"}  # as in print.css
PLACEHOLDER = "000"  # as wide as any page number the book will have

TOC_LINKS = "#print-page-toc a.md-nav__link[href*='#']"
MARK_TOC = """(placeholder) => {
  for (const link of document.querySelectorAll(%r)) {
    let number = link.querySelector(".nnlit-toc-page");
    if (!number) {
      number = document.createElement("span");
      number.className = "nnlit-toc-page";
      link.appendChild(number);
    }
    number.textContent = placeholder;
  }
  return [...document.querySelectorAll(%r)].map(a => decodeURIComponent(a.hash.slice(1)));
}""" % (TOC_LINKS, TOC_LINKS)
HEADINGS = """() => [...document.querySelectorAll('#print-site-page :is(h1, h2, h3, h4, h5, h6)')]
  .map(h => { const copy = h.cloneNode(true);
              copy.querySelectorAll('.headerlink').forEach(a => a.remove());
              return copy.textContent.replace(/\\s+/g, ' ').trim(); })"""
FILL_TOC = """(pages) => {
  for (const link of document.querySelectorAll(%r))
    link.querySelector(".nnlit-toc-page").textContent = pages[decodeURIComponent(link.hash.slice(1))];
}""" % TOC_LINKS


def footer_template(lang: str) -> str:
    """Chromium's footer: the page number in the edition's own words, centred."""
    before, after = (html.escape(w) for w in FOOTER_WORDS[lang])
    return (f'<div lang="{lang}" style="width:100%;text-align:center;font-size:9px;color:#555;'
            f'font-family:{FOOTER_FONTS[lang]}">{before}<span class="pageNumber"></span>{after}</div>')


def serve_directory(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `root` on a free localhost port from a daemon thread; return (server, base URL)."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def destination_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination (an element id a link points to) -> its page number, from 1."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    index = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, 1)}
    return {unquote(name.lstrip("/")): index[dest.page.idnum]
            for name, dest in reader.named_destinations.items()}


def contents_pages(anchors: list[str], destinations: dict[str, int]) -> dict[str, int]:
    """The page of every contents entry's target; an entry whose target is missing is an error."""
    missing = [a for a in anchors if a not in destinations]
    if missing:
        raise RuntimeError(f"{len(missing)} contents entries link to no destination in the PDF, "
                           f"e.g. {missing[:3]}; destinations: {sorted(destinations)[:5]}…")
    return {a: destinations[a] for a in anchors}


def print_edition(page, url: str, lang: str, target: Path) -> dict[str, int]:
    """Print one edition to `target`; return the contents' page numbers (anchor -> page)."""
    page.goto(url, wait_until="networkidle")
    # KaTeX typesets some 2,000 formulas per edition; give a busy machine time.
    page.wait_for_function("[...document.querySelectorAll('.arithmatex')]"
                           ".every(e => e.dataset.typeset || e.classList.contains('math-error'))",
                           timeout=180_000)
    errors = page.evaluate("[...document.querySelectorAll('.math-error')].map(e => e.textContent.slice(0, 80))")
    if errors:
        raise RuntimeError(f"{url}: KaTeX could not typeset {len(errors)} formulas, e.g. {errors[:3]}")
    page.emulate_media(media="print")
    options = dict(format="A4", print_background=True, margin=MARGIN, outline=True, tagged=True,
                   display_header_footer=True, header_template="<span></span>",
                   footer_template=footer_template(lang))
    anchors = page.evaluate(MARK_TOC, PLACEHOLDER)
    if not anchors:
        raise RuntimeError(f"{url}: the print page has no contents ({TOC_LINKS})")
    numbers = contents_pages(anchors, destination_pages(page.pdf(**options)))
    if max(numbers.values()) >= 10 ** len(PLACEHOLDER):
        raise RuntimeError(f"{url}: {max(numbers.values())} pages; widen PLACEHOLDER")
    page.evaluate(FILL_TOC, numbers)
    final = page.pdf(**options)
    moved = {a: (n, m) for a, n in numbers.items()
             if (m := contents_pages(anchors, destination_pages(final))[a]) != n}
    if moved:
        raise RuntimeError(f"{url}: filling in the contents moved headings (anchor: (before, after)): "
                           f"{dict(list(moved.items())[:5])}")
    finish(final, target, set(page.evaluate(HEADINGS)))
    return numbers


def outline_items(node):
    """Every item of a PDF outline (pypdf dictionaries), depth first."""
    item = node.get("/First")
    while item is not None:
        item = item.get_object()
        yield item
        yield from outline_items(item)
        item = item.get("/Next")


def heading_title(title: str, headings: set[str]) -> str:
    """A bookmark title as its heading reads. Chromium (156) drops the space where a
    heading wraps ("maximumlikelihood") and writes some titles twice ("习题习题", for
    headings that open a page); compared without whitespace, such a title is put back
    to the one heading of the page it stands for. Anything else is left as it is."""
    if title in headings:
        return title
    by_letters = {"".join(h.split()): h for h in headings}
    letters = "".join(title.split())
    half = letters[:len(letters) // 2]
    if letters in by_letters:
        return by_letters[letters]
    if len(letters) % 2 == 0 and letters == half * 2 and half in by_letters:
        return by_letters[half]
    return title


def finish(pdf: bytes, target: Path, headings: set[str]) -> None:
    """Write `pdf` to `target` with its text layer and bookmark titles repaired."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    repair_text_layer(writer)
    for item in outline_items(writer.root_object.get("/Outlines", {})):
        title = heading_title(str(item["/Title"]), headings)
        if title != item["/Title"]:
            item[NameObject("/Title")] = TextStringObject(title)
    with target.open("wb") as out:
        writer.write(out)


def print_pdfs(site_dir: Path, out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    missing = [path for path in EDITIONS.values() if not (site_dir / path / "index.html").is_file()]
    if missing:
        raise RuntimeError(f"no print page at {[str(site_dir / m) for m in missing]}; "
                           "build with NNLIT_PRINT_PAGE=true (`make site`)")
    server, base = serve_directory(site_dir)
    written = []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            for lang, path in EDITIONS.items():
                target = out_dir / f"nnlit-{lang}.pdf"
                print_edition(page, base + path, lang, target)
                written.append(target)
            browser.close()
    finally:
        server.shutdown()
    return written
