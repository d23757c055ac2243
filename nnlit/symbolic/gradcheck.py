r"""Gradient checking: why the centred difference beats the one-sided one.

Taylor's theorem, as SymPy's ``series``: the one-sided difference quotient is off by
:math:`\frac{\varepsilon}{2} J''(\theta) + O(\varepsilon^2)`, an error of order
:math:`\varepsilon`; in the centred one the even terms cancel, leaving
:math:`\frac{\varepsilon^2}{6} J'''(\theta) + O(\varepsilon^3)`.
"""

from __future__ import annotations

import sympy as sp

from . import notation
from .core import Plus, Step, chain, derive, explicit

GROUP = "gradcheck"

theta = notation.symbol("theta", real=True)
eps = notation.symbol("epsilon", positive=True)
J = sp.Function("J")
ORDER = 6   #: Taylor terms SymPy expands to before comparing


def taylor(expr):
    """``expr`` with every J(θ ± ε) replaced by its Taylor series in ε."""
    expanded = explicit(expr).replace(lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func == J
                            and e.args[0] != theta,
                            lambda e: e.series(eps, 0, ORDER).removeO().doit())
    return expanded


def equal_to_order(left, right) -> bool:
    """``left == right`` up to ``right``'s O(ε^k) term, both expanded by Taylor series."""
    right = explicit(right)
    order = right.getO()
    k = order.expr.as_base_exp()[1] if order is not None else ORDER
    difference = sp.expand(taylor(left) - right.removeO())
    return sp.simplify(sp.series(difference, eps, 0, k).removeO()) == 0


def D(n):
    """The n-th derivative of J at θ."""
    return sp.Derivative(J(theta), (theta, n)) if n else J(theta)


def _series(sign, order):
    """The Taylor polynomial of J(θ + sign·ε), in the order of its terms, with its O(ε^order)."""
    return Plus(*(sp.Integer(sign)**n * eps**n / sp.factorial(n) * D(n) for n in range(order)), sp.O(eps**order))


def forward_difference():
    r"""The one-sided difference :math:`\frac{J(\theta+\varepsilon)-J(\theta)}{\varepsilon} = J'(\theta) + O(\varepsilon)`."""
    quotient = Plus(J(Plus(theta, eps)), -J(theta)) / eps
    lines = chain(J(Plus(theta, eps)), _series(1, 3), check=equal_to_order)
    lines += chain(quotient, Plus(D(1), eps / 2 * D(2), sp.O(eps**2)), check=equal_to_order)
    lines += chain(Plus(quotient, -D(1)), Plus(eps / 2 * D(2), sp.O(eps**2)), sp.O(eps), check=equal_to_order)
    return derive("forward_difference", GROUP, lines, Step(Plus(quotient, -D(1)), sp.O(eps), check=equal_to_order),
                  quotient=quotient, error_order=1)


def centred_difference():
    r"""The centred difference :math:`\frac{J(\theta+\varepsilon)-J(\theta-\varepsilon)}{2\varepsilon} = J'(\theta) + O(\varepsilon^2)`."""
    quotient = Plus(J(Plus(theta, eps)), -J(Plus(theta, -eps))) / (2 * eps)
    lines = chain(J(Plus(theta, eps)), _series(1, 4), check=equal_to_order)
    lines += chain(J(Plus(theta, -eps)), _series(-1, 4), check=equal_to_order)
    lines += chain(quotient, Plus(D(1), eps**2 / 6 * D(3), sp.O(eps**3)), check=equal_to_order)
    lines += chain(Plus(quotient, -D(1)), Plus(eps**2 / 6 * D(3), sp.O(eps**3)), sp.O(eps**2), check=equal_to_order)
    return derive("centred_difference", GROUP, lines, Step(Plus(quotient, -D(1)), sp.O(eps**2), check=equal_to_order),
                  quotient=quotient, error_order=2)


DERIVATIONS = {"forward_difference": forward_difference, "centred_difference": centred_difference}
