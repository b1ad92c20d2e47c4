"""The lifecycle-engine route of fit_aging: degradation rate constants of a Cell fitted so
that :func:`cellsim.age` under the cells' protocol follows the measured fade.

Each evaluation of the residuals is one ageing run (``method="extrapolate"``) of the
Cell with the trial rate constants as overrides: a model build (about a second for an
SPM) and a run of a few dozen simulated cycles. Rate constants span decades, so they are
fitted as ``log10`` values scaled to [0, 1] between their bounds; the Jacobian is by
finite differences of the whole run. Measured: two rate constants of an OKane2022 SPM to
16 Sanyo cells up to their knees (about 1100 cycles per run) took 30-32 runs, 5-7.5 min
on a shared 2-core machine; one rate constant to 120 cycles, 5 runs, about 40 s.

A run that fails, or a cell that can no longer follow the duty, counts as capacity zero
from there on: a high cost, not a crash.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

import cellsim
from calibration._aging_data import CapacityTable
from calibration._aging_errors import CalibrationError
from calibration._aging_lsq import fit_least_squares
from calibration._aging_points import FitPoints, fit_points
from calibration._aging_result import (
    AgingFit,
    cells_dataset,
    parameters_dataset,
    residuals_dataset,
)

#: Rate constant and bounds fitted by default for each degradation option value.
SEI_RATES = {
    "solvent-diffusion limited": ("SEI solvent diffusivity [m2.s-1]", (1e-22, 1e-17)),
    "reaction limited": ("SEI kinetic rate constant [m.s-1]", (1e-18, 1e-12)),
    "interstitial-diffusion limited": (
        "SEI lithium interstitial diffusivity [m2.s-1]",
        (1e-22, 1e-16),
    ),
    "electron-migration limited": ("SEI electron conductivity [S.m-1]", (1e-16, 1e-10)),
}
LAM_BOUNDS = (1e-9, 1e-3)
#: Finite-difference step of the Jacobian in the scaled [0, 1] space (5 decades: 0.05
#: decade, 12 %): large enough to rise above the extrapolation's error.
DIFF_STEP = 0.01
#: Stop when a step changes the scaled parameters by less than this (5 decades: 0.05
#: decade) or the cost by less than FTOL relatively.
XTOL = 1e-2
FTOL = 1e-3


def default_parameters(cell: cellsim.Cell) -> dict[str, tuple[float, float]]:
    """The rate constants fitted when none are named: one per degradation option.

    SEI growth (by its limiting mechanism) and stress-driven loss of active material
    (the proportional term of each electrode that has it).
    """
    options = dict(cell.options)
    out = {}
    sei = options.get("SEI", "none")
    if sei in SEI_RATES:
        name, bounds = SEI_RATES[sei]
        out[name] = bounds
    lam = options.get("loss of active material", "none")
    lam = lam if isinstance(lam, tuple) else (lam, lam)
    for electrode, value in zip(("Negative", "Positive"), lam, strict=True):
        if "stress" in str(value):
            out[f"{electrode} electrode LAM constant proportional term [s-1]"] = LAM_BOUNDS
    if not out:
        raise CalibrationError(
            f"no default rate constants for a cell with options {options}: give "
            "parameters={name: (lower, upper)}, or a cell with an 'SEI' option "
            f"({', '.join(SEI_RATES)}) or stress-driven 'loss of active material'"
        )
    return out


@dataclass(eq=False)
class EnginePredictor:
    """A Cell with fitted rate constants, aged under the duty on demand."""

    cell: cellsim.Cell
    duty: cellsim.Protocol
    initial_soc: float | None
    age_rtol: float
    soh: NDArray[np.float64] = field(default_factory=lambda: np.ones(1))
    conditions: tuple[str, ...] = ()

    def fraction(self, cycles: NDArray[np.float64], conditions: dict) -> NDArray[np.float64]:
        """SOH (capacity / cycle-1 capacity) at ``cycles``; cycle 0 counts as cycle 1."""
        cycles = np.asarray(cycles, dtype=float)
        needed = max(1, math.ceil(float(cycles.max(initial=1.0))))
        if needed > self.soh.size:
            self.soh = run_soh(self.cell, self.duty, needed, self.initial_soc, self.age_rtol)
        n = np.arange(1, self.soh.size + 1, dtype=float)
        return np.interp(np.maximum(cycles, 1.0), n, self.soh)


def run_soh(cell, duty, cycles: int, initial_soc, age_rtol) -> NDArray[np.float64]:
    """SOH over cycles 1..``cycles`` of ``cell`` aged under ``duty``; NaN from where the
    run fails or stops (the cell can no longer follow the duty)."""
    soh = np.full(cycles, np.nan)
    try:
        ds = cellsim.age(
            cell,
            duty,
            cycles=cycles,
            method="extrapolate",
            initial_soc=initial_soc,
            rtol=age_rtol,
            progress=False,
        )
    except cellsim.CellsimError:
        return soh
    values = ds["soh"].values
    good = np.isfinite(values)
    n = int(np.argmin(good)) if not good.all() else values.size
    soh[:n] = values[:n]
    return soh


def fit_engine(
    cell: cellsim.Cell,
    table: CapacityTable,
    *,
    until,
    duty,
    parameters: Mapping[str, tuple[float, float]] | None,
    initial_soc: float | None,
    age_rtol: float,
    max_evaluations: int | None,
) -> AgingFit:
    """Fit rate constants of ``cell`` to ``table`` (see :func:`calibration.fit_aging`)."""
    started = time.perf_counter()
    if duty is None:
        raise CalibrationError(
            "the engine route needs duty=: one cycle of the protocol the cells were cycled "
            "under (a cellsim.Protocol, step strings or a list of them)"
        )
    duty = cellsim.Protocol.coerce(duty)
    for name, values in table.conditions.items():
        if np.unique(values).size > 1:
            raise CalibrationError(
                f"the data hold several values of {name}: the engine route fits one protocol "
                "at a time (fit each condition's cells separately, or use a law)"
            )
    bounds = dict(parameters) if parameters is not None else default_parameters(cell)
    names = list(bounds)
    low, high = _log_bounds(bounds)
    points = fit_points(table, until)
    cycles = max(2, math.ceil(float(points.cycle.max(initial=1.0))))
    runs = {"count": 0, "seconds": 0.0}

    def trial_cell(u: NDArray[np.float64]) -> cellsim.Cell:
        values = 10.0 ** (low + u * (high - low))
        return cell.replace(overrides=dict(zip(names, values.tolist(), strict=True)))

    def soh_of(u: NDArray[np.float64]) -> NDArray[np.float64]:
        t0 = time.perf_counter()
        soh = run_soh(trial_cell(u), duty, cycles, initial_soc, age_rtol)
        runs["count"] += 1
        runs["seconds"] += time.perf_counter() - t0
        return soh

    def model(soh: NDArray[np.float64]) -> NDArray[np.float64]:
        soh = np.nan_to_num(soh, nan=0.0)  # a failed run: capacity zero, a high cost
        n = np.arange(1, soh.size + 1, dtype=float)
        at = np.interp(np.maximum(points.cycle, 1.0), n, soh)
        first = np.interp(np.maximum(points.first_cycle, 1.0), n, soh)
        return np.where(first > 0, at / np.where(first > 0, first, 1.0), 0.0)

    def residual(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return model(soh_of(u)) - points.fraction

    u0 = np.full(len(names), 0.5)
    outcome = fit_least_squares(
        residual,
        u0,
        np.zeros(len(names)),
        np.ones(len(names)),
        points.cell,
        names,
        diff_step=DIFF_STEP,
        xtol=XTOL,
        ftol=FTOL,
        max_nfev=max_evaluations,
    )
    best_cell = trial_cell(outcome.x)
    best_soh = soh_of(outcome.x)
    return _result(
        cell, best_cell, duty, names, low, high, outcome, points, best_soh, model,
        initial_soc, age_rtol, until, runs, time.perf_counter() - started,
    )  # fmt: skip


def _log_bounds(bounds: Mapping[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    low, high = [], []
    for name, pair in bounds.items():
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise CalibrationError(
                f"bounds of {name!r} must be (lower, upper), got {pair!r}"
            ) from None
        if not (0 < lo < hi and math.isfinite(hi)):
            raise CalibrationError(
                f"bounds of {name!r} must satisfy 0 < lower < upper (rate constants are "
                f"fitted in log space), got ({lo!r}, {hi!r})"
            )
        low.append(math.log10(lo))
        high.append(math.log10(hi))
    return np.array(low), np.array(high)


def _result(
    cell, best_cell, duty, names, low, high, outcome, points: FitPoints, best_soh, model,
    initial_soc, age_rtol, until, runs, wall_time,
) -> AgingFit:  # fmt: skip
    values = 10.0 ** (low + outcome.x * (high - low))
    scale = values * math.log(10.0) * (high - low)  # d value / d u
    units = [_units(n) for n in names]
    fitted = model(best_soh)
    attrs = {
        "route": "engine",
        "cell": best_cell.to_json(),
        "duty": duty.to_json(),
        "until": str(until),
        "n_points": int(points.cell.size),
        "n_cells": len(points.cells),
        "rms_residual": float(np.sqrt(np.mean((fitted - points.fraction) ** 2))),
        "evaluations": int(runs["count"]),
        "ageing_runs_seconds": float(runs["seconds"]),
        "wall_time": float(wall_time),
        "cycles_per_run": int(best_soh.size),
        "age_rtol": float(age_rtol),
        "optimiser": "scipy.optimize.least_squares (trf) in log10 space, finite differences",
        "message": outcome.message,
        "standard_error_note": "delta method from the log-space Jacobian",
    }
    predictor = EnginePredictor(best_cell, duty, initial_soc, age_rtol, best_soh)
    first = predictor.fraction(points.initial_cycle, {})
    return AgingFit(
        parameters=parameters_dataset(
            names,
            units,
            [f"fitted {n}" for n in names],
            values,
            outcome.standard_error * scale,
            outcome.standard_error_cell_robust * scale,
            10.0 ** (low + 0.5 * (high - low)),
            10.0**low,
            10.0**high,
            outcome.identified,
            attrs,
        ),
        residuals=residuals_dataset(points, fitted),
        cells=cells_dataset(points),
        initial_capacity=float(np.mean(points.initial_capacity / first)),
        predictor=predictor,
    )


def _units(name: str) -> str:
    """UDUNITS of a PyBaMM parameter from the bracket in its name (``[m2.s-1]``)."""
    if name.endswith("]") and "[" in name:
        return name[name.rindex("[") + 1 : -1]
    return "1"
