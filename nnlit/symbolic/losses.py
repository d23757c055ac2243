r"""Every loss as a SymPy expression, and its gradient derived.

Each entry of :data:`LOSSES` (same names as ``nnlit.losses``) defines the loss
:math:`\mathcal L` of one example once, and derives :math:`\partial\mathcal L/\partial\hat y`
(per example: the :math:`1/m` of the cost enters later, in :math:`dW`). The fused
derivations show why a sigmoid output with binary cross-entropy, and a softmax
output with categorical cross-entropy, both give :math:`dZ = A - Y`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy import Derivative, Piecewise, log

from . import activations as act
from . import notation
from .core import DerivationError, Paren, Plus, Step, Times, chain, derive, display_function, explicit, label, prove_equal, sigma

a = notation.symbol("a", real=True)      #: the prediction (the output activation)
y = notation.symbol("y", real=True)      #: the target
mu = notation.symbol("mu", real=True)    #: the Gaussian's predicted mean
v = notation.symbol("v", positive=True)  #: the Gaussian's predicted variance

K = act.K                                #: classes in the categorical derivations
as_ = notation.symbols(f"a_1:{K + 1}", positive=True)
ys = notation.symbols(f"y_1:{K + 1}", real=True)


def _L(definition, args, shown=None):
    """The loss as a display function; ``shown`` prints it with vector arguments, e.g. L(a, y)."""
    return display_function("L", sp.Lambda(args, definition), latex_name=shown or r"\mathcal{L}",
                            bare=shown is not None)


@dataclass(frozen=True)
class Loss:
    r"""One loss: ``L`` applied to ``args``; ``wrt`` the outputs it is differentiated by.

    ``textbook[k]`` is :math:`\partial\mathcal L/\partial\,` ``wrt[k]`` as the book
    prints it; ``steps[k]`` the forms in between. ``cases``: labels to prove separately.
    """

    name: str
    L: type
    args: tuple
    wrt: tuple
    textbook: tuple
    steps: tuple = ((),)
    definition_steps: tuple = ()
    cases: tuple = ({},)
    kink: object = None

    @property
    def expr(self):
        return explicit(self.L(*self.args))

    @property
    def gradient(self) -> tuple:
        """The raw gradient, SymPy's ``diff`` by each of ``wrt``."""
        return tuple(sp.diff(self.expr, w) for w in self.wrt)

    @property
    def symbols(self) -> tuple:
        return self.args

    def derivation(self):
        var = self.wrt[0] if self.kink is not None else None
        lines = chain(self.L(*self.args), self.L.definition(*self.args), *self.definition_steps,
                      var=var, cases=self.cases)
        results = []
        for w, steps, textbook in zip(self.wrt, self.steps, self.textbook):
            lhs = Derivative(self.L(*self.args), w)
            lines += chain(lhs, *steps, textbook, var=var, cases=self.cases)
            results.append(Step(lhs, textbook, var=var, cases=self.cases))
        for w, textbook in zip(self.wrt, self.textbook):
            if not prove_equal(textbook, sp.diff(self.expr, w), var, self.cases):
                raise DerivationError(f"{self.name}: the textbook gradient is not the derivative")
        return derive(self.name, "losses", lines, results,
                      f=self.expr, gradient=self.gradient, textbook=tuple(map(explicit, self.textbook)))


MSE = Loss(
    "mse", _L(sp.Rational(1, 2) * (a - y)**2, (a, y)), (a, y), (a,),
    steps=((Derivative(sp.Rational(1, 2) * (a - y)**2, a),
            Times(sp.Rational(1, 2), 2 * (a - y))),),
    textbook=(a - y,),
)

_bce = -Plus(y * log(a), (1 - y) * log(1 - a))
BINARY_CROSS_ENTROPY = Loss(
    "binary_cross_entropy", _L(_bce, (a, y)), (a, y), (a,),
    steps=((Derivative(_bce, a),
            Plus(-y / a, (1 - y) / (1 - a))),),
    textbook=((a - y) / Times(a, 1 - a),),
)

_margin = Times(y, a)
_cce = -sum(yk * log(ak) for yk, ak in zip(ys, as_))
CATEGORICAL_CROSS_ENTROPY = Loss(
    "categorical_cross_entropy", _L(_cce, (*as_, *ys), r"\mathcal{L}\left(a, y\right)"), (*as_, *ys), as_,
    steps=tuple((Derivative(_cce, ak),) for ak in as_),
    textbook=tuple(-yk / ak for yk, ak in zip(ys, as_)),
)

HINGE = Loss(
    "hinge", _L(sp.Max(0, Plus(1, -_margin)), (a, y)), (a, y), (a,),
    definition_steps=(Piecewise((Plus(1, -_margin), _margin < 1), (0, True)),),
    steps=((Piecewise((Derivative(Plus(1, -_margin), a), _margin < 1), (0, True)),),),
    textbook=(Piecewise((-y, _margin < 1), (0, True)),),
    cases=({y: 1}, {y: -1}), kink=1,
)

_nll = Times(sp.Rational(1, 2), Plus(log(2 * sp.pi * v), Plus(y, -mu)**2 / v))
GAUSSIAN_NLL = Loss(
    "gaussian_nll", _L(_nll, (mu, v, y)), (mu, v, y), (mu, v),
    steps=((Derivative(_nll, mu), Times(sp.Rational(1, 2), -2 * (y - mu) / v)),
           (Derivative(_nll, v), Times(sp.Rational(1, 2), Plus(1 / v, -Plus(y, -mu)**2 / v**2)))),
    textbook=((mu - y) / v, Plus(1 / (2 * v), -Plus(y, -mu)**2 / (2 * v**2))),
)

MAE = Loss(
    "mae", _L(sp.Abs(a - y), (a, y)), (a, y), (a,),
    definition_steps=(Piecewise((a - y, a > y), (Plus(y, -a), True)),),
    steps=((Piecewise((1, a > y), (-1, a < y)),),),
    textbook=(sp.sign(a - y),),
    kink=0,
)

LOSSES = {loss.name: loss for loss in (
    MSE, BINARY_CROSS_ENTROPY, CATEGORICAL_CROSS_ENTROPY, HINGE, GAUSSIAN_NLL, MAE)}

# -- the fused output layers: dZ = A - Y ------------------------------------------------------------

z = act.z


def sigmoid_bce():
    r"""Sigmoid output and binary cross-entropy: :math:`\partial\mathcal L/\partial z = a - y`."""
    L = BINARY_CROSS_ENTROPY.L
    a = notation.symbol("a", positive=True)
    where = {a: sigma(z)}
    lhs = Derivative(L(sigma(z), y), z)
    lines = chain(a, sigma(z), where=where)
    lines += chain(lhs,
                   Times(Derivative(L(a, y), a), Derivative(sigma(z), z)),
                   Times((a - y) / Times(a, 1 - a), Times(a, 1 - a)),
                   a - y, where=where)
    return derive("sigmoid_bce", "losses", lines, Step(lhs, a - y, where=where),
                  dz=explicit(lhs), a=sigma.definition(z))


def softmax_ce():
    r"""Softmax output and categorical cross-entropy, one-hot :math:`y` (so :math:`\sum_k y_k = 1`): :math:`dz = s - y`."""
    zs, S = act.zs, act.S
    L = CATEGORICAL_CROSS_ENTROPY.L
    loss = display_function("L", L.definition, latex_name=r"\mathcal{L}\left(s, y\right)", bare=True)(*S, *ys)
    sums_to_one = sp.Eq(sp.Add(*ys), 1)             # the assumption the derivation uses: y is one-hot
    delta = [[sp.KroneckerDelta(k, j) for j in range(K)] for k in range(K)]
    lines = chain(loss, -sum(yk * log(sk) for yk, sk in zip(ys, S)))
    j = 0
    lines += chain(Derivative(loss, zs[j]),
                   -sp.Add(*(Times(ys[k] / S[k], Derivative(S[k], zs[j])) for k in range(K))),
                   -sp.Add(*(Times(ys[k] / S[k], S[k], int(delta[k][j]) - S[j]) for k in range(K))),
                   Plus(Times(S[j], Paren(sp.Add(*ys))), -ys[j]))
    lines.append(Step(None, Plus(S[j], -ys[j]), given=sums_to_one))
    # dz's entries as ∂L/∂z_k on one line: stacked fractions inside a column are too small to read
    dz = sp.Matrix([label(rf"\partial \mathcal{{L}} / \partial z_{{{k + 1}}}", Derivative(loss, zk), f"∂L/∂z{k + 1}")
                    for k, zk in enumerate(zs)])
    s_minus_y = notation.matrix("s", K, 1) - notation.matrix("y", K, 1)

    def is_s_minus_y(left, right):
        return prove_equal(left, S - sp.Matrix(ys), cases=Step(None, 0, given=sums_to_one)._cases())

    lines += chain(label("dz", dz), dz)
    lines.append(Step(None, sp.Matrix([Plus(sk, -yk) for sk, yk in zip(S, ys)]), given=sums_to_one))
    lines.append(Step(None, s_minus_y, check=is_s_minus_y))
    result = Step(label("dz", dz), s_minus_y, check=is_s_minus_y, given=sums_to_one)
    one_hot = Step(None, 0, given=sums_to_one)._cases()[0]
    return derive("softmax_ce", "losses", lines, result, dz=explicit(dz), one_hot=one_hot)


# -- what the cross-entropies reduce to for a given label ----------------------------------------------------

#: how a one-hot label is written beside a line that uses it: a 1 at the correct class c, 0 elsewhere
ONE_HOT = r"y_c = 1,\ y_{k \neq c} = 0"


def for_every_one_hot(y_k, k, K, c):
    """A check that ``left = right`` once ``y_k`` (indexed by ``k``) is one-hot at class ``c``,
    for every number of classes ``K`` from 1 to 4 and every correct class: the lines hold for any ``K``."""
    def check(left, right) -> bool:
        for classes in range(1, 5):
            for correct in range(1, classes + 1):
                one_hot = {y_k.base[j]: int(j == correct) for j in range(1, classes + 1)}

                def written_out(e):
                    return sp.expand_log(explicit(e).subs({K: classes, c: correct}).doit().subs(one_hot), force=True)
                if sp.expand(written_out(left) - written_out(right)) != 0:
                    return False
        return True
    return check


def bce_cases():
    r"""(3.5): for :math:`y \in \{0, 1\}` the binary cross-entropy is :math:`-\log p`, with :math:`p` the
    probability the model gives to the correct label: :math:`\hat y` if :math:`y = 1`, :math:`1 - \hat y` if :math:`y = 0`."""
    yhat, p = notation.symbol("yhat", positive=True), notation.symbol("p", positive=True)
    L = BINARY_CROSS_ENTROPY.L
    correct = sp.Piecewise((yhat, sp.Eq(y, 1)), (Plus(1, -yhat), sp.Eq(y, 0)))
    lines = chain(L(yhat, y), L.definition(yhat, y))
    lines += chain(L(yhat, 1), -log(yhat))                 # one of the two terms is always zero
    lines += chain(L(yhat, 0), -log(Plus(1, -yhat)))
    lines.append(Step(L(yhat, y), -log(p), cases=({y: 1, p: yhat}, {y: 0, p: 1 - yhat}), given=sp.Eq(p, correct)))
    return derive("bce_cases", "losses", lines, lines[-1])


def cce_one_hot():
    r"""(3.6): with a one-hot label, the cross-entropy is minus the log of the probability of the correct class,
    :math:`-\sum_k y_k \log \hat y_k = -\log \hat y_c`."""
    k, K, c = (notation.symbol(name, integer=True, positive=True) for name in ("k", "K", "c"))
    y_k, yhat_k = notation.indexed("y", real=True)[k], notation.indexed("yhat", positive=True)[k]
    loss = label(r"\mathcal{L}\left(\hat{\mathbf{y}}, \mathbf{y}\right)", -sp.Sum(y_k * log(yhat_k), (k, 1, K)), "L(ŷ, y)")
    selects = for_every_one_hot(y_k, k, K, c)
    lines = chain(loss, -sp.Sum(Times(y_k, log(yhat_k)), (k, 1, K)))
    lines.append(Step(None, -log(yhat_k.subs(k, c)), check=selects, given=ONE_HOT))
    return derive("cce_one_hot", "losses", lines, Step(loss, lines[-1].rhs, check=selects, given=ONE_HOT))


def loss_derivations():
    return {**{name: loss.derivation for name, loss in LOSSES.items()},
            "sigmoid_bce": sigmoid_bce, "softmax_ce": softmax_ce, "bce_cases": bce_cases, "cce_one_hot": cce_one_hot}
