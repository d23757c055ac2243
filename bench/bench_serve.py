"""The writer's loop under `python -m booktools serve`, timed (used by bench_site.py).

In a scratch copy with a warm execution cache: start the server, then for each
edit measure the seconds from saving to the page showing the change, while a
prober requests pages every 0.1 s and records the longest wait.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

TIMEOUT = 1200  # seconds any one step may take before the benchmark gives up


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", errors="replace")


class Prober(threading.Thread):
    """Requests the pages over and over; remembers the longest wait."""

    def __init__(self, urls: list[str]):
        super().__init__(daemon=True)
        self.urls, self.longest, self.count, self.stop = urls, 0.0, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for url in self.urls:
                start = time.perf_counter()
                try:
                    fetch(url)
                except OSError:
                    pass  # counted as the time it took
                self.longest = max(self.longest, time.perf_counter() - start)
                self.count += 1
            time.sleep(0.1)


def wait_until(condition, what: str) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > TIMEOUT:
            sys.exit(f"serve benchmark: gave up waiting for {what}")
        time.sleep(0.1)
    return time.perf_counter() - start


def status(base: str) -> dict:
    try:
        return json.loads(fetch(base + "__nnlit__/status"))
    except (OSError, ValueError):
        return {}


def rebuilt_after(base: str, before: dict) -> bool:
    now = status(base)
    versions = now.get("versions", {})
    return (all(versions.get(lang, 0) > before["versions"][lang] for lang in before["versions"])
            and not now.get("building") and not any(now.get("failures", {}).values()))


def measure_serve(work: Path, env: dict, chapter: str, edit_prose, edit_code) -> list[tuple[str, float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    page = f"{base}en/{Path(chapter).stem}/"
    server = subprocess.Popen([sys.executable, "-m", "booktools", "serve", "--port", str(port),
                               "--site-dir", str(work / ".cache" / "serve-site")],
                              cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        wait_until(lambda: status(base).get("versions", {}).get("en", 0) >= 1, "the first build")
        prober = Prober([base, page, f"{base}{Path(chapter).stem}/"])
        prober.start()
        package = work / "nnlit" / "book.py"

        def prose(marker: str) -> None:
            path = work / "docs" / "en" / chapter
            path.write_text(path.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")

        prose("Bench marker one.")
        rows.append(("serve: prose edit", wait_until(lambda: "Bench marker one." in fetch(page), "prose")))
        edit_code(work, chapter, 'print("bench-marker-two")')
        rows.append(("serve: code-cell edit", wait_until(lambda: "bench-marker-two" in fetch(page), "code")))
        package.write_text(package.read_text(encoding="utf-8") + "\n# a comment from the benchmark\n",
                           encoding="utf-8")
        prose("Bench marker three.")
        rows.append(("serve: comment-only package + prose edit",
                     wait_until(lambda: "Bench marker three." in fetch(page), "comment + prose")))
        before = status(base)
        package.write_text(package.read_text(encoding="utf-8") + "\n_BENCH_EDIT = 1\n", encoding="utf-8")
        rows.append(("serve: real package edit (all chapters run)",
                     wait_until(lambda: rebuilt_after(base, before), "the package rebuild")))
        prober.stop.set()
        prober.join()
        rows.append(("serve: longest request wait", prober.longest))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows
