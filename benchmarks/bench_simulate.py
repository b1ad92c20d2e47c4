"""Time a 1C discharge of a Chen2020 cell: cellsim against the same PyBaMM simulation.

Each model is solved to the 2.5 V cut-off with ``pybamm.IDAKLUSolver(rtol=1e-6,
atol=1e-6)`` at the solver's own time steps, both through :func:`cellsim.simulate`
(``solver="idaklu"``) and through a plain :class:`pybamm.Simulation`; and by
``simulate``'s default, the CasADi core (interpreted, its outputs resolved: see
``period`` in :func:`cellsim.simulate`), against cellsim's IDAKLU: the benchmark that
made the core ``simulate``'s default. A "re-solve" is a second solve of an
already built model. cellsim's result is an :class:`xarray.Dataset` of seven output
variables, so ``time_pybamm_resolve_with_outputs`` also reads those seven from the
PyBaMM solution for a result-for-result comparison. A re-solve builds its model on its
first call, the runner's untimed warm-up, so each benchmark builds only what it times.
``--quick`` (``CELLSIM_BENCH_QUICK=1``): the DFN only (``bench_solvers`` re-solves the SPM
and an SPMe cycle both ways, its "cellsim idaklu / PyBaMM IDAKLU" ratio).
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import numpy as np
import pybamm

import cellsim

PARAMETER_SET = "Chen2020"
PROTOCOL = "Discharge at 1C until 2.5 V"
T_END = 4320.0  # s; longer than a 1C discharge: the model's 2.5 V event ends the solve
RTOL = ATOL = 1e-6
QUICK = os.environ.get("CELLSIM_BENCH_QUICK") == "1"

#: PyBaMM's names of the variables a cellsim result carries.
OUTPUTS = (
    "Voltage [V]",
    "Current [A]",
    "Bulk open-circuit voltage [V]",
    "Volume-averaged cell temperature [K]",
    "Discharge capacity [A.h]",
    "Power [W]",
    "Ambient temperature [K]",
)

#: (label, numerator, denominator): ratios of medians measured in one run, per params.
RATIOS = [
    (
        "cellsim re-solve / PyBaMM re-solve",
        "TimeSimulate.time_cellsim_resolve",
        "TimeSimulate.time_pybamm_resolve",
    ),
    (
        "cellsim re-solve / PyBaMM re-solve with outputs",
        "TimeSimulate.time_cellsim_resolve",
        "TimeSimulate.time_pybamm_resolve_with_outputs",
    ),
    (
        "cellsim build+solve / PyBaMM build+solve",
        "TimeSimulate.time_cellsim_build_and_solve",
        "TimeSimulate.time_pybamm_build_and_solve",
    ),
    (
        "core re-solve / cellsim IDAKLU re-solve",
        "TimeSimulate.time_core_resolve",
        "TimeSimulate.time_cellsim_resolve",
    ),
    (
        "core build+solve / cellsim IDAKLU build+solve",
        "TimeSimulate.time_core_build_and_solve",
        "TimeSimulate.time_cellsim_build_and_solve",
    ),
]


def pybamm_simulation(model: str) -> pybamm.Simulation:
    """The plain PyBaMM equivalent of ``cellsim.Cell(PARAMETER_SET, model=model)``.

    Parameters
    ----------
    model : str
        ``"SPM"``, ``"SPMe"`` or ``"DFN"``.

    Returns
    -------
    pybamm.Simulation
        Not yet built; its first :meth:`~pybamm.Simulation.solve` builds it.
    """
    return pybamm.Simulation(
        getattr(pybamm.lithium_ion, model)(),
        parameter_values=pybamm.ParameterValues(PARAMETER_SET),
        solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
    )


def final_capacity(result: Any) -> float:
    """Discharge capacity (A.h) at the end of a cellsim, PyBaMM or read-out result.

    Parameters
    ----------
    result : xarray.Dataset, pybamm.Solution or dict
        A cellsim result, a PyBaMM solution, or ``{PyBaMM name: array}``.

    Returns
    -------
    float
        The last value of the discharge capacity.
    """
    if isinstance(result, pybamm.Solution):
        return float(result["Discharge capacity [A.h]"].entries[-1])
    if isinstance(result, dict):
        return float(result["Discharge capacity [A.h]"][-1])
    return float(result.discharge_capacity[-1])


class TimeSimulate:
    """cellsim and PyBaMM, built and solved or re-solved, for each lithium-ion model."""

    params: ClassVar[list[str]] = ["DFN"] if QUICK else ["SPM", "SPMe", "DFN"]
    param_names: ClassVar[list[str]] = ["model"]
    number = 1  # asv: one call per sample (a build must not be timed as a cached re-solve)
    timeout = 600

    def setup(self, model: str) -> None:
        """Nothing built yet: a re-solve builds on its first (warm-up) call."""
        cellsim.clear_cache()
        self.cell = cellsim.Cell(PARAMETER_SET, model=model)
        self.sim: pybamm.Simulation | None = None
        self.result: Any = None

    def discharge_capacity(self) -> float:
        """Discharge capacity (A.h) of the last timed run: the agreement check."""
        return final_capacity(self.result)

    def time_cellsim_build_and_solve(self, model: str) -> None:
        """Build the model from scratch (empty cache), then solve."""
        cellsim.clear_cache()
        cell = cellsim.Cell(PARAMETER_SET, model=model)
        self.result = cellsim.simulate(cell, PROTOCOL, solver="idaklu", rtol=RTOL, atol=ATOL)

    def time_core_build_and_solve(self, model: str) -> None:
        """The same with ``simulate``'s default solver, the CasADi core (interpreted),
        the disk cache as for IDAKLU's."""
        cellsim.clear_cache()
        cell = cellsim.Cell(PARAMETER_SET, model=model)
        self.result = cellsim.simulate(cell, PROTOCOL, rtol=RTOL, atol=ATOL)

    def time_core_resolve(self, model: str) -> None:
        """A re-solve with ``simulate``'s default solver, the CasADi core."""
        self.result = cellsim.simulate(self.cell, PROTOCOL, rtol=RTOL, atol=ATOL)

    def _simulation(self, model: str) -> pybamm.Simulation:
        """The Simulation re-solves use, created on the first call (its first solve
        builds it)."""
        if self.sim is None:
            self.sim = pybamm_simulation(model)
        return self.sim

    def time_cellsim_resolve(self, model: str) -> None:
        """Solve the cached model again (built by the first, warm-up, call); the result
        is a Dataset of seven outputs."""
        self.result = cellsim.simulate(self.cell, PROTOCOL, solver="idaklu", rtol=RTOL, atol=ATOL)

    def time_pybamm_build_and_solve(self, model: str) -> None:
        """Create, build and solve a new PyBaMM Simulation."""
        self.result = pybamm_simulation(model).solve([0.0, T_END])

    def time_pybamm_resolve(self, model: str) -> None:
        """Solve the built Simulation again (no output variable is evaluated)."""
        self.result = self._simulation(model).solve([0.0, T_END])

    def time_pybamm_resolve_with_outputs(self, model: str) -> None:
        """Solve again and read the seven variables a cellsim result carries."""
        solution = self._simulation(model).solve([0.0, T_END])
        self.result = {name: np.asarray(solution[name].entries) for name in OUTPUTS}
