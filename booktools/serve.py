"""`python -m booktools serve`: a preview that never blocks and never goes dark.

- Every rebuild runs in a child process (`booktools build --lenient --split`, forked
  from a server that imported MkDocs and friends once) into a fresh directory; an
  edition's directory replaces the served one only when that edition built. Requests are answered at once, always from the last good
  build, by a threaded server of our own (MkDocs' LiveReloadServer serves the
  directory being rebuilt and holds requests until the build ends).
- A failed build keeps the last good site and shows the failure (file, edition,
  cell, line in the .md, the code, the exception) as a banner on every page of
  that edition, until the next build of that edition succeeds.
- Each page polls /__nnlit__/status and reloads when its edition changed.
- The gates run too, as warnings: parity on every build, the derivations (SymPy,
  slow) in a background thread whenever the package changed.
"""

from __future__ import annotations

import html
import http.server
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from booktools.__main__ import EDITIONS, ROOT, editions_affected
from booktools.browser import SiteHandler

WATCHED = ["docs", "nnlit", "booktools", "overrides", "mkdocs.yml", "mkdocs.en.yml", "requirements.lock"]
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".git"}
DEBOUNCE = 0.3  # seconds: an editor's save is often several events
log = logging.getLogger("booktools.serve")
ASSET = Path(__file__).resolve().parent / "serve_client.js"


class State:
    """What is served: the last good directory of each edition, and the last failures."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.roots: dict[str, Path] = {}
        self.versions = {lang: 0 for lang in EDITIONS}
        self.failures: dict[str, list[dict]] = {lang: [] for lang in EDITIONS}
        self.warnings: dict[str, list[str]] = {lang: [] for lang in EDITIONS}
        self.derivation_warnings: list[str] = []
        self.building = False

    def status(self) -> dict:
        with self.lock:
            return {"versions": dict(self.versions), "building": self.building,
                    "failures": {k: list(v) for k, v in self.failures.items()},
                    "warnings": sorted({w for ws in self.warnings.values() for w in ws})
                    + self.derivation_warnings}


def edition_of(path: str) -> str:
    return "en" if path == "/en" or path.startswith("/en/") else "zh"


def banner_html(failures: list[dict], warnings: list[str]) -> str:
    """The failure banner (and a collapsed list of warnings), as HTML."""
    if not failures and not warnings:
        return ""
    parts = []
    for item in failures:
        if "path" in item:
            what = "wrote to stderr" if item["kind"] == "stderr" else "raised"
            also = "".join(f"; {where} runs the same code" for where in item.get("also", []))
            head = (f"{item['path']}:{item['line']} — code cell {item['cell']} {what} "
                    f"(edition {item['edition']}{also})")
            code = "\n".join(f"{'>' if n == item['line'] else ' '} {n:>5} | {t}" for n, t in item["excerpt"])
            parts.append(f"<strong>{html.escape(head)}</strong><pre>{html.escape(code)}\n\n"
                         f"{html.escape(item['exception'])}</pre>")
        else:
            parts.append(f"<strong>the {html.escape(item['edition'])} edition did not build</strong>"
                         f"<pre>{html.escape(item['message'])}</pre>")
    if failures:
        parts.insert(0, "<p>The build failed; this is the last good version of the page.</p>")
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        parts.append(f"<details><summary>{len(warnings)} warning(s)</summary><ul>{items}</ul></details>")
    kind = "error" if failures else "warning"
    return (f'<div id="nnlit-build-status" class="nnlit-build-{kind}" role="alert">'
            f'<button type="button" aria-label="close" onclick="this.parentNode.remove()">×</button>'
            f'{"".join(parts)}</div>')


STYLE = """<style>#nnlit-build-status{position:fixed;z-index:1000;left:1rem;right:1rem;bottom:1rem;
max-height:60vh;overflow:auto;padding:.8rem 1rem;font:14px/1.4 monospace;background:#fff5f5;
color:#300;border:3px solid #c00;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.3)}
#nnlit-build-status.nnlit-build-warning{background:#fffbea;border-color:#c90;color:#330}
#nnlit-build-status pre{white-space:pre-wrap;margin:.4rem 0}
#nnlit-build-status button{float:right;font-size:1.4rem;border:0;background:none;cursor:pointer}</style>"""


def make_handler(state: State):
    class Handler(SiteHandler):
        def do_HEAD(self):  # noqa: N802 - http.server's naming
            self._answer(head=True)

        def do_GET(self):  # noqa: N802
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/__nnlit__/status":
                return self._send(200, "application/json", json.dumps(state.status()).encode(), head)
            if path == "/__nnlit__/client.js":
                return self._send(200, "text/javascript", ASSET.read_bytes(), head)
            lang = edition_of(path)
            for _ in range(3):  # the directory may be swapped (and an old one removed) meanwhile
                try:
                    return self._serve_file(lang, path, head)
                except OSError:
                    time.sleep(0.01)
            self._send(503, "text/plain", b"try again", head)

        def _serve_file(self, lang: str, path: str, head: bool) -> None:
            with state.lock:
                root = state.roots.get(lang)
                version = state.versions[lang]
            if root is None:
                page = f"<!doctype html><title>building…</title><p>Building the book… this page reloads itself.</p>"
                return self._send(200, "text/html; charset=utf-8", self._inject(page.encode(), lang, version), head)
            relative = path[3:] if lang == "en" else path
            target = (root / relative.lstrip("/")).resolve()
            if not target.is_relative_to(root):
                return self._send(403, "text/plain", b"forbidden", head)
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return None
                target = target / "index.html"
            status = 200
            if not target.is_file():
                status, target = 404, root / "404.html"
            body = target.read_bytes()
            kind = self.guess_type(str(target))
            if kind.startswith("text/html"):
                body, kind = self._inject(body, lang, version), "text/html; charset=utf-8"
            return self._send(status, kind, body, head)

        def _inject(self, body: bytes, lang: str, version: int) -> bytes:
            status = state.status()
            extra = (STYLE + banner_html(status["failures"][lang], status["warnings"])
                     + f'<script>window.nnlitServe={{edition:"{lang}",version:{version}}};</script>'
                     + '<script src="/__nnlit__/client.js"></script>')
            text = body.decode("utf-8", errors="replace")
            at = text.rfind("</body>")
            text = text[:at] + extra + text[at:] if at != -1 else text + extra
            return text.encode("utf-8")

        def _send(self, status: int, kind: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


# Third-party modules every build imports (a few seconds, more without bytecode caches);
# not booktools or nnlit, which may be what just changed.
PRELOAD = ["mkdocs.commands.build", "mkdocs.config", "material.plugins.search.plugin", "markdown",
           "pymdownx.superfences", "pymdownx.arithmatex", "pymdownx.snippets", "pymdownx.emoji",
           "pymdownx.tabbed", "pymdownx.details", "pymdownx.highlight", "pygments", "jinja2",
           "nbformat", "jupytext", "nbclient", "jupyter_client", "watchdog.observers", "yaml"]
_FORKS = multiprocessing.get_context("forkserver")
BUILD_NICENESS = 5


def _build_in_child(argv: list[str], executing) -> None:
    """A build, a little below the server's priority (its kernels too): on a busy
    machine the thread that answers requests gets the CPU first. ``executing`` is
    set once it starts running chapters (work a newer build should not throw away)."""
    from booktools import execute
    from booktools.__main__ import main

    os.nice(BUILD_NICENESS)
    execute.BEFORE_EXECUTING.append(executing.set)
    main(argv)


class Builder:
    """Rebuilds in a child process when files change, one build at a time, and swaps
    each edition in when it built.

    A change that arrives while a build only renders (it runs no chapter) supersedes
    it: that build stops and the next one starts at once, with the editions of both,
    so an edit shows after one build, not two. A build that is running chapters is
    left to finish, since its outputs are cached for the next one."""

    child = staticmethod(_build_in_child)  # what the build process runs: (argv, executing event)

    def __init__(self, state: State, work: Path, url: str, gates: bool = True) -> None:
        self.state, self.work, self.url, self.gates = state, work, url, gates
        self.pending: set[Path] = set()
        self.wake = threading.Event()
        self.count = 0
        self.check_derivations = gates
        self.processes: dict = {}  # the builds in progress: process -> (edition, "executing" event)
        self.superseded: set = set()  # processes stopped because a newer change came
        self.carry: set[str] = set()  # editions whose build was superseded

    def stop(self) -> None:
        """End the build in progress, if any (it is our child)."""
        with self.state.lock:
            for process in self.processes:
                process.terminate()

    def _supersede(self) -> None:
        """Stop the builds in progress that only render (caller holds the lock)."""
        for process, (lang, executing) in self.processes.items():
            if not executing.is_set() and process not in self.superseded:
                self.superseded.add(process)
                process.terminate()

    def changed(self, path: Path) -> None:
        if IGNORED_PARTS & set(path.parts) or path.name.startswith((".#", "~")) or path.suffix in {".swp", ".pyc"}:
            return
        with self.state.lock:
            self.pending.add(path)
            self._supersede()
        self.wake.set()

    def run_forever(self) -> None:
        self.build(list(EDITIONS))
        while True:
            self.wake.wait()
            time.sleep(DEBOUNCE)
            self.wake.clear()
            with self.state.lock:
                changed, self.pending = self.pending, set()
                carried, self.carry = self.carry, set()
            if changed or carried:
                if any(derivations_depend_on(p) for p in changed):
                    self.check_derivations = self.gates
                wanted = set(editions_affected(changed) if changed else []) | carried
                self.build([lang for lang in EDITIONS if lang in wanted])

    def build(self, langs: list[str]) -> None:
        """Build the editions `langs` side by side, each swapped in as soon as it built."""
        if self.check_derivations:
            self.check_derivations = False
            threading.Thread(target=self._derivation_gate, daemon=True).start()
        self.count += 1
        target = self.work / f"build-{self.count}"
        with self.state.lock:
            self.state.building = True
        workers = [threading.Thread(target=self._build_edition, args=(lang, target)) for lang in langs]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        with self.state.lock:
            self.state.building = False
        self._remove_old_builds()

    def _build_edition(self, lang: str, target: Path) -> None:
        start = time.perf_counter()
        report_path = self.work / f"report-{self.count}-{lang}.json"
        if not self.run([lang], target, report_path):
            log.info("a newer change superseded the build of the %s edition", lang)
            return
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {"built": [], "failures": [], "warnings": [], "gates": [],
                      "errors": [{"edition": lang, "message": "the build process died"}]}
        self._swap(lang, target, report)
        verdict = "rebuilt" if lang in report["built"] else "FAILED to rebuild (serving its last good build)"
        log.info("%s the %s edition in %.1f s", verdict, lang, time.perf_counter() - start)

    def run(self, langs: list[str], target: Path, report: Path) -> bool:
        """Build `langs` into target/<lang> in a child process, its report as JSON;
        False if a newer change superseded it.

        The child is forked from a server process that imported MkDocs, Material,
        Markdown and the notebook libraries once, so a rebuild does not pay for
        importing them; booktools and nnlit are imported fresh by every child."""
        argv = ["build", "--lenient", "--split", "--gates", "pages" if self.gates else "none",
                "--editions", ",".join(langs), "--site-dir", str(target), "--serve-url", self.url,
                "--report", str(report)]
        executing = _FORKS.Event()
        process = _FORKS.Process(target=self.child, args=(argv, executing),
                                 name=f"booktools-build-{langs[0]}")
        process.start()
        with self.state.lock:  # only a started process can be superseded (terminated)
            self.processes[process] = (langs[0], executing)
        process.join()
        with self.state.lock:
            del self.processes[process]
            superseded = process in self.superseded
            self.superseded.discard(process)
            if superseded:
                self.carry.update(langs)
                self.wake.set()
        return not superseded

    def _swap(self, lang: str, target: Path, report: dict) -> None:
        with self.state.lock:
            self.state.versions[lang] += 1
            if lang in report["built"]:
                self.state.roots[lang] = (target / lang).resolve()
                self.state.failures[lang] = []
            else:
                self.state.failures[lang] = report["failures"] + report["errors"]
            self.state.warnings[lang] = report["gates"] + [message for _, message in report["warnings"]]

    def _remove_old_builds(self) -> None:
        """Builds no edition is served from go, a little later (requests may still read them)."""
        with self.state.lock:
            live = {root.parent for root in self.state.roots.values()}
        for folder in self.work.glob("build-*"):
            if folder.resolve() not in live and folder.is_dir():
                threading.Timer(5.0, shutil.rmtree, args=(folder, True)).start()

    def _derivation_gate(self) -> None:
        from booktools import gates

        problems = gates.stale_derivations()
        for problem in problems:
            log.warning("%s", problem)
        with self.state.lock:
            self.state.derivation_warnings = problems


# What the derivation fragments are made from: nnlit.symbolic imports nothing else of nnlit.
DERIVATION_SOURCES = ("nnlit/symbolic", "nnlit/derive.py", "nnlit/derivations")


def derivations_depend_on(path: Path) -> bool:
    """Whether a change to ``path`` can make the derivation fragments stale (then the slow
    SymPy gate runs again); an edit elsewhere in the package cannot."""
    return any(path.is_relative_to(ROOT / source) for source in DERIVATION_SOURCES)


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def serve(site_dir: Path, host: str, port: int, gates: bool = True) -> None:
    """Serve both editions on host:port, rebuilding on every change under WATCHED."""
    import watchdog.events
    import watchdog.observers

    url = f"http://{host}:{port}/"
    _FORKS.set_forkserver_preload([name for name in PRELOAD if _importable(name)])
    state = State()
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    builder = Builder(state, site_dir, url, gates=gates)

    class Recorder(watchdog.events.FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory and event.event_type in ("created", "modified", "moved", "deleted"):
                builder.changed(Path(getattr(event, "dest_path", "") or event.src_path))
                if event.event_type == "moved":
                    builder.changed(Path(event.src_path))

    observer = watchdog.observers.Observer()
    for name in WATCHED:
        path = ROOT / name
        if path.exists():
            observer.schedule(Recorder(), str(path), recursive=path.is_dir())
    observer.start()
    server = http.server.ThreadingHTTPServer((host, port), make_handler(state))
    server.daemon_threads = True
    threading.Thread(target=builder.run_forever, name="builder", daemon=True).start()
    print(f"Serving the book at {url} (中文) and {url}en/ (English), from the first build on. "
          "Ctrl-C stops.", flush=True)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        builder.stop()
        observer.stop()
        server.server_close()
