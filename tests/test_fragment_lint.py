"""Every generated fragment reads like a textbook: no printer artefacts, no forbidden letters, a caption beside it.

The lint reads the committed fragments (``test_derive.py`` proves they are fresh). Each rule
is also shown to reject the artefact it names, as the printer once wrote it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booktools import derivation_source
from nnlit.symbolic import notation

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ROOT / "nnlit" / "derivations"

_SYMBOL = r"(?:\{?\\?[A-Za-z]+\}?(?:_\{[^{}]*\}|_[A-Za-z0-9])?(?:\^\{[^{}]*\})?)"
_END = r"(?=\s*(?:\\right|\)|\}|&|\\\\|\\qquad|$))"

#: rule name -> (pattern, why it is wrong)
RULES = {
    "derivative of a constant": (
        re.compile(r"\\frac\{(?:d|\\partial)\}\{(?:d|\\partial) [^{}]+\} -?\d+(?:\.\d+)?" + _END, re.M),
        "differentiate the constant (its derivative is 0)"),
    "one-branch cases": (
        re.compile(r"\\begin\{cases\}(?:(?!\\\\|\\end\{cases\}).)*\\end\{cases\}"),
        "a single case is an equation with a condition: write it with `given`"),
    "negative term first": (
        re.compile(r"(?:^|[({&=]|\\left\(|\\\\)\s*- " + _SYMBOL + r" \+ " + _SYMBOL + _END, re.M),
        "write the difference as the chapter does, y - mu (use Plus)"),
    "canonical normal density": (
        re.compile(r"\\frac\{\\sqrt\{2\} e\^|2 \\sqrt\{\\pi\}"),
        r"write the density as (4.5) does, \frac{1}{\sqrt{2\pi\sigma^2}} \exp(...) (use over_sqrt, Exp)"),
    "forbidden letter": (
        re.compile("|".join(re.escape(letter) + r"(?![A-Za-z])" for letter in notation.FORBIDDEN)),
        "; ".join(f"{letter}: {why}" for letter, why in notation.FORBIDDEN.items())),
}


def lint(tex: str) -> list[str]:
    """The rules ``tex`` breaks, each with the offending text."""
    return [f"{rule} ({why}): {match.group(0).strip()!r}"
            for rule, (pattern, why) in RULES.items() for match in pattern.finditer(tex)]


def committed() -> list[Path]:
    return sorted(p for p in FRAGMENTS.rglob("*.md") if not p.name.startswith("notation."))


def test_there_are_fragments_to_lint():
    assert len(committed()) > 50


@pytest.mark.parametrize("path", committed(), ids=lambda p: p.relative_to(FRAGMENTS).as_posix())
def test_fragment_has_no_printer_artefacts(path):
    problems = lint(path.read_text(encoding="utf-8"))
    assert problems == [], f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


# what the printer used to write (and the lint must reject), rule by rule
ARTEFACTS = {
    "derivative of a constant": r"\begin{cases} \frac{d}{d z} 1 & z > 0 \\ \frac{d}{d z} 0 & z < 0 \end{cases}",
    "one-branch cases": r" &= \begin{cases} 0 & z \neq 0 \end{cases}",
    "negative term first": r"\frac{\sqrt{2} e^{- \frac{\left(- {\mu}_{i} + {y}_{i}\right)^{2}}{2 {v}_{i}}}}{2}",
    "canonical normal density": r"p &= \frac{\sqrt{2} e^{- \frac{\left(y - \hat{y}\right)^{2}}{2 \sigma^{2}}}}{2 \sqrt{\pi} \sigma}",
    "forbidden letter": r"W^{[1]} - \eta\, dW^{[1]}",
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_rejects_its_artefact(rule):
    assert any(problem.startswith(rule) for problem in lint(ARTEFACTS[rule])), lint(ARTEFACTS[rule])


@pytest.mark.parametrize("tex", [
    r"\frac{d}{d z} z &= 1",                                       # a variable, not a constant
    r"\begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}",           # two branches
    r"- \frac{y}{a} + \frac{1 - y}{1 - a}",                        # the textbook's own order for BCE
    r"\frac{1}{\sqrt{2 \pi \sigma^{2}}} \exp\left(- \frac{\left(y - \mu\right)^{2}}{2 \sigma^{2}}\right)",
    r"\beta_{1}, \theta, \zeta",                                   # letters that contain "eta"
])
def test_the_textbook_forms_pass(tex):
    assert lint(tex) == []


# -- each derivation says where it comes from ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_included_derivation_gets_its_command_in_the_readers_language(language):
    page = ('Text.\n\n--8<-- "derivations/activations/sigmoid.md"\n\n!!! note\n\n'
            '    --8<-- "derivations/initialization/he.md"\n\n--8<-- "derivations/activations/sigmoid.result.md"\n')
    out = derivation_source.caption(page, language).split("\n")
    captions = [line for line in out if "nnlit-derivation-source" in line]
    assert len(captions) == 2, out                                  # not after the result fragment
    assert "`python -m nnlit derive sigmoid`" in captions[0] and "`python -m nnlit derive he`" in captions[1]
    assert captions[1].startswith("    <small"), "inside the admonition, at the include's indentation"
    assert ("由 SymPy" in captions[0]) == (language == "zh")
    assert out[out.index(captions[1]) - 1] == "" and out[out.index(captions[1]) + 1] == "", "a paragraph of its own"


def test_every_full_include_in_the_chapters_names_a_derivation_the_command_knows():
    from nnlit.symbolic import DERIVATIONS
    for page in sorted((ROOT / "docs").glob("*/*.md")):
        for match in derivation_source.INCLUDE.finditer(page.read_text(encoding="utf-8")):
            assert match.group("name") in DERIVATIONS, f"{page.relative_to(ROOT)}: {match.group(0)}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_numbered_derivation_is_included_by_its_chapter_and_its_number_is_never_typed(language):
    """An equation the symbolic side numbers, (1.8) say, comes from its fragment: chapter 1 includes it, and no
    page types a second (1.8) by hand (which is how a derivation used to be typed beside its check)."""
    from nnlit import derive
    from nnlit.symbolic import DERIVATIONS
    pages = {p: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs" / language).glob("*.md"))}
    for name, number in derive.TAGS.items():
        chapter = next(p for p in pages if p.name.startswith(f"{int(number.split('.')[0]):02d}-"))
        include = f'--8<-- "derivations/{DERIVATIONS[name][0]}/{name}.md"'
        assert include in pages[chapter], f"{chapter.relative_to(ROOT)} does not include {name} ({number})"
        typed = [p.name for p, text in pages.items() if rf"\tag{{{number}}}" in text]
        assert typed == [], f"({number}) is generated by `{name}` but typed in {typed}"
