"""Show the package's current text in source listings without re-running chapters.

The execution cache ignores comments and docstrings of `nnlit/` (booktools/execute.py),
so a cached `show_source(obj)` output may hold an older wording of the same code.
Each such output carries the module and qualified name it lists (nnlit.book.Source);
at every build the listing is rendered again from the source as it is now.
"""

from __future__ import annotations

import copy
import importlib

from nnlit.book import Source, source_markdown


def _resolve(module: str, qualname: str):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def refresh(outputs: list[list[dict]]) -> list[list[dict]]:
    """A copy of a chapter's outputs with every source listing as the files read now."""
    fresh = copy.deepcopy(outputs)
    for cell_outputs in fresh:
        for out in cell_outputs:
            data = out.get("data", {})
            if Source.MIME in data:
                where = data[Source.MIME]
                try:
                    data["text/markdown"] = source_markdown(_resolve(where["module"], where["qualname"]))
                except (ImportError, AttributeError, OSError, TypeError):
                    pass  # renamed or gone: the chapter's code changed too, and it re-ran
    return fresh
