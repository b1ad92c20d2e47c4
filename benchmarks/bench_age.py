"""Ageing runs: ``cellsim.age`` (full and extrapolated) against a PyBaMM Experiment.

The issue's target case: an LG M50 (``OKane2022``) SPMe, cycled by a 1C discharge to
2.5 V, a 0.3C charge to 4.2 V and a hold at 4.2 V to C/100, with solvent-diffusion
limited SEI (1000 cycles) or with OKane2022's coupled SEI, lithium plating, cracking and
stress-driven loss of active material (500 cycles). PyBaMM runs the same cycles as one
:class:`pybamm.Experiment` with ``IDAKLUSolver(store_first_last=True)`` at the same
tolerances as cellsim's integrator. Every run starts from nothing (model build included)
in a fresh process, which also gives its peak memory. cellsim runs on its default
backend, the CasADi core, with its compiled models already in the disk cache (the
class's ``setup_cache`` compiles them if need be, once per run, in another process,
untimed), and on IDAKLU; the one-off compile is its own figure, ``time_casadi_compile``
(an empty cache: building and compiling both of the cell's models, the current- and the
voltage-controlled one). The checks compare per-cycle discharge capacity: cellsim full
vs PyBaMM (worst relative difference), and the capacity extrapolation has lost vs what
full has lost, as a fraction of the issue's allowance (5 % of the loss or 0.05 % of
capacity, whichever is larger); the IDAKLU backend's per-cycle capacity is compared with
PyBaMM's too. ``--quick``: 40 and 20 cycles, and the coupled case on IDAKLU and in PyBaMM
only: the CasADi core needs the model compiled, which for the coupled model took
105-110 s on two cores (once per machine and version of the core, but a cold cache is
what a new user, or a changed core, has), a third of the quick run's budget on its own;
the full run has every case on every backend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Any, ClassVar

import numpy as np
import pybamm

import cellsim

RTOL = ATOL = 1e-6
CYCLE = ("Discharge at 1C until 2.5 V", "Charge at 0.3C until 4.2 V", "Hold at 4.2 V until C/100")
DEGRADATION = {
    "SEI": {"SEI": "solvent-diffusion limited"},
    "SEI+plating+LAM": {
        "SEI": "solvent-diffusion limited",
        "SEI porosity change": "true",
        "lithium plating": "partially reversible",
        "lithium plating porosity change": "true",
        "particle mechanics": ("swelling and cracking", "swelling only"),
        "SEI on cracks": "true",
        "loss of active material": "stress-driven",
    },
}
QUICK = os.environ.get("CELLSIM_BENCH_QUICK") == "1"
CYCLES = {"SEI": 40, "SEI+plating+LAM": 20} if QUICK else {"SEI": 1000, "SEI+plating+LAM": 500}
#: The cases run on the CasADi core (compiled), whose compile is timed too.
CORE = ["SEI"] if QUICK else list(DEGRADATION)
#: One cycle of each case of ``CORE``, which puts its compiled models in the disk cache.
PRECOMPILE = (
    "import cellsim\n"
    f"for options in {[DEGRADATION[case] for case in CORE]!r}:\n"
    "    cell = cellsim.Cell('OKane2022', model='SPMe', options=options)\n"
    f"    cellsim.age(cell, {list(CYCLE)!r}, cycles=1, progress=False)\n"
)
SKIP_CORE = (
    "--quick: on the CasADi core the SEI case only (this model's compile took 105-110 s "
    "on two cores, on a cold cache)"
)

#: (label, numerator, denominator): ratios of medians measured in one run, per params.
RATIOS = [
    ("age full / PyBaMM experiment", "TimeAge.time_cellsim_full", "TimeAge.time_pybamm_experiment"),
    (
        "age full (IDAKLU backend) / PyBaMM experiment",
        "TimeAge.time_cellsim_full_idaklu",
        "TimeAge.time_pybamm_experiment",
    ),
    (
        "one-off compile / age full",
        "TimeAge.time_casadi_compile",
        "TimeAge.time_cellsim_full",
    ),
    ("age extrapolate / age full", "TimeAge.time_cellsim_extrapolate", "TimeAge.time_cellsim_full"),
    (
        "age extrapolate / PyBaMM experiment",
        "TimeAge.time_cellsim_extrapolate",
        "TimeAge.time_pybamm_experiment",
    ),
]


def worst_relative_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Largest relative difference of per-cycle capacity, over the cycles of both."""
    n = min(len(a["capacity"]), len(b["capacity"]))
    x, y = np.asarray(a["capacity"][:n]), np.asarray(b["capacity"][:n])
    return float(np.max(np.abs(x - y) / np.abs(y)))


def fraction_of_allowance(extrapolated: dict[str, Any], full: dict[str, Any]) -> float:
    """Worst |capacity lost (extrapolated) - capacity lost (full)| / allowance over cycles."""
    n = min(len(extrapolated["capacity"]), len(full["capacity"]))
    e, f = np.asarray(extrapolated["capacity"][:n]), np.asarray(full["capacity"][:n])
    lost_e, lost_f = e[0] - e, f[0] - f
    allowance = np.maximum(0.05 * np.abs(lost_f), 5e-4 * f[0])
    return float(np.max(np.abs(lost_e - lost_f) / allowance))


def fade_percent(values: dict[str, Any], _: dict[str, Any]) -> float:
    """Capacity lost by the last cycle, % of the first."""
    c = np.asarray(values["capacity"])
    return float(100 * (c[0] - c[-1]) / c[0])


CHECKS = [
    (
        "full vs PyBaMM: worst per-cycle capacity difference (rel.)",
        "TimeAge.time_cellsim_full",
        "TimeAge.time_pybamm_experiment",
        worst_relative_difference,
    ),
    (
        "full (IDAKLU backend) vs PyBaMM: worst per-cycle capacity difference (rel.)",
        "TimeAge.time_cellsim_full_idaklu",
        "TimeAge.time_pybamm_experiment",
        worst_relative_difference,
    ),
    (
        "extrapolate vs full: worst lost-capacity difference / allowance",
        "TimeAge.time_cellsim_extrapolate",
        "TimeAge.time_cellsim_full",
        fraction_of_allowance,
    ),
    (
        "full: fade at the last cycle [%]",
        "TimeAge.time_cellsim_full",
        "TimeAge.time_cellsim_full",
        fade_percent,
    ),
    (
        "PyBaMM: fade at the last cycle [%]",
        "TimeAge.time_pybamm_experiment",
        "TimeAge.time_pybamm_experiment",
        fade_percent,
    ),
]


def pybamm_capacities(solution: pybamm.Solution) -> np.ndarray:
    """Discharge capacity (A.h) of the first step of every cycle of an experiment."""
    out = []
    for cycle in solution.cycles:
        q = cycle.steps[0]["Discharge capacity [A.h]"].entries
        out.append(q[-1] - q[0])
    return np.asarray(out)


class TimeAge:
    """A whole ageing run, from an empty cache, each call in a fresh process."""

    params: ClassVar[list[str]] = list(DEGRADATION)
    param_names: ClassVar[list[str]] = ["degradation"]
    repeat = 1  # one run each: they are long, and each starts from nothing
    warmup = False
    isolate = True
    timeout = 3600

    def setup_cache(self) -> list[str]:
        """The compiled models of every case run on the CasADi core in the disk cache,
        once for the class, from another process (each benchmark's process stays as a
        user's would be: its memory and in-process caches empty). Returns those cases."""
        subprocess.run([sys.executable, "-c", PRECOMPILE], check=True)
        return list(CORE)

    def setup(self, precompiled: list[str], degradation: str) -> None:
        self.cell = cellsim.Cell("OKane2022", model="SPMe", options=DEGRADATION[degradation])
        self.degradation = degradation
        self.cycles = CYCLES[degradation]
        self.capacity: np.ndarray | None = None

    def values(self) -> dict[str, Any]:
        """Per-cycle discharge capacity (A.h) of the last call."""
        return {"capacity": [float(c) for c in self.capacity]}

    def discharge_capacity(self) -> float:
        """Discharge capacity (A.h) of the last cycle."""
        return float(self.capacity[-1])

    def _age(self, method: str, **kwargs) -> None:
        if kwargs.get("solver", "casadi") == "casadi" and self.degradation not in CORE:
            raise NotImplementedError(SKIP_CORE)
        result = cellsim.age(
            self.cell,
            list(CYCLE),
            cycles=self.cycles,
            method=method,
            **kwargs,
            solver_rtol=RTOL,
            solver_atol=ATOL,
            progress=False,
        )
        self.capacity = result.capacity.values

    def time_cellsim_full(self, precompiled: list[str], degradation: str) -> None:
        """``cellsim.age(method="full")``: every cycle simulated."""
        self._age("full")

    def time_cellsim_full_idaklu(self, precompiled: list[str], degradation: str) -> None:
        """``cellsim.age(method="full", solver="idaklu")``: PyBaMM's solver as backend."""
        self._age("full", solver="idaklu")

    def time_casadi_compile(self, precompiled: list[str], degradation: str) -> None:
        """One cycle from an empty compile cache: the one-off cost of compiling."""
        if degradation not in CORE:
            raise NotImplementedError(SKIP_CORE)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["PYBAMM_CASADI_AOT_CACHE"] = cache
            try:
                cell = cellsim.Cell("OKane2022", model="SPMe", options=DEGRADATION[degradation])
                result = cellsim.age(cell, list(CYCLE), cycles=1, progress=False)
            finally:
                del os.environ["PYBAMM_CASADI_AOT_CACHE"]
        self.capacity = result.capacity.values

    def time_cellsim_extrapolate(self, precompiled: list[str], degradation: str) -> None:
        """``cellsim.age(method="extrapolate")`` with its default tolerance."""
        self._age("extrapolate")

    def time_pybamm_experiment(self, precompiled: list[str], degradation: str) -> None:
        """The same cycles as a PyBaMM Experiment, keeping each step's first and last points."""
        model = pybamm.lithium_ion.SPMe(DEGRADATION[degradation])
        simulation = pybamm.Simulation(
            model,
            parameter_values=pybamm.ParameterValues("OKane2022"),
            experiment=pybamm.Experiment([CYCLE] * self.cycles),
            solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL, store_first_last=True),
        )
        self.capacity = pybamm_capacities(simulation.solve())
