r"""The figures the chapters draw.

Every function returns a ``matplotlib.figure.Figure`` built directly (not
through ``pyplot``), so a notebook shows each figure exactly once, and nothing
is left open in a global figure list; nothing calls ``show()``. Pass ``ax=`` to
draw into an existing axes instead (the function then returns ``ax.figure``).

Labels are mathematics (``$z$``, ``$g(z)$``) or code names, never prose, because
the same cell runs in the Chinese and the English edition; pass ``xlabel=`` or
``title=`` for words. Show a figure on a page with ``nnlit.book.figure``, which
adds its description in each language.

Importing this module adds a CJK font (the first of ``CJK_FONTS`` installed) as a
fallback after DejaVu Sans, so Chinese text in a figure is drawn, not shown as boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib import font_manager, rcParams
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from . import activations as _activations

__all__ = ["cjk_font", "color_of", "new_axes", "scatter", "decision_boundary", "activation_curves", "cost_curve"]

# Fonts with the Chinese glyphs, in order of preference (Debian: fonts-noto-cjk).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "PingFang SC", "Microsoft YaHei")
COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
# One colour per activation function, in every figure of the book (σ is always blue).
FUNCTION_COLORS = {
    "sigmoid": "#1f77b4", "tanh": "#ff7f0e", "relu": "#2ca02c", "leaky_relu": "#d62728",
    "prelu": "#9467bd", "elu": "#8c564b", "softplus": "#e377c2", "silu": "#17becf",
    "gelu": "#bcbd22", "step": "#7f7f7f", "identity": "#000000", "softmax": "#9467bd",
}


def cjk_font() -> str | None:
    """The first of ``CJK_FONTS`` that matplotlib finds on this machine, or None."""
    for family in CJK_FONTS:
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def _use_cjk_fallback() -> None:
    family = cjk_font()
    if family is not None and family not in rcParams["font.family"]:
        rcParams["font.family"] = ["DejaVu Sans", family]


_use_cjk_fallback()


def color_of(function) -> str:
    """The colour of an activation (a registry name or an activation object) in every figure."""
    name = getattr(function, "name", function)
    if name not in FUNCTION_COLORS:
        raise ValueError(f"no colour for {name!r}; expected one of {sorted(FUNCTION_COLORS)}")
    return FUNCTION_COLORS[name]


def new_axes(ax=None, figsize=(6.4, 3.6), ncols: int = 1, nrows: int = 1):
    """``(figure, axes)``: a new ``Figure`` with ``nrows`` × ``ncols`` axes, or the figure of ``ax``."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def _class_index(Y) -> np.ndarray:
    """Labels ``(1, m)`` (or ``(m,)``) or one-hot ``(K, m)`` as class indices ``(m,)``."""
    Y = np.asarray(Y)
    if Y.ndim == 2 and Y.shape[0] > 1:
        return np.argmax(Y, axis=0)
    return Y.ravel().astype(int)


def scatter(X, Y, ax=None, s: float = 18, title: str | None = None, legend: bool = True) -> Figure:
    """The points ``X`` (2, m) coloured by class (``Y`` as 0/1 labels or one-hot), with a
    legend naming each colour's class ($y = k$) unless ``legend`` is false."""
    fig, ax = new_axes(ax, figsize=(4.5, 4.5))
    X, classes = np.asarray(X), _class_index(Y)
    for k in np.unique(classes):
        mask = classes == k
        ax.scatter(X[0, mask], X[1, mask], s=s, color=COLORS[int(k) % len(COLORS)],
                   edgecolors="black", linewidths=0.4, label=f"$y = {int(k)}$")
    if legend:
        ax.legend(loc="best", framealpha=0.85, handletextpad=0.2, borderpad=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return fig


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X, Y, ax=None, resolution: int = 200,
                      padding: float = 0.5, title: str | None = None, legend: bool = True) -> Figure:
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
    scatter(X, Y, ax=ax, title=title, legend=legend)
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
    for act in acts:
        color = color_of(act)
        panels[0].plot(z, act.forward(z), color=color, label=repr(act))
        if derivative:
            panels[1].plot(z, act.derivative(z), color=color, label=repr(act))
    for panel, label in zip(panels, ["$g(z)$", "$g'(z)$"]):
        panel.axhline(0, color="black", linewidth=0.5)
        panel.axvline(0, color="black", linewidth=0.5)
        panel.set_xlabel("$z$")
        panel.set_ylabel(label)
        panel.legend()
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
        color = FUNCTION_COLORS.get(label, COLORS[i % len(COLORS)])  # an activation keeps its colour
        ax.plot(np.arange(costs.size) * record_every, costs, color=color, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1 or None not in curves:
        ax.legend()
    return fig
