r"""Backpropagation, derived entry by entry on explicit small matrices.

SymPy differentiates every entry of a gradient separately (``diff`` by each
:math:`w_{jk}`, :math:`b_j`, ...), and each matrix formula the book states,
such as :math:`dW = \frac1m dZ\,A^{[l-1]\top}`, is then checked against those entries.
Matrix calculus on ``MatrixSymbol`` is only used for printing: SymPy's derivative of
a sum of traces can silently return 0 (sympy issues 26585, 26561, 27406).

Book conventions: :math:`dA`, :math:`dZ` are per example (:math:`dZ = m\,\partial J/\partial Z`),
while :math:`dW`, :math:`db` are the gradients of the mean cost :math:`J`, so they carry :math:`1/m`.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative

from . import losses, notation
from .core import Dot, MatPlus, Plus, Step, Times, chain, derive, explicit, label, sigma

GROUP = "backprop"


class g(sp.Function):
    """A layer's activation, left unspecified; its derivative prints as ``g'``."""

    def fdiff(self, argindex=1):
        return gprime(self.args[0])

    def _latex(self, printer, exp=None):
        tex = rf"g\left({printer._print(self.args[0])}\right)"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex


class gprime(sp.Function):
    """:math:`g'`, the derivative of the unspecified activation :class:`g`."""

    def _latex(self, printer, exp=None):
        tex = rf"g'\left({printer._print(self.args[0])}\right)"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(*prettyForm(*printer._print(self.args[0]).parens()).left("g'"))


def symbols_matrix(name: str, rows: int, cols: int, **assumptions) -> sp.Matrix:
    """A matrix of symbols ``name_jk`` (1-based), e.g. the entries of :math:`W`.

    A ``name`` holding a superscript (``W^{[1]}``) gets braces: ``W^{[1]}_{jk}``.
    """
    pattern = "{}_{{{}{}}}" if "^" in name else "{}_{}{}"
    return sp.Matrix(rows, cols, lambda j, k: notation.symbol(pattern.format(name, j + 1, k + 1), **assumptions))


def value(x):
    """What a :func:`~nnlit.symbolic.core.label` stands for (display functions kept)."""
    return type(x).definition()


def matrix_claim(subs: dict, keep: tuple = (sigma,)):
    """Check ``left = matrix expression`` entry by entry, substituting explicit matrices for the symbols.

    ``sigma`` is kept as a function (differentiated by its proven derivative), which
    keeps the comparison a polynomial identity.
    """
    def as_matrix(e):
        e = explicit(e.as_explicit() if isinstance(e, sp.MatrixExpr) else e, keep)
        return sp.Matrix(e) if isinstance(e, sp.MatrixBase) else sp.Matrix([[e]])

    def check(left, right) -> bool:
        lhs = as_matrix(left)
        rhs = as_matrix(right.subs({k: sp.ImmutableMatrix(v) if isinstance(v, sp.MatrixBase) else v
                                    for k, v in subs.items()}).doit())
        return lhs.shape == rhs.shape and all(sp.expand(x - y) == 0 for x, y in zip(lhs, rhs))
    return check


# -- a computation graph ----------------------------------------------------------------------------


def computation_graph():
    r"""The chain rule on :math:`J = 3(a + bc)`, node by node: :math:`u = bc`, :math:`v = a + u`, :math:`J = 3v`."""
    a, b, c, u, v = notation.symbols("a b c u v", real=True)     # local meanings: the graph (5.3)
    J = 3 * (a + b * c)

    def d(top, bottom, expr, var):
        return label(rf"\frac{{\partial {top}}}{{\partial {bottom}}}", sp.diff(expr, var), f"∂{top}/∂{bottom}")

    dJ_dv, dv_da, dv_du = d("J", "v", 3 * v, v), d("v", "a", a + u, a), d("v", "u", a + u, u)
    du_db, du_dc = d("u", "b", b * c, b), d("u", "c", b * c, c)
    dJ_du = d("J", "u", 3 * (a + u), u)
    lines = chain(label("u", b * c), b * c)
    lines += chain(label("v", a + b * c), a + label("u", b * c))
    lines += chain(label("J", J), 3 * label("v", a + b * c))
    lines += chain(dJ_dv, sp.Integer(3))
    lines += chain(d("J", "a", J, a), Times(dJ_dv, dv_da), Dot(3, 1), sp.Integer(3))
    lines += chain(dJ_du, Times(dJ_dv, dv_du), Dot(3, 1), sp.Integer(3))
    lines += chain(d("J", "b", J, b), Times(dJ_du, du_db), 3 * c)
    lines += chain(d("J", "c", J, c), Times(dJ_du, du_dc), 3 * b)
    result = [Step(d("J", name, J, var), rhs) for name, var, rhs in (("a", a, 3), ("b", b, 3 * c), ("c", c, 3 * b))]
    return derive("computation_graph", GROUP, lines, result, J=J, symbols=(a, b, c))


# -- one logistic neuron --------------------------------------------------------------------------------


def logistic_neuron():
    r"""Logistic regression on one example: :math:`dz = a - y`, :math:`dw = x\,dz`, :math:`db = dz`."""
    n = 2
    x = notation.symbols(f"x_1:{n + 1}", real=True)
    w = notation.symbols(f"w_1:{n + 1}", real=True)
    b, y = notation.symbol("b", real=True), notation.symbol("y", real=True)
    a, zs = notation.symbol("a", positive=True), notation.symbol("z", real=True)
    z_expr = sum(wk * xk for wk, xk in zip(w, x)) + b
    L = losses.BINARY_CROSS_ENTROPY.L
    loss = explicit(L(sigma(z_expr), y))
    where = {a: sigma(z_expr)}

    da = label("da", sp.diff(explicit(L(a, y)), a))
    dz = label("dz", sp.diff(explicit(L(sigma(zs), y)), zs).subs(zs, z_expr))
    dw = [label(f"dw_{{{k + 1}}}", sp.diff(loss, w[k]), f"dw{k + 1}") for k in range(n)]
    db = label("db", sp.diff(loss, b))
    dz_dw = [label(rf"\frac{{\partial z}}{{\partial w_{{{k + 1}}}}}", sp.diff(z_expr, w[k]), f"∂z/∂w{k + 1}")
             for k in range(n)]

    lines = chain(label("z", z_expr), Plus(*(Times(wk, xk) for wk, xk in zip(w, x)), b))
    lines += chain(a, sigma(label("z", z_expr)), where=where)
    lines += chain(L(a, y), L.definition(a, y))
    lines += chain(da, Derivative(L(a, y), a), Plus(-y / a, (1 - y) / (1 - a)))
    da_dz = label(r"\frac{\partial a}{\partial z}", sigma.derivative(z_expr), "∂a/∂z")
    lines += chain(dz, Times(da, da_dz), Dot(da, Times(a, 1 - a)), a - y, where=where)
    for k in range(n):
        lines += chain(dw[k], Times(dz, dz_dw[k]), Times(x[k], dz), Times(x[k], a - y), where=where)
    lines += chain(db, Times(dz, label(r"\frac{\partial z}{\partial b}", 1, "∂z/∂b")), dz)
    result = [Step(dz, a - y, where=where), *(Step(dw[k], Times(x[k], dz)) for k in range(n)), Step(db, dz)]
    return derive("logistic_neuron", GROUP, lines, result,
                  x=x, w=w, b=b, y=y, dz=value(dz), dw=[value(d) for d in dw], db=value(db))


# -- one Dense layer ---------------------------------------------------------------------------------------

N_IN, N_OUT, M = 3, 2, 2   #: the explicit sizes of the Dense-layer derivation


def dense_layer():
    r"""A Dense layer, entry by entry: :math:`dZ = dA \odot g'(Z)`, :math:`dW = \frac1m dZ A^{[l-1]\top}`,
    :math:`db = \frac1m \sum_i dZ^{(i)}`, :math:`dA^{[l-1]} = W^\top dZ`.

    The cost :math:`J` depends on the layer only through its output :math:`A`, and the
    layer receives :math:`dA = m\,\partial J/\partial A`; so, by the chain rule,
    :math:`\partial J/\partial\theta = \sum_{j,i} \frac1m dA_{ji}\,\partial A_{ji}/\partial\theta`
    for every parameter or input :math:`\theta`, where SymPy takes each
    :math:`\partial A_{ji}/\partial\theta`.
    """
    W = symbols_matrix("w", N_OUT, N_IN, real=True)
    X = symbols_matrix("x", N_IN, M, real=True)       # A^{[l-1]}, the layer's input
    bias = sp.Matrix(N_OUT, 1, lambda j, _: notation.symbol(f"b_{{{j + 1}}}", real=True))
    dA = symbols_matrix("dA", N_OUT, M, real=True)
    Z_expr = W * X + bias * sp.ones(1, M)
    A_expr = Z_expr.applyfunc(g)
    m = label("m", M)

    def grad(theta):                                  # dJ/dtheta by the chain rule, SymPy's d A_ji / d theta
        return sum((dA[j, i] / M * sp.diff(A_expr[j, i], theta) for j in range(N_OUT) for i in range(M)),
                   sp.Integer(0))

    Zl = sp.Matrix(N_OUT, M, lambda j, i: label(f"z_{{{j + 1}{i + 1}}}", Z_expr[j, i], f"z{j + 1}{i + 1}"))
    dZ_entries = sp.Matrix(N_OUT, M, lambda j, i: Times(dA[j, i], gprime(Zl[j, i])))
    dZl = sp.Matrix(N_OUT, M, lambda j, i: label(f"dZ_{{{j + 1}{i + 1}}}", explicit(dZ_entries[j, i]),
                                                 f"dZ{j + 1}{i + 1}"))
    dW = label("dW", sp.Matrix(N_OUT, N_IN, lambda j, k: grad(W[j, k])))
    db = label("db", sp.Matrix(N_OUT, 1, lambda j, _: grad(bias[j])))
    dX = label("dA^{[l-1]}", sp.Matrix(N_IN, M, lambda k, i: M * grad(X[k, i])), "dA_prev")
    zz = notation.dummy("zz")
    dZ = label("dZ", sp.Matrix(N_OUT, M, lambda j, i: (M * sp.diff(dA[j, i] / M * g(zz), zz)).subs(zz, Z_expr[j, i])))

    Ws, Xs, dZs, dAs = (notation.matrix(name, *shape) for name, shape in (
        ("W", W.shape), ("A^{[l-1]}", X.shape), ("dZ", (N_OUT, M)), ("dA", (N_OUT, M))))
    gZ = notation.matrix("g'(Z)", N_OUT, M)
    explicit_dZ = dZ_entries.applyfunc(explicit)
    subs = {Ws: W, Xs: X, dZs: explicit_dZ, dAs: dA, gZ: Z_expr.applyfunc(gprime)}
    ones = sp.OneMatrix(M, 1)

    w11 = label(r"\frac{\partial J}{\partial w_{11}}", grad(W[0, 0]), "∂J/∂w11")
    lines = chain(label("Z", Z_expr), Z_expr)
    lines += chain(w11,
                   Times(1 / m, sum((Times(dA[0, i], Derivative(g(Zl[0, i]), W[0, 0])) for i in range(M)),
                                    sp.Integer(0))),
                   Times(1 / m, sum((Times(dA[0, i], gprime(Zl[0, i]), X[0, i]) for i in range(M)),
                                    sp.Integer(0))),
                   Times(1 / m, sum((Times(dZl[0, i], X[0, i]) for i in range(M)), sp.Integer(0))))
    lines += chain(dZ, dZ_entries)
    lines.append(Step(None, sp.HadamardProduct(dAs, gZ), check=matrix_claim(subs)))
    lines += chain(dW, Times(1 / m, sp.Matrix(N_OUT, N_IN, lambda j, k: sum(
        (Times(dZl[j, i], X[k, i]) for i in range(M)), sp.Integer(0)))))
    lines.append(Step(None, (1 / m) * dZs * Xs.T, check=matrix_claim(subs)))
    lines += chain(db, Times(1 / m, sp.Matrix(N_OUT, 1, lambda j, _: sum(dZl[j, i] for i in range(M)))))
    lines.append(Step(None, (1 / m) * dZs * ones, check=matrix_claim(subs)))
    lines += chain(dX, sp.Matrix(N_IN, M, lambda k, i: sum((Times(W[j, k], dZl[j, i]) for j in range(N_OUT)),
                                                             sp.Integer(0))))
    lines.append(Step(None, Ws.T * dZs, check=matrix_claim(subs)))
    result = [Step(dZ, sp.HadamardProduct(dAs, gZ), check=matrix_claim(subs)),
              Step(dW, (1 / m) * dZs * Xs.T, check=matrix_claim(subs)),
              Step(db, (1 / m) * dZs * ones, check=matrix_claim(subs)),
              Step(dX, Ws.T * dZs, check=matrix_claim(subs))]
    return derive("dense_layer", GROUP, lines, result, W=W, X=X, b=bias, dA=dA, g=g, gprime=gprime,
                  dW=value(dW), db=value(db), dA_prev=value(dX), dZ=value(dZ))


# -- the two-layer network of the course notes ----------------------------------------------------------


class TwoLayer:
    r"""tanh hidden layer, sigmoid output, binary cross-entropy, on explicit symbol matrices.

    ``W1`` ... may be given (e.g. with repeated entries, for the symmetry argument).
    :math:`\sigma` stays a function, differentiated by its proven derivative
    :math:`\sigma(1-\sigma)`; tanh by SymPy's :math:`1-\tanh^2`.
    """

    def __init__(self, n_x=2, n_h=3, m=2, W1=None, b1=None, W2=None, b2=None):
        self.n_x, self.n_h, self.m = n_x, n_h, m
        self.X = symbols_matrix("x", n_x, m, real=True)
        self.Y = sp.Matrix(1, m, lambda _, i: notation.symbol(f"y_{i + 1}", real=True))
        self.W1 = symbols_matrix("W^{[1]}", n_h, n_x, real=True) if W1 is None else W1
        self.b1 = sp.Matrix(n_h, 1, lambda j, _: notation.symbol(f"b^{{[1]}}_{{{j + 1}}}", real=True)) if b1 is None else b1
        self.W2 = symbols_matrix("W^{[2]}", 1, n_h, real=True) if W2 is None else W2
        self.b2 = sp.Matrix([[notation.symbol("b^{[2]}", real=True)]]) if b2 is None else b2
        self.Z1 = self.W1 * self.X + self.b1 * sp.ones(1, m)
        self.A1 = self.Z1.applyfunc(sp.tanh)
        self.Z2 = self.W2 * self.A1 + self.b2 * sp.ones(1, m)
        self.A2 = self.Z2.applyfunc(sigma)
        self.L = losses.BINARY_CROSS_ENTROPY.L

    def cost(self, A2=None):
        A2 = self.A2 if A2 is None else A2
        return sum(explicit(self.L(A2[0, i], self.Y[0, i]), keep=(sigma,)) for i in range(self.m)) / self.m

    def gradient(self, P: sp.Matrix) -> sp.Matrix:
        """:math:`\\partial J/\\partial P_{jk}` for each entry of the parameter matrix ``P``, by ``diff``."""
        J = self.cost()
        return P.applyfunc(lambda p: sp.diff(J, p))

    def per_example(self, Z: sp.Matrix, name: str) -> sp.Matrix:
        """:math:`dZ = m\\,\\partial J/\\partial Z`, taking ``Z``'s entries as the variables."""
        zs = symbols_matrix(name, *Z.shape, real=True)
        if name == "z^{[2]}":
            J = self.cost(zs.applyfunc(sigma))
        else:
            A1 = zs.applyfunc(sp.tanh)
            J = self.cost((self.W2 * A1 + self.b2 * sp.ones(1, self.m)).applyfunc(sigma))
        at = dict(zip(zs, Z))
        return zs.applyfunc(lambda z: self.m * sp.diff(J, z)).subs(at)


def two_layer():
    r"""The two-layer network: the six backward equations, checked entry by entry.

    :math:`dZ^{[2]} = A^{[2]} - Y`, :math:`dW^{[2]} = \frac1m dZ^{[2]} A^{[1]\top}`,
    :math:`db^{[2]} = \frac1m\sum_i dZ^{[2](i)}`, :math:`dZ^{[1]} = W^{[2]\top} dZ^{[2]} \odot (1 - A^{[1]}\odot A^{[1]})`,
    :math:`dW^{[1]} = \frac1m dZ^{[1]} X^\top`, :math:`db^{[1]} = \frac1m\sum_i dZ^{[1](i)}`.
    """
    net = TwoLayer()
    n_x, n_h, M2 = net.n_x, net.n_h, net.m
    m = label("m", M2)
    S = {name: notation.matrix(name, *shape) for name, shape in (
        ("X", (n_x, M2)), ("Y", (1, M2)), ("W^{[2]}", (1, n_h)), ("A^{[1]}", (n_h, M2)),
        ("A^{[2]}", (1, M2)), ("dZ^{[2]}", (1, M2)), ("dZ^{[1]}", (n_h, M2)))}
    ones = sp.OneMatrix(M2, 1)
    dZ2 = net.A2 - net.Y
    dZ1 = sp.matrix_multiply_elementwise(net.W2.T * dZ2, net.A1.applyfunc(lambda t: 1 - t**2))
    subs = {S["X"]: net.X, S["Y"]: net.Y, S["W^{[2]}"]: net.W2, S["A^{[1]}"]: net.A1, S["A^{[2]}"]: net.A2,
            S["dZ^{[2]}"]: dZ2, S["dZ^{[1]}"]: dZ1, m: M2}
    check = matrix_claim(subs)
    d = {
        "dZ^{[2]}": net.per_example(net.Z2, "z^{[2]}"),
        "dW^{[2]}": net.gradient(net.W2),
        "db^{[2]}": net.gradient(net.b2),
        "dZ^{[1]}": net.per_example(net.Z1, "z^{[1]}"),
        "dW^{[1]}": net.gradient(net.W1),
        "db^{[1]}": net.gradient(net.b1),
    }
    formula = {
        "dZ^{[2]}": S["A^{[2]}"] - S["Y"],
        "dW^{[2]}": (1 / m) * S["dZ^{[2]}"] * S["A^{[1]}"].T,
        "db^{[2]}": (1 / m) * S["dZ^{[2]}"] * ones,
        "dZ^{[1]}": sp.HadamardProduct(S["W^{[2]}"].T * S["dZ^{[2]}"],
                                       sp.OneMatrix(n_h, M2) - sp.HadamardProduct(S["A^{[1]}"], S["A^{[1]}"])),
        "dW^{[1]}": (1 / m) * S["dZ^{[1]}"] * S["X"].T,
        "db^{[1]}": (1 / m) * S["dZ^{[1]}"] * ones,
    }
    labels = {name: label(name, value, name.replace("{", "").replace("}", "")) for name, value in d.items()}
    # one entry written out: dJ/dW1_11 = (1/m) sum_i dZ1_1i x_1i
    w11 = label(r"\frac{\partial J}{\partial W^{[1]}_{11}}", d["dW^{[1]}"][0, 0], "∂J/∂W1_11")
    dZ1_entries = [label(f"dZ^{{[1]}}_{{1{i + 1}}}", dZ1[0, i], f"dZ1_1{i + 1}") for i in range(M2)]
    entry = Times(1 / m, sum((Times(dZ1_entries[i], net.X[0, i]) for i in range(M2)), sp.Integer(0)))
    lines = [Step(labels[name], formula[name], check=check) for name in d]
    lines += chain(w11, entry, check=matrix_claim(subs))
    result = [Step(labels[name], formula[name], check=check) for name in d]
    return derive("two_layer", GROUP, lines, result, net=net, gradients=d)


# -- chapter 1: linear layers collapse -----------------------------------------------------------------------


def linear_collapse():
    r"""(1.14): three layers without activation are one, :math:`W x + b`, with :math:`W = W^{[3]} W^{[2]} W^{[1]}`.

    Checked entry by entry on explicit 2-2-2-1 matrices, as every matrix claim of the book.
    """
    shapes = {"x": (2, 1), "W^{[1]}": (2, 2), "b^{[1]}": (2, 1), "W^{[2]}": (2, 2), "b^{[2]}": (2, 1),
              "W^{[3]}": (1, 2), "b^{[3]}": (1, 1), "W": (1, 2), "b": (1, 1)}
    M = {name: notation.matrix(name, *shape) for name, shape in shapes.items()}
    x, W1, b1, W2, b2, W3, b3, W, b = M.values()

    def plus(*terms):
        return MatPlus(*terms, evaluate=False)

    def times(*factors):
        return sp.MatMul(*factors, evaluate=False)

    collapsed = {W: times(W3, W2, W1), b: plus(times(W3, W2, b1), times(W3, b2), b3)}
    entries = {M[name]: sp.ImmutableMatrix(symbols_matrix(name, *shape, real=True))
               for name, shape in shapes.items() if name not in ("W", "b")}

    def same_entries(left, right) -> bool:
        def written_out(e):
            return sp.Matrix(e.subs(collapsed).subs(entries).doit())
        left, right = written_out(left), written_out(right)
        return left.shape == right.shape and all(sp.expand(p - q) == 0 for p, q in zip(left, right))

    network = plus(times(W3, plus(times(W2, plus(times(W1, x), b1)), b2)), b3)
    lines = chain(network,
                  plus(times(W3, W2, W1, x), times(W3, W2, b1), times(W3, b2), b3),
                  plus(times(W, x), b), check=same_entries)
    lines[-1] = Step(None, lines[-1].rhs, check=same_entries,
                     given=r"W = W^{[3]} W^{[2]} W^{[1]},\ b = W^{[3]} W^{[2]} b^{[1]} + W^{[3]} b^{[2]} + b^{[3]}")
    return derive("linear_collapse", GROUP, lines, Step(network, plus(times(W, x), b), check=same_entries))


def bias_column():
    r"""(1.8): the course's :math:`\Theta^{(l)} = [\,b^{[l]}\ W^{[l]}\,]` applied to :math:`[1;\ a^{[l-1]}]`
    is :math:`W^{[l]} a^{[l-1]} + b^{[l]}`: the bias is the weight of an input that is always 1.

    Checked entry by entry on a layer of 2 units with 3 inputs; nothing depends on those sizes.
    """
    units, inputs = 2, 3
    W = notation.matrix("W^{[l]}", units, inputs)
    b = notation.matrix("b^{[l]}", units, 1)
    a = notation.matrix("a^{[l-1]}", inputs, 1)
    Theta = notation.matrix("Theta^{(l)}", units, inputs + 1)
    glued = sp.BlockMatrix([[b, W]])
    entries = {M: sp.ImmutableMatrix(symbols_matrix(M.name, *M.shape, real=True)) for M in (W, b, a)}
    entries[Theta] = sp.ImmutableMatrix(glued.subs(entries).as_explicit())
    def same_entries(left, right) -> bool:
        def written_out(e):
            return sp.Matrix(explicit(e, evaluate=False).subs(entries).doit().as_explicit())
        left, right = written_out(left), written_out(right)
        return left.shape == right.shape and all(sp.expand(p - q) == 0 for p, q in zip(left, right))

    def product(*factors):
        return sp.MatMul(*factors, evaluate=False)

    one_and_a = sp.BlockMatrix([[sp.OneMatrix(1, 1)], [a]])
    block_product = label(r"b^{[l]} \cdot 1 + W^{[l]} a^{[l-1]}", product(b, sp.OneMatrix(1, 1)) + product(W, a))
    lines = [Step(Theta, glued, check=same_entries)]
    lines += chain(product(Theta, one_and_a), product(glued, one_and_a), block_product,
                   MatPlus(product(W, a), b, evaluate=False), check=same_entries)
    return derive("bias_column", GROUP, lines,
                  Step(product(Theta, one_and_a), MatPlus(product(W, a), b, evaluate=False), check=same_entries))


DERIVATIONS = {"bias_column": bias_column, "linear_collapse": linear_collapse, "computation_graph": computation_graph, "logistic_neuron": logistic_neuron,
               "dense_layer": dense_layer, "two_layer": two_layer}
