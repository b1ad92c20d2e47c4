"""Semi-empirical capacity-fade laws: a power law in the cycle count, optionally with a knee.

A law gives the capacity as a fraction of the initial, ``q = 1 - L(S N)``, where ``N`` is
the cycle count and ``S`` the acceleration factor of the cycling conditions relative to
the reference conditions (``S = 1`` there), so harsher conditions run the same fade in
fewer cycles and move the knee earlier:

- ``"power"``: ``L(n) = a (n / 1000)^z``, the power law of cycle-ageing studies
  (``z = 0.5`` for diffusion-limited SEI growth, ``z = 1`` for a constant rate);
- ``"power_knee"``: ``L(n) = a (n / 1000)^z + b w ln(1 + exp((n - n_k) / w)) / 1000``, the
  power law plus a smooth hinge: from the knee cycle ``n_k`` on, an extra ``b`` of the
  initial capacity is lost per 1000 cycles (``w``, in cycles, sets how sharp the knee is).

``S`` has a factor per condition that varies in the data: Arrhenius in temperature,
``exp(-Ea / R (1/T - 1/T_ref))``; a power of the depth of discharge, ``(DoD /
DoD_ref)^beta``; a power of the C-rate, ``(C / C_ref)^gamma``.

References
----------
.. [1] J. Wang et al., "Cycle-life model for graphite-LiFePO4 cells", J. Power Sources
   196 (2011) 3942-3948 (capacity loss as an Arrhenius factor times a power of
   throughput).
.. [2] J. Schmalstieg et al., "A holistic aging model for Li(NiMnCo)O2 based 18650
   lithium-ion batteries", J. Power Sources 257 (2014) 325-334 (power laws in charge
   throughput with depth-of-discharge dependence; the Sanyo UR18650E).
.. [3] P. M. Attia et al., "Review—'Knees' in lithium-ion battery aging trajectories",
   J. Electrochem. Soc. 169 (2022) 060517.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from calibration._aging_errors import CalibrationError

LAWS = ("power", "power_knee")
#: Cycle count at which ``a`` is the capacity lost.
REFERENCE_CYCLES = 1000.0
GAS_CONSTANT = 8.314462618  # J/(mol K)


@dataclass(frozen=True, slots=True)
class LawParameter:
    """One parameter of a law: its name, units, meaning, starting value and bounds."""

    name: str
    units: str
    long_name: str
    initial: float
    lower: float
    upper: float


#: The parameter each condition adds to a law.
CONDITION_PARAMETERS = {
    "temperature": LawParameter(
        "activation_energy",
        "J.mol-1",
        "Arrhenius activation energy of the fade rate",
        3e4,
        -2e5,
        2e5,
    ),
    "depth_of_discharge": LawParameter(
        "dod_exponent", "1", "exponent of the depth of discharge in the fade rate", 1.0, -10, 10
    ),
    "c_rate": LawParameter(
        "c_rate_exponent", "1", "exponent of the C-rate in the fade rate", 0.5, -10, 10
    ),
}


@dataclass(frozen=True, slots=True)
class FadeLaw:
    """A fade law: its form, the conditions it depends on and their reference values.

    Attributes
    ----------
    kind : {"power", "power_knee"}
    reference : tuple of (condition, value)
        The conditions the law depends on, each with its reference value (where ``S =
        1``); empty when the data give one condition only.
    span : float
        Largest cycle count of the fitted data (bounds the knee cycle).
    knee_guess : float
        Starting knee cycle (``power_knee``).
    """

    kind: Literal["power", "power_knee"]
    reference: tuple[tuple[str, float], ...] = ()
    span: float = 3000.0
    knee_guess: float = float("nan")

    def parameters(self) -> tuple[LawParameter, ...]:
        """The law's parameters, in the order of the parameter vector."""
        out = [
            LawParameter(
                "a", "1", "fraction of the initial capacity lost by 1000 cycles", 0.1, 0.0, 10.0
            ),
            LawParameter("z", "1", "exponent of the cycle count", 0.8, 0.05, 3.0),
        ]
        if self.kind == "power_knee":
            guess = self.knee_guess if np.isfinite(self.knee_guess) else 0.5 * self.span
            out += [
                LawParameter(
                    "b", "1", "extra fraction lost per 1000 cycles after the knee", 0.5, 0.0, 100.0
                ),
                LawParameter("knee_cycle", "1", "cycle of the knee", guess, 1.0, 2.0 * self.span),
                LawParameter(
                    "knee_width",
                    "1",
                    "cycles over which the knee turns",
                    0.05 * self.span,
                    1e-3 * self.span,
                    self.span,
                ),
            ]
        out += [CONDITION_PARAMETERS[name] for name, _ in self.reference]
        return tuple(out)

    def fraction(
        self,
        p: NDArray[np.float64],
        cycle: NDArray[np.float64],
        conditions: dict[str, NDArray[np.float64]],
    ) -> NDArray[np.float64]:
        """Capacity as a fraction of the initial at ``cycle`` under ``conditions``."""
        n = self.acceleration(p, conditions) * np.asarray(cycle, dtype=float)
        a, z = p[0], p[1]
        loss = a * (np.maximum(n, 0.0) / REFERENCE_CYCLES) ** z
        if self.kind == "power_knee":
            b, knee, width = p[2], p[3], p[4]
            loss = loss + b * width * np.logaddexp(0.0, (n - knee) / width) / REFERENCE_CYCLES
        return 1.0 - loss

    def acceleration(
        self, p: NDArray[np.float64], conditions: dict[str, NDArray[np.float64]]
    ) -> NDArray[np.float64] | float:
        """The factor ``S`` on the cycle count under ``conditions`` (1 at the reference)."""
        factor: NDArray[np.float64] | float = 1.0
        start = len(self.parameters()) - len(self.reference)
        for k, (name, ref) in enumerate(self.reference):
            value = np.asarray(conditions[name], dtype=float)
            theta = p[start + k]
            if name == "temperature":
                factor = factor * np.exp(-theta / GAS_CONSTANT * (1.0 / value - 1.0 / ref))
            else:
                factor = factor * (value / ref) ** theta
        return factor


def make_law(
    kind: str, conditions: dict[str, NDArray[np.float64]], span: float, knee_guess: float
) -> FadeLaw:
    """The law of ``kind`` with a factor for every condition that varies in the data.

    The reference of each condition is its median over the data.
    """
    if kind not in LAWS:
        raise CalibrationError(f"unknown law {kind!r}: allowed are {', '.join(map(repr, LAWS))}")
    reference = tuple(
        (name, float(np.median(values)))
        for name, values in conditions.items()
        if np.unique(values).size > 1
    )
    return FadeLaw(kind, reference, float(span), float(knee_guess))
