"""`python -m booktools serve`: answers at once during a rebuild, keeps the last good
site when a build fails and shows the failure on every page of that edition."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from booktools.serve import Builder, State, make_handler

# A stand-in for the build subprocess: waits, then writes each edition's index page
# (or a failure) and the report, the way `booktools build --lenient --split` does.
FAKE_BUILD = """
import json, sys, time
from pathlib import Path
target, report, langs, delay, fail, text = sys.argv[1:]
time.sleep(float(delay))
built, failures = [], []
for lang in langs.split(","):
    if fail == "yes":
        failures.append({"path": f"docs/{lang}/03-losses.md", "edition": lang, "line": 142, "cell": 5,
                         "kind": "raised", "exception": "ValueError: shapes (2, 3) and (4, 1)",
                         "excerpt": [[141, "A = f(Z)"], [142, "cost = loss(A, Y)"]], "also": [],
                         "traceback": ""})
        continue
    page = Path(target) / lang / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body><p>{text} {lang}</p></body></html>")
    (Path(target) / lang / "404.html").write_text("<html><body>not here</body></html>")
    built.append(lang)
Path(report).write_text(json.dumps({"built": built, "failures": failures, "errors": [],
                                    "warnings": [], "gates": []}))
"""


class FakeBuilder(Builder):
    delay, fail, text = 0.0, False, "version one"

    def run(self, langs, target, report):
        subprocess.run([sys.executable, "-c", FAKE_BUILD, str(target), str(report), ",".join(langs),
                        str(self.delay), "yes" if self.fail else "no", self.text], check=True)
        return True


@pytest.fixture
def served(tmp_path):
    state = State()
    builder = FakeBuilder(state, tmp_path, "http://127.0.0.1/", gates=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    builder.build(["zh", "en"])
    yield builder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, str, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, body, time.perf_counter() - start


def test_every_request_is_answered_from_the_last_good_build_while_a_slow_rebuild_runs(served):
    """No request waits for the build: each is answered in a fraction of the build's time
    (the 1 s target itself is measured by bench/bench_serve.py, not here)."""
    builder, base = served
    builder.delay, builder.text = 6.0, "version two"
    rebuild = threading.Thread(target=builder.build, args=(["zh", "en"],))
    rebuild.start()
    waits = []
    while rebuild.is_alive():
        for path in ("/", "/en/", "/missing/", "/__nnlit__/status"):
            status, body, seconds = get(base + path)
            waits.append(seconds)
            if path == "/":  # the last good page: the old one, or the new one once its edition is swapped in
                assert status == 200 and ("version one zh" in body or "version two zh" in body), body
        time.sleep(0.05)
    assert len(waits) > 10 and max(waits) < builder.delay / 2, (
        f"longest wait {max(waits):.2f} s over {len(waits)} requests, during a {builder.delay} s build")
    assert "version two zh" in get(base + "/")[1] and "version two en" in get(base + "/en/")[1]


def test_a_failed_build_keeps_the_last_good_page_and_shows_the_error_until_a_build_succeeds(served):
    builder, base = served
    builder.fail = True
    builder.build(["zh"])
    status, body, _ = get(base + "/")
    assert status == 200 and "version one zh" in body
    assert 'id="nnlit-build-status"' in body
    assert "docs/zh/03-losses.md:142 — code cell 5 raised (edition zh)" in body
    assert "cost = loss(A, Y)" in body and "ValueError: shapes (2, 3) and (4, 1)" in body
    assert 'id="nnlit-build-status"' not in get(base + "/en/")[1], "the English edition did not fail"
    status, body, _ = get(base + "/nowhere/")
    assert status == 404 and "nnlit-build-status" in body  # every page of the edition, 404 included
    versions = json.loads(get(base + "/__nnlit__/status")[1])["versions"]
    builder.fail, builder.text = False, "version three"
    builder.build(["zh"])
    body = get(base + "/")[1]
    assert "version three zh" in body and 'id="nnlit-build-status"' not in body
    assert json.loads(get(base + "/__nnlit__/status")[1])["versions"]["zh"] == versions["zh"] + 1


def test_pages_reload_through_the_injected_client(served):
    _, base = served
    body = get(base + "/en/")[1]
    assert 'window.nnlitServe={edition:"en",version:1}' in body
    assert get(base + "/__nnlit__/client.js")[0] == 200


def test_editor_droppings_do_not_trigger_a_rebuild(tmp_path):
    builder = FakeBuilder(State(), tmp_path, "http://127.0.0.1/", gates=False)
    for name in ("nnlit/__pycache__/x.pyc", "docs/en/.#03-losses.md", "docs/en/.03-losses.md.swp"):
        builder.changed(Path("/repo") / name)
    assert not builder.pending and not builder.wake.is_set()
    builder.changed(Path("/repo/docs/en/03-losses.md"))
    assert builder.pending and builder.wake.is_set()


def render_for_a_minute(argv, executing):
    """A build process that only renders (runs no chapter), slowly."""
    time.sleep(60)


def execute_for_two_seconds(argv, executing):
    """A build process that runs chapters: worth finishing, whatever changes meanwhile."""
    executing.set()
    time.sleep(2)


def build_in_background(builder: Builder, langs: list[str]) -> threading.Thread:
    worker = threading.Thread(target=builder.build, args=(langs,), daemon=True)
    worker.start()
    deadline = time.monotonic() + 30
    while not builder.processes:
        assert time.monotonic() < deadline, "the build process never started"
        time.sleep(0.05)
    return worker


def test_a_change_supersedes_a_build_that_only_renders_and_the_next_build_takes_its_edition(tmp_path):
    builder = Builder(State(), tmp_path, "http://127.0.0.1/", gates=False)
    builder.child = render_for_a_minute
    worker = build_in_background(builder, ["en"])
    builder.changed(Path(__file__).resolve().parent.parent / "docs" / "zh" / "01-neuron.md")
    worker.join(timeout=20)
    assert not worker.is_alive(), "the superseded build was not stopped"
    assert builder.carry == {"en"} and builder.wake.is_set()
    assert builder.state.versions["en"] == 0  # nothing half-built was swapped in


def test_a_build_that_runs_chapters_is_left_to_finish(tmp_path):
    builder = Builder(State(), tmp_path, "http://127.0.0.1/", gates=False)
    builder.child = execute_for_two_seconds
    worker = build_in_background(builder, ["en"])
    for _, executing in list(builder.processes.values()):
        assert executing.wait(timeout=30), "the build process never started executing"
    builder.changed(Path(__file__).resolve().parent.parent / "docs" / "en" / "01-neuron.md")
    worker.join(timeout=30)
    assert not builder.carry and builder.state.versions["en"] == 1


def test_only_changes_to_what_the_derivations_are_made_of_rerun_the_sympy_gate():
    from booktools.serve import ROOT, derivations_depend_on

    assert derivations_depend_on(ROOT / "nnlit" / "symbolic" / "initialization.py")
    assert derivations_depend_on(ROOT / "nnlit" / "derive.py")
    assert derivations_depend_on(ROOT / "nnlit" / "derivations" / "initialization" / "he.md")
    assert not derivations_depend_on(ROOT / "nnlit" / "book.py")
    assert not derivations_depend_on(ROOT / "docs" / "en" / "01-neuron.md")


def test_nnlit_symbolic_imports_nothing_else_of_nnlit():
    """What derivations_depend_on assumes: the fragments come from nnlit.symbolic alone."""
    import ast

    root = Path(__file__).resolve().parent.parent / "nnlit" / "symbolic"
    outside = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level >= 2 or (node.module or "").startswith("nnlit.")
                                                     and not node.module.startswith("nnlit.symbolic")):
                outside.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            if isinstance(node, ast.Import):
                outside += [f"{path.name}: import {a.name}" for a in node.names
                            if a.name.startswith("nnlit.") and not a.name.startswith("nnlit.symbolic")]
    assert not outside, outside
