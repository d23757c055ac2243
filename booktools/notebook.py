"""The downloadable notebook: a chapter a reader can run anywhere, not only in this repository.

A chapter's executed notebook (built by ``chapter.render``) becomes the reader's copy:

- it opens with a short note in the edition's language and a cell that installs
  exactly this book's version of ``nnlit``, with the extras the chapter's code
  imports (``%pip install "nnlit[symbolic]==0.1.0"``). The build never runs that
  cell: it executes the chapter's own code in the book's environment;
- its first cell also records the edition's language, so a live explorable figure
  (``nnlit.explore``) labels its controls in the reader's language;
- its links to other pages of the book (``glossary.md#epoch``, ``#section``) become
  absolute links to the published page of the same edition, since a notebook opened
  in Jupyter has no pages next to it.

The version is ``nnlit.__version__``, the one place it is written (pyproject.toml
reads it from there too).
"""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path

import nbformat

from .execute import PREAMBLE, ROOT

#: extra of nnlit -> the modules whose import needs it
EXTRAS = {"symbolic": ("sympy", "mpmath", "nnlit.symbolic", "nnlit.derive"),
          "widgets": ("ipywidgets", "nnlit.explore", "nnlit.widgets")}

SETUP_NOTE = {
    "zh": ("在你自己的 Jupyter 环境里运行本章之前，先运行下面这段代码：它安装本书所用的 `nnlit` 版本"
           "（{requirement}），本章的其余代码都依赖它。安装后若提示重启内核，请重启一次。"
           "本章的网页版：<{url}>。"),
    "en": ("Before running this chapter in your own Jupyter environment, run the cell below: it installs "
           "the version of `nnlit` this book was built with ({requirement}), on which the rest of the "
           "chapter's code depends. If Jupyter asks you to restart the kernel afterwards, do so once. "
           "This chapter on the web: <{url}>."),
}
SETUP_TAG = "nnlit-setup"  # marks the install cell, so tools (and tests) can find it
# The edition's language, for the labels of live explorable figures (nnlit.explore.language)
LANGUAGE_LINE = 'import os as _os; _os.environ["NNLIT_LANG"] = "{language}"'
LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def version(root: Path = ROOT) -> str:
    """``__version__`` as written in nnlit/__init__.py (the repository's source, not an installed copy)."""
    tree = ast.parse((root / "nnlit" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__version__"]:
            return ast.literal_eval(node.value)
    raise ValueError(f"{root / 'nnlit' / '__init__.py'} defines no __version__ = '...'")


def imported_modules(code_cells: list[str]) -> set[str]:
    """Every module the cells import (``from nnlit import symbolic`` counts as nnlit.symbolic)."""
    modules: set[str] = set()
    for source in code_cells:
        python = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(python)):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module)
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def extras_needed(code_cells: list[str]) -> list[str]:
    """The extras of nnlit that the cells' imports need, sorted."""
    modules = imported_modules(code_cells)
    return sorted(extra for extra, needs in EXTRAS.items()
                  if any(m == n or m.startswith(n + ".") for m in modules for n in needs))


def requirement(extras: list[str], pinned: str) -> str:
    """``nnlit[a,b]==1.2.3``: the exact release this book was built with."""
    return f"nnlit{'[' + ','.join(extras) + ']' if extras else ''}=={pinned}"


def setup_cells(language: str, requirement_spec: str, page_url: str) -> list:
    """The note and the install cell that open a downloaded chapter."""
    note = nbformat.v4.new_markdown_cell(
        SETUP_NOTE[language].format(requirement=f"`{requirement_spec}`", url=page_url))
    install = nbformat.v4.new_code_cell(f'%pip install --quiet "{requirement_spec}"',
                                        metadata={"tags": [SETUP_TAG]})
    return [note, install]


def absolute_links(text: str, page_uri: str, urls: dict[str, str], site_url: str) -> str:
    """Relative links to pages of the book -> absolute links to the published pages.

    ``urls`` maps a source path (``glossary.md``) to its page URL (``glossary/``);
    ``#anchor`` alone points into the chapter itself.
    """
    here = urls[page_uri]

    def replace(match: re.Match) -> str:
        target = match.group(2)
        path, _, anchor = target.partition("#")
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        if not path:
            url = here
        else:
            source = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
            if source not in urls:
                return match.group(0)
            url = urls[source]
        return f"{match.group(1)}{site_url}{url}{'#' + anchor if anchor else ''}{match.group(3)}"

    return LINK.sub(replace, text)


def for_readers(notebook, *, language: str, page_uri: str, urls: dict[str, str], site_url: str,
                code_cells: list[str], root: Path = ROOT):
    """The reader's notebook: setup cells first, links made absolute. Returns a new notebook."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    reader = nbformat.from_dict(nbformat.v4.new_notebook(metadata=dict(notebook.metadata)))
    spec = requirement(extras_needed(code_cells), version(root))
    reader.cells = setup_cells(language, spec, site_url + urls[page_uri])
    for cell in notebook.cells:
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "markdown":
            cell.source = absolute_links(cell.source, page_uri, urls, site_url)
        elif cell.source == PREAMBLE:
            cell.source += f"\n{LANGUAGE_LINE.format(language=language)}"
        reader.cells.append(cell)
    return reader
