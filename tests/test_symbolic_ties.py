"""The symbolic side and the numeric side agree: every backward pass is the derivative SymPy derived.

How the comparisons are made
----------------------------
* **Reference values.** The symbolic derivative is lambdified with mpmath at 40
  significant digits, so the reference is exact to double precision; a float64
  lambdified formula would carry its own rounding (and is unstable at the extremes).
* **Tolerance.** 1e-12 relative error, entry by entry, on a moderate range of
  several hundred random points plus special points. The range of each function is
  where its *numeric* formula is well conditioned in float64 (``RANGES``): when the
  derivative saturates, the numeric code computes a tiny number as a difference of
  O(1) numbers (``1 - sigma``, ``1 - tanh^2``, ``1 + erf``), whose error is
  absolute, about 1e-16, so the relative error grows like ``1e-16 / |g'(z)|``:

  - sigmoid: ``sigma(1 - sigma)`` has relative error ~ 2.2e-16 * e^z for z > 0,
    <= 1e-12 needs z <= 8.4, so z in [-20, 8];
  - tanh: ``1 - tanh^2`` has relative error ~ 2.2e-16 * e^{2|z|} / 4, <= 1e-12 needs
    |z| <= 4.6, so |z| <= 4.5;
  - gelu: ``Phi(z) = (1 + erf(z / sqrt 2)) / 2`` for z < 0 carries an absolute error
    ~ 1e-16, relative to g'(z) ~ 2e-4 at z = -4, so z in [-4, 20];
  - softmax: the entries of ``s * (da - s . da)`` are ~ e^{-(z_max - z_i)}, so the
    logit gap must stay <= 8: z in [-4, 4];
  - every other activation: |z| <= 20 (no overflow in the reference, no underflow).

  On the whole of |z| <= 20 the error is then checked against an absolute floor of
  4 machine epsilons times the size of the terms (``test_wide_range``).
* **Kinks** are approached from both sides (z = ±1e-300, ±1e-12, ±1e-6) and the
  exact kink, where the derivative does not exist, is only checked against the
  convention the numeric side documents: the one-sided value of the ``z <= 0``
  branch that the generated textbook form prints (ReLU 0, leaky ReLU/PReLU/ELU
  alpha); for the losses, sign(0) = 0 for MAE and 0 for the hinge at y a = 1.
* **Extremes** (|z| up to 1e4) are checked against the numeric code's own
  finiteness and against SymPy's limits of the derivative at ±infinity, never
  against a lambdified formula.

Every check goes through ``assert_close``, and ``test_a_wrong_backward_is_caught``
injects wrong derivatives with monkeypatch to show that these checks can fail.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import nnlit.activations as num_act
import nnlit.init as num_init
import nnlit.losses as num_loss
from nnlit.layers import Dense
from nnlit.network import MLP
from nnlit.optim import Adam
from nnlit.symbolic import ACTIVATIONS, LOSSES, derivation
from nnlit.symbolic.core import explicit

mpmath.mp.dps = 40
RTOL = 1e-12
EPS = np.finfo(np.float64).eps
N_POINTS = 400

RANGES = {"sigmoid": (-20, 8), "tanh": (-4.5, 4.5), "gelu": (-4, 20), "softmax": (-4, 4)}
PARAMS = {"leaky_relu": [{}, {"alpha": 0.2}], "prelu": [{}, {"alpha": 0.2}],
          "elu": [{}, {"alpha": 0.5}, {"alpha": 1.0}]}
ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]
CASES = [(name, params) for name in ELEMENTWISE for params in PARAMS.get(name, [{}])]


def case_id(case):
    name, params = case
    return name + "".join(f"-{k}={v}" for k, v in params.items())


# -- helpers ------------------------------------------------------------------------------------------------


def assert_close(numeric, reference, what, rtol=RTOL, atol=0.0, at=None):
    """Entry by entry: |numeric - reference| <= rtol * max(|numeric|, |reference|) + atol."""
    numeric, reference = np.broadcast_arrays(np.asarray(numeric, float), np.asarray(reference, float))
    assert np.all(np.isfinite(numeric)), f"{what}: non-finite numeric values"
    bound = rtol * np.maximum(np.abs(numeric), np.abs(reference)) + atol
    bad = np.abs(numeric - reference) > bound
    if bad.any():
        k = np.flatnonzero(bad.ravel())[0]
        where = "" if at is None else f" at {np.asarray(at).ravel()[k]!r}"
        error = abs(numeric.ravel()[k] - reference.ravel()[k]) / max(abs(reference.ravel()[k]), 1e-300)
        raise AssertionError(f"{what}: {bad.sum()} of {bad.size} values differ{where}: numeric "
                             f"{numeric.ravel()[k]!r}, symbolic {reference.ravel()[k]!r} (relative error {error:.2e})")


def exact(expr, symbols, *columns):
    """``expr`` evaluated in 40-digit mpmath at each row of ``columns``, rounded to float64."""
    f = sp.lambdify(symbols, expr, modules="mpmath")
    out = [f(*(mpmath.mpf(float(c)) for c in row)) for row in zip(*columns)]
    return np.array([float(v) for v in out])


def points(lo, hi, kinks=(), seed=0):
    """Random points in [lo, hi] plus 0, ±1, ±0.5 and the two sides of each kink (not the kink)."""
    z = np.random.default_rng(seed).uniform(lo, hi, N_POINTS)
    special = [0.0, 1.0, -1.0, 0.5, -0.5, lo, hi]
    for kink in kinks:
        special += [kink + s * d for s in (1, -1) for d in (1e-300, 1e-12, 1e-6)]
    z = np.concatenate([z, [p for p in special if lo <= p <= hi]])
    return np.array([p for p in z if p not in kinks])


def symbolic_derivative(name, params, z):
    a = ACTIVATIONS[name]
    values = [np.full_like(z, params.get(str(p), num_act.ACTIVATIONS[name].defaults[str(p)])) for p in a.params]
    return exact(a.derivative, a.symbols, z, *values)


def check_activation(name, params, z, dA):
    """The numeric backward(Z, dA) is dA * g'(Z), g' the symbolic derivative."""
    act = num_act.ACTIVATIONS[name](**params)
    reference = symbolic_derivative(name, params, z) * dA
    assert_close(act.backward(z.reshape(1, -1), dA.reshape(1, -1)).ravel(), reference,
                 f"{name}{params} backward", at=z)


# -- activations -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_activation_backward_is_the_symbolic_derivative(case):
    name, params = case
    lo, hi = RANGES.get(name, (-20, 20))
    z = points(lo, hi, ACTIVATIONS[name].kinks)
    dA = np.random.default_rng(1).uniform(0.5, 2.0, z.size) * np.random.default_rng(2).choice([-1, 1], z.size)
    check_activation(name, params, z, dA)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_activation_forward_is_the_symbolic_function(case):
    name, params = case
    a = ACTIVATIONS[name]
    z = points(-20, 20, a.kinks)
    values = [np.full_like(z, params.get(str(p), num_act.ACTIVATIONS[name].defaults[str(p)])) for p in a.params]
    reference = exact(a.expr, a.symbols, z, *values)
    # forward values are O(1) or O(|z|); 1 - e^z style cancellations are in expm1 (ELU): rtol plus a tiny floor
    assert_close(num_act.ACTIVATIONS[name](**params).forward(z), reference, f"{name} forward",
                 atol=4 * EPS, at=z)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_wide_range(case):
    """On all of |z| <= 20: exact up to an absolute floor of 4 eps times the size of the terms (here O(1))."""
    name, params = case
    z = points(-20, 20, ACTIVATIONS[name].kinks, seed=3)
    act = num_act.ACTIVATIONS[name](**params)
    reference = symbolic_derivative(name, params, z)
    scale = max(1.0, np.max(np.abs(reference)))
    assert_close(act.derivative(z), reference, f"{name} on |z| <= 20", atol=4 * EPS * scale, at=z)


def test_the_moderate_range_is_really_where_the_tolerance_breaks():
    """The documented limit is real: just outside RANGES["tanh"] the relative error exceeds 1e-12."""
    z = np.array([9.0])
    with pytest.raises(AssertionError):
        check_activation("tanh", {}, z, np.ones(1))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_extremes_are_finite_and_reach_the_symbolic_limits(case):
    name, params = case
    a = ACTIVATIONS[name]
    act = num_act.ACTIVATIONS[name](**params)
    alpha = {sp.Symbol("alpha", positive=True): sp.Float(params.get("alpha", act.defaults.get("alpha", 1.0)))}
    z = np.array([-1e4, -1e3, 1e3, 1e4])
    got = act.backward(z.reshape(1, -1), np.ones((1, 4))).ravel()
    assert np.all(np.isfinite(got)), f"{name}: non-finite derivative at the extremes: {got}"
    limits = [float(limit_at(a.derivative.subs(alpha), a.symbols[0], side)) for side in (-sp.oo, sp.oo)]
    assert_close(got, [limits[0], limits[0], limits[1], limits[1]], f"{name} at ±1e3, ±1e4", atol=1e-300)
    assert np.all(np.isfinite(act.forward(z)))


def limit_at(expr, z, side):
    """SymPy's limit at ±infinity; a piecewise-linear derivative is constant far out, so read its branch."""
    if expr.has(sp.Piecewise, sp.Heaviside):
        return expr.subs(z, sp.sign(side) * 10**6)
    return sp.limit(expr, z, side)


KINK_VALUE = {"relu": 0.0, "leaky_relu": "alpha", "prelu": "alpha", "elu": "alpha", "step": 0.0}


@pytest.mark.parametrize("name", sorted(KINK_VALUE))
def test_the_numeric_convention_at_the_kink_is_the_printed_one(name):
    """At z = 0 the derivative does not exist; numeric, textbook and the printed convention use the z <= 0 branch."""
    act = num_act.ACTIVATIONS[name]
    got = float(act.derivative(np.zeros(1))[0])
    expected = act.defaults["alpha"] if KINK_VALUE[name] == "alpha" else KINK_VALUE[name]
    assert got == expected
    alpha = {sp.Symbol("alpha", positive=True): act.defaults.get("alpha", 0.0)}
    value = explicit(ACTIVATIONS[name].textbook).subs(ACTIVATIONS[name].symbols[0], 0)
    assert float(value.subs(alpha)) == expected
    # and the derivation states it, as a definition (:=), before the textbook form uses it
    conventions = [step for step in derivation(name).steps if step.rel == ":="]
    assert len(conventions) == 1, f"{name}: the value at the kink is not stated"
    assert float(sp.sympify(conventions[0].rhs).subs(alpha)) == expected


def test_prelu_dalpha_is_the_symbolic_partial():
    z_sym = ACTIVATIONS["prelu"].symbols[0]
    d_alpha = derivation("prelu_alpha").values["derivative"]
    rng = np.random.default_rng(4)
    Z, dA = rng.uniform(-20, 20, (3, 50)), rng.normal(size=(3, 50))
    act = num_act.ACTIVATIONS["prelu"](alpha=0.3)
    act.backward(Z, dA)
    per_entry = exact(d_alpha, (z_sym,), Z.ravel()).reshape(Z.shape)
    assert_close(act.dalpha, np.sum(dA * per_entry) / Z.shape[1], "PReLU dalpha")


def test_softmax_backward_is_the_symbolic_jacobian_product():
    a = ACTIVATIONS["softmax"]
    lo, hi = RANGES["softmax"]
    rng = np.random.default_rng(5)
    Z = rng.uniform(lo, hi, (3, N_POINTS))
    Z[:, :3] = [[0, 1, -1], [0, 1, 1], [0, 1, 0]]           # equal logits, and ties
    dA = rng.uniform(-2, 2, (3, N_POINTS))
    jacobian = sp.lambdify(a.symbols, a.derivative, modules="mpmath")
    reference = np.empty_like(Z)
    for c in range(Z.shape[1]):
        J = jacobian(*(mpmath.mpf(float(v)) for v in Z[:, c]))
        for i in range(3):
            reference[i, c] = float(sum(J[i, j] * mpmath.mpf(float(dA[j, c])) for j in range(3)))
    assert_close(num_act.softmax.backward(Z, dA), reference, "softmax backward")
    # and on a wide range, exact up to an absolute floor (entries of s are <= 1, |dA| <= 2)
    Z = rng.uniform(-20, 20, (3, 100))
    ref = np.stack([np.array(jacobian(*(mpmath.mpf(float(v)) for v in Z[:, c])).tolist(), dtype=float) @ dA[:, c]
                    for c in range(100)], axis=1)
    assert_close(num_act.softmax.backward(Z, dA[:, :100]), ref, "softmax, wide", atol=8 * EPS)


def test_softmax_forward_is_the_symbolic_function():
    a = ACTIVATIONS["softmax"]
    Z = np.random.default_rng(6).uniform(-20, 20, (3, 100))
    f = sp.lambdify(a.symbols, a.expr, modules="mpmath")
    reference = np.stack([np.array(f(*(mpmath.mpf(float(v)) for v in Z[:, c])).tolist(), dtype=float).ravel()
                          for c in range(100)], axis=1)
    assert_close(num_act.softmax.forward(Z), reference, "softmax forward", atol=1e-300)


def test_every_registry_entry_has_a_partner():
    assert set(ACTIVATIONS) == set(num_act.ACTIVATIONS)
    assert set(LOSSES) == set(num_loss.LOSSES)


# -- losses ----------------------------------------------------------------------------------------------------


def loss_data(name, rng, m=N_POINTS):
    """(A, Y) in the shapes nnlit.losses expects, with the labels each loss allows; kinks avoided."""
    if name == "mse":
        return rng.uniform(-20, 20, (1, m)), rng.uniform(-20, 20, (1, m))
    if name == "mae":
        A, Y = rng.uniform(-20, 20, (1, m)), rng.uniform(-20, 20, (1, m))
        A[0, :4] = Y[0, :4] + [1e-12, -1e-12, 1e-6, -1e-6]         # both sides of the kink a = y
        return A, Y
    if name == "binary_cross_entropy":
        return rng.uniform(1e-6, 1 - 1e-6, (1, m)), rng.integers(0, 2, (1, m)).astype(float)
    if name == "hinge":
        Y = rng.choice([-1.0, 1.0], (1, m))
        A = rng.uniform(-5, 5, (1, m))
        A[0, :4] = Y[0, :4] * (1 + np.array([1e-12, -1e-12, 1e-6, -1e-6]))   # both sides of y a = 1
        return A, Y
    if name == "categorical_cross_entropy":
        Z = rng.uniform(-5, 5, (3, m))
        A = np.exp(Z) / np.exp(Z).sum(axis=0)
        return A, np.eye(3)[:, rng.integers(0, 3, m)]
    if name == "gaussian_nll":
        return np.vstack([rng.uniform(-5, 5, (1, m)), rng.uniform(0.1, 5, (1, m))]), rng.uniform(-5, 5, (1, m))
    raise KeyError(name)


def symbolic_gradient(name, A, Y):
    """The symbolic gradient of the loss, in the layout of nnlit's backward."""
    loss = LOSSES[name]
    if name == "categorical_cross_entropy":
        columns = [*A, *Y]
        return np.vstack([exact(g, loss.symbols, *columns) for g in loss.gradient])
    if name == "gaussian_nll":
        return np.vstack([exact(g, loss.symbols, A[0], A[1], Y[0]) for g in loss.gradient])
    return exact(loss.gradient[0], loss.symbols, A[0], Y[0]).reshape(1, -1)


def symbolic_cost(name, A, Y):
    loss = LOSSES[name]
    columns = [*A, *Y] if name == "categorical_cross_entropy" else (
        [A[0], A[1], Y[0]] if name == "gaussian_nll" else [A[0], Y[0]])
    return float(np.sum(exact(loss.expr, loss.symbols, *columns)) / A.shape[1])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_backward_is_the_symbolic_gradient(name):
    A, Y = loss_data(name, np.random.default_rng(7))
    assert_close(num_loss.LOSSES[name].backward(A, Y), symbolic_gradient(name, A, Y), f"{name} backward")


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_forward_is_the_symbolic_loss(name):
    A, Y = loss_data(name, np.random.default_rng(8))
    # a mean of 400 terms: summation order differs, so allow its rounding (400 eps relative)
    assert_close(num_loss.LOSSES[name].forward(A, Y), symbolic_cost(name, A, Y), f"{name} forward",
                 rtol=N_POINTS * EPS)


def test_loss_conventions_at_the_kinks():
    """MAE at a = y and the hinge at y a = 1: the numeric value is the printed one (0)."""
    mae = explicit(derivation("mae").result[0].rhs)
    a, y = LOSSES["mae"].symbols
    assert mae.subs({a: 2, y: 2}) == 0 == num_loss.mae.backward(np.array([[2.0]]), np.array([[2.0]]))[0, 0]
    hinge = explicit(derivation("hinge").result[0].rhs)
    assert hinge.subs({a: 1, y: 1}) == 0 == num_loss.hinge.backward(np.array([[1.0]]), np.array([[1.0]]))[0, 0]


def test_fused_sigmoid_bce_is_a_minus_y():
    d = derivation("sigmoid_bce")
    z, y = sp.Symbol("z", real=True), sp.Symbol("y", real=True)
    rng = np.random.default_rng(9)
    Z, Y = rng.uniform(-20, 20, (1, N_POINTS)), rng.integers(0, 2, (1, N_POINTS)).astype(float)
    reference = exact(d.values["dz"], (z, y), Z[0], Y[0]).reshape(1, -1)
    # dZ = sigma(z) - y: for y = 1 and z > 8 this is a difference of O(1) numbers (see the sigmoid range)
    assert_close(num_loss.binary_cross_entropy.backward_logits(Z, Y), reference, "sigmoid+BCE dZ", atol=4 * EPS)
    well = (Y == 0) | (Z < 8)
    assert_close(num_loss.binary_cross_entropy.backward_logits(Z, Y)[well], reference[well], "sigmoid+BCE dZ")
    cost = sum(float(v) for v in exact(explicit(LOSSES["binary_cross_entropy"].L(sp.Symbol("a"), y))
                                       .subs(sp.Symbol("a"), 1 / (1 + sp.exp(-z))), (z, y), Z[0], Y[0]))
    assert_close(num_loss.binary_cross_entropy.forward_logits(Z, Y), cost / N_POINTS, "BCE from logits",
                 rtol=N_POINTS * EPS)


def test_fused_softmax_ce_is_s_minus_y():
    d = derivation("softmax_ce")
    zs, ys = ACTIVATIONS["softmax"].symbols, sp.symbols("y_1:4", real=True)
    rng = np.random.default_rng(10)
    Z = rng.uniform(-4, 4, (3, N_POINTS))
    Y = np.eye(3)[:, rng.integers(0, 3, N_POINTS)]
    reference = np.vstack([exact(d.values["dz"][k], (*zs, *ys), *Z, *Y) for k in range(3)])
    assert_close(num_loss.categorical_cross_entropy.backward_logits(Z, Y), reference, "softmax+CE dZ")


# -- layers and networks -----------------------------------------------------------------------------------


def substitute_activation(expr, name):
    """Put a registry activation in place of the unspecified g of the Dense derivation."""
    from nnlit.symbolic.backprop import g, gprime
    a, x = ACTIVATIONS[name], sp.Symbol("x", real=True)
    z = a.symbols[0]
    expr = expr.replace(gprime, sp.Lambda(x, a.derivative.subs(z, x)))
    return expr.replace(g, sp.Lambda(x, a.expr.subs(z, x)))


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "identity", "softplus"])
def test_dense_layer_gradients_are_the_entry_by_entry_derivatives(name):
    d = derivation("dense_layer").values
    n_in, n_out, m = d["X"].shape[0], d["W"].shape[0], d["X"].shape[1]
    rng = np.random.default_rng(11)
    layer = Dense(n_in, n_out, name, init="xavier_normal", rng=rng)
    layer.W[...] = rng.normal(size=layer.W.shape)
    layer.b[...] = rng.normal(size=layer.b.shape)
    X, dA = rng.normal(size=(n_in, m)), rng.normal(size=(n_out, m))
    layer.forward(X)
    dA_prev = layer.backward(dA)
    numbers = {**dict(zip(d["W"], layer.W.ravel())), **dict(zip(d["X"], X.ravel())),
               **dict(zip(d["b"], layer.b.ravel())), **dict(zip(d["dA"], dA.ravel()))}
    for key, got in (("dW", layer.dW), ("db", layer.db), ("dA_prev", dA_prev)):
        expr = substitute_activation(d[key], name).subs(numbers).evalf(30)
        assert_close(got, np.array(expr.tolist(), dtype=float), f"Dense({name}) {key}", atol=1e-300)


def test_two_layer_network_gradients_are_the_entry_by_entry_derivatives():
    d = derivation("two_layer").values
    net_s, grads_s = d["net"], d["gradients"]
    rng = np.random.default_rng(12)
    net = MLP.two_layer(net_s.n_x, net_s.n_h, seed=3)
    for p in net.params.values():
        p[...] = rng.normal(size=p.shape)
    X = rng.normal(size=(net_s.n_x, net_s.m))
    Y = np.array([[1.0, 0.0]])
    net.forward(X)
    grads = net.backward(Y)
    numbers = {}
    for sym, val in ((net_s.X, X), (net_s.Y, Y), (net_s.W1, net.params["W1"]), (net_s.b1, net.params["b1"]),
                     (net_s.W2, net.params["W2"]), (net_s.b2, net.params["b2"])):
        numbers.update(zip(sym, val.ravel()))
    symbols = list(numbers)
    for layer in ("1", "2"):
        for kind in ("W", "b"):
            f = sp.lambdify(symbols, explicit(grads_s[f"d{kind}^{{[{layer}]}}"]), modules="mpmath")
            value = f(*(mpmath.mpf(float(numbers[s])) for s in symbols))
            assert_close(grads[f"d{kind}{layer}"], np.array(value.tolist(), dtype=float), f"two-layer d{kind}{layer}")


def test_l2_adds_lambda_over_m_times_W():
    d = derivation("l2_gradient").values
    lam_s, m_s = d["lam"], d["m"]
    rng = np.random.default_rng(13)
    X, Y = rng.normal(size=(2, 5)), rng.integers(0, 2, (1, 5)).astype(float)
    plain = MLP([2, 3, 1], ("tanh", "sigmoid"), "binary_cross_entropy", seed=1)
    regular = MLP([2, 3, 1], ("tanh", "sigmoid"), "binary_cross_entropy", seed=1, l2=0.7)
    g0, g1 = plain.forward(X) is not None and plain.backward(Y), regular.forward(X) is not None and regular.backward(Y)
    # the symbolic entry: d(J_L2)/dw - dJ/dw = (lambda/m) w
    w = d["W"][0, 0]
    J = sp.Function("J")(*d["W"])
    extra = sp.diff(J + lam_s / (2 * m_s) * sum(v**2 for v in d["W"]), w) - sp.diff(J, w)
    for name in ("dW1", "dW2"):
        W = regular.params[name[1:]]
        expected = np.vectorize(lambda v: float(extra.subs({lam_s: 0.7, m_s: 5, w: v})))(W)
        assert_close(g1[name] - g0[name], expected, f"L2 term of {name}", atol=4 * EPS)


def test_identical_rows_get_identical_gradients():
    """The symmetry derivation, on nnlit: a constant initialization keeps hidden units identical."""
    claim = derivation("symmetry").values["dW1"]
    assert sp.expand(claim[0, 0] - claim[1, 0]) == 0
    net = MLP([2, 3, 1], ("tanh", "sigmoid"), "binary_cross_entropy", init=num_init.constant(0.3), seed=0)
    X, Y = np.random.default_rng(14).normal(size=(2, 7)), np.array([[0, 1, 1, 0, 1, 0, 1]], float)
    net.forward(X)
    grads = net.backward(Y)
    assert np.array_equal(grads["dW1"][0], grads["dW1"][1]) and np.array_equal(grads["dW1"][0], grads["dW1"][2])


# -- initialization, by sampling ------------------------------------------------------------------------------

N_OUT, N_IN = 300, 500   # 150 000 draws per initializer


@functools.cache
def fourth_moment_ratio(kind):
    """E[w^4] / Var(w)^2 from sympy.stats (one-dimensional): 3 for a normal, 9/5 for a uniform."""
    from sympy import stats
    s = sp.Symbol("s", positive=True)
    X = stats.Normal("X", 0, s) if kind == "normal" else stats.Uniform("X", -s, s)
    return float(sp.simplify(stats.E(X**4) / stats.variance(X)**2))


def variances():
    n_in, n_out = sp.Symbol("n_in", integer=True, positive=True), sp.Symbol("n_out", integer=True, positive=True)
    at = {n_in: N_IN, n_out: N_OUT}
    xavier, he = derivation("xavier").values, derivation("he").values
    uniform = derivation("xavier_uniform").values["uniform_variance"]
    a = sp.Symbol("a", positive=True)
    return {
        "xavier_uniform": (num_init.xavier_uniform, xavier["variance"].subs(at), "uniform"),
        "xavier_normal": (num_init.xavier_normal, xavier["variance"].subs(at), "normal"),
        "he_uniform": (num_init.he_uniform, he["variance"].subs(at), "uniform"),
        "he_normal": (num_init.he_normal, he["variance"].subs(at), "normal"),
        "lecun_normal": (num_init.lecun_normal, xavier["forward"].subs(at), "normal"),
        "epsilon_uniform": (num_init.epsilon_uniform(eps=0.12), uniform.subs(a, 0.12), "uniform"),
        "small_random": (num_init.small_random(scale=0.5), sp.Rational(1, 4), "normal"),
    }


@pytest.mark.parametrize("name", ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal",
                                  "epsilon_uniform", "small_random"])
def test_initializer_variance_matches_the_derivation(name):
    """mean(W^2) estimates Var(w) (the mean is 0); its standard error is Var * sqrt((kurtosis - 1) / N).

    We allow 5 standard errors: a correct initializer fails with probability < 1e-6
    (the seed is fixed anyway); a wrong factor of 2 (He vs Xavier) is ~100 SE away.
    """
    init, variance, kind = variances()[name]
    W = init(N_OUT, N_IN, np.random.default_rng(15))
    target = float(variance)
    n = W.size
    standard_error = target * math.sqrt((fourth_moment_ratio(kind) - 1) / n)
    estimate = float(np.mean(W**2))
    assert abs(estimate - target) <= 5 * standard_error, (
        f"{name}: mean(W^2) = {estimate:.6g}, derived Var = {target:.6g}, "
        f"{abs(estimate - target) / standard_error:.1f} standard errors apart")


def test_uniform_bounds_are_the_derived_ones():
    n_in, n_out = sp.Symbol("n_in", integer=True, positive=True), sp.Symbol("n_out", integer=True, positive=True)
    bound = float(explicit(derivation("xavier_uniform").values["bound"]).subs({n_in: N_IN, n_out: N_OUT}))
    W = num_init.xavier_uniform(N_OUT, N_IN, np.random.default_rng(16))
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.999 * bound
    bound = float(explicit(derivation("he").values["bound"]).subs({n_in: N_IN}))
    W = num_init.he_uniform(N_OUT, N_IN, np.random.default_rng(17))
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.999 * bound


# -- optimization and gradient checking -------------------------------------------------------------------------


def test_adam_first_moment_is_the_closed_form():
    """With a constant gradient g, Adam's v after t steps is (1 - beta1^t) g, so v-hat = g."""
    t_s, beta_s, g_s = sp.Symbol("t", integer=True, nonnegative=True), sp.Symbol("beta_1", positive=True), \
        sp.Symbol("g", real=True)
    closed = explicit(derivation("adam_bias_correction").result[0].rhs)
    opt = Adam(lr=0.01, beta1=0.9)
    p = np.array([[1.0, -2.0]])
    g = np.array([[0.3, -0.7]])
    for t in range(1, 13):
        opt.step({"W": p}, {"dW": g})
        expected = np.array([[float(closed.subs({t_s: t, beta_s: sp.Rational(9, 10), g_s: v})) for v in g[0]]])
        assert_close(opt.state["W"]["v"], expected, f"Adam v at t={t}", rtol=1e-14 * t + RTOL)


def test_centred_difference_error_is_the_taylor_term():
    """nnlit's numerical_gradient on sin: its error is eps^2/6 * J'''(theta) to leading order."""
    from nnlit.gradcheck import numerical_gradient
    d = derivation("centred_difference")
    assert d.values["error_order"] == 2 and derivation("forward_difference").values["error_order"] == 1
    theta = np.array([0.7])
    for eps in (1e-2, 3e-3):
        got = numerical_gradient(lambda x: float(np.sin(x[0])), theta.copy(), eps)[0]
        leading = eps**2 / 6 * -math.cos(0.7)                          # eps^2/6 J'''(theta), J = sin
        assert abs((got - math.cos(0.7)) - leading) <= eps**4           # the next term is O(eps^4)


# -- the ties can fail ------------------------------------------------------------------------------------------


def test_a_wrong_backward_is_caught(monkeypatch):
    z = points(-8, 8, seed=20)
    dA = np.ones_like(z)
    check_activation("sigmoid", {}, z, dA)                                  # the real one passes
    original = num_act.Sigmoid._derivative
    monkeypatch.setattr(num_act.Sigmoid, "_derivative", lambda self, Z: original(self, Z) * (1 + 1e-9))
    with pytest.raises(AssertionError, match="sigmoid"):
        check_activation("sigmoid", {}, z, dA)
    # a classic slip: the derivative of ReLU taken as 1 at z < 0 as well
    monkeypatch.setattr(num_act.ReLU, "_backward", lambda self, Z, dA: dA.copy())
    with pytest.raises(AssertionError, match="relu"):
        z = points(-1, 1, (0,))
        check_activation("relu", {}, z, np.ones_like(z))


def test_a_wrong_loss_gradient_is_caught(monkeypatch):
    A, Y = loss_data("binary_cross_entropy", np.random.default_rng(21))
    monkeypatch.setattr(num_loss.BinaryCrossEntropy, "_backward", lambda self, A, Y: (A - Y) / A)
    with pytest.raises(AssertionError):
        assert_close(num_loss.binary_cross_entropy.backward(A, Y), symbolic_gradient("binary_cross_entropy", A, Y),
                     "bce backward")


def test_a_wrong_dense_backward_is_caught(monkeypatch):
    """A Dense layer that forgets the 1/m in dW fails the entry-by-entry comparison."""
    original = Dense._backward_dZ

    def no_mean(self, dZ, need_dA_prev=True):
        out = original(self, dZ, need_dA_prev)
        self.dW *= dZ.shape[1]
        return out

    monkeypatch.setattr(Dense, "_backward_dZ", no_mean)
    with pytest.raises(AssertionError, match="dW"):
        test_dense_layer_gradients_are_the_entry_by_entry_derivatives("tanh")
