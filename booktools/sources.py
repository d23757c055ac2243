"""Show the package's current text in source listings without re-running chapters.

The execution cache ignores comments and docstrings of `nnlit/` (booktools/execute.py),
so a cached `show_source(obj)` output may hold an older wording of the same code.
Each such output carries the module and qualified name it lists (nnlit.book.Source);
at every build the listing is rendered again from the source as it is now.
"""

from __future__ import annotations

import importlib

from nnlit.book import Source, source_markdown


def _resolve(module: str, qualname: str):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def refresh(outputs: list[list[dict]]) -> list[list[dict]]:
    """The chapter's outputs with every source listing as the files read now
    (listings are copied before they change; the other outputs are shared)."""
    return [[_refreshed(out) for out in cell_outputs] for cell_outputs in outputs]


def _refreshed(out: dict) -> dict:
    where = out.get("data", {}).get(Source.MIME)
    if where is None:
        return out
    try:
        text = source_markdown(_resolve(where["module"], where["qualname"]))
    except (ImportError, AttributeError, OSError, TypeError):
        return out  # renamed or gone: then the code changed too, and the chapter ran again
    return {**out, "data": {**out["data"], "text/markdown": text}}
