"""The one module that builds cellsim's result Datasets.

Conventions: snake_case names; UDUNITS ``units``; ``source_name`` keeps the model's
name; float64 and int32 only; scalar attributes only (so netCDF3 round-trips);
time in float seconds; current > 0 is discharge.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from cellsim._chemistry import OutputVariable
from cellsim.solvers._base import Segment

SIGN_CONVENTION = "current > 0 is discharge"
SCHEMA_VERSION = "1"


@functools.cache
def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def provenance(**extra: object) -> dict[str, object]:
    """Global attributes every result carries."""
    attrs: dict[str, object] = {
        "cellsim_schema": SCHEMA_VERSION,
        "cellsim_version": _version("cellsim-battery"),
        "pybamm_version": _version("pybamm"),
        "casadi_version": _version("casadi"),
        "numpy_version": _version("numpy"),
        "xarray_version": _version("xarray"),
        "sign_convention": SIGN_CONVENTION,
    }
    for key, value in extra.items():
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, (dict, list, tuple)):
            value = json.dumps(value, sort_keys=True)
        attrs[key] = value
    return attrs


def time_series(
    segments: Sequence[tuple[int, int, Segment]],
    outputs: Sequence[OutputVariable],
    sensitivities: Sequence[str] = (),
    **attrs: object,
) -> xr.Dataset:
    """A Dataset over ``time`` from ``(cycle, step, segment)`` triples; with
    ``sensitivities`` (input names), each output's ``<name>_sensitivity`` over
    ``(time, input)`` too."""
    if segments:
        t = np.concatenate([s.t for _, _, s in segments])
        cycle = np.concatenate([np.full(s.t.size, c, np.int32) for c, _, s in segments])
        step = np.concatenate([np.full(s.t.size, k, np.int32) for _, k, s in segments])
    else:
        t = np.zeros(0)
        cycle = step = np.zeros(0, np.int32)
    data_vars = {
        "step": (
            "time",
            step,
            {"units": "1", "long_name": "step index within the cycle, from 0"},
        ),
        "cycle": ("time", cycle, {"units": "1", "long_name": "cycle number, from 1"}),
    }
    for out in outputs:
        values = (
            np.concatenate([s.outputs[out.name] for _, _, s in segments])
            if segments
            else np.zeros(0)
        )
        data_vars[out.name] = (
            "time",
            values.astype(np.float64),
            {"units": out.units, "long_name": out.long_name, "source_name": out.source_name},
        )
    coords = {"time": ("time", t.astype(np.float64), {"units": "s", "long_name": "time"})}
    if sensitivities:
        coords["input"] = ("input", list(sensitivities), {"long_name": "input parameter"})
        data_vars.update(_sensitivities(segments, outputs, len(sensitivities)))
    return xr.Dataset(data_vars, coords=coords, attrs=provenance(**attrs))


def _sensitivities(segments, outputs: Sequence[OutputVariable], m: int) -> dict:
    """Each output's forward sensitivity to the inputs, ``<name>_sensitivity``."""
    blocks = [
        np.full((len(outputs), m, s.t.size), np.nan) if s.sensitivities is None else s.sensitivities
        for _, _, s in segments  # a failed leg's part has none: NaN
    ]
    values = np.concatenate(blocks, axis=2) if blocks else np.zeros((len(outputs), m, 0))
    return {
        f"{out.name}_sensitivity": (
            ("time", "input"),
            values[i].T.astype(np.float64),
            {
                "units": f"{out.units} per unit of the input",
                "long_name": f"d {out.long_name} / d input (forward sensitivity)",
            },
        )
        for i, out in enumerate(outputs)
    }
