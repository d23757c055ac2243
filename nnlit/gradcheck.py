r"""Gradient checking: compare backpropagation with centred finite differences.

$$\frac{\partial J}{\partial \theta_i} \approx \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon},
\qquad \text{relative error} = \frac{\lVert g - g_{\text{num}} \rVert_2}{\lVert g \rVert_2 + \lVert g_{\text{num}} \rVert_2}.$$

The centred difference has error $O(\varepsilon^2)$ for a smooth $J$. At a kink
(ReLU at 0, the hinge at $y a = 1$, ...) it is meaningless, because $J$ is not
differentiable there: ``check_gradients`` watches every kinked pre-activation
and says so when a perturbation made one cross its kink.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _checks

__all__ = ["numerical_gradient", "relative_error", "check_gradients", "GradientReport"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""$\dfrac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}$ for every entry $i$ of ``x``.

    ``x`` (a float64 array) is perturbed in place, one entry at a time, and
    restored exactly afterwards, so ``f`` may read it through a model.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"x must be a float64 numpy array (it is perturbed in place), got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    r"""$\dfrac{\lVert a - b \rVert_2}{\lVert a \rVert_2 + \lVert b \rVert_2}$, defined as 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"b must have shape {a.shape} to match a, got {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


@dataclass(repr=False)
class GradientReport:
    """The result of ``check_gradients``.

    ``errors`` maps each parameter (``"W1"``, ``"b1"``, ...) to the relative
    error of its gradient; ``passed`` is true when every one is at most ``tol``;
    ``kinks`` lists, in words, each place where a perturbation crossed a kink.
    """

    errors: dict[str, float]
    tol: float
    eps: float
    kinks: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(e <= self.tol for e in self.errors.values())

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    def __str__(self) -> str:
        lines = [f"{name:>8}  {error:.3e}  {'ok' if error <= self.tol else 'FAIL'}"
                 for name, error in self.errors.items()]
        lines.append(f"passed = {self.passed} (tol = {self.tol:g}, eps = {self.eps:g})")
        lines += [f"kink: {k}" for k in self.kinks]
        return "\n".join(lines)

    __repr__ = __str__


def _sides(model, Y) -> dict[int, np.ndarray]:
    """For each kinked activation (key: layer number) and a kinked loss (key: 0),
    the side of the kink (-1, 0, +1) of every entry."""
    layers = getattr(model, "layers", [])
    sides = {l: layer.activation.side(layer.Z) for l, layer in enumerate(layers, 1)}
    loss = getattr(model, "loss", None)
    if loss is not None and layers:
        sides[0] = loss.side(layers[-1].A, Y)
    return {where: side for where, side in sides.items() if side is not None}


def _describe(model, where: int) -> str:
    if where == 0:
        return f"loss ({model.loss.name}): the output A[{len(model.layers)}] against Y"
    activation = model.layers[where - 1].activation
    return f"layer {where} ({activation.name}): Z[{where}] at z = {activation.kink:g}"


def check_gradients(model, X, Y, eps: float = 1e-6, tol: float = 1e-7) -> GradientReport:
    """Check ``model.backward`` against centred differences of ``model.cost``, parameter by parameter.

    ``model`` is an ``MLP`` or anything with ``params``, ``forward(X, training=False)``,
    ``backward(Y) -> grads`` and ``cost(X, Y)`` (costs never use dropout). The
    model's parameters are left exactly as they were.

    If perturbing a parameter by $\\pm\\varepsilon$ moves a pre-activation of a
    kinked activation (relu, leaky_relu, prelu, elu, step) or the argument of a
    kinked loss (hinge, mae) across its kink, the report's ``kinks`` names the
    layer and the parameters, because a failure there says nothing about
    backpropagation: choose inputs away from the kink.
    """
    X = _checks.array(X, "X")
    Y = _checks.array(Y, "Y")
    model.forward(X, training=False)
    analytic = {name: np.array(g, dtype=np.float64) for name, g in model.backward(Y).items()}
    base = _sides(model, Y)
    crossed: dict[int, list[str]] = {}
    errors = {}
    for name, p in model.params.items():
        def cost(_, name=name):
            J = model.cost(X, Y)
            for where, side in _sides(model, Y).items():
                if not np.array_equal(side, base[where]) and name not in crossed.setdefault(where, []):
                    crossed[where].append(name)
            return J

        errors[name] = relative_error(analytic["d" + name], numerical_gradient(cost, p, eps))
    model.forward(X, training=False)                  # leave the caches of the unperturbed model
    kinks = [f"{_describe(model, where)}: crossed the kink when perturbing {', '.join(names)} by ±{eps:g}; "
             f"finite differences are not valid there" for where, names in crossed.items() if names]
    return GradientReport(errors=errors, tol=tol, eps=eps, kinks=kinks)
