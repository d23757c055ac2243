"""nnlit: the numpy package behind the book *How neural networks learn*.

The numeric core (activations, losses, layers, networks) depends only on numpy;
the symbolic side, ``nnlit.symbolic``, needs SymPy and is imported on demand.
"""

__version__ = "0.1.0"
