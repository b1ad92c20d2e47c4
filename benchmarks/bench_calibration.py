"""Fitting: ``calibration.fit`` against PyBOP on the same problem.

The problem: the LG M50 1C discharge at 25 °C (``lgm50_wmg/ratetest_25degC.csv.gz``,
Widanage, via the PyBOP repository), PyBaMM's SPMe with the ``Chen2020`` set and a
contact resistance, three parameters fitted within the same bounds from the same initial
values: the particle diffusivities of both electrodes (log-scaled on both sides) and the
contact resistance. Both sides start from the measured rest voltage (the same initial
concentrations, which the fitted parameters do not move) and integrate with PyBaMM's
IDAKLU solver at rtol = atol = 1e-6, except cellsim's default, its CasADi core (same
tolerances). cellsim: trust-region least squares on the voltage residuals, every sample
weighing alike as in PyBOP's sum of squares, on its default backend (gradients from the
CasADi core's forward sensitivities) with the compiled model in the disk caches
(``setup_cache`` runs a one-evaluation fit in another process first, as any earlier fit
of this cell and parameters on the machine would), on the IDAKLU backend (finite
differences on a model built once), and on the default backend from empty caches (build
and compile timed). PyBOP 26.3: its ``Simulator`` over the data, ``SumSquaredError``,
``SciPyMinimize`` (L-BFGS-B with IDAKLU's forward sensitivities), PyBOP's recommended
set-up for a gradient fit. Every call runs in a fresh process;
PyBOP's includes its model build, cellsim's the build's loading from the disk cache (or
the build itself, for IDAKLU and from empty caches). The check compares the two fits'
voltage RMSE, both evaluated by the same replay of the data (cellsim's), so a lower
number is a better fit by one yardstick. ``--quick``: every fourth sample of the data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

import calibration
import cellsim
from calibration._fit_parameters import checked_parameters
from calibration._fit_problem import Problem
from calibration._replay import measured

QUICK = os.environ.get("CELLSIM_BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CELLSIM_DATA_DIR", ROOT.parent / "shared" / "data"))
RATE_TEST = DATA / "lgm50_wmg" / "ratetest_25degC.csv.gz"
RTOL = ATOL = 1e-6
OPTIONS = {"contact resistance": "true"}
#: name: (lower, upper, initial)
PARAMETERS = {
    "Negative particle diffusivity [m2.s-1]": (3.3e-14 / 30, 3.3e-14 * 30, 3.3e-14),
    "Positive particle diffusivity [m2.s-1]": (4e-15 / 30, 4e-15 * 30, 4e-15),
    "Contact resistance [Ohm]": (0.0, 0.05, 0.0025),
}

#: A one-evaluation fit of the benchmark's problem (``TimeFit._fit``): its model compiled
#: into the caches.
PRECOMPILE = (
    "import benchmarks.bench_calibration as b\n"
    "fit = b.TimeFit()\n"
    "fit.setup(None, 'SPMe')\n"
    "fit._fit('SPMe', max_evaluations=1)\n"
)

RATIOS = [
    ("fit cellsim / PyBOP", "TimeFit.time_cellsim", "TimeFit.time_pybop"),
    ("fit cellsim (IDAKLU backend) / PyBOP", "TimeFit.time_cellsim_idaklu", "TimeFit.time_pybop"),
    (
        "fit cellsim, empty caches (compile included) / PyBOP",
        "TimeFit.time_cellsim_cold",
        "TimeFit.time_pybop",
    ),
]


def rmse_difference_mV(cellsim_values: dict[str, Any], pybop_values: dict[str, Any]) -> float:
    """cellsim's RMSE minus PyBOP's, mV, both by cellsim's replay (< 0: cellsim fits better)."""
    return 1e3 * (cellsim_values["rmse_V"] - pybop_values["rmse_V"])


CHECKS = [
    ("RMSE cellsim - PyBOP, mV", "TimeFit.time_cellsim", "TimeFit.time_pybop", rmse_difference_mV)
]


def load_data():
    data = calibration.load(RATE_TEST, select={"c_rate": 1.0})
    data = data.where(data.step.isin([1, 2]), drop=True)  # the rest, then the discharge
    if QUICK:
        data = data.isel(time=slice(None, None, 4))
    return data


def replay_rmse(data, values: dict[str, float]) -> float:
    """Voltage RMSE of ``values`` by cellsim's replay of ``data``, V."""
    cell = cellsim.Cell("Chen2020", model="SPMe", options=OPTIONS)
    bounds = {k: v[:2] for k, v in PARAMETERS.items()}
    checked = measured(data, "1C", need_voltage=True)
    problem = Problem(cell, [checked], checked_parameters(cell, bounds, values))
    residual = problem.raw_residuals(values)[0]
    return float(np.sqrt(np.mean(residual**2)))


class TimeFit:
    """One fit from nothing (model build included), each call in a fresh process."""

    params: ClassVar[list[str]] = ["SPMe"]
    param_names: ClassVar[list[str]] = ["model"]
    repeat = 3
    warmup = False
    isolate = True
    timeout = 1800

    def setup_cache(self) -> None:
        """The compiled model in the disk caches: a one-evaluation fit in another process."""
        subprocess.run([sys.executable, "-c", PRECOMPILE], check=True, cwd=ROOT)

    def setup(self, cached: None, model: str) -> None:
        self.data = load_data()
        self.best: dict[str, float] = {}
        self.evaluations = 0

    def values(self) -> dict[str, Any]:
        """The best values, the evaluations and the RMSE (cellsim's replay) of the last call."""
        return {
            "best": [self.best[k] for k in PARAMETERS],
            "evaluations": self.evaluations,
            "rmse_V": replay_rmse(self.data, self.best),
        }

    def _fit(self, model: str, **options) -> None:
        result = calibration.fit(
            cellsim.Cell("Chen2020", model=model, options=OPTIONS),
            self.data,
            {k: v[:2] for k, v in PARAMETERS.items()},
            initial={k: v[2] for k, v in PARAMETERS.items()},
            weighting="samples",  # every sample alike, as PyBOP's sum of squares
            rtol=RTOL,
            atol=ATOL,
            **options,
        )
        self.best = {k: float(result.parameters.best.sel(parameter=k)) for k in PARAMETERS}
        self.evaluations = int(result.parameters.attrs["evaluations"])

    def time_cellsim(self, cached: None, model: str) -> None:
        """``calibration.fit`` with least squares (forward sensitivities, model built once),
        its default backend (the CasADi core, compiled model in the disk caches)."""
        self._fit(model)

    def time_cellsim_idaklu(self, cached: None, model: str) -> None:
        """The same on the IDAKLU backend (PyBaMM's build in the call, nothing compiled)."""
        self._fit(model, solver="idaklu")

    def time_cellsim_cold(self, cached: None, model: str) -> None:
        """The default backend from empty disk caches: build and compile in the call."""
        with tempfile.TemporaryDirectory() as cache:
            os.environ["PYBAMM_CASADI_AOT_CACHE"] = cache
            os.environ["CELLSIM_CACHE_DIR"] = cache
            try:
                self._fit(model)
            finally:
                del os.environ["PYBAMM_CASADI_AOT_CACHE"]
                del os.environ["CELLSIM_CACHE_DIR"]

    def time_pybop(self, cached: None, model: str) -> None:
        """PyBOP: Simulator over the data, SumSquaredError, SciPyMinimize (L-BFGS-B, exact
        gradients from IDAKLU sensitivities)."""
        import pybamm

        try:
            import pybop
        except ImportError:
            raise NotImplementedError(
                'PyBOP is not installed: .venv/bin/pip install ".[bench]" adds it'
            ) from None

        checked = measured(self.data, "1C", need_voltage=True)
        values = pybamm.ParameterValues("Chen2020")
        # the initial state PyBOP would set from the rest voltage, set once (PyBOP offers
        # sensitivities only without an initial_state; the fitted parameters leave it be)
        values.set_initial_state(f"{checked.start.value} V", inplace=True)
        for name, (lower, upper, initial) in PARAMETERS.items():
            values[name] = pybop.Parameter(
                bounds=[lower, upper],
                initial_value=initial,
                transformation=pybop.LogTransformation() if lower > 0 else None,
            )
        dataset = pybop.Dataset(
            {
                "Time [s]": checked.time,
                "Current [A]": checked.current,
                "Voltage [V]": checked.voltage,
            }
        )
        simulator = pybop.pybamm.Simulator(
            getattr(pybamm.lithium_ion, model)(OPTIONS),
            parameter_values=values,
            protocol=dataset,
            solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
        )
        problem = pybop.Problem(simulator, pybop.SumSquaredError(dataset))
        optimiser = pybop.SciPyMinimize(
            problem, pybop.SciPyMinimizeOptions(method="L-BFGS-B", jac=True, maxiter=1000)
        )
        result = optimiser.run()
        names = list(problem.parameters.keys())
        self.best = {name: float(x) for name, x in zip(names, result.x, strict=True)}
        self.evaluations = int(np.sum(result.n_evaluations))
