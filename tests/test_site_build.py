"""The site builds strictly, runs its code, and loads nothing from outside."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.site

EXTERNAL_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b(?=[^>]*\brel\s*=\s*["']?(?:stylesheet|preload|modulepreload|icon|manifest))"""
    r"""[^>]*\bhref\s*=\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)
EXTERNAL_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.IGNORECASE)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_both_editions_have_the_same_pages(built_site):
    zh = {p.relative_to(built_site) for p in html_pages(built_site) if "en" not in p.relative_to(built_site).parts[:1]}
    en = {p.relative_to(built_site / "en") for p in html_pages(built_site / "en")}
    assert zh == en, f"only in zh: {sorted(map(str, zh - en))}; only in en: {sorted(map(str, en - zh))}"


def test_no_asset_loads_from_outside(built_site):
    offenders = []
    for page in html_pages(built_site):
        for match in EXTERNAL_ASSET.finditer(page.read_text(encoding="utf-8")):
            offenders.append(f"{page.relative_to(built_site)}: {match.group(0)[:120]}")
    for sheet in built_site.rglob("*.css"):
        for match in EXTERNAL_CSS.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{sheet.relative_to(built_site)}: {match.group(0)}")
    assert not offenders, "assets loaded from outside the site:\n" + "\n".join(offenders)


def test_the_external_asset_scan_can_fail():
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example.org/x.js"></script>')
    assert EXTERNAL_ASSET.search("<link rel='stylesheet' href='//fonts.example.org/a.css'>")
    assert not EXTERNAL_ASSET.search('<a href="https://example.org">a link is fine</a>')
    assert EXTERNAL_CSS.search("@font-face{src:url(https://fonts.example.org/a.woff2)}")


@pytest.mark.parametrize("lang", ["", "en"])
def test_demo_page_shows_real_output(built_site, lang):
    html = (built_site / lang / "demo" / "index.html").read_text(encoding="utf-8")
    # sigma at -4, -1, 0, 1, 4 rounded to 4 places, as numpy prints it
    assert "[0.018  0.2689 0.5    0.7311 0.982 ]" in html
    assert "0.7311" in re.sub(r"<pre.*?</pre>", "", html, flags=re.S), "inline value missing from prose"
    assert "{{" not in html
    figure = re.search(r'<img[^>]*src="([^"]+\.png)"', html)
    assert figure, "the demo figure is missing"
    png = (built_site / lang / "demo" / figure.group(1)).resolve()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("lang", ["", "en"])
def test_demo_notebook_downloads_with_outputs(built_site, lang):
    notebook = json.loads((built_site / lang / "demo.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert any(o.get("output_type") == "stream" for c in code for o in c["outputs"])
    markdown = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "0.7311" in markdown and "{{" not in markdown


def test_no_edit_link_without_a_repository(built_site, monkeypatch):
    from booktools import hooks

    if hooks._git_remote_url() or __import__("os").environ.get("NNLIT_REPO_URL"):
        pytest.skip("this checkout has a GitHub remote or NNLIT_REPO_URL is set")
    html = (built_site / "demo" / "index.html").read_text(encoding="utf-8")
    assert "md-content__button" not in html, "an edit link is shown with no repository configured"


def test_edit_links_and_the_print_page_of_a_published_build(tmp_path):
    """`make site` publishes with NNLIT_REPO_URL and NNLIT_PRINT_PAGE set."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, NNLIT_REPO_URL="https://github.com/example/nnlit", NNLIT_PRINT_PAGE="true")
    subprocess.run([sys.executable, "-m", "booktools", "build", "--gates", "none", "--only", "demo.md",
                    "--site-dir", str(tmp_path / "site")], cwd=Path(__file__).parent.parent,
                   env=env, check=True, capture_output=True)
    zh = (tmp_path / "site" / "demo" / "index.html").read_text(encoding="utf-8")
    en = (tmp_path / "site" / "en" / "demo" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/nnlit/edit/main/docs/zh/demo.md"' in zh
    assert 'href="https://github.com/example/nnlit/edit/main/docs/en/demo.md"' in en
    assert 'href="https://github.com/example/nnlit"' in zh  # the header's source link
    for edition in ("", "en"):
        assert (tmp_path / "site" / edition / "print_page" / "index.html").is_file()


def test_a_rebuild_with_no_change_executes_nothing(built_site, tmp_path):
    """The session's build filled the cache; building again must run no kernel."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "booktools", "build", "--gates", "none",
                             "--site-dir", str(tmp_path / "site")],
                            cwd=Path(__file__).parent.parent, capture_output=True, text=True, check=True)
    assert "Executing notebook" not in result.stdout + result.stderr
