"""nnlit.gradcheck: centred differences, relative error, the report and its kinks."""

import math

import numpy as np
import pytest

from nnlit.gradcheck import check_gradients, numerical_gradient, relative_error
from nnlit.network import MLP


def test_numerical_gradient_of_a_cubic():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    grad = numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    # truncation error eps^2 * f''' / 6 = 1e-12; rounding ~1e-16 * |f| / eps ~ 1e-8 at |f| ~ 36
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-8)


def test_numerical_gradient_restores_x_exactly():
    x = np.random.default_rng(0).standard_normal((3, 2))
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)            # bit for bit


def test_numerical_gradient_needs_a_float_array():
    with pytest.raises(ValueError, match="float64 numpy array.*int64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0          # 0/0 is defined as 0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2) / 2, rel=1e-15)
    assert relative_error([1.0], [1.0]) == 0.0
    with pytest.raises(ValueError, match=r"b must have shape \(2,\) to match a, got \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def small_problem(seed=0, m=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((3, m)), (rng.random((1, m)) > 0.5).astype(float)


def test_a_correct_model_passes_and_is_left_unchanged():
    X, Y = small_problem()
    model = MLP([3, 4, 1], ("tanh", "sigmoid"), "binary_cross_entropy", init="xavier_normal", seed=1)
    before = {k: v.copy() for k, v in model.params.items()}
    report = check_gradients(model, X, Y)
    assert report.passed and report.max_error <= 1e-7 and not report.kinks
    assert list(report.errors) == ["W1", "b1", "W2", "b2"]
    for name, value in model.params.items():
        np.testing.assert_array_equal(value, before[name])
    assert "passed = True" in str(report)


def test_a_wrong_backward_fails():
    X, Y = small_problem()
    model = MLP([3, 4, 1], ("tanh", "sigmoid"), "binary_cross_entropy", init="xavier_normal", seed=1)
    layer = model.layers[0]
    right = layer.activation._backward
    layer.activation._backward = lambda Z, dA: 1.01 * right(Z, dA)      # a 1% slip in tanh'
    report = check_gradients(model, X, Y)
    assert not report.passed
    assert report.errors["W1"] > 1e-3 and report.errors["W2"] < 1e-7
    assert "FAIL" in str(report)


def test_relu_at_its_kink_is_reported():
    X, Y = small_problem()
    # zero weights: every pre-activation is exactly 0, on the kink of relu
    model = MLP([3, 4, 1], ("relu", "sigmoid"), "binary_cross_entropy", init="zeros")
    report = check_gradients(model, X, Y)
    assert any(k.startswith("layer 1 (relu): Z[1] at z = 0: crossed the kink when perturbing W1, b1")
               for k in report.kinks)


def test_hinge_at_its_kink_is_reported():
    X = np.zeros((2, 3))
    Y = np.ones((1, 3))
    model = MLP([2, 1], ["identity"], "hinge", init="zeros")
    model.layers[0].b[:] = 1.0                     # y * a = 1: exactly on the hinge's kink
    report = check_gradients(model, X, Y)
    assert report.kinks and report.kinks[0].startswith("loss (hinge)")
    assert "b1" in report.kinks[0]


def test_a_smooth_model_reports_no_kinks_even_when_relu_is_far_from_zero():
    X, Y = small_problem(seed=3)
    model = MLP([3, 5, 1], ("relu", "sigmoid"), "binary_cross_entropy", init="he_normal", seed=2)
    model.layers[0].b[:] = 10.0                    # every Z[1] is far above the kink
    report = check_gradients(model, X, Y)
    assert report.passed and report.kinks == []
