"""The notation table is the one source of the derivations' symbols, and no letter means two things in one place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from nnlit.symbolic import DERIVATIONS, derivation, notation
from nnlit.symbolic.core import DisplayFunction, Step, sigma

ROOT = Path(__file__).resolve().parent.parent
SYMBOLIC = ROOT / "nnlit" / "symbolic"
PLACES = {group for group, _ in DERIVATIONS.values()} | set(DERIVATIONS)


# -- the table itself ------------------------------------------------------------------------------------------


def test_each_letter_has_one_book_wide_meaning_and_local_meanings_do_not_overlap():
    by_stem: dict[str, list[notation.Entry]] = {}
    for entry in notation.ENTRIES:
        by_stem.setdefault(entry.stem, []).append(entry)
    for stem, entries in by_stem.items():
        assert sum(1 for e in entries if not e.scope) <= 1, f"{stem!r} has two book-wide meanings"
        scopes = [s for e in entries for s in e.scope]
        assert len(scopes) == len(set(scopes)), f"{stem!r} has two local meanings in one place: {scopes}"


def test_every_entry_is_explained_in_both_languages_and_scoped_to_real_places():
    for entry in notation.ENTRIES:
        assert entry.en.strip() and entry.zh.strip() and entry.tex.strip(), entry
        assert re.search(r"[\u4e00-\u9fff]", entry.zh), f"{entry.stem}: the Chinese meaning is not Chinese"
        assert set(entry.scope) <= PLACES, f"{entry.stem}: unknown scope {set(entry.scope) - PLACES}"


def test_the_factories_refuse_a_symbol_that_is_not_in_the_table():
    assert notation.symbol("alpha", positive=True) == sp.Symbol("alpha", positive=True)
    assert notation.symbols("z_1:3", real=True) == sp.symbols("z_1:3", real=True)
    for make in (lambda: notation.symbol("eta"), lambda: notation.symbols("p eta"),
                 lambda: notation.indexed("gamma"), lambda: notation.matrix("Q", 2, 2)):
        with pytest.raises(KeyError, match="not in the notation table"):
            make()


def test_a_local_meaning_replaces_the_book_wide_one_only_in_its_scope():
    assert notation.meaning("alpha", ("descent", "gradient_descent")).en == "learning rate"
    assert "slope" in notation.meaning("alpha", ("activations", "leaky_relu")).en
    assert "Laplace" in notation.meaning("b", ("likelihood", "mle_laplace")).en
    assert notation.meaning("b_{1}", ("backprop", "dense_layer")).en.startswith("a bias")
    with pytest.raises(KeyError):
        notation.meaning("q", ("backprop", "two_layer"))      # q only means something in `symmetry`


def test_the_modules_make_their_symbols_through_the_table():
    """Only notation.py (and core.py's dummies of its machinery) may call SymPy's symbol constructors."""
    constructor = re.compile(r"\bsp\.(Symbol|symbols|IndexedBase|MatrixSymbol)\(|\bsympy\.(Symbol|symbols)\(")
    for path in sorted(SYMBOLIC.glob("*.py")):
        if path.name in ("notation.py", "core.py"):
            continue
        hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if constructor.search(line)]
        assert hits == [], f"{path.relative_to(ROOT)} makes symbols itself on lines {hits}; use nnlit.symbolic.notation"


# -- every derivation against the table -------------------------------------------------------------------------


def _expressions(d):
    for step in d.steps + d.result:
        for side in (step.lhs, step.rhs, step.given):
            if side is not None and not isinstance(side, str):
                yield sp.sympify(side)


FUNCTION_ENTRIES = {"sigma": "sigma()", "g": "g()", "gprime": "g()", "J": "J()", "p": "p()"}


def meanings(d) -> dict[str, set[notation.Entry]]:
    """Each printed letter of derivation ``d`` and the table entries it stands for there."""
    where = (d.group, d.name)
    found: dict[str, set[notation.Entry]] = {}
    for expr in _expressions(d):
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Indexed):
                continue                                        # its base and indices are visited
            if isinstance(node, (sp.Symbol, sp.MatrixSymbol)) and not isinstance(node, sp.Dummy):
                name = node.name
            elif isinstance(node, sp.IndexedBase):
                name = node.label.name
            elif isinstance(node, sp.core.function.AppliedUndef) or isinstance(node, DisplayFunction):
                key = FUNCTION_ENTRIES.get(type(node).__name__)
                if key is None:
                    continue                                    # a named function (ReLU, tanh): printed by name
                name = key
            else:
                continue
            entry = notation.meaning(name, where)
            found.setdefault(entry.tex, set()).add(entry)
    return found


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_every_symbol_of_the_derivation_is_in_the_table_with_one_meaning(name):
    d = derivation(name)
    try:
        found = meanings(d)
    except KeyError as error:
        pytest.fail(f"{name}: {error}")
    clashes = {tex: sorted(e.en for e in entries) for tex, entries in found.items() if len(entries) > 1}
    assert clashes == {}, f"{name} uses one letter in two meanings: {clashes}"


def test_a_clash_is_caught():
    """A made-up derivation with the standard deviation σ beside the sigmoid σ(z)."""
    from nnlit.symbolic.core import Derivation
    s, z = notation.symbol("sigma", positive=True), notation.symbol("z", real=True)
    fake = Derivation("mle_gaussian", "likelihood", (Step(sigma(z), s),), ())
    found = meanings(fake)
    assert len(found[r"\sigma"]) == 2
    with pytest.raises(KeyError):
        meanings(Derivation("he", "initialization", (Step(notation.symbol("q"), 0),), ()))


def test_the_notation_fragments_are_the_table():
    from nnlit import derive
    for language, path in derive.NOTATION.items():
        text = (ROOT / "nnlit" / "derivations" / path).read_text(encoding="utf-8")
        assert text.endswith(notation.markdown_table(language))
        rows = [line for line in text.splitlines() if line.startswith("| $")]
        assert len(rows) == len(notation.ENTRIES)
