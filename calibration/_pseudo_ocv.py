"""A pseudo-OCV table from a low-rate discharge and the charge that follows it.

A reference performance test such as the LG M50T's (``../shared/data/lgm50t_rpt``: a
C/10 discharge to 2.5 V, a 6 h rest, a C/10 charge to 4.2 V) gives an open-circuit
voltage curve without a titration: at a low current the cell's voltage lies below its
OCV by the same polarisation on discharge as it lies above it on charge, so the mean of
the two branches at equal SOC cancels it (and the ohmic drop), to first order. SOC is
counted in charge from the discharge's start: ``SOC = 1 - Q / Q_d`` along the discharge
and ``SOC = Q / Q_d`` along the charge, ``Q_d`` the charge the discharge delivered (the
capacity the table spans, which :func:`calibration.fit_balance` then uses). The mean
covers the SOCs both branches reach; near either end one branch is transport-limited
(the discharge's final plunge) and the mean is an approximation there.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.integrate import cumulative_trapezoid

from calibration._balance import ocv_dataset
from calibration._errors import CalibrationError

BRANCHES = ("mean", "discharge", "charge")
#: Relative spread of the current (std / mean) within which a step counts as constant.
CONSTANT_CURRENT = 0.02


def pseudo_ocv(data: xr.Dataset, *, branch: str = "mean", points: int = 201) -> xr.Dataset:
    """An OCV table (``voltage`` over ``soc``, as :func:`calibration.load_ocv` returns)
    from a low-rate constant-current discharge in ``data`` and the charge after it.

    Parameters
    ----------
    data : xarray.Dataset
        A measured test as :func:`calibration.load` returns (``time``, ``current`` > 0
        on discharge, ``voltage``, ``step``). The discharge is its constant-current
        step passing the most charge; the charge, the constant-current charging step
        passing the most charge after it.
    branch : {"mean", "discharge", "charge"}, optional
        The mean of the two branches (default), or one of them alone.
    points : int, optional
        SOC points of the table, evenly spaced.

    Returns
    -------
    xarray.Dataset
        ``voltage`` (V) over ``soc`` (fraction); ``attrs``: ``capacity`` (A.h, the
        discharge's charge: the span of SOC 0-1), the branch, the two steps and their
        currents.

    Raises
    ------
    CalibrationError
        ``data`` without the variables needed, no constant-current discharge, or (for
        the mean or the charge branch) no constant-current charge after it.
    """
    if branch not in BRANCHES:
        raise CalibrationError(f"branch must be one of {list(BRANCHES)}, got {branch!r}")
    if isinstance(points, bool) or not isinstance(points, int) or points < 8:
        raise CalibrationError(f"points must be an integer >= 8, got {points!r}")
    if not isinstance(data, xr.Dataset):
        raise CalibrationError(
            f"data must be an xarray.Dataset (calibration.load's), got {type(data).__name__}"
        )
    missing = [v for v in ("time", "current", "voltage", "step") if v not in data.variables]
    if missing:
        raise CalibrationError(f"data has no {', '.join(map(repr, missing))}")
    time = np.asarray(data.time.values, dtype=float)
    current = np.asarray(data.current.values, dtype=float)
    voltage = np.asarray(data.voltage.values, dtype=float)
    steps = _constant_current_steps(np.asarray(data.step.values), current, time)
    discharges = [s for s in steps if s[1] > 0]
    if not discharges:
        raise CalibrationError(
            "no constant-current discharge (a step of steady current > 0) in the data"
        )
    discharge = _longest(discharges)
    q_d = _charge(time, current, discharge[0])
    capacity = float(q_d[-1])
    soc_d, v_d = 1.0 - q_d / capacity, voltage[discharge[0]]
    attrs = {
        "capacity": capacity,
        "capacity_units": "A.h",
        "branch": branch,
        "discharge_step": int(discharge[2]),
        "discharge_current": float(discharge[1]),
        "method": "pseudo-OCV: mean of a low-rate discharge and charge at equal SOC",
    }
    if branch == "discharge":
        return _table(soc_d, v_d, 0.0, 1.0, points, attrs)
    charges = [s for s in steps if s[1] < 0 and s[0][0] > discharge[0][-1]]
    if not charges:
        raise CalibrationError(
            f"no constant-current charge after the discharge (step {discharge[2]}): a "
            "pseudo-OCV's mean needs both; branch='discharge' takes the discharge alone"
        )
    charge = _longest(charges)
    soc_c, v_c = -_charge(time, current, charge[0]) / capacity, voltage[charge[0]]
    attrs.update(charge_step=int(charge[2]), charge_current=float(charge[1]))
    if branch == "charge":
        return _table(soc_c, v_c, 0.0, min(1.0, soc_c[-1]), points, attrs)
    grid = np.linspace(0.0, min(1.0, soc_c[-1]), points)
    mean = 0.5 * (np.interp(grid, soc_d[::-1], v_d[::-1]) + np.interp(grid, soc_c, v_c))
    return _table(grid, mean, grid[0], grid[-1], points, attrs)


def _constant_current_steps(step: np.ndarray, current: np.ndarray, time: np.ndarray):
    """``(indices, mean current, step number, A.h passed)`` of each step whose current is
    steady and non-zero, in order."""
    out = []
    change = np.flatnonzero(np.diff(step) != 0) + 1
    for indices in np.split(np.arange(step.size), change):
        if indices.size < 3 or time[indices[-1]] <= time[indices[0]]:
            continue
        i = current[indices]
        mean = float(np.mean(i))
        if mean != 0.0 and np.std(i) <= CONSTANT_CURRENT * abs(mean):
            passed = abs(mean) * (time[indices[-1]] - time[indices[0]]) / 3600.0
            out.append((indices, mean, int(step[indices[0]]), passed))
    return out


def _longest(steps):
    """The step passing the most charge."""
    return max(steps, key=lambda s: s[3])


def _charge(time: np.ndarray, current: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Charge (A.h) passed from the step's first sample, positive on discharge."""
    return cumulative_trapezoid(current[indices], time[indices], initial=0.0) / 3600.0


def _table(soc, voltage, low, high, points, attrs) -> xr.Dataset:
    order = np.argsort(soc)
    grid = np.linspace(low, high, points)
    table = ocv_dataset(grid, np.interp(grid, np.asarray(soc)[order], np.asarray(voltage)[order]))
    table.attrs.update(attrs)
    return table
