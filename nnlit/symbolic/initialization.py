r"""Initialization: how the variance of the weights carries through a layer.

Expectations of products of independent variables are taken by the rule that
independence gives, :math:`\mathbb E[\prod_k u_k^{p_k}] = \prod_k \mathbb E[u_k^{p_k}]`
(:func:`expect`), from one-dimensional moments. Where a moment of a concrete
distribution is needed (the uniform's variance, ReLU's second moment under a
Gaussian) it comes from :mod:`sympy.stats`, always one-dimensional and under a time
limit (:func:`bounded`): multi-dimensional ``sympy.stats`` expectations can hang.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading

import sympy as sp

from . import notation
from .backprop import TwoLayer
from .core import Exp, over_sqrt, Plus, Step, Times, chain, derive, explicit, label, prove_equal, sigma

GROUP = "initialization"

n, n_in, n_out = (notation.symbol(name, integer=True, positive=True) for name in ("n", "n_in", "n_out"))
k, l = notation.symbol("k", integer=True, positive=True), notation.symbol("l", integer=True, positive=True)
w, x = notation.indexed("w", real=True), notation.indexed("x", real=True)
# the values behind the printed Var[w], Var[x] (labels print them; these never print)
var_w, var_x = notation.dummy("Var_w", positive=True), notation.dummy("Var_x", positive=True)

#: the assumption of the variance derivations, printed beside the lines that use it
ZERO_MEANS = r"\mathbb{E}\left[w_k\right] = \mathbb{E}\left[x_k\right] = 0"


@contextlib.contextmanager
def bounded(seconds: int = 30):
    """Fail with ``TimeoutError`` instead of hanging (SymPy integrals can run for ever).

    The limit is on CPU seconds (``ITIMER_PROF``), not on the wall clock: on a machine
    shared with other work a sound expectation must not fail for waiting its turn.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGPROF"):
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"a sympy.stats expectation took more than {seconds} CPU seconds")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# -- expectation of polynomials in independent variables -----------------------------------------------


class E(sp.Function):
    r""":math:`\mathbb E[\cdot]`, printed; :func:`expect` evaluates it."""

    def _latex(self, printer, exp=None):
        tex = rf"\mathbb{{E}}\left[{printer._print(self.args[0])}\right]"
        return rf"{tex}^{{{exp}}}" if exp else tex


class Var(sp.Function):
    r""":math:`\operatorname{Var}[\cdot]`, printed; :func:`expect` evaluates it."""

    def _latex(self, printer, exp=None):
        tex = rf"\operatorname{{Var}}\left[{printer._print(self.args[0])}\right]"
        return rf"{tex}^{{{exp}}}" if exp else tex


class Cov(sp.Function):
    r""":math:`\operatorname{Cov}[\cdot,\cdot]`, printed; :func:`expect` evaluates it."""

    def _latex(self, printer, exp=None):
        return rf"\operatorname{{Cov}}\left[{printer._print(self.args[0])}, {printer._print(self.args[1])}\right]"


def expect(expr, moments):
    """Evaluate every E, Var, Cov in ``expr`` for independent variables.

    ``moments(u, p)`` is :math:`\\mathbb E[u^p]` of one variable ``u``; distinct atoms
    (``w[k]``, ``w[l]``, ``x[k]``) are independent.
    """
    def mean(poly):
        poly = sp.expand(explicit(poly))
        total = sp.Integer(0)
        for term in sp.Add.make_args(poly):
            coeff, factors = sp.Integer(1), []
            for factor in sp.Mul.make_args(term):
                base, power = factor.as_base_exp()
                if _random(base) and power.is_Integer:
                    factors.append(moments(base, int(power)))
                else:
                    coeff *= factor
            total += coeff * sp.Mul(*factors)
        return total

    expr = expr.replace(lambda e: isinstance(e, Var), lambda e: mean(e.args[0]**2) - mean(e.args[0])**2)
    expr = expr.replace(lambda e: isinstance(e, Cov),
                        lambda e: mean(e.args[0] * e.args[1]) - mean(e.args[0]) * mean(e.args[1]))
    return sp.expand(expr.replace(lambda e: isinstance(e, E), lambda e: mean(e.args[0])))


def _random(u) -> bool:
    """Random variables are the indexed ones: w[k], x[l], a[k] ..."""
    return isinstance(u, sp.Indexed)


def zero_mean(u, p):
    """Moments of zero-mean weights and inputs: E[u] = 0, E[u^2] = Var(u)."""
    variance = {"w": var_w, "x": var_x}[u.base.label.name]
    return {0: 1, 1: 0, 2: variance}.get(p, notation.dummy(f"m{p}_{u.base.label.name}"))


def by_moments(moments=zero_mean, sizes=(None,)):
    """Check a line by evaluating both sides with :func:`expect` (for each ``n`` in ``sizes``)."""
    def check(left, right):
        for size in sizes:
            at = {} if size is None else {n: size}
            lhs, rhs = (expect(explicit(side).subs(at).doit(), moments) for side in (left, right))
            if sp.simplify(lhs - rhs) != 0:
                return False
        return True
    return check


VAR_W = label(r"\operatorname{Var}\left[w\right]", var_w, "Var[w]")
VAR_X = label(r"\operatorname{Var}\left[x\right]", var_x, "Var[x]")


def variance_propagation():
    r""":math:`\operatorname{Var}[z] = n \operatorname{Var}[w]\operatorname{Var}[x]` for :math:`z = \sum_k w_k x_k`,
    independent, zero-mean factors."""
    wk, xk, wl, xl = w[k], x[k], w[l], x[l]
    z = sp.Sum(wk * xk, (k, 1, n))
    cov = label(r"\operatorname{Cov}\left[w_k x_k,\ w_l x_l\right]_{k \neq l}", Cov(wk * xk, wl * xl),
                "Cov[w_k x_k, w_l x_l] (k≠l)")
    means = Times(E(wk), E(xk), E(wl), E(xl))
    lines = chain(label("z", z), z)
    lines += chain(cov,
                   Plus(E(Times(wk, xk, wl, xl)), -Times(E(wk * xk), E(wl * xl))),
                   Plus(means, -means),
                   sp.Integer(0), check=by_moments())
    lines += chain(Var(wk * xk),
                   Plus(E(wk**2 * xk**2), -E(wk * xk)**2),
                   Plus(Times(E(wk**2), E(xk**2)), -Times(E(wk)**2, E(xk)**2)), check=by_moments())
    lines += chain(None, Times(E(wk**2), E(xk**2)), Times(VAR_W, VAR_X), check=by_moments(), given=ZERO_MEANS)
    lines += chain(Var(label("z", z)), sp.Sum(Var(wk * xk), (k, 1, n)), check=by_moments(sizes=(1, 2, 3, 4)))
    lines.append(Step(None, Times(n, VAR_W, VAR_X), check=lambda left, right: prove_equal(
        sp.Sum(var_w * var_x, (k, 1, n)), right)))
    return derive("variance_propagation", GROUP, lines, Step(Var(label("z", z)), Times(n, VAR_W, VAR_X),
                                                             check=by_moments(sizes=(1, 2, 3, 4, 5))),
                  variance=n * var_w * var_x)


def _solves(symbol, positive=True):
    """``left <=> right``: both equations have the same solutions for ``symbol``."""
    def check(left, right):
        solutions = [set(sp.solve(explicit(eq), symbol)) for eq in (left, right)]
        return solutions[0] == solutions[1] and len(solutions[0]) == 1
    return check


IFF = r"\Longleftrightarrow"


def xavier():
    r"""Xavier/Glorot: keep the variance forward (:math:`1/n_{in}`) and backward (:math:`1/n_{out}`);
    compromise :math:`2/(n_{in}+n_{out})`."""
    var_dz = label(r"\operatorname{Var}\left[dz\right]", notation.dummy("Var_dz", positive=True), "Var[dz]")
    lines = [Step(sp.Eq(Times(n_in, VAR_W, VAR_X), VAR_X), sp.Eq(VAR_W, 1 / n_in), IFF, _solves(var_w)),
             Step(sp.Eq(Times(n_out, VAR_W, var_dz), var_dz), sp.Eq(VAR_W, 1 / n_out), IFF, _solves(var_w)),
             Step(sp.Eq(Times(sp.Rational(1, 2), Plus(n_in, n_out), VAR_W), 1), sp.Eq(VAR_W, 2 / (n_in + n_out)), IFF,
                  _solves(var_w))]
    return derive("xavier", GROUP, lines, lines[-1],
                  variance=2 / (n_in + n_out), forward=1 / n_in, backward=1 / n_out)


def stats_value(expr, variables: dict):
    """``expr`` with its E, Var taken by :mod:`sympy.stats` for ``variables`` (symbol -> random variable).

    Each expectation is of one variable only, and runs under :func:`bounded`.
    """
    expr = explicit(expr)
    expr = expr.replace(lambda e: isinstance(e, Var), lambda e: _stats("variance", e.args[0].subs(variables)))
    expr = expr.replace(lambda e: isinstance(e, E), lambda e: _stats("E", e.args[0].subs(variables)))
    return expr.doit()


@functools.lru_cache(maxsize=None)
def _stats(what: str, expr):
    from sympy import stats
    with bounded():
        positive_part = _positive_part_power(expr) if what == "E" else None
        if positive_part is not None:
            # E[max(0, X)^p] = E[X^p | X > 0] P(X > 0): one smooth integral over the half-line,
            # where SymPy's integral of the piecewise max takes seconds
            X, p = positive_part
            return stats.E(X**p, X > 0) * stats.P(X > 0)
        return getattr(stats, what)(expr)


def _positive_part_power(expr):
    r"""``(X, p)`` when ``expr`` is :math:`\max(0, X)^p` (a power of ReLU), else ``None``."""
    base, power = expr.as_base_exp()
    if isinstance(base, sp.Max) and len(base.args) == 2 and 0 in base.args and power.is_positive:
        return next(a for a in base.args if a != 0), power
    return None


def by_stats(variables: dict):
    """Check a line by taking both sides' expectations with :mod:`sympy.stats`."""
    return lambda left, right: prove_equal(stats_value(left, variables), stats_value(right, variables))


def xavier_uniform():
    r"""The uniform :math:`U(-a, a)` has variance :math:`a^2/3`, so Xavier's bound is :math:`\sqrt{6/(n_{in}+n_{out})}`."""
    from sympy.stats import Uniform
    a, u, U = notation.symbol("a", positive=True), notation.symbol("u", real=True), notation.symbol("U", real=True)
    rv = {U: Uniform("U", -a, a)}
    lines = chain(Var(U), Plus(E(U**2), -E(U)**2), E(U**2), sp.Integral(u**2 / (2 * a), (u, -a, a)), a**2 / 3,
                  check=by_stats(rv))
    bound = sp.Pow(6 / (n_in + n_out), sp.Rational(1, 2), evaluate=False)
    lines.append(Step(sp.Eq(a**2 / 3, 2 / (n_in + n_out)), sp.Eq(a, bound), IFF, _solves(a)))
    return derive("xavier_uniform", GROUP, lines,
                  [Step(Var(U), a**2 / 3, check=by_stats(rv)), lines[-1]],
                  bound=bound, uniform_variance=a**2 / 3)


def he():
    r"""He: a ReLU halves the second moment, :math:`\mathbb E[\mathrm{ReLU}(z)^2] = \operatorname{Var}[z]/2`,
    so :math:`\operatorname{Var}[w] = 2/n_{in}` (uniform bound :math:`\sqrt{6/n_{in}}`).

    The inputs of layer :math:`l` are :math:`x_k = \mathrm{ReLU}(z^{[l-1]}_k)`, as in
    :func:`variance_propagation`; only the weights have mean 0, the inputs do not."""
    from sympy.stats import Normal
    from .activations import relu
    sigma, z, Z = (notation.symbol("sigma", positive=True), notation.symbol("z", real=True),
                   notation.symbol("Z", real=True))
    rv = {Z: Normal("Z", 0, sigma)}
    density = Times(over_sqrt(2 * sp.pi * sigma**2), Exp(-z**2 / (2 * sigma**2)))
    lines = chain(E(relu(Z)**2), sp.Integral(Times(z**2, *density.args), (z, 0, sp.oo)), sigma**2 / 2, Var(Z) / 2,
                  check=by_stats(rv))
    lines[0] = Step(lines[0].lhs, lines[0].rhs, check=lines[0].check, given=r"Z \sim \mathcal{N}\left(0, \sigma^{2}\right)")
    # one term of z^[l] = sum_k w_k x_k: w zero-mean, x = ReLU(.) is not
    x_k = x[k]
    mean_x, second_x = notation.dummy("mu_x", positive=True), notation.dummy("E2_x", positive=True)

    def relu_moments(u, p):
        if u.base.label.name == "x":
            return {0: 1, 1: mean_x, 2: second_x}[p]
        return zero_mean(u, p)

    E2 = label(r"\mathbb{E}\left[x_k^{2}\right]", second_x, "E[x_k²]")
    lines += chain(Var(Times(w[k], x_k)), Plus(E(Times(w[k]**2, x_k**2)), -E(Times(w[k], x_k))**2),
                   Plus(Times(E(w[k]**2), E(x_k**2)), -Times(E(w[k])**2, E(x_k)**2)), check=by_moments(relu_moments))
    lines.append(Step(None, Times(VAR_W, E2), check=by_moments(relu_moments),
                      given=r"\mathbb{E}\left[w_k\right] = 0"))
    var_prev = notation.dummy("Var_prev", positive=True)
    Vprev = label(r"\operatorname{Var}\left[z^{[l-1]}\right]", var_prev, "Var[z[l-1]]")
    Vl = label(r"\operatorname{Var}\left[z^{[l]}\right]", n_in * var_w * second_x, "Var[z[l]]")
    lines += chain(Vl, Times(n_in, VAR_W, E2), check=lambda left, right: prove_equal(left, right))
    lines.append(Step(None, Times(sp.Rational(1, 2), n_in, VAR_W, Vprev),
                      check=lambda left, right: prove_equal(explicit(left).subs(second_x, var_prev / 2),
                                                            explicit(right).subs(second_x, var_prev / 2)),
                      given=r"x_k = \operatorname{ReLU}\left(z^{[l-1]}_k\right)"))
    lines.append(Step(sp.Eq(Vl, Vprev), sp.Eq(VAR_W, 2 / n_in), IFF,
                      lambda left, right: _solves(var_w)(left.subs(Vl, n_in * var_w * var_prev / 2), right)))
    a = notation.symbol("a", positive=True)          # local meaning here: the bound of U(-a, a)
    bound = sp.Pow(6 / n_in, sp.Rational(1, 2), evaluate=False)
    lines.append(Step(sp.Eq(a**2 / 3, 2 / n_in), sp.Eq(a, bound), IFF, _solves(a)))
    return derive("he", GROUP, lines, [Step(E(relu(Z)**2), Var(Z) / 2, check=by_stats(rv)), lines[-2], lines[-1]],
                  variance=2 / n_in, bound=bound)


def symmetry():
    r"""The symmetry problem: hidden units with identical weights get identical gradients, so stay identical."""
    p, q, c, r = notation.symbols("p q c r", real=True)       # local meanings: the repeated entries
    alpha = notation.symbol("alpha", positive=True)
    W1 = sp.Matrix([[p, q], [p, q]])
    b1 = sp.Matrix([[c], [c]])
    W2 = sp.Matrix([[r, r]])
    net = TwoLayer(n_x=2, n_h=2, m=2, W1=W1, b1=b1, W2=W2)
    general = TwoLayer(n_x=2, n_h=2, m=2)
    at = {**dict(zip(general.W1, W1)), **dict(zip(general.b1, b1)), **dict(zip(general.W2, W2))}
    dW1 = general.gradient(general.W1).subs(at)
    db1 = general.gradient(general.b1).subs(at)
    dW2 = general.gradient(general.W2).subs(at)
    # each entry is named after what it is: a^{(i)} the activation for example i, dp the gradient of p ...
    h = [label(f"a^{{({i + 1})}}", net.A1[0, i], f"a({i + 1})") for i in range(2)]
    u = [label(name, dW1[0, k], name) for k, name in enumerate(("dp", "dq"))]
    dc = label("dc", db1[0, 0], "dc")
    dr = label("dr", dW2[0, 0], "dr")

    def same(left, right):
        lhs, rhs = (sp.Matrix(explicit(side, keep=(sigma,))) for side in (left, right))
        return lhs.shape == rhs.shape and all(sp.expand(a - b) == 0 for a, b in zip(lhs, rhs))

    lines = [Step(label("W^{[1]}", W1, "W[1]"), W1, check=same),
             Step(label("b^{[1]}", b1, "b[1]"), b1, check=same),
             Step(label("W^{[2]}", W2, "W[2]"), W2, check=same),
             Step(label("A^{[1]}", net.A1, "A[1]"), sp.Matrix([h, h]), check=same),
             Step(label("dW^{[1]}", dW1, "dW[1]"), sp.Matrix([u, u]), check=same),
             Step(label("db^{[1]}", db1, "db[1]"), sp.Matrix([[dc], [dc]]), check=same),
             Step(label("dW^{[2]}", dW2, "dW[2]"), sp.Matrix([[dr, dr]]), check=same),
             Step(label(r"W^{[1]} - \alpha\, dW^{[1]}", W1 - alpha * dW1, "W[1] - α dW[1]"),
                  sp.Matrix(2, 2, lambda _, j: Plus((p, q)[j], -Times(alpha, u[j]))), check=same)]
    return derive("symmetry", GROUP, lines, [lines[4], lines[-1]], dW1=dW1, db1=db1, dW2=dW2)


def sample_variance():
    r"""How far the sample variance of :math:`N` draws strays from the variance :math:`v`:
    :math:`\operatorname{std}[\hat v] = v\sqrt{(\kappa - 1)/N}`, with :math:`\hat v = \frac1N\sum_k w_k^2`
    (the weights' mean is zero by construction) and the kurtosis :math:`\kappa = \mathbb E[w^4]/v^2`."""
    N = notation.symbol("N", integer=True, positive=True)
    fourth = notation.dummy("E4_w", positive=True)

    def draws(u, p):  # moments of one zero-mean weight: E[w^2] = v, E[w^4] = v^2 kappa
        return {0: 1, 1: 0, 2: var_w, 3: notation.dummy("E3_w"), 4: fourth}[p]

    def for_sizes(left, right):  # the lines hold for every N: checked for N = 1 ... 5
        return all(by_moments(draws)(explicit(left).subs(N, size), explicit(right).subs(N, size))
                   for size in range(1, 6))

    wk = w[k]
    v_hat = label(r"\hat v", Times(1 / N, sp.Sum(wk**2, (k, 1, N))), "v̂")
    v = label("v", var_w, "v")
    kappa = label(r"\kappa", fourth / var_w**2, "κ")
    lines = chain(v_hat, Times(1 / N, sp.Sum(wk**2, (k, 1, N))))
    lines.append(Step(Var(v_hat), Times(1 / N**2, sp.Sum(Var(wk**2), (k, 1, N))), check=for_sizes,
                      given=r"w_1, \dots, w_N\ \mathrm{i.i.d.}"))
    lines.append(Step(None, Times(1 / N, Plus(E(wk**4), -E(wk**2)**2)), check=for_sizes))
    lines.append(Step(None, Times(v**2 / N, Plus(kappa, -1)), check=for_sizes,
                      given=r"\mathbb{E}\left[w_k^{2}\right] = v,\ \mathbb{E}\left[w_k^{4}\right] = \kappa v^{2}"))
    std = label(r"\operatorname{std}\left[\hat v\right]", sp.sqrt(Var(v_hat)), "std[v̂]")
    spread = Times(v, sp.Pow((kappa - 1) / N, sp.Rational(1, 2), evaluate=False))
    lines.append(Step(std, spread, check=lambda left, right: for_sizes(explicit(left)**2, explicit(right)**2)))
    # the proven last line as a function the cells call: standard_error(v, kappa, N)
    kurtosis = notation.dummy("kappa", positive=True)
    standard_error = sp.Lambda((var_w, kurtosis, N), explicit(spread).subs(explicit(kappa), kurtosis))
    return derive("sample_variance", GROUP, lines, lines[-1], spread=var_w * sp.sqrt((fourth / var_w**2 - 1) / N),
                  standard_error=standard_error)


DERIVATIONS = {"variance_propagation": variance_propagation, "xavier": xavier, "xavier_uniform": xavier_uniform,
               "he": he, "symmetry": symmetry, "sample_variance": sample_variance}
