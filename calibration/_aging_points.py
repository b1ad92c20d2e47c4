"""The points an ageing fit uses: each cell's capacity relative to its first measurement,
up to where the fitted law is meant to hold (the knee, the steepest decline, or all)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calibration._aging_data import CapacityTable
from calibration._aging_errors import CalibrationError
from calibration._aging_knee import knee_cycle

UNTIL = ("knee", "steepest", "all")


@dataclass(frozen=True, slots=True)
class FitPoints:
    """Residual points of a fit (each cell's first measurement is its reference).

    Attributes
    ----------
    cell, cycle, fraction : ndarray
        Cell, cycle count and measured capacity / the cell's first capacity, per point.
    first_cycle : ndarray
        Cycle count of the cell's first measurement, per point.
    conditions, first_conditions : dict
        Conditions of each point and of its cell's first measurement.
    cells : list of str
    knee : ndarray
        Bacon-Watts knee cycle of each cell (NaN: none found).
    initial_capacity : ndarray
        Each cell's first measured capacity, A.h.
    initial_cycle : ndarray
        Each cell's first measured cycle count.
    last_cycle : ndarray
        The last cycle count of each cell that the fit uses.
    """

    cell: NDArray[np.str_]
    cycle: NDArray[np.float64]
    fraction: NDArray[np.float64]
    first_cycle: NDArray[np.float64]
    conditions: dict[str, NDArray[np.float64]]
    first_conditions: dict[str, NDArray[np.float64]]
    cells: list[str]
    knee: NDArray[np.float64]
    initial_capacity: NDArray[np.float64]
    initial_cycle: NDArray[np.float64]
    last_cycle: NDArray[np.float64]


def fit_points(table: CapacityTable, until: str | float) -> FitPoints:
    """The points of ``table`` a fit uses.

    Parameters
    ----------
    table : CapacityTable
    until : {"knee", "steepest", "all"} or float
        ``"knee"``: each cell's points up to its Bacon-Watts knee (all points of a cell
        without a knee); ``"steepest"``: up to the end of the steepest measured decline
        of a cell with a knee (past it the end-of-life flattening begins); ``"all"``; or
        a cycle count.
    """
    if isinstance(until, str) and until not in UNTIL:
        raise CalibrationError(
            f"until={until!r} is not allowed: use {', '.join(map(repr, UNTIL))} or a cycle count"
        )
    if not isinstance(until, str) and not (isinstance(until, (int, float)) and until > 0):
        raise CalibrationError(f"until must be one of {UNTIL} or a cycle count > 0, got {until!r}")
    rows: list[NDArray[np.int_]] = []
    knees, initial, first, last = [], [], [], []
    for name in table.cells:
        idx = np.flatnonzero(table.cell == name)
        x, q = table.cycle[idx], table.capacity[idx] / table.capacity[idx[0]]
        knee = knee_cycle(x, q)
        keep = np.ones(idx.size, dtype=bool)
        if until == "knee" and np.isfinite(knee):
            keep = x <= knee
        elif until == "steepest" and np.isfinite(knee):
            keep = np.arange(idx.size) <= int(np.argmin(np.diff(q) / np.diff(x))) + 1
        elif not isinstance(until, str):
            keep = x <= until
        keep[0] = True
        knees.append(knee)
        initial.append(table.capacity[idx[0]])
        first.append(x[0])
        last.append(x[keep][-1])
        rows.append(idx[keep][1:])
    used = np.concatenate(rows) if rows else np.array([], dtype=int)
    first_row = {name: np.flatnonzero(table.cell == name)[0] for name in table.cells}
    ref = np.array([first_row[c] for c in table.cell[used]], dtype=int)
    return FitPoints(
        cell=table.cell[used],
        cycle=table.cycle[used],
        fraction=table.capacity[used] / table.capacity[ref],
        first_cycle=table.cycle[ref],
        conditions={k: v[used] for k, v in table.conditions.items()},
        first_conditions={k: v[ref] for k, v in table.conditions.items()},
        cells=table.cells,
        knee=np.asarray(knees, dtype=float),
        initial_capacity=np.asarray(initial, dtype=float),
        initial_cycle=np.asarray(first, dtype=float),
        last_cycle=np.asarray(last, dtype=float),
    )
