"""fit_aging: fit capacity fade, by a semi-empirical law or by the lifecycle engine."""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

import cellsim
from calibration._aging_data import capacity_table
from calibration._aging_errors import CalibrationError
from calibration._aging_laws import LAWS, make_law
from calibration._aging_lsq import fit_least_squares
from calibration._aging_points import fit_points
from calibration._aging_result import (
    AgingFit,
    LawPredictor,
    cells_dataset,
    parameters_dataset,
    residuals_dataset,
)


def fit_aging(
    cell_or_law: cellsim.Cell | str,
    capacity_data,
    *,
    until: str | float | None = None,
    duty=None,
    parameters: Mapping[str, tuple[float, float]] | None = None,
    initial_soc: float | None = 0.5,
    age_rtol: float = 1e-2,
    max_evaluations: int | None = None,
) -> AgingFit:
    """Fit capacity fade to capacity-vs-cycle data of cells of one kind and protocol.

    Parameters
    ----------
    cell_or_law : cellsim.Cell or {"power", "power_knee"}
        A law name fits that semi-empirical law with SciPy's ``least_squares`` (see
        :mod:`calibration._aging_laws`; a factor per condition that varies in the
        data). A :class:`cellsim.Cell` with degradation options fits its degradation
        rate constants so that :func:`cellsim.age` under ``duty`` matches the fade.
    capacity_data : DataFrame, Dataset or path
        Columns cell, cycle, capacity (A.h) and optionally temperature (K),
        depth_of_discharge, c_rate; or a Dataset with ``capacity`` over ``cycle`` (and
        ``cell``); or a CSV file of such a table. Each cell is taken relative to its first
        measurement.
    until : {"knee", "steepest", "all"} or float, optional
        Which points of each cell to fit: up to its Bacon-Watts knee (the default for
        ``"power"`` and the engine, which model fade before the knee), up to its steepest
        decline (the default for ``"power_knee"``), all, or up to a cycle count.
    duty : cellsim.Protocol or str or list, optional
        Engine only (required there): one cycle of the protocol the cells were cycled
        under.
    parameters : dict, optional
        Engine only: ``{parameter name: (lower, upper)}`` to fit, fitted in log space;
        default from the cell's degradation options (see
        :func:`calibration._aging_engine.default_parameters`).
    initial_soc : float or None
        Engine only: state of charge the simulated cell starts at.
    age_rtol : float
        Engine only: extrapolation tolerance of :func:`cellsim.age`.
    max_evaluations : int, optional
        Most evaluations of the residuals (each one an ageing run for the engine).

    Returns
    -------
    AgingFit
        ``.parameters``, ``.residuals``, ``.cells``, ``.predict(cycles)``, ``.plot(path)``.

    Raises
    ------
    cellsim.DataFormatError
        Data that cannot be read (missing column, non-numbers, cycles going back, ...).
    CalibrationError
        Too few points for the parameters, parameters the data do not identify, an
        unknown law or bad bounds.
    """
    table = capacity_table(capacity_data)
    if isinstance(cell_or_law, cellsim.Cell):
        from calibration._aging_engine import fit_engine

        return fit_engine(
            cell_or_law,
            table,
            until="knee" if until is None else until,
            duty=duty,
            parameters=parameters,
            initial_soc=initial_soc,
            age_rtol=age_rtol,
            max_evaluations=max_evaluations,
        )
    if not isinstance(cell_or_law, str):
        raise CalibrationError(
            f"cell_or_law must be a cellsim.Cell or one of {LAWS}, got {type(cell_or_law).__name__}"
        )
    if duty is not None or parameters is not None:
        raise CalibrationError("duty= and parameters= are for the engine route (a Cell), not a law")
    if until is None:
        until = "steepest" if cell_or_law == "power_knee" else "knee"
    return _fit_law(cell_or_law, table, until, max_evaluations)


def _fit_law(kind: str, table, until, max_evaluations) -> AgingFit:
    started = time.perf_counter()
    points = fit_points(table, until)
    varying = dict(points.conditions)
    knees = points.knee[np.isfinite(points.knee)]
    law = make_law(
        kind,
        varying,
        span=float(table.cycle.max()),
        knee_guess=float(np.median(knees)) if knees.size else float("nan"),
    )
    specs = law.parameters()
    names = [s.name for s in specs]
    if kind == "power_knee" and not knees.size:
        raise CalibrationError(
            "law 'power_knee' needs a knee, and no cell in the data shows one (Bacon-Watts): "
            "fit law 'power' instead"
        )

    def model(p):
        return law.fraction(p, points.cycle, points.conditions) / law.fraction(
            p, points.first_cycle, points.first_conditions
        )

    def residual(p):
        return model(p) - points.fraction

    x0 = np.array([s.initial for s in specs])
    lower = np.array([s.lower for s in specs])
    upper = np.array([s.upper for s in specs])
    outcome = fit_least_squares(
        residual,
        x0,
        lower,
        upper,
        points.cell,
        names,
        x_scale="jac",
        max_nfev=max_evaluations,
    )
    if not outcome.identified.all():
        missing = [n for n, ok in zip(names, outcome.identified, strict=True) if not ok]
        raise CalibrationError(
            f"the data do not identify parameter(s) {', '.join(missing)} of law {kind!r} "
            f"(best values {dict(zip(names, np.round(outcome.x, 6).tolist(), strict=True))}): "
            "give data that vary them (more cycles, a knee, several conditions) or a "
            "simpler law"
        )
    predictor = LawPredictor(law, outcome.x)
    first_fraction = law.fraction(
        outcome.x,
        points.initial_cycle,
        {name: _first_condition(table, points, name) for name, _ in law.reference},
    )
    attrs = {
        "route": "law",
        "law": kind,
        "until": str(until),
        "n_points": int(points.cell.size),
        "n_cells": len(points.cells),
        "rms_residual": float(np.sqrt(np.mean(outcome.residuals**2))),
        "evaluations": outcome.evaluations,
        "wall_time": time.perf_counter() - started,
        "optimiser": "scipy.optimize.least_squares (trf)",
        "message": outcome.message,
        **{f"reference_{name}": value for name, value in law.reference},
    }
    return AgingFit(
        parameters=parameters_dataset(
            names,
            [s.units for s in specs],
            [s.long_name for s in specs],
            outcome.x,
            outcome.standard_error,
            outcome.standard_error_cell_robust,
            x0,
            lower,
            upper,
            outcome.identified,
            attrs,
        ),
        residuals=residuals_dataset(points, model(outcome.x)),
        cells=cells_dataset(points),
        initial_capacity=float(np.mean(points.initial_capacity / first_fraction)),
        predictor=predictor,
    )


def _first_condition(table, points, name: str) -> np.ndarray:
    """The value of condition ``name`` at each cell's first measurement."""
    return np.array(
        [table.conditions[name][np.flatnonzero(table.cell == c)[0]] for c in points.cells]
    )
