r"""Loss functions $\mathcal L(a, y)$ and the cost $J = \frac1m \sum_{i=1}^{m} \mathcal L(a^{(i)}, y^{(i)})$.

Each loss is a small object with

* ``forward(A, Y) -> float``: the cost $J$, the mean over the $m$ columns
  (examples) of the loss summed over the output rows;
* ``backward(A, Y) -> dA``: the per-example derivative $\partial\mathcal L/\partial A$,
  with **no** $1/m$ (the book's convention: the $1/m$ enters in $dW$ and $db$).

Where the book derives $dZ = A - Y$ for the output layer, the loss also has the
fused, exact path from the pre-activation (logits) $Z$:
``binary_cross_entropy.forward_logits / backward_logits`` (sigmoid) and
``categorical_cross_entropy.forward_logits / backward_logits`` (softmax).

``A`` and ``Y`` are 2-D, one column per example, of the same shape (the
Gaussian NLL's ``A`` stacks the means over the variances, so it has twice the
rows of ``Y``). Bad input raises ``ValueError`` naming what was expected.
As in ``nnlit.activations``, underflow to 0 is allowed inside these functions
(it is the correctly rounded result); overflow, NaN and inf are not.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks
from .activations import sigmoid, softmax, softplus

__all__ = ["Loss", "LOSSES", "get", "mse", "binary_cross_entropy", "categorical_cross_entropy",
           "hinge", "gaussian_nll", "mae"]


class Loss:
    """Base class: checks the inputs, then averages the per-example loss over columns.

    A subclass defines ``_loss(A, Y)`` (the loss of each entry, summed over rows
    by the base class) and ``_backward(A, Y)``, and may refine ``_check_labels``.
    """

    name = ""

    def __repr__(self) -> str:
        return self.name

    def _check(self, A, Y) -> tuple[np.ndarray, np.ndarray]:
        A = _checks.matrix(A, "A")
        return A, self.check_targets(Y, A)

    def check_targets(self, Y, A: np.ndarray, name: str = "A") -> np.ndarray:
        """``Y`` as a float64 array that fits the output ``A`` (shape, labels), else ``ValueError``."""
        Y = _checks.same_shape(Y, "Y", A, name)
        self._check_labels(Y)
        return Y

    def _check_labels(self, Y: np.ndarray) -> None:
        pass

    def _check_logits(self, Z, Y) -> tuple[np.ndarray, np.ndarray]:
        Z = _checks.matrix(Z, "Z")
        return Z, self.check_targets(Y, Z, "Z")

    @np.errstate(under="ignore")
    def forward(self, A, Y) -> float:
        """The cost $J = \\frac1m \\sum_i \\mathcal L(a^{(i)}, y^{(i)})$."""
        return self._cost(*self._check(A, Y))

    @np.errstate(under="ignore")
    def backward(self, A, Y) -> np.ndarray:
        """$dA = \\partial\\mathcal L/\\partial A$, per example (no $1/m$)."""
        return self._backward(*self._check(A, Y))

    def side(self, A: np.ndarray, Y: np.ndarray) -> np.ndarray | None:
        """Which side of a kink each entry lies on, or ``None`` for a smooth loss."""
        return None

    def _cost(self, A, Y) -> float:
        return float(np.sum(self._loss(A, Y)) / A.shape[1])


class MSE(Loss):
    r"""Squared error $\mathcal L(a, y) = \tfrac12 (a - y)^2$, with $\partial\mathcal L/\partial a = a - y$."""

    name = "mse"

    def _loss(self, A, Y):
        return 0.5 * (A - Y) ** 2

    def _backward(self, A, Y):
        return A - Y


class MAE(Loss):
    r"""Absolute error $\mathcal L(a, y) = |a - y|$, with $\partial\mathcal L/\partial a = \operatorname{sign}(a - y)$.

    At the kink $a = y$ the subgradient $0$ is used.
    """

    name = "mae"

    def _loss(self, A, Y):
        return np.abs(A - Y)

    def _backward(self, A, Y):
        return np.sign(A - Y)

    def side(self, A, Y):
        return np.sign(A - Y)


class Hinge(Loss):
    r"""Hinge loss $\mathcal L(a, y) = \max(0,\ 1 - y\,a)$ for labels $y \in \{-1, +1\}$.

    $\partial\mathcal L/\partial a = -y$ where $y\,a < 1$, else $0$; at the kink
    $y\,a = 1$ the subgradient $0$ is used.
    """

    name = "hinge"

    def _check_labels(self, Y):
        _checks.labels_in(Y, (-1.0, 1.0), self.name)

    def _loss(self, A, Y):
        return np.maximum(0.0, 1.0 - Y * A)

    def _backward(self, A, Y):
        return np.where(Y * A < 1.0, -Y, 0.0)

    def side(self, A, Y):
        return np.sign(1.0 - Y * A)


class CrossEntropy(Loss):
    """What the two cross-entropies share: ``A`` holds probabilities in $[0, 1]$,
    and the fused path from the logits of their output activation (sigmoid, softmax).

    A subclass gives ``_cost_logits(Z, Y)`` and ``_backward_logits(Z, Y)``,
    each with its formula; ``forward_logits`` and ``backward_logits`` add the checks.
    """

    def _check(self, A, Y):
        A, Y = super()._check(A, Y)
        _checks.in_range(A, "A (probabilities)", 0.0, 1.0)
        return A, Y

    @np.errstate(under="ignore")
    def forward_logits(self, Z, Y) -> float:
        r"""The cost computed from the output layer's logits $Z$, exactly and stably."""
        Z, Y = self._check_logits(Z, Y)
        return self._cost_logits(Z, Y)

    @np.errstate(under="ignore")
    def backward_logits(self, Z, Y) -> np.ndarray:
        r"""The fused output gradient $dZ = A - Y$, with $A = g(Z)$ (per example, no $1/m$)."""
        Z, Y = self._check_logits(Z, Y)
        return self._backward_logits(Z, Y)


class BinaryCrossEntropy(CrossEntropy):
    r"""Binary cross-entropy $\mathcal L(a, y) = -\big(y \log a + (1 - y)\log(1 - a)\big)$, labels $y \in \{0, 1\}$.

    From probabilities: $\partial\mathcal L/\partial a = -\dfrac{y}{a} + \dfrac{1 - y}{1 - a}$.
    Nothing is clipped. $A$ must lie in $[0, 1]$ (else ``ValueError``); since $y$
    is 0 or 1, only the log of the probability given to the true label,
    $p = a$ if $y = 1$ else $1 - a$, is taken, so $a = 0$ or $1$ is exact when
    the label agrees. When it disagrees ($p = 0$) the loss is truly infinite:
    ``forward`` returns ``inf``, and ``backward`` raises ``ValueError`` pointing
    to the logits path.

    From logits $z$ (with $a = \sigma(z)$), exact and stable for every $z$:
    $\mathcal L = \log(1 + e^{z}) - y\,z$ (a softplus) and $dZ = \sigma(Z) - Y$.
    """

    name = "binary_cross_entropy"

    def _check_labels(self, Y):
        _checks.labels_in(Y, (0.0, 1.0), self.name)

    @np.errstate(divide="ignore")
    def _loss(self, A, Y):
        return -np.log(np.where(Y == 1, A, 1.0 - A))

    def _backward(self, A, Y):
        p = np.where(Y == 1, A, 1.0 - A)
        if (p == 0).any():
            j = tuple(int(i) for i in np.argwhere(p == 0)[0])
            raise ValueError(f"{self.name}: A[{j}] = {A[j]:g} gives probability 0 to the label "
                             f"{Y[j]:g}, so dA is infinite; use backward_logits(Z, Y) from the logits")
        return np.where(Y == 1, -1.0 / p, 1.0 / p)

    @np.errstate(under="ignore")
    def _cost_logits(self, Z, Y):
        r"""$J = \frac1m \sum \big(\log(1 + e^{z}) - y\,z\big)$, with nnlit's stable softplus."""
        return float(np.sum(softplus._forward(Z) - Y * Z) / Z.shape[1])

    def _backward_logits(self, Z, Y):
        r"""$dZ = \sigma(Z) - Y$."""
        return sigmoid._forward(Z) - Y


class CategoricalCrossEntropy(CrossEntropy):
    r"""Categorical cross-entropy $\mathcal L(a, y) = -\sum_k y_k \log a_k$, with one-hot columns $y$.

    From probabilities: $\partial\mathcal L/\partial a_k = -y_k / a_k$ (and $0$
    where $y_k = 0$). Only $\log a_k$ of the true class is taken; a probability
    of exactly 0 for it gives ``inf`` from ``forward`` and a ``ValueError`` from
    ``backward``, as for binary cross-entropy.

    From logits (with $a = \operatorname{softmax}(z)$), exact and stable:
    $\mathcal L = \log \sum_k e^{z_k} - \sum_k y_k z_k$ (log-sum-exp) and
    $dZ = \operatorname{softmax}(Z) - Y$.
    """

    name = "categorical_cross_entropy"

    def _check_labels(self, Y):
        _checks.one_hot(Y, self.name)

    @np.errstate(divide="ignore")
    def _loss(self, A, Y):
        return -np.log(np.sum(A * Y, axis=0))

    def _backward(self, A, Y):
        p = np.sum(A * Y, axis=0)
        if (p == 0).any():
            j = int(np.argmax(p == 0))
            raise ValueError(f"{self.name}: column {j} of A gives probability 0 to its class, "
                             f"so dA is infinite; use backward_logits(Z, Y) from the logits")
        dA = np.zeros_like(A)
        hot = Y == 1
        dA[hot] = -1.0 / A[hot]
        return dA

    @np.errstate(under="ignore")
    def _cost_logits(self, Z, Y):
        r"""$J = \frac1m \sum \big(\log\sum_k e^{z_k} - \sum_k y_k z_k\big)$, by log-sum-exp."""
        top = Z.max(axis=0)
        logsumexp = top + np.log(np.sum(np.exp(Z - top), axis=0))
        return float(np.sum(logsumexp - np.sum(Y * Z, axis=0)) / Z.shape[1])

    def _backward_logits(self, Z, Y):
        r"""$dZ = \operatorname{softmax}(Z) - Y$."""
        return softmax._forward(Z) - Y


class GaussianNLL(Loss):
    r"""Gaussian negative log-likelihood with a mean head and a variance head.

    ``A = np.vstack([mu, v])`` has $2 n_y$ rows (means on top, variances below,
    every $v > 0$); ``Y`` has $n_y$ rows. Per entry

    $$\mathcal L = \tfrac12\Big(\log(2\pi v) + \frac{(y - \mu)^2}{v}\Big),$$

    $\partial\mathcal L/\partial\mu = \dfrac{\mu - y}{v}$ and
    $\partial\mathcal L/\partial v = \dfrac12\Big(\dfrac1v - \dfrac{(y - \mu)^2}{v^2}\Big)$;
    ``backward`` returns ``np.vstack([dmu, dv])``.
    """

    name = "gaussian_nll"

    def _check(self, A, Y):
        A = _checks.matrix(A, "A")
        Y = self.check_targets(Y, A)
        _checks.positive(A[A.shape[0] // 2:], "the variance rows of A")
        return A, Y

    def check_targets(self, Y, A, name="A"):
        if A.shape[0] % 2:
            raise ValueError(f"{name} must stack means over variances, so an even number of rows "
                             f"(2·n_y, m), got {A.shape}")
        means = A[: A.shape[0] // 2]
        return _checks.same_shape(Y, "Y", means, f"the mean rows of {name}")

    @staticmethod
    def _split(A):
        n_y = A.shape[0] // 2
        return A[:n_y], A[n_y:]

    def _loss(self, A, Y):
        mu, v = self._split(A)
        return 0.5 * (np.log(2.0 * math.pi * v) + (Y - mu) ** 2 / v)

    def _backward(self, A, Y):
        mu, v = self._split(A)
        r = Y - mu
        return np.vstack([-r / v, 0.5 * (1.0 / v - r * r / (v * v))])


mse = MSE()
binary_cross_entropy = BinaryCrossEntropy()
categorical_cross_entropy = CategoricalCrossEntropy()
hinge = Hinge()
gaussian_nll = GaussianNLL()
mae = MAE()

LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    mse, binary_cross_entropy, categorical_cross_entropy, hinge, gaussian_nll, mae)}


def get(name: str | Loss) -> Loss:
    """A loss by name (a ``Loss`` object is returned as is)."""
    if isinstance(name, Loss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    return LOSSES[name]
