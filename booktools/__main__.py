"""Build, serve or print both editions of the book: `python -m booktools build|serve|pdf`.

The Chinese edition (mkdocs.yml) is built into SITE, the English one
(mkdocs.en.yml) into SITE/en. Chapters are executed once and cached
(booktools/execute.py), so the second edition and every later build reuse the
outputs of the first.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {"zh": ("mkdocs.yml", ""), "en": ("mkdocs.en.yml", "en")}
WATCHED = ["docs", "nnlit", "booktools", "overrides", "mkdocs.yml", "mkdocs.en.yml"]


def build_edition(lang: str, site_dir: Path, strict: bool = True, serve_url: str | None = None,
                  only: str | None = None) -> None:
    config_file, subdir = EDITIONS[lang]
    target = site_dir / subdir
    config = load_config(str(ROOT / config_file), site_dir=str(target), strict=strict)
    if only:
        _restrict_to(config, only)
    # mkdocs cleans its site_dir; keep the other edition out of harm's way.
    keep = site_dir / "en" if lang == "zh" and (site_dir / "en").is_dir() else None
    with tempfile.TemporaryDirectory(dir=site_dir.parent) as hold:
        if keep:
            keep = keep.rename(Path(hold) / "en")
        try:
            mkdocs_build(config, serve_url=serve_url)
        finally:
            if keep:
                keep.rename(site_dir / "en")


def _restrict_to(config, page: str) -> None:
    """Leave out every other chapter (NN-*.md): a quick build while writing one chapter.

    Links to the chapters left out are then reported at INFO level instead of
    failing the build; the full build still checks them.
    """
    import pathspec

    others = [p.name for p in Path(config.docs_dir).glob("[0-9][0-9]-*.md") if p.name != page]
    config.exclude_docs = pathspec.gitignore.GitIgnoreSpec.from_lines(others)
    config.validation.links.not_found = logging.INFO
    config.validation.nav.omitted_files = logging.INFO


def build(site_dir: Path, strict: bool = True, serve_url: str | None = None,
          only: str | None = None) -> float:
    start = time.perf_counter()
    site_dir.mkdir(parents=True, exist_ok=True)
    for lang in EDITIONS:
        build_edition(lang, site_dir, strict=strict, serve_url=serve_url, only=only)
    return time.perf_counter() - start


def editions_affected(changed: set[Path]) -> list[str]:
    """A page edit rebuilds only its own edition; anything else rebuilds both."""
    touched = set()
    for path in changed:
        parts = path.relative_to(ROOT).parts if path.is_relative_to(ROOT) else ()
        lang = parts[1] if len(parts) > 2 and parts[0] == "docs" and parts[1] in EDITIONS else None
        if lang is None:
            return list(EDITIONS)
        touched.add(lang)
    return [lang for lang in EDITIONS if lang in touched] or list(EDITIONS)


def serve(site_dir: Path, host: str, port: int) -> None:
    import threading

    import watchdog.events
    from mkdocs.livereload import LiveReloadServer

    url = f"http://{host}:{port}/"
    log = logging.getLogger("mkdocs")
    changed: set[Path] = set()
    lock = threading.Lock()

    def rebuild() -> None:
        with lock:
            langs = editions_affected(changed) if changed else list(EDITIONS)
            changed.clear()
        start = time.perf_counter()
        try:
            for lang in langs:
                build_edition(lang, site_dir, strict=False, serve_url=url)
            log.info("Rebuilt %s in %.1f s", " and ".join(langs), time.perf_counter() - start)
        except Exception as error:  # keep serving; the terminal shows what broke
            log.error("Build failed: %s", error)

    class Recorder(watchdog.events.FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory:
                with lock:
                    changed.add(Path(event.src_path))

    site_dir.mkdir(parents=True, exist_ok=True)
    rebuild()
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site_dir))
    for path in WATCHED:
        server.watch(str(ROOT / path))
        server.observer.schedule(Recorder(), str(ROOT / path), recursive=True)
    print(f"Serving the book at {url} (中文) and {url}en/ (English). Ctrl-C stops.")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m booktools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build both editions strictly into the site dir")
    p_build.add_argument("--site-dir", type=Path, default=ROOT / "site")
    p_build.add_argument("--only", metavar="PAGE", help="build only this chapter, e.g. 02-activations.md")
    p_pdf = sub.add_parser("pdf", help="print each edition's whole-book page to a PDF")
    p_pdf.add_argument("--site-dir", type=Path, default=ROOT / "site")
    p_pdf.add_argument("--out", type=Path, default=ROOT / "pdf")
    p_serve = sub.add_parser("serve", help="build, serve with live reload, rebuild on change")
    p_serve.add_argument("--site-dir", type=Path, default=ROOT / ".cache" / "serve-site")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    if args.command == "build":
        if args.site_dir.exists():
            shutil.rmtree(args.site_dir)
        seconds = build(args.site_dir.resolve(), only=args.only)
        print(f"Built both editions into {args.site_dir} in {seconds:.1f} s")
    elif args.command == "pdf":
        from booktools.pdf import print_pdfs

        for path in print_pdfs(args.site_dir.resolve(), args.out):
            print(f"Wrote {path}")
    else:
        serve(args.site_dir.resolve(), args.host, args.port)


if __name__ == "__main__":
    main()
