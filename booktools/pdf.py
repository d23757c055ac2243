"""Print each edition's whole-book page to a PDF with Debian's Chromium.

    python -m booktools pdf [--site-dir site] [--out pdf]

The print page (mkdocs-print-site-plugin) holds every chapter on one page. It is
served from localhost, its math typeset by the site's own KaTeX, and printed by
headless Chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from booktools.browser import SiteHandler, launch_chromium

EDITIONS = {"zh": "print_page/", "en": "en/print_page/"}


def serve_directory(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `root` on a free localhost port from a daemon thread; return (server, base URL)."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def print_pdfs(site_dir: Path, out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    server, base = serve_directory(site_dir)
    written = []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            for lang, path in EDITIONS.items():
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_function(
                    "[...document.querySelectorAll('.arithmatex')].every(e => e.dataset.typeset)")
                page.emulate_media(media="print")
                target = out_dir / f"nnlit-{lang}.pdf"
                page.pdf(path=str(target), format="A4", print_background=True,
                         margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
                written.append(target)
            browser.close()
    finally:
        server.shutdown()
    return written
