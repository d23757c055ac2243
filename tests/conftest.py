"""Shared fixtures: the site is built once per test session, strictly, into a temp dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Both editions built with `mkdocs build --strict` semantics; fails on any warning."""
    site = tmp_path_factory.mktemp("site") / "site"
    # --gates none: parity and derivations have tests of their own (test_parity, test_derive)
    result = subprocess.run([sys.executable, "-m", "booktools", "build", "--gates", "none", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site
