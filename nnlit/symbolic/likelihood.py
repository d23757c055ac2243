r"""Where the losses come from: maximum likelihood, derived step by step.

Each derivation takes a probability model :math:`p(y \mid \hat y)` of one example and
goes the same way: the likelihood of :math:`m` i.i.d. examples is a product; the log
turns it into a sum (and, being increasing, keeps the maximiser); flipping the sign
turns the maximum into a minimum; dividing by :math:`m` gives a mean, the cost
:math:`J(\theta)`. Its summand is the loss of :mod:`nnlit.symbolic.losses` (up to
constants that do not move the minimum).

Every density is checked against :mod:`sympy.stats` where SymPy has it. Logs of
products are expanded with ``force=True``, which is valid here because every factor
is a probability or a density, hence positive.
"""

from __future__ import annotations

import sympy as sp
from sympy import log

from . import losses, notation
from .core import DisplayFunction, Exp, over_sqrt, Paren, Plus, expand_sums, Step, Times, chain, derive, display_function, explicit, label, prove_equal

GROUP = "likelihood"

i = notation.symbol("i", integer=True, positive=True)
m = notation.symbol("m", integer=True, positive=True)
theta = notation.symbol("theta")
yv = notation.indexed("y", real=True)
yhat = notation.indexed("yhat", real=True)
y = notation.symbol("y", real=True)


class ArgMax(sp.Function):
    r""":math:`\operatorname*{arg\,max}_\theta f` (printed only; steps about it use custom checks)."""

    word = r"\operatorname*{arg\,max}"

    @classmethod
    def eval(cls, *args):
        return None

    def _latex(self, printer, exp=None):
        return rf"{self.word}_{{\theta}} {printer.parenthesize(self.args[0], 50)}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        word = "argmax" if type(self) is ArgMax else "argmin"
        return prettyForm(*prettyForm(*printer._print(self.args[0]).parens()).left(word + "_θ "))


class ArgMin(ArgMax):
    word = r"\operatorname*{arg\,min}"


def density(definition: sp.Lambda, shown: str | None = None):
    r"""A density :math:`p(y \mid \dots)` printed with its bar (or as ``shown``), defined by ``definition``."""
    cls = display_function("p", definition)

    def _latex(self, printer, exp=None):
        if shown:
            return shown
        y_tex, *given = (printer._print(arg) for arg in self.args)
        return rf"p\left({y_tex} \mid {', '.join(given)}\right)"

    cls._latex = _latex
    return cls


# -- the checks of the steps that are not plain equalities ------------------------------------------


def positive_log_equal(left, right) -> bool:
    """Equality where every log is of a positive quantity (a probability or a density)."""
    left, right = (sp.expand_log(_explicit_keeping_sums(e), force=True) for e in (left, right))
    return sp.simplify(expand_sums(left - right)) == 0


def _explicit_keeping_sums(expr):
    """``explicit(expr)``, but each sum over the examples stays a sum (its terms evaluated):
    SymPy's search for a closed form of such a sum costs seconds and never finds one;
    ``expand_sums`` then splits and compares the sums term by term."""
    expr = explicit(expr, evaluate=False)
    hidden = {}

    def hide(s):
        hidden[placeholder := sp.Dummy()] = sp.Sum(s.function.doit(), *s.limits)
        return placeholder

    expr = expr.replace(lambda e: isinstance(e, sp.Sum), hide).doit()
    return expr.xreplace(hidden)


def log_keeps_maximiser(left, right) -> bool:
    r""":math:`\arg\max f = \arg\max \log f`: the log is strictly increasing (on :math:`f > 0`)."""
    u = notation.dummy("u", positive=True)
    return (type(left) is ArgMax and type(right) is ArgMax and right.args[0] == log(left.args[0])
            and sp.diff(log(u), u).is_positive)


def sign_flip(left, right) -> bool:
    r""":math:`\arg\max f = \arg\min c f` for a constant :math:`c < 0`."""
    if not (type(left) is ArgMax and type(right) is ArgMin):
        return False
    c = sp.simplify(explicit(right.args[0]) / explicit(left.args[0]))
    return bool(c.is_negative) and not c.has(DisplayFunction, theta, yhat, yv)


def same_minimiser(c, k):
    r"""Check :math:`\arg\min A = \arg\min J` by proving :math:`A = c + k J` with :math:`k > 0` and :math:`c` free of the model."""
    def check(left, right) -> bool:
        if not (type(left) is ArgMin and type(right) is ArgMin):
            return False
        constant = not c.has(yhat, theta) and not k.has(yhat, theta)
        return constant and bool(k.is_positive) and positive_log_equal(left.args[0], c + k * right.args[0])
    return check


# -- the common part: product, log, sign, 1/m ------------------------------------------------------


def _mle(name, p_i, log_p_i, per_example, J, model_lines, c=sp.Integer(0), k=sp.Integer(1)):
    r"""The likelihood derivation for the density ``p_i`` of example ``i``, whose log is ``log_p_i``.

    ``per_example`` is :math:`-\\log p_i` as the book writes it, ``J`` the mean loss;
    the cost :math:`-\\frac1m \\log L` equals :math:`c + k J`, with :math:`c`, :math:`k > 0`
    constants, so both have the same minimiser.
    """
    product = sp.Product(p_i, (i, 1, m))
    L = label(r"L\left(\theta\right)", product, "L(θ)")
    cost = Times(-1 / m, log(L))
    lines = list(model_lines)
    written_out = type(p_i).definition(*p_i.args)      # the density as the chapter writes it, (y - μ) and all
    lines += chain(L, product, sp.Product(written_out, (i, 1, m)))
    lines += chain(log(L), sp.Sum(log(p_i), (i, 1, m)), check=positive_log_equal)
    lines += chain(log(p_i), log_p_i, check=positive_log_equal)
    lines += chain(ArgMax(L), ArgMax(log(L)), check=log_keeps_maximiser)
    lines.append(Step(None, ArgMin(cost), check=sign_flip))
    affine = J if (c, k) == (0, 1) else Plus(c, Times(k, J))
    lines += chain(cost, Times(1 / m, sp.Sum(per_example, (i, 1, m))), affine, check=positive_log_equal)
    if (c, k) != (0, 1):
        lines += chain(ArgMin(cost), ArgMin(J), check=same_minimiser(c, k))

    def maximiser_is_minimiser(left, right):
        return (log_keeps_maximiser(left, ArgMax(log(L))) and sign_flip(ArgMax(log(L)), ArgMin(cost))
                and same_minimiser(c, k)(ArgMin(cost), right))

    result = [Step(cost, affine, check=positive_log_equal),
              Step(ArgMax(L), ArgMin(J), check=maximiser_is_minimiser)]
    return derive(name, GROUP, lines, result, cost=J, likelihood=product)


def _model(p, args, formula, distribution=None, cases=({},)):
    """The line ``p(y | ...) = formula``, checked against SymPy's own density."""
    def check(left, right):
        from sympy.stats import density as stats_density
        truth = stats_density(distribution)(args[0])
        return all(prove_equal(explicit(right).subs(case), truth.subs(case), var=args[0]) for case in cases)
    return [Step(p(*args), formula, check=check)]


_q = notation.symbol("yhat", positive=True)     # a probability (the one-example model line)
_mu = notation.symbol("yhat", real=True)        # a mean
_sigma = notation.symbol("sigma", positive=True)
b = notation.symbol("b", positive=True)         # local meaning in mle_laplace: the scale
v = notation.symbol("v", positive=True)
mu = notation.symbol("mu", real=True)
vv = notation.indexed("v", positive=True)
muv = notation.indexed("mu", real=True)


def _normal(y_, mean, variance):
    r""":math:`\frac{1}{\sqrt{2\pi\sigma^2}}\exp\left(-\frac{(y-\mu)^2}{2\sigma^2}\right)`, as (4.5) writes it."""
    return Times(over_sqrt(2 * sp.pi * variance), Exp(-Plus(y_, -mean)**2 / (2 * variance)))


def _normal_log(y_, mean, variance):
    r""":math:`\log` of :func:`_normal`: :math:`-\frac12\log(2\pi\sigma^2) - \frac{(y-\mu)^2}{2\sigma^2}`."""
    return Plus(-Times(sp.Rational(1, 2), log(2 * sp.pi * variance)), -Plus(y_, -mean)**2 / (2 * variance))


def bernoulli():
    r"""Bernoulli :math:`p(y\mid\hat y) = \hat y^{y}(1-\hat y)^{1-y}` gives binary cross-entropy."""
    from sympy.stats import Bernoulli
    pmf = sp.Lambda((y, _q), Times(_q**y, (1 - _q)**(1 - y)))
    p = density(pmf)
    y_i, yh_i = yv[i], yhat[i]
    log_p = Plus(Times(y_i, log(yh_i)), Times(1 - y_i, log(1 - yh_i)))
    per_example = -log_p
    J = Times(1 / m, sp.Sum(losses.BINARY_CROSS_ENTROPY.L(yh_i, y_i), (i, 1, m)))
    model = _model(p, (y, _q), pmf(y, _q), Bernoulli("Y", _q), cases=({y: 0}, {y: 1}))
    return _mle("mle_bernoulli", p(y_i, yh_i), log_p, per_example, J, model)


def categorical():
    r"""Categorical :math:`p(y\mid a) = \prod_k a_k^{y_k}` (one-hot :math:`y`) gives cross-entropy."""
    K = losses.K
    ak, yk = losses.as_, losses.ys
    pmf = sp.Lambda((*yk, *ak), sp.Mul(*(a_**y_ for a_, y_ in zip(ak, yk))))
    p = density(pmf, r"p\left(y \mid a\right)")
    p_i = density(pmf, r"p\left(y^{(i)} \mid a^{(i)}\right)")
    one_hots = [{y_: int(j == c) for j, y_ in enumerate(yk)} for c in range(K)]

    def is_categorical(left, right):        # p(y | a) is the probability of the hot class
        return all(explicit(right).subs(case) == ak[c] for c, case in enumerate(one_hots))

    A, Y = notation.indexed("a", positive=True), notation.indexed("y", real=True)
    a_i = [A[k + 1, i] for k in range(K)]
    y_i = [Y[k + 1, i] for k in range(K)]
    log_p = Plus(*(Times(y_, log(a_)) for y_, a_ in zip(y_i, a_i)))
    per_example = -sp.Add(*(Times(y_, log(a_)) for y_, a_ in zip(y_i, a_i)))
    ce = display_function("L", losses.CATEGORICAL_CROSS_ENTROPY.L.definition,
                          latex_name=r"\mathcal{L}\left(a^{(i)}, y^{(i)}\right)", bare=True)
    J = Times(1 / m, sp.Sum(ce(*a_i, *y_i), (i, 1, m)))
    model = [Step(p(*yk, *ak), pmf(*yk, *ak), check=is_categorical)]
    return _mle("mle_categorical", p_i(*y_i, *a_i), log_p, per_example, J, model)


def gaussian():
    r"""Gaussian with a fixed :math:`\sigma` gives the squared error, up to constants."""
    from sympy.stats import Normal
    pdf = sp.Lambda((y, _mu), _normal(y, _mu, _sigma**2))
    p = density(pdf)
    y_i, yh_i = yv[i], yhat[i]
    log_p = _normal_log(y_i, yh_i, _sigma**2)
    per_example = Plus(Times(sp.Rational(1, 2), log(2 * sp.pi * _sigma**2)), Plus(y_i, -yh_i)**2 / (2 * _sigma**2))
    J = Times(1 / m, sp.Sum(losses.MSE.L(yh_i, y_i), (i, 1, m)))
    model = _model(p, (y, _mu), pdf(y, _mu), Normal("Y", _mu, _sigma))
    return _mle("mle_gaussian", p(y_i, yh_i), log_p, per_example, J, model,
                c=Times(sp.Rational(1, 2), log(2 * sp.pi * _sigma**2)), k=1 / _sigma**2)


def gaussian_variance():
    r"""Gaussian with a learned variance :math:`v` gives the Gaussian negative log-likelihood."""
    from sympy.stats import Normal
    pdf = sp.Lambda((y, mu, v), _normal(y, mu, v))
    p = density(pdf)
    y_i, mu_i, v_i = yv[i], muv[i], vv[i]
    log_p = _normal_log(y_i, mu_i, v_i)
    per_example = Times(sp.Rational(1, 2), Plus(log(2 * sp.pi * v_i), Plus(y_i, -mu_i)**2 / v_i))
    J = Times(1 / m, sp.Sum(losses.GAUSSIAN_NLL.L(mu_i, v_i, y_i), (i, 1, m)))
    model = _model(p, (y, mu, v), pdf(y, mu, v), Normal("Y", mu, sp.sqrt(v)))
    return _mle("mle_gaussian_variance", p(y_i, mu_i, v_i), log_p, per_example, J, model)


def laplace():
    r"""Laplace :math:`p(y\mid\hat y) = e^{-|y-\hat y|/b}/(2b)` gives the absolute error, up to constants."""
    from sympy.stats import Laplace
    pdf = sp.Lambda((y, _mu), Times(1 / (2 * b), Exp(-sp.Abs(Plus(y, -_mu)) / b)))
    p = density(pdf)
    y_i, yh_i = yv[i], yhat[i]
    log_p = Plus(-log(2 * b), -sp.Abs(Plus(y_i, -yh_i)) / b)
    per_example = Plus(log(2 * b), sp.Abs(Plus(y_i, -yh_i)) / b)
    J = Times(1 / m, sp.Sum(losses.MAE.L(yh_i, y_i), (i, 1, m)))
    model = _model(p, (y, _mu), pdf(y, _mu), Laplace("Y", _mu, b))
    return _mle("mle_laplace", p(y_i, yh_i), log_p, per_example, J, model, c=log(2 * b), k=1 / b)


def cross_entropy_kl():
    r"""(4.10): :math:`H(p, q) = H(p) + D_{\mathrm{KL}}(p \,\|\, q)`, from :math:`\log q_k = \log p_k - \log(p_k / q_k)`."""
    classes = notation.symbol("K", integer=True, positive=True)
    k = notation.symbol("k", integer=True, positive=True)
    p, q = notation.indexed("p", positive=True), notation.indexed("q", positive=True)

    def over_classes(term):
        return sp.Sum(term, (k, 1, classes))

    cross = label(r"H\left(p, q\right)", -over_classes(Times(p[k], log(q[k]))), "H(p, q)")
    entropy = label(r"H\left(p\right)", -over_classes(Times(p[k], log(p[k]))), "H(p)")
    divergence = label(r"D_{\mathrm{KL}}\left(p \,\|\, q\right)", over_classes(Times(p[k], log(p[k] / q[k]))),
                       "D_KL(p || q)")
    lines = chain(cross, -over_classes(Times(p[k], log(q[k]))),
                  -over_classes(Times(p[k], Plus(log(p[k]), -log(p[k] / q[k])))),
                  Plus(-over_classes(Times(p[k], log(p[k]))), over_classes(Times(p[k], log(p[k] / q[k])))),
                  Plus(entropy, divergence), check=positive_log_equal)
    return derive("cross_entropy_kl", GROUP, lines, Step(cross, Plus(entropy, divergence), check=positive_log_equal))


def nll_cost():
    r"""(4.3): the cost is the mean negative log-likelihood, :math:`J(\theta) = -\frac1m \log L(\theta)
    = \frac1m \sum_i \big(-\log p(y^{(i)} \mid x^{(i)}; \theta)\big)`, for any model :math:`p > 0`."""
    model = sp.Function("p", positive=True)                 # any model: nothing is assumed but p > 0
    p_i = density(sp.Lambda((i,), model(i)), r"p\left(y^{(i)} \mid x^{(i)}; \theta\right)")(i)
    product = sp.Product(p_i, (i, 1, m))
    L = label(r"L\left(\theta\right)", product, "L(θ)")
    J = label(r"J\left(\theta\right)", Times(-1 / m, log(product)), "J(θ)")
    lines = chain(J, Times(-1 / m, log(L)), Times(-1 / m, log(product)), Times(-1 / m, sp.Sum(log(p_i), (i, 1, m))),
                  Times(1 / m, sp.Sum(Paren(-log(p_i)), (i, 1, m))), check=positive_log_equal)
    return derive("nll_cost", GROUP, lines)


def categorical_one_hot():
    r"""(4.7): a one-hot label picks one factor of the categorical probability, :math:`\prod_k a_k^{y_k} = a_c`."""
    k, K, c = (notation.symbol(name, integer=True, positive=True) for name in ("k", "K", "c"))
    a_k, y_k = notation.indexed("a", positive=True)[k], notation.indexed("y", real=True)[k]
    product = sp.Product(a_k**y_k, (k, 1, K))
    p = label(r"p\left(y \mid a\right)", product, "p(y | a)")
    selects = losses.for_every_one_hot(y_k, k, K, c)
    lines = chain(p, product, check=selects)
    lines.append(Step(None, a_k.subs(k, c), check=selects, given=losses.ONE_HOT))
    return derive("categorical_one_hot", GROUP, lines, Step(p, lines[-1].rhs, check=selects, given=losses.ONE_HOT))


DERIVATIONS = {"mle_bernoulli": bernoulli, "cross_entropy_kl": cross_entropy_kl, "mle_categorical": categorical, "mle_gaussian": gaussian,
               "mle_gaussian_variance": gaussian_variance, "mle_laplace": laplace, "categorical_one_hot": categorical_one_hot,
               "nll_cost": nll_cost}
