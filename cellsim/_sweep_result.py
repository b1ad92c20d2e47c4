"""The Dataset of a sweep: one row per sample, sampled parameters as coordinates.

Same conventions as :mod:`cellsim._results`: snake_case names with the model's name in
``source_name``; UDUNITS ``units``; float64 and int32 (and the ``error``/``stopped``
texts), so the result writes to netCDF3 and reads back identical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from cellsim._results import provenance
from cellsim._sweep_task import Outcome, expected

#: Parameter-name units (inside ``[...]``) spelled differently in UDUNITS.
_UNITS = {"": "1", "-": "1", "%": "percent"}

#: The per-sample dimension of series, and the variable counting its valid entries.
SERIES_DIM = {"age": ("cycle", "cycles"), "simulate": ("point", "points")}


def parameter_name(name: str) -> tuple[str, str]:
    """The snake_case variable name and the UDUNITS units of a parameter's full name.

    >>> parameter_name("Contact resistance [Ohm]")
    ('contact_resistance', 'ohm')
    """
    match = re.fullmatch(r"(.*?)\s*\[([^\[\]]*)\]\s*", name)
    base, units = (match.group(1), match.group(2)) if match else (name, "")
    units = _UNITS.get(units, units.replace("Ohm", "ohm"))
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", base).strip("_").lower() or "parameter"
    return (f"p_{snake}" if snake[0].isdigit() else snake), units


def sweep_dataset(
    samples: Mapping[str, np.ndarray],
    outcomes: Sequence[Outcome],
    *,
    kind: str,
    attrs: Mapping[str, object],
) -> xr.Dataset:
    """One Dataset over ``sample`` from the ``outcomes`` in sample order.

    Every sample has ``failed`` (int32, 1 if it failed) and ``error``; summaries are
    over ``sample``; series (age cycles, full simulate series) are over ``sample`` and
    ``cycle`` or ``point``, padded after each sample's end with NaN (floats) or -1
    (integers), with the count of valid entries in ``cycles`` or ``points``.
    """
    n = len(outcomes)
    failed = np.array([bool(o.error) for o in outcomes], dtype=np.int32)
    data: dict[str, tuple] = {
        "failed": ("sample", failed, {"units": "1", "long_name": "1: the sample failed"}),
        "error": (
            "sample",
            np.array([o.error for o in outcomes], dtype=object),
            {"units": "1", "long_name": "error of a failed sample, empty if it ran"},
        ),
    }
    scalars, series = expected(kind)
    meta = {**scalars, **{name: attrs for name, (_, attrs) in series.items()}}
    dtypes = {name: dtype for name, (dtype, _) in series.items()}
    for o in outcomes:
        meta = {**o.meta, **meta}  # the first sample that has a variable describes it
        dtypes = {**{k: v.dtype for k, v in o.series.items()}, **dtypes}
    for name in _ordered([scalars, *(o.scalars for o in outcomes)]):
        values = np.array([o.scalars.get(name, np.nan) for o in outcomes], dtype=np.float64)
        data[name] = ("sample", values, meta[name])
    coords: dict[str, tuple] = {}
    if series or any(o.series for o in outcomes):
        dim, count = SERIES_DIM[kind]
        lengths = np.array([_length(o) for o in outcomes], dtype=np.int32)
        data[count] = (
            "sample",
            lengths,
            {"units": "1", "long_name": f"valid entries along {dim}; the rest is padding"},
        )
        length = int(lengths.max(initial=0))
        for name in _ordered([series, *(o.series for o in outcomes)]):
            rows = [o.series.get(name) for o in outcomes]
            data[name] = (("sample", dim), _pad(rows, length, dtypes[name]), meta[name])
        first = 1 if dim == "cycle" else 0
        long_name = "cycle number, from 1" if dim == "cycle" else "output point, from 0"
        coords[dim] = (
            dim,
            np.arange(first, first + length, dtype=np.int32),
            {"units": "1", "long_name": long_name},
        )
    if kind == "age":
        data["stopped"] = (
            "sample",
            np.array([o.stopped for o in outcomes], dtype=object),
            {"units": "1", "long_name": "why the run stopped before its last cycle, if it did"},
        )
    coords["sample"] = (
        "sample",
        np.arange(n, dtype=np.int32),
        {"units": "1", "long_name": "sample index, from 0"},
    )
    for name, values in samples.items():
        snake, units = parameter_name(name)
        while snake in data or snake in coords:
            snake += "_sampled"
        coords[snake] = (
            "sample",
            np.asarray(values, dtype=np.float64),
            {"units": units, "long_name": f"sampled parameter: {name}", "source_name": name},
        )
    return xr.Dataset(data, coords=coords, attrs=provenance(**attrs))


def _ordered(dicts) -> list[str]:
    """Keys of ``dicts`` in first-seen order."""
    return list(dict.fromkeys(k for d in dicts for k in d))


def _length(outcome: Outcome) -> int:
    return len(next(iter(outcome.series.values()))) if outcome.series else 0


def _pad(rows: list[np.ndarray | None], length: int, dtype) -> np.ndarray:
    """Rows of one variable as a 2-D array, NaN (floats) or -1 (integers) after each end."""
    integer = np.issubdtype(dtype, np.integer)
    out = np.full((len(rows), length), -1 if integer else np.nan, np.int32 if integer else float)
    for i, row in enumerate(rows):
        if row is not None:
            out[i, : len(row)] = row
    return out
