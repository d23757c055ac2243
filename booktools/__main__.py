"""Build, serve or print both editions of the book: `python -m booktools build|serve|pdf`.

The Chinese edition (mkdocs.yml) is built into SITE, the English one
(mkdocs.en.yml) into SITE/en. Chapters are executed once and cached
(booktools/execute.py), so the second edition and every later build reuse the
outputs of the first.

`build` is strict: the gates (booktools/gates.py) run first and refuse stale
derivations and pages or sections in one language only, before anything is
executed; then both editions are built, and any warning (a broken link or
anchor, named with its file and line) fails the build once both have been checked.
A failing cell is reported as one block naming the .md file, the edition, the
line and the exception (booktools/errors.py); `--verbose` adds the tracebacks.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {"zh": ("mkdocs.yml", ""), "en": ("mkdocs.en.yml", "en")}
STRICT_NOTE = ("warnings are errors in strict builds (make site, make test); "
               "`make serve` shows them and goes on")


def build_edition(lang: str, target: Path, serve_url: str | None = None, only: str | None = None) -> None:
    """Build one edition into `target` (which MkDocs empties first)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    # Warnings are counted by booktools.logs and judged once every edition is built.
    config = load_config(str(ROOT / EDITIONS[lang][0]), site_dir=str(target), strict=False)
    if only:
        _restrict_to(config, only)
    mkdocs_build(config, serve_url=serve_url)


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


def edition_dir(site_dir: Path, lang: str, split: bool = False) -> Path:
    """Where an edition goes: SITE and SITE/en, or SITE/zh and SITE/en when `split`
    (each its own directory, as `serve` swaps them one at a time)."""
    return site_dir / lang if split else site_dir / EDITIONS[lang][1]


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


def run_build(args) -> int:
    """The `build` command: gates, the editions, then the verdict. Returns the exit code.

    Strict (the default): a gate problem stops before anything runs, a failing cell
    stops the build, and warnings fail it once every edition has reported its own.
    Lenient (`serve`): the same problems are reported and each edition that built is kept."""
    from booktools import errors, gates, logs

    book_log = logs.setup(ROOT / "docs", ROOT, verbose=args.verbose)
    report = {"built": [], "failures": [], "errors": [], "warnings": [], "gates": []}
    strict = not args.lenient
    if args.gates != "none":
        report["gates"] = gates.check(derivations=args.gates == "all")
        for problem in report["gates"]:
            logging.log(logging.ERROR if strict else logging.WARNING, "%s", problem)
        if report["gates"] and strict:
            print(f"\nRefusing to build: {len(report['gates'])} problem(s) above, found before "
                  "executing anything. Fix them (`make derive` regenerates derivations).", file=sys.stderr)
            return _finish(args, report, 1)
    if args.site_dir.exists():
        shutil.rmtree(args.site_dir)
    start = time.perf_counter()
    for lang in [lang for lang in EDITIONS if lang in args.editions]:
        book_log.edition = lang
        try:
            build_edition(lang, edition_dir(args.site_dir.resolve(), lang, args.split),
                          serve_url=args.serve_url, only=args.only)
            report["built"].append(lang)
        except errors.BuildFailed as failed:
            report["failures"] += [item.to_dict() for item in failed.located]
            print("\n\n".join(item.block(args.verbose) for item in failed.located), file=sys.stderr)
            if not args.verbose:
                print("(python -m booktools build --verbose shows the kernel's traceback)", file=sys.stderr)
        except Exception as error:  # noqa: BLE001 - any build error, shown without the build's own stack
            if args.verbose:
                raise
            report["errors"].append({"edition": lang, "message": f"{type(error).__name__}: {error}"})
            print(f"build of the {lang} edition failed: {type(error).__name__}: {error}\n"
                  "(--verbose shows the traceback)", file=sys.stderr)
        if strict and (report["failures"] or report["errors"]):
            return _finish(args, report, 1)
    report["warnings"] = book_log.warnings
    counts = ", ".join(f"{lang} {book_log.counts[lang]}" for lang in report["built"])
    if book_log.warnings and strict:
        print(f"\nBuild refused: {len(book_log.warnings)} warning(s) ({counts}); {STRICT_NOTE}.",
              file=sys.stderr)
        return _finish(args, report, 1)
    print(f"Built {' and '.join(report['built']) or 'nothing'} into {args.site_dir} in "
          f"{time.perf_counter() - start:.1f} s"
          + (f" with {len(book_log.warnings)} warning(s) ({counts})" if book_log.warnings else ""))
    return _finish(args, report, 0 if set(report["built"]) == set(args.editions) else 1)


def _finish(args, report: dict, code: int) -> int:
    if args.report:
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m booktools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="check the gates, then build both editions strictly")
    p_build.add_argument("--site-dir", type=Path, default=ROOT / "site")
    p_build.add_argument("--only", metavar="PAGE", help="build only this chapter, e.g. 02-activations.md")
    p_build.add_argument("--verbose", "-v", action="store_true", help="show tracebacks and debug logs")
    p_build.add_argument("--gates", choices=["all", "pages", "none"], default="all",
                         help="which checks run first: all, pages (not the derivations), none")
    # used by `serve`, which builds each rebuild in a subprocess:
    p_build.add_argument("--editions", type=lambda s: s.split(","), default=list(EDITIONS), help=argparse.SUPPRESS)
    p_build.add_argument("--lenient", action="store_true", help=argparse.SUPPRESS)
    p_build.add_argument("--split", action="store_true", help=argparse.SUPPRESS)
    p_build.add_argument("--serve-url", help=argparse.SUPPRESS)
    p_build.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    p_pdf = sub.add_parser("pdf", help="print each edition's whole-book page to a PDF")
    p_pdf.add_argument("--site-dir", type=Path, default=ROOT / "site")
    p_pdf.add_argument("--out", type=Path, default=ROOT / "pdf")
    p_serve = sub.add_parser("serve", help="build, serve with live reload, rebuild on change")
    p_serve.add_argument("--site-dir", type=Path, default=ROOT / ".cache" / "serve-site")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "build":
        sys.exit(run_build(args))
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    if args.command == "pdf":
        from booktools.pdf import print_pdfs

        for path in print_pdfs(args.site_dir.resolve(), args.out):
            print(f"Wrote {path}")
    else:
        from booktools.serve import serve

        serve(args.site_dir.resolve(), args.host, args.port)


if __name__ == "__main__":
    main()
