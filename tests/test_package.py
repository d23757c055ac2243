"""The package installs, imports fast, and says which version it is."""

import subprocess
import sys
import tomllib
from pathlib import Path

import nnlit

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_written_once_and_read_from_there():
    """pyproject.toml takes the version from nnlit.__version__; the installed metadata agrees."""
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("nnlit") == nnlit.__version__


def test_import_nnlit_does_not_import_sympy():
    code = "import sys, nnlit; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
