"""What each explorable figure costs: its page weight and its build time.

    .venv/bin/python bench/bench_explorable.py [--site SITE]

- page weight: the bytes of all its frames in the built site (default ./site, built by
  `make site` or `python -m booktools build`), per edition;
- build time: each chapter that has explorable figures is executed once, in a kernel
  like the build's, and the seconds of each cell that makes one are reported
  (the frames are cached with the chapter's other outputs, so a rebuild without
  changes costs nothing).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def cell_seconds(chapter_path: Path) -> list[tuple[int, float]]:
    """(cell index, seconds) of every code cell of the chapter that makes an explorable figure."""
    import nbformat
    from nbclient import NotebookClient

    from booktools.chapter import Chapter
    from booktools.execute import KERNEL_ENV, PREAMBLE

    code = Chapter.read(chapter_path).code
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in [PREAMBLE, *code]])
    NotebookClient(nb, timeout=600, kernel_name="python3").execute(env={**os.environ, **KERNEL_ENV})
    rows = []
    for index, cell in enumerate(nb.cells):
        if "explorable(" in cell.source:
            timing = cell.metadata["execution"]
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            rows.append((index, (end - start).total_seconds()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    args = parser.parse_args()
    print(f"{'page':<36} {'frames':>6} {'kB':>7}")
    from booktools.explorable import page_weights

    for page, count, size in page_weights(args.site):
        print(f"{page:<36} {count:>6} {size / 1000:>7.0f}")
    print(f"\n{'chapter':<36} {'cell':>6} {'seconds':>8}")
    for path in sorted((ROOT / "docs" / "en").glob("[0-9][0-9]-*.md")):
        if "explorable(" in path.read_text(encoding="utf-8"):
            for index, seconds in cell_seconds(path):
                print(f"{path.name:<36} {index:>6} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
