r"""A fully connected layer: $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$ and $A^{[l]} = g^{[l]}(Z^{[l]})$.

Backward, from $dA^{[l]}$ (per example, no $1/m$):

$$dZ^{[l]} = dA^{[l]} \odot g^{[l]\prime}(Z^{[l]}),\qquad
dW^{[l]} = \frac1m\, dZ^{[l]} A^{[l-1]\top},\qquad
db^{[l]} = \frac1m \sum_{i=1}^{m} dZ^{[l](i)},\qquad
dA^{[l-1]} = W^{[l]\top} dZ^{[l]}.$$
"""

from __future__ import annotations

import numpy as np

from . import _checks
from . import activations as _activations
from . import init as _init


def as_rng(rng) -> np.random.Generator:
    """A ``numpy.random.Generator`` from ``None`` (fresh entropy), an int seed, or a Generator."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


class Dense:
    """A fully connected layer of ``n_out`` units on ``n_in`` inputs.

    ``activation`` is a name from ``nnlit.activations.ACTIVATIONS`` or an
    activation object (the layer keeps its own copy). ``init`` is a name from
    ``nnlit.init.INITIALIZERS`` or an initializer ``(n_out, n_in, rng) -> W``.
    ``rng`` is a seed, a Generator, or ``None`` for fresh entropy. ``b`` starts at 0.

    ``forward`` keeps ``A_prev``, ``Z`` and ``A`` for ``backward``, which stores
    ``dW`` and ``db`` (and ``activation.dalpha`` for PReLU).
    """

    def __init__(self, n_in: int, n_out: int, activation="relu", init="he_normal", rng=None):
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.activation = _activations.get(activation)
        self.W = np.asarray(_init.get(init)(self.n_out, self.n_in, as_rng(rng)), dtype=np.float64)
        if self.W.shape != (self.n_out, self.n_in):
            raise ValueError(f"the initializer must return W of shape ({self.n_out}, {self.n_in}), got {self.W.shape}")
        self.b = np.zeros((self.n_out, 1))
        self.A_prev = self.Z = self.A = None
        self.dW = self.db = None

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation!r})"

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The live parameter arrays: ``W``, ``b`` (and ``alpha`` for PReLU)."""
        return {"W": self.W, "b": self.b, **self.activation.learnable}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """The gradients of the last backward pass: ``dW``, ``db`` (and ``dalpha``)."""
        grads = {"dW": self.dW, "db": self.db}
        if self.activation.learnable:
            grads["dalpha"] = self.activation.dalpha
        return grads

    def forward(self, A_prev) -> np.ndarray:
        r"""$Z = W A_{prev} + b$, $A = g(Z)$; ``A_prev`` has shape ``(n_in, m)``."""
        A_prev = _checks.matrix(A_prev, "A_prev", rows=self.n_in, what=f"n_in = {self.n_in} inputs")
        return self._forward(A_prev)

    def backward(self, dA) -> np.ndarray:
        r"""From $dA$ (the shape of $A$) store $dW$, $db$ and return $dA_{prev} = W^\top dZ$."""
        dA = self._check_like_Z(dA, "dA")
        return self._backward_dZ(self.activation._backward(self.Z, dA))

    def backward_dZ(self, dZ) -> np.ndarray:
        r"""The same from $dZ$ directly (the fused output path, $dZ = A - Y$)."""
        return self._backward_dZ(self._check_like_Z(dZ, "dZ"))

    def _check_like_Z(self, d, name):
        if self.Z is None:
            raise ValueError("call forward(A_prev) before backward")
        return _checks.same_shape(d, name, self.Z, "Z (the last forward pass)")

    # -- unvalidated mathematics (the network calls these after checking once) ------
    def _forward(self, A_prev):
        self.A_prev = A_prev
        self.Z = self.W @ A_prev
        self.Z += self.b                                  # in place: one pass, no temporary
        self.A = self.activation._forward(self.Z)
        return self.A

    def _backward(self, dA, need_dA_prev=True):
        return self._backward_dZ(self.activation._backward(self.Z, dA), need_dA_prev)

    def _backward_dZ(self, dZ, need_dA_prev=True):
        m = dZ.shape[1]
        self.dW = dZ @ self.A_prev.T
        self.dW /= m
        self.db = np.sum(dZ, axis=1, keepdims=True) / m
        return self.W.T @ dZ if need_dA_prev else None   # the first layer's dA_prev = dX is unused
