"""Model options of the zinc-halogen chemistry, checked once into a frozen dataclass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cellsim import ParameterError
from chemistries.zinc_halogen._degradation import MECHANISMS

Thermal = Literal["isothermal", "lumped"]
THERMAL_CHOICES: tuple[str, ...] = ("isothermal", "lumped")

#: User-facing option names (as in ``Cell.options``) and the fields they set.
OPTION_NAMES = {
    "crossover": "crossover",
    "hydrogen evolution": "hydrogen_evolution",
    "mass transport": "mass_transport",
    "double layer": "double_layer",
    "thermal": "thermal",
    "degradation": "degradation",
    "points per domain": "points",
}

#: Fewest finite-volume cells per domain of the 1D model.
MIN_POINTS = 3


@dataclass(frozen=True, slots=True)
class Options:
    """What the 0D zinc-halogen model includes.

    Parameters
    ----------
    crossover : bool
        Halogen crossover through the separator to the zinc (self-discharge).
    hydrogen_evolution : bool
        Hydrogen evolution on the zinc electrode (zinc corrosion, charge imbalance).
    mass_transport : bool
        Film mass-transport losses and limiting currents at both electrodes.
    double_layer : bool
        Double-layer capacitance at both electrodes: their potentials become states
        that the current charges, so the voltage rises over about a second from the
        rest voltage when a current starts (default False: the electrodes follow the
        current at once). The replay of PNNL cycle 1 with ``zinc_iodide_pnnl`` needs it
        (voltage RMSE 8.7 mV with, 40 mV without: the zinc-free start and the zinc
        nucleation plateau). It is not that set's default: the double layers hold
        charge the coulomb counter sees (efficiency 1 only to 6e-6 with side reactions
        off), it doubles the solve time (PNNL cycle 1: 0.25 against 0.12 s), and IDAS
        has failed to converge in a 2 h rest with side reactions on.
    points : int
        Model "1D" only: finite-volume cells in each of its two domains (separator,
        positive electrode), at least 3 (default 10; the specification suggests 10-20).
    thermal : {"isothermal", "lumped"}
        ``"lumped"`` adds one cell temperature with heat generation and cooling.
    degradation : tuple of str
        Degradation mechanisms to include, any of ``"dead zinc"``, ``"complexing agent
        loss"``, ``"separator"``, ``"soft short"`` (see
        :mod:`chemistries.zinc_halogen._degradation`).

    Examples
    --------
    >>> Options.from_mapping({"crossover": False}).crossover
    False
    """

    crossover: bool = True
    hydrogen_evolution: bool = True
    mass_transport: bool = True
    double_layer: bool = False
    thermal: Thermal = "isothermal"
    degradation: tuple[str, ...] = ()
    points: int = 10

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> Options:
        """Options from ``Cell.options``; :class:`cellsim.ParameterError` names a bad one."""
        values: dict[str, Any] = {}
        for key, value in options.items():
            if key not in OPTION_NAMES:
                raise ParameterError(
                    f"unknown zinc-halogen model option {key!r}: valid options are "
                    + ", ".join(repr(k) for k in OPTION_NAMES)
                )
            if key == "thermal":
                if value not in THERMAL_CHOICES:
                    raise ParameterError(
                        f"option 'thermal' must be one of {THERMAL_CHOICES}, got {value!r}"
                    )
            elif key == "degradation":
                if isinstance(value, str):
                    value = (value,)
                if not isinstance(value, (tuple, list)) or any(m not in MECHANISMS for m in value):
                    raise ParameterError(
                        f"option 'degradation' must list mechanisms from {MECHANISMS}, "
                        f"got {value!r}"
                    )
                value = tuple(m for m in MECHANISMS if m in value)
            elif key == "points per domain":
                if isinstance(value, bool) or not isinstance(value, int) or value < MIN_POINTS:
                    raise ParameterError(
                        f"option 'points per domain' must be an integer >= {MIN_POINTS}, "
                        f"got {value!r}"
                    )
            elif not isinstance(value, bool):
                raise ParameterError(
                    f"option {key!r} must be True or False, got {value!r} ({type(value).__name__})"
                )
            values[OPTION_NAMES[key]] = value
        return cls(**values)
