"""Debian's Chromium and a quiet local server for the built site.

Shared by `python -m booktools pdf` and the browser tests. Nothing here downloads
a browser: Chromium is /usr/bin/chromium from Debian (`make test` installs it with
apt-get), driven by Playwright for Python.
"""

from __future__ import annotations

import http.server
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a directory with the MIME types the site needs, and logs nothing."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".ipynb": "application/x-ipynb+json",
        ".json": "application/json",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
    }

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def launch_chromium(playwright):
    """Debian's Chromium, never a downloaded one. Playwright's launch() starts it with a
    fresh temporary user-data dir of its own and deletes that dir on close()."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing; `make test` installs Debian's chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
