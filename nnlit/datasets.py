r"""Small data sets generated in code (nothing is downloaded), in the book's shapes.

Every function returns ``(X, Y)`` with ``X`` of shape $(n_x, m)$, one column
per example, and float64 labels: ``Y`` of shape $(1, m)$ holding 0 or 1 for two
classes, or one-hot columns, shape $(K, m)$, for $K > 2$ classes. Randomness
comes only from a local generator made from ``seed``, so a seed fixes the data and
no function touches numpy's global state: ``numpy.random.default_rng(seed)``, except
for ``planar_flower``, which uses the legacy ``numpy.random.RandomState(seed)`` to
reproduce the course notes' points exactly.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["planar_flower", "xor", "logic_gate", "two_spirals", "spirals", "moons", "circles",
           "blobs", "one_hot"]


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Class indices ``(m,)`` or ``(1, m)`` as one-hot columns, shape ``(n_classes, m)``."""
    labels = np.asarray(labels, dtype=int).ravel()
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _shuffled(X, Y, rng):
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


def planar_flower(m: int = 400, seed: int = 1, petals: int = 4, noise: float = 0.2):
    r"""The course notes' "flower": two classes in the plane, 4 petals, not linearly separable.

    For class $j \in \{0, 1\}$, $N = m/2$ points with angle
    $t = \operatorname{linspace}(3.12\,j,\ 3.12\,(j+1),\ N) + 0.2\,\epsilon$ and radius
    $r = 4 \sin(4t) + 0.2\,\epsilon'$ ($\epsilon, \epsilon' \sim \mathcal N(0, 1)$), at
    $x = (r \sin t,\ r \cos t)$. Returns ``X`` (2, m) and ``Y`` (1, m); class 0
    fills the first $N$ columns and class 1 the rest.

    The noise comes from a local legacy generator, ``numpy.random.RandomState(seed)``,
    drawn in the course's order ($\epsilon$ then $\epsilon'$ for class 0, then for
    class 1). Its stream is the one the course set with ``np.random.seed(1)``, so the
    defaults give the course's 400 points exactly, without touching numpy's global state.
    """
    if m % 2:
        raise ValueError(f"m must be even (two classes of m/2 points), got {m}")
    rng = np.random.RandomState(seed)             # the course's legacy stream, kept local
    n = m // 2
    X, Y = np.zeros((2, m)), np.zeros((1, m))
    for j in range(2):
        cols = slice(j * n, (j + 1) * n)
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = 4.0 * np.sin(petals * t) + rng.randn(n) * noise
        X[:, cols] = np.vstack([r * np.sin(t), r * np.cos(t)])
        Y[0, cols] = j
    return X, Y


_GATES = {
    "and": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 0, 0, 1]]),
    "or": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 1]]),
    "nand": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[1, 1, 1, 0]]),
    "nor": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[1, 0, 0, 0]]),
    "xor": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 0]]),
    "not": ([[0, 1]], [[1, 0]]),
}


def logic_gate(name: str):
    """The truth table of a logic gate: ``"and"``, ``"or"``, ``"not"`` (also ``"nand"``, ``"nor"``, ``"xor"``).

    ``X`` has one column per input combination (shape (2, 4), or (1, 2) for
    "not") and ``Y`` the gate's output, shape (1, 4) or (1, 2).
    """
    key = name.lower()
    if key not in _GATES:
        raise ValueError(f"unknown gate {name!r}; expected one of {', '.join(_GATES)}")
    X, Y = _GATES[key]
    return np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64)


def xor(noise: float = 0.0, copies: int = 1, seed: int = 0):
    r"""XOR: $y = x_1 \oplus x_2$ on the four corners of the unit square.

    With the defaults, the exact truth table (X (2, 4), Y (1, 4)). ``copies``
    repeats the table and ``noise`` adds $\mathcal N(0, \text{noise}^2)$ jitter to
    the inputs, for a cloud around each corner.
    """
    X, Y = logic_gate("xor")
    X, Y = np.tile(X, copies), np.tile(Y, copies)
    if noise > 0:
        X = X + noise * np.random.default_rng(seed).standard_normal(X.shape)
    return X, Y


def spirals(n_classes: int = 3, m: int = 300, noise: float = 0.2, turns: float = 1.0, seed: int = 0):
    r"""$K$ interleaved spiral arms, one per class, with one-hot ``Y`` of shape $(K, m)$.

    Arm $k$ has $N = m/K$ points at radius $r = \operatorname{linspace}(0, 1, N)$
    and angle $\theta = 2\pi\,\text{turns}\cdot r + 2\pi k/K + \text{noise}\cdot\epsilon$,
    at $x = (r \cos\theta,\ r \sin\theta)$.
    """
    if m % n_classes:
        raise ValueError(f"m must be a multiple of n_classes = {n_classes}, got {m}")
    rng = np.random.default_rng(seed)
    n = m // n_classes
    X, labels = np.zeros((2, m)), np.zeros(m, dtype=int)
    for k in range(n_classes):
        cols = slice(k * n, (k + 1) * n)
        r = np.linspace(0.0, 1.0, n)
        theta = 2 * math.pi * turns * r + 2 * math.pi * k / n_classes + noise * rng.standard_normal(n)
        X[:, cols] = np.vstack([r * np.cos(theta), r * np.sin(theta)])
        labels[cols] = k
    return X, one_hot(labels, n_classes)


def two_spirals(m: int = 200, noise: float = 0.1, turns: float = 1.5, seed: int = 0):
    r"""Two interleaved spirals, the classic hard two-class problem; ``Y`` of shape (1, m).

    The same construction as ``spirals`` with $K = 2$ (and, by default, 1.5 turns),
    the labels given as 0/1 in one row.
    """
    X, Y = spirals(2, m, noise=noise, turns=turns, seed=seed)
    return X, Y[1:2]


def moons(m: int = 200, noise: float = 0.1, seed: int = 0):
    r"""Two interleaving half circles; ``Y`` of shape (1, m).

    Class 0: $(\cos t, \sin t)$, class 1: $(1 - \cos t,\ 0.5 - \sin t)$, with
    $t \sim U[0, \pi]$, plus $\mathcal N(0, \text{noise}^2)$ jitter.
    """
    rng = np.random.default_rng(seed)
    n0 = m // 2
    t = rng.uniform(0.0, math.pi, m)
    upper = np.vstack([np.cos(t[:n0]), np.sin(t[:n0])])
    lower = np.vstack([1.0 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])])
    X = np.hstack([upper, lower]) + noise * rng.standard_normal((2, m))
    Y = np.hstack([np.zeros((1, n0)), np.ones((1, m - n0))])
    return _shuffled(X, Y, rng)


def circles(m: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    r"""A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1); ``Y`` (1, m)."""
    rng = np.random.default_rng(seed)
    n0 = m // 2
    t = rng.uniform(0.0, 2 * math.pi, m)
    radius = np.where(np.arange(m) < n0, 1.0, factor)
    X = radius * np.vstack([np.cos(t), np.sin(t)]) + noise * rng.standard_normal((2, m))
    Y = (np.arange(m) >= n0).astype(np.float64).reshape(1, m)
    return _shuffled(X, Y, rng)


def blobs(m: int = 300, centers=3, std: float = 1.0, n_features: int = 2, seed: int = 0):
    r"""Gaussian clusters $x \sim \mathcal N(c_k, \text{std}^2 I)$, one per class.

    ``centers`` is a number $K$ of clusters (centres drawn uniformly in
    $[-5, 5]^{n_x}$) or an array of shape $(n_x, K)$ of centres. Points are shared
    out as evenly as possible. ``Y`` is (1, m) of 0/1 for $K = 2$, one-hot $(K, m)$ otherwise.
    """
    rng = np.random.default_rng(seed)
    if np.ndim(centers) == 0:
        centers = rng.uniform(-5.0, 5.0, size=(n_features, int(centers)))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"centers must be a number or an array of shape (n_x, K), got shape {centers.shape}")
    n_classes = centers.shape[1]
    labels = np.arange(m) % n_classes
    X = centers[:, labels] + std * rng.standard_normal((centers.shape[0], m))
    Y = labels.astype(np.float64).reshape(1, m) if n_classes == 2 else one_hot(labels, n_classes)
    return _shuffled(X, Y, rng)
