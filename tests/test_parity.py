"""Bilingual parity: every page exists in both languages with the same skeleton."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booktools import glossary
from booktools.structure import differences, skeleton

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZH, EN = DOCS / "zh", DOCS / "en"


def pages(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.md")}


def test_every_page_exists_in_both_languages():
    only_zh, only_en = pages(ZH) - pages(EN), pages(EN) - pages(ZH)
    assert not only_zh and not only_en, f"only in docs/zh: {sorted(only_zh)}; only in docs/en: {sorted(only_en)}"


@pytest.mark.parametrize("page", sorted(pages(ZH) & pages(EN)))
def test_page_skeletons_match(page):
    zh = skeleton((ZH / page).read_text(encoding="utf-8"))
    en = skeleton((EN / page).read_text(encoding="utf-8"))
    problems = differences(zh, en)
    assert not problems, f"{page}: the two languages diverge:\n  " + "\n  ".join(problems)


ZH_PAGE = """# 标题\n\n## 一\n\n$$ a \\tag{1.1} $$\n\n```python\nx = 1  # 注释\n```\n\n![](a.png)\n"""
EN_PAGE = """# Title\n\n## One\n\n$$ a \\tag{1.1} $$\n\n```python\nx = 1  # comment\n```\n\n![](a.png)\n"""


def test_parity_ignores_wording_and_comments():
    assert differences(skeleton(ZH_PAGE), skeleton(EN_PAGE)) == []


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace("## One", "### One"), "heading differs: zh line 3: ## 一 — en line 3: ### One"),
    (lambda t: t.replace("## One\n", ""), "zh has a heading at line 3: ## 一 — missing in en"),
    (lambda t: t.replace("\\tag{1.1}", "\\tag{1.2}"), "equation differs"),
    (lambda t: t.replace("x = 1", "x = 2"), "code cell differs"),
    (lambda t: t + '\n--8<-- "derivations/x.md"\n', "en has an include at line 13"),
    (lambda t: t + "\n![](b.png)\n", "en has a figure at line 13"),
    (lambda t: t + '\n??? success "Solution"\n\n    text\n', "en has an admonition at line 13"),
    (lambda t: t + "\nvalue {{ x }}\n", "inline values"),
])
def test_parity_catches_each_kind_of_divergence(edit, expected):
    problems = differences(skeleton(ZH_PAGE), skeleton(edit(EN_PAGE)))
    assert len(problems) == 1 and expected in problems[0], problems


LONG_ZH = ZH_PAGE + "\n## 二\n\n```python\ny = 2\n```\n\n## 三\n\ntext\n"
LONG_EN = EN_PAGE + "\n## Two\n\n```python\ny = 2\n```\n\n## Three\n\ntext\n"


def test_parity_names_the_added_heading_not_the_next_one():
    added = LONG_EN.replace("## Three", "### A note on units\n\nwords\n\n## Three")
    problems = differences(skeleton(LONG_ZH), skeleton(added))
    assert len(problems) == 1, problems
    assert "en has a heading at line 19: ### A note on units — missing in zh" in problems[0]
    assert "missing in zh, where it would follow the code cell at line 15" in problems[0]


def test_parity_shows_only_the_differing_lines_of_a_code_cell():
    zh = "```python\na = 1\nb = 2  # 注释\nc = 3\n```\n"
    en = "```python\na = 1\nb = 20\nc = 3\n```\n"
    (problem,) = differences(skeleton(zh), skeleton(en))
    assert "-b = 2" in problem and "+b = 20" in problem
    assert "a = 1" not in problem and "c = 3" not in problem


def test_glossary_is_consistent():
    entries = glossary.load()
    for key in ("id", "en", "zh"):
        values = [e[key] for e in entries]
        duplicates = {v for v in values if values.count(v) > 1}
        assert not duplicates, f"glossary: duplicate {key}: {sorted(duplicates)}"


def test_chinese_pages_use_the_glossary_terms():
    avoided = {variant: entry for entry in glossary.load() for variant in entry.get("avoid", [])}
    found = []
    for page in sorted(ZH.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for variant, entry in avoided.items():
            for line_no, line in enumerate(text.splitlines(), 1):
                if variant in line:
                    found.append(f"docs/zh/{page.relative_to(ZH)}:{line_no}: "
                                 f"'{variant}' — the book says '{entry['zh']}' ({entry['en']})")
    assert not found, "terms outside the glossary:\n" + "\n".join(found)


def test_glossary_links_point_at_real_terms():
    ids = {e["id"] for e in glossary.load()}
    bad = []
    for page in sorted(list(ZH.rglob("*.md")) + list(EN.rglob("*.md"))):
        for anchor in re.findall(r"glossary\.md#([\w-]+)", page.read_text(encoding="utf-8")):
            if anchor not in ids:
                bad.append(f"{page.relative_to(DOCS)}: glossary.md#{anchor}")
    assert not bad, "links to unknown glossary terms:\n" + "\n".join(bad)


CJK = "\u4e00-\u9fff，。、；：（）“”"
BROKEN_LINE = re.compile(f"[{CJK}]\n[{CJK}]")


def test_chinese_paragraphs_are_not_broken_across_lines():
    """A line break between two Chinese characters shows as a space in the browser."""
    found = []
    for page in sorted(ZH.rglob("*.md")):
        prose = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for match in BROKEN_LINE.finditer(prose):
            found.append(f"docs/zh/{page.relative_to(ZH)}: …{prose[max(0, match.start() - 12):match.end() + 12]!r}…")
    assert not found, "join these lines (one paragraph per line in Chinese pages):\n" + "\n".join(found)


def test_the_broken_line_check_can_fail():
    assert BROKEN_LINE.search("第一行\n第二行") and not BROKEN_LINE.search("第一行\n\n第二段")
