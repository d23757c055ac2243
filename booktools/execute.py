"""Run a chapter's code once and remember the result.

A chapter is a jupytext Markdown file. Only its *code* decides what running it
produces, so the cache key is built from the code cells without their comments
(and the inline expressions the prose asks for), never from the prose. Editing prose therefore
re-executes nothing, and the Chinese and English pages of a chapter, whose code
is identical, share one cache entry.

The key also covers everything the code can import or read: the `nnlit`
package, the generated derivation fragments, and the locked dependency versions.
(Jupyter Book's cache missed imported code, its issue 1633; this one does not.)
The package enters the key as the syntax tree of each module with docstrings
removed (`ast.dump` keeps no line numbers or comments), so an edit to comments,
docstrings or blank lines re-executes nothing; every other file under `nnlit/`
enters as its bytes. What a page shows of the package's *text* (`show_source`)
is refreshed at every build instead (booktools/sources.py).
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("booktools.execute")
CACHE_DIR = Path(os.environ.get("NNLIT_CACHE_DIR", ROOT / ".cache" / "executed"))

# Bump when the way cells are executed changes, so old entries stop matching.
EXECUTOR_VERSION = "2"
FAILURE_REUSE = 120  # seconds a recorded failure stands in for running the same code again

# Chapters run two at a time on a 2-core machine; a BLAS that spreads each matrix
# product over every core would make them fight (and time each other's noise).
# NNLIT_BOOK_BUILD: an explorable figure (nnlit.explore) outputs every frame for the page.
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NNLIT_BOOK_BUILD": "1"}

# Runs first in every chapter kernel (and in the downloadable notebook), so the
# figures look the same everywhere and stay legible on the dark palette.
PREAMBLE = """\
%matplotlib inline
import matplotlib as _mpl
_mpl.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (6.4, 3.6),
                      "figure.facecolor": "white", "savefig.facecolor": "white"})
%config InlineBackend.figure_formats = ["png"]"""


@dataclass
class CellFailure:
    """What went wrong in one chapter: which code cell (index into the chapter's
    `code`), the line within that cell when the traceback names it, the exception."""

    label: str
    cell: int
    source: str
    exception: str  # "ValueError: message" (or the stderr text), no ANSI codes
    line: int | None = None
    traceback: str = ""
    kind: str = "raised"  # or "stderr"


class ChapterExecutionError(RuntimeError):
    """A cell raised, or wrote to stderr: the build must stop, not render it."""

    def __init__(self, failure: CellFailure):
        super().__init__(failure)
        self.failure = failure

    def __str__(self) -> str:
        f = self.failure
        what = "wrote to stderr" if f.kind == "stderr" else "raised"
        return f"{f.label}: code cell {f.cell + 1} {what}\n{f.exception}"


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
SKIP = {"__pycache__"}


def _python_digest(path: Path) -> bytes:
    """The module's syntax tree without docstrings; its bytes if it does not parse."""
    source = path.read_bytes()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


def _digest_files(paths: list[Path], root: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(str(path.relative_to(root)).encode() + b"\0")
        hasher.update(_python_digest(path) if path.suffix == ".py" else path.read_bytes())
        hasher.update(b"\0")
    return hasher.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*")
            if p.is_file() and not SKIP & set(p.relative_to(folder).parts) and p.suffix != ".pyc"]


def environment_digest(root: Path = ROOT) -> str:
    """Hash of what every chapter depends on besides its own code: the package
    (code, not comments or docstrings; its data files as bytes), the generated
    derivations and the locked dependency versions."""
    package = _files_under(root / "nnlit")  # nnlit/derivations, the fragments, included
    lock = [p for p in [root / "requirements.lock"] if p.exists()]
    return _digest_files(package + lock, root)


def cache_key(code_cells: list[str], env_digest: str) -> str:
    hasher = hashlib.sha256(f"executor={EXECUTOR_VERSION}\n{env_digest}\n".encode())
    hasher.update(json.dumps([PREAMBLE, *code_cells]).encode())
    return hasher.hexdigest()


def cached_outputs(key: str) -> list[list[dict]] | None:
    path = CACHE_DIR / f"{key}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def run_code_cells(code_cells: list[str], label: str, key: str) -> list[list[dict]]:
    """Execute the cells in a fresh kernel; return each cell's outputs and cache them.

    One process at a time runs a given key (`serve` builds the two editions side by
    side, and they share their chapters' code): the other waits, then reads the cache,
    or the failure the first one just recorded (kept FAILURE_REUSE seconds)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    failed = CACHE_DIR / f".{key}.failed.json"
    with open(CACHE_DIR / f".{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = cached_outputs(key)
        if cached is not None:
            return cached
        if failed.exists() and time.time() - failed.stat().st_mtime < FAILURE_REUSE:
            raise ChapterExecutionError(CellFailure(**json.loads(failed.read_text(encoding="utf-8"))))
        try:
            return _execute(code_cells, label, key)
        except ChapterExecutionError as error:
            failed.write_text(json.dumps(asdict(error.failure)), encoding="utf-8")
            raise


def _execute(code_cells: list[str], label: str, key: str) -> list[list[dict]]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    started = time.monotonic()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in [PREAMBLE, *code_cells]]
    with tempfile.TemporaryDirectory(prefix="nnlit-exec-") as workdir:
        # IPC sockets (absolute paths: the kernel runs in workdir): a local kernel needs
        # no TCP port, and then warns about none. The client makes, and so shuts down,
        # its own kernel manager.
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": workdir}},
                                config=Config({"KernelManager": {
                                    "transport": "ipc", "ip": os.path.join(workdir, "kernel")}}))
        try:
            client.execute(env={**os.environ, **KERNEL_ENV})
        except CellExecutionError as error:
            raise ChapterExecutionError(_failure_of(nb, error, label)) from None
    outputs = [cell.outputs for cell in nb.cells[1:]]
    _refuse_stderr(outputs, code_cells, label)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = CACHE_DIR / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(outputs), encoding="utf-8")
    tmp.replace(CACHE_DIR / f"{key}.json")
    _seconds_file(label).write_text(f"{time.monotonic() - started:.1f}\n", encoding="utf-8")
    return outputs


def _seconds_file(label: str) -> Path:
    """Where the last run of the chapter ``label`` recorded how long it took (one file per chapter)."""
    return CACHE_DIR / f".{label.replace('/', '__')}.seconds"


def longest_first(keys: list[str], labels: dict[str, str]) -> list[str]:
    """``keys`` in the order to start them: the chapters that took longest last time first, so the
    workers finish together (a chapter never run before counts as the longest; ties keep their order)."""
    def last_time(key: str) -> float:
        try:
            return float(_seconds_file(labels[key]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return float("inf")
    return sorted(keys, key=lambda key: -last_time(key))


def _failure_of(nb, error, label: str) -> CellFailure:
    """The failing cell is the one with an error output (cell 0 is the preamble)."""
    index = next((i for i, cell in enumerate(nb.cells)
                  if any(o.get("output_type") == "error" for o in cell.get("outputs", []))), 0)
    traceback = ANSI.sub("", "\n".join(error.traceback.splitlines()) if error.traceback else "")
    line = CELL_LINE.search(traceback)
    return CellFailure(label=label, cell=max(index - 1, 0), source=nb.cells[index].source,
                       exception=f"{error.ename}: {ANSI.sub('', error.evalue)}".rstrip(": "),
                       line=int(line.group(1)) if line else None, traceback=traceback)


def _refuse_stderr(outputs: list[list[dict]], code_cells: list[str], label: str) -> None:
    for index, (source, cell_outputs) in enumerate(zip(code_cells, outputs)):
        for out in cell_outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = ANSI.sub("", out.get("text", "")).rstrip()
                raise ChapterExecutionError(CellFailure(
                    label=label, cell=index, source=source, kind="stderr",
                    exception=f"stderr (a warning or a progress bar):\n{text}"))


class ChaptersFailed(RuntimeError):
    """One or more chapters failed; each failure names its chapter and cell."""

    def __init__(self, failures: dict[str, CellFailure]):
        super().__init__("\n\n".join(str(ChapterExecutionError(f)) for f in failures.values()))
        self.failures = failures  # cache key -> failure


# Called once before any chapter runs (`serve` learns that a build has work worth finishing).
BEFORE_EXECUTING: list = []

# Failures seen in this process, by cache key: the second edition of a chapter runs
# the same code, so it fails the same way without running it again.
_FAILED: dict[str, CellFailure] = {}


def execute_all(jobs: dict[str, tuple[list[str], str]]) -> dict[str, list[list[dict]]]:
    """Run every job {key: (code_cells, label)} that is not cached, in parallel.

    Raises ChaptersFailed naming every chapter that failed, after all have run."""
    results = {key: cached_outputs(key) for key in jobs}
    failed = {key: _FAILED[key] for key in jobs if key in _FAILED}
    missing = [key for key, out in results.items() if out is None and key not in failed]
    if missing:
        for hook in BEFORE_EXECUTING:
            hook()
    for key in missing:
        log.info("Executing notebook %s (its code or what it imports changed)", jobs[key][1])
    if len(missing) == 1:
        key = missing[0]
        try:
            results[key] = run_code_cells(jobs[key][0], jobs[key][1], key)
        except ChapterExecutionError as error:
            failed[key] = error.failure
    elif missing:
        with ProcessPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1)) as pool:
            futures = {key: pool.submit(run_code_cells, jobs[key][0], jobs[key][1], key)
                       for key in longest_first(missing, {key: label for key, (_, label) in jobs.items()})}
            for key, future in futures.items():
                try:
                    results[key] = future.result()
                except ChapterExecutionError as error:
                    failed[key] = error.failure
    if failed:
        _FAILED.update(failed)
        raise ChaptersFailed(failed)
    return results
