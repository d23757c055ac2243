r"""Two facts chapter 7 uses about the networks it trains.

A sigmoid unit predicts 1 exactly where its weighted sum is positive, so its decision
boundary is the line where that sum is zero (7.5); and a two-layer network of
:math:`n_x` inputs, :math:`n_h` hidden units and :math:`n_y` outputs has
:math:`n_h (n_x + 1) + n_y (n_h + 1)` parameters (7.6), counted from the book's shapes.
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from . import notation
from .backprop import TwoLayer
from .core import Plus, Step, chain, derive, explicit, label, sigma

GROUP = "training"

IFF = r"\Longleftrightarrow"


def _same_solutions(z):
    """A check that two relations in ``z`` hold for exactly the same real ``z``."""
    @functools.cache
    def solutions(relation):          # each line's relation is solved once, as the right and then the left side
        return sp.solveset(explicit(relation), z, sp.S.Reals)

    def check(left, right) -> bool:
        return solutions(left) == solutions(right)
    return check


def _with(z, weighted):
    """A check that ``left`` becomes ``right`` once ``z`` is written as the weighted sum."""
    def check(left, right) -> bool:
        left, right = explicit(left).subs(z, explicit(weighted)), explicit(right)
        return type(left) is type(right) and sp.expand((left.lhs - left.rhs) - (right.lhs - right.rhs)) == 0
    return check


def decision_boundary():
    r"""(7.5): :math:`\sigma(z) > \frac12` exactly when :math:`z > 0`, so a unit's boundary is :math:`w_1 x_1 + w_2 x_2 + b = 0`."""
    z = notation.symbol("z", real=True)
    w1, w2, x1, x2, b = notation.symbols("w_1 w_2 x_1 x_2 b", real=True)
    weighted = Plus(w1 * x1, w2 * x2, b)
    half = sp.Rational(1, 2)
    same = _same_solutions(z)
    lines = chain(sigma(z) > half, 1 / (1 + sp.exp(-z)) > half, 1 + sp.exp(-z) < 2, sp.exp(-z) < 1, z > 0,
                  rel=IFF, check=same)
    lines[1] = Step(None, lines[1].rhs, rel=IFF, check=same, given=r"1 + e^{-z} > 0")   # reciprocals of positives
    lines += chain(sp.Eq(sigma(z), half), sp.Eq(z, 0), rel=IFF, check=same)
    lines.append(Step(None, sp.Eq(weighted, 0), rel=IFF, check=_with(z, weighted), given=sp.Eq(z, weighted)))
    return derive("decision_boundary", GROUP, lines, Step(sigma(z) > half, z > 0, rel=IFF, check=same))


def _entries(shape) -> sp.Expr:
    rows, cols = shape
    return rows * cols


def parameter_count():
    r"""(7.6): the parameters of a two-layer network, counted from the book's shapes,
    :math:`W^{[l]}` of :math:`(n^{[l]}, n^{[l-1]})` and :math:`b^{[l]}` of :math:`(n^{[l]}, 1)`."""
    n_x, n_h, n_y = (notation.symbol(name, integer=True, positive=True) for name in ("n_x", "n_h", "n_y"))
    W1, b1 = notation.matrix("W^{[1]}", n_h, n_x), notation.matrix("b^{[1]}", n_h, 1)
    W2, b2 = notation.matrix("W^{[2]}", n_y, n_h), notation.matrix("b^{[2]}", n_y, 1)
    shapes = [M.shape for M in (W1, b1, W2, b2)]
    count = sp.Add(*(_entries(shape) for shape in shapes))
    theta_count = label(r"\#\theta", count, "#θ")
    terms = (n_h * n_x, n_h, n_y * n_h, n_y)
    by_matrix = label(" + ".join(rf"\underbrace{{{tex}}}_{{{name}}}" for tex, name in
                                 zip((r"n_h n_x", "n_h", r"n_y n_h", "n_y"), (r"W^{[1]}", r"b^{[1]}", r"W^{[2]}", r"b^{[2]}"))),
                      sp.Add(*terms), "n_h n_x + n_h + n_y n_h + n_y")
    factored = Plus(n_h * Plus(n_x, 1), n_y * Plus(n_h, 1))

    def as_the_network_has(left, right) -> bool:
        # the book's symbolic two-layer network (n_y = 1) has exactly this many entries, for small sizes
        built = (TwoLayer(n_x=nx, n_h=nh, m=1) for nx, nh in itertools.product(range(1, 4), range(1, 4)))
        return all(sum(len(M) for M in (net.W1, net.b1, net.W2, net.b2))
                   == explicit(right).subs({n_x: net.n_x, n_h: net.n_h, n_y: 1}) for net in built)

    def counted(left, right) -> bool:
        return sp.expand(explicit(left) - explicit(right)) == 0 and as_the_network_has(left, right)

    lines = chain(theta_count, by_matrix)
    lines.append(Step(None, factored, check=counted))
    result = Step(theta_count, factored, check=counted)
    return derive("parameter_count", GROUP, lines, result, count=explicit(factored), n=(n_x, n_h, n_y))


DERIVATIONS = {"decision_boundary": decision_boundary, "parameter_count": parameter_count}
