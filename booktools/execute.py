"""Run a chapter's code once and remember the result.

A chapter is a jupytext Markdown file. Only its *code* decides what running it
produces, so the cache key is built from the code cells without their comments
(and the inline expressions the prose asks for), never from the prose. Editing prose therefore
re-executes nothing, and the Chinese and English pages of a chapter, whose code
is identical, share one cache entry.

The key also covers everything the code can import or read: the source of the
`nnlit` package, the generated derivation fragments, and the locked dependency
versions. (Jupyter Book's cache missed imported code, its issue 1633; this one
does not.)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("NNLIT_CACHE_DIR", ROOT / ".cache" / "executed"))

# Bump when the way cells are executed changes, so old entries stop matching.
EXECUTOR_VERSION = "2"

# Chapters run two at a time on a 2-core machine; a BLAS that spreads each matrix
# product over every core would make them fight (and time each other's noise).
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# Runs first in every chapter kernel (and in the downloadable notebook), so the
# figures look the same everywhere and stay legible on the dark palette.
PREAMBLE = """\
%matplotlib inline
import matplotlib as _mpl
_mpl.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (6.4, 3.6),
                      "figure.facecolor": "white", "savefig.facecolor": "white"})
%config InlineBackend.figure_formats = ["png"]"""


class ChapterExecutionError(RuntimeError):
    """A cell raised, or wrote to stderr: the build must stop, not render it."""


def _digest_files(paths: list[Path], root: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(str(path.relative_to(root)).encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def environment_digest(root: Path = ROOT) -> str:
    """Hash of what every chapter depends on besides its own code: the package
    source, the generated derivations and the locked dependency versions."""
    package = list((root / "nnlit").rglob("*.py"))
    derivations = [p for p in (root / "nnlit" / "derivations").rglob("*") if p.is_file()]
    lock = [p for p in [root / "requirements.lock"] if p.exists()]
    return _digest_files(package + derivations + lock, root)


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
    """Execute the cells in a fresh kernel; return each cell's outputs and cache them."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in [PREAMBLE, *code_cells]]
    with tempfile.TemporaryDirectory(prefix="nnlit-exec-") as workdir:
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": workdir}})
        try:
            client.execute(env={**os.environ, **KERNEL_ENV})
        except CellExecutionError as error:
            raise ChapterExecutionError(f"{label}: a code cell raised.\n{error}") from None
    outputs = [cell.outputs for cell in nb.cells[1:]]
    _refuse_stderr(outputs, code_cells, label)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = CACHE_DIR / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(outputs), encoding="utf-8")
    tmp.replace(CACHE_DIR / f"{key}.json")
    return outputs


def _refuse_stderr(outputs: list[list[dict]], code_cells: list[str], label: str) -> None:
    for source, cell_outputs in zip(code_cells, outputs):
        for out in cell_outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                raise ChapterExecutionError(
                    f"{label}: a code cell wrote to stderr (a warning or a progress bar).\n"
                    f"--- cell ---\n{source}\n--- stderr ---\n{out.get('text', '')}")


def execute_all(jobs: dict[str, tuple[list[str], str]]) -> dict[str, list[list[dict]]]:
    """Run every job {key: (code_cells, label)} that is not cached, in parallel."""
    results = {key: cached_outputs(key) for key in jobs}
    missing = [key for key, out in results.items() if out is None]
    if len(missing) == 1:
        key = missing[0]
        results[key] = run_code_cells(jobs[key][0], jobs[key][1], key)
    elif missing:
        with ProcessPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1)) as pool:
            futures = {key: pool.submit(run_code_cells, jobs[key][0], jobs[key][1], key)
                       for key in missing}
            for key, future in futures.items():
                results[key] = future.result()
    return results
