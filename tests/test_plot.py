"""nnlit.plot: Figures built without pyplot, language-neutral labels, no show()."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlit import datasets, plot
from nnlit.activations import leaky_relu


def all_labels(fig):
    for ax in fig.axes:
        yield ax.get_xlabel()
        yield ax.get_ylabel()
        yield ax.get_title()
        legend = ax.get_legend()
        if legend is not None:
            yield from (t.get_text() for t in legend.get_texts())


def assert_language_neutral(fig):
    # math ($...$) or code identifiers only: no words in one language the other edition lacks
    for label in all_labels(fig):
        assert label == "" or label.startswith("$") or re.fullmatch(r"[a-z_]+(\(alpha=[\d.]+\))?|\d+", label), label


def test_decision_boundary():
    X, Y = datasets.planar_flower(m=40)
    fig = plot.decision_boundary(lambda P: (P[0:1] > 0).astype(int), X, Y, resolution=30)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.collections) >= 3                     # the filled regions and two classes of points
    assert_language_neutral(fig)
    fig.savefig(io.BytesIO(), format="png")             # it renders


def test_decision_boundary_draws_into_a_given_axes_and_accepts_one_hot():
    X, Y = datasets.spirals(n_classes=3, m=30)
    fig = Figure()
    ax = fig.add_subplot()
    out = plot.decision_boundary(lambda P: np.zeros((1, P.shape[1]), dtype=int), X, Y, ax=ax, resolution=20)
    assert out is fig
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\) to draw a plane, got \(3, 5\)"):
        plot.decision_boundary(lambda P: P, np.zeros((3, 5)), np.zeros((1, 5)))


def test_activation_curves():
    fig = plot.activation_curves(["sigmoid", "relu", leaky_relu(alpha=0.2)])
    assert len(fig.axes) == 2                            # g and g'
    left, right = fig.axes
    assert left.get_ylabel() == "$g(z)$" and right.get_ylabel() == "$g'(z)$"
    assert len(left.get_lines()) == 3 + 2               # three curves and the two axis lines
    sig = left.get_lines()[0]
    assert sig.get_ydata()[200] == 0.5                  # sigmoid(0) at the middle of the grid
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["sigmoid", "relu", "leaky_relu(alpha=0.2)"]
    assert_language_neutral(fig)
    assert len(plot.activation_curves(["tanh"], derivative=False).axes) == 1
    with pytest.raises(ValueError, match="softmax is not elementwise"):
        plot.activation_curves(["softmax"])


def test_cost_curve():
    fig = plot.cost_curve([1.0, 0.5, 0.25], record_every=100, log=True)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [0, 100, 200])
    assert fig.axes[0].get_yscale() == "log"
    assert_language_neutral(fig)
    several = plot.cost_curve({"sgd": [1.0, 0.8], "adam": [1.0, 0.3]})
    assert len(several.axes[0].get_lines()) == 2
    assert [t.get_text() for t in several.axes[0].get_legend().get_texts()] == ["sgd", "adam"]


def test_plot_uses_no_pyplot_and_never_shows():
    code = ("import sys, nnlit.plot as p, nnlit.datasets as d; X, Y = d.moons(m=20); "
            "p.decision_boundary(lambda P: (P[:1] > 0).astype(int), X, Y, resolution=10); "
            "p.activation_curves(); p.cost_curve([1, 0.5]); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False" and out.stderr == ""


def test_scatter_names_each_class_in_a_legend():
    X, Y = datasets.spirals(n_classes=3, m=30)
    fig = plot.scatter(X, Y)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["$y = 0$", "$y = 1$", "$y = 2$"]
    assert_language_neutral(fig)
    assert plot.scatter(X, Y, legend=False).axes[0].get_legend() is None


def test_an_activation_has_one_colour_in_every_figure():
    alone = plot.activation_curves(["sigmoid"]).axes[0].get_lines()[0].get_color()
    second = plot.activation_curves(["tanh", "sigmoid"]).axes[0].get_lines()[1].get_color()
    assert alone == second == plot.color_of("sigmoid")
    names = ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "softplus", "silu", "gelu", "step", "identity"]
    assert len({plot.color_of(n) for n in names}) == len(names)    # no two elementwise functions share one
    assert plot.color_of(leaky_relu(alpha=0.2)) == plot.color_of("leaky_relu")
    assert plot.cost_curve({"relu": [1.0, 0.5]}).axes[0].get_lines()[0].get_color() == plot.color_of("relu")
    with pytest.raises(ValueError, match="no colour for 'swish'"):
        plot.color_of("swish")


def test_new_axes_makes_a_grid():
    fig, axes = plot.new_axes(ncols=2, nrows=2)
    assert axes.shape == (2, 2) and len(fig.axes) == 4


def test_a_cjk_font_is_a_fallback_when_installed():
    from matplotlib import rcParams

    family = plot.cjk_font()
    if family is None:
        pytest.skip("no CJK font on this machine (Debian: fonts-noto-cjk)")
    assert family in plot.CJK_FONTS and rcParams["font.family"][-1] == family
