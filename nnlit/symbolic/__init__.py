r"""The book's mathematics in SymPy: every function defined once, every formula derived.

``nnlit.symbolic`` mirrors the numeric registries by name (:data:`ACTIVATIONS`,
:data:`LOSSES`) and holds the derivations the chapters print (:data:`DERIVATIONS`).
Each derivation is a function returning a :class:`Derivation` whose every step SymPy
has checked. ``python -m nnlit derive`` writes them into ``nnlit/derivations``.

>>> from nnlit.symbolic import derivation
>>> print(derivation("sigmoid").pretty())      # doctest: +SKIP

This package needs SymPy; ``import nnlit`` does not import it.
"""

from .activations import ACTIVATIONS
from .core import Derivation, DerivationError, Step
from .losses import LOSSES
from .registry import DERIVATIONS, derivation, source

__all__ = ["ACTIVATIONS", "LOSSES", "DERIVATIONS", "Derivation", "DerivationError", "Step", "derivation", "source"]
