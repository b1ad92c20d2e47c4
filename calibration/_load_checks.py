"""Checks every loaded file goes through, whatever its format.

Missing or non-monotonic time, values no cell could have, a current whose units disagree
with the file's own capacity count, steps and cycles that are not whole numbers, and which
sign of current means charge (read from how the voltage moves when the format leaves it open).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from calibration._load_columns import Columns
from cellsim import DataFormatError

#: Current below this fraction of the largest |current| in the file counts as rest.
REST_FRACTION = 0.01
#: |voltage| above this is no single cell (a column in mV read as V, or not a voltage).
MAX_CELL_VOLTAGE = 100.0
#: |current| above this with no unit in the header is taken for milliamperes read as amperes.
MAX_UNLABELLED_CURRENT = 1000.0
#: Plausible cell temperatures, K (-100 °C to 200 °C).
TEMPERATURE_RANGE = (173.15, 473.15)
#: Coulomb counting and the file's capacity column may differ by this factor at most.
CAPACITY_FACTOR = 2.0


def require_finite(cols: Columns, name: str) -> None:
    """Raise naming the first row where ``name`` is empty or not finite."""
    values = cols.values[name]
    bad = ~np.isfinite(values)
    if bad.any():
        raise cols.error(name, int(np.argmax(bad)), "no value (empty or NaN)")


def check_time(cols: Columns) -> None:
    """Time must be given on every row and never go back."""
    if cols.values["time"].size == 0:
        raise DataFormatError(f"{cols.table.path}: the file has a header but no data rows")
    require_finite(cols, "time")
    t = cols.values["time"]
    back = np.diff(t) < 0
    if not back.any():
        return
    i = int(np.argmax(back)) + 1
    raise cols.error(
        "time",
        i,
        f"time goes back from {t[i - 1]:.10g} s to {t[i]:.10g} s{_several_tests_hint(cols, i)}",
    )


def _several_tests_hint(cols: Columns, i: int) -> str:
    """When time restarts where another column changes, the file holds several tests."""
    frame = cols.table.frame
    used = set(cols.headers.values())
    for header in frame.columns:
        column = frame[header]
        if header in used or column.iloc[i - 1] == column.iloc[i]:
            continue
        values = [v.item() if hasattr(v, "item") else v for v in pd.unique(column.dropna())]
        if len(values) > 20:
            continue
        return (
            f"; the file seems to hold several tests, told apart by column {header!r} "
            f"(values {', '.join(map(repr, values))}): load one with "
            f"select={{{header!r}: {values[0]!r}}}"
        )
    return ""


def check_plausible(cols: Columns) -> None:
    """Voltage, current and temperature must be values a cell can have."""
    v = np.abs(cols.values["voltage"])
    if v.max() > MAX_CELL_VOLTAGE:
        i = int(np.argmax(v))
        raise cols.error(
            "voltage",
            i,
            f"{cols.values['voltage'][i]:.6g} V is no cell voltage (read as "
            f"{cols.units.get('voltage', 'V')}); if the column is in mV, say so with "
            f"units={{{cols.headers['voltage']!r}: 'mV'}}",
        )
    a = np.abs(cols.values["current"])
    if "current" in cols.assumed and a.max() > MAX_UNLABELLED_CURRENT:
        i = int(np.argmax(a))
        raise cols.error(
            "current",
            i,
            f"the header names no unit and the values reach {cols.values['current'][i]:.6g}, "
            f"implausible in {cols.units['current']}; if they are mA, say so with "
            f"units={{{cols.headers['current']!r}: 'mA'}}",
        )
    for name in ("temperature", "ambient_temperature"):
        if name not in cols.values:
            continue
        temp = cols.values[name]
        low, high = TEMPERATURE_RANGE
        bad = np.isfinite(temp) & ((temp < low) | (temp > high))
        if bad.any():
            i = int(np.argmax(bad))
            hint = (
                " (the header names no unit, so °C was assumed; say the unit with units=)"
                if name in cols.assumed
                else ""
            )
            raise cols.error(
                name, i, f"{temp[i] - 273.15:.6g} °C is no plausible cell temperature{hint}"
            )


def whole_numbers(cols: Columns, name: str) -> NDArray[np.int32] | None:
    """The ``step`` or ``cycle`` column as int32, or ``None`` when the file has none usable.

    A column of non-integers is not a count: it is dropped with a warning (and a note in
    the Dataset) so that the rest of the file stays usable.
    """
    if name not in cols.values:
        return None
    require_finite(cols, name)
    values = cols.values[name]
    if np.any(values != np.round(values)) or np.abs(values).max() >= 2**31:
        i = int(np.argmax(values != np.round(values)))
        message = (
            f"{cols.table.path}: column {cols.headers[name]!r} holds non-integer counts "
            f"({values[i]:.10g} at {cols.table.where(i)}); it is ignored and the {name} "
            "numbers are derived instead"
        )
        warnings.warn(message, UserWarning, stacklevel=4)
        cols.notes.append(message.split(": ", 1)[1])
        del cols.headers[name]
        return None
    return values.astype(np.int32)


def direction(current: NDArray[np.float64]) -> NDArray[np.int8]:
    """-1, 0 or +1 per row: the sign of the current, 0 below the rest threshold."""
    peak = np.abs(current).max() if current.size else 0.0
    if peak == 0:
        return np.zeros(current.size, dtype=np.int8)
    sign = np.sign(current).astype(np.int8)
    sign[np.abs(current) <= REST_FRACTION * peak] = 0
    return sign


def derived_steps(current: NDArray[np.float64]) -> NDArray[np.int32]:
    """Step numbers from 1, a new step wherever the current starts, stops or reverses."""
    sign = direction(current)
    change = np.concatenate([[True], sign[1:] != sign[:-1]])
    return np.cumsum(change).astype(np.int32)


def _runs(labels: NDArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Start and end (exclusive) positions of runs of equal ``labels``."""
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [labels.size]])
    return starts, ends


def check_capacity(cols: Columns, step: NDArray[np.int32], cycle: NDArray[np.int32]) -> None:
    """Coulomb counting of the current must agree with the file's own capacity columns.

    Both are summed as charge throughput over consecutive rows of the same step and cycle
    (capacity counters reset between steps or cycles, depending on the cycler). A factor
    of more than ``CAPACITY_FACTOR`` between them means a unit is wrong — typically mA read
    as A, or minutes read as seconds.
    """
    names = [n for n in ("charge_capacity", "discharge_capacity", "capacity") if n in cols.values]
    if not names or step.size < 3:
        return
    t, current = cols.values["time"], np.abs(cols.values["current"])
    same = (step[1:] == step[:-1]) & (cycle[1:] == cycle[:-1])
    counted = np.where(same, 0.5 * (current[1:] + current[:-1]) * np.diff(t) / 3600.0, 0.0)
    logged = np.zeros_like(counted)
    for name in names:
        dq = np.abs(np.diff(cols.values[name]))
        logged += np.where(same & np.isfinite(dq), dq, 0.0)
    total_counted, total_logged = counted.sum(), logged.sum()
    if total_logged <= 1e-9 or total_counted <= 1e-9:
        return
    ratio = total_counted / total_logged
    if 1.0 / CAPACITY_FACTOR <= ratio <= CAPACITY_FACTOR:
        return
    starts, ends = _runs(step * 1_000_003 + cycle)
    sums = np.array([logged[s : max(e - 1, s)].sum() for s, e in zip(starts, ends, strict=True)])
    k = int(np.argmax(sums))
    first, last = int(starts[k]), int(ends[k] - 1)
    caps = " + ".join(repr(cols.headers[n]) for n in names)
    raise cols.error(
        "current",
        None,
        f"coulomb counting of this current (read in {cols.units['current']}) gives "
        f"{ratio:.4g} times the charge that the capacity column {caps} (read in "
        f"{' + '.join(cols.units[n] for n in names)}) logs; e.g. on step {step[first]} "
        f"({cols.table.where(first)} to {cols.table.where(last).removeprefix('line ')}) "
        f"{counted[first:last].sum():.6g} A.h against {sums[k]:.6g} A.h. "
        "One of the two columns has the wrong unit: say the right one with units=",
    )


@dataclass(frozen=True, slots=True)
class SignEvidence:
    """How the voltage moves on the runs of constant current direction.

    Attributes
    ----------
    score : float
        Σ sign(I)·ΔV / Σ|ΔV| over the runs: +1 when positive current always raises the
        voltage (positive = charge), -1 when it always lowers it (positive = discharge).
    weight : float
        Σ|ΔV| over the runs, V.
    rising : float
        Σ|ΔV| of runs where the voltage moves with the sign of the current, V.
    falling : float
        Σ|ΔV| of runs where it moves against it, V.
    never_negative : bool
        Whether the current is never below the rest threshold.
    example : tuple of int
        ``(first, last)`` row of the run that weighs most against the score's sign.
    """

    score: float
    weight: float
    rising: float
    falling: float
    never_negative: bool
    example: tuple[int, int]


def sign_evidence(
    current: NDArray[np.float64], voltage: NDArray[np.float64], step: NDArray[np.int32]
) -> SignEvidence:
    """Read from the data which sign of current raises the voltage (see SignEvidence)."""
    sign = direction(current)
    starts, ends = _runs(step.astype(np.int64) * 3 + sign + 1)
    keep = (sign[starts] != 0) & (ends - starts >= 3)
    starts, ends = starts[keep], ends[keep]
    dv = voltage[ends - 1] - voltage[starts]
    agree = sign[starts] * dv
    rising = float(agree[agree > 0].sum())
    falling = float(-agree[agree < 0].sum())
    weight = rising + falling
    score = (rising - falling) / weight if weight > 0 else 0.0
    against = -agree if score >= 0 else agree
    k = int(np.argmax(against)) if against.size else 0
    example = (int(starts[k]), int(ends[k] - 1)) if against.size else (0, 0)
    return SignEvidence(score, weight, rising, falling, bool(np.all(sign >= 0)), example)
