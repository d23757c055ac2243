import pytest

from nnlit import book


def test_show_source_is_the_real_source():
    md = book.show_source(book.table)._repr_markdown_()
    assert md.startswith('```python title="nnlit.book"')
    assert "def table(rows" in md and md.rstrip().endswith("```")


def test_table_formats_floats_and_escapes_pipes():
    md = book.table([(0.123456, "a|b")], headers=["x", "y"])._repr_markdown_()
    assert md.splitlines() == ["| x | y |", "|---|---|", r"| 0.1235 | a\|b |"]


def test_sci_writes_powers_of_ten_not_e_notation():
    assert book.sci(4.5e-5) == "4.5 × 10⁻⁵"
    assert book.sci(-1.234e12, digits=2) == "-1.23 × 10¹²"
    assert book.sci(0.0) == "0.0 × 10⁰"


def test_show_source_until_stops_before_the_marked_line():
    md = book.show_source(book.table, until="lines = [")._repr_markdown_()
    assert "def cell(value)" in md and "lines = [" not in md and "    ...\n```" in md
    with pytest.raises(ValueError, match="not in the source"):
        book.show_source(book.table, until="no such line")
