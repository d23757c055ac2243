"""The mechanical rules of the Chinese edition, checked on every page of docs/zh.

Each check reads the prose only: code blocks, math, inline code, `{{ }}` values,
links' targets and snippet includes are masked out (replaced by spaces, so line
numbers stay right). A failure names the file, the line and the offending text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booktools import glossary

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZH, EN = DOCS / "zh", DOCS / "en"
PAGES = sorted(p.name for p in ZH.glob("*.md"))

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
HAS_CJK = re.compile(f"[{CJK}]")
MASKED = [  # what is not prose, in the order it is masked
    re.compile(r"\A---\n.*?\n---\n", re.S),                      # front matter
    re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M),  # fenced code
    re.compile(r"<!--.*?-->", re.S),                              # HTML comments
    re.compile(r"\{\{.*?\}\}", re.S),                             # computed values
    re.compile(r"\$\$.*?\$\$", re.S),                             # display math
    re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]", re.S),                 # math in brackets
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$"),       # inline math
    re.compile(r"`[^`\n]+`"),                                     # inline code
    re.compile(r"^\s*--8<--.*$", re.M),                           # snippet includes
    re.compile(r"\]\([^)\s]*\)"),                                 # link targets
    re.compile(r"\{[:#.][^}\n]*\}|\{ #[^}\n]*\}"),                 # attribute lists
    re.compile(r"<[^>\n]+>"),                                     # HTML tags
]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(text: str) -> str:
    """The page with everything that is not prose replaced by spaces (newlines kept)."""
    for pattern in MASKED:
        text = pattern.sub(_blank, text)
    return text


def prose_lines(path: Path):
    """(line number, prose of that line) for each line of a page that has prose left."""
    for number, line in enumerate(prose(path.read_text(encoding="utf-8")).splitlines(), 1):
        if line.strip():
            yield number, line


def report(findings: list[str], rule: str) -> str:
    return f"{rule} ({len(findings)}):\n  " + "\n  ".join(findings)


# --- italics --------------------------------------------------------------------------------

ITALIC = re.compile(r"(?<![*A-Za-z0-9_])\*(?![*\s])([^*\n]+?)(?<![*\s])\*(?![*A-Za-z0-9_])")


def italic_cjk(line: str) -> list[str]:
    """Italic spans (*…*, not **…**) that contain Chinese characters."""
    line = line.replace("**", "\0\0")
    return [m.group(0) for m in ITALIC.finditer(line) if HAS_CJK.search(m.group(1))]


@pytest.mark.parametrize("page", PAGES)
def test_no_italics_on_chinese_text(page):
    """Chinese fonts have no italic; browsers fake a slant. Use bold, or nothing."""
    found = [f"docs/zh/{page}:{n}: {span}" for n, line in prose_lines(ZH / page)
             for span in italic_cjk(line)]
    assert not found, report(found, "italics on Chinese text (use **bold** or nothing)")


# --- the glossary's renderings ----------------------------------------------------------------

ENTRIES = glossary.load()
BRACKETED = re.compile(r"（[^（）\n]*）")


def glossary_findings(line: str) -> list[str]:
    """Renderings the book never uses, and other renderings outside a bracketed aside."""
    found = []
    outside = BRACKETED.sub(lambda m: "\u3000" * len(m.group(0)), line)
    for entry in ENTRIES:
        for variant in entry.get("avoid", []):
            if variant in line:
                found.append(f"'{variant}': the book says '{entry['zh']}' ({entry['en']})")
        for variant in entry.get("also", []):
            if variant in outside:
                found.append(f"'{variant}' in running text: the book says '{entry['zh']}' ({entry['en']}); "
                             f"give '{variant}' only in brackets at first use, e.g. （常译作{variant}）")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_only_the_glossary_renderings(page):
    found = [f"docs/zh/{page}:{n}: {problem}" for n, line in prose_lines(ZH / page)
             for problem in glossary_findings(line)]
    assert not found, report(found, "renderings outside the glossary (docs/glossary.yml)")


def spelling_pattern(term: str) -> re.Pattern:
    """A term with its spaces optional and its Latin letters in any case: 'he 初始化', 'He初始化'."""
    parts = [re.escape(part) for part in term.split()]
    start = r"(?<![A-Za-z])" if term[0].isascii() and term[0].isalpha() else ""
    return re.compile(start + r"\s*".join(parts), re.IGNORECASE)


def spelled_terms() -> list[str]:
    """The glossary's Chinese terms (and bracketed parts) that mix Latin letters and Chinese."""
    pieces = set()
    for entry in ENTRIES:
        for piece in re.split(r"[（）]", entry["zh"]):
            piece = piece.strip()
            if re.search("[A-Za-z]", piece) and HAS_CJK.search(piece):
                pieces.add(piece)
    return sorted(pieces)


@pytest.mark.parametrize("page", PAGES)
def test_one_spelling_per_term(page):
    """'He 初始化', never 'He初始化' or 'he 初始化': the glossary's spelling, with its spaces."""
    patterns = [(term, spelling_pattern(term)) for term in spelled_terms()]
    found = [f"docs/zh/{page}:{n}: '{m.group(0)}', the glossary spells it '{term}'"
             for n, line in prose_lines(ZH / page) for term, pattern in patterns
             for m in pattern.finditer(line) if m.group(0) != term]
    assert not found, report(found, "terms spelled differently from the glossary")


# --- typography -----------------------------------------------------------------------------

HALF_WIDTH_INSIDE = re.compile(r"（[^（）\n]*?[,;:!?][^（）\n]*?）")


@pytest.mark.parametrize("page", PAGES)
def test_full_width_brackets_hold_full_width_punctuation(page):
    """「（输入数，单元数）」, not 「（输入数, 单元数）」."""
    found = [f"docs/zh/{page}:{n}: {m.group(0)}" for n, line in prose_lines(ZH / page)
             for m in HALF_WIDTH_INSIDE.finditer(line)]
    assert not found, report(found, "half-width punctuation inside full-width brackets")



# 「相差 N 倍」 and 「小 N 倍」 do not say which way the ratio goes (is 相差 2 倍 a ratio of 2 or 3?),
# and a quantity cannot be "N times smaller": write 「A 是 B 的 N 倍」, 「只有 B 的 α 倍」 or
# 「缩小为原来的几分之几」 (the usage of d2l-zh). 「小倍数」 and 「倍数」 are fine.
GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d])")
COMPUTED = re.compile(r"\{\{(.*?)\}\}", re.S)
SPEC = re.compile(r":([^:{}\[\]\"'()]*)\}")


def format_specs(text: str):
    """(line number, the {{ }} value, its format spec) for each f-string field of a computed value."""
    for value in COMPUTED.finditer(text):
        for spec in SPEC.finditer(value.group(1)):
            yield text.count("\n", 0, value.start()) + 1, value.group(0), spec.group(1)


def written_or_computed(page: str, written, bad_spec, why: str) -> list[str]:
    """Matches of ``written`` in the page's prose, and ``{{ }}`` values whose format spec is bad."""
    found = [f"docs/zh/{page}:{n}: {m.group(0)}" for n, line in prose_lines(ZH / page)
             for m in written.finditer(line)]
    text = (ZH / page).read_text(encoding="utf-8")
    return found + [f"docs/zh/{page}:{n}: {value} ({why})"
                    for n, value, spec in format_specs(text) if bad_spec(spec)]


@pytest.mark.parametrize("page", PAGES)
def test_one_thousands_separator_style(page):
    """Chinese prose writes 1000 and 20000, never 1,000 (the style of d2l-zh); 万 for large numbers."""
    found = written_or_computed(page, GROUPED, lambda spec: "," in spec, "a ',' format groups digits")
    assert not found, report(found, "digits grouped with commas in Chinese prose")


E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+(?![\w])")


@pytest.mark.parametrize("page", PAGES)
def test_no_e_notation_in_prose(page):
    """4.5 × 10⁻⁵ (nnlit.book.sci), not 4.5e-05: neither written nor computed into the prose."""
    found = written_or_computed(page, E_NOTATION, lambda spec: spec.endswith(("e", "E")),
                                "an 'e' format; use nnlit.book.sci or prose_number")
    assert not found, report(found, "e-notation in Chinese prose")


MULTIPLE_WITHOUT_DIRECTION = re.compile(
    r"(?:相差|缩小|减少|降低|减小|变小|下降|(?<![大多最])小|(?<!最)低|(?<![至多])少)了?(?:约|大约)?"
    r"(?:多少|[\s0-9.一二两三四五六七八九十百千万几])*倍(?!数)")


@pytest.mark.parametrize("page", PAGES)
def test_multiples_say_which_way(page):
    """「是前者的 1.6 倍」「只有原来的 α 倍」「缩小为原来的十分之一」, not 「相差 1.6 倍」「小 α 倍」
    「缩小多少倍」: a multiple says of what, and a decrease is not a multiple (d2l-zh's usage)."""
    found = [f"docs/zh/{page}:{n}: {line[max(0, m.start() - 12):m.end()].strip()}"
             for n, line in prose_lines(ZH / page) for m in MULTIPLE_WITHOUT_DIRECTION.finditer(line)]
    assert not found, report(found, "a multiple that does not say which way (「相差/小/缩小……倍」)")


# --- the same facts in both editions -----------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def numbers(path: Path) -> dict[str, int]:
    """Each number written in a page's prose (commas dropped), with the first line it is on."""
    found: dict[str, int] = {}
    for n, line in prose_lines(path):
        for m in NUMBER.finditer(line):
            found.setdefault(re.sub(r",(?=\d{3})", "", m.group(0)).rstrip(".,"), n)
    return found


@pytest.mark.parametrize("page", sorted(set(PAGES) & {p.name for p in EN.glob("*.md")}))
def test_both_editions_state_the_same_numbers(page):
    """A number written in one edition's prose is written in the other's too ({{ }} values aside)."""
    zh, en = numbers(ZH / page), numbers(EN / page)
    found = [f"docs/zh/{page}:{line}: {num} (not in docs/en/{page})" for num, line in zh.items() if num not in en]
    found += [f"docs/en/{page}:{line}: {num} (not in docs/zh/{page})" for num, line in en.items() if num not in zh]
    assert not found, report(found, "numbers in one edition's prose only")


# --- the checks can fail -----------------------------------------------------------------------

def test_the_checks_catch_what_they_are_for():
    assert italic_cjk("这是*斜体*，这是**粗体**") == ["*斜体*"]
    assert italic_cjk("an *English* word, **粗体**, 2 * 3 * 4") == []
    assert "中" not in prose("见 $a_{中}$。") and "代码" not in prose("`代码`") and "x" not in prose("{{ x }}")
    assert HALF_WIDTH_INSIDE.search("（输入数, 单元数）") and not HALF_WIDTH_INSIDE.search("（输入数，单元数）")
    assert GROUPED.search("共 1,000 个") and not GROUPED.search("共 1000 个，0.5")
    specs = [spec for _, _, spec in format_specs('{{ f"{n:,}" }} {{ f"{x[:, 3].max():.0%}" }} {{ f"{y:.1e}" }}')]
    assert specs == [",", ".0%", ".1e"]
    assert E_NOTATION.search("误差 4.5e-05") and not E_NOTATION.search("z = 4.5 和 e5")
    wrong = [prose(s) for s in ("比活着的单元小 $\\alpha$ 倍", "标准差每层缩小多少倍", "降低了 3 倍", "相差 {{ x }} 倍")]
    assert all(MULTIPLE_WITHOUT_DIRECTION.search(s) for s in wrong)
    kept = [prose(s) for s in ("只有活着单元的 $\\alpha$ 倍", "开销只是前向传播的一个小倍数", "至少 3 倍", "快 {{ x }} 倍",
                               "缩小同样的倍数")]
    assert not any(MULTIPLE_WITHOUT_DIRECTION.search(s) for s in kept)
    assert spelling_pattern("He 初始化").search("用 He初始化") and spelling_pattern("He 初始化").search("he 初始化")
    assert not spelling_pattern("He 初始化").search("the 初始化")


def test_the_glossary_check_catches_variants():
    logistic = next(e for e in ENTRIES if e["id"] == "logistic-regression")
    cell = next(e for e in ENTRIES if e["id"] == "code-cell")
    also, avoid = logistic["also"][0], cell["avoid"][0]
    assert glossary_findings(f"{logistic['zh']}（常译作{also}）") == []
    assert glossary_findings(f"我们用{also}来分类") and glossary_findings(f"运行{avoid}")


def test_the_glossary_page_shows_every_rendering_in_pinyin_order():
    rows = glossary.table("zh", ENTRIES).splitlines()[2:]
    order = [re.search(r"\{ #([\w-]+) \}", row).group(1) for row in rows]
    assert order.index("maximum-likelihood") < order.index("activation-function") < order.index("cross-entropy")
    logistic = next(row for row in rows if "{ #logistic-regression }" in row)
    cell = next(row for row in rows if "{ #code-cell }" in row)
    assert "逻辑回归" in logistic and "代码单元" in cell and "下面的代码" in cell
