"""nnlit.symbolic on its own: every derivation is checked step by step, and a false step is refused."""

from __future__ import annotations

import time

import pytest
import sympy as sp

from nnlit.symbolic import ACTIVATIONS, DERIVATIONS, LOSSES, DerivationError, derivation
from nnlit.symbolic.core import Dot, Plus, Step, Times, chain, derive, explicit, label, prove_equal, sigma, to_latex

z = sp.Symbol("z", real=True)


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_every_derivation_is_checked_and_printable(name):
    d = derivation(name)                       # raises DerivationError if a step does not hold
    assert d.name == name and d.group == DERIVATIONS[name][0]
    assert d.steps and d.result
    tex = d.latex()
    assert tex.startswith(r"\begin{aligned}") and tex.endswith(r"\end{aligned}")
    assert r"\text" not in tex and "otherwise" not in tex and r"\tag" not in tex   # math only, both languages
    assert d.pretty().strip()


@pytest.mark.parametrize("name", sorted(n for n in ACTIVATIONS if n != "softmax"))
def test_textbook_form_is_proven_equal_to_the_raw_derivative(name):
    a = ACTIVATIONS[name]
    assert prove_equal(a.textbook, a.derivative, var=z)
    assert not prove_equal(a.textbook + 1, a.derivative, var=z)


def test_softmax_jacobian_is_diag_minus_outer():
    a = ACTIVATIONS["softmax"]
    assert prove_equal(a.derivative, a.textbook)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_textbook_gradient_is_proven(name):
    loss = LOSSES[name]
    var = loss.wrt[0] if loss.kink is not None else None
    for textbook, raw in zip(loss.textbook, loss.gradient):
        assert prove_equal(textbook, raw, var, loss.cases)
        assert not prove_equal(textbook + loss.wrt[0], raw, var, loss.cases)


def test_the_derivatives_other_derivations_reuse_are_the_proven_ones():
    """sigma's derivative (used by diff in backprop) is the sigmoid derivation's result."""
    x = sp.Symbol("x", real=True)
    assert prove_equal(sigma.derivative(x), sp.diff(sigma.definition(x), x))
    result = derivation("sigmoid").result[0].rhs
    assert prove_equal(result, sigma.derivative(z))
    from nnlit.symbolic.core import Phi, phi
    assert prove_equal(Phi.derivative(x), sp.diff(Phi.definition(x), x))
    assert prove_equal(phi.derivative(x), sp.diff(phi.definition(x), x))


# -- a false step is refused -------------------------------------------------------------------------------


def test_a_false_equality_is_refused():
    with pytest.raises(DerivationError, match="line 2"):
        derive("wrong", "test", chain(sigma(z), 1 / (1 + sp.exp(-z)), 1 / (1 + sp.exp(z))))


def test_a_false_textbook_derivative_is_refused():
    from nnlit.symbolic.activations import Activation, relu
    wrong = Activation("relu", relu, textbook=sp.Piecewise((1, z > 0), (1, True)), kinks=(0,))
    with pytest.raises(DerivationError):
        wrong.derivation()
    wrong = Activation("sigmoid", sigma, textbook=Times(sigma(z), 1 + sigma(z)))
    with pytest.raises(DerivationError):
        wrong.derivation()


def test_piecewise_equality_is_checked_on_both_sides_of_the_kink():
    left = sp.Piecewise((1, z > 0), (0, True))
    assert prove_equal(sp.Heaviside(z), left, var=z)            # equal except at the kink itself
    assert not prove_equal(sp.Heaviside(z), sp.Piecewise((1, z > 0), (1, True)), var=z)
    assert not prove_equal(sp.Heaviside(z), sp.Piecewise((1, z > 1), (0, True)), var=z)   # two kinks
    assert prove_equal(sp.Heaviside(z) + sp.Heaviside(z - 1), sp.Piecewise((0, z < 0), (1, z < 1), (2, True)), var=z)
    with pytest.raises(ValueError):
        prove_equal(sp.Heaviside(z), sp.Piecewise((1, z > 1), (0, True)))   # no variable to split on


def test_wrong_orders_and_sums_are_refused():
    from nnlit.symbolic import gradcheck
    from nnlit.symbolic.gradcheck import D, J, eps, equal_to_order, theta
    quotient = (J(theta + eps) - J(theta - eps)) / (2 * eps)
    assert equal_to_order(quotient - D(1), sp.O(eps**2))
    assert not equal_to_order(quotient - D(1), sp.O(eps**3))
    assert not equal_to_order((J(theta + eps) - J(theta)) / eps - D(1), sp.O(eps**2))
    assert gradcheck.DERIVATIONS
    from nnlit.symbolic.descent import by_induction
    t, beta, g = sp.Symbol("t", integer=True, nonnegative=True), sp.Symbol("beta_1", positive=True), sp.Symbol("g")
    k = sp.Symbol("k", integer=True, positive=True)
    closed = (1 - beta) * sp.Sum(beta**(t - k) * g, (k, 1, t))
    assert by_induction(t, beta)(closed, (1 - beta**t) * g)
    assert not by_induction(t, beta)(closed, (1 - beta**(t + 1)) * g)


def test_a_wrong_likelihood_step_is_refused():
    from nnlit.symbolic.likelihood import ArgMax, ArgMin, sign_flip
    L = label("L", sp.Symbol("q", positive=True))
    m = sp.Symbol("m", positive=True)
    assert sign_flip(ArgMax(sp.log(L)), ArgMin(-sp.log(L) / m))
    assert not sign_flip(ArgMax(sp.log(L)), ArgMin(sp.log(L) / m))


def test_a_wrong_matrix_form_is_refused():
    from nnlit.symbolic.backprop import matrix_claim
    W = sp.Matrix(2, 2, sp.symbols("a b c d"))
    Ws = sp.MatrixSymbol("W", 2, 2)
    assert matrix_claim({Ws: W})(W.T, Ws.T)
    assert not matrix_claim({Ws: W})(W, Ws.T)


def test_sympy_stats_is_bounded_in_time():
    from nnlit.symbolic.initialization import bounded
    start = time.perf_counter()
    with pytest.raises(TimeoutError):
        with bounded(1):           # the limit is on CPU seconds: spin, as a runaway integral does
            while True:
                sum(range(10_000))
    assert time.perf_counter() - start < 3


# -- printing is faithful -------------------------------------------------------------------------------------


def test_ordered_sums_and_products_print_with_their_parentheses():
    a, b, c = sp.symbols("a b c", real=True)
    assert to_latex(-Plus(a, b)) == r"- \left(a + b\right)"
    assert to_latex(Plus(a, -b)) == "a - b"
    assert to_latex(Times(a, Plus(b, c))) == r"a \left(b + c\right)"
    assert to_latex(Plus(a, b) / c) == r"\frac{a + b}{c}"
    assert to_latex(sp.Sum(Plus(a, b), (c, 1, 3))) == r"\sum_{c=1}^{3} \left(a + b\right)"
    assert to_latex(sp.Derivative(Times(z, sigma(z)), z)) == r"\frac{d}{d z} \left(z \sigma\left(z\right)\right)"
    assert to_latex(Dot(2, a)) == r"2 \cdot a"
    assert to_latex(sp.Piecewise((1, z > 0), (0, True))) == r"\begin{cases} 1 & z > 0 \\ 0 & z \leq 0 \end{cases}"
    for expr in (-Plus(a, b), Times(a, Plus(b, c)), Plus(a, -b) / c):
        assert prove_equal(expr, explicit(expr))


def test_the_symbolic_and_numeric_registries_hold_the_same_names():
    from nnlit import activations, losses

    assert set(ACTIVATIONS) == set(activations.ACTIVATIONS), "an activation is defined on one side only"
    assert set(LOSSES) == set(losses.LOSSES), "a loss is defined on one side only"
    for name in [*ACTIVATIONS, *LOSSES]:
        assert name in DERIVATIONS, f"{name!r} has no derivation (a page could not include its formula)"


def test_step_check_uses_the_left_side_of_a_chain():
    steps = chain(z, Plus(z, 0), Times(2, z) / 2)
    assert [s.lhs for s in steps] == [z, None]
    assert prove_equal(derive("ok", "test", steps).result[0].rhs, z)
    assert Step(z, z).holds(z)


def test_the_likelihood_check_compares_sums_term_by_term_and_refuses_a_wrong_step():
    """positive_log_equal keeps each sum over the examples a sum (no closed-form search)
    and still tells a right log-likelihood step from a wrong one."""
    import sympy as sp

    from nnlit.symbolic import likelihood as lk

    y_i, mu_i, v_i = lk.yv[lk.i], lk.muv[lk.i], lk.vv[lk.i]
    density, its_log = lk._normal(y_i, mu_i, v_i), lk._normal_log(y_i, mu_i, v_i)
    over_examples = lambda e: sp.Sum(e, (lk.i, 1, lk.m))  # noqa: E731
    assert lk.positive_log_equal(sp.log(density), its_log)
    assert not lk.positive_log_equal(sp.log(density), its_log + 1)
    assert lk.positive_log_equal(over_examples(sp.log(density)), over_examples(its_log))
    assert lk.positive_log_equal(over_examples(sp.log(density)),
                                 over_examples(its_log - y_i) + over_examples(y_i))
    assert not lk.positive_log_equal(over_examples(sp.log(density)), over_examples(its_log) + lk.m)
    assert not lk.positive_log_equal(over_examples(sp.log(density)), over_examples(its_log + y_i / v_i))


def test_relu_moments_by_the_half_line_agree_with_sympy_stats_own_integral():
    """initialization._stats takes E[max(0, Z)^p] over Z > 0; it is the same number."""
    import sympy as sp
    from sympy import stats

    from nnlit.symbolic.initialization import _stats

    s = sp.Symbol("s", positive=True)
    Z = stats.Normal("Z", 0, s)
    for p in (1, 2):
        assert sp.simplify(_stats("E", sp.Max(0, Z) ** p) - stats.E(sp.Max(0, Z) ** p)) == 0
    assert _stats("E", sp.Max(0, Z) ** 2) == s**2 / 2 and _stats("E", sp.Max(0, Z) ** 2) != s**2


# -- the one-line consequences the chapters used to type: each check refuses the slip a reader might make ------


def _refused(name: str, line: int, wrong) -> bool:
    """Whether line ``line`` (1-based) of derivation ``name`` would refuse ``wrong`` as its right-hand side."""
    d = derivation(name)
    step = d.steps[line - 1]
    left = step.lhs if step.lhs is not None else d.steps[line - 2].rhs
    assert step.holds(left)
    return not Step(step.lhs, wrong, step.rel, step.check, step.var, step.cases, step.where, step.given).holds(left)


def test_the_bias_column_refuses_a_wrong_sign_or_a_transposed_weight():
    Wa, bias = derivation("bias_column").steps[-1].rhs.args
    W, a = Wa.args
    assert _refused("bias_column", 4, sp.MatAdd(Wa, -bias))
    assert _refused("bias_column", 4, sp.MatMul(W, a))


def test_the_correct_label_cases_refuse_swapped_probabilities():
    d = derivation("bce_cases")
    y, p = sp.Symbol("y", real=True), sp.Symbol("p", positive=True)
    yhat = sp.Symbol("yhat", positive=True)
    swapped = Step(d.steps[-1].lhs, -sp.log(p), cases=({y: 1, p: 1 - yhat}, {y: 0, p: yhat}))
    assert d.steps[-1].holds(d.steps[-1].lhs) and not swapped.holds(swapped.lhs)
    assert _refused("bce_cases", 2, -sp.log(1 - yhat))


def test_a_one_hot_label_selects_the_correct_class_and_no_other():
    k, c = sp.Symbol("k", integer=True, positive=True), sp.Symbol("c", integer=True, positive=True)
    yhat = sp.IndexedBase("yhat", positive=True)
    a = sp.IndexedBase("a", positive=True)
    assert _refused("cce_one_hot", 2, -sp.log(yhat[1]))           # always the first class
    assert _refused("cce_one_hot", 2, sp.log(yhat[c]))            # the sign lost
    assert _refused("categorical_one_hot", 2, a[1])
    assert _refused("categorical_one_hot", 2, 1 - a[c])


def test_the_decision_boundary_refuses_the_wrong_half_plane():
    z = sp.Symbol("z", real=True)
    assert _refused("decision_boundary", 4, z < 0)
    assert _refused("decision_boundary", 3, sp.exp(-z) > 1)
    assert _refused("decision_boundary", 5, sp.Eq(z, sp.Rational(1, 2)))


def test_the_parameter_count_refuses_forgotten_biases():
    n_x, n_h, n_y = (sp.Symbol(n, integer=True, positive=True) for n in ("n_x", "n_h", "n_y"))
    assert _refused("parameter_count", 2, n_h * n_x + n_y * n_h)
    assert _refused("parameter_count", 2, n_h * (n_x + 1) + n_y * n_h)
    assert derivation("parameter_count").values["count"].subs({n_x: 2, n_h: 4, n_y: 1}) == 17


def test_the_negative_log_likelihood_keeps_its_sign():
    d = derivation("nll_cost")
    last = d.steps[-1]
    assert _refused("nll_cost", len(d.steps), -last.rhs)
