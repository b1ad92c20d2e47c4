"""Electrode balance from a measured open-circuit voltage curve, without simulating.

The model's open-circuit voltage after drawing a charge ``Q`` (A.h) from the state the
table calls 100 % SOC is

    OCV(Q) = U_p(y_100 + Q / Q_p) - U_n(x_100 - Q / Q_n),
    y_100 = (Q_Li - x_100 Q_n) / Q_p,

with ``Q_n``, ``Q_p`` the electrode capacities, ``Q_Li`` the cyclable lithium and
``U_n``, ``U_p`` the parameter set's own OCPs, all as :class:`InitialStates` evaluates
them for trial values of the balance parameters (the same three the default recipe fits:
both active material volume fractions and the negative's initial concentration; the
positive's initial concentration stays the set's, so the negative's sets ``Q_Li``).
``x_100``, where the table's 100 % sits on the negative, is a fourth, nuisance unknown:
a mean (pseudo-)OCV table's top is not the model's upper cut-off (the LG M50 table ends
at 4.175 V, not 4.2 V).

How SOC maps to charge: ``Q = (1 - SOC) * capacity``, with ``capacity`` the charge (A.h)
the table's 0-100 % spans: by default the cell's nominal capacity. Only the ratios
``capacity / Q_n`` and ``capacity / Q_p`` are identifiable from an OCV curve, so the
capacity must come from elsewhere. For the WMG LG M50 table the nominal 5 A.h fits the
rate test that the fitted cell is judged on: its C/10 discharge starts at rest at 4.178 V
(the table's 100 % is 4.175 V) and delivers 4.945 A.h (98.9 % of 5 A.h, leaving 1.1 %,
where the table reads 2.967 V), after which the cell rests up to 2.923 V in two hours,
still rising (the table reads that at 0.6 %): 0-100 % of the table spans that discharge
to within about 0.5 % of the capacity. :func:`load_ocv` can take the table's discharge
branch (mean minus hysteresis), which a cell rests towards after a discharge.

Fitted with :func:`scipy.optimize.least_squares` (bounded, from the set's values and a
few more starts, as the balance has local minima). No model is built or solved: a fit
takes well under a second.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr
from scipy.optimize import least_squares

from calibration._errors import CalibrationError
from calibration._fit_initial import EDGE, InitialStates, Start
from calibration._fit_parameters import numeric_values
from calibration._fit_recipe import (
    NEGATIVE_FRACTION,
    NEGATIVE_INITIAL,
    POSITIVE_FRACTION,
    balance_bounds,
)
from cellsim import Cell, DataFormatError

#: Columns of an OCV table file: SOC in percent and the (mean) OCV in volts.
SOC_COLUMN = "soc_percent"
OCV_COLUMN = "mean_ocv_V"
#: Column of half the gap between the charge and discharge OCV, V (charge above).
HYSTERESIS_COLUMN = "mean_hysteresis_V"
BRANCHES = {"mean": 0.0, "discharge": -1.0, "charge": 1.0}
#: Fewest points an OCV table must have (four unknowns).
MIN_POINTS = 8
#: Starts of the fit: the set's values, then this many more (a fixed Latin hypercube).
STARTS = 6
UNITS = {
    NEGATIVE_FRACTION: "1",
    POSITIVE_FRACTION: "1",
    NEGATIVE_INITIAL: "mol.m-3",
    "negative_stoichiometry_at_100": "1",
    "positive_stoichiometry_at_100": "1",
    "negative_stoichiometry_at_0": "1",
    "positive_stoichiometry_at_0": "1",
    "negative_capacity": "A.h",
    "positive_capacity": "A.h",
    "cyclable_lithium": "A.h",
    "capacity": "A.h",
    "rmse": "V",
    "max_error": "V",
}


def load_ocv(
    path: str | os.PathLike[str],
    *,
    soc: str = SOC_COLUMN,
    voltage: str = OCV_COLUMN,
    branch: str = "mean",
    hysteresis: str = HYSTERESIS_COLUMN,
) -> xr.Dataset:
    """Read an OCV table (CSV: SOC in percent, OCV in volts) into a Dataset over ``soc``.

    Parameters
    ----------
    path : str or path-like
        A CSV file (gzip-compressed or not) with a header row.
    soc, voltage : str, optional
        The columns of SOC (percent, 0-100) and OCV (V); by default those of the WMG LG
        M50 table (``soc_percent``, ``mean_ocv_V``).
    branch : {"mean", "discharge", "charge"}, optional
        ``"mean"`` (default): the voltage column as it is; ``"discharge"`` / ``"charge"``:
        minus / plus the ``hysteresis`` column (half the charge-discharge gap, V), the
        OCV a cell rests towards after a discharge / a charge.
    hysteresis : str, optional
        The hysteresis column (read only for a branch other than the mean).

    Returns
    -------
    xarray.Dataset
        ``voltage`` (V) over ``soc`` (fraction, 0-1, increasing).

    Raises
    ------
    cellsim.DataFormatError
        A column missing (with the ones there are), a value not a finite number, or SOC
        not strictly monotonic; the message names the column and the row (1 = the first
        row under the header).
    """
    if branch not in BRANCHES:
        raise CalibrationError(f"branch must be one of {sorted(BRANCHES)}, got {branch!r}")
    frame = pd.read_csv(path)
    where = os.fspath(path)
    needed = (soc, voltage, *([hysteresis] if branch != "mean" else []))
    for column in needed:
        if column not in frame.columns:
            raise DataFormatError(
                f"{where}: no column {column!r} (it has {', '.join(map(repr, frame.columns))})"
            )
    columns = {}
    for column in needed:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataFormatError(
                f"{where}: column {column!r}, row {bad[0] + 1}: not a finite number "
                f"({frame[column].iloc[bad[0]]!r})"
            )
        columns[column] = values
    ocv = columns[voltage] + BRANCHES[branch] * columns.get(hysteresis, 0.0)
    try:
        table = ocv_dataset(columns[soc] / 100.0, ocv)
    except CalibrationError as err:
        raise DataFormatError(f"{where}: column {soc!r}: {err}") from None
    table.attrs.update(source_file=where, branch=branch)
    return table


def ocv_dataset(soc, voltage) -> xr.Dataset:
    """An OCV table as :func:`fit_balance` takes it: ``voltage`` (V) over ``soc``
    (fraction, sorted increasing) from two sequences; SOC must be strictly monotonic
    (rows, counted from 1, are named where it is not)."""
    soc = np.asarray(soc, dtype=float).ravel()
    voltage = np.asarray(voltage, dtype=float).ravel()
    if soc.shape != voltage.shape:
        raise CalibrationError(f"{soc.size} SOC values but {voltage.size} voltages")
    if soc.size < MIN_POINTS:
        raise CalibrationError(f"{soc.size} points: at least {MIN_POINTS} needed")
    step = np.sign(np.diff(soc))
    direction = step[0] if step.size else 1.0
    bad = np.flatnonzero(step != direction) if direction != 0 else np.array([0])
    if bad.size:
        row = 1 + bad[0]
        raise CalibrationError(
            f"SOC is not strictly monotonic at row {row + 1} ({soc[row - 1]:g} then {soc[row]:g})"
        )
    if soc.min() < -1e-9 or soc.max() > 1.0 + 1e-9:
        raise CalibrationError(
            f"SOC runs {soc.min():g}-{soc.max():g}, outside 0-1 (as a fraction; percent / 100)"
        )
    order = np.argsort(soc)
    ds = xr.Dataset(
        {"voltage": ("soc", voltage[order], {"units": "V"})},
        coords={"soc": ("soc", soc[order], {"units": "1"})},
    )
    return ds


def _checked(ocv) -> xr.Dataset:
    if isinstance(ocv, (str, os.PathLike)):
        return load_ocv(ocv)
    if not isinstance(ocv, xr.Dataset):
        raise CalibrationError(
            "ocv must be an xarray.Dataset (voltage over soc, as calibration.load_ocv "
            f"returns) or a path, got {type(ocv).__name__}"
        )
    missing = [v for v in ("soc", "voltage") if v not in ocv.variables]
    if missing:
        raise CalibrationError(
            f"the OCV table has no {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, sorted(map(str, ocv.variables))))})"
        )
    soc = np.asarray(ocv["soc"].values, dtype=float).ravel()
    voltage = np.asarray(ocv["voltage"].values, dtype=float).ravel()
    for name, values in (("soc", soc), ("voltage", voltage)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise CalibrationError(
                f"the OCV table's {name!r}, row {bad[0] + 1}: not a finite number "
                f"({values[bad[0]]!r})"
            )
    try:
        return ocv_dataset(soc, voltage)
    except CalibrationError as err:
        raise CalibrationError(f"the OCV table's 'soc': {err}") from None


class _Balance:
    """The model's OCV at the table's SOCs for trial balance parameters."""

    def __init__(self, cell: Cell, temperature: float | None) -> None:
        self.names = (NEGATIVE_FRACTION, POSITIVE_FRACTION, NEGATIVE_INITIAL)
        self.states = InitialStates(cell, self.names)
        self.temperature = (
            self.states.default_temperature if temperature is None else float(temperature)
        )
        # the OCPs do not depend on the balance parameters: tabulated once
        self.u_n, self.u_p = self.states._ocps(self.temperature, {})
        self.grid = self.states._grid

    def capacities(self, inputs: Mapping[str, float]) -> tuple[float, float, float]:
        return tuple(self.states._scalar(k, inputs) for k in ("Q_n", "Q_p", "Q_Li"))

    def stoichiometries(self, inputs, x_100: float, charge: np.ndarray):
        q_n, q_p, q_li = self.capacities(inputs)
        x = x_100 - charge / q_n
        y = (q_li - x * q_n) / q_p
        return x, y

    def ocv(self, inputs, x_100: float, charge: np.ndarray) -> np.ndarray:
        x, y = self.stoichiometries(inputs, x_100, charge)
        return self.ocp(y, self.u_p) - self.ocp(x, self.u_n)

    def ocp(self, sto: np.ndarray, table: np.ndarray) -> np.ndarray:
        """The tabulated OCP, continued linearly past the table's ends (so a trial
        stoichiometry outside 0-1 is penalised, not held flat)."""
        grid = self.grid
        inside = np.interp(sto, grid, table)
        low = (table[1] - table[0]) / (grid[1] - grid[0])
        high = (table[-1] - table[-2]) / (grid[-1] - grid[-2])
        return np.where(
            sto < grid[0],
            table[0] + low * (sto - grid[0]),
            np.where(sto > grid[-1], table[-1] + high * (sto - grid[-1]), inside),
        )


def fit_balance(
    cell: Cell,
    ocv,
    *,
    capacity: float | None = None,
    temperature: float | None = None,
) -> tuple[Cell, xr.Dataset]:
    """Balance a lithium-ion cell's electrodes on a measured OCV curve (no simulation).

    Fits both active material volume fractions and the negative electrode's initial
    concentration (the default recipe's balance parameters, within its bounds) so that
    the cell's open-circuit voltage, ``U_p(y) - U_n(x)`` from its own OCPs, matches the
    table at every SOC, by least squares. See the module docstring for the model and how
    SOC maps to charge.

    Parameters
    ----------
    cell : cellsim.Cell
        A lithium-ion cell whose parameter set gives the three balance parameters as
        numbers.
    ocv : xarray.Dataset or path
        ``voltage`` (V) over ``soc`` (fraction 0-1), as :func:`load_ocv` returns, or the
        path of a CSV it reads.
    capacity : float, optional
        The charge (A.h) between the table's 0 % and 100 % SOC; default the table's
        ``attrs["capacity"]`` where it has one (:func:`calibration.pseudo_ocv`'s), else
        the cell's ``"Nominal cell capacity [A.h]"``.
    temperature : float, optional
        K, at which the OCPs are evaluated; default the cell's ambient temperature.

    Returns
    -------
    cell : cellsim.Cell
        ``cell`` with the three balance parameters overridden.
    fitted : xarray.Dataset
        The fitted values (units in ``attrs``), the derived stoichiometries at the table's
        0 and 100 %, the electrode capacities and cyclable lithium (A.h), the capacity used,
        and the OCV ``rmse`` and ``max_error`` (V) over the table; ``voltage_model`` and
        ``voltage`` over ``soc``.

    Raises
    ------
    CalibrationError
        A table without ``soc`` or ``voltage``, with non-finite values, SOC not strictly
        monotonic or outside 0-1 (naming the row), fewer than 8 points, a capacity that
        is not a positive number, or a cell that is not lithium-ion.
    cellsim.DataFormatError
        A table file without its columns (see :func:`load_ocv`).
    """
    if not isinstance(cell, Cell):
        raise CalibrationError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
    if cell.chemistry != "lithium_ion":
        raise CalibrationError(
            f"fit_balance needs a lithium-ion cell; this one is {cell.chemistry}"
        )
    table = _checked(ocv)
    values = numeric_values(cell)
    if capacity is None and isinstance(ocv, xr.Dataset) and "capacity" in ocv.attrs:
        capacity = ocv.attrs["capacity"]  # a table that says what it spans
    if capacity is None:
        capacity = float(values["Nominal cell capacity [A.h]"])
    if isinstance(capacity, bool) or not (
        isinstance(capacity, (int, float)) and np.isfinite(capacity) and capacity > 0
    ):
        raise CalibrationError(f"capacity must be a positive number of A.h, got {capacity!r}")
    bounds = balance_bounds(cell, values)
    balance = _Balance(cell, temperature)
    names = balance.names
    soc = table.soc.values
    measured = table.voltage.values
    charge = (1.0 - soc) * float(capacity)
    lower = np.array([bounds[n][0] for n in names] + [EDGE])
    upper = np.array([bounds[n][1] for n in names] + [1.0 - EDGE])

    def unpack(z: np.ndarray) -> tuple[dict[str, float], float]:
        p = lower + z * (upper - lower)
        return dict(zip(names, map(float, p[:3]), strict=True)), float(p[3])

    def residuals(z: np.ndarray) -> np.ndarray:
        inputs, x_100 = unpack(z)
        return balance.ocv(inputs, x_100, charge) - measured

    own = {n: float(values[n]) for n in names}
    x_top = balance.states.concentrations(Start("soc", 1.0), own, balance.temperature)
    c_n_max = balance.states._scalar("c_n_max", own)
    first = np.array([*(own[n] for n in names), x_top[NEGATIVE_INITIAL] / c_n_max], dtype=float)
    starts = [np.clip((first - lower) / (upper - lower), 0.0, 1.0)]
    rng = np.random.default_rng(0)
    cuts = (np.arange(STARTS) + rng.random((4, STARTS))) / STARTS
    starts += list(np.array([rng.permutation(row) for row in cuts]).T)
    best = None
    for z0 in starts:
        fit = least_squares(residuals, z0, bounds=(0.0, 1.0), x_scale="jac", xtol=1e-12)
        if best is None or fit.cost < best.cost:
            best = fit
    inputs, x_100 = unpack(best.x)
    error = best.fun
    q_n, q_p, q_li = balance.capacities(inputs)
    x, y = balance.stoichiometries(inputs, x_100, np.array([0.0, float(capacity)]))
    derived = {
        "negative_stoichiometry_at_100": x[0],
        "positive_stoichiometry_at_100": y[0],
        "negative_stoichiometry_at_0": x[1],
        "positive_stoichiometry_at_0": y[1],
        "negative_capacity": q_n,
        "positive_capacity": q_p,
        "cyclable_lithium": q_li,
        "capacity": float(capacity),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "max_error": float(np.max(np.abs(error))),
    }
    fitted = xr.Dataset(
        {
            **{
                name: ((), float(value), {"units": UNITS[name]})
                for name, value in {**inputs, **derived}.items()
            },
            "voltage": ("soc", measured, {"units": "V"}),
            "voltage_model": ("soc", measured + error, {"units": "V"}),
        },
        coords={"soc": ("soc", soc, {"units": "1"})},
        attrs={
            "cell": cell.to_json(),
            "temperature": balance.temperature,
            "evaluations": int(best.nfev),
        },
    )
    return cell.replace(overrides=inputs), fitted
