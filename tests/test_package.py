"""The package installs, imports fast, and says which version it is."""

import subprocess
import sys
import tomllib
from pathlib import Path

import nnlit

ROOT = Path(__file__).resolve().parent.parent


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert nnlit.__version__ == project["version"]


def test_import_nnlit_does_not_import_sympy():
    code = "import sys, nnlit; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
