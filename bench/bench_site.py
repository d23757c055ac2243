"""Measure the loops contributors live in, and print them as a table.

    .venv/bin/python bench/bench_site.py [--skip-tests] [--skip-serve] [--serve-only]

Runs in a scratch copy of the committed tree with its own, empty execution cache,
so the figures are a true cold start and the working tree is never touched:

- cold build of both editions (every chapter executed);
- rebuild with no change (nothing executed);
- one chapter's prose edited (nothing executed), and one chapter's code edited
  in both languages alike (that chapter alone executed);
- the derivation command (`python -m nnlit derive`) and its `--check`;
- the test command (`python -m pytest`), unless --skip-tests;
- the writer's loop under `python -m booktools serve` (bench/bench_serve.py), unless
  --skip-serve: seconds from saving a file to the page showing the change, for a
  prose edit, a code-cell edit, a comment-only package edit (with a prose edit, to
  see it) and a real package edit, and the longest any request waited meanwhile.

Targets (issues 8 and 16): cold build <= 120 s, no-change rebuild <= 10 s, tests <= 300 s,
comment-only package edit plus prose edit visible <= 15 s, longest request wait <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cold build": 120, "no-change rebuild": 10, "test command": 300, "derive": 30,
           "serve: comment-only package + prose edit": 15, "serve: longest request wait": 1}


def scratch_copy(dest: Path) -> Path:
    """The tracked files of the working tree (committed or not), plus node_modules."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def first_chapter(work: Path) -> Path:
    chapters = sorted((work / "docs" / "en").glob("[0-9][0-9]-*.md")) or [work / "docs" / "en" / "demo.md"]
    return chapters[0]


def edit_prose(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip() + "\n\nA sentence added by the benchmark.\n", encoding="utf-8")


def edit_code(work: Path, name: str, line: str = "_bench = 1") -> None:
    """Add `line` to the first code cell of both languages alike (the code is shared)."""
    for lang in ("zh", "en"):
        path = work / "docs" / lang / name
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"```python\n", f"```python\n{line}\n", text, count=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--serve-only", action="store_true",
                        help="only the serve figures, starting from a copy of this tree's execution cache")
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="nnlit-bench-") as tmp:
        work = scratch_copy(Path(tmp) / "repo")
        env = dict(os.environ, NNLIT_CACHE_DIR=str(Path(tmp) / "cache"))
        if args.serve_only:
            warm = ROOT / ".cache" / "executed"
            if warm.is_dir():
                shutil.copytree(warm, Path(tmp) / "cache")
            chapter, site_mb = first_chapter(work), 0.0
        else:  # the gates' derivation check is the "derive --check" row below
            build = [sys.executable, "-m", "booktools", "build", "--gates", "pages", "--site-dir", str(Path(tmp) / "site")]
            rows.append(("cold build", timed(build, work, env)))
            site_mb = sum(f.stat().st_size for f in (Path(tmp) / "site").rglob("*") if f.is_file()) / 1e6
            rows.append(("no-change rebuild", timed(build, work, env)))
            chapter = first_chapter(work)
            edit_prose(chapter)
            rows.append((f"prose edit ({chapter.name})", timed(build, work, env)))
            edit_code(work, chapter.name)
            rows.append((f"code edit ({chapter.name})", timed(build, work, env)))
            if (work / "nnlit" / "derive.py").exists():
                rows.append(("derive", timed([sys.executable, "-m", "nnlit", "derive"], work, env)))
                rows.append(("derive --check", timed([sys.executable, "-m", "nnlit", "derive", "--check"], work, env)))
        if not args.skip_serve:
            from bench_serve import measure_serve

            rows += measure_serve(work, env, chapter.name, edit_prose, edit_code)
        if not args.skip_tests and not args.serve_only:
            rows.append(("test command", timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                                               work, env)))
    if site_mb:
        print(f"\nbuilt site: {site_mb:.1f} MB (both editions)")
    print(f"{'measure':<44} {'seconds':>8}  target")
    for name, seconds in rows:
        target = TARGETS.get(name)
        verdict = "" if target is None else f"<= {target} s {'ok' if seconds <= target else 'MISSED'}"
        print(f"{name:<44} {seconds:>8.2f}  {verdict}")


if __name__ == "__main__":
    main()
