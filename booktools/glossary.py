"""The bilingual glossary: one YAML file, rendered as a table in each edition."""

from __future__ import annotations

from pathlib import Path

import yaml

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.yml"
MARKER = "<!-- nnlit:glossary -->"
HEADERS = {"zh": ("中文", "English"), "en": ("English", "中文")}


def load(path: Path = GLOSSARY) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def table(language: str, entries: list[dict]) -> str:
    """A Markdown table, this edition's term first; each row is anchored at its id."""
    other = "en" if language == "zh" else "zh"
    first, second = HEADERS[language]
    rows = [f"| {first} | {second} |", "|---|---|"]
    for entry in sorted(entries, key=lambda e: e["en"].lower()):
        rows.append(f"| **{entry[language]}**{{ #{entry['id']} }} | {entry[other]} |")
    return "\n".join(rows)


def expand(markdown: str, language: str) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, table(language, load()))
