"""nnlit.init: shapes, target variances, configuration, explicit randomness."""

import math

import numpy as np
import pytest

from nnlit import init
from nnlit.init import INITIALIZERS

NAMES = ["zeros", "constant", "small_random", "epsilon_uniform", "xavier_uniform", "xavier_normal",
         "he_uniform", "he_normal", "lecun_normal"]
N_OUT, N_IN = 300, 400       # 120,000 draws per matrix

# target Var(W_ij) for each random initializer (the docstrings' formulas)
VARIANCES = {
    "small_random": 0.01 ** 2,
    "epsilon_uniform": 0.12 ** 2 / 3,
    "xavier_uniform": 2 / (N_IN + N_OUT),
    "xavier_normal": 2 / (N_IN + N_OUT),
    "he_uniform": 2 / N_IN,
    "he_normal": 2 / N_IN,
    "lecun_normal": 1 / N_IN,
}


def test_registry_names():
    assert list(INITIALIZERS) == NAMES


@pytest.mark.parametrize("name", list(VARIANCES))
def test_variance_matches_the_target(name):
    W = INITIALIZERS[name](N_OUT, N_IN, np.random.default_rng(0))
    assert W.shape == (N_OUT, N_IN) and W.dtype == np.float64
    # the sample variance of N = 120,000 draws has relative standard error sqrt(2/N) ~ 0.4%
    # (less for uniform draws); 3% is more than 7 standard errors, yet far below any formula slip
    assert W.var() == pytest.approx(VARIANCES[name], rel=0.03)
    assert abs(W.mean()) < 5 * math.sqrt(VARIANCES[name] / W.size)   # 5 standard errors


@pytest.mark.parametrize(("name", "bound"), [("xavier_uniform", math.sqrt(6 / (N_IN + N_OUT))),
                                             ("he_uniform", math.sqrt(6 / N_IN)),
                                             ("epsilon_uniform", 0.12)])
def test_uniform_bounds(name, bound):
    W = INITIALIZERS[name](N_OUT, N_IN, np.random.default_rng(1))
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound       # 120,000 draws come within 1% of the bound


def test_seeded_generators_reproduce_and_global_state_is_untouched():
    state = np.random.get_state()[1].copy()
    a = init.he_normal(3, 4, np.random.default_rng(7))
    b = init.he_normal(3, 4, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, init.he_normal(3, 4, np.random.default_rng(8)))
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_parametrised_initializers_configure():
    rng = np.random.default_rng(0)
    assert np.all(init.constant(0.3)(2, 3, rng) == 0.3)
    assert np.all(init.constant(value=0.3)(2, 3, rng) == 0.3)
    # 200,000 normal draws: the sample std has relative standard error 1/sqrt(2N) ~ 0.16%; 2% is ~12 sigma
    assert init.small_random(scale=0.5)(500, 400, rng).std() == pytest.approx(0.5, rel=0.02)
    assert init.small_random(0.5).__name__ == "small_random(scale=0.5)"
    assert np.abs(init.epsilon_uniform(0.05)(30, 40, rng)).max() <= 0.05
    assert init.get("small_random", scale=2.0)(2, 2, rng).shape == (2, 2)
    assert init.small_random(4, 3, rng).shape == (4, 3)                # the default scale 0.01
    assert np.all(init.zeros(2, 3) == 0)


def test_constant_needs_its_value_and_bad_names_fail():
    with pytest.raises(TypeError, match="constant needs its value"):
        init.constant(2, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match="takes one parameter, scale"):
        init.small_random(sigma=0.1)
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        init.get("glorot")
