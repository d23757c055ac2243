r"""A multilayer perceptron: a stack of ``Dense`` layers and a loss.

Forward propagation, for $l = 1, \dots, L$ with $A^{[0]} = X$:
$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$, $A^{[l]} = g^{[l]}(Z^{[l]})$.

The cost is $J = \frac1m \sum_{i=1}^m \mathcal L(a^{[L](i)}, y^{(i)})
+ \frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert_F^2$ (the second term only when
``l2`` $= \lambda > 0$; it adds $\frac{\lambda}{m} W^{[l]}$ to $dW^{[l]}$).

Backward propagation starts from the output. For a sigmoid output with binary
cross-entropy, and a softmax output with categorical cross-entropy, it uses
the fused gradient the book derives, $dZ^{[L]} = A^{[L]} - Y$, computed from the
logits $Z^{[L]}$, so it is exact even where $A^{[L]}$ rounds to 0 or 1.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from . import _checks
from . import init as _init
from . import losses as _losses
from .layers import Dense
from .optim import SGD, Optimizer

__all__ = ["MLP"]

# (output activation, loss) pairs whose dZ = A - Y is computed from the logits
_FUSED = {("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy")}


def _expand_activations(activations, n_layers: int) -> list:
    """One activation per layer, from a list of ``n_layers`` names, a (hidden, output) pair, or one name."""
    if isinstance(activations, str) or not isinstance(activations, (list, tuple)):
        return [activations] * n_layers
    activations = list(activations)
    if len(activations) == n_layers:
        return activations
    if len(activations) == 2:
        hidden, output = activations
        return [hidden] * (n_layers - 1) + [output]
    raise ValueError(f"activations must name one activation per layer ({n_layers}) or be a "
                     f"(hidden, output) pair, got {len(activations)}: {activations}")


class MLP:
    """A fully connected network.

    Parameters
    ----------
    layer_sizes : ``[n_x, n_1, ..., n_L]``, input size first, so ``[2, 4, 1]``
        has one hidden layer of 4 units and $L = 2$ layers.
    activations : one name (or activation object) per layer, e.g.
        ``["relu", "relu", "sigmoid"]``; or a ``(hidden, output)`` pair, the
        hidden one repeated over every hidden layer; or a single name for all
        layers. (For $L = 2$ the two readings of a pair coincide.)
    loss : a name from ``nnlit.losses.LOSSES`` or a loss object.
    init : an initializer name or function (see ``nnlit.init``), or a list of
        them, one per layer. Biases start at 0.
    seed : seeds the weights and the dropout masks (``numpy.random.Generator``).
    l2 : the L2 regularisation strength $\\lambda$.
    keep_prob : the probability of keeping a hidden unit under inverted
        dropout, applied only in training (``forward(X, training=True)``, used
        by ``fit``), never in ``cost``, ``predict`` or the gradient check.
    """

    def __init__(self, layer_sizes, activations, loss, init="he_normal", seed=0, l2: float = 0.0,
                 keep_prob: float = 1.0):
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes needs the input size and at least one layer, got {sizes}")
        if not 0.0 < keep_prob <= 1.0:
            raise ValueError(f"keep_prob must lie in (0, 1], got {keep_prob}")
        n_layers = len(sizes) - 1
        acts = _expand_activations(activations, n_layers)
        inits = list(init) if isinstance(init, (list, tuple)) else [init] * n_layers
        init_seed, dropout_seed = np.random.SeedSequence(seed).spawn(2)
        init_rng = np.random.default_rng(init_seed)
        self.layers = [Dense(sizes[l - 1], sizes[l], acts[l - 1], _init.get(inits[l - 1]), init_rng)
                       for l in range(1, n_layers + 1)]
        self.loss = _losses.get(loss)
        self.l2, self.keep_prob = float(l2), float(keep_prob)
        self.fused = (self.layers[-1].activation.name, self.loss.name) in _FUSED
        self._check_pairing()
        self._dropout_rng = np.random.default_rng(dropout_seed)
        self._masks: dict[int, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def _check_pairing(self):
        output = self.layers[-1].activation.name
        needs = {"binary_cross_entropy": "sigmoid", "categorical_cross_entropy": "softmax"}
        if self.loss.name in needs and output != needs[self.loss.name]:
            raise ValueError(f"{self.loss.name} needs a {needs[self.loss.name]} output layer, got {output}")

    @classmethod
    def two_layer(cls, n_x: int, n_h: int, n_y: int = 1, seed=0) -> "MLP":
        """The course notes' network: $n_x$ inputs, a tanh hidden layer of $n_h$
        units, a sigmoid output, cross-entropy, and weights $\\mathcal N(0,1)\\cdot 0.01$."""
        return cls([n_x, n_h, n_y], ("tanh", "sigmoid"), "binary_cross_entropy",
                   init=_init.small_random(scale=0.01), seed=seed)

    def __repr__(self) -> str:
        sizes = [self.layers[0].n_in] + [layer.n_out for layer in self.layers]
        acts = ", ".join(repr(layer.activation) for layer in self.layers)
        return f"MLP({sizes}, [{acts}], loss={self.loss.name})"

    # -- parameters ------------------------------------------------------------
    @property
    def params(self) -> dict[str, np.ndarray]:
        """The live parameter arrays ``W1, b1, ..., WL, bL`` (and ``alpha{l}`` for PReLU layers)."""
        return {f"{name}{l}": p for l, layer in enumerate(self.layers, 1) for name, p in layer.params.items()}

    @property
    def n_x(self) -> int:
        return self.layers[0].n_in

    # -- forward, cost, backward ---------------------------------------------------------
    def forward(self, X, training: bool = False) -> np.ndarray:
        """$A^{[L]}$ for the columns of ``X`` (shape ``(n_x, m)``); dropout only if ``training``."""
        X = _checks.matrix(X, "X", rows=self.n_x, what=f"n_x = {self.n_x} features")
        return self._forward(X, training)

    def _forward(self, X, training=False):
        dropout = training and self.keep_prob < 1.0
        self._masks = {}
        A = X
        for l, layer in enumerate(self.layers, 1):
            A = layer._forward(A)
            if dropout and l < len(self.layers):      # inverted dropout on hidden layers
                mask = self._dropout_rng.random(A.shape) < self.keep_prob
                self._masks[l] = mask
                A = A * mask / self.keep_prob
        return A

    def cost(self, X, Y) -> float:
        """$J$ on ``(X, Y)``, including the L2 term; never with dropout."""
        self.forward(X, training=False)
        return self._cost_from_output(self._check_Y(Y))

    def _check_Y(self, Y, m: int | None = None) -> np.ndarray:
        """``Y`` must fit the output: ``(n_L, m)``, with the loss's labels."""
        if m is None:
            if self.layers[-1].A is None:
                raise ValueError("call forward(X) before backward(Y)")
            m = self.layers[-1].A.shape[1]
        output = np.empty((self.layers[-1].n_out, m))
        return self.loss.check_targets(Y, output, "the network's output A")

    def _cost_from_output(self, Y) -> float:
        out = self.layers[-1]
        if self.fused:
            J = self.loss._cost_logits(out.Z, Y)
        else:
            J = self.loss._cost(*self.loss._check(out.A, Y))
        if self.l2 > 0:
            J += self.l2 / (2 * Y.shape[1]) * sum(np.sum(layer.W ** 2) for layer in self.layers)
        return J

    def backward(self, Y) -> dict[str, np.ndarray]:
        """The gradients of $J$ after the last ``forward``: ``{"dW1", "db1", ...}`` (also in ``self.grads``)."""
        return self._backward(self._check_Y(Y))

    def _backward(self, Y):
        out = self.layers[-1]
        if self.fused:                                # dZ = A - Y, from the logits
            dA = out._backward_dZ(self.loss._backward_logits(out.Z, Y), need_dA_prev=len(self.layers) > 1)
        else:
            dA = out._backward(self.loss._backward(out.A, Y), need_dA_prev=len(self.layers) > 1)
        for l in range(len(self.layers) - 1, 0, -1):
            if l in self._masks:
                dA = dA * self._masks[l] / self.keep_prob
            dA = self.layers[l - 1]._backward(dA, need_dA_prev=l > 1)   # dX is never needed
        m = Y.shape[1]
        grads = {}
        for l, layer in enumerate(self.layers, 1):
            for name, g in layer.grads.items():
                grads[f"{name}{l}"] = g
            if self.l2 > 0:
                grads[f"dW{l}"] = layer.dW + (self.l2 / m) * layer.W
        self.grads = grads
        return grads

    # -- training and prediction -------------------------------------------------------------
    def fit(self, X, Y, optimizer: Optimizer | None = None, epochs: int = 1000, batch_size: int | None = None,
            seed=0, progress: bool = True, record_every: int = 1) -> list[float]:
        """Train by gradient descent; return the cost history.

        ``optimizer`` defaults to ``SGD(0.1)``. ``batch_size=None`` is full-batch
        gradient descent (one step per epoch); otherwise each epoch visits the
        columns in a fresh order (seeded by ``seed``) in mini-batches.
        ``history[k]`` is the cost at epoch ``k * record_every``, measured on the
        forward pass that the step itself uses (before its update; with dropout
        if ``keep_prob < 1``; for mini-batches the size-weighted mean of the
        batch costs). ``progress=False`` hides the tqdm bar (written to stderr).
        """
        X = _checks.matrix(X, "X", rows=self.n_x, what=f"n_x = {self.n_x} features")
        m = X.shape[1]
        Y = self._check_Y(Y, m)
        optimizer = optimizer if optimizer is not None else SGD(0.1)
        rng = np.random.default_rng(seed)
        history: list[float] = []
        bar = tqdm(range(epochs), disable=not progress, unit="epoch")
        for epoch in bar:
            optimizer.set_epoch(epoch)
            record = epoch % record_every == 0
            total = 0.0
            for cols in self._batches(m, batch_size, rng):
                Xb, Yb = (X, Y) if cols is None else (X[:, cols], Y[:, cols])
                self._forward(Xb, training=True)
                if record:
                    total += self._cost_from_output(Yb) * Yb.shape[1]
                optimizer.step(self.params, self._backward(Yb))
            if record:
                history.append(total / m)
                if progress:
                    bar.set_postfix(cost=f"{history[-1]:.4g}", refresh=False)
        bar.close()
        return history

    @staticmethod
    def _batches(m, batch_size, rng):
        if batch_size is None or batch_size >= m:
            yield None
            return
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            yield order[start:start + batch_size]

    def predict(self, X) -> np.ndarray:
        """Predictions for the columns of ``X``.

        Sigmoid output: ``(n_y, m)`` ints, 1 where $a > 0.5$. Softmax output:
        ``(1, m)`` ints, the class index $\\arg\\max_k a_k$. Hinge loss: $\\pm 1$
        by the sign of $a$. Otherwise (regression): $A^{[L]}$ itself.
        """
        A = self.forward(X)
        output = self.layers[-1].activation.name
        if output == "softmax":
            return np.argmax(A, axis=0, keepdims=True)
        if output == "sigmoid":
            return (A > 0.5).astype(int)
        if self.loss.name == "hinge":
            return np.where(A >= 0, 1, -1)
        return A

    def accuracy(self, X, Y) -> float:
        """The fraction of columns whose prediction matches the label (one-hot ``Y`` for softmax)."""
        predicted = self.predict(X)
        Y = np.asarray(Y)
        if self.layers[-1].activation.name == "softmax":
            Y = np.argmax(Y, axis=0, keepdims=True)
        elif self.layers[-1].activation.name != "sigmoid" and self.loss.name != "hinge":
            raise ValueError("accuracy needs a classifier (sigmoid or softmax output, or hinge loss)")
        if Y.shape != predicted.shape:
            raise ValueError(f"Y must have shape {predicted.shape} to match the predictions, got {Y.shape}")
        return float(np.mean(predicted == Y))
