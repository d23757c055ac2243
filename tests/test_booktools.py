"""The book's build machinery: cache keys, rendering of executed chapters, language links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from booktools import chapter as chapters
from booktools import execute
from booktools.languages import other_language_url

CHAPTER = """---
jupyter:
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
---

# Title

Some prose.

```python
x = 21 * 2
print(x)
```

The answer is {{ x }}.

```python tags=["hide-input"]
print("only the output")
```
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chapter.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_cache_key_follows_code_not_prose(tmp_path):
    base = chapters.Chapter.read(write(tmp_path, CHAPTER))
    prose = chapters.Chapter.read(write(tmp_path, CHAPTER.replace("Some prose.", "Other words.")))
    code = chapters.Chapter.read(write(tmp_path, CHAPTER.replace("21 * 2", "6 * 7")))
    comment = chapters.Chapter.read(write(tmp_path, CHAPTER.replace("print(x)", "print(x)  # 注释")))
    split = chapters.Chapter.read(write(tmp_path, CHAPTER.replace("Some prose.", "Some {{ x }}.").replace(
        "The answer is {{ x }}.", "The answer\n\nis {{ x }}.")))
    key = lambda ch: execute.cache_key(ch.cache_code, "env")  # noqa: E731
    assert key(base) == key(prose) == key(comment)
    assert key(base) != key(code)
    assert key(split) != key(base)  # a value quoted before the cell runs is a different program
    assert execute.cache_key(base.cache_code, "env") != execute.cache_key(base.cache_code, "other env")


def test_inline_values_of_one_gap_run_in_one_cell_whatever_the_paragraphs(tmp_path):
    one = chapters.Chapter.read(write(tmp_path, CHAPTER.replace(
        "The answer is {{ x }}.", "The answer is {{ x }} and {{ x + 1 }}.")))
    two = chapters.Chapter.read(write(tmp_path, CHAPTER.replace(
        "The answer is {{ x }}.", "{{ x + 1 }} follows.\n\nThe answer is {{ x }}.")))
    assert one.cache_code == two.cache_code


def test_environment_digest_covers_package_source_derivations_and_lock(tmp_path):
    root = Path(execute.ROOT)
    shutil.copytree(root / "nnlit", tmp_path / "nnlit", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "docs" / "derivations").mkdir(parents=True)
    shutil.copy(root / "requirements.lock", tmp_path / "requirements.lock")
    before = execute.environment_digest(tmp_path)
    (tmp_path / "nnlit" / "book.py").write_text("# edited\n", encoding="utf-8")
    after_package = execute.environment_digest(tmp_path)
    (tmp_path / "docs" / "derivations" / "new.md").write_text("$$x$$\n", encoding="utf-8")
    after_derivation = execute.environment_digest(tmp_path)
    (tmp_path / "requirements.lock").write_text("numpy==0\n", encoding="utf-8")
    after_lock = execute.environment_digest(tmp_path)
    assert len({before, after_package, after_derivation, after_lock}) == 4


def test_render_substitutes_values_hides_inputs_and_builds_the_notebook(tmp_path):
    chapter = chapters.Chapter.read(write(tmp_path, CHAPTER))
    assert len(chapter.code) == 3  # two cells and the inline-value cell between them
    outputs = [
        [{"output_type": "stream", "name": "stdout", "text": "42\n"}],
        [{"output_type": "display_data", "metadata": {}, "data": {chapters.INLINE_MIME: {"x": "42"}}}],
        [{"output_type": "stream", "name": "stdout", "text": "only the output\n"}],
    ]
    page = chapters.render(chapter, outputs, "chapter", "Download")
    assert "The answer is 42." in page.markdown
    assert 'print("only the output")' not in page.markdown
    assert "only the output" in page.markdown
    assert page.markdown.index("(chapter.ipynb)") > page.markdown.index("# Title")
    code = [c for c in page.notebook.cells if c.cell_type == "code"]
    assert [c.source for c in code][1:] == ["x = 21 * 2\nprint(x)", 'print("only the output")']
    assert code[1].outputs[0]["text"] == "42\n"


def test_a_cell_that_writes_to_stderr_fails_the_build():
    outputs = [[{"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: overflow"}]]
    with pytest.raises(execute.ChapterExecutionError, match="stderr"):
        execute._refuse_stderr(outputs, ["np.exp(1000)"], "ch.md")


@pytest.mark.parametrize("current, target, url, expected", [
    ("zh", "en", "", "en/"),
    ("zh", "en", "demo/", "../en/demo/"),
    ("en", "zh", "demo/", "../../demo/"),
    ("en", "zh", "", "../"),
    ("zh", "zh", "demo/", "../demo/"),
    ("en", "en", "", "../en/"),
])
def test_language_switch_links_to_the_same_page(current, target, url, expected):
    assert other_language_url(current, target, url) == expected


def test_a_page_edit_rebuilds_only_its_own_edition():
    from booktools.__main__ import ROOT, editions_affected

    assert editions_affected({ROOT / "docs/zh/demo.md"}) == ["zh"]
    assert editions_affected({ROOT / "docs/en/demo.md"}) == ["en"]
    assert editions_affected({ROOT / "docs/en/demo.md", ROOT / "docs/zh/demo.md"}) == ["zh", "en"]
    assert editions_affected({ROOT / "nnlit/book.py"}) == ["zh", "en"]
    assert editions_affected({ROOT / "docs/derivations/x.md"}) == ["zh", "en"]


def test_a_shell_fence_in_a_chapter_is_refused_not_run(tmp_path):
    with pytest.raises(ValueError, match="%%bash cell"):
        chapters.Chapter.read(write(tmp_path, CHAPTER + "\n```bash\nmake derive\n```\n"))


FIGURE_CHAPTER = CHAPTER.split("```python")[0] + "```python\nshow()\n```\n"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_each_edition_writes_its_own_description_into_the_figure(tmp_path):
    from nnlit.book import ALT_MIME, MIN_TEXT_KEY

    chapter = chapters.Chapter.read(write(tmp_path, FIGURE_CHAPTER))
    figure = {"output_type": "display_data", "metadata": {"image/png": {MIN_TEXT_KEY: 12.5}},
              "data": {"image/png": PNG, "text/plain": "A [dot].", ALT_MIME: {"en": "A [dot].", "zh": "一个点。"}}}
    pages = {lang: chapters.render(chapter, [[figure]], "ch", "Download", lang) for lang in ("en", "zh")}
    assert r"![A \[dot\].](ch.figures/" in pages["en"].markdown
    assert "![一个点。](ch.figures/" in pages["zh"].markdown
    assert "width=1 height=1 data-text-px=12.5 }" in pages["zh"].markdown
    code = [c for c in pages["zh"].notebook.cells if c.cell_type == "code"]
    assert code[-1].outputs[0]["data"]["text/plain"] == "一个点。"      # the notebook reads in its edition's language
    assert ALT_MIME not in code[-1].outputs[0]["data"]


def test_a_figure_without_a_description_fails_the_build(tmp_path):
    chapter = chapters.Chapter.read(write(tmp_path, FIGURE_CHAPTER))
    bare = {"output_type": "display_data", "metadata": {},
            "data": {"image/png": PNG, "text/plain": "<Figure size 640x360 with 1 Axes>"}}
    with pytest.raises(ValueError, match=r"ch: a figure \('<Figure size 640x360 with 1 Axes>'\) has no description "
                                         r"in 'zh'; show it with nnlit.book.figure"):
        chapters.render(chapter, [[bare]], "ch", "Download", "zh")
