"""Turn a jupytext Markdown chapter plus its executed outputs into a page and a notebook.

The page is ordinary MkDocs Markdown: the prose as written, each code cell as a
fenced block, and each output below it (text, Markdown tables, LaTeX, figures).
Because the page goes through MkDocs' own Markdown pipeline, admonitions, tabs,
footnotes, snippet includes, equation tags and strict link checks all work in
executable chapters exactly as they do everywhere else.

Inline values: prose may write ``{{ expression }}``. The expression is evaluated
in the chapter's kernel at that point of the chapter, and its ``str()`` replaces
the placeholder, so a number in a sentence is the number the code produced.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

from nnlit.book import ALT_MIME, MIN_TEXT_KEY  # what nnlit.book.figure attaches to a figure

from . import explorable
from .execute import PREAMBLE, ROOT
from .figures import image_text, png_size, size_attrs
from .structure import without_comments

INLINE = re.compile(r"\{\{ (.+?) \}\}")
INLINE_MIME = "application/x.nnlit-inline+json"
SNIPPET = re.compile(r'^--8<-- "([^"]+)"\s*$', re.MULTILINE)
SNIPPET_BASE = ROOT / "nnlit"  # the fragments are package data: nnlit/derivations
HIDE_INPUT = "hide-input"
IN_BLOCK = "in-block"  # render the cell inside the admonition/details block just above it


@dataclass
class Chapter:
    """A chapter split into what runs (code) and what is read (markdown).

    The inline values of all the prose between two code cells are evaluated by one
    cell, in sorted order, so the two editions of a chapter, whose paragraphs may
    be cut differently, run the very same cells.
    """

    notebook: nbformat.NotebookNode
    code: list[str] = field(default_factory=list)  # what the kernel runs, in order
    runs_at: dict[int, int] = field(default_factory=dict)  # notebook cell -> index in `code`

    @classmethod
    def read(cls, path: Path) -> "Chapter":
        chapter = cls(jupytext.read(path, fmt="md"))
        waiting: list[int] = []  # markdown cells since the last code cell
        for index, cell in enumerate(chapter.notebook.cells):
            if cell.cell_type == "markdown" and INLINE.search(cell.source):
                waiting.append(index)
            elif cell.cell_type == "code":
                _refuse_cell_magic(cell.source, path)
                chapter._flush(waiting)
                chapter.runs_at[index] = len(chapter.code)
                chapter.code.append(cell.source)
        chapter._flush(waiting)
        return chapter

    def _flush(self, waiting: list[int]) -> None:
        if not waiting:
            return
        expressions = sorted({e for i in waiting for e in INLINE.findall(self.notebook.cells[i].source)})
        for index in waiting:
            self.runs_at[index] = len(self.code)
        self.code.append(_inline_cell(expressions))
        waiting.clear()

    @property
    def cache_code(self) -> list[str]:
        """The code as the cache sees it: comments do not change what a cell computes."""
        return [without_comments(source) for source in self.code]


def _refuse_cell_magic(source: str, path: Path) -> None:
    """jupytext turns a ```bash (or ```sh ...) fence into a %%bash cell that would run."""
    if source.startswith("%%"):
        magic = source.split(None, 1)[0]
        raise ValueError(f"{path}: a code fence became a {magic} cell, which would run at build "
                         "time; show shell commands in a ```text or ```console fence instead")


def is_executable(meta: dict) -> bool:
    """A page is executable when its front matter carries a jupytext kernelspec."""
    return bool((meta.get("jupyter") or {}).get("kernelspec"))


def _inline_cell(expressions: list[str]) -> str:
    values = ", ".join(f"{expr!r}: str({expr})" for expr in expressions)
    return ("from IPython.display import display as _nnlit_display\n"
            f'_nnlit_display({{"{INLINE_MIME}": {{{values}}}}}, raw=True)')


def _substitute(source: str, outputs: list[dict]) -> str:
    values = next(o["data"][INLINE_MIME] for o in outputs if INLINE_MIME in o.get("data", {}))
    return INLINE.sub(lambda match: values[match.group(1)], source)


def _fence(text: str, lang: str = "") -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


@dataclass
class Rendered:
    markdown: str
    notebook: nbformat.NotebookNode
    figures: dict[str, bytes]  # file name -> PNG bytes


def render(chapter: Chapter, outputs: list[list[dict]], stem: str, download_label: str,
           lang: str = "en") -> Rendered:
    """Interleave prose and outputs into page Markdown; build the downloadable notebook.

    Both editions render the same outputs; `lang` picks each figure's description.
    """
    parts: list[str] = []
    figures: dict[str, bytes] = {}
    nb_cells = [nbformat.v4.new_code_cell(PREAMBLE)]
    for index, cell in enumerate(chapter.notebook.cells):
        if cell.cell_type == "markdown":
            text = cell.source
            if index in chapter.runs_at:
                text = _substitute(text, outputs[chapter.runs_at[index]])
            parts.append(text)
            nb_cells.append(nbformat.v4.new_markdown_cell(_expand_snippets(text)))
        elif cell.cell_type == "code":
            cell_outputs = outputs[chapter.runs_at[index]]
            tags = cell.metadata.get("tags", [])
            shown = [] if HIDE_INPUT in tags else [_fence(cell.source, "python")]
            shown += _render_outputs(cell_outputs, stem, figures, lang)
            if IN_BLOCK in tags:
                shown = [_indent(part) for part in shown]
            parts.extend(shown)
            executed = nbformat.v4.new_code_cell(cell.source, metadata=copy.deepcopy(cell.metadata))
            executed.outputs = [nbformat.from_dict(_for_reader(o, lang)) for o in cell_outputs]
            nb_cells.append(executed)
    markdown = _add_download_link("\n\n".join(parts), f"{stem}.ipynb", download_label)
    notebook = nbformat.v4.new_notebook(cells=nb_cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    return Rendered(markdown, notebook, figures)


def _render_outputs(outputs: list[dict], stem: str, figures: dict[str, bytes], lang: str) -> list[str]:
    rendered = [_render_output(o, stem, figures, lang) for o in outputs]
    body = "\n\n".join(r for r in rendered if r)
    if not body:
        return []
    return [f'<div class="nb-output" markdown>\n\n{body}\n\n</div>']


def _render_output(out: dict, stem: str, figures: dict[str, bytes], lang: str) -> str:
    kind = out["output_type"]
    if kind == "stream":
        return _fence(out["text"], "text")
    data = out.get("data", {})
    if INLINE_MIME in data:
        return ""
    if explorable.MIME in data:
        return explorable.render(data, stem, figures, lang)
    if "text/markdown" in data:
        return data["text/markdown"]
    if "image/png" in data:
        png = base64.b64decode(data["image/png"])
        name = f"{stem}-{hashlib.sha256(png).hexdigest()[:12]}.png"
        figures[name] = png
        width, height = png_size(png)
        attrs = size_attrs(width, height, out.get("metadata", {}).get("image/png", {}).get(MIN_TEXT_KEY))
        return f"![{_alt_text(data, stem, lang)}]({stem}.figures/{name}){{ .nb-figure loading=lazy {attrs} }}"
    if "text/latex" in data:
        return data["text/latex"].strip()
    if "text/plain" in data:
        return _fence(data["text/plain"], "text")
    raise ValueError(f"{stem}: an output with no renderable type: {sorted(data)}")


def _alt_text(data: dict, stem: str, lang: str) -> str:
    """The figure's description in `lang`, escaped for Markdown image text; none fails the build."""
    alt = (data.get(ALT_MIME) or {}).get(lang, "").strip()
    if not alt:
        shown = data.get("text/plain", "")[:60]
        raise ValueError(f"{stem}: a figure ({shown!r}) has no description in {lang!r}; show it with "
                         "nnlit.book.figure(fig, en=..., zh=...)")
    if "$" in alt:
        raise ValueError(f"{stem}: write a figure's description in words and Unicode, not TeX: {alt!r}")
    return image_text(alt)


def _for_reader(out: dict, lang: str) -> dict:
    """A figure's output in the downloadable notebook: its description, in `lang`, as its text."""
    data = out.get("data", {})
    if ALT_MIME not in data:
        return out
    out = copy.deepcopy(out)
    out["data"]["text/plain"] = out["data"].pop(ALT_MIME)[lang]
    out["data"].pop(explorable.MIME, None)  # its shown frame stays; running the cell makes it live
    return out


def _indent(text: str) -> str:
    return "\n".join("    " + line if line.strip() else "" for line in text.splitlines())


def _add_download_link(markdown: str, target: str, label: str) -> str:
    """Put the notebook download button right under the page's title."""
    link = f"[:material-download: {label}]({target}){{ .md-button .nb-download download }}"
    title = re.search(r"^# .+$", markdown, re.MULTILINE)
    if title is None:
        return f"{link}\n\n{markdown}"
    end = title.end()
    return f"{markdown[:end]}\n\n{link}{markdown[end:]}"


def _expand_snippets(text: str) -> str:
    """Inline `--8<--` includes so the downloaded notebook stands on its own."""
    return SNIPPET.sub(lambda m: (SNIPPET_BASE / m.group(1)).read_text(encoding="utf-8").strip(), text)
