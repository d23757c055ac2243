"""The book's build machinery: cache keys, rendering of executed chapters, language links."""

from __future__ import annotations

import json
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
    (tmp_path / "nnlit" / "derivations").mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "requirements.lock", tmp_path / "requirements.lock")
    before = execute.environment_digest(tmp_path)
    (tmp_path / "nnlit" / "book.py").write_text("# edited\n", encoding="utf-8")
    after_package = execute.environment_digest(tmp_path)
    (tmp_path / "nnlit" / "derivations" / "new.md").write_text("$$x$$\n", encoding="utf-8")
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
    assert editions_affected({ROOT / "nnlit/derivations/x.md"}) == ["zh", "en"]


def test_a_shell_fence_in_a_chapter_is_refused_not_run(tmp_path):
    with pytest.raises(ValueError, match="%%bash cell"):
        chapters.Chapter.read(write(tmp_path, CHAPTER + "\n```bash\nmake derive\n```\n"))


def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(Path(execute.ROOT) / "nnlit", tmp_path / "nnlit", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("import inspect\n", "import inspect  # a comment\n\n\n"),
    lambda s: s.replace('"""Text that Jupyter', '"""Reworded: text that Jupyter'),
    lambda s: s + "\n# a closing comment\n",
], ids=["comment and blank lines", "docstring", "trailing comment"])
def test_an_edit_that_changes_no_code_that_runs_keeps_every_chapter_cached(tmp_path, edit):
    root = package_copy(tmp_path)
    before = execute.environment_digest(root)
    book = root / "nnlit" / "book.py"
    edited = edit(book.read_text(encoding="utf-8"))
    assert edited != book.read_text(encoding="utf-8")
    book.write_text(edited, encoding="utf-8")
    assert execute.environment_digest(root) == before


def test_a_real_package_edit_changes_the_key(tmp_path):
    root = package_copy(tmp_path)
    before = execute.environment_digest(root)
    book = root / "nnlit" / "book.py"
    book.write_text(book.read_text(encoding="utf-8").replace('floatfmt: str = ".4g"', 'floatfmt: str = ".3g"'),
                    encoding="utf-8")
    assert execute.environment_digest(root) != before
    (root / "nnlit" / "data.json").write_text("{}", encoding="utf-8")  # non-Python files count as bytes
    assert len({before, execute.environment_digest(root)}) == 2


def test_a_source_listing_shows_the_current_comments_without_re_running(tmp_path):
    from booktools import sources
    from nnlit import book

    listed = tmp_path / "pkg" / "listed.py"
    listed.parent.mkdir()
    listed.write_text("class K:\n    @staticmethod\n    def f():\n        return 1  # old comment\n",
                      encoding="utf-8")
    data = {"text/markdown": "stale", book.Source.MIME: {"module": "pkg.listed", "qualname": "K.f"}}
    outputs = [[{"output_type": "execute_result", "data": data, "metadata": {}}]]
    fresh = sources.refresh(outputs, root=tmp_path)
    assert fresh[0][0]["data"]["text/markdown"] == (
        '```python title="pkg.listed"\n    @staticmethod\n    def f():\n        return 1  # old comment\n```')
    assert outputs[0][0]["data"]["text/markdown"] == "stale"  # the cached outputs are left alone
    assert sources.SOURCE_MIME == book.Source.MIME


def test_a_source_listing_matches_what_the_kernel_shows():
    import inspect

    from booktools import sources
    from nnlit import book, losses, network

    for obj in (losses.MSE, network.MLP._backward, book.show_source):
        module = inspect.getmodule(obj).__name__
        assert sources.listing(module, sources.source_of(module, obj.__qualname__)) == book.source_markdown(obj)


FAILING = CHAPTER.replace("print(x)", "y = x\n# a comment\nraise ValueError(f'bad value {y}')")


def test_a_failing_cell_is_located_in_the_md_file_with_the_code_around_it(tmp_path):
    from booktools import errors

    path = write(tmp_path, FAILING)
    chapter = chapters.Chapter.read(path)
    failure = execute.CellFailure(label="chapter.md", cell=0, source=chapter.code[0],
                                  exception="ValueError: bad value 42", line=4)
    located = errors.locate(failure, path, chapter, "en", tmp_path)
    lines = FAILING.splitlines()
    assert lines[located.line - 1] == "raise ValueError(f'bad value {y}')"
    block = located.block()
    assert block.splitlines()[0] == f"chapter.md:{located.line}: code cell 1 raised (edition en)"
    assert f"  > {located.line:>5} | raise ValueError" in block
    assert "x = 21 * 2" in block and block.endswith("ValueError: bad value 42")


RUN_FAILING = """
import json
from booktools import execute
try:
    execute.run_code_cells(["x = 1", "y = 2\\n# note\\nraise ValueError('boom')"], "ch.md", "k")
except execute.ChapterExecutionError as error:
    f = error.failure
    print(json.dumps([f.cell, f.line, f.exception, f.traceback]))
"""


def test_a_cell_that_raises_names_its_cell_line_and_exception_without_colour_codes():
    import subprocess
    import sys

    # in a subprocess: the kernel's own stderr (its transport warning) is part of what is checked
    result = subprocess.run([sys.executable, "-c", RUN_FAILING], cwd=execute.ROOT, capture_output=True,
                            text=True, timeout=300)
    cell, line, exception, traceback = json.loads(result.stdout)
    assert (cell, line, exception) == (1, 3, "ValueError: boom")
    assert "\x1b[" not in traceback + exception and "ValueError" in traceback
    assert "without encryption" not in result.stderr, result.stderr


def test_chapters_start_longest_first_by_their_last_run(tmp_path, monkeypatch):
    """Two workers finish together when the long chapter starts first; one never run counts as the longest."""
    monkeypatch.setattr(execute, "CACHE_DIR", tmp_path)
    labels = {"a": "01-a.md", "b": "02-b.md", "c": "sub/03-c.md", "d": "04-d.md", "e": "05-e.md"}
    for key, seconds in (("a", "10.0"), ("b", "155.0"), ("c", "30.5"), ("e", "not a number")):
        execute._seconds_file(labels[key]).write_text(seconds + "\n", encoding="utf-8")
    assert execute.longest_first(list(labels), labels) == ["d", "e", "b", "c", "a"]


def test_a_chapter_run_records_how_long_it_took(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "CACHE_DIR", tmp_path)
    outputs = execute.run_code_cells(["print(6 * 7)"], "tiny.md", "tiny-key")
    assert outputs[0][0]["text"] == "42\n"
    assert 0 < float(execute._seconds_file("tiny.md").read_text(encoding="utf-8")) < 120


def test_link_warnings_name_the_file_and_line(tmp_path):
    from booktools.logs import BookLog

    (tmp_path / "docs" / "zh").mkdir(parents=True)
    (tmp_path / "docs" / "zh" / "03-losses.md").write_text("# T\n\nsee [training](07-trainig.md)\n",
                                                           encoding="utf-8")
    log = BookLog(tmp_path / "docs", tmp_path)
    log.edition = "zh"
    message = log.locate("Doc file '03-losses.md' contains a link '07-trainig.md', but the target is "
                         "not found among documentation files.")
    assert message.startswith("docs/zh/03-losses.md:3: Doc file")


def pages_tree(tmp_path: Path, zh: dict[str, str], en: dict[str, str]) -> Path:
    for lang, files in (("zh", zh), ("en", en)):
        (tmp_path / lang).mkdir(parents=True)
        for name, text in files.items():
            (tmp_path / lang / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_gates_refuse_a_page_in_one_language_only(tmp_path):
    from booktools import gates

    docs = pages_tree(tmp_path, {"a.md": "# A\n"}, {"a.md": "# A\n", "09-new.md": "# New\n"})
    assert gates.check(derivations=False, docs=docs) == [
        "docs/en/09-new.md: no Chinese page docs/zh/09-new.md (its language switch would lead to a 404)"]


def test_the_gates_refuse_a_section_in_one_language_only(tmp_path):
    from booktools import gates

    docs = pages_tree(tmp_path, {"a.md": "# 标题\n\n## 一\n"}, {"a.md": "# Title\n\n## One\n\n## A note on units\n"})
    (problem,) = gates.check(derivations=False, docs=docs)
    assert problem.startswith("docs/{zh,en}/a.md: en has a heading at line 5: ## A note on units — missing in zh")


def test_the_gates_refuse_a_hand_edited_derivation_fragment(tmp_path):
    from booktools import gates
    from nnlit import derive

    out = tmp_path / "derivations"
    shutil.copytree(derive.OUT, out)
    fragment = out / "activations" / "sigmoid.result.md"
    fragment.write_text(fragment.read_text(encoding="utf-8").replace("\\sigma", "\\tau", 1), encoding="utf-8")
    problems = gates.stale_derivations(out=out, names=["sigmoid"])
    assert len(problems) == 1 and "activations/sigmoid.result.md" in problems[0] and "make derive" in problems[0]


def test_a_strict_build_refuses_before_executing_anything_when_a_gate_fails(tmp_path, monkeypatch, capsys):
    import booktools.__main__ as cli
    from booktools import gates

    monkeypatch.setattr(gates, "check", lambda derivations=True: ["docs/en/09-new.md: no Chinese page"])
    monkeypatch.setattr(cli, "build_edition", lambda *a, **k: pytest.fail("built despite a gate"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["build", "--site-dir", str(tmp_path / "site")])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Refusing to build" in err and "docs/en/09-new.md: no Chinese page" in err


def test_a_strict_build_reports_both_editions_link_warnings_then_refuses(tmp_path, monkeypatch, capsys):
    import logging

    import booktools.__main__ as cli

    built = []

    def fake_build(lang, target, serve_url=None, only=None):
        built.append(lang)
        logging.getLogger("mkdocs.structure.pages").warning(
            "Doc file '03-losses.md' contains a link '04-likelihood.md', but the target "
            "'04-likelihood.md' is not found among documentation files.")

    monkeypatch.setattr(cli, "build_edition", fake_build)
    with pytest.raises(SystemExit) as exited:
        cli.main(["build", "--gates", "none", "--site-dir", str(tmp_path / "site")])
    assert exited.value.code == 1 and built == ["zh", "en"]
    err = capsys.readouterr().err
    for lang in ("zh", "en"):
        line = next(n for n, text in enumerate(
            (cli.ROOT / "docs" / lang / "03-losses.md").read_text(encoding="utf-8").splitlines(), 1)
            if "](04-likelihood.md)" in text)
        assert f"docs/{lang}/03-losses.md:{line}: Doc file" in err
    assert "2 warning(s) (zh 1, en 1); warnings are errors in strict builds" in err


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
    assert 'width=1 height=1 data-text-px=12.5 style="min-width: 1px" }' in pages["zh"].markdown
    code = [c for c in pages["zh"].notebook.cells if c.cell_type == "code"]
    assert code[-1].outputs[0]["data"]["text/plain"] == "一个点。"      # the notebook reads in its edition's language
    assert ALT_MIME not in code[-1].outputs[0]["data"]


def test_a_figure_is_never_shown_so_narrow_that_its_text_falls_under_9_px():
    from booktools.figures import size_attrs

    assert size_attrs(640, 360, 13.89) == 'width=640 height=360 data-text-px=13.89 style="min-width: 415px"'
    assert size_attrs(400, 300, 20.0).endswith('style="min-width: 180px"')   # 180 * 20 / 400 = 9 px
    assert size_attrs(300, 200, 6.0).endswith('style="min-width: 300px"')    # never wider than drawn
    assert size_attrs(300, 200, None) == "width=300 height=200"


def test_a_figure_without_a_description_fails_the_build(tmp_path):
    chapter = chapters.Chapter.read(write(tmp_path, FIGURE_CHAPTER))
    bare = {"output_type": "display_data", "metadata": {},
            "data": {"image/png": PNG, "text/plain": "<Figure size 640x360 with 1 Axes>"}}
    with pytest.raises(ValueError, match=r"ch: a figure \('<Figure size 640x360 with 1 Axes>'\) has no description "
                                         r"in 'zh'; show it with nnlit.book.figure"):
        chapters.render(chapter, [[bare]], "ch", "Download", "zh")
