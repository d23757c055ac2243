r"""The book's notation: one table of symbols, from which every derivation takes its own.

Each :class:`Entry` names a symbol as SymPy spells it (its *stem*: ``z`` for ``z``,
``z_1``, ``z^{[l]}``), how it prints, and what it means, in both languages. A letter
means one thing wherever it is used. A few letters have a second, *local* meaning
that the chapters use as the literature does (ELU's :math:`\alpha`, the Laplace scale
:math:`b`): such an entry lists the derivations or groups it is confined to
(``scope``), and inside them the local meaning replaces the book-wide one, so no
derivation can use one letter in two meanings. Letters the book never uses for a
quantity (:math:`\eta`: the learning rate is :math:`\alpha`) are in :data:`FORBIDDEN`.

The derivation modules make their symbols with :func:`symbol`, :func:`symbols`,
:func:`indexed` and :func:`matrix`, which refuse a stem that is not in the table;
``tests/test_notation.py`` checks every derivation's symbols against it, and
``python -m nnlit derive`` writes the table as ``derivations/notation.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Entry:
    """One meaning of one symbol: ``stem`` (SymPy's name), ``tex`` (how it prints), ``en``/``zh``."""

    stem: str
    tex: str
    en: str
    zh: str
    scope: tuple[str, ...] = ()      #: groups or derivation names; empty: the whole book
    function: bool = False           #: a function (applied, e.g. σ(z)) rather than a quantity


E = Entry
ENTRIES: tuple[Entry, ...] = (
    # -- the book-wide meanings --------------------------------------------------------------------
    E("alpha", r"\alpha", "learning rate", "学习率"),
    E("beta", r"\beta", "momentum decay rate", "动量的衰减率"),
    E("beta_1", r"\beta_1", "Adam's decay rate of the first moment", "Adam 一阶矩的衰减率"),
    E("beta_2", r"\beta_2", "Adam's decay rate of the second moment", "Adam 二阶矩的衰减率"),
    E("lambda", r"\lambda", "regularization strength", "正则化强度"),
    E("epsilon", r"\epsilon", "small step of a difference quotient", "差商的小步长"),
    E("theta", r"\theta", "the parameters, as one vector", "参数（合成一个向量）"),
    E("m", "m", "number of examples", "样本数"),
    E("n", "n", r"number of inputs of a unit, $n^{[l-1]}$", r"一个单元的输入个数，即 $n^{[l-1]}$"),
    E("n_in", r"n_{in}", "fan-in: inputs of a layer", "扇入：层的输入个数"),
    E("n_out", r"n_{out}", "fan-out: outputs of a layer", "扇出：层的输出个数"),
    E("n_x", r"n_x", r"number of input features (rows of $X$)", r"输入特征数（$X$ 的行数）"),
    E("n_h", r"n_h", "number of hidden units", "隐藏单元数"),
    E("n_y", r"n_y", r"number of outputs (rows of $Y$)", r"输出个数（$Y$ 的行数）"),
    E("i", "i", "index of an example", "样本的下标"),
    E("K", "K", "number of classes", "类别数"),
    E("k", "k", "index of a class, an input or a step", "类别、输入或步的下标"),
    E("t", "t", "step number of an optimizer", "优化器的步数"),
    E("x", "x", "an input (entry of $X$)", "输入（$X$ 的元素）"),
    E("X", "X", r"the inputs, $(n_x, m)$", r"输入矩阵，形状 $(n_x, m)$"),
    E("w", "w", "a weight (entry of $W$)", "权重（$W$ 的元素）"),
    E("W", "W", r"weight matrix $W^{[l]}$, $(n^{[l]}, n^{[l-1]})$", r"权重矩阵 $W^{[l]}$，形状 $(n^{[l]}, n^{[l-1]})$"),
    E("b", "b", r"a bias (entry of $b^{[l]}$)", r"偏置（$b^{[l]}$ 的元素）"),
    E("z", "z", r"pre-activation $z = w^\top x + b$", r"线性输出 $z = w^\top x + b$"),
    E("Z", "Z", "pre-activations of a layer (or one as a random variable)", "一层的线性输出（或作为随机变量的线性输出）"),
    E("a", "a", r"activation $a = g(z)$; at the output, the prediction", r"激活值 $a = g(z)$；在输出层即预测"),
    E("A", "A", r"activations of a layer $A^{[l]}$", r"一层的激活值 $A^{[l]}$"),
    E("s", "s", "softmax output", "softmax 的输出"),
    E("y", "y", "target (label); one-hot for classes", "目标（标签）；多分类时为独热向量"),
    E("Y", "Y", r"targets, $(n_y, m)$", r"目标矩阵，形状 $(n_y, m)$"),
    E("yhat", r"\hat{y}", "the model's prediction", "模型的预测"),
    E("mu", r"\mu", "predicted mean", "预测的均值"),
    E("v", "v", "predicted variance", "预测的方差"),
    E("sigma", r"\sigma", "standard deviation", "标准差"),
    E("dA", "dA", r"$\partial\mathcal L/\partial A$, per example", r"每个样本的 $\partial\mathcal L/\partial A$"),
    E("dZ", "dZ", r"$\partial\mathcal L/\partial Z$, per example", r"每个样本的 $\partial\mathcal L/\partial Z$"),
    E("dW", "dW", r"$\partial J/\partial W$, of the mean cost", r"平均代价的 $\partial J/\partial W$"),
    E("g'(Z)", "g'(Z)", "the activation's derivative, entry by entry", "激活函数的导数（逐元素）"),
    E("U", "U", r"a uniform random variable, $U(-a, a)$", r"均匀分布的随机变量 $U(-a, a)$"),
    E("u", "u", "variable of integration", "积分变量"),
    # -- functions -----------------------------------------------------------------------------------
    E("sigma()", r"\sigma", r"the sigmoid $\sigma(z) = 1/(1 + e^{-z})$", r"sigmoid 函数 $\sigma(z) = 1/(1 + e^{-z})$",
      function=True),
    E("g()", "g", "a layer's activation function", "一层的激活函数", function=True),
    E("J()", "J", r"the cost, $J = \frac1m \sum_i \mathcal L$", r"代价 $J = \frac1m \sum_i \mathcal L$", function=True),
    E("p()", "p", "a probability or a density", "概率或概率密度", function=True),
    # -- local meanings, confined to their scope --------------------------------------------------------
    E("alpha", r"\alpha", "Leaky ReLU's and PReLU's negative slope, ELU's scale", "Leaky ReLU 与 PReLU 的负半轴斜率、ELU 的尺度",
      scope=("activations",)),
    E("v", "v", r"Adam's first moment $v_t$ (the moving average of $g_t$)", r"Adam 的一阶矩 $v_t$（$g_t$ 的滑动平均）",
      scope=("descent",)),
    E("g", "g", r"a gradient $g_t$ (or its entries $g_1, g_2$)", r"梯度 $g_t$（或其分量 $g_1, g_2$）",
      scope=("descent",)),
    E("b", "b", "scale of the Laplace distribution", "拉普拉斯分布的尺度", scope=("mle_laplace",)),
    E("a", "a", r"bound of the uniform distribution $U(-a, a)$", r"均匀分布 $U(-a, a)$ 的边界",
      scope=("xavier_uniform", "he")),
    E("N", "N", "number of draws of a random weight", "随机权重的抽取次数", scope=("sample_variance",)),
    E("Theta", r"\Theta", r"the course notes' weights with the bias column, $\Theta^{(l)} = [\,b^{[l]}\ W^{[l]}\,]$",
      r"课程讲义中连同偏置列的权重矩阵 $\Theta^{(l)} = [\,b^{[l]}\ W^{[l]}\,]$", scope=("bias_column",)),
    E("c", "c", "the correct class: a one-hot label's 1 is at $k = c$", "正确的类别：独热标签的 1 位于 $k = c$",
      scope=("cce_one_hot", "categorical_one_hot")),
    E("p", "p", "the probability the model gives to the correct label", "模型给正确标签的概率", scope=("bce_cases",)),
    E("l", "l", r"a second input index, $l \neq k$", r"第二个输入的下标，$l \neq k$", scope=("variance_propagation",)),
    E("a", "a", r"input of the example graph $J = 3(a + bc)$", r"示例计算图 $J = 3(a + bc)$ 的输入",
      scope=("computation_graph",)),
    E("b", "b", r"input of the example graph $J = 3(a + bc)$", r"示例计算图 $J = 3(a + bc)$ 的输入",
      scope=("computation_graph",)),
    E("c", "c", r"input of the example graph $J = 3(a + bc)$", r"示例计算图 $J = 3(a + bc)$ 的输入",
      scope=("computation_graph",)),
    E("u", "u", r"node $u = bc$ of the example graph", r"示例计算图的节点 $u = bc$", scope=("computation_graph",)),
    E("v", "v", r"node $v = a + u$ of the example graph", r"示例计算图的节点 $v = a + u$", scope=("computation_graph",)),
    E("p", "p", r"the repeated entry of the first column of $W^{[1]}$", r"$W^{[1]}$ 第一列中重复的元素",
      scope=("symmetry",)),
    E("q", "q", r"the repeated entry of the second column of $W^{[1]}$", r"$W^{[1]}$ 第二列中重复的元素",
      scope=("symmetry",)),
    E("c", "c", r"the repeated entry of $b^{[1]}$", r"$b^{[1]}$ 中重复的元素", scope=("symmetry",)),
    E("r", "r", r"the repeated entry of $W^{[2]}$", r"$W^{[2]}$ 中重复的元素", scope=("symmetry",)),
    E("c", "c", "a constant added to every logit", "加到每个 logit 上的同一个常数", scope=("softmax_shift",)),
    E("j", "j", "index of the sum in the softmax's denominator", "softmax 分母中求和的下标", scope=("softmax_shift",)),
    E("p", "p", r"a probability $p_k$ of one distribution (the data's)", r"一个分布（数据的分布）的概率 $p_k$",
      scope=("cross_entropy_kl",)),
    E("p", "p", r"a probability, the sigmoid's output", r"一个概率，即 sigmoid 的输出", scope=("logit",)),
    E("q", "q", r"a probability $q_k$ of another distribution (the model's)", r"另一个分布（模型的分布）的概率 $q_k$",
      scope=("cross_entropy_kl",)),
)
del E

#: Letters no derivation may print, and why.
FORBIDDEN: dict[str, str] = {
    r"\eta": r"the learning rate is \alpha",
    r"\gamma": r"not a symbol of this book (\beta is momentum; name gradient entries after the gradient)",
}


def stem(name: str) -> str:
    """The table key of a SymPy name: ``w_11`` -> ``w``, ``W^{[1]}_{11}`` -> ``W``, ``dZ^{[2]}`` -> ``dZ``."""
    if name in _STEMS:
        return name
    return re.split(r"[_^]", name, maxsplit=1)[0]


_STEMS = {e.stem for e in ENTRIES}


def meaning(name: str, where: tuple[str, str] = ("", "")) -> Entry:
    """The entry of ``name`` in derivation ``where = (group, name)``: a local meaning wins in its scope."""
    key = stem(name)
    candidates = [e for e in ENTRIES if e.stem == key]
    if not candidates:
        raise KeyError(f"{name!r} (stem {key!r}) is not in the notation table nnlit/symbolic/notation.py")
    local = [e for e in candidates if set(e.scope) & set(where)]
    if len(local) > 1:
        raise KeyError(f"{key!r} has {len(local)} local meanings in {where}: {[e.en for e in local]}")
    if local:
        return local[0]
    book_wide = [e for e in candidates if not e.scope]
    if not book_wide:
        raise KeyError(f"{key!r} has only local meanings ({[e.scope for e in candidates]}), none in {where}")
    return book_wide[0]


def _known(name: str) -> str:
    if stem(name) not in _STEMS:
        raise KeyError(f"{name!r} (stem {stem(name)!r}) is not in the notation table nnlit/symbolic/notation.py")
    return name


def symbol(name: str, **assumptions) -> sp.Symbol:
    """The symbol ``name`` (its stem must be in the table), e.g. ``symbol("alpha", positive=True)``."""
    return sp.Symbol(_known(name), **assumptions)


def symbols(names: str, **assumptions):
    """Several symbols at once, with SymPy's syntax (``"z_1:4"``, ``"p q"``), each checked against the table."""
    made = sp.symbols(names, **assumptions)
    for s in (made if isinstance(made, tuple) else (made,)):
        _known(s.name)
    return made


def indexed(name: str, **assumptions) -> sp.IndexedBase:
    """An indexed family ``name[i]`` (e.g. ``y[i]``), its stem in the table."""
    return sp.IndexedBase(_known(name), **assumptions)


def matrix(name: str, rows: int, cols: int) -> sp.MatrixSymbol:
    """A matrix symbol (printed only), its stem in the table."""
    return sp.MatrixSymbol(_known(name), rows, cols)


def dummy(name: str, **assumptions) -> sp.Dummy:
    """A variable of a check that never prints (it is not notation)."""
    return sp.Dummy(name, **assumptions)


def markdown_table(language: str) -> str:
    """The table as Markdown for the book, in ``language`` (``"en"`` or ``"zh"``): symbol, meaning, where."""
    head = {"en": "| Symbol | Meaning | Only in |", "zh": "| 符号 | 含义 | 仅用于 |"}[language]
    rows = [head, "|---|---|---|"]
    for e in ENTRIES:
        shown = f"${e.tex}(\\cdot)$" if e.function else f"${e.tex}$"
        where = ", ".join(f"`{s}`" for s in e.scope)
        rows.append(f"| {shown} | {getattr(e, language)} | {where} |")
    return "\n".join(rows) + "\n"
