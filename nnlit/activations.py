r"""Activation functions $g$: the forward map $A = g(Z)$ and its backward pass.

Each activation is a small object with

* ``forward(Z) -> A``, applied entry by entry (softmax: column by column);
* ``backward(Z, dA) -> dZ``, the vector–Jacobian product
  $dZ = dA \odot g'(Z)$ for the elementwise ones, the full Jacobian product
  for softmax. ``dA`` and ``dZ`` carry no $1/m$ (the book's convention).

Elementwise activations accept arrays of any shape (a 1-D grid of $z$ values
for a plot is fine); softmax needs a 2-D ``Z`` with one column per example.

The implementations are written to be exact at the extremes: no overflow, NaN
or warning for $|z|$ up to $10^4$. An exponential (or the square of a tiny
number) may *underflow* to 0 there; that is the correctly rounded result, so
underflow is allowed inside these functions (``np.errstate(under="ignore")``)
and nothing else is.

Parametrised activations return a configured copy when called with their
parameter: ``leaky_relu(alpha=0.2)``, ``elu(alpha=0.5)``, ``prelu(alpha=0.25)``.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks

__all__ = ["Activation", "ACTIVATIONS", "get",
           "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "softmax", "step",
           "identity", "softplus", "silu", "gelu"]


class Activation:
    """Base class: validation, parameters and the elementwise backward rule.

    A subclass defines ``_forward(Z)`` and, when elementwise, ``_derivative(Z)``
    $= g'(Z)$. ``kink`` is the $z$ where $g$ is not (twice) differentiable, or
    ``None``; the gradient check uses it to explain a failure near that point.
    """

    name = ""
    kink: float | None = None
    elementwise = True
    defaults: dict[str, float] = {}

    def __init__(self, **params):
        for key, value in {**self.defaults, **params}.items():
            setattr(self, key, float(value))

    # -- parameters ------------------------------------------------------------
    @property
    def params(self) -> dict[str, float]:
        """The parameters as plain floats, e.g. ``{"alpha": 0.01}``."""
        return {key: float(getattr(self, key)) for key in self.defaults}

    @property
    def learnable(self) -> dict[str, np.ndarray]:
        """Parameters trained by gradient descent (live arrays); none by default."""
        return {}

    def __call__(self, *args, **params) -> "Activation":
        """A configured copy, e.g. ``leaky_relu(alpha=0.2)``."""
        if args:
            raise TypeError(f"{self.name}(...) configures the activation; "
                            f"to apply it to an array call {self.name}.forward(Z)")
        unknown = set(params) - set(self.defaults)
        if unknown:
            known = ", ".join(self.defaults) or "none"
            raise TypeError(f"{self.name} has no parameter {sorted(unknown)}; its parameters: {known}")
        return type(self)(**{**self.params, **params})

    def __repr__(self) -> str:
        inside = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{self.name}({inside})" if inside else self.name

    # -- the public, validated interface ------------------------------------------
    def _check(self, Z) -> np.ndarray:
        return _checks.array(Z, "Z") if self.elementwise else _checks.matrix(Z, "Z")

    @np.errstate(under="ignore")
    def forward(self, Z) -> np.ndarray:
        """$A = g(Z)$."""
        return self._forward(self._check(Z))

    @np.errstate(under="ignore")
    def backward(self, Z, dA) -> np.ndarray:
        """$dZ = dA \\odot g'(Z)$ (softmax: the full Jacobian product)."""
        Z = self._check(Z)
        return self._backward(Z, _checks.same_shape(dA, "dA", Z, "Z"))

    @np.errstate(under="ignore")
    def derivative(self, Z) -> np.ndarray:
        """$g'(Z)$ entry by entry (elementwise activations only)."""
        if not self.elementwise:
            raise ValueError(f"{self.name} is not elementwise: its derivative is a Jacobian; "
                             f"use backward(Z, dA)")
        return self._derivative(self._check(Z))

    def side(self, Z: np.ndarray) -> np.ndarray | None:
        """Which side of the kink each entry lies on (-1, 0, +1), or ``None``."""
        return None if self.kink is None else np.sign(Z - self.kink)

    # -- the mathematics (unvalidated; layers call these) -------------------------------
    def _backward(self, Z: np.ndarray, dA: np.ndarray) -> np.ndarray:
        return dA * self._derivative(Z)


class Sigmoid(Activation):
    r"""Logistic sigmoid $\sigma(z) = \dfrac{1}{1 + e^{-z}}$, with $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.

    Computed from $e^{-|z|}$, which never overflows: $\sigma(z) = 1/(1+e^{-z})$
    for $z \ge 0$ and $e^{z}/(1+e^{z})$ for $z < 0$.
    """

    name = "sigmoid"

    @np.errstate(under="ignore")
    def _forward(self, Z):
        e = np.exp(-np.abs(Z))
        return np.where(Z >= 0, 1.0, e) / (1.0 + e)

    def _derivative(self, Z):
        s = self._forward(Z)
        return s * (1.0 - s)


class Tanh(Activation):
    r"""Hyperbolic tangent $\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$, with $\tanh'(z) = 1 - \tanh^2(z)$."""

    name = "tanh"

    def _forward(self, Z):
        return np.tanh(Z)

    def _derivative(self, Z):
        return 1.0 - np.tanh(Z) ** 2


class ReLU(Activation):
    r"""Rectified linear unit $\operatorname{ReLU}(z) = \max(0, z)$, with $\operatorname{ReLU}'(z) = 1$ for $z > 0$, else $0$.

    At the kink $z = 0$ the derivative is taken as $0$ (a valid subgradient).
    """

    name = "relu"
    kink = 0.0

    def _forward(self, Z):
        return np.maximum(Z, 0.0)

    def _derivative(self, Z):
        return (Z > 0).astype(np.float64)

    def _backward(self, Z, dA):
        return dA * (Z > 0)


class LeakyReLU(Activation):
    r"""Leaky ReLU $g(z) = z$ for $z > 0$, $\alpha z$ otherwise; $g'(z) = 1$ for $z > 0$, $\alpha$ otherwise.

    $\alpha$ is fixed (default $0.01$); at the kink $z = 0$ the derivative is taken as $\alpha$.
    """

    name = "leaky_relu"
    kink = 0.0
    defaults = {"alpha": 0.01}

    def _forward(self, Z):
        return np.where(Z > 0, Z, self.alpha * Z)

    def _derivative(self, Z):
        return np.where(Z > 0, 1.0, self.alpha)


class PReLU(Activation):
    r"""Parametric ReLU: $g(z) = z$ for $z > 0$, $\alpha z$ otherwise, with a learnable $\alpha$.

    $g'(z) = 1$ for $z > 0$, $\alpha$ otherwise, and $\partial g/\partial\alpha = \min(z, 0)$.
    One $\alpha$ is shared by the whole layer, so ``backward`` also stores

    $$d\alpha = \frac{1}{m} \sum_{i,j} dA_{ij} \min(Z_{ij}, 0),$$

    with $m$ the number of columns (examples), the same $1/m$ as $dW$.
    ``alpha`` reads the value as a float; ``learnable["alpha"]`` is the live
    0-d array an optimizer updates in place.
    """

    name = "prelu"
    kink = 0.0
    defaults = {"alpha": 0.25}

    def __init__(self, alpha: float = 0.25):
        self._alpha = np.array(float(alpha))
        self.dalpha = None

    @property
    def alpha(self) -> float:
        return float(self._alpha)

    @alpha.setter
    def alpha(self, value: float) -> None:
        self._alpha[()] = value

    @property
    def learnable(self):
        return {"alpha": self._alpha}

    def _forward(self, Z):
        return np.where(Z > 0, Z, self._alpha * Z)

    def _derivative(self, Z):
        return np.where(Z > 0, 1.0, self._alpha)

    def _backward(self, Z, dA):
        m = Z.shape[1] if Z.ndim == 2 else 1
        self.dalpha = np.array(np.sum(dA * np.minimum(Z, 0.0)) / m)
        return dA * self._derivative(Z)


class ELU(Activation):
    r"""Exponential linear unit: $g(z) = z$ for $z > 0$, $\alpha(e^{z} - 1)$ otherwise;
    $g'(z) = 1$ for $z > 0$, $\alpha e^{z}$ otherwise.

    $e^z - 1$ is computed by ``expm1`` on $\min(z, 0)$, so it is exact near 0 and
    never overflows. For $\alpha \ne 1$ the derivative jumps at $z = 0$; even for
    $\alpha = 1$ the second derivative does, so $z = 0$ counts as a kink for the
    gradient check.
    """

    name = "elu"
    kink = 0.0
    defaults = {"alpha": 1.0}

    def _forward(self, Z):
        return np.where(Z > 0, Z, self.alpha * np.expm1(np.minimum(Z, 0.0)))

    @np.errstate(under="ignore")
    def _derivative(self, Z):
        return np.where(Z > 0, 1.0, self.alpha * np.exp(np.minimum(Z, 0.0)))


class Softmax(Activation):
    r"""Softmax of each column: $\operatorname{softmax}(z)_i = \dfrac{e^{z_i}}{\sum_k e^{z_k}}$.

    Computed as $e^{z_i - \max_k z_k} / \sum_k e^{z_k - \max_k z_k}$, which is the
    same number and cannot overflow. The backward pass is the full Jacobian
    product, column by column, with $s = \operatorname{softmax}(z)$:

    $$dz = s \odot \Big(da - \sum_k s_k\, da_k\Big).$$
    """

    name = "softmax"
    elementwise = False

    @np.errstate(under="ignore")
    def _forward(self, Z):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)

    def _backward(self, Z, dA):
        S = self._forward(Z)
        return S * (dA - np.sum(S * dA, axis=0, keepdims=True))


class Step(Activation):
    r"""Heaviside step $H(z) = 1$ for $z \ge 0$, $0$ otherwise (the perceptron's activation).

    Its derivative is $0$ wherever it exists (and undefined at $z = 0$, where
    it jumps), so ``backward`` returns zeros: a step network cannot be trained
    by gradients; the perceptron rule trains it instead.
    """

    name = "step"
    kink = 0.0

    def _forward(self, Z):
        return (Z >= 0).astype(np.float64)

    def _derivative(self, Z):
        return np.zeros_like(Z)


class Identity(Activation):
    r"""Identity $g(z) = z$, with $g'(z) = 1$ (the output of a regression network)."""

    name = "identity"

    def _forward(self, Z):
        return Z.copy()

    def _derivative(self, Z):
        return np.ones_like(Z)

    def _backward(self, Z, dA):
        return dA.copy()


class Softplus(Activation):
    r"""Softplus $g(z) = \log(1 + e^{z})$, with $g'(z) = \sigma(z)$.

    Computed as $\max(z, 0) + \log(1 + e^{-|z|})$ (``log1p``), exact for every $z$.
    """

    name = "softplus"

    @np.errstate(under="ignore")
    def _forward(self, Z):
        return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))

    def _derivative(self, Z):
        return sigmoid._forward(Z)


class SiLU(Activation):
    r"""SiLU (swish) $g(z) = z\,\sigma(z)$, with $g'(z) = \sigma(z)\,\big(1 + z\,(1 - \sigma(z))\big)$."""

    name = "silu"

    def _forward(self, Z):
        return Z * sigmoid._forward(Z)

    def _derivative(self, Z):
        s = sigmoid._forward(Z)
        return s * (1.0 + Z * (1.0 - s))


_erf = np.vectorize(math.erf, otypes=[np.float64])


class GELU(Activation):
    r"""GELU, exact form: $g(z) = z\,\Phi(z)$ with $\Phi(z) = \tfrac12\big(1 + \operatorname{erf}(z/\sqrt2)\big)$,
    and $g'(z) = \Phi(z) + z\,\varphi(z)$ with $\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}$.

    $\operatorname{erf}$ is the standard library's ``math.erf`` applied entry by
    entry (numpy has no erf), so this is the exact GELU, not the tanh approximation.
    """

    name = "gelu"

    def _forward(self, Z):
        return Z * _Phi(Z)

    @np.errstate(under="ignore")
    def _derivative(self, Z):
        return _Phi(Z) + Z * np.exp(-0.5 * Z * Z) / math.sqrt(2.0 * math.pi)


def _Phi(Z):
    """Standard normal CDF, $\\Phi(z) = \\frac12(1 + \\operatorname{erf}(z/\\sqrt2))$."""
    return 0.5 * (1.0 + _erf(Z / math.sqrt(2.0)))


sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU()
prelu = PReLU()
elu = ELU()
softmax = Softmax()
step = Step()
identity = Identity()
softplus = Softplus()
silu = SiLU()
gelu = GELU()

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    sigmoid, tanh, relu, leaky_relu, prelu, elu, softmax, step, identity, softplus, silu, gelu)}


def get(name: str | Activation, **params) -> Activation:
    """A fresh activation by name, configured by ``params``: ``get("elu", alpha=0.5)``.

    An ``Activation`` is accepted too and copied (with ``params`` applied), so
    that each layer owns its own (for PReLU, its own learnable $\\alpha$).
    """
    if isinstance(name, Activation):
        return name(**params)
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name](**params)
