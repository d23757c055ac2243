r"""Gradient descent, Adam's bias correction, and the gradient of the L2 penalty.

* A small enough step :math:`-\alpha\nabla J` lowers the cost: to first order the
  change is :math:`-\alpha\lVert\nabla J\rVert^2 < 0` (Taylor, as SymPy's ``series``).
* Adam's moving average starts at 0, so it is biased toward 0: for a constant
  gradient :math:`g`, :math:`v_t = (1-\beta_1^t)\,g`; dividing by :math:`1-\beta_1^t` removes it.
* The penalty :math:`\frac{\lambda}{2m}\lVert W\rVert_F^2` adds :math:`\frac{\lambda}{m}W` to :math:`dW`,
  entry by entry; in the update this becomes weight decay,
  :math:`W - \alpha\,dW_{L_2} = (1 - \frac{\alpha\lambda}{m})W - \alpha\,dW` (8.9).

The update rules of momentum, RMSProp and Adam (8.5)-(8.7), the penalised cost (8.8)
and inverted dropout (8.10) are definitions; chapter 8 states them as such.
"""

from __future__ import annotations

import sympy as sp

from . import notation
from .backprop import symbols_matrix
from .core import Paren, Plus, Step, Times, chain, derive, expand_sums, explicit, label

GROUP = "descent"


def gradient_descent():
    r"""The update :math:`\theta \leftarrow \theta - \alpha \nabla J(\theta)` and why it lowers :math:`J` for small :math:`\alpha`."""
    t1, t2 = notation.symbols("theta_1 theta_2", real=True)
    alpha = notation.symbol("alpha", positive=True)
    J = sp.Function("J")
    partials = [sp.Derivative(J(t1, t2), t) for t in (t1, t2)]
    g = [label(f"g_{{{k + 1}}}", d, f"g{k + 1}") for k, d in enumerate(partials)]
    theta_new = [Plus(t, -Times(alpha, gk)) for t, gk in zip((t1, t2), g)]
    gradient_norm = Plus(g[0]**2, g[1]**2)

    def first_order(left, right) -> bool:
        """``left == right`` up to O(α²), by SymPy's Taylor series in α."""
        left, right = explicit(left), explicit(right)
        series = left.series(alpha, 0, 2).removeO().doit()
        return sp.simplify(sp.expand(series - right.removeO())) == 0 and right.getO() == sp.O(alpha**2)

    def negative(left, right) -> bool:
        """``-α‖∇J‖² < 0`` whenever the gradient is not 0 (here: its first entry is not)."""
        g1, g2 = notation.dummy("g1", real=True, nonzero=True), notation.dummy("g2", real=True)
        value = explicit(left).subs({partials[0]: g1, partials[1]: g2})
        return right == 0 and bool(value.is_negative)

    update = label(r"\theta - \alpha \nabla J\left(\theta\right)", sp.Matrix(theta_new), "θ - α∇J(θ)")
    lines = chain(label(r"\nabla J\left(\theta\right)", sp.Matrix(partials), "∇J(θ)"), sp.Matrix(g), sp.Matrix(partials))
    lines += chain(update, sp.Matrix(theta_new))
    change = Plus(J(*theta_new), -J(t1, t2))
    lines += chain(J(*theta_new), Plus(J(t1, t2), -Times(alpha, gradient_norm), sp.O(alpha**2)), check=first_order)
    lines += chain(change, Plus(-Times(alpha, gradient_norm), sp.O(alpha**2)), check=first_order)
    lines.append(Step(-Times(alpha, gradient_norm), 0, "<", check=negative,
                      given=r"\alpha > 0,\ \left(g_{1}, g_{2}\right) \neq \left(0, 0\right)"))
    return derive("gradient_descent", GROUP, lines,
                  [Step(change, Plus(-Times(alpha, gradient_norm), sp.O(alpha**2)), check=first_order)])


def _peel_last(expr, t):
    """Write each sum up to ``t`` as the sum up to ``t - 1`` plus its last term."""
    def peel(s):
        (k, lo, hi) = s.limits[0]
        if hi != t:
            return s
        return sp.Sum(s.function, (k, lo, t - 1)) + s.function.subs(k, t)
    return expr.replace(lambda e: isinstance(e, sp.Sum), peel)


def by_induction(t, beta, scale=1):
    r"""``left == right`` for every integer :math:`t \ge 0`, by induction on ``t``.

    Both sides (times ``scale``) agree at :math:`t = 0` and satisfy the same recurrence
    :math:`x_t - \beta x_{t-1} = c_t`.
    """
    def check(left, right) -> bool:
        D = sp.expand(explicit(left, evaluate=False) * scale - explicit(right, evaluate=False) * scale)
        start = sp.simplify(D.subs(t, 0).doit()) == 0
        step = expand_sums(_peel_last(D, t) - beta * D.subs(t, t - 1))
        return start and sp.simplify(step) == 0
    return check


def adam_bias_correction():
    r"""Adam's first moment :math:`v_t = \beta_1 v_{t-1} + (1-\beta_1) g_t`, :math:`v_0 = 0`:
    for a constant gradient :math:`g`, :math:`v_t = (1-\beta_1^t)\,g`, so :math:`\hat v_t = v_t/(1-\beta_1^t) = g`.
    (The same algebra gives :math:`\mathbb E[v_t] = (1-\beta_1^t)\,\mathbb E[g]` when every :math:`g_k`
    has mean :math:`\mathbb E[g]`, and :math:`s_t = (1-\beta_2^t)\,g^2` for the second moment.)"""
    t, k = notation.symbol("t", integer=True, nonnegative=True), notation.symbol("k", integer=True, positive=True)
    beta = notation.symbol("beta_1", positive=True)
    grad, v, g = notation.indexed("g", real=True), notation.indexed("v", real=True), notation.symbol("g", real=True)
    def v_of(g_k):
        return Times(1 - beta, sp.Sum(beta**Plus(t, -k) * g_k, (k, 1, t)))

    closed, constant = v_of(grad[k]), v_of(g)
    system = sp.And(sp.Eq(v[t], Plus(Times(beta, v[t - 1]), Times(1 - beta, grad[t]))), sp.Eq(v[0], 0))

    def solves(left, right) -> bool:
        """The closed form satisfies the recurrence and the start v_0 = 0."""
        recurrence, start = left.args if isinstance(left.args[0], sp.Eq) and left.args[0].lhs == v[t] else left.args[::-1]
        x = explicit(right.rhs, evaluate=False)
        at = {v[t]: x, v[t - 1]: x.subs(t, t - 1)}
        ok_step = sp.simplify(expand_sums(_peel_last(x, t) - explicit(recurrence.rhs, evaluate=False).subs(at))) == 0
        return ok_step and x.subs(t, 0).doit() == start.rhs

    v_const = label(r"v_t", constant, "v_t")
    lines = [Step(system, sp.Eq(v[t], closed), r"\Longrightarrow", solves)]
    lines += chain(label(r"\left. v_t \right|_{g_k = g}", constant, "v_t (g_k = g)"),
                   Times(1 - beta, sp.Sum(beta**Plus(t, -k), (k, 1, t)), g),
                   Times(Plus(1, -beta**t), g), check=by_induction(t, beta))
    v_hat = label(r"\hat v_t", constant / (1 - beta**t), "v̂_t")
    lines += chain(v_hat, v_const / Plus(1, -beta**t), g, check=by_induction(t, beta, scale=1 - beta**t))
    return derive("adam_bias_correction", GROUP, lines,
                  [Step(lines[1].lhs, Times(Plus(1, -beta**t), g), check=by_induction(t, beta)),
                   Step(v_hat, g, check=by_induction(t, beta, scale=1 - beta**t))])


def l2_gradient():
    r"""The L2 penalty :math:`\frac{\lambda}{2m}\lVert W\rVert_F^2` adds :math:`\frac{\lambda}{m} W` to :math:`dW`, entry by entry."""
    W = symbols_matrix("w", 2, 3, real=True)
    lam, m = notation.symbol("lambda", positive=True), notation.symbol("m", integer=True, positive=True)
    J = sp.Function("J")(*W)
    frob = label(r"\lVert W \rVert_F^2", sum(w**2 for w in W), "‖W‖²")
    J_label = label("J", J, "J")
    cost = label(r"J_{L_2}", J + lam / (2 * m) * sum(w**2 for w in W), "J_L2")
    partial = sp.Matrix(2, 3, lambda j, k: label(rf"\frac{{\partial J}}{{\partial w_{{{j + 1}{k + 1}}}}}",
                                                sp.Derivative(J, W[j, k]), f"∂J/∂w{j + 1}{k + 1}"))
    dW = label("dW", partial, "dW")
    Ws, dWs = notation.matrix("W", 2, 3), notation.matrix("dW", 2, 3)

    def matrix_form(left, right) -> bool:
        lhs = sp.Matrix(explicit(left))
        rhs = sp.Matrix(right.subs({Ws: sp.ImmutableMatrix(W), dWs: sp.ImmutableMatrix(explicit(dW))}).doit()
                        .as_explicit())
        return all(sp.expand(a - b) == 0 for a, b in zip(lhs, rhs.doit()))

    w11 = W[0, 0]
    lines = chain(label("J", J, "J"), J)
    lines += chain(frob, sum(w**2 for w in W))
    lines += chain(cost, Plus(J_label, Times(lam / (2 * m), frob)))
    lines += chain(label(r"\frac{\partial J_{L_2}}{\partial w_{11}}", sp.diff(explicit(cost), w11), "∂J_L2/∂w11"),
                   Plus(partial[0, 0], Times(lam / (2 * m), 2 * w11)),
                   Plus(partial[0, 0], Times(lam / m, w11)))
    grad = label(r"dW_{L_2}", sp.Matrix(2, 3, lambda j, k: sp.diff(explicit(cost), W[j, k])), "dW_L2")
    lines += chain(grad, sp.Matrix(2, 3, lambda j, k: Plus(partial[j, k], Times(lam / m, W[j, k]))))
    lines.append(Step(None, dWs + (lam / m) * Ws, check=matrix_form))
    return derive("l2_gradient", GROUP, lines, Step(grad, dWs + (lam / m) * Ws, check=matrix_form),
                  W=W, lam=lam, m=m)


def weight_decay():
    r"""(8.9): with the penalty, a gradient-descent step first shrinks :math:`W` by :math:`1 - \frac{\alpha\lambda}{m}`.

    :math:`dW_{L_2}` is the gradient of the penalised cost, differentiated entry by entry
    (as in :func:`l2_gradient`); :math:`dW` that of the cost without the penalty.
    """
    W = symbols_matrix("w", 2, 3, real=True)
    alpha, lam = notation.symbol("alpha", positive=True), notation.symbol("lambda", positive=True)
    m = notation.symbol("m", integer=True, positive=True)
    J = sp.Function("J")(*W)
    penalised = J + lam / (2 * m) * sum(w**2 for w in W)
    W_ = label("W", sp.ImmutableMatrix(W))
    dW = label("dW", sp.ImmutableMatrix(W.applyfunc(lambda w: sp.Derivative(J, w))))
    dW_L2 = label(r"dW_{L_2}", sp.ImmutableMatrix(W.applyfunc(lambda w: sp.diff(penalised, w))), "dW_L2")
    step = label(r"W - \alpha\, dW_{L_2}", explicit(W_) - alpha * explicit(dW_L2), "W - α dW_L2")
    decayed = Plus(Times(Paren(Plus(1, -alpha * lam / m)), W_), -Times(alpha, dW))
    lines = chain(dW_L2, Plus(dW, Times(lam / m, W_)))
    lines += chain(step, Plus(W_, -Times(alpha, Plus(dW, Times(lam / m, W_)))), decayed)
    return derive("weight_decay", GROUP, lines, Step(step, decayed), W=W, lam=lam, m=m, alpha=alpha)


DERIVATIONS = {"gradient_descent": gradient_descent, "adam_bias_correction": adam_bias_correction,
               "l2_gradient": l2_gradient, "weight_decay": weight_decay}
