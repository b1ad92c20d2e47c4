"""The default fitting recipe for lithium-ion cells (``fit(cell, data)`` with no parameters).

Stage 1, electrode balance, on the lowest-rate data (C/5 or less where there is any;
a pseudo-OCV curve is ideal): the active material volume fractions of both electrodes
(their capacities) and the negative electrode's initial concentration (with the
positive's, the cyclable lithium). Together they set the stoichiometry window. Several
starts, as the balance has local minima.

Stage 2, transport and kinetics, on every data set with the balance held: the particle
diffusivities of both electrodes (where the parameter set gives them as numbers) and a
contact resistance (PyBaMM's ``"contact resistance"`` option is switched on), which
takes the ohmic and fast kinetic losses.

References
----------
.. [1] P. Mohtat et al., "Towards better estimability of electrode-specific state of
   health: decoding the cell expansion", J. Power Sources 427 (2019) 101-111
   (electrode balance from a low-rate curve).
.. [2] C.-H. Chen et al., "Development of experimental techniques for parameterization
   of multi-scale lithium-ion battery models", J. Electrochem. Soc. 167 (2020) 080534.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calibration._errors import CalibrationError
from calibration._fit_parameters import Parameter, checked_parameters, numeric_values
from calibration._replay import Measured
from cellsim import Cell

CONTACT_RESISTANCE = "Contact resistance [Ohm]"
NEGATIVE_FRACTION = "Negative electrode active material volume fraction"
POSITIVE_FRACTION = "Positive electrode active material volume fraction"
NEGATIVE_INITIAL = "Initial concentration in negative electrode [mol.m-3]"
NEGATIVE_MAXIMUM = "Maximum concentration in negative electrode [mol.m-3]"
DIFFUSIVITIES = ("Negative particle diffusivity [m2.s-1]", "Positive particle diffusivity [m2.s-1]")

#: Data sets at up to this C-rate (or the lowest rate given) fit the balance.
LOW_RATE = 0.2
#: Diffusivities are searched within this factor either side of the set's value.
DIFFUSIVITY_SPAN = 30.0
#: Contact resistance up to this voltage drop at 1C, V.
CONTACT_DROP = 0.25
#: The name of the recipe's first stage (a fit given an OCV table skips it).
BALANCE_STAGE = "electrode balance"
#: Starts of the balance stage (the set's values, then a Latin hypercube).
BALANCE_STARTS = 4


@dataclass(frozen=True)
class Stage:
    """One stage of a fit: parameters, the data sets (indices) it uses, its starts."""

    name: str
    parameters: tuple[Parameter, ...]
    data: tuple[int, ...]
    starts: int = 1


def c_rates(data: Sequence[Measured], capacity: float) -> np.ndarray:
    """Largest |current| of each data set in C (``capacity`` in A.h)."""
    return np.array([np.max(np.abs(d.current)) / capacity for d in data])


def _number(cell: Cell, values: Mapping[str, object], name: str) -> float:
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalibrationError(
            f"the default recipe needs {name!r} as a number; {cell.parameter_set!r} gives "
            f"a {type(value).__name__}: pass parameters= yourself"
        )
    return float(value)


def balance_bounds(
    cell: Cell, values: Mapping[str, object] | None = None
) -> dict[str, tuple[float, float]]:
    """The electrode balance's parameters and bounds, ``{name: (lower, upper)}``: both
    active material fractions (from 70 % of the set's value to 0.98) and the negative's
    initial concentration (from 60 % of the set's value to 99.5 % of its maximum); the
    positive's initial concentration stays the set's, so the negative's sets the cyclable
    lithium. Used by the recipe's balance stage and by :func:`calibration.fit_balance`."""
    values = numeric_values(cell) if values is None else values

    def number(name: str) -> float:
        return _number(cell, values, name)

    return {
        NEGATIVE_FRACTION: (0.7 * number(NEGATIVE_FRACTION), 0.98),
        POSITIVE_FRACTION: (0.7 * number(POSITIVE_FRACTION), 0.98),
        NEGATIVE_INITIAL: (0.6 * number(NEGATIVE_INITIAL), 0.995 * number(NEGATIVE_MAXIMUM)),
    }


def lithium_ion_recipe(cell: Cell, data: Sequence[Measured]) -> tuple[Cell, list[Stage]]:
    """The cell to fit (with contact resistance on) and the two stages for ``data``."""
    if cell.chemistry != "lithium_ion":
        raise CalibrationError(
            f"there is no default recipe for the {cell.chemistry} chemistry: pass "
            "parameters={name: (lower, upper)}"
        )
    if dict(cell.options).get("contact resistance") != "true":
        cell = cell.replace(options={**cell.options, "contact resistance": "true"})
    values = numeric_values(cell)
    capacity = float(values["Nominal cell capacity [A.h]"])
    rates = c_rates(data, capacity)
    low = tuple(int(k) for k in np.flatnonzero(rates <= max(LOW_RATE, rates.min() * 1.01)))
    balance = balance_bounds(cell, values)
    transport: dict[str, tuple[float, float]] = {}
    initial = {CONTACT_RESISTANCE: 0.05 * CONTACT_DROP / capacity}
    for name in DIFFUSIVITIES:
        value = values.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            transport[name] = (value / DIFFUSIVITY_SPAN, value * DIFFUSIVITY_SPAN)
    transport[CONTACT_RESISTANCE] = (0.0, CONTACT_DROP / capacity)
    stages = [
        Stage(BALANCE_STAGE, tuple(checked_parameters(cell, balance)), low, BALANCE_STARTS),
        Stage(
            "transport and kinetics",
            tuple(checked_parameters(cell, transport, initial)),
            tuple(range(len(data))),
        ),
    ]
    return cell, stages
