"""``calibration.replay``: a data set's measured current through any Cell.

The measured current becomes one :class:`cellsim.CurrentProfile` on the data's clock, at
the data's ambient temperature, so the model's voltage can be set beside the measured
one sample by sample. Runs of nearly equal current are merged into one held value (their
time-weighted mean, so the charge passed is exact): a constant-current discharge logged
every second is one solver leg, not thousands.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from calibration._errors import CalibrationError
from calibration._fit_initial import (
    LOWER_CUTOFF,
    UPPER_CUTOFF,
    InitialStates,
    Start,
)
from cellsim import Cell, CurrentProfile, Protocol, simulate
from cellsim.solvers._casadi import compile_by_default

#: A data set starts at rest when its first current is below this share of its largest.
REST_SHARE = 1e-3
#: ... or below this many amperes.
REST_CURRENT = 1e-3
#: Default share of the largest current within which samples are merged into one hold.
MERGE_SHARE = 5e-3
#: The voltage window is widened by this much during a replay, V, so the model is not
#: stopped at the cell's cut-off where the measurement (a slightly different cell) went on.
VOLTAGE_MARGIN = 0.5
#: A sample where the current moves by more than this share of its largest is a step
#: change (see :attr:`Measured.weights`).
JUMP_SHARE = 0.05
#: Samples closer than this are one instant (a step change logged twice), s.
SAME_INSTANT = 1e-6
#: Fewest samples a data set must have.
MIN_SAMPLES = 3
#: Model outputs over a data set (see :func:`output_period`).
OUTPUTS = 1000
#: Relative step of the forward differences of the initial concentrations.
SLOPE_STEP = 1e-6


@dataclass(frozen=True, eq=False)
class Measured:
    """One data set, checked: its clock from 0 (s), current (A, > 0 discharge), voltage
    (V, or ``None``), ambient temperature (K, or ``None``: the cell's) and start."""

    name: str
    time: np.ndarray
    current: np.ndarray
    voltage: np.ndarray | None
    ambient: float | None
    start: Start | None
    time_offset: float
    attrs: dict = field(default_factory=dict)

    @property
    def weights(self) -> np.ndarray:
        """Each sample's share of the data's duration (half the intervals either side),
        summing to 1: an average over them is a time average, whatever the logging rate
        (cyclers log densely where the voltage moves fast, e.g. at the knee).

        The two samples either side of a current jump (by more than ``JUMP_SHARE`` of the
        largest current) weigh nothing: their voltage may be on either side of the
        discontinuity, as the cycler happened to log it (the WMG pulse file logs a rest's
        first sample at the load's voltage, and a pulse's first at the rest's current).
        """
        dt = np.diff(self.time)
        share = np.concatenate([[0.0], dt]) + np.concatenate([dt, [0.0]])
        jump = np.abs(np.diff(self.current)) > JUMP_SHARE * np.max(np.abs(self.current))
        share[1:][jump] = 0.0
        share[:-1][jump] = 0.0
        return share / share.sum()

    def protocol(self, tolerance: float | None = None) -> Protocol:
        """The measured current as one held profile at the ambient temperature."""
        knots, values = held_current(self.time, self.current, tolerance)
        return Protocol([CurrentProfile(time=knots, values=values)], temperature=self.ambient)


def measured(
    data: xr.Dataset,
    name: str,
    *,
    initial_soc: float | None = None,
    need_voltage: bool = False,
) -> Measured:
    """Check ``data`` (a Dataset over ``time`` as :func:`calibration.load` gives) and
    extract what a replay needs.

    Raises
    ------
    CalibrationError
        A variable missing or not finite, time going back, too few samples, or a start
        under load without ``initial_soc``; the message names the data set and variable.
    """
    if not isinstance(data, xr.Dataset):
        raise CalibrationError(
            f"data set {name!r} must be an xarray.Dataset over 'time' (as calibration.load "
            f"returns), got {type(data).__name__}"
        )
    needed = ["current", *(["voltage"] if need_voltage else [])]
    missing = [v for v in ("time", *needed) if v not in data.variables]
    if missing:
        raise CalibrationError(
            f"data set {name!r} has no {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, sorted(map(str, data.variables))))})"
        )
    time = np.asarray(data["time"].values, dtype=float).ravel()
    series = {v: np.asarray(data[v].values, dtype=float).ravel() for v in needed}
    if "voltage" in data.variables and "voltage" not in series:
        series["voltage"] = np.asarray(data["voltage"].values, dtype=float).ravel()
    for var, values in {"time": time, **series}.items():
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise CalibrationError(
                f"data set {name!r}, variable {var!r}, sample {bad[0]}: not a finite number "
                f"({values[bad[0]]!r})"
            )
    back = np.flatnonzero(np.diff(time) < 0)
    if back.size:
        raise CalibrationError(
            f"data set {name!r}, variable 'time', sample {back[0] + 1}: time goes back "
            f"({time[back[0]]:g} s then {time[back[0] + 1]:g} s)"
        )
    first_current = float(series["current"][0])
    first_voltage = float(series["voltage"][0]) if "voltage" in series else None
    # two samples at one instant (a cycler logs both sides of a step change): keep the last
    last = np.append(np.diff(time) > SAME_INSTANT, True)
    time = time[last]
    series = {k: v[last] for k, v in series.items()}
    if time.size < MIN_SAMPLES or time[-1] <= time[0]:
        raise CalibrationError(
            f"data set {name!r} has {time.size} distinct sample time(s) over "
            f"{time[-1] - time[0]:g} s: too short to replay (at least {MIN_SAMPLES} needed)"
        )
    current = series["current"]
    ambient = None
    for var in ("ambient_temperature", "temperature"):
        if var in data.variables:
            first = float(np.asarray(data[var].values, dtype=float).ravel()[0])
            if math.isfinite(first) and first > 0:
                ambient = first
                break
    if initial_soc is not None:
        if isinstance(initial_soc, bool) or not (
            isinstance(initial_soc, (int, float)) and 0.0 <= initial_soc <= 1.0
        ):
            raise CalibrationError(
                f"initial_soc for data set {name!r} must be in [0, 1], got {initial_soc!r}"
            )
        start: Start | None = Start("soc", float(initial_soc))
    elif abs(first_current) <= max(REST_CURRENT, REST_SHARE * np.max(np.abs(current))):
        if first_voltage is None:
            raise CalibrationError(
                f"data set {name!r} has no 'voltage' to set its initial state from: pass "
                "initial_soc"
            )
        start = Start("voltage", first_voltage)
    else:
        raise CalibrationError(
            f"data set {name!r} starts under load (current {first_current:.4g} A at time "
            f"{time[0]:g} s), so its rest voltage cannot set the initial state: pass "
            "initial_soc"
        )
    return Measured(
        name=name,
        time=time - time[0],
        current=current,
        voltage=series.get("voltage"),
        ambient=ambient,
        start=start,
        time_offset=float(time[0]),
        attrs={k: v for k, v in data.attrs.items() if k in ("source_file", "selection")},
    )


def held_current(
    time: np.ndarray, current: np.ndarray, tolerance: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Merge runs of nearly equal current into held values.

    Each sample's current is held until the next sample (zero-order hold, as the cycler
    logged it). A run continues while its samples stay within ``tolerance`` (A; default
    ``MERGE_SHARE`` of the largest current) of the run's first; its value is the run's
    time-weighted mean, so the charge passed is unchanged.

    Returns
    -------
    knots, values : ndarray
        Start times of the held values (from 0, s; then the end) and the values (A).
    """
    if tolerance is None:
        tolerance = MERGE_SHARE * max(float(np.max(np.abs(current))), REST_CURRENT)
    starts = [0]
    for k in range(1, time.size - 1):
        if abs(current[k] - current[starts[-1]]) > tolerance:
            starts.append(k)
    bounds = [*starts, time.size - 1]
    knots, values = [], []
    for a, b in itertools.pairwise(bounds):
        dt = np.diff(time[a : b + 1])
        knots.append(time[a])
        values.append(float(np.dot(current[a:b], dt) / dt.sum()))
    knots.append(time[-1])
    values.append(values[-1])  # the profile's last value is never held (its duration ends)
    return np.asarray(knots) - knots[0], np.asarray(values)


def voltage_at(result: xr.Dataset, time: np.ndarray) -> np.ndarray:
    """The voltage of a replay ``result`` at ``time`` (s), linearly interpolated; NaN past
    its end. At a step change (two outputs at one instant) the later one counts, as for
    the data."""
    return _at(result, result.voltage.values[:, None], time, np.nan)[:, 0]


def sensitivity_at(result: xr.Dataset, time: np.ndarray) -> np.ndarray:
    """The voltage's sensitivities of a replay at ``time`` (samples, inputs), interpolated
    as :func:`voltage_at` interpolates the voltage; 0 past its end."""
    return _at(result, result.voltage_sensitivity.transpose("time", "input").values, time, 0.0)


def _at(result: xr.Dataset, values: np.ndarray, time: np.ndarray, past: float) -> np.ndarray:
    """Columns of ``values`` (one row per output of ``result``) at ``time``, linearly
    interpolated, the later of two outputs at one instant counting; ``past`` after the
    run's end."""
    t = result.time.values
    last = np.append(np.diff(t) > SAME_INSTANT, True)
    out = np.full((np.size(time), values.shape[1]), past)
    reached = np.ravel(time) <= t[-1] + SAME_INSTANT  # a run's clock sums its legs
    for j in range(values.shape[1]):
        out[reached, j] = np.interp(np.ravel(time)[reached], t[last], values[last, j])
    return out


def output_period(time: np.ndarray) -> float:
    """Output spacing of a replay, s: ``OUTPUTS`` over the data's duration.

    The solver's own steps are too sparse to interpolate (hours long on a slow
    discharge); finer outputs cost IDAKLU time in proportion (on the LG M50 1C test, 0.23
    s a run at 1 s spacing, 0.12 s at 1.7 s) and move the RMSE by under 1e-5 V.
    """
    return float(time[-1] - time[0]) / OUTPUTS


class Replayer:
    """Replays data sets through ``cell`` with ``input_names`` varying without a rebuild.

    For a lithium-ion cell the initial state of each data set is set from its rest
    voltage or SOC under the trial inputs (:class:`InitialStates`), and the voltage
    window is widened by ``VOLTAGE_MARGIN``; other chemistries start at ``initial_soc``.
    """

    def __init__(
        self,
        cell: Cell,
        input_names=(),
        *,
        solver: str = "idaklu",
        rtol: float = 1e-6,
        atol: float = 1e-6,
        current_tolerance: float | None = None,
    ) -> None:
        if not isinstance(cell, Cell):
            raise CalibrationError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
        self.cell = cell
        self.input_names = frozenset(input_names)
        self.options = {"solver": solver, "rtol": rtol, "atol": atol}
        if solver == "casadi":  # a fit replays hundreds of times: compiled (simulate's
            # own default is the interpreter), unless CELLSIM_COMPILE says otherwise
            self.options["solver_options"] = {"compile": compile_by_default()}
        self.current_tolerance = current_tolerance
        self.states: InitialStates | None = None
        self.run_cell = cell
        if cell.chemistry == "lithium_ion":
            self.states = InitialStates(cell, self.input_names)
            lower, upper = self.states.voltage_window()
            self.run_cell = cell.replace(
                overrides={
                    LOWER_CUTOFF: lower - VOLTAGE_MARGIN,
                    UPPER_CUTOFF: upper + VOLTAGE_MARGIN,
                }
            )
        self._protocols: dict[int, Protocol] = {}

    def protocol(self, data: Measured) -> Protocol:
        key = id(data)
        if key not in self._protocols:
            self._protocols[key] = data.protocol(self.current_tolerance)
        return self._protocols[key]

    def run(
        self,
        data: Measured,
        inputs: Mapping[str, float] | None = None,
        sensitivities: tuple[str, ...] = (),
    ) -> xr.Dataset:
        """The simulate result of ``data``'s current under ``inputs`` (time from 0, s);
        with ``sensitivities`` (names of ``inputs``), each output's forward sensitivity to
        them, the initial state's dependence on them included (lithium-ion, CasADi core:
        see :func:`_through_initial_state`)."""
        inputs = {k: float(v) for k, v in (inputs or {}).items()}
        initial_soc = None
        slopes = None
        if self.states is not None:
            temperature = data.ambient or self.states.default_temperature
            start = self.states.concentrations(data.start, inputs, temperature)
            if sensitivities:
                slopes = self._concentration_slopes(data, inputs, sensitivities, start)
            inputs.update(start)
        elif data.start.kind == "soc":
            initial_soc = data.start.value
        else:
            raise CalibrationError(
                f"data set {data.name!r}: a {self.cell.chemistry} cell cannot start from a "
                "rest voltage here; pass initial_soc"
            )
        result = simulate(
            self.run_cell,
            self.protocol(data),
            initial_soc=initial_soc,
            inputs=inputs,
            period=output_period(data.time),
            sensitivities=None if slopes is None else tuple(slopes.index),
            **self.options,
        )
        return result if slopes is None else _through_initial_state(result, slopes)

    def _concentration_slopes(self, data: Measured, inputs: dict, names, start: dict):
        """``d u / d theta``: how the model's inputs ``u`` (the fitted ``names`` but the
        initial concentrations, and those) move with ``names`` (:class:`_Slopes`). The
        concentrations' slopes are forward differences of
        :meth:`InitialStates.concentrations` (no simulation; its root is solved to 1e-12)."""
        temperature = data.ambient or self.states.default_temperature
        own = [n for n in names if n not in start]
        rows = [*own, *start]
        slopes = np.zeros((len(rows), len(names)))
        for j, name in enumerate(names):
            if name in own:
                slopes[own.index(name), j] = 1.0
            step = SLOPE_STEP * max(abs(inputs[name]), 1e-300)
            moved = self.states.concentrations(
                data.start, {**inputs, name: inputs[name] + step}, temperature
            )
            for k, key in enumerate(start):
                slopes[len(own) + k, j] = (moved[key] - start[key]) / step
        # a concentration no parameter moves needs no sensitivity (one direction fewer)
        kept = [i for i, row in enumerate(slopes) if i < len(own) or np.any(row != 0.0)]
        return _Slopes(tuple(rows[i] for i in kept), tuple(names), slopes[kept])


@dataclass(frozen=True)
class _Slopes:
    """``values[i, j] = d u_i / d theta_j``: model inputs ``index`` by parameters ``columns``."""

    index: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def _through_initial_state(result: xr.Dataset, slopes: _Slopes) -> xr.Dataset:
    """``result``'s sensitivities to the model's inputs ``u`` turned into sensitivities
    to the parameters ``theta`` by the chain rule, ``dy/d theta = dy/du du/d theta``
    (the initial concentrations, set from a rest voltage, move with the balance)."""
    out = result.drop_dims("input").assign_coords(input=("input", list(slopes.columns)))
    for name, variable in result.data_vars.items():
        if "input" in variable.dims:
            total = variable.transpose("time", "input").values @ slopes.values
            out[name] = (("time", "input"), total, variable.attrs)
    return out


def replay(
    cell: Cell,
    data: xr.Dataset,
    *,
    initial_soc: float | None = None,
    inputs: Mapping[str, float] | None = None,
    solver: str = "idaklu",
    rtol: float = 1e-6,
    atol: float = 1e-6,
    current_tolerance: float | None = None,
) -> xr.Dataset:
    """Simulate a data set's measured current with ``cell``, on the data's clock.

    Parameters
    ----------
    cell : cellsim.Cell
        Any cell, fitted or not.
    data : xarray.Dataset
        Over ``time`` (s) with ``current`` (A, > 0 discharge), as :func:`calibration.load`
        returns; ``voltage`` (V) to start from a rest voltage, ``ambient_temperature``
        or else ``temperature`` (K; the first sample is the ambient of the replay, else
        the cell's default).
    initial_soc : float, optional
        State of charge in [0, 1] at the first sample. By default a data set that starts
        at rest starts at its first voltage, read through the cell's open-circuit voltage
        (lithium-ion); one that starts under load needs ``initial_soc``.
    inputs : mapping, optional
        Parameter values (full PyBaMM names) varied without a rebuild, as in
        :func:`cellsim.simulate`.
    solver, rtol, atol : optional
        As in :func:`cellsim.simulate`.
    current_tolerance : float, optional
        A: consecutive samples within this of a run's first are held as one value (their
        time-weighted mean); default 0.5 % of the largest current.

    Returns
    -------
    xarray.Dataset
        The usual :func:`cellsim.simulate` result over ``time`` (s from the data's first
        sample; ``attrs["data_time_offset"]`` is that sample's time in ``data``). The
        voltage window is widened by 0.5 V so the model is not cut off where the
        measurement went on; ``attrs["initial_state"]`` says how the run started.

    Raises
    ------
    CalibrationError
        If ``data`` lacks ``time`` or ``current``, has non-finite values, time going
        back, fewer than 3 samples, or starts under load without ``initial_soc``.
    cellsim.SolverError
        If the model fails; ``err.partial`` holds the run up to the failure.

    Examples
    --------
    >>> import calibration, cellsim
    >>> data = calibration.load("ratetest_25degC.csv.gz", select={"c_rate": 1.0})  # doctest: +SKIP
    >>> ds = calibration.replay(cellsim.Cell("Chen2020", model="SPMe"), data)  # doctest: +SKIP
    """
    name = str(data.attrs.get("selection", "data")) if isinstance(data, xr.Dataset) else "data"
    checked = measured(data, name, initial_soc=initial_soc)
    replayer = Replayer(
        cell,
        frozenset(inputs or {}),
        solver=solver,
        rtol=rtol,
        atol=atol,
        current_tolerance=current_tolerance,
    )
    try:
        result = replayer.run(checked, inputs)
    except CalibrationError as err:
        raise CalibrationError(f"data set {name!r}: {err}") from None
    result.attrs["cell"] = cell.to_json()
    result.attrs["data_time_offset"] = checked.time_offset
    result.attrs["initial_state"] = checked.start.describe()
    result.attrs["voltage_margin"] = VOLTAGE_MARGIN if replayer.states is not None else 0.0
    for key, value in checked.attrs.items():
        result.attrs[f"data_{key}"] = str(value)
    return result
