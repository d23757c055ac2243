"""nnlit.activations: registry, values, extremes, bad input, gradients, properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlit import activations
from nnlit.activations import ACTIVATIONS
from nnlit.gradcheck import numerical_gradient, relative_error

NAMES = list(ACTIVATIONS)  # from the registry: a new activation is tested with no edit here
# every activation, plus the parametrised ones away from their defaults
CONFIGS = [ACTIVATIONS[n] for n in NAMES] + [
    activations.leaky_relu(alpha=0.2), activations.elu(alpha=0.5), activations.prelu(alpha=0.1)]
IDS = [repr(a) for a in CONFIGS]

# Centred differences with eps = 1e-6 have truncation error ~eps^2 ~ 1e-12 and rounding error
# ~1e-16 / eps ~ 1e-10 relative; 1e-7 (the bar) leaves room for both, while any wrong
# factor, sign or missing term in a derivative gives a relative error of order 1.
TOL = 1e-7


def away_from_kinks(rng, shape, margin=0.1):
    """Standard normal entries pushed at least `margin` away from 0 (every kink is at z = 0)."""
    z = rng.standard_normal(shape)
    return np.sign(z) * (margin + np.abs(z))


def test_every_registered_activation_is_named_exported_and_in_all():
    assert NAMES, "the registry is empty"
    for name, act in ACTIVATIONS.items():
        assert name in activations.__all__, f"{name!r} is registered but missing from __all__"
        assert act.name == name
        assert getattr(activations, name) is act


@pytest.mark.parametrize("act", CONFIGS, ids=IDS)
def test_backward_matches_numerical_gradient(act):
    rng = np.random.default_rng(0)
    Z = away_from_kinks(rng, (3, 4))
    dA0 = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda z: float(np.sum(dA0 * act.forward(z))), Z.copy())
    assert relative_error(act.backward(Z, dA0), numeric) <= TOL


def test_prelu_dalpha_matches_numerical_gradient_with_one_over_m():
    rng = np.random.default_rng(1)
    act = activations.prelu(alpha=0.3)
    Z, dA0 = away_from_kinks(rng, (3, 5)), rng.standard_normal((3, 5))
    act.backward(Z, dA0)
    alpha = act.learnable["alpha"]
    numeric = numerical_gradient(lambda a: float(np.sum(dA0 * act.forward(Z))), alpha)
    # dalpha carries the 1/m of the book's convention (m = 5 columns)
    assert relative_error(act.dalpha * 5, numeric) <= TOL
    assert act.alpha == 0.3                      # restored after the perturbations


@pytest.mark.parametrize("act", CONFIGS, ids=IDS)
def test_no_overflow_nan_or_warning_up_to_1e4(act):
    z = np.array([-1e4, -1e3, -800.0, -50.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 50.0, 800.0, 1e3, 1e4])
    Z = np.vstack([z, -z, np.zeros_like(z)])      # columns hold extremes together (for softmax)
    with np.errstate(all="raise"):
        A = act.forward(Z)
        dZ = act.backward(Z, np.ones_like(Z))
    assert np.isfinite(A).all() and np.isfinite(dZ).all()


@pytest.mark.parametrize(("act", "z", "expected"), [
    (activations.sigmoid, [-1e4, 0.0, 1e4], [0.0, 0.5, 1.0]),
    (activations.softplus, [-1e4, 0.0, 1e4], [0.0, math.log(2.0), 1e4]),
    (activations.silu, [-1e4, 1e4], [0.0, 1e4]),
    (activations.gelu, [-1e4, 1.0, 1e4], [0.0, 0.5 * (1 + math.erf(1 / math.sqrt(2))), 1e4]),
    (activations.elu, [-1e4, 0.0, 2.0], [-1.0, 0.0, 2.0]),
    (activations.elu(alpha=0.5), [-1e4], [-0.5]),
    (activations.leaky_relu, [-2.0, 3.0], [-0.02, 3.0]),
    (activations.step, [-1.0, 0.0, 1.0], [0.0, 1.0, 1.0]),
    (activations.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
])
def test_known_values(act, z, expected):
    # exact or correctly rounded values: 1e-15 relative is a few ulps
    np.testing.assert_allclose(act.forward(np.array(z)), expected, rtol=1e-15, atol=0)


def test_stable_sigmoid_agrees_with_the_textbook_formula_where_that_is_safe():
    z = np.linspace(-30, 30, 601)
    # both are correctly rounded up to a few ulps on this range
    np.testing.assert_allclose(activations.sigmoid.forward(z), 1 / (1 + np.exp(-z)), rtol=1e-14)


def test_kink_conventions_relu_step():
    z = np.array([0.0])
    assert activations.relu.derivative(z)[0] == 0.0         # subgradient 0 at the kink
    assert activations.leaky_relu(alpha=0.2).derivative(z)[0] == 0.2
    assert activations.step.backward(np.array([-1.0, 0.0, 1.0]), np.ones(3)).tolist() == [0, 0, 0]


def test_softmax_backward_is_the_full_jacobian_product():
    rng = np.random.default_rng(2)
    z, da = rng.standard_normal((4, 1)), rng.standard_normal((4, 1))
    s = activations.softmax.forward(z)
    jacobian = np.diagflat(s) - s @ s.T
    # same arithmetic up to rounding: 1e-13 absolute on entries of order 1
    np.testing.assert_allclose(activations.softmax.backward(z, da), jacobian @ da, atol=1e-13)


@pytest.mark.parametrize("act", [a for a in CONFIGS if a.elementwise], ids=repr)
def test_derivative_equals_backward_of_ones(act):
    Z = away_from_kinks(np.random.default_rng(3), (2, 3))
    np.testing.assert_array_equal(act.derivative(Z), act.backward(Z, np.ones_like(Z)))


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(ValueError, match="not elementwise"):
        activations.softmax.derivative(np.zeros((2, 2)))


def test_parametrised_instances_return_configured_copies():
    assert activations.leaky_relu(alpha=0.2).alpha == 0.2
    assert activations.leaky_relu.alpha == 0.01                 # the shared instance is untouched
    assert activations.elu(alpha=0.5).params == {"alpha": 0.5}
    p = activations.prelu(alpha=0.25)
    assert p is not activations.prelu and p.learnable["alpha"] is not activations.prelu.learnable["alpha"]
    assert activations.get("elu", alpha=0.5).alpha == 0.5
    assert repr(activations.leaky_relu(alpha=0.2)) == "leaky_relu(alpha=0.2)"


def test_calling_an_activation_on_an_array_says_to_use_forward():
    with pytest.raises(TypeError, match=r"sigmoid\.forward\(Z\)"):
        activations.sigmoid(np.zeros(3))
    with pytest.raises(TypeError, match="no parameter"):
        activations.relu(alpha=0.1)


def test_get_unknown_name():
    with pytest.raises(ValueError, match="unknown activation 'swish'; expected one of sigmoid"):
        activations.get("swish")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_rejected(bad):
    with pytest.raises(ValueError, match=r"Z must be finite, got (nan|inf|-inf) at index \(1, 0\)"):
        activations.tanh.forward(np.array([[0.0], [bad]]))


def test_softmax_rejects_rank_1_with_a_reshape_hint():
    with pytest.raises(ValueError, match=r"shape \(n, m\).*got shape \(3,\).*reshape\(-1, 1\)"):
        activations.softmax.forward(np.array([1.0, 2.0, 3.0]))


def test_backward_rejects_mismatched_dA():
    with pytest.raises(ValueError, match=r"dA must have shape \(3, 4\) to match Z, got \(4, 3\)"):
        activations.relu.backward(np.ones((3, 4)), np.ones((4, 3)))


finite = st.floats(-50, 50, allow_nan=False)
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), elements=finite)


@settings(max_examples=50, deadline=None)
@given(Z=matrices, name=st.sampled_from(NAMES))
def test_shapes_are_preserved(Z, name):
    act = ACTIVATIONS[name]
    assert act.forward(Z).shape == Z.shape
    assert act.backward(Z, np.ones_like(Z)).shape == Z.shape


@settings(max_examples=50, deadline=None)
@given(Z=matrices, c=st.floats(-1e3, 1e3))
def test_softmax_is_invariant_to_adding_a_constant(Z, c):
    # entries of z + c are rounded to ulp(1e3) ~ 1e-13; softmax is 1/2-Lipschitz, so 1e-11 is safe
    np.testing.assert_allclose(activations.softmax.forward(Z + c), activations.softmax.forward(Z), atol=1e-11)


@settings(max_examples=50, deadline=None)
@given(Z=matrices)
def test_softmax_columns_are_distributions(Z):
    S = activations.softmax.forward(Z)
    assert (S >= 0).all()
    np.testing.assert_allclose(S.sum(axis=0), 1.0, rtol=1e-14)   # a sum of <= 5 terms: a few ulps
