"""Initial particle concentrations of a lithium-ion cell from a rest voltage or an SOC.

PyBaMM's ``ParameterValues.set_initial_state`` sets up and solves its electrode-SOH
model on every call (about 0.25 s), too slow for each cost evaluation of a fit whose
trial parameters move the electrode balance. Here the balance is evaluated from
symbols processed once, with the fitted parameters as inputs: the electrode capacities
``Q_n``, ``Q_p`` and the cyclable lithium ``Q_Li`` (A.h), and the electrode OCPs
tabulated over stoichiometry. The negative stoichiometry ``x`` then solves

    U_p((Q_Li - x Q_n) / Q_p, T) - U_n(x, T) = V

for a rest voltage ``V``; for an SOC, ``x = x_0 + SOC (x_100 - x_0)`` with ``x_0`` and
``x_100`` the solutions at the lower and upper voltage cut-offs, as PyBaMM defines
them. Agrees with ``set_initial_state`` to 1e-5 in stoichiometry (tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from calibration._errors import CalibrationError
from cellsim import Cell
from cellsim._chemistry import chemistry_for

NEGATIVE_INITIAL = "Initial concentration in negative electrode [mol.m-3]"
POSITIVE_INITIAL = "Initial concentration in positive electrode [mol.m-3]"
LOWER_CUTOFF = "Lower voltage cut-off [V]"
UPPER_CUTOFF = "Upper voltage cut-off [V]"

#: Stoichiometry kept this far from 0 and 1 (PyBaMM's OCPs have asymptotes there).
EDGE = 1e-4
#: Points of the OCP tables over stoichiometry.
TABLE_POINTS = 4001


@dataclass(frozen=True)
class Start:
    """Where a data set starts: at a rest ``voltage`` (V) or at an ``soc`` in [0, 1]."""

    kind: str  # "voltage" or "soc"
    value: float

    def describe(self) -> str:
        if self.kind == "voltage":
            return f"rest voltage {self.value:.4f} V"
        return f"SOC {self.value:g}"


class InitialStates:
    """Initial concentrations of a lithium-ion ``cell`` for trial values of ``input_names``.

    Parameters
    ----------
    cell : cellsim.Cell
        A lithium-ion cell.
    input_names : iterable of str
        Parameters that vary between calls (the fitted ones).
    """

    def __init__(self, cell: Cell, input_names=()) -> None:
        import pybamm

        chemistry = chemistry_for(cell.parameter_set)
        values = chemistry.parameter_values(cell)
        self.input_names = frozenset(input_names)
        for name in self.input_names:
            values[name] = pybamm.InputParameter(name)
        options = pybamm.BatteryModelOptions(dict(chemistry.options(cell)))
        param = pybamm.LithiumIonParameters(options)
        self._values = values
        self._param = param
        ambient = values["Ambient temperature [K]"]
        #: K, the cell's ambient temperature when a data set names none
        self.default_temperature = float(ambient) if isinstance(ambient, (int, float)) else 298.15
        self._scalars = {
            "Q_n": values.process_symbol(param.n.Q_init),
            "Q_p": values.process_symbol(param.p.Q_init),
            "Q_Li": values.process_symbol(param.Q_Li_particles_init),
            "c_n_max": values.process_symbol(param.n.prim.c_max),
            "c_p_max": values.process_symbol(param.p.prim.c_max),
            "lower": values.process_symbol(pybamm.Parameter(LOWER_CUTOFF)),
            "upper": values.process_symbol(pybamm.Parameter(UPPER_CUTOFF)),
        }
        self._grid = np.linspace(EDGE, 1.0 - EDGE, TABLE_POINTS)
        self._tables: dict = {}

    def _scalar(self, name: str, inputs: Mapping[str, float]) -> float:
        return float(np.asarray(self._scalars[name].evaluate(inputs=dict(inputs))).ravel()[0])

    def _ocps(self, temperature: float, inputs: Mapping[str, float]):
        import pybamm

        key = (round(temperature, 6), tuple(sorted(inputs.items())))
        if key not in self._tables:
            if len(self._tables) > 64:
                self._tables.clear()
            sto = pybamm.Vector(self._grid)
            temp = pybamm.Scalar(temperature)
            tables = []
            for domain in (self._param.n.prim, self._param.p.prim):
                symbol = self._values.process_symbol(domain.U(sto, temp))
                tables.append(np.asarray(symbol.evaluate(inputs=dict(inputs))).ravel())
            self._tables[key] = tuple(tables)
        return self._tables[key]

    def concentrations(
        self, start: Start, inputs: Mapping[str, float], temperature: float
    ) -> dict[str, float]:
        """``{negative, positive initial concentration}``, mol/m3, at ``start``.

        Raises
        ------
        CalibrationError
            If the voltage is outside what the electrode balance can reach.
        """
        inputs = {k: float(v) for k, v in inputs.items() if k in self.input_names}
        q_n, q_p, q_li = (self._scalar(k, inputs) for k in ("Q_n", "Q_p", "Q_Li"))
        ocp_inputs = {k: v for k, v in inputs.items() if self._affects_ocp(k)}
        u_n, u_p = self._ocps(temperature, ocp_inputs)
        grid = self._grid
        low = max(EDGE, (q_li - q_p * (1.0 - EDGE)) / q_n)
        high = min(1.0 - EDGE, (q_li - q_p * EDGE) / q_n)
        if not low < high:
            raise CalibrationError(
                f"the electrode balance has no state: cyclable lithium {q_li:.4g} A.h does "
                f"not fit electrodes of {q_n:.4g} A.h (negative) and {q_p:.4g} A.h (positive)"
            )

        def ocv(x: float) -> float:
            y = (q_li - x * q_n) / q_p
            return float(np.interp(y, grid, u_p) - np.interp(x, grid, u_n))

        def stoichiometry(voltage: float) -> float:
            v_low, v_high = ocv(low), ocv(high)
            if not v_low <= voltage <= v_high:
                raise CalibrationError(
                    f"open-circuit voltage {voltage:.4f} V is outside what the electrode "
                    f"balance reaches ({v_low:.4f}-{v_high:.4f} V)"
                )
            return brentq(lambda x: ocv(x) - voltage, low, high, xtol=1e-12)

        if start.kind == "voltage":
            x = stoichiometry(start.value)
        else:
            x_0 = stoichiometry(self._scalar("lower", inputs))
            x_100 = stoichiometry(self._scalar("upper", inputs))
            x = x_0 + start.value * (x_100 - x_0)
        y = (q_li - x * q_n) / q_p
        return {
            NEGATIVE_INITIAL: x * self._scalar("c_n_max", inputs),
            POSITIVE_INITIAL: y * self._scalar("c_p_max", inputs),
        }

    def _affects_ocp(self, name: str) -> bool:
        return "OCP" in name or "entropic" in name.lower() or "Reference temperature" in name

    def voltage_window(self, inputs: Mapping[str, float] | None = None) -> tuple[float, float]:
        """The cell's (lower, upper) voltage cut-offs, V."""
        inputs = {k: float(v) for k, v in (inputs or {}).items() if k in self.input_names}
        return self._scalar("lower", inputs), self._scalar("upper", inputs)
