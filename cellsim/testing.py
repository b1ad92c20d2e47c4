"""Public test helpers: check that a Dataset follows cellsim's result schema."""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Variables every time-series result carries, with their units.
TIME_SERIES_UNITS = {
    "time": "s",
    "voltage": "V",
    "current": "A",
    "ocv": "V",
    "temperature": "K",
    "discharge_capacity": "A.h",
    "step": "1",
    "cycle": "1",
}

PROVENANCE_ATTRS = (
    "cellsim_version",
    "pybamm_version",
    "casadi_version",
    "cell",
    "solver",
    "rtol",
    "atol",
    "sign_convention",
)


def assert_result_schema(ds: xr.Dataset, required: dict[str, str] = TIME_SERIES_UNITS) -> None:
    """Raise AssertionError unless ``ds`` follows the schema.

    Checks: each required variable is present with its ``units``; every variable has a
    ``units`` attribute; dtypes are float64 or int32 only; attributes are scalars; the
    provenance attributes are present; ``time`` (if any) is strictly increasing.
    """
    for name, units in required.items():
        assert name in ds.variables, f"result lacks {name!r}"
        assert ds[name].attrs.get("units") == units, (
            f"{name!r} has units {ds[name].attrs.get('units')!r}, expected {units!r}"
        )
    for name, var in ds.variables.items():
        assert "units" in var.attrs, f"{name!r} has no units attribute"
        assert var.dtype in (np.float64, np.int32), f"{name!r} has dtype {var.dtype}"
    for key, value in ds.attrs.items():
        assert isinstance(value, (str, int, float, np.integer, np.floating)), (
            f"attribute {key!r} is not a scalar: {type(value).__name__}"
        )
    for key in PROVENANCE_ATTRS:
        assert key in ds.attrs, f"provenance attribute {key!r} missing"
    if "time" in ds.dims and ds.sizes["time"] > 1:
        assert np.all(np.diff(ds["time"].values) > 0), "time is not strictly increasing"
