"""The one exception hierarchy of cellsim.

Every error a user can cause names the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class CellsimError(Exception):
    """Root of every error cellsim raises on purpose."""


class ParameterError(CellsimError, ValueError):
    """An unknown or out-of-range parameter set, model, option or parameter."""


class ProtocolError(CellsimError, ValueError):
    """A protocol step that cannot be parsed or that the cell cannot follow."""


class SolverError(CellsimError, RuntimeError):
    """The integrator failed; ``partial`` holds the result computed before the failure.

    Attributes
    ----------
    partial : xarray.Dataset or None
        Everything computed up to the failure, in the usual result schema.
    """

    def __init__(self, message: str, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


class DataFormatError(CellsimError, ValueError):
    """A data file or table that does not match its expected format."""


def close_matches(name: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """Return up to ``n`` of ``choices`` closest to ``name`` (case-insensitive)."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[h] for h in hits]


def unknown(kind: str, name: str, choices: Iterable[str]) -> str:
    """Message for an unknown ``kind`` called ``name``, listing close valid choices."""
    choices = sorted(choices)
    near = close_matches(name, choices)
    if near:
        hint = f"did you mean {', '.join(repr(c) for c in near)}?"
    elif len(choices) <= 30:
        hint = f"valid choices: {', '.join(repr(c) for c in choices)}"
    else:
        hint = f"there are {len(choices)} valid choices; none is close"
    return f"unknown {kind} {name!r}: {hint}"
