"""Input validation shared by the whole numeric core.

Every check raises ``ValueError`` with a message that names what was expected
and what arrived, for example::

    Y must have shape (1, 400) to match A, got (400,): a rank-1 array is neither
    a row nor a column; use Y.reshape(1, -1)

The checks cost one pass over the data at most (``np.isfinite``), so they run
on every public call.
"""

from __future__ import annotations

import numpy as np


def array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array (no copy when it already is one), finite."""
    x = np.asarray(x, dtype=np.float64)
    finite(x, name)
    return x


def finite(x: np.ndarray, name: str) -> None:
    """Reject NaN and ±inf, naming the first offending entry."""
    if not np.isfinite(x).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{name} must be finite, got {x[where]} at index {where}")


def _rank1_hint(name: str, expected: tuple | None) -> str:
    """How to turn a rank-1 array into the row or column the book means."""
    if expected is not None and len(expected) == 2 and expected[1] == 1 and expected[0] != 1:
        return f"use {name}.reshape(-1, 1) for a column"
    return f"use {name}.reshape(1, -1) for a row, or {name}.reshape(-1, 1) for a column"


def matrix(x, name: str, rows: int | None = None, what: str = "") -> np.ndarray:
    """``x`` as a finite float64 matrix (2-D), optionally with ``rows`` rows.

    ``what`` says what the rows are, e.g. ``"n_x = 2 features"``.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        expected = f"({rows}, m)" if rows is not None else "(n, m)"
        message = f"{name} must be a 2-D array of shape {expected}, one column per example, got shape {x.shape}"
        if x.ndim == 1:
            hint = f"use {name}.reshape({rows}, -1)" if rows is not None else _rank1_hint(name, None)
            message += f": a rank-1 array is neither a row nor a column; {hint}"
        raise ValueError(message)
    if rows is not None and x.shape[0] != rows:
        extra = f" ({what})" if what else ""
        raise ValueError(f"{name} must have {rows} rows{extra}, shape ({rows}, m), got {x.shape}")
    finite(x, name)
    return x


def same_shape(x, name: str, like: np.ndarray, like_name: str) -> np.ndarray:
    """``x`` as a finite float64 array with exactly the shape of ``like``."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape != like.shape:
        message = f"{name} must have shape {like.shape} to match {like_name}, got {x.shape}"
        if x.ndim == 1 and like.ndim == 2:
            message += f": a rank-1 array is neither a row nor a column; {_rank1_hint(name, like.shape)}"
        raise ValueError(message)
    finite(x, name)
    return x


def labels_in(Y: np.ndarray, allowed: tuple[float, ...], loss: str) -> None:
    """Every entry of ``Y`` is one of ``allowed``; else name the first one that is not."""
    ok = np.isin(Y, allowed)
    if not ok.all():
        where = tuple(int(i) for i in np.argwhere(~ok)[0])
        shown = " or ".join(f"{a:g}" for a in allowed)
        raise ValueError(f"{loss} needs labels {shown} in Y, got {Y[where]:g} at index {where}")


def one_hot(Y: np.ndarray, loss: str) -> None:
    """Each column of ``Y`` is one-hot: zeros and a single one."""
    ok = np.isin(Y, (0.0, 1.0)).all(axis=0) & (Y.sum(axis=0) == 1.0)
    if not ok.all():
        j = int(np.argmin(ok))
        raise ValueError(f"{loss} needs one-hot columns in Y (zeros and a single 1), "
                         f"column {j} is {Y[:, j].tolist()}")


def in_range(x: np.ndarray, name: str, low: float, high: float) -> None:
    """Every entry of ``x`` lies in the closed interval [low, high]."""
    bad = (x < low) | (x > high)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}], got {x[where]:g} at index {where}")


def positive(x: np.ndarray, name: str) -> None:
    """Every entry of ``x`` is strictly positive."""
    bad = x <= 0
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must be > 0, got {x[where]:g} at index {where}")
