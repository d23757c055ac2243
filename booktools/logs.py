"""The build's log: quiet, and every warning names its file and line.

MkDocs says `Doc file '03-losses.md' contains a link '07-trainig.md', ...`; this
filter turns that into `docs/zh/03-losses.md:42: ...` and counts warnings per
edition, so a strict build can report both editions' problems in one run and
then refuse (warnings are errors in strict builds).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from pathlib import Path

DOC_LINK = re.compile(r"^Doc file '([^']+)' contains (?:a link|an unrecognized relative link|"
                      r"an absolute link|a link to) '([^']+)'")


class BookLog(logging.Filter):
    """Rewrites MkDocs' link warnings with path and line, and remembers every warning."""

    def __init__(self, docs: Path, root: Path):
        super().__init__()
        self.docs, self.root = docs, root
        self.edition = ""
        self.counts: Counter[str] = Counter()
        self.warnings: list[tuple[str, str]] = []  # (edition, message)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and record.name.startswith("mkdocs"):
            message = self.locate(record.getMessage())
            record.msg, record.args = message, None
            self.counts[self.edition] += 1
            self.warnings.append((self.edition, message))
        return True

    def locate(self, message: str) -> str:
        match = DOC_LINK.match(message)
        if not match or not self.edition:
            return message
        page = self.docs / self.edition / match.group(1)
        line = find_line(page, match.group(2))
        where = page.relative_to(self.root).as_posix() + (f":{line}" if line else "")
        return f"{where}: {message}"


def find_line(page: Path, link: str) -> int | None:
    """The first line of `page` that holds `link` as a link target (else as text)."""
    try:
        lines = page.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for pattern in (f"]({link}", f"({link}", link):
        for number, line in enumerate(lines, 1):
            if pattern in line:
                return number
    return None


def setup(docs: Path, root: Path, verbose: bool = False) -> BookLog:
    """INFO to stderr in MkDocs' format. jieba logs its dictionary loading at DEBUG
    through a handler of its own *and* the root one (every line twice); it sets its
    level when imported, so it is imported first and then quietened."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(levelname)-7s -  %(message)s", force=True)
    with warnings.catch_warnings():  # jieba's source has invalid escapes (SyntaxWarning)
        warnings.simplefilter("ignore")
        try:
            import jieba  # noqa: F401
        except ImportError:
            pass
    logging.getLogger("jieba").propagate = False
    for noisy in ("jieba", "traitlets", "asyncio", "watchdog", "PIL", "matplotlib", "markdown_it"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    book = BookLog(docs, root)
    for handler in logging.getLogger().handlers:
        handler.addFilter(book)
    return book
