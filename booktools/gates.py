"""Checks that run before anything is built or executed (`make site`, `make serve`).

- the generated derivation fragments are those `python -m nnlit derive` writes now;
- every page exists in both languages;
- the two editions of each page have the same skeleton (sections, equations,
  code, includes, figures, admonitions), named by file, line and heading.

`make site` refuses to publish when any fails; `make serve` prints them as
warnings and goes on. The derivation check runs SymPy (many seconds), so a
passing result is remembered under .cache/gates, keyed on the bytes of the
package's Python files, the fragments and requirements.lock: it runs again only
when one of them changed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from .structure import differences, skeleton

ROOT = Path(__file__).resolve().parent.parent
MEMO = ROOT / ".cache" / "gates"


def pages(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")}


def one_language_pages(docs: Path = ROOT / "docs") -> list[str]:
    zh, en = pages(docs / "zh"), pages(docs / "en")
    return ([f"docs/zh/{p}: no English page docs/en/{p} (its language switch would lead to a 404)"
             for p in sorted(zh - en)]
            + [f"docs/en/{p}: no Chinese page docs/zh/{p} (its language switch would lead to a 404)"
               for p in sorted(en - zh)])


def parity_problems(docs: Path = ROOT / "docs") -> list[str]:
    problems = []
    for page in sorted(pages(docs / "zh") & pages(docs / "en")):
        zh = skeleton((docs / "zh" / page).read_text(encoding="utf-8"))
        en = skeleton((docs / "en" / page).read_text(encoding="utf-8"))
        problems += [f"docs/{{zh,en}}/{page}: {problem}" for problem in differences(zh, en)]
    return problems


def _fragments_dir() -> Path:
    from nnlit import derive

    return Path(derive.OUT)


def _derivation_inputs_digest(out: Path) -> str:
    package = [p for p in (ROOT / "nnlit").rglob("*.py")
               if "__pycache__" not in p.parts and not p.is_relative_to(out)]
    fragments = [p for p in out.rglob("*") if p.is_file()] if out.is_dir() else []
    hasher = hashlib.sha256(str(out).encode())
    for base, paths in ((ROOT, package + [ROOT / "requirements.lock"]), (out, fragments)):
        for path in sorted(p for p in paths if p.is_file()):
            hasher.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def stale_derivations(out: Path | None = None, names: list[str] | None = None) -> list[str]:
    """`python -m nnlit derive --check`, unless it passed before on exactly these files.

    `out` and `names` narrow the check (a fragments folder, some derivations): for tests."""
    out = out or _fragments_dir()
    memo = MEMO / f"derivations-{_derivation_inputs_digest(out)}-{'-'.join(names or ['all'])}"
    if memo.exists():
        return []
    result = subprocess.run([sys.executable, "-m", "nnlit", "derive", "--check", "--out", str(out),
                             *(names or [])], cwd=ROOT, capture_output=True, text=True)
    if result.returncode == 0:
        MEMO.mkdir(parents=True, exist_ok=True)
        memo.touch()
        return []
    named = [line.strip() for line in result.stdout.splitlines()
             if line.startswith(("stale:", "missing:", "extra:"))]
    if not named:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["(no output)"]
        return [f"`python -m nnlit derive --check` failed: {tail[0]}"]
    return [f"{line} — a generated derivation fragment differs from what `python -m nnlit derive` "
            f"writes; run `make derive` (never edit fragments by hand)" for line in named]


def check(derivations: bool = True, docs: Path = ROOT / "docs") -> list[str]:
    """Every problem found, one message each (empty when the book may be published)."""
    problems = one_language_pages(docs) + parity_problems(docs)
    if derivations:
        problems += stale_derivations()
    return problems
