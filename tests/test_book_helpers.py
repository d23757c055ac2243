from nnlit import book


def test_show_source_is_the_real_source():
    md = book.show_source(book.table)._repr_markdown_()
    assert md.startswith('```python title="nnlit.book"')
    assert "def table(rows" in md and md.rstrip().endswith("```")


def test_table_formats_floats_and_escapes_pipes():
    md = book.table([(0.123456, "a|b")], headers=["x", "y"])._repr_markdown_()
    assert md.splitlines() == ["| x | y |", "|---|---|", r"| 0.1235 | a\|b |"]
