"""Show the package's current text in source listings without re-running chapters.

The execution cache ignores comments and docstrings of `nnlit/` (booktools/execute.py),
so a cached `show_source(obj)` output may hold an older wording of the same code.
Each such output carries the module and qualified name it lists (nnlit.book.Source);
at every build the listing is taken again from the file as it is now. The file is
read and parsed, not imported: importing `nnlit.symbolic` would load SymPy into
every build.
"""

from __future__ import annotations

import ast
from pathlib import Path

from nnlit.book import taught_part

ROOT = Path(__file__).resolve().parent.parent
SOURCE_MIME = "application/x.nnlit-source+json"  # nnlit.book.Source.MIME


def module_path(module: str, root: Path = ROOT) -> Path | None:
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def source_of(module: str, qualname: str, root: Path = ROOT) -> str | None:
    """The lines of the class or function `qualname` in `module`, decorators included,
    as `inspect.getsource` gives them; None when it cannot be found."""
    path = module_path(module, root)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    node: ast.AST = ast.parse(text)
    for name in qualname.split("."):
        node = next((child for child in getattr(node, "body", [])
                     if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                     and child.name == name), None)
        if node is None:
            return None
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.splitlines()[first - 1:node.end_lineno])


def listing(module: str, source: str) -> str:
    """The fenced block nnlit.book.source_markdown writes."""
    source = source.rstrip()
    ticks = "```" + "`" * source.count("```")
    return f'{ticks}python title="{module}"\n{source}\n{ticks}'


def refresh(outputs: list[list[dict]], root: Path = ROOT) -> list[list[dict]]:
    """The chapter's outputs with every source listing as the files read now
    (listings are copied before they change; the other outputs are shared)."""
    return [[_refreshed(out, root) for out in cell_outputs] for cell_outputs in outputs]


def _refreshed(out: dict, root: Path) -> dict:
    where = out.get("data", {}).get(SOURCE_MIME)
    if where is None:
        return out
    source = source_of(where["module"], where["qualname"], root)
    if source is None:
        return out  # renamed or gone: then the code changed too, and the chapter ran again
    try:
        source = taught_part(source, where.get("until"), where["qualname"])
    except ValueError:
        return out  # the marker line is gone: the code changed, and the chapter ran again
    return {**out, "data": {**out["data"], "text/markdown": listing(where["module"], source)}}
