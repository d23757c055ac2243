r"""The figures the chapters draw.

Every function returns a ``matplotlib.figure.Figure`` built directly (not
through ``pyplot``), so a notebook shows each figure exactly once, and nothing
is left open in a global figure list; nothing calls ``show()``. Pass ``ax=`` to
draw into an existing axes instead (the function then returns ``ax.figure``).

Labels are mathematics (``$z$``, ``$g(z)$``) or code names, never prose, because
the same cell runs in the Chinese and the English edition; pass ``xlabel=`` or
``title=`` for words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from . import activations as _activations

__all__ = ["new_axes", "scatter", "decision_boundary", "activation_curves", "cost_curve"]

COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def new_axes(ax=None, figsize=(6.4, 3.6), ncols: int = 1):
    """``(figure, axes)``: a new ``Figure`` with ``ncols`` axes, or the figure of ``ax``."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def _class_index(Y) -> np.ndarray:
    """Labels ``(1, m)`` (or ``(m,)``) or one-hot ``(K, m)`` as class indices ``(m,)``."""
    Y = np.asarray(Y)
    if Y.ndim == 2 and Y.shape[0] > 1:
        return np.argmax(Y, axis=0)
    return Y.ravel().astype(int)


def scatter(X, Y, ax=None, s: float = 18, title: str | None = None) -> Figure:
    """The points ``X`` (2, m) coloured by class (``Y`` as 0/1 labels or one-hot)."""
    fig, ax = new_axes(ax, figsize=(4.5, 4.5))
    X, classes = np.asarray(X), _class_index(Y)
    for k in np.unique(classes):
        mask = classes == k
        ax.scatter(X[0, mask], X[1, mask], s=s, color=COLORS[int(k) % len(COLORS)],
                   edgecolors="black", linewidths=0.4, label=str(int(k)))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return fig


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X, Y, ax=None, resolution: int = 200,
                      padding: float = 0.5, title: str | None = None) -> Figure:
    """The regions where ``predict`` says each class, with the data points on top.

    ``predict`` maps a ``(2, k)`` array of points to ``(1, k)`` class labels
    (``MLP.predict`` does). The grid has ``resolution`` points per axis and
    extends ``padding`` beyond the data.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m) to draw a plane, got {X.shape}")
    fig, ax = new_axes(ax, figsize=(4.5, 4.5))
    x1 = np.linspace(X[0].min() - padding, X[0].max() + padding, resolution)
    x2 = np.linspace(X[1].min() - padding, X[1].max() + padding, resolution)
    G1, G2 = np.meshgrid(x1, x2)
    regions = np.asarray(predict(np.vstack([G1.ravel(), G2.ravel()]))).reshape(G1.shape)
    n_classes = max(int(regions.max()), int(_class_index(Y).max())) + 1
    cmap = ListedColormap(COLORS[:max(n_classes, 2)])
    ax.contourf(G1, G2, regions, levels=np.arange(-0.5, n_classes), cmap=cmap, alpha=0.25)
    scatter(X, Y, ax=ax, title=title)
    ax.set_xlim(x1[0], x1[-1])
    ax.set_ylim(x2[0], x2[-1])
    return fig


def activation_curves(names: Sequence = ("sigmoid", "tanh", "relu"), z=None, derivative: bool = True,
                      ax=None) -> Figure:
    """Each activation $g(z)$ and, if ``derivative``, $g'(z)$ in a second panel.

    ``names`` holds registry names or activation objects (``leaky_relu(alpha=0.2)``);
    elementwise activations only (softmax is not a function of one $z$).
    """
    z = np.linspace(-5.0, 5.0, 401) if z is None else np.asarray(z, dtype=np.float64)
    acts = [_activations.get(name) for name in names]
    for act in acts:
        if not act.elementwise:
            raise ValueError(f"{act.name} is not elementwise, so it has no curve g(z)")
    if ax is not None and derivative:
        raise ValueError("pass ax only with derivative=False (the derivatives need a second panel)")
    fig, axes = new_axes(ax, figsize=(9.0, 3.6) if derivative else (5.0, 3.6), ncols=2 if derivative else 1)
    panels = list(np.atleast_1d(axes))
    for i, act in enumerate(acts):
        color = COLORS[i % len(COLORS)]
        panels[0].plot(z, act.forward(z), color=color, label=repr(act))
        if derivative:
            panels[1].plot(z, act.derivative(z), color=color, label=repr(act))
    for panel, label in zip(panels, ["$g(z)$", "$g'(z)$"]):
        panel.axhline(0, color="black", linewidth=0.5)
        panel.axvline(0, color="black", linewidth=0.5)
        panel.set_xlabel("$z$")
        panel.set_ylabel(label)
        panel.legend(fontsize="small")
    return fig


def cost_curve(history: Sequence[float] | dict[str, Sequence[float]], record_every: int = 1, ax=None,
               log: bool = False, xlabel: str = "$t$", ylabel: str = "$J$",
               title: str | None = None) -> Figure:
    """The cost $J$ against the epoch $t$; several curves when ``history`` is a dict label -> costs.

    ``record_every`` is the spacing of the recorded epochs (as in ``MLP.fit``).
    """
    curves = history if isinstance(history, dict) else {None: history}
    fig, ax = new_axes(ax)
    for i, (label, costs) in enumerate(curves.items()):
        costs = np.asarray(costs, dtype=np.float64)
        ax.plot(np.arange(costs.size) * record_every, costs, color=COLORS[i % len(COLORS)], label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1 or None not in curves:
        ax.legend(fontsize="small")
    return fig
