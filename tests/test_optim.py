"""nnlit.optim: each update by hand, in-place updates, schedules, convergence on a quadratic."""

import math

import numpy as np
import pytest

from nnlit import optim


def fresh():
    return {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}


GRADS = {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]])}


def test_sgd_step_in_place():
    params = fresh()
    W = params["W1"]
    optim.SGD(0.1).step(params, GRADS)
    assert params["W1"] is W                                    # updated in place
    # one multiply and one subtract: within an ulp or two
    np.testing.assert_allclose(W, [[1.0 - 0.02, -2.0 + 0.04]], rtol=1e-15)


def test_momentum_two_steps_by_hand():
    params, beta, lr = fresh(), 0.9, 0.1
    opt = optim.Momentum(lr, beta=beta)
    opt.step(params, GRADS)
    opt.step(params, GRADS)
    g = GRADS["dW1"]
    v1 = (1 - beta) * g
    v2 = beta * v1 + (1 - beta) * g
    # the same operations in the same order up to regrouping: 1e-14 relative
    np.testing.assert_allclose(params["W1"], fresh()["W1"] - lr * v1 - lr * v2, rtol=1e-14)


def test_rmsprop_one_step_by_hand():
    params, beta, lr, eps = fresh(), 0.999, 0.01, 1e-8
    optim.RMSProp(lr, beta=beta, eps=eps).step(params, GRADS)
    g = GRADS["db1"]
    s = (1 - beta) * g * g
    # the same operations in the same order up to regrouping: 1e-14 relative
    np.testing.assert_allclose(params["b1"], 0.5 - lr * g / (np.sqrt(s) + eps), rtol=1e-14)


def test_adam_two_steps_by_hand_with_bias_correction():
    params, lr, b1, b2, eps = fresh(), 0.01, 0.9, 0.999, 1e-8
    opt = optim.Adam(lr, beta1=b1, beta2=b2, eps=eps)
    expected = fresh()["W1"].copy()
    v = s = 0.0
    for t in (1, 2):
        g = GRADS["dW1"]
        v, s = b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g * g
        expected = expected - lr * (v / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps)
        opt.step(params, GRADS)
    # the same arithmetic grouped differently: 1e-13 relative
    np.testing.assert_allclose(params["W1"], expected, rtol=1e-13)
    assert opt.t == 2


def test_first_adam_step_has_size_lr():
    params = fresh()
    optim.Adam(0.01).step(params, GRADS)
    # bias correction makes the first step lr * g / (|g| + eps): lr up to eps / |g| ~ 1e-7
    np.testing.assert_allclose(fresh()["W1"] - params["W1"], 0.01 * np.sign(GRADS["dW1"]), rtol=1e-6)


def test_a_0d_parameter_is_updated_in_place():
    alpha = np.array(0.25)
    optim.Adam(0.1).step({"alpha1": alpha}, {"dalpha1": np.array(1.0)})
    assert float(alpha) < 0.25


def test_missing_or_misshapen_gradients():
    with pytest.raises(ValueError, match=r"no gradient 'db1' for parameter 'b1'"):
        optim.SGD(0.1).step(fresh(), {"dW1": GRADS["dW1"]})
    with pytest.raises(ValueError, match=r"dW1 must have shape \(1, 2\) to match W1, got \(2,\)"):
        optim.SGD(0.1).step(fresh(), {"dW1": np.zeros(2), "db1": GRADS["db1"]})


def test_schedules():
    inverse = optim.inverse_time_decay(0.1, decay_rate=1.0)
    assert [inverse(e) for e in (0, 1, 3)] == [0.1, 0.05, 0.025]
    stepped = optim.inverse_time_decay(0.1, decay_rate=1.0, time_interval=1000)
    assert [stepped(e) for e in (999, 1000)] == [0.1, 0.05]
    exponential = optim.exponential_decay(0.1, decay_rate=0.5)
    assert exponential(2) == pytest.approx(0.025, rel=1e-15)
    opt = optim.SGD(schedule=inverse)
    assert opt.lr == 0.1
    opt.set_epoch(3)
    assert opt.lr == 0.025


def test_lr_or_schedule_exactly_one():
    with pytest.raises(ValueError, match="exactly one"):
        optim.SGD()
    with pytest.raises(ValueError, match="exactly one"):
        optim.Adam(0.1, schedule=optim.exponential_decay(0.1, 0.9))


@pytest.mark.parametrize(("opt", "steps"), [
    (optim.SGD(0.1), 300), (optim.Momentum(0.1), 300), (optim.RMSProp(0.01), 1000), (optim.Adam(0.05), 1000),
])
def test_each_optimizer_minimises_a_quadratic(opt, steps):
    # J = 1/2 sum(c * w^2), gradient c * w: an anisotropic bowl with its minimum at 0
    c = np.array([[1.0, 10.0]])
    params = {"W": np.array([[3.0, -2.0]])}
    for _ in range(steps):
        opt.step(params, {"dW": c * params["W"]})
    # a loose bar: each method gets within 0.05 of the minimum; a wrong sign diverges instead
    assert np.abs(params["W"]).max() < 0.05
    assert math.isfinite(float(params["W"].sum()))
