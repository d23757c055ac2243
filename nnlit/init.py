r"""Weight initializers: each is a function ``(n_out, n_in, rng) -> W`` of shape $(n^{[l]}, n^{[l-1]})$.

``rng`` is a ``numpy.random.Generator``; no initializer touches numpy's global
random state. Biases always start at zero (``Dense`` does that), because the
random $W$ alone breaks the symmetry between units.

Three initializers have a parameter: ``constant(value)``,
``small_random(scale=0.01)`` and ``epsilon_uniform(eps=0.12)``. Called with the
parameter alone (``small_random(scale=0.5)`` or ``small_random(0.5)``) they
return a configured initializer; called as ``small_random(n_out, n_in, rng)``
they initialize with the default. The variance each one targets is in its
docstring ($n_{in} = n^{[l-1]}$ is the fan-in, $n_{out} = n^{[l]}$ the fan-out).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

__all__ = ["zeros", "constant", "small_random", "epsilon_uniform", "xavier_uniform",
           "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "INITIALIZERS", "get"]

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def _configurable(param: str, default: float | None):
    """Let ``f(n_out, n_in, rng, *, param)`` also be called as ``f(value)`` or ``f(param=value)``."""

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            if len(args) == 1 and not kwargs:          # f(value)
                kwargs, args = {param: args[0]}, ()
            if not args:                               # f(value) or f(param=value): configure
                if set(kwargs) != {param}:
                    raise TypeError(f"{f.__name__} takes one parameter, {param}; got {sorted(kwargs)}")
                value = float(kwargs[param])
                configured = functools.partial(f, **{param: value})
                configured.__name__ = f"{f.__name__}({param}={value:g})"
                configured.__doc__ = f.__doc__
                return configured
            kwargs.setdefault(param, default)
            if kwargs[param] is None:
                raise TypeError(f"{f.__name__} needs its {param}: call {f.__name__}({param}=...) first")
            return f(*args, **kwargs)

        return wrapper

    return decorate


def zeros(n_out: int, n_in: int, rng: np.random.Generator | None = None) -> np.ndarray:
    r"""$W = 0$. Every unit of a layer then computes the same thing and, trained
    by gradient descent, stays identical to the others: the symmetry is never broken."""
    return np.zeros((n_out, n_in))


@_configurable("value", None)
def constant(n_out: int, n_in: int, rng: np.random.Generator | None = None, *, value: float) -> np.ndarray:
    r"""$W_{ij} = c$ for every entry (``constant(value=c)``). Like zeros, it leaves the units symmetric."""
    return np.full((n_out, n_in), float(value))


@_configurable("scale", 0.01)
def small_random(n_out: int, n_in: int, rng: np.random.Generator, *, scale: float = 0.01) -> np.ndarray:
    r"""$W_{ij} \sim \mathcal N(0, 1) \cdot s$, with $s = 0.01$ by default: $\operatorname{Var}(W_{ij}) = s^2$.

    The course notes' classic choice for a small network: the pre-activations
    start near 0, where tanh and sigmoid are steepest."""
    return rng.standard_normal((n_out, n_in)) * scale


@_configurable("eps", 0.12)
def epsilon_uniform(n_out: int, n_in: int, rng: np.random.Generator, *, eps: float = 0.12) -> np.ndarray:
    r"""$W_{ij} \sim U[-\varepsilon, \varepsilon]$: $\operatorname{Var}(W_{ij}) = \varepsilon^2/3$ ($\varepsilon = 0.12$ by default)."""
    return rng.uniform(-eps, eps, size=(n_out, n_in))


def xavier_uniform(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""Xavier (Glorot) uniform: $W_{ij} \sim U[-r, r]$, $r = \sqrt{\dfrac{6}{n_{in} + n_{out}}}$,
    so $\operatorname{Var}(W_{ij}) = \dfrac{2}{n_{in} + n_{out}}$ (for tanh and sigmoid)."""
    r = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in))


def xavier_normal(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""Xavier (Glorot) normal: $W_{ij} \sim \mathcal N\Big(0, \dfrac{2}{n_{in} + n_{out}}\Big)$."""
    return rng.standard_normal((n_out, n_in)) * math.sqrt(2.0 / (n_in + n_out))


def he_uniform(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""He uniform: $W_{ij} \sim U[-r, r]$, $r = \sqrt{\dfrac{6}{n_{in}}}$, so
    $\operatorname{Var}(W_{ij}) = \dfrac{2}{n_{in}}$ (for ReLU)."""
    r = math.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=(n_out, n_in))


def he_normal(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""He normal: $W_{ij} \sim \mathcal N\Big(0, \dfrac{2}{n_{in}}\Big)$ (for ReLU)."""
    return rng.standard_normal((n_out, n_in)) * math.sqrt(2.0 / n_in)


def lecun_normal(n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    r"""LeCun normal: $W_{ij} \sim \mathcal N\Big(0, \dfrac{1}{n_{in}}\Big)$ (for SELU-like and linear units)."""
    return rng.standard_normal((n_out, n_in)) * math.sqrt(1.0 / n_in)


INITIALIZERS: dict[str, Callable] = {f.__name__: f for f in (
    zeros, constant, small_random, epsilon_uniform, xavier_uniform, xavier_normal,
    he_uniform, he_normal, lecun_normal)}


def get(name: str | Callable, **params) -> Initializer:
    """An initializer by name, configured by ``params``: ``get("small_random", scale=0.5)``.

    A callable is returned as is.
    """
    if callable(name):
        return name
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; expected one of {', '.join(INITIALIZERS)}")
    f = INITIALIZERS[name]
    return f(**params) if params else f
