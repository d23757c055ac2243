"""Every derivation of the book, by name: ``DERIVATIONS[name] -> (group, function)``.

Names are unique across groups, so ``python -m nnlit derive sigmoid`` needs no group.
A derivation's fragment is written to ``nnlit/derivations/<group>/<name>.md``.
"""

from __future__ import annotations

import functools

from . import activations, backprop, descent, gradcheck, initialization, likelihood, losses, training

DERIVATIONS: dict[str, tuple[str, object]] = {}


def _register(group: str, functions: dict) -> None:
    for name, function in functions.items():
        if name in DERIVATIONS:
            raise ValueError(f"derivation name {name!r} is used twice")
        DERIVATIONS[name] = (group, function)


_register("activations", {**{name: a.derivation for name, a in activations.ACTIVATIONS.items()},
                          "prelu_alpha": activations.prelu_alpha, "logit": activations.logit, "tanh_sigmoid": activations.tanh_sigmoid,
                          "softmax_shift": activations.softmax_shift})
_register("losses", losses.loss_derivations())
_register(likelihood.GROUP, likelihood.DERIVATIONS)
_register(backprop.GROUP, backprop.DERIVATIONS)
_register(initialization.GROUP, initialization.DERIVATIONS)
_register(gradcheck.GROUP, gradcheck.DERIVATIONS)
_register(descent.GROUP, descent.DERIVATIONS)
_register(training.GROUP, training.DERIVATIONS)


@functools.cache
def derivation(name: str):
    """Run (and so check) the derivation called ``name``; once per process, as it never changes."""
    if name not in DERIVATIONS:
        raise KeyError(f"no derivation {name!r}; known: {', '.join(sorted(DERIVATIONS))}")
    return DERIVATIONS[name][1]()


def source(name: str) -> str:
    """The module file of a derivation, relative to the repository (for links from the book)."""
    import inspect
    from pathlib import Path
    function = DERIVATIONS[name][1]
    module = inspect.getmodule(getattr(function, "__self__", function)) if not hasattr(function, "__func__") \
        else inspect.getmodule(function.__func__)
    path = Path(module.__file__).resolve()
    return path.relative_to(Path(__file__).resolve().parents[2]).as_posix()
