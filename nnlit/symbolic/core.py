r"""The machinery of a derivation: steps that are checked, and how they print.

A derivation is a list of :class:`Step` lines. Each line claims a relation (usually
an equality) and the claim is *checked by SymPy* when the derivation is built:
:func:`derive` raises :class:`DerivationError` if any line does not hold. Nothing
is asserted on trust.

Lines may mention *display functions* such as :class:`sigma`: they print as
:math:`\sigma(z)` but carry their definition, which :func:`explicit` substitutes
before a claim is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter, greek_letters_set
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

# ---------------------------------------------------------------------------
# Display functions: printed by name, checked through their definition.
# ---------------------------------------------------------------------------


class DisplayFunction(sp.Function):
    """A named function that stays unevaluated when printed.

    Subclasses set ``definition`` to a :class:`sympy.Lambda`; :func:`explicit`
    replaces every application by it. ``derivative`` (a Lambda too, optional) is
    the derivative a *separate* derivation proves; SymPy's ``diff`` uses it, so
    a later derivation can reuse an earlier result (and a test checks the two agree).
    """

    definition: sp.Lambda
    derivative: sp.Lambda | None = None
    latex_name: str | None = None
    bare: bool = False   # print the name alone, without its arguments (softmax's s_i)

    @classmethod
    def eval(cls, *args):
        return None

    def fdiff(self, argindex=1):
        if self.derivative is None or argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return self.derivative(*self.args)

    def _latex(self, printer, exp=None):
        name = self.latex_name or printer._deal_with_super_sub(type(self).__name__)
        if self.bare:
            return rf"{name}^{{{exp}}}" if exp else name
        args = ", ".join(printer._print(a) for a in self.args)
        tex = rf"{name}\left({args}\right)"
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _pretty(self, printer):
        if self.bare:
            return printer._print(sp.Symbol(_plain(type(self).__name__)))
        return printer._print_Function(self)


def display_function(name: str, definition: sp.Lambda, derivative: sp.Lambda | None = None,
                     latex_name: str | None = None, bare: bool = False) -> type[DisplayFunction]:
    """A :class:`DisplayFunction` class called ``name`` (printed ``latex_name``)."""
    attrs = {"definition": definition, "derivative": derivative, "latex_name": latex_name,
             "bare": bare}
    return type(name, (DisplayFunction,), attrs)


_x = sp.Symbol("x", real=True)

#: The logistic sigmoid, :math:`\sigma(x) = 1/(1+e^{-x})`. Its derivative
#: :math:`\sigma(1-\sigma)` is proven by the ``sigmoid`` derivation.
sigma = display_function("sigma", sp.Lambda(_x, 1 / (1 + sp.exp(-_x))))
sigma.derivative = sp.Lambda(_x, sigma(_x) * (1 - sigma(_x)))

#: The standard normal density :math:`\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}`.
phi = display_function("phi", sp.Lambda(_x, sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)),
                       sp.Lambda(_x, -_x * sp.exp(-_x**2 / 2) / sp.sqrt(2 * sp.pi)), r"\varphi")
#: The standard normal distribution function :math:`\Phi(x) = \tfrac12(1+\operatorname{erf}(x/\sqrt2))`.
Phi = display_function("Phi", sp.Lambda(_x, (1 + sp.erf(_x / sp.sqrt(2))) / 2),
                       sp.Lambda(_x, phi(_x)), r"\Phi")


#: :math:`\exp(x)`, printed as the chapters write a density's exponential (SymPy prints :math:`e^{x}`).
Exp = display_function("Exp", sp.Lambda(_x, sp.exp(_x)), sp.Lambda(_x, sp.exp(_x)), r"\exp")


class OverSqrt(DisplayFunction):
    r""":math:`1/\sqrt{x}` as written, e.g. :math:`1/\sqrt{2\pi\sigma^2}` (SymPy would print :math:`\sqrt2/(2\sqrt\pi\sigma)`)."""

    definition = sp.Lambda(_x, 1 / sp.sqrt(_x))

    def _latex(self, printer, exp=None):
        tex = rf"\frac{{1}}{{\sqrt{{{printer._print(self.args[0])}}}}}"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex


over_sqrt = OverSqrt


class Times(sp.Function):
    r"""A product printed factor by factor, in the order given.

    SymPy merges ``a/b * c/d`` into one fraction when it prints, and orders factors
    its own way; a step that splits a fraction into a product needs to show them.
    Factors are juxtaposed, with :math:`\cdot` next to a fraction or a number.
    """

    precedence = 45  # a product that is parenthesised inside a derivative (Mul is 50)
    always_dot = False

    @classmethod
    def eval(cls, *args):
        return None

    def doit(self, **hints):
        return sp.Mul(*(a.doit(**hints) if hints.get("deep", True) else a for a in self.args))

    def _eval_derivative(self, s):
        return sp.Mul(*self.args).diff(s)

    @staticmethod
    def _needs_dot(a) -> bool:
        return a.is_Number or (a.is_Mul or a.is_Pow) and sp.fraction(a)[1] != 1

    def _latex(self, printer, exp=None):
        parts = []
        for k, a in enumerate(self.args):
            tex = printer._print(a)
            if isinstance(a, (sp.Add, Plus)) or (k and a.could_extract_minus_sign()):
                tex = rf"\left({tex}\right)"
            if k:
                leading = a.as_coeff_Mul()[0]
                dot = (self.always_dot or (leading.is_Number and leading not in (1, -1))
                       or (self._needs_dot(a) and self._needs_dot(self.args[k - 1])))
                parts.append(r" \cdot " if dot else " ")
            parts.append(tex)
        tex = "".join(parts)
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex

    def _pretty(self, printer):
        result = None
        for a in self.args:
            form = printer._print(a)
            if isinstance(a, (sp.Add, Plus)) or (result is not None and a.could_extract_minus_sign()):
                form = prettyForm(*form.parens())
            result = form if result is None else prettyForm(*result.right("⋅", form))
        result.binding = prettyForm.MUL
        return result

    def _sympystr(self, printer):
        return "*".join(f"({printer._print(a)})" for a in self.args)


class MatPlus(sp.MatAdd):
    """A sum of matrices printed term by term, in the order given (build it with ``evaluate=False``)."""


class Dot(Times):
    r"""A product printed with :math:`\cdot` between all its factors."""

    always_dot = True


class Paren(sp.Function):
    """Parentheses, for printing only (a sum under a sum sign)."""

    @classmethod
    def eval(cls, *args):
        return None

    def doit(self, **hints):
        return self.args[0].doit(**hints)

    def _latex(self, printer, exp=None):
        tex = rf"\left({printer._print(self.args[0])}\right)"
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _pretty(self, printer):
        return prettyForm(*printer._print(self.args[0]).parens())


class Plus(sp.Function):
    """A sum printed term by term, in the order given (SymPy would sort the terms)."""

    precedence = 40

    @classmethod
    def eval(cls, *args):
        return None

    def doit(self, **hints):
        return sp.Add(*(a.doit(**hints) if hints.get("deep", True) else a for a in self.args))

    def _eval_derivative(self, s):
        return sp.Add(*self.args).diff(s)

    def _terms(self):
        for k, a in enumerate(self.args):
            negative = k > 0 and a.could_extract_minus_sign()
            yield k, ("-" if negative else "+"), (-a if negative else a)

    def _latex(self, printer, exp=None):
        parts = []
        for k, sign, a in self._terms():
            tex = printer._print(a)
            if isinstance(a, (sp.Add, Plus)):
                tex = rf"\left({tex}\right)"
            parts.append(tex if k == 0 else f" {sign} {tex}")
        tex = "".join(parts)
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex

    def _pretty(self, printer):
        result = None
        for k, sign, a in self._terms():
            form = printer._print(a)
            if isinstance(a, (sp.Add, Plus)):
                form = prettyForm(*form.parens())
            result = form if result is None else prettyForm(*result.right(f" {sign} ", form))
        result.binding = prettyForm.ADD
        return result

    def _sympystr(self, printer):
        return " + ".join(f"({printer._print(a)})" for a in self.args)


def label(tex: str, value, pretty: str | None = None):
    """A name that prints as ``tex`` (e.g. ``J(\\theta)``) and stands for ``value`` when checked."""
    value = sp.sympify(value)
    cls = display_function(pretty or tex, sp.Lambda((), value), latex_name=tex, bare=True)
    return cls()


def explicit(expr, keep: tuple = (), evaluate: bool = True):
    """``expr`` with every display function replaced by its definition, then evaluated.

    Display functions whose class is in ``keep`` (e.g. :data:`sigma`) stay as they are:
    SymPy then differentiates them by their ``derivative``. With ``evaluate=False``
    nothing is evaluated (sums stay sums).
    """
    expr = sp.sympify(expr)

    def expandable(e):
        return isinstance(e, DisplayFunction) and not isinstance(e, keep)

    for _ in range(10):
        if not (expr.has(Times, Plus, Paren) or any(expandable(e) for e in expr.atoms(sp.Function))):
            break
        expr = expr.replace(expandable, lambda e: type(e).definition(*e.args))
        expr = expr.replace(lambda e: isinstance(e, Times), lambda e: sp.Mul(*e.args))
        expr = expr.replace(lambda e: isinstance(e, Plus), lambda e: sp.Add(*e.args))
        expr = expr.replace(lambda e: isinstance(e, Paren), lambda e: e.args[0])
    return expr.doit() if evaluate else expr


# ---------------------------------------------------------------------------
# Proofs of equality
# ---------------------------------------------------------------------------

_PIECEWISE = (sp.Piecewise, sp.Heaviside, sp.sign, sp.Abs, sp.Max, sp.Min, sp.DiracDelta)


def _is_zero(d) -> bool:
    """True when SymPy can show ``d == 0`` symbolically; False when it cannot."""
    if d == 0 or sp.expand(d, power_exp=False) == 0:      # cheap first: exp(a + b) left whole
        return True
    for transform in (sp.expand, sp.cancel, sp.simplify, lambda e: sp.simplify(e.rewrite(sp.exp))):
        d = transform(d)
        if d == 0:
            return True
    return d.equals(0) is True


def expand_sums(expr):
    """Split every sum into sums of single terms, with the factors free of the index pulled out.

    Two sums that differ only in how their terms are grouped then become the same
    objects and cancel, e.g. :math:`\\sum_k \\beta^{t-k}` and :math:`\\beta\\sum_k \\beta^{t-1-k}`.
    """
    def split(s):
        f, (k, lo, hi) = s.function, s.limits[0]
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(f, power_exp=True)):
            free, bound = term.as_independent(k, as_Add=False)
            total += free * (sp.Sum(bound, (k, lo, hi)) if bound != 1 else hi - lo + 1)
        return total
    return sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), split), power_exp=True)


def _breakpoints(expr, var) -> set:
    """Where ``expr``, as a function of ``var``, may change branch or have a kink."""
    points = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Piecewise):
            args = [r.lhs - r.rhs for c in (cond for _, cond in node.args)
                    for r in c.atoms(sp.core.relational.Relational)]
        elif isinstance(node, (sp.Heaviside, sp.sign, sp.Abs, sp.DiracDelta)):
            args = [node.args[0]]
        elif isinstance(node, (sp.Max, sp.Min)):
            args = [a - b for a in node.args for b in node.args if a != b]
        else:
            continue
        for arg in args:
            if arg.has(var):
                roots = sp.solve(arg, var)
                if not roots:
                    raise NotImplementedError(f"cannot locate the kink of {arg} in {var}")
                points.update(roots)
    return points


def equal_almost_everywhere(a, b, var, cases: Sequence[dict] = ({},)) -> bool:
    """Prove ``a == b`` as functions of ``var`` on both sides of each kink.

    Piecewise functions (ReLU, the hinge, :math:`|x|` ...) are compared branch by
    branch: on each side of the kink ``c`` we substitute ``var = c ± t`` with ``t > 0``,
    which resolves every condition, and compare the branches symbolically. The kink
    itself, where a derivative is undefined, is excluded. ``cases`` lists extra
    substitutions to prove separately (for example ``y = 1`` and ``y = -1``).
    """
    t = sp.Symbol("t", positive=True)
    for case in cases:
        lhs, rhs = explicit(a).subs(case), explicit(b).subs(case)
        points = sorted(_breakpoints(lhs, var) | _breakpoints(rhs, var), key=sp.default_sort_key)
        if not points:
            if not _is_zero(sp.piecewise_fold(lhs - rhs)):
                return False
            continue
        for at in _open_intervals(points, t):
            if not _is_zero(sp.piecewise_fold(lhs.subs(var, at) - rhs.subs(var, at))):
                return False
    return True


def _open_intervals(points: list, t: sp.Symbol) -> list:
    """One expression in ``t > 0`` that sweeps each open interval between the kinks.

    Left of the first kink ``c - t``, right of the last ``c + t``, and between two
    kinks ``a + (b - a) t/(1 + t)``. Several kinks must be numbers, so they can be ordered.
    """
    if len(points) == 1:
        return [points[0] - t, points[0] + t]
    if not all(p.is_number and p.is_real for p in points):
        raise NotImplementedError(f"cannot order the kinks {points}")
    points = sorted(points)
    inner = [a + (b - a) * t / (1 + t) for a, b in zip(points, points[1:])]
    return [points[0] - t, *inner, points[-1] + t]


def prove_equal(a, b, var=None, cases: Sequence[dict] = ({},), where: dict | None = None) -> bool:
    """SymPy's proof that ``a == b`` (after :func:`explicit`); piecewise-aware in ``var``.

    ``where`` substitutes symbols after the derivatives are taken: with
    ``where={a: sigma(z)}``, :math:`\\partial\\mathcal L/\\partial a` is taken in ``a``, then ``a``
    becomes :math:`\\sigma(z)`.
    """
    lhs, rhs = explicit(a), explicit(b)
    if where:
        values = {k: explicit(w) for k, w in where.items()}
        lhs, rhs = explicit(lhs.subs(values)), explicit(rhs.subs(values))
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        if lhs.shape != rhs.shape:
            return False
        return all(prove_equal(x, y, var, cases) for x, y in zip(lhs, rhs))
    if lhs.has(*_PIECEWISE) or rhs.has(*_PIECEWISE):
        if all((lhs - rhs).subs(case) == 0 for case in cases):
            return True
        if var is None:
            raise ValueError("piecewise expressions need the variable `var` to compare branches")
        return equal_almost_everywhere(lhs, rhs, var, cases)
    return all(_is_zero(sp.piecewise_fold(lhs - rhs).subs(case)) for case in cases)


# ---------------------------------------------------------------------------
# Steps and derivations
# ---------------------------------------------------------------------------

Check = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Step:
    r"""One line ``lhs rel rhs`` of a derivation.

    With ``lhs=None`` the line continues the previous one (``&= rhs``) and claims
    ``previous rhs rel rhs``. ``check(left, right) -> bool`` proves the claim; the
    default proves equality with :func:`prove_equal`. ``rel`` is the LaTeX relation.

    ``given`` is the assumption the line uses (``\sum_k y_k = 1``, ``z \neq 0``,
    ``\alpha > 0``), a SymPy relation or math-only LaTeX, printed beside the line
    as :math:`\qquad(\dots)`. Math is the same in both languages, so the fragment
    stays shared; the words around it belong to the page. An equation ``given`` is
    also *used*: unless ``cases`` is set, the check solves it for its last symbol and
    proves the line under that substitution.
    """

    lhs: Any
    rhs: Any
    rel: str = "="
    check: Check | None = None
    var: Any = None
    cases: tuple = ({},)
    where: dict | None = None
    given: Any = None

    def holds(self, left) -> bool:
        if self.check is not None:
            return bool(self.check(left, self.rhs))
        return prove_equal(left, self.rhs, self.var, self._cases(), self.where)

    def _cases(self) -> tuple:
        if self.cases != ({},) or not isinstance(self.given, sp.Eq):
            return self.cases
        unknown = sorted(self.given.free_symbols, key=lambda s: s.name)[-1]
        solutions = sp.solve(self.given, unknown, dict=True)
        if len(solutions) != 1:
            raise DerivationError(f"cannot use the assumption {self.given}: solved for {unknown}, {solutions}")
        return tuple(solutions)


class DerivationError(AssertionError):
    """A line of a derivation that SymPy could not prove."""


@dataclass(frozen=True)
class Derivation:
    """A checked derivation: its ``name``, ``group``, ``steps`` and ``result``.

    ``result`` is a tuple of :class:`Step` (the equations a chapter quotes);
    ``values`` holds SymPy objects the tests evaluate (not printed).
    """

    name: str
    group: str
    steps: tuple[Step, ...]
    result: tuple[Step, ...]
    values: dict = field(default_factory=dict, compare=False)

    def latex(self) -> str:
        return aligned(self.steps)

    def result_latex(self) -> str:
        return aligned(self.result)

    def pretty(self) -> str:
        return pretty_lines(self.steps)


def derive(name: str, group: str, steps: Sequence[Step], result: Sequence[Step] | Step | None = None,
           **values) -> Derivation:
    """Check every line of ``steps`` (and ``result``) and return the :class:`Derivation`."""
    steps = tuple(steps)
    if result is None:
        result = (Step(_chain_start(steps), steps[-1].rhs, steps[-1].rel),)
    elif isinstance(result, Step):
        result = (result,)
    for lines in (steps, tuple(result)):
        previous = None
        for number, step in enumerate(lines, 1):
            left = step.lhs if step.lhs is not None else previous
            if left is None:
                raise DerivationError(f"{name}: line {number} continues nothing")
            if not step.holds(left):
                raise DerivationError(f"{name}: line {number} does not hold: "
                                      f"{sp.sstr(left)} {step.rel} {sp.sstr(step.rhs)}")
            previous = step.rhs
    return Derivation(name, group, steps, tuple(result), values)


def _chain_start(steps):
    for step in reversed(steps):
        if step.lhs is not None:
            return step.lhs
    raise DerivationError("a derivation needs a line with a left-hand side")


def chain(lhs, *rhs, rel: str = "=", **options) -> list[Step]:
    """``lhs = rhs[0] = rhs[1] = ...`` as Steps, each equality checked against the one before."""
    return [Step(lhs if k == 0 else None, r, rel, **options) for k, r in enumerate(rhs)]


# ---------------------------------------------------------------------------
# Printing (LaTeX for KaTeX, and the terminal)
# ---------------------------------------------------------------------------


class BookLatexPrinter(LatexPrinter):
    """SymPy's LaTeX, made language-neutral and KaTeX-safe.

    Piecewise conditions are printed as conditions (no English "for"/"otherwise"),
    since one fragment serves the Chinese and the English page.
    """

    def _print_Mul(self, expr):
        # SymPy does not know that a Plus is a sum: put it in parentheses itself
        sums = [f for f in expr.args if isinstance(f, Plus)]
        if not sums:
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in expr.args if not isinstance(f, Plus)])
        numerator, denominator = sp.fraction(rest)
        if len(sums) == 1 and denominator != 1 and numerator in (1, -1):
            sign = "- " if numerator == -1 else ""
            return rf"{sign}\frac{{{self._print(sums[0])}}}{{{self._print(denominator)}}}"
        tex = " ".join(rf"\left({self._print(f)}\right)" for f in sums)
        if rest == 1:
            return tex
        if rest == -1:
            return "- " + tex
        return f"{self.parenthesize(rest, PRECEDENCE['Mul'])} {tex}"

    def _print_Sum(self, expr):
        if isinstance(expr.function, Plus):
            return super()._print_Sum(sp.Sum(Paren(expr.function), *expr.limits))
        return super()._print_Sum(expr)

    def _print_Integral(self, expr):
        # a product under the integral sign needs no parentheses (SymPy adds them to a Times)
        if isinstance(expr.function, Times) and len(expr.limits) == 1 and len(expr.limits[0]) == 3:
            var, lo, hi = expr.limits[0]
            return (rf"\int\limits_{{{self._print(lo)}}}^{{{self._print(hi)}}} {self._print(expr.function)}"
                    rf"\, d{self._print(var)}")
        return super()._print_Integral(expr)

    def _print_Derivative(self, expr):
        # J'(θ), J''(θ), J'''(θ) for an unspecified function of one variable
        f, (variable, count) = expr.expr, expr.variable_count[0]
        if (isinstance(f, sp.core.function.AppliedUndef) and len(f.args) == 1 and f.args[0] == variable
                and len(expr.variable_count) == 1 and count <= 3):
            primes = "'" * count
            return rf"{self._print(f.func)}{primes}\left({self._print(variable)}\right)"
        ordinary = variable in getattr(self, "_ordinary", ())
        if len(expr.variable_count) == 1 and count == 1 and f.free_symbols != {variable} and not f.is_Number:
            # other symbols in f: SymPy would print d/dα z; a partial ∂/∂z, unless the cases block is in d/dz
            op = "d" if ordinary else r"\partial"
            return rf"\frac{{{op}}}{{{op} {self._print(variable)}}} {self._operand(f)}"
        return super()._print_Derivative(expr)

    def _operand(self, f) -> str:
        body = self._print(f)
        if isinstance(f, (sp.Add, Plus)) or f.could_extract_minus_sign() or precedence(f) < PRECEDENCE["Mul"]:
            body = rf"\left({body}\right)"
        return body

    def _print_DiagMatrix(self, expr):
        return rf"\operatorname{{diag}}\left({self._print(expr.args[0])}\right)"

    def _print_Transpose(self, expr):
        arg = expr.args[0]
        inner = self._print(arg)
        inner = f"{{{inner}}}" if isinstance(arg, sp.MatrixSymbol) else rf"\left({inner}\right)"
        return rf"{inner}^{{\top}}"

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(rf"\left({self._print(a)}\right)" if isinstance(a, (sp.MatAdd, sp.HadamardProduct))
                               else self._print(a) for a in expr.args)

    def _print_HadamardPower(self, expr):
        base, power = expr.args
        if power == 2:
            return self._print_HadamardProduct(sp.HadamardProduct(base, base, evaluate=False))
        return rf"{{{self._print(base)}}}^{{\odot {self._print(power)}}}"

    def _print_MatPlus(self, expr):
        return " + ".join(self._print(t) for t in expr.args)

    def _print_OneMatrix(self, expr):
        # a column of ones sums the rows it multiplies; a matrix of ones (and a 1 x 1 block) is the number 1
        return r"\mathbf{1}" if expr.shape[1] == 1 and expr.shape != (1, 1) else "1"

    def _print_MatrixSymbol(self, expr):
        # a Greek matrix (the course's Theta^{(l)}) prints as its letter, as a Greek Symbol does
        head, sep, rest = expr.name.partition("^")
        if head.lower() in greek_letters_set:
            return rf"\{head}{sep}{rest}"
        return super()._print_MatrixSymbol(expr)

    def _print_MatAdd(self, expr):
        terms = sorted(expr.args, key=lambda t: (t.could_extract_minus_sign(), not isinstance(t, sp.MatrixSymbol)))
        out = self._print(terms[0])
        for t in terms[1:]:
            if t.could_extract_minus_sign():
                out += " - " + self.parenthesize(-t, PRECEDENCE["Add"], strict=True)
            else:
                out += " + " + self._print(t)
        return out

    def _print_Piecewise(self, expr):
        # one block, one notation: if a branch differentiates a function of z alone (d/dz),
        # every branch prints d/dz, even where a parameter makes SymPy's rule say ∂/∂z
        derivatives = [d for value, _ in expr.args for d in sp.preorder_traversal(value) if isinstance(d, sp.Derivative)]
        ordinary = {d.variables[0] for d in derivatives
                    if len(d.variables) == 1 and (d.expr.free_symbols == {d.variables[0]} or d.expr.is_Number)}
        saved = getattr(self, "_ordinary", frozenset())
        self._ordinary = saved | ordinary
        try:
            return self._print_cases(expr)
        finally:
            self._ordinary = saved

    def _print_cases(self, expr):
        rows, taken = [], []
        for value, cond in expr.args:
            if cond is sp.true:
                cond = sp.Not(sp.Or(*taken)) if taken else sp.true
            taken.append(cond)
            cond_tex = "" if cond is sp.true else self._print(cond)
            rows.append(f"{self._print(value)} & {cond_tex}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"


def to_latex(expr) -> str:
    """The LaTeX of ``expr`` (or of a string, returned as is)."""
    if isinstance(expr, str):
        return expr
    return BookLatexPrinter().doprint(expr)


def aligned(steps: Sequence[Step]) -> str:
    r"""Steps as one ``aligned`` block; a new left-hand side starts a new group."""
    rows = []
    for k, step in enumerate(steps):
        left = "" if step.lhs is None else to_latex(step.lhs)
        row = f"{left} &{step.rel} {to_latex(step.rhs)}"
        if step.given is not None:
            row += rf" \qquad \left({to_latex(step.given)}\right)"
        if k and step.lhs is not None:
            rows[-1] += r" \\[6pt]"
        elif k:
            rows[-1] += r" \\"
        rows.append(row)
    return "\\begin{aligned}\n" + "\n".join(rows) + "\n\\end{aligned}"


_REL_TEXT = {r"\propto": "∝", r"\approx": "≈", r"\le": "≤", r"\ge": "≥", "<": "<", ">": ">",
             r"\Longrightarrow": "⟹", r"\Longleftrightarrow": "⟺", r"\mapsto": "↦"}


def pretty_lines(steps: Sequence[Step]) -> str:
    """Steps drawn for a terminal with SymPy's pretty printer."""
    blocks = []
    for step in steps:
        rel = _REL_TEXT.get(step.rel, step.rel if step.rel.isascii() and "\\" not in step.rel else "=")
        right = _pretty(step.rhs)
        if step.given is not None:
            given = _tex_to_text(step.given) if isinstance(step.given, str) else _pretty(step.given)
            right = _side_by_side(right, "    (", given, ")")
        if step.lhs is None:
            blocks.append(_side_by_side(" " * 4, f"  {rel} ", right))
        else:
            blocks.append("")
            blocks.append(_side_by_side(_pretty(step.lhs), f"  {rel} ", right))
    return "\n".join(blocks).strip("\n") + "\n"


_TEX_TEXT = {r"\left": "", r"\right": "", r"\mathbb{E}": "E", r"\mathcal{N}": "N", r"\operatorname": "",
             r"\alpha": "α", r"\sigma": "σ", r"\neq": "≠", r"\sim": "~", r"\ ": " ", "^{2}": "²"}


def _tex_to_text(tex: str) -> str:
    """A math-only LaTeX remark (``\alpha > 0``) as terminal text (``α > 0``)."""
    for command, text in _TEX_TEXT.items():
        tex = tex.replace(command, text)
    return tex.replace("{", "").replace("}", "")


def _plain(name: str) -> str:
    """A LaTeX-style name (``W^{[1]}_{11}``) made readable in a terminal (``W[1]_11``)."""
    return name.replace("^", "").replace("{", "").replace("}", "").replace("\\", "")


class BookPrettyPrinter(PrettyPrinter):
    """SymPy's terminal drawing, with diag(s) and sᵀ as the book writes them."""

    def _print_Symbol(self, e, bold_name=False):
        if "{" in e.name or "^" in e.name:
            return prettyForm(_plain(e.name))
        return super()._print_Symbol(e, bold_name)

    def _print_MatrixSymbol(self, e):
        return prettyForm(_plain(e.name))

    def _print_Mul(self, expr):
        sums = [f for f in expr.args if isinstance(f, Plus)]
        if not sums:
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in expr.args if not isinstance(f, Plus)])
        form = None
        for f in sums:
            part = prettyForm(*self._print(f).parens())
            form = part if form is None else prettyForm(*form.right("⋅", part))
        if rest == -1:
            form = prettyForm(*form.left("-"))
        elif rest != 1:
            form = prettyForm(*self._print(rest).right("⋅", form))
        form.binding = prettyForm.MUL
        return form

    def _print_Sum(self, expr):
        if isinstance(expr.function, Plus):
            return super()._print_Sum(sp.Sum(Paren(expr.function), *expr.limits))
        return super()._print_Sum(expr)

    def _print_DiagMatrix(self, expr):
        return prettyForm(*prettyForm(*self._print(expr.args[0]).parens()).left("diag"))


def _pretty(expr) -> str:
    if isinstance(expr, str):
        return expr
    return BookPrettyPrinter({"use_unicode": True, "wrap_line": False}).doprint(expr)


def _side_by_side(*texts: str) -> str:
    columns = [t.split("\n") for t in texts]
    height = max(len(c) for c in columns)
    widths = [max(len(line) for line in c) for c in columns]
    out = []
    for row in range(height):
        parts = []
        for col, width in zip(columns, widths):
            pad = (height - len(col)) // 2
            line = col[row - pad] if 0 <= row - pad < len(col) else ""
            parts.append(line.ljust(width))
        out.append("".join(parts).rstrip())
    return "\n".join(out)
