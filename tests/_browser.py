"""Helpers for the browser tests: a local server for the built site (with delays a
test can set) and a network guard that keeps every request on localhost. Chromium
and the site's handler come from booktools/browser.py, shared with `booktools pdf`.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

from booktools.browser import SiteHandler, launch_chromium  # noqa: F401 (launch_chromium is re-exported)

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Schemes that never touch the network (inline data, the page's own blobs, about:blank).
LOCAL_SCHEMES = {"data", "blob", "about"}


class QuietHandler(SiteHandler):
    """The site's handler, with per-path delays a test can set."""

    def do_GET(self):
        # A test can slow one path down (server.delays), to reorder responses the way a
        # slow network would; a sleeping handler thread holds up no other request.
        delay = self.server.delays.get(self.path.split("?")[0], 0)
        if delay:
            time.sleep(delay)
        super().do_GET()


@dataclass
class Site:
    url: str                     # the base URL, ending in "/"
    delays: dict[str, float]     # path -> seconds the server waits before answering


@contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 at a free port from a thread; yields a Site."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.delays = {}
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}/", server.delays)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


class NetworkGuard:
    """A Playwright route handler that keeps the browser on this machine.

    Requests to localhost go through; every other one is aborted and recorded in
    `blocked`, so a test can show that none was attempted. `mirrors` maps a URL prefix
    (such as the site_url the site was built for) to the local server: the browser
    then sees the site at its configured address, where Material's instant navigation
    is active, while every byte still comes from the local server.
    """

    def __init__(self, mirrors: dict[str, str] | None = None) -> None:
        self.blocked: list[str] = []
        # Longest prefix first, so /en/ wins over the root it sits under.
        self.mirrors = sorted((mirrors or {}).items(), key=lambda item: -len(item[0]))

    def __call__(self, route) -> None:
        url = route.request.url
        for prefix, local in self.mirrors:
            if url.startswith(prefix):
                try:
                    # max_redirects=0: a redirect reaches the browser, relative to the mirror.
                    response = route.fetch(url=local + url[len(prefix):], max_redirects=0)
                    route.fulfill(response=response)
                except PlaywrightError:
                    pass  # the page went away (navigated or closed) while this was in flight
                return
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


class PageLog:
    """Everything that went wrong while a page was open: console errors, uncaught
    exceptions, failed requests and responses with an error status."""

    def __init__(self, page) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console.append(
            f"{m.text} ({m.location.get('url', '?')}:{m.location.get('lineNumber', '?')})"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url}: HTTP {r.status}"))

    def _failed(self, request) -> None:
        # ERR_ABORTED: the page was left (or a script cancelled the fetch) before the
        # answer came; not a fault of the site. A missing file shows as a 4xx response.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url}: {request.failure}")

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console]
                + [f"page error: {m}" for m in self.errors]
                + [f"failed request: {m}" for m in self.failed])

    def clear(self) -> None:
        self.console.clear()
        self.errors.clear()
        self.failed.clear()
