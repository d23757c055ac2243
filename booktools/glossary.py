"""The bilingual glossary: one YAML file, rendered as a table in each edition.

Each entry has an `id`, the English term `en` and the book's Chinese rendering `zh`,
and optionally `also` (other renderings readers meet elsewhere), `avoid` (renderings
the book never uses) and `note` (how the book uses the term, in Chinese). The table
shows all of them, so a reader who knows a term as 逻辑回归 finds logistic 回归.
The English edition lists the terms in English alphabetical order, the Chinese
edition in pinyin order (Latin letters read as themselves), as Chinese indexes do.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.yml"
MARKER = "<!-- nnlit:glossary -->"
HEADERS = {
    "zh": ("中文", "English", "其他常见译法", "本书不用的写法"),
    "en": ("English", "中文", "Other Chinese renderings", "Not used in the book"),
}


def load(path: Path = GLOSSARY) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _listing(words: list[str], note: str = "") -> str:
    """Chinese words joined by the enumeration comma 、, then the note, if any."""
    text = "、".join(words)
    if note:
        text = f"{text}。{note}" if text else note
    return text


def sort_key(entry: dict, language: str) -> str:
    """The English term, lowercased; for Chinese, its pinyin syllable by syllable (黑塞矩阵 -> 'hei sai ju zhen')."""
    if language == "en":
        return entry["en"].lower()
    return " ".join(syllable.strip().lower() for syllable in lazy_pinyin(entry["zh"]))


def table(language: str, entries: list[dict]) -> str:
    """A Markdown table, this edition's term first; each row is anchored at its id."""
    other = "en" if language == "zh" else "zh"
    header = HEADERS[language]
    rows = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for entry in sorted(entries, key=lambda e: sort_key(e, language)):
        also = _listing(entry.get("also", []))
        avoid = _listing(entry.get("avoid", []), entry.get("note", ""))
        rows.append(f"| **{entry[language]}**{{ #{entry['id']} }} | {entry[other]} | {also} | {avoid} |")
    return "\n".join(rows)


NOTATION_MARKER = "<!-- nnlit:notation -->"
NOTATION = Path(__file__).resolve().parent.parent / "nnlit" / "derivations"  # notation.<lang>.md


def notation(language: str, folder: Path = NOTATION) -> str:
    """The book's symbols, as `python -m nnlit derive` writes them from nnlit/symbolic/notation.py."""
    text = (folder / f"notation.{language}.md").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("<!--")).strip()


def expand(markdown: str, language: str) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, table(language, load()))
    if NOTATION_MARKER in markdown:
        markdown = markdown.replace(NOTATION_MARKER, notation(language))
    return markdown
