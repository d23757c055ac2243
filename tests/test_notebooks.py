"""Every downloadable chapter runs outside the repository, by its own first cell.

The reader's situation, reproduced: the package is built (sdist and wheel, as the
release job builds them), a virtual environment outside the repository gets only a
Jupyter kernel, and each notebook of the built site runs there from its first cell,
whose ``%pip install "nnlit[...]==<version>"`` finds the built wheel through
``PIP_FIND_LINKS`` (standing in for PyPI) and every other dependency on the index.

Notebooks are grouped by the requirement their install cell names, and each group
gets an environment of its own, so a chapter that needs an extra its install cell
does not name fails here instead of passing on a neighbour's install.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from booktools import notebook as reader_notebook

ROOT = Path(__file__).resolve().parent.parent
EDITION = "en"  # the editions' code is identical (tests/test_parity.py): one edition is executed
CELL_TIMEOUT = 600

pytestmark = pytest.mark.site


def _notebooks(site: Path, lang: str) -> dict[str, Path]:
    folder = site / lang if lang != "zh" else site
    found = {p.stem: p for p in folder.glob("*.ipynb")}
    assert found, f"no notebooks in {folder}"
    return dict(sorted(found.items()))


def _install_line(nb) -> str:
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert reader_notebook.SETUP_TAG in first_code.metadata.get("tags", []), (
        f"the first code cell is not the install cell: {first_code.source[:80]!r}")
    return first_code.source


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_notebook_opens_with_a_note_and_the_pinned_install(built_site, lang):
    version = reader_notebook.version()
    for stem, path in _notebooks(built_site, lang).items():
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[0].cell_type == "markdown", f"{stem}: no setup note first"
        assert ("先运行下面这段代码" if lang == "zh" else "run the cell below") in nb.cells[0].source, stem
        line = _install_line(nb)
        assert line.startswith("%pip install") and f'=={version}"' in line, f"{stem}: {line}"
        assert nb.cells.index(next(c for c in nb.cells if c.cell_type == "code")) == 1, stem
        preamble = [c for c in nb.cells if c.cell_type == "code"][1].source
        assert preamble.endswith(reader_notebook.LANGUAGE_LINE.format(language=lang)), f"{stem}: {preamble}"
        explores = any("explorable(" in c.source for c in nb.cells if c.cell_type == "code")
        assert ("widgets" in line) == explores, f"{stem}: an explorable figure needs nnlit[widgets]: {line}"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _explorables_are_live(stem: str, nb) -> list[str]:
    """Each cell that makes an explorable figure shows the live widget, not a still frame."""
    return [f"{EDITION}/{stem}.ipynb: the explorable figure of cell {index} is not live"
            for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and "explorable(" in cell.source
            and not any(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebook_links_point_at_the_published_pages(built_site, lang):
    site_url = {"zh": "http://127.0.0.1:8000/", "en": "http://127.0.0.1:8000/en/"}[lang]
    if os.environ.get("NNLIT_SITE_URL") or os.environ.get("NNLIT_SITE_URL_EN"):
        pytest.skip("site URLs are overridden in this environment")
    for stem, path in _notebooks(built_site, lang).items():
        markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                             if c.cell_type == "markdown")
        relative = reader_notebook.LINK.findall(markdown)
        broken = [target for _, target, _ in relative  # (math such as a^{[1](i)} matches too: skip it)
                  if target.startswith("#") or target.partition("#")[0].endswith(".md")]
        assert not broken, f"{lang}/{stem}.ipynb keeps relative links: {broken[:5]}"
        if "glossary.md" in (ROOT / "docs" / lang / f"{stem}.md").read_text(encoding="utf-8"):
            assert f"({site_url}glossary/#" in markdown, f"{lang}/{stem}.ipynb: glossary links not absolute"


@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> Path:
    """The sdist and the wheel, built as the release job builds them; the clone stays clean."""
    out = tmp_path_factory.mktemp("dist")
    before = _git_status()
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    assert _git_status() == before, "building the package left files in the clone"
    return out


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                          cwd=ROOT, capture_output=True, text=True).stdout


def test_the_distributions_hold_the_package_and_its_fragments_and_no_tooling(distributions):
    version = reader_notebook.version()
    wheel = zipfile.ZipFile(next(distributions.glob(f"nnlit-{version}-*.whl")))
    names = wheel.namelist()
    fragments = sorted(p.relative_to(ROOT / "nnlit").as_posix()
                       for p in (ROOT / "nnlit" / "derivations").rglob("*") if p.is_file())
    assert {f"nnlit/{f}" for f in fragments} <= set(names), "derivation fragments missing from the wheel"
    with tarfile.open(next(distributions.glob(f"nnlit-{version}.tar.gz"))) as sdist:
        members = [m.split("/", 1)[1] for m in sdist.getnames() if "/" in m]
    for tooling in ("booktools/", "docs/", "tests/", "bench/", "node_modules/", "overrides/"):
        assert not any(n.startswith(tooling) for n in names + members), f"{tooling} is in a distribution"


def _reader_environment(where: Path) -> tuple[Path, Path]:
    """A virtual environment with only a Jupyter kernel; returns (python, jupyter data dir)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where / "venv")], check=True)
    python = where / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--disable-pip-version-check", "pip", "ipykernel"], check=True)
    data = where / "jupyter"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(data), "--name", "reader"],
                   check=True, capture_output=True)
    return python, data / "share" / "jupyter"


def _run(nb, workdir: Path, env: dict[str, str]) -> None:
    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="nnlit-k-") as sockets:  # short: a socket path has a length limit
        # IPC sockets, as the build's executor uses: no TCP port, no transport warning
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "kernel")}})
        client = NotebookClient(nb, kernel_name="reader", timeout=CELL_TIMEOUT, allow_errors=False,
                                resources={"metadata": {"path": str(workdir)}}, config=ipc)
        asyncio.run(client.async_execute(env=env))


def _failure(stem: str, nb, error: Exception) -> str:
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return (f"{EDITION}/{stem}.ipynb, cell {index} raised {out['ename']}: {out['evalue']}\n"
                        f"--- cell ---\n{cell.source}")
    return f"{EDITION}/{stem}.ipynb failed: {type(error).__name__}: {error}"


def test_every_notebook_runs_in_a_kernel_only_environment(built_site, distributions, tmp_path, monkeypatch):
    groups: dict[str, list[tuple[str, object]]] = {}
    for stem, path in _notebooks(built_site, EDITION).items():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        groups.setdefault(_install_line(nb), []).append((stem, nb))
    failures, timings, checked = [], {}, []
    for number, (line, notebooks) in enumerate(groups.items()):
        where = tmp_path / f"reader{number}"
        where.mkdir()
        python, jupyter_data = _reader_environment(where)
        monkeypatch.setenv("JUPYTER_PATH", str(jupyter_data))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(PIP_FIND_LINKS=str(distributions), PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PATH=f"{python.parent}:{env.get('PATH', '')}")

        def run(item, env=env, where=where):
            stem, nb = item
            start = time.perf_counter()
            try:
                _run(nb, where, env)
                failures.extend(_explorables_are_live(stem, nb))
            except Exception as error:  # noqa: BLE001 -- every failure is reported, by chapter
                failures.append(_failure(stem, nb, error))
            timings[stem] = time.perf_counter() - start

        # kernels are driven from worker threads, away from any event loop of the session's
        with ThreadPoolExecutor(1) as pool:
            pool.submit(run, notebooks[0]).result()  # it installs; the others then find it satisfied
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(run, notebooks[1:]))
        if "[symbolic]" in line:
            checked.append(_derive_check(python, where, env))
    print(json.dumps({k: round(v, 1) for k, v in timings.items()}))
    assert not failures, "\n\n".join(failures)
    assert len(timings) == sum(len(n) for n in groups.values())
    assert checked, "no notebook installed nnlit[symbolic], so derive --check never ran installed"


def _derive_check(python: Path, where: Path, env: dict[str, str]) -> str:
    """`python -m nnlit derive --check` in the reader's environment checks the installed fragments."""
    result = subprocess.run([str(python), "-m", "nnlit", "derive", "--check"], cwd=where, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout and "site-packages" in _installed_at(python, where, env)
    return result.stdout


def _installed_at(python: Path, where: Path, env: dict[str, str]) -> str:
    return subprocess.run([str(python), "-c", "import nnlit.derive as d; print(d.OUT)"], cwd=where,
                          env=env, capture_output=True, text=True, check=True).stdout
