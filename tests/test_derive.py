"""``python -m nnlit derive``: the committed fragments are fresh, well formed, KaTeX-valid and deterministic."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlit import derive

ROOT = Path(__file__).resolve().parent.parent
OUT = derive.OUT                                   # nnlit/derivations, the package data
DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    """Every fragment derived now, in this process (SymPy checks each step again)."""
    return derive.fragments(jobs=1)


def test_committed_fragments_are_up_to_date(fresh):
    problems = derive.compare(fresh, OUT, complete=True)
    assert problems == {"stale": [], "missing": [], "extra": []}, (
        f"nnlit/derivations is out of date, run `python -m nnlit derive`: {problems}")


def test_check_command_passes_in_a_fresh_process_with_another_hash_seed():
    """The CLI, as CI runs it; a different PYTHONHASHSEED proves the output does not depend on set order."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-m", "nnlit", "derive", "--check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_check_names_stale_missing_and_extra_files_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "derivations"
    shutil.copytree(OUT, out)
    (out / "activations" / "sigmoid.md").write_text("edited by hand\n")
    (out / "losses" / "mse.result.md").unlink()
    (out / "losses" / "old.md").write_text("left over\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert derive.main(["--check", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "stale: " in printed and "activations/sigmoid.md" in printed
    assert "missing: " in printed and "losses/mse.result.md" in printed
    assert "extra: " in printed and "losses/old.md" in printed
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_writing_repairs_everything_and_is_idempotent(tmp_path, capsys):
    out = tmp_path / "derivations"
    shutil.copytree(OUT, out)
    (out / "activations" / "sigmoid.md").write_text("edited by hand\n")
    (out / "losses" / "old.md").write_text("left over\n")
    assert derive.main(["--out", str(out)]) == 0
    assert "2 changed" in capsys.readouterr().out
    assert derive.main(["--check", "--out", str(out)]) == 0
    assert derive.main(["--out", str(out)]) == 0
    assert "0 changed" in capsys.readouterr().out


def test_one_derivation_is_shown_in_the_terminal_and_nothing_is_written(tmp_path, capsys):
    out = tmp_path / "derivations"
    assert derive.main(["sigmoid", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("activations/sigmoid") and "σ(z)" in shown and "=" in shown
    assert not out.exists()
    assert derive.main(["sigmoid", "--latex", "--out", str(out)]) == 0
    assert r"\sigma\left(z\right)" in capsys.readouterr().out


def test_one_derivation_can_be_written(tmp_path):
    out = tmp_path / "derivations"
    assert derive.main(["tanh", "--write", "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["activations/tanh.md", "activations/tanh.result.md", "index.json"]
    assert derive.main(["tanh", "--check", "--out", str(out)]) == 0


def test_unknown_names_and_the_list(capsys):
    assert derive.main(["no_such_thing"]) == 2
    assert "unknown derivation" in capsys.readouterr().err
    assert derive.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert "activations: " in listed and "sigmoid" in listed and "likelihood: " in listed


def test_importing_the_command_does_not_import_sympy():
    code = "import sys, nnlit.derive, nnlit.__main__; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the fragments themselves ---------------------------------------------------------------------------------


def test_index_lists_every_fragment_and_only_those(fresh):
    index = json.loads(fresh["index.json"])
    listed = {e["steps"] for e in index["derivations"]} | {e["result"] for e in index["derivations"]}
    assert listed | {"index.json", *derive.NOTATION.values()} == set(fresh)
    names = [e["name"] for e in index["derivations"]]
    assert len(names) == len(set(names))
    for entry in index["derivations"]:
        assert (ROOT / entry["source"]).is_file()
        assert entry["steps"] == f"{entry['group']}/{entry['name']}.md"


def test_fragments_are_math_only_and_well_formed(fresh):
    for path, text in fresh.items():
        if path == "index.json" or path in derive.NOTATION.values():
            continue
        name = Path(path).name.split(".")[0]
        header, blank, *body = text.split("\n")
        assert header.startswith(f"<!-- Generated by `python -m nnlit derive {name}`") and header.endswith("-->")
        assert blank == ""
        assert text.endswith("$$\n") and text.count("$$\n") == 2, path
        blocks = DISPLAY.findall(text)
        assert len(blocks) == 1, path
        tex = blocks[0]
        assert "\n\n" not in tex and tex.startswith(r"\begin{aligned}"), path    # no blank line ends a block early
        for forbidden in (r"\text", r"\displaystyle", r"\label", "otherwise", r"\mathrm{for}"):
            assert forbidden not in tex, f"{path} contains {forbidden}"
        tags = re.findall(r"\\tag\{([^}]*)\}", tex)
        numbered = path == f"{Path(path).parent.as_posix()}/{name}.md" and name in derive.TAGS
        assert tags == ([derive.TAGS[name]] if numbered else []), f"{path}: tags {tags}"
        assert not tags or tex.endswith(r"\end{aligned} \tag{" + tags[0] + "}"), path
        assert not re.search(r"[\u4e00-\u9fff]|\b(the|for|where|and)\b", tex.replace(r"\operatorname", "")), path


def test_fragments_render_with_katex(fresh):
    """Every display block typesets with the KaTeX the site serves, in strict mode."""
    katex = ROOT / "node_modules" / "katex"
    node = shutil.which("node")
    if node is None or not katex.is_dir():
        pytest.skip("node and node_modules/katex are needed (make setup installs them)")
    blocks = {f"{path}#{k}": tex for path, text in fresh.items() if path.endswith(".md")
              for k, tex in enumerate(DISPLAY.findall(text))}
    script = (
        "const katex = require(process.argv[1]); let bad = [];"
        "const blocks = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "for (const [name, tex] of Object.entries(blocks)) {"
        "  try { katex.renderToString(tex, {displayMode: true, throwOnError: true, strict: 'error'}); }"
        "  catch (e) { bad.push(name + ': ' + e.message); } }"
        "console.log(JSON.stringify(bad));")
    result = subprocess.run([node, "-e", script, str(katex)], input=json.dumps(blocks), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    # and the check can fail
    broken = subprocess.run([node, "-e", script, str(katex)], input=json.dumps({"x": r"\begin{aligned} a &= \frac{1}"}),
                            capture_output=True, text=True, timeout=60)
    assert json.loads(broken.stdout) != []


def test_fragments_survive_the_sites_markdown(fresh):
    """Included with pymdownx.snippets (also inside an admonition), each block becomes one arithmatex div."""
    import html

    import markdown
    for path, text in fresh.items():
        if not path.endswith(".md"):
            continue
        md = markdown.Markdown(extensions=["pymdownx.snippets", "pymdownx.arithmatex", "admonition"],
                               extension_configs={"pymdownx.snippets": {"base_path": [str(ROOT / "nnlit")],
                                                                        "check_paths": True},
                                                  "pymdownx.arithmatex": {"generic": True}})
        page = f'Before.\n\n--8<-- "derivations/{path}"\n\nAfter.\n\n!!! note\n\n    --8<-- "derivations/{path}"\n'
        out = md.convert(page)
        math = re.findall(r'<div class="arithmatex">\\\[\n(.*?)\n\\\]</div>', out, re.S)
        assert [html.unescape(m) for m in math] == DISPLAY.findall(text) * 2, path
        assert "<p>Before.</p>" in out and "<p>After.</p>" in out


def test_every_include_in_the_chapters_exists():
    include = re.compile(r'^\s*--8<--\s+"(derivations/[^"]+)"\s*$', re.M)
    for page in sorted((ROOT / "docs").glob("*/*.md")):
        for target in include.findall(page.read_text(encoding="utf-8")):
            assert (ROOT / "nnlit" / target).is_file(), f"{page.relative_to(ROOT)} includes missing {target}"
