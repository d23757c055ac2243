r"""Every activation function as a SymPy expression, and its derivative derived.

Each entry of :data:`ACTIVATIONS` (same names as ``nnlit.activations``) has

* ``f``: the function, printed by name (``f(z)``) and defined once, here;
* ``steps``: the forms :math:`\frac{d}{dz} f(z)` passes through, each one proven
  equal to the one before;
* ``textbook``: the form the chapter prints, e.g. :math:`\sigma(z)(1-\sigma(z))`,
  proven equal to the raw derivative ``diff(f(z), z)`` (on both sides of a kink).

At a kink the derivative does not exist. The derivation first derives it on both
sides (``z > 0``, ``z < 0``), then states the book's *convention* for the kink as a
definition, :math:`f'(0) := \dots`, the left-hand derivative that ``nnlit.activations``
uses (checked: it is the limit from the left), and only then writes the textbook form
with ``z \le 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy import Derivative, Piecewise, exp, log

from . import notation
from .core import DerivationError, Phi, Plus, Step, Times, chain, derive, display_function, expand_sums, explicit, label, phi, prove_equal, sigma, to_latex

z = notation.symbol("z", real=True)
alpha = notation.symbol("alpha", positive=True)     # local meaning here: the negative slope, ELU's scale


@dataclass(frozen=True)
class Activation:
    """One activation: its function ``f`` (a display function), the steps and the textbook form."""

    name: str
    f: type
    textbook: sp.Expr
    steps: tuple = ()
    params: tuple = ()
    kinks: tuple = ()
    definition_steps: tuple = ()

    @property
    def expr(self) -> sp.Expr:
        """:math:`f(z)` written out."""
        return explicit(self.f(z))

    @property
    def derivative(self) -> sp.Expr:
        """The raw derivative, SymPy's ``diff(f(z), z)``."""
        return sp.diff(self.expr, z)

    @property
    def symbols(self) -> tuple:
        """The arguments of :meth:`lambdify`: ``z`` and then the parameters."""
        return (z, *self.params)

    def derivation(self):
        lhs = Derivative(self.f(z), z)
        lines = chain(self.f(z), self.f.definition(z), *self.definition_steps, var=z)
        if self.kinks:
            if self.steps:                      # off the kink: a cases block, or one value for z != 0
                *steps, both_sides = self.steps
                given = None if both_sides.is_Piecewise else sp.Ne(z, 0)
                lines += chain(lhs, *steps, both_sides, var=z, given=given)
            result = Step(lhs, self.textbook, check=self.with_convention)
            lines += [self.convention(), result]
        else:
            lines += chain(lhs, *self.steps, self.textbook, var=z)
            result = Step(lhs, self.textbook, var=z)
        if not prove_equal(self.textbook, self.derivative, var=z):
            raise DerivationError(f"{self.name}: the textbook form is not the derivative")
        return derive(self.name, "activations", lines, result,
                      f=self.expr, derivative=self.derivative, textbook=self.textbook)

    def left_derivative(self, at=0):
        """The derivative's limit from the left at the kink ``at``: the value the book takes there."""
        t = notation.dummy("t", positive=True)
        return sp.limit(self.derivative.subs(z, at - t), t, 0)

    def convention(self) -> Step:
        r"""The line :math:`\left.\frac{d}{dz} f(z)\right|_{z=0} := f'(0^-)`, a definition (checked: the left limit)."""
        (kink,) = self.kinks
        value = self.left_derivative(kink)
        at = label(rf"\left.{to_latex(Derivative(self.f(z), z))}\right|_{{z = {kink}}}", value, f"{self.name}'({kink})")
        return Step(at, value, ":=", check=lambda left, right: sp.simplify(explicit(left) - right) == 0)

    def with_convention(self, left, right) -> bool:
        """The textbook form is the derivative off the kink, and the convention at it."""
        (kink,) = self.kinks
        on_kink = sp.simplify(explicit(right).subs(z, kink) - self.left_derivative(kink)) == 0
        return on_kink and prove_equal(left, right, var=z)


def _f(name, definition, latex_name):
    return display_function(name, sp.Lambda(z, definition), latex_name=latex_name)


# -- the smooth squashing functions -----------------------------------------------------

_u = 1 + exp(-z)
SIGMOID = Activation(
    "sigmoid", sigma,
    textbook=Times(sigma(z), 1 - sigma(z)),
    steps=(Derivative(sp.Pow(_u, -1), z),
           exp(-z) / _u**2,
           Times(1 / _u, exp(-z) / _u),
           Times(1 / _u, 1 - 1 / _u)),
)

_num, _den = Plus(exp(z), -exp(-z)), exp(z) + exp(-z)
tanh = _f("tanh", _num / _den, r"\tanh")
TANH = Activation(
    "tanh", tanh,
    steps=(Derivative(_num / _den, z),
           Plus(_den**2, -_num**2) / _den**2,
           Plus(1, -_num**2 / _den**2)),
    textbook=1 - tanh(z)**2,
)

# -- the piecewise linear family -------------------------------------------------------------

relu = _f("ReLU", sp.Max(0, z), r"\operatorname{ReLU}")
RELU = Activation(
    "relu", relu,
    definition_steps=(Piecewise((z, z > 0), (0, True)),),
    steps=(Piecewise((Derivative(z, z), z > 0), (0, z < 0)),
           Piecewise((1, z > 0), (0, z < 0))),
    textbook=Piecewise((1, z > 0), (0, True)),
    kinks=(0,),
)

leaky_relu = _f("LeakyReLU", Piecewise((z, z > 0), (alpha * z, True)), r"\operatorname{LeakyReLU}")
LEAKY_RELU = Activation(
    "leaky_relu", leaky_relu,
    steps=(Piecewise((Derivative(z, z), z > 0), (Derivative(alpha * z, z), z < 0)),
           Piecewise((1, z > 0), (alpha, z < 0))),
    textbook=Piecewise((1, z > 0), (alpha, True)),
    params=(alpha,), kinks=(0,),
)

prelu = _f("PReLU", Piecewise((z, z > 0), (alpha * z, True)), r"\operatorname{PReLU}")
PRELU = Activation(
    "prelu", prelu,
    steps=(Piecewise((Derivative(z, z), z > 0), (Derivative(alpha * z, z), z < 0)),
           Piecewise((1, z > 0), (alpha, z < 0))),
    textbook=Piecewise((1, z > 0), (alpha, True)),
    params=(alpha,), kinks=(0,),
)

elu = _f("ELU", Piecewise((z, z > 0), (alpha * (exp(z) - 1), True)), r"\operatorname{ELU}")
ELU = Activation(
    "elu", elu,
    steps=(Piecewise((Derivative(z, z), z > 0), (Derivative(alpha * (exp(z) - 1), z), z < 0)),
           Piecewise((1, z > 0), (alpha * exp(z), z < 0)),
           Piecewise((1, z > 0), (Plus(alpha * (exp(z) - 1), alpha), z < 0)),
           Piecewise((1, z > 0), (Plus(elu(z), alpha), z < 0))),
    textbook=Piecewise((1, z > 0), (Plus(elu(z), alpha), True)),
    params=(alpha,), kinks=(0,),
)

step = _f("H", Piecewise((1, z >= 0), (0, True)), r"H")
STEP = Activation(
    "step", step,
    steps=(sp.Integer(0),),                    # on each side H is constant (1 or 0), so its slope is 0
    textbook=sp.Integer(0),
    kinks=(0,),
)

identity = _f("id", z, r"\operatorname{id}")
IDENTITY = Activation("identity", identity, textbook=sp.Integer(1),
                      steps=(Derivative(z, z),))

# -- the smooth modern ones --------------------------------------------------------------------

softplus = _f("softplus", log(1 + exp(z)), r"\operatorname{softplus}")
SOFTPLUS = Activation(
    "softplus", softplus,
    steps=(Derivative(log(1 + exp(z)), z),
           exp(z) / (1 + exp(z)),
           1 / (1 + exp(-z))),
    textbook=sigma(z),
)

silu = _f("SiLU", z * sigma(z), r"\operatorname{SiLU}")
SILU = Activation(
    "silu", silu,
    steps=(Derivative(Times(z, sigma(z)), z),
           Plus(sigma(z), Times(z, Derivative(sigma(z), z))),
           Plus(sigma(z), Times(z, sigma(z), 1 - sigma(z)))),
    textbook=Times(sigma(z), Plus(1, Times(z, 1 - sigma(z)))),
)

gelu = _f("GELU", z * Phi(z), r"\operatorname{GELU}")
GELU = Activation(
    "gelu", gelu,
    definition_steps=(Times(z, (1 + sp.erf(z / sp.sqrt(2))) / 2),),
    steps=(Derivative(Times(z, Phi(z)), z),
           Plus(Phi(z), Times(z, Derivative(Phi(z), z)))),
    textbook=Plus(Phi(z), Times(z, phi(z))),
)

# -- softmax: a vector function, so a Jacobian ----------------------------------------------------

K = 3  #: the softmax derivation works on an explicit vector of this length
zs = notation.symbols(f"z_1:{K + 1}", real=True)
_total = sum(exp(zk) for zk in zs)
#: s_k(z_1, ..., z_K), printed s_k
s = [display_function(f"s_{k + 1}", sp.Lambda(zs, exp(zs[k]) / _total), latex_name=f"s_{{{k + 1}}}",
                      bare=True) for k in range(K)]
S = sp.Matrix([sk(*zs) for sk in s])


class Softmax:
    """softmax on an explicit vector of length :data:`K`: ``expr`` is a column, its derivative a Jacobian."""

    name = "softmax"
    params: tuple = ()
    kinks: tuple = ()
    symbols = zs

    @property
    def expr(self) -> sp.Matrix:
        return sp.Matrix([sk.definition(*zs) for sk in s])

    @property
    def derivative(self) -> sp.Matrix:
        """The Jacobian :math:`J_{ij} = \\partial s_i / \\partial z_j`."""
        return self.expr.jacobian(zs)

    @property
    def textbook(self) -> sp.Matrix:
        """:math:`\\operatorname{diag}(s) - s s^\\top`, written out."""
        return sp.diag(*S) - S * S.T

    def derivation(self):
        from sympy.matrices.expressions.diagonal import DiagMatrix

        sv = notation.matrix("s", K, 1)
        matrix_form = DiagMatrix(sv) - sv * sv.T

        def is_matrix_form(left, right):
            return prove_equal(left, right.subs(sv, sp.ImmutableMatrix(S)).doit())

        lines = chain(S[0], exp(zs[0]) / _total)
        lines += chain(Derivative(S[0], zs[0]),
                       Derivative(exp(zs[0]) / _total, zs[0]),
                       (exp(zs[0]) * _total - exp(zs[0]) * exp(zs[0])) / _total**2,
                       Times(exp(zs[0]) / _total, Plus(1, -exp(zs[0]) / _total)),
                       Times(S[0], 1 - S[0]))
        lines += chain(Derivative(S[0], zs[1]),
                       Derivative(exp(zs[0]) / _total, zs[1]),
                       -exp(zs[0]) * exp(zs[1]) / _total**2,
                       -Times(S[0], S[1]))
        # entries as ∂s_i/∂z_j on one line: stacked fractions inside a matrix are too small to read
        jacobian = sp.Matrix(K, K, lambda a, b: label(rf"\partial s_{{{a + 1}}} / \partial z_{{{b + 1}}}",
                                                      Derivative(S[a], zs[b]), f"∂s{a + 1}/∂z{b + 1}"))
        entries = sp.Matrix(K, K, lambda a, b: Times(S[a], 1 - S[a]) if a == b else -Times(S[a], S[b]))
        ds_dz = label(r"\frac{\partial s}{\partial z}", jacobian, "∂s/∂z")
        lines += chain(ds_dz, jacobian, entries)
        lines.append(Step(None, matrix_form, check=is_matrix_form))
        result = Step(ds_dz, matrix_form, check=is_matrix_form)
        return derive("softmax", "activations", lines, result,
                      f=self.expr, derivative=self.derivative, textbook=self.textbook)


SOFTMAX = Softmax()

# -- two identities the chapter numbers: (2.6) and (2.12) -----------------------------------------------


def logit():
    r"""(2.4): the sigmoid undoes the log-odds, :math:`\sigma\big(\ln\frac{p}{1-p}\big) = p` for :math:`0 < p < 1`."""
    p = notation.symbol("p", positive=True)
    odds = log(p / Plus(1, -p))
    lines = chain(sigma(odds), 1 / (1 + exp(-odds, evaluate=False)), 1 / (1 + Plus(1, -p) / p), p)
    lines[0] = Step(sigma(odds), lines[0].rhs, given=r"0 < p < 1")
    return derive("logit", "activations", lines, Step(sigma(odds), p))


def tanh_sigmoid():
    r"""(2.6): :math:`\tanh(z) = 2\sigma(2z) - 1`, by multiplying numerator and denominator by :math:`e^{-z}`."""
    e2 = exp(-2 * z)
    lines = chain(tanh(z), _num / _den, Plus(1, -e2) / Plus(1, e2), Plus(2 / Plus(1, e2), -1),
                  Plus(Times(2, sigma(2 * z)), -1))
    return derive("tanh_sigmoid", "activations", lines, Step(tanh(z), Plus(Times(2, sigma(2 * z)), -1)))


def _sums_equal(left, right) -> bool:
    """Equality of two quotients of sums: every sum split into its terms, factors free of the index pulled out."""
    return sp.simplify(expand_sums(explicit(left)) - expand_sums(explicit(right))) == 0


def softmax_shift():
    r"""(2.12): adding :math:`c` to every logit multiplies every exponential by :math:`e^c`, which cancels."""
    classes = notation.symbol("K", integer=True, positive=True)
    k, j = (notation.symbol(name, integer=True, positive=True) for name in ("k", "j"))
    c = notation.symbol("c", real=True)
    logit = notation.indexed("z", real=True)

    def ratio(top, terms):
        return top / sp.Sum(terms, (j, 1, classes))

    shifted_value = ratio(exp(Plus(logit[k], c)), exp(Plus(logit[j], c)))
    plain_value = ratio(exp(logit[k]), exp(logit[j]))
    shifted = label(r"\operatorname{softmax}\left(z + c\,\mathbf{1}\right)_{k}", shifted_value, "softmax(z + c1)_k")
    plain = label(r"\operatorname{softmax}\left(z\right)_{k}", plain_value, "softmax(z)_k")
    lines = chain(shifted, shifted_value,
                  Times(exp(c), exp(logit[k])) / Times(exp(c), sp.Sum(exp(logit[j]), (j, 1, classes))),
                  plain_value, plain, check=_sums_equal)
    return derive("softmax_shift", "activations", lines, Step(shifted, plain, check=_sums_equal))


# -- PReLU's learnable slope -------------------------------------------------------------------------------


def prelu_alpha():
    r""":math:`\partial\,\mathrm{PReLU}(z)/\partial\alpha = \min(z, 0)`, and the layer's :math:`d\alpha`."""
    lhs = Derivative(prelu(z), alpha)
    lines = chain(prelu(z), prelu.definition(z), var=z)
    lines += chain(lhs,
                   Piecewise((Derivative(z, alpha), z > 0), (Derivative(alpha * z, alpha), True)),
                   Piecewise((0, z > 0), (z, True)),
                   sp.Min(0, z), var=z)
    return derive("prelu_alpha", "activations", lines, Step(lhs, sp.Min(0, z), var=z),
                  derivative=sp.Min(0, z))


ACTIVATIONS = {a.name: a for a in (
    SIGMOID, TANH, RELU, LEAKY_RELU, PRELU, ELU, SOFTMAX, STEP, IDENTITY, SOFTPLUS, SILU, GELU)}
