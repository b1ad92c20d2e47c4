"""Fitted parameters: names checked against the cell, bounds, and the optimiser's scale.

The optimiser works on ``x`` in [0, 1] per parameter: linear between the bounds, or
logarithmic when the bounds are positive and span a factor of ``LOG_SPAN`` or more (a
diffusivity known to a decade or two), so that one finite-difference step means the same
thing for every parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from calibration._errors import CalibrationError
from cellsim import Cell
from cellsim._chemistry import chemistry_for
from cellsim._errors import close_matches

#: Bounds spanning at least this factor are searched in log space.
LOG_SPAN = 10.0


@dataclass(frozen=True)
class Parameter:
    """One fitted parameter: full PyBaMM name, initial value and bounds (its units)."""

    name: str
    initial: float
    lower: float
    upper: float

    @property
    def log(self) -> bool:
        return self.lower > 0 and self.upper / self.lower >= LOG_SPAN

    @property
    def units(self) -> str:
        """Units from the name's brackets (``[m2.s-1]``), ``"1"`` when it has none."""
        found = re.search(r"\[([^\]]+)\]\s*$", self.name)
        return found[1] if found else "1"

    def to_x(self, value: float) -> float:
        if self.log:
            return math.log(value / self.lower) / math.log(self.upper / self.lower)
        return (value - self.lower) / (self.upper - self.lower)

    def from_x(self, x: float) -> float:
        x = min(max(float(x), 0.0), 1.0)
        if self.log:
            return self.lower * (self.upper / self.lower) ** x
        return self.lower + x * (self.upper - self.lower)

    def dvalue_dx(self, x: float) -> float:
        """d value / d x at ``x``."""
        if self.log:
            return self.from_x(x) * math.log(self.upper / self.lower)
        return self.upper - self.lower


def numeric_values(cell: Cell) -> dict[str, object]:
    """The parameter values of ``cell`` by name (numbers, functions, ...)."""
    chemistry = chemistry_for(cell.parameter_set)
    if not hasattr(chemistry, "parameter_values"):
        raise CalibrationError(
            f"the {chemistry.name} chemistry does not expose its parameter values, so its "
            "parameters cannot be fitted by name"
        )
    return dict(chemistry.parameter_values(cell).items())


def mesh_parameters(cell: Cell) -> frozenset[str]:
    """Parameters that shape the mesh of ``cell``'s model (none if its chemistry does
    not say)."""
    chemistry = chemistry_for(cell.parameter_set)
    shaping = getattr(chemistry, "mesh_parameters", None)
    return frozenset(shaping(cell)) if shaping is not None else frozenset()


def checked_parameters(
    cell: Cell,
    bounds: Mapping[str, tuple[float, float]],
    initial: Mapping[str, float] | None = None,
) -> list[Parameter]:
    """:class:`Parameter` objects for ``bounds`` (``{name: (lower, upper)}``).

    The initial value is ``initial[name]`` if given, else the cell's own value.

    Raises
    ------
    CalibrationError
        An unknown name (with close matches), a parameter that shapes the mesh (a
        particle radius, an electrode thickness), a parameter that is a function rather
        than a number, bounds that are not two finite increasing numbers, or an initial value
        outside its bounds.
    """
    if not isinstance(bounds, Mapping) or not bounds:
        raise CalibrationError(
            f"parameters must be a non-empty mapping {{name: (lower, upper)}}, got {bounds!r}"
        )
    initial = dict(initial or {})
    values = numeric_values(cell)
    extra = set(initial) - set(bounds)
    if extra:
        raise CalibrationError(
            f"initial values given for {sorted(extra)}, which are not among the fitted "
            f"parameters {sorted(bounds)}"
        )
    shaping = mesh_parameters(cell)
    out = []
    for name, pair in bounds.items():
        if name not in values:
            near = close_matches(name, values)
            hint = f"did you mean {', '.join(map(repr, near))}?" if near else "no close match"
            raise CalibrationError(
                f"unknown parameter {name!r} for parameter set {cell.parameter_set!r}: {hint}"
            )
        if name in shaping:
            raise CalibrationError(
                f"parameter {name!r} cannot be fitted: it shapes the model's mesh (it sets "
                "the extent of a domain, discretised once when the model is built), and a fit "
                "varies its parameters without a rebuild. Fit what it acts through instead "
                "(for a particle radius, the particle diffusivity scale: the voltage sees "
                "D/R^2), or fit it by hand over separately built cells (Cell overrides)"
            )
        try:
            lower, upper = (float(b) for b in pair)
        except (TypeError, ValueError):
            raise CalibrationError(
                f"bounds of {name!r} must be two numbers (lower, upper), got {pair!r}"
            ) from None
        if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
            raise CalibrationError(
                f"bounds of {name!r} must be finite with lower < upper, got ({lower!r}, {upper!r})"
            )
        if name in initial:
            start = initial[name]
        else:
            start = values[name]
            if isinstance(start, bool) or not isinstance(start, (int, float, np.floating)):
                raise CalibrationError(
                    f"parameter {name!r} of {cell.parameter_set!r} is a "
                    f"{type(start).__name__}, not a number: only numbers can be fitted "
                    "(give an initial value to replace it by a constant)"
                )
        start = float(start)
        if not lower <= start <= upper:
            raise CalibrationError(
                f"initial value of {name!r}, {start:g}, is outside its bounds "
                f"({lower:g}, {upper:g})"
            )
        out.append(Parameter(name, start, lower, upper))
    return out
