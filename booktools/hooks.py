"""MkDocs hooks that make the book executable, bilingual and self-contained.

- on_config: the repository URL comes from $NNLIT_REPO_URL, else from `git remote`.
- on_files: execute every chapter whose code or environment changed (cached),
  and register each chapter's figures, its notebook and the site's own assets
  (KaTeX, CSS, JS) as files, so MkDocs copies and link-checks them. A failing
  cell raises errors.BuildFailed, placed at its line in the .md file of this
  edition (and of the other one, when it runs the same code). Source listings
  are refreshed from the package's files (booktools/sources.py). The notebook
  is the reader's copy (booktools/notebook.py): it installs nnlit itself.
- on_page_markdown: replace a chapter's source by the rendered page; caption each included
  derivation with the command that regenerates it (booktools/derivation_source.py).
- on_page_context: point the language switch at the same page in the other language.
"""

from __future__ import annotations

import logging
import os
import posixpath
import subprocess
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booktools import chapter as chapters  # noqa: E402
from booktools import derivation_source, errors, execute, glossary, notebook  # noqa: E402
from booktools import sources as source_listings  # noqa: E402
from booktools.languages import LANGUAGES, other_language_url  # noqa: E402

log = logging.getLogger("mkdocs.hooks.nnlit")
ROOT = execute.ROOT
ASSETS = Path(__file__).resolve().parent / "assets"
KATEX = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ["katex.min.js", "katex.min.css"]

_rendered: dict[str, chapters.Rendered] = {}


def on_config(config):
    # Material draws the language switch when extra.alternate is truthy; our
    # overrides/partials/alternate.html fills it per page from nnlit_alternate. Not a
    # list: Material would also write <link rel="alternate"> to each edition's home,
    # and its "stay on page" script follows those to each edition's sitemap.xml and,
    # when the other edition's sitemap arrives first and site_url is not the address
    # being browsed, sends the reader to the other home page instead of the same page.
    config.extra["alternate"] = True
    if not config.repo_url:
        config.repo_url = os.environ.get("NNLIT_REPO_URL") or _git_remote_url()
    if config.repo_url:
        config.repo_name = config.repo_url.rstrip("/").split("/")[-1]
        config.edit_uri = f"edit/main/{Path(config.docs_dir).relative_to(ROOT)}/"
    return config


def _git_remote_url() -> str | None:
    """A GitHub https URL from `git remote get-url origin`, or None (no link is shown)."""
    try:
        url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    if url.startswith("git@github.com:"):
        url = "https://github.com/" + url.removeprefix("git@github.com:")
    url = url.removesuffix(".git")
    return url if url.startswith("https://github.com/") else None


@event_priority(100)
def on_files(files: Files, config) -> Files:
    _add_assets(files, config)
    lang = config.theme["language"]
    label = LANGUAGES[lang]["download"]
    pages = [f for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    sources = {f.src_uri: chapters.Chapter.read(Path(f.abs_src_path))
               for f in pages if _front_matter_is_executable(Path(f.abs_src_path))}
    env = execute.environment_digest()
    keys = {uri: execute.cache_key(ch.cache_code, env) for uri, ch in sources.items()}
    jobs = {keys[uri]: (ch.code, uri) for uri, ch in sources.items()}
    try:
        outputs = execute.execute_all(jobs)
    except execute.ChaptersFailed as failed:
        raise errors.BuildFailed([_locate(failure, uri, sources[uri], config)
                                  for key, failure in failed.failures.items()
                                  for uri in sources if keys[uri] == key]) from None
    _rendered.clear()
    urls = {f.src_uri: f.url for f in pages}
    for uri, chapter in sources.items():
        stem = posixpath.splitext(posixpath.basename(uri))[0]
        rendered = chapters.render(chapter, source_listings.refresh(outputs[keys[uri]]), stem, label, lang)
        rendered.notebook = notebook.for_readers(
            rendered.notebook, language=lang, page_uri=uri, urls=urls,
            site_url=config.site_url, code_cells=chapter.code)
        _rendered[uri] = rendered
        _register_chapter_files(files, config, uri, stem, rendered)
    return files


def _locate(failure, uri: str, chapter, config) -> errors.Located:
    """The failure in this edition's file, and the other edition's twin if it runs the same code."""
    lang = config.theme["language"]
    located = errors.locate(failure, Path(config.docs_dir) / uri, chapter, lang, ROOT)
    for other in LANGUAGES:
        twin = Path(config.docs_dir).parent / other / uri
        if other != lang and twin.is_file():
            twin_chapter = chapters.Chapter.read(twin)
            if twin_chapter.cache_code == chapter.cache_code:
                there = errors.locate(failure, twin, twin_chapter, other, ROOT)
                located.also.append(f"{there.path}:{there.line}")
    return located


def _front_matter_is_executable(path: Path) -> bool:
    from mkdocs.utils.meta import get_data

    _, meta = get_data(path.read_text(encoding="utf-8"))
    return chapters.is_executable(meta)


def _register_chapter_files(files, config, uri, stem, rendered) -> None:
    import nbformat

    folder = posixpath.dirname(uri)
    files.append(File.generated(config, posixpath.join(folder, f"{stem}.ipynb"),
                                content=nbformat.writes(rendered.notebook)))
    for name, png in rendered.figures.items():
        files.append(File.generated(config, posixpath.join(folder, f"{stem}.figures", name),
                                    content=png))


def _add_assets(files: Files, config) -> None:
    """Serve KaTeX and the book's CSS/JS from the site itself: no CDN, ever."""
    if not KATEX.is_dir():
        raise RuntimeError(f"KaTeX not found at {KATEX}; run `npm ci` (the Makefile does).")
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            files.append(File.generated(config, f"assets/{path.relative_to(ASSETS).as_posix()}",
                                        abs_src_path=str(path)))
    katex = [KATEX / name for name in KATEX_FILES] + sorted((KATEX / "fonts").glob("*.woff2"))
    for path in katex:
        files.append(File.generated(config, f"assets/katex/{path.relative_to(KATEX).as_posix()}",
                                    abs_src_path=str(path)))


def on_page_markdown(markdown, page, config, files):
    rendered = _rendered.get(page.file.src_uri)
    markdown = rendered.markdown if rendered else markdown
    markdown = derivation_source.caption(markdown, config.theme["language"])
    return glossary.expand(markdown, config.theme["language"])


def on_page_context(context, page, config, nav):
    context["nnlit_alternate"] = [
        {"name": info["name"], "lang": code,
         "link": other_language_url(config.theme["language"], code, page.url)}
        for code, info in LANGUAGES.items()
    ]
    return context
