"""One sample of a sweep: a task that is pure data, and the function a worker runs on it.

The task carries the Cell as :meth:`Cell.to_dict` data, the protocol (a frozen value),
the sample's parameter values as plain floats and the keyword arguments of
:func:`cellsim.simulate` or :func:`cellsim.age`. The worker rebuilds the Cell from its
dict; cellsim's model cache in the worker's process (:mod:`cellsim._build`) then reuses
the built model for every task of that Cell. What comes back is an :class:`Outcome` of
plain numbers and arrays: a summary by default, never the solver's objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from cellsim._age import age
from cellsim._cell import Cell
from cellsim._cycle_summary import CYCLE_VARIABLES
from cellsim._simulate import simulate
from cellsim.protocol import Protocol

#: Summary of a simulate run: (name, units, long name).
SIMULATE_SUMMARY = (
    ("capacity", "A.h", "charge delivered (sum of the discharging parts)"),
    ("charge_throughput", "A.h", "charge taken (sum of the charging parts)"),
    ("discharge_energy", "W.h", "energy delivered"),
    ("charge_energy", "W.h", "energy taken"),
    ("voltage_min", "V", "lowest terminal voltage"),
    ("voltage_max", "V", "highest terminal voltage"),
    ("voltage_end", "V", "terminal voltage at the end"),
    ("temperature_max", "K", "highest cell temperature"),
    ("duration", "s", "duration of the run"),
)

#: Per-cycle variables of an age run beyond the cycle summary: (name, units, long name).
AGE_EXTRA = (
    ("soh", "1", "state of health: capacity / first capacity"),
    ("simulated", "1", "1: simulated, 0: extrapolated"),
)

#: Degradation variables whose value at the end of a simulate run is summarised.
END_VALUES = ("lli", "lam_negative", "lam_positive", "sei_capacity_loss", "plating_capacity_loss")


@dataclass(frozen=True, slots=True)
class Task:
    """Everything a worker needs to run one sample; plain data, picklable.

    Attributes
    ----------
    kind : {"simulate", "age"}
    cell : dict
        :meth:`cellsim.Cell.to_dict` of the swept Cell.
    protocol : Protocol
        The protocol (``simulate``) or the one-cycle duty (``age``).
    values : dict
        ``{parameter name: value}`` of this sample, floats.
    vary : {"inputs", "overrides"}
        How the values reach the model: as ``inputs=`` of :func:`cellsim.simulate`
        (one built model for every sample) or as Cell overrides (one build per sample).
    options : dict
        Keyword arguments of :func:`cellsim.simulate` or :func:`cellsim.age`.
    full : bool
        Return the full time series of a simulate run as well as its summary.
    """

    kind: str
    cell: dict[str, Any]
    protocol: Protocol
    values: dict[str, float]
    vary: str
    options: dict[str, Any]
    full: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one sample gives back.

    Attributes
    ----------
    error : str
        ``""`` if the sample ran, else the error's type and message.
    stopped : str
        For ``age``: why the run stopped before its last cycle (``""`` if it did not).
    scalars : dict
        Summary values, floats.
    series : dict
        Arrays over the sample's own dimension (``cycle`` for age, time points for a
        full simulate run).
    meta : dict
        ``{variable: attrs}`` (units, long_name, source_name) of scalars and series.
    """

    error: str = ""
    stopped: str = ""
    scalars: dict[str, float] = field(default_factory=dict)
    series: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, dict[str, str]] = field(default_factory=dict)


def expected(kind: str) -> tuple[dict[str, dict], dict[str, tuple[type, dict]]]:
    """What every sweep of ``kind`` carries, whatever fails: ``({scalar: attrs},
    {series: (dtype, attrs)})``."""
    if kind == "age":
        series = {
            name: (np.int32 if name == "simulated" else np.float64, _attrs(units, long))
            for name, units, long in (*CYCLE_VARIABLES, *AGE_EXTRA)
        }
        return {}, series
    return {name: _attrs(units, long) for name, units, long in SIMULATE_SUMMARY}, {}


def _attrs(units: str, long_name: str) -> dict[str, str]:
    return {"units": units, "long_name": long_name}


def run_task(task: Task) -> Outcome:
    """Run one sample; any error it raises is returned as a failed :class:`Outcome`.

    Parameters
    ----------
    task : Task
        The sample.

    Returns
    -------
    Outcome
        Summary (and series) of the run, or its error.
    """
    try:
        cell = Cell.from_dict(task.cell)
        inputs = None
        if task.vary == "overrides":
            cell = cell.replace(overrides=task.values)
        else:
            inputs = task.values
        if task.kind == "age":
            ds = age(cell, task.protocol, inputs=inputs, **task.options, progress=False)
            return _age_outcome(ds)
        ds = simulate(cell, task.protocol, inputs=inputs, **task.options)
        return _simulate_outcome(ds, task.full)
    except Exception as err:  # a failed sample is a result, never the sweep's end
        return Outcome(error=f"{type(err).__name__}: {err}")


def _age_outcome(ds: xr.Dataset) -> Outcome:
    """Every per-cycle variable of an :func:`cellsim.age` result."""
    return Outcome(
        stopped=str(ds.attrs.get("stopped", "")),
        series={name: ds[name].values for name in ds.data_vars},
        meta={name: dict(ds[name].attrs) for name in ds.data_vars},
    )


def _simulate_outcome(ds: xr.Dataset, full: bool) -> Outcome:
    """The summary of a :func:`cellsim.simulate` result, and its series if ``full``."""
    scalars = summarise(ds)
    meta = {name: _attrs(units, long) for name, units, long in SIMULATE_SUMMARY}
    for name in END_VALUES:
        if name in ds:
            attrs = ds[name].attrs
            meta[f"{name}_end"] = _attrs(attrs["units"], f"{attrs['long_name']} at the end")
    series = {}
    if full:
        series = {"time": ds["time"].values, **{n: ds[n].values for n in ds.data_vars}}
        meta.update({n: dict(ds[n].attrs) for n in series})
    return Outcome(scalars=scalars, series=series, meta=meta)


def summarise(ds: xr.Dataset) -> dict[str, float]:
    """:data:`SIMULATE_SUMMARY` and the end values of :data:`END_VALUES` of a run.

    Charge comes from the discharge-capacity counter, energy from the trapezoidal
    integral of power over the output points.
    """
    t = ds["time"].values
    v = ds["voltage"].values
    dq = np.diff(ds["discharge_capacity"].values)
    p = ds["power"].values
    energy = 0.5 * (p[1:] + p[:-1]) * np.diff(t) / 3600.0
    out = {
        "capacity": float(dq[dq > 0].sum()),
        "charge_throughput": 0.0 - float(dq[dq < 0].sum()),
        "discharge_energy": float(energy[energy > 0].sum()),
        "charge_energy": 0.0 - float(energy[energy < 0].sum()),
        "voltage_min": float(v.min()),
        "voltage_max": float(v.max()),
        "voltage_end": float(v[-1]),
        "temperature_max": float(ds["temperature"].values.max())
        if "temperature" in ds
        else float("nan"),
        "duration": float(t[-1] - t[0]),
    }
    for name in END_VALUES:
        if name in ds:
            out[f"{name}_end"] = float(ds[name].values[-1])
    return out
