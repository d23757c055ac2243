"""Beside each included derivation, one line in the reader's language naming the command that regenerates it.

A page includes a derivation with ``--8<-- "derivations/<group>/<name>.md"``; the build
appends, at the same indentation (so it stays inside an admonition), a short caption::

    Derived and checked by SymPy, step by step: `python -m nnlit derive sigmoid`

Result fragments (``<name>.result.md``) get none: they quote a result whose derivation,
and its caption, the book shows elsewhere. The chapters' sources stay unchanged, so
both editions keep the same skeleton.
"""

from __future__ import annotations

import re

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<--\s+"derivations/[^"/]+/(?P<name>[^"/.]+)\.md"[ \t]*$', re.MULTILINE)

CAPTION = {
    "en": "Derived and checked by SymPy, step by step: `python -m nnlit derive {name}`",
    "zh": "由 SymPy 逐步推导并检验：`python -m nnlit derive {name}`",
}


def caption(markdown: str, language: str) -> str:
    """``markdown`` with a caption paragraph after each full-derivation include (``language``: ``"en"``/``"zh"``)."""
    text = CAPTION[language]

    def add(match: re.Match) -> str:
        indent = match.group("indent")
        line = text.format(name=match.group("name"))
        return f'{match.group(0)}\n\n{indent}<small class="nnlit-derivation-source">{line}</small>'

    return INCLUDE.sub(add, markdown)
