"""nnlit.datasets: book shapes, labels, seeds, and the shape of each set."""

import numpy as np
import pytest

from nnlit import datasets

SEEDED = {
    "planar_flower": lambda seed: datasets.planar_flower(seed=seed),
    "two_spirals": lambda seed: datasets.two_spirals(seed=seed),
    "spirals": lambda seed: datasets.spirals(seed=seed),
    "moons": lambda seed: datasets.moons(seed=seed),
    "circles": lambda seed: datasets.circles(seed=seed),
    "blobs": lambda seed: datasets.blobs(seed=seed),
    "xor (noisy)": lambda seed: datasets.xor(noise=0.1, copies=5, seed=seed),
}


@pytest.mark.parametrize("name", list(SEEDED))
def test_seeded_book_shapes(name):
    state = np.random.get_state()[1].copy()
    X, Y = SEEDED[name](3)
    assert X.ndim == 2 and Y.ndim == 2 and X.shape[1] == Y.shape[1]
    assert X.dtype == np.float64 and Y.dtype == np.float64
    X2, Y2 = SEEDED[name](3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(X, SEEDED[name](4)[0])
    np.testing.assert_array_equal(np.random.get_state()[1], state)    # global state untouched
    if Y.shape[0] == 1:
        assert set(np.unique(Y)) == {0.0, 1.0}
    else:
        assert np.all(Y.sum(axis=0) == 1) and set(np.unique(Y)) == {0.0, 1.0}


def test_planar_flower():
    X, Y = datasets.planar_flower()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert Y.sum() == 200 and np.all(Y[0, :200] == 0) and np.all(Y[0, 200:] == 1)
    # |x| = |r| with r = 4 sin(4t) + 0.2 noise: within 4 + 5 sigma of noise
    assert np.linalg.norm(X, axis=0).max() < 4 + 5 * 0.2
    # class 0 takes angles t in [0, 3.12] (+ noise), so its points have mostly x_1 = r sin t
    # with the sign of r; the four petals give both signs to both classes
    for j in (0, 1):
        cls = X[:, Y[0] == j]
        assert (cls[0] > 0).mean() > 0.2 and (cls[0] < 0).mean() > 0.2
    with pytest.raises(ValueError, match="m must be even"):
        datasets.planar_flower(m=3)


def test_planar_flower_follows_its_formula_without_noise():
    X, _ = datasets.planar_flower(m=8, noise=0.0)
    t = np.concatenate([np.linspace(0, 3.12, 4), np.linspace(3.12, 6.24, 4)])
    r = 4 * np.sin(4 * t)
    # the same formula evaluated twice: a few ulps
    np.testing.assert_allclose(X, np.vstack([r * np.sin(t), r * np.cos(t)]), atol=1e-14)


def test_xor_and_logic_gates():
    X, Y = datasets.xor()
    np.testing.assert_array_equal(X, [[0, 0, 1, 1], [0, 1, 0, 1]])
    np.testing.assert_array_equal(Y, [[0, 1, 1, 0]])
    for gate, expected in [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0])]:
        Xg, Yg = datasets.logic_gate(gate)
        np.testing.assert_array_equal(Xg, X)
        np.testing.assert_array_equal(Yg, [expected])
    Xn, Yn = datasets.logic_gate("NOT")
    np.testing.assert_array_equal(Xn, [[0, 1]])
    np.testing.assert_array_equal(Yn, [[1, 0]])
    with pytest.raises(ValueError, match="unknown gate 'xnor'; expected one of and, or"):
        datasets.logic_gate("xnor")


def test_spirals_and_blobs_classes():
    X, Y = datasets.spirals(n_classes=4, m=200)
    assert X.shape == (2, 200) and Y.shape == (4, 200) and np.all(Y.sum(axis=1) == 50)
    assert datasets.two_spirals(m=100)[1].shape == (1, 100)
    assert datasets.blobs(m=90, centers=3)[1].shape == (3, 90)
    assert datasets.blobs(m=90, centers=2)[1].shape == (1, 90)
    centres = np.array([[-10.0, 10.0], [0.0, 0.0]])
    Xb, Yb = datasets.blobs(m=100, centers=centres, std=0.5)
    # points sit within 5 std of their own centre
    assert np.all(np.abs(Xb[0] - np.where(Yb[0] == 1, 10.0, -10.0)) < 2.5)


def test_moons_and_circles_geometry():
    X, Y = datasets.circles(m=400, noise=0.0, factor=0.3)
    radius = np.linalg.norm(X, axis=0)
    # r (cos t, sin t) has norm r up to a few ulps
    np.testing.assert_allclose(radius, np.where(Y[0] == 1, 0.3, 1.0), rtol=1e-14)
    X, Y = datasets.moons(m=400, noise=0.0)
    upper = X[:, Y[0] == 0]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=0), 1.0, rtol=1e-14)   # cos^2 + sin^2
    assert Y.sum() == 200


def test_one_hot():
    np.testing.assert_array_equal(datasets.one_hot([2, 0], 3), [[0, 1], [0, 0], [1, 0]])


def _course_flower():
    """The course notes' load_planar_dataset, line for line: global seed 1, rows as examples."""
    np.random.seed(1)
    m, N, a = 400, 200, 4
    X, Y = np.zeros((m, 2)), np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def test_planar_flower_is_the_course_data_without_touching_global_state():
    saved = np.random.get_state()
    try:
        X_course, Y_course = _course_flower()
    finally:
        np.random.set_state(saved)
    before = np.random.get_state()[1].copy()
    X, Y = datasets.planar_flower()
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    # the same operations on the same stream: equal to the last bit
    np.testing.assert_array_equal(X, X_course)
    np.testing.assert_array_equal(Y, Y_course.astype(np.float64))
    # a different seed is a different stream, not the course's points
    assert not np.array_equal(datasets.planar_flower(seed=2)[0], X_course)
