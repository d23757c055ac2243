"""nnlit.losses: registry, values, gradients, fused logits paths, extremes, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlit import losses
from nnlit.activations import sigmoid, softmax
from nnlit.gradcheck import numerical_gradient, relative_error
from nnlit.losses import LOSSES

NAMES = list(LOSSES)  # from the registry: a new loss is tested once `valid_inputs` knows its targets

# Centred differences (eps = 1e-6): truncation ~1e-12, rounding ~1e-10 relative; 1e-7 is the
# issue's bar and any wrong formula is off by O(1).
TOL = 1e-7


def valid_inputs(name, rng, m=6):
    """(A, Y) of the right kind for each loss, away from kinks (|a - y|, |1 - y a| >= 0.1)."""
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, (2, m)), rng.integers(0, 2, (2, m)).astype(float)
    if name == "categorical_cross_entropy":
        Y = np.eye(3)[:, rng.integers(0, 3, m)]
        return rng.uniform(0.05, 0.95, (3, m)), Y
    if name == "hinge":
        Y = rng.choice([-1.0, 1.0], (2, m))
        margin = rng.choice([-1.0, 1.0], (2, m)) * rng.uniform(0.1, 1.0, (2, m))
        return Y * (1.0 - margin), Y                     # y a = 1 - margin, at least 0.1 from the kink
    if name == "gaussian_nll":
        A = np.vstack([rng.standard_normal((2, m)), rng.uniform(0.5, 2.0, (2, m))])
        return A, rng.standard_normal((2, m))
    Y = rng.standard_normal((2, m))
    offset = rng.choice([-1.0, 1.0], (2, m)) * rng.uniform(0.1, 1.0, (2, m))
    return Y + offset, Y                                 # mse, mae: a - y at least 0.1 from 0


def test_every_registered_loss_is_named_exported_and_in_all():
    assert NAMES, "the registry is empty"
    for name, loss in LOSSES.items():
        assert name in losses.__all__, f"{name!r} is registered but missing from __all__"
        assert loss.name == name and getattr(losses, name) is loss
        assert losses.get(name) is loss


@pytest.mark.parametrize("name", NAMES)
def test_backward_is_m_times_the_gradient_of_the_cost(name):
    loss = LOSSES[name]
    A, Y = valid_inputs(name, np.random.default_rng(0))
    m = A.shape[1]
    numeric = numerical_gradient(lambda a: loss.forward(a, Y), A.copy())
    # backward is per example (no 1/m); the cost is a mean over the m columns
    assert relative_error(loss.backward(A, Y) / m, numeric) <= TOL


@pytest.mark.parametrize("name", ["binary_cross_entropy", "categorical_cross_entropy"])
def test_logits_paths(name):
    loss, act = LOSSES[name], (sigmoid if name == "binary_cross_entropy" else softmax)
    rng = np.random.default_rng(1)
    _, Y = valid_inputs(name, rng)
    Z = 3 * rng.standard_normal(Y.shape)
    m = Z.shape[1]
    numeric = numerical_gradient(lambda z: loss.forward_logits(z, Y), Z.copy())
    assert relative_error(loss.backward_logits(Z, Y) / m, numeric) <= TOL
    # the fused forms equal the composed ones where the latter are safe (a few ulps of rounding)
    A = act.forward(Z)
    assert loss.forward_logits(Z, Y) == pytest.approx(loss.forward(A, Y), rel=1e-13)
    np.testing.assert_allclose(loss.backward_logits(Z, Y), act.backward(Z, loss.backward(A, Y)),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "A", "Y", "expected"), [
    ("mse", [[1.0, 2.0]], [[0.0, 0.0]], (0.5 + 2.0) / 2),
    ("mae", [[1.0, -2.0]], [[0.0, 0.0]], 1.5),
    ("hinge", [[0.5, 2.0]], [[1.0, -1.0]], (0.5 + 3.0) / 2),
    ("binary_cross_entropy", [[0.5, 0.25]], [[1.0, 0.0]], (math.log(2) - math.log(0.75)) / 2),
    ("categorical_cross_entropy", [[0.5], [0.25], [0.25]], [[0.0], [1.0], [0.0]], math.log(4)),
    ("gaussian_nll", [[1.0], [2.0]], [[3.0]], 0.5 * (math.log(4 * math.pi) + 2.0)),
])
def test_known_costs(name, A, Y, expected):
    # hand-computed values; 1e-14 relative allows a few roundings
    assert LOSSES[name].forward(np.array(A), np.array(Y)) == pytest.approx(expected, rel=1e-14)


def test_subgradients_at_the_kinks_are_zero():
    assert losses.mae.backward(np.array([[1.0]]), np.array([[1.0]]))[0, 0] == 0.0
    assert losses.hinge.backward(np.array([[1.0]]), np.array([[1.0]]))[0, 0] == 0.0
    assert losses.hinge.backward(np.array([[0.5]]), np.array([[-1.0]]))[0, 0] == 1.0


def test_extreme_logits_give_exact_finite_costs():
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    Z = np.array([[1e4, -1e4, 1e4, -1e4]])
    with np.errstate(all="raise"):
        # softplus(1e4) - 0 = 1e4 and softplus(-1e4) + 1e4 = 1e4 for the wrong ones, 0 for the right
        assert losses.binary_cross_entropy.forward_logits(Z, Y) == 1e4 / 2
        np.testing.assert_array_equal(losses.binary_cross_entropy.backward_logits(Z, Y), [[1, -1, 0, 0]])
        Zc = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
        Yc = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
        assert losses.categorical_cross_entropy.forward_logits(Zc, Yc) == 2e4 / 2
        dZ = losses.categorical_cross_entropy.backward_logits(Zc, Yc)
        np.testing.assert_array_equal(dZ, [[1, 0], [-1, 0], [0, 0]])


@pytest.mark.parametrize("name", NAMES)
def test_no_overflow_nan_or_warning_up_to_1e4(name):
    rng = np.random.default_rng(2)
    A, Y = valid_inputs(name, rng)
    if name in ("mse", "mae", "hinge"):
        A = A * 1e4
    if name == "gaussian_nll":
        A = np.vstack([1e4 * np.sign(A[:2]), np.full((2, A.shape[1]), 1e-4)])
        Y = -1e4 * np.sign(A[:2])                        # (y - mu)^2 / v = 4e8 / 1e-4
    if name in ("binary_cross_entropy", "categorical_cross_entropy"):
        A = np.where(Y == 1, 1 - 1e-4, 1e-4)            # nearly certain and right
    with np.errstate(all="raise"):
        J, dA = LOSSES[name].forward(A, Y), LOSSES[name].backward(A, Y)
    assert math.isfinite(J) and np.isfinite(dA).all()


def test_cross_entropy_from_exact_probabilities():
    Y = np.array([[1.0, 0.0]])
    with np.errstate(all="raise"):
        assert losses.binary_cross_entropy.forward(np.array([[1.0, 0.0]]), Y) == 0.0   # right and certain
        assert losses.binary_cross_entropy.forward(np.array([[0.0, 0.0]]), Y) == math.inf
    with pytest.raises(ValueError, match=r"probability 0 to the label 1.*backward_logits"):
        losses.binary_cross_entropy.backward(np.array([[0.0, 0.0]]), Y)
    Yc = np.array([[1.0], [0.0]])
    assert losses.categorical_cross_entropy.forward(np.array([[0.0], [1.0]]), Yc) == math.inf
    with pytest.raises(ValueError, match=r"column 0 of A gives probability 0.*backward_logits"):
        losses.categorical_cross_entropy.backward(np.array([[0.0], [1.0]]), Yc)


def test_probabilities_outside_0_1_are_rejected():
    with pytest.raises(ValueError, match=r"A \(probabilities\) must lie in \[0, 1\], got 1.5 at index \(0, 1\)"):
        losses.binary_cross_entropy.forward(np.array([[0.5, 1.5]]), np.array([[1.0, 0.0]]))


def test_rank_1_labels_are_rejected_with_a_reshape_hint():
    A = np.full((1, 400), 0.5)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 400\) to match A, got \(400,\).*"
                                         r"reshape\(1, -1\)"):
        losses.binary_cross_entropy.forward(A, np.zeros(400))


def test_rank_1_predictions_are_rejected():
    with pytest.raises(ValueError, match=r"A must be a 2-D array .* got shape \(4,\).*reshape"):
        losses.mse.forward(np.zeros(4), np.zeros((1, 4)))


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 3\) to match A, got \(3, 2\)"):
        losses.mse.backward(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 3\) to match Z, got \(1, 2\)"):
        losses.binary_cross_entropy.forward_logits(np.zeros((1, 3)), np.zeros((1, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_are_rejected(bad):
    with pytest.raises(ValueError, match=r"A must be finite"):
        losses.mse.forward(np.array([[0.0, bad]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"Y must be finite"):
        losses.mse.forward(np.zeros((1, 2)), np.array([[0.0, bad]]))


def test_label_checks():
    with pytest.raises(ValueError, match=r"binary_cross_entropy needs labels 0 or 1 in Y, got 2 at index \(0, 1\)"):
        losses.binary_cross_entropy.forward_logits(np.zeros((1, 2)), np.array([[1.0, 2.0]]))
    with pytest.raises(ValueError, match=r"hinge needs labels -1 or 1 in Y, got 0 at index \(0, 0\)"):
        losses.hinge.forward(np.zeros((1, 2)), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"one-hot columns.*column 1 is \[0.5, 0.5\]"):
        losses.categorical_cross_entropy.forward_logits(np.zeros((2, 2)), np.array([[1.0, 0.5], [0.0, 0.5]]))
    with pytest.raises(ValueError, match=r"column 0 is \[1.0, 1.0\]"):
        losses.categorical_cross_entropy.forward_logits(np.zeros((2, 1)), np.array([[1.0], [1.0]]))


def test_gaussian_nll_checks():
    with pytest.raises(ValueError, match=r"the variance rows of A must be > 0, got 0 at index \(0, 1\)"):
        losses.gaussian_nll.forward(np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"even number of rows"):
        losses.gaussian_nll.forward(np.ones((3, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 2\) to match the mean rows of A, got \(2, 2\)"):
        losses.gaussian_nll.forward(np.ones((2, 2)), np.zeros((2, 2)))


def test_get_unknown_loss():
    with pytest.raises(ValueError, match="unknown loss 'cross_entropy'; expected one of mse"):
        losses.get("cross_entropy")


@settings(max_examples=50, deadline=None)
@given(z=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=6), data=st.data())
def test_bce_from_logits_is_finite_and_nonnegative(z, data):
    Z = np.array([z])
    Y = np.array([data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=len(z), max_size=len(z)))])
    with np.errstate(all="raise"):
        J = losses.binary_cross_entropy.forward_logits(Z, Y)
    assert math.isfinite(J) and J >= 0
