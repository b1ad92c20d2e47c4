"""The one place that builds the Dataset of a loaded cycler file.

Conventions as in :mod:`cellsim._results`: snake_case names, UDUNITS ``units``, float64 and
int32 only, scalar attributes, time in float seconds, current > 0 is discharge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from cellsim._results import provenance

_LONG_NAMES = {
    "current": "current (> 0 is discharge)",
    "voltage": "terminal voltage",
    "temperature": "cell temperature",
    "ambient_temperature": "ambient temperature",
}
_UNITS = {
    "current": "A",
    "voltage": "V",
    "temperature": "K",
    "ambient_temperature": "K",
}


@dataclass(frozen=True, slots=True)
class Measured:
    """Normalised columns of one file, ready to become a Dataset.

    Attributes
    ----------
    time : ndarray
        Seconds since the first row, non-decreasing.
    series : dict
        ``current`` (A, > 0 discharge), ``voltage`` (V) and, where the file has them,
        ``temperature`` and ``ambient_temperature`` (K).
    step, cycle : ndarray of int32
        As the cycler numbers them, or derived (see ``derived``).
    source_names : dict
        Variable → the column header it came from.
    derived : dict
        ``"step"``/``"cycle"`` → how it was derived, when the file gave none.
    attrs : dict
        Dataset attributes (scalars).
    """

    time: NDArray[np.float64]
    series: dict[str, NDArray[np.float64]]
    step: NDArray[np.int32]
    cycle: NDArray[np.int32]
    source_names: dict[str, str]
    derived: dict[str, str]
    attrs: dict[str, object]


def build(m: Measured) -> xr.Dataset:
    """The Dataset over ``time`` of a loaded file."""
    data_vars: dict[str, tuple[str, NDArray, dict[str, str]]] = {}
    for name, values in m.series.items():
        attrs = {"units": _UNITS[name], "long_name": _LONG_NAMES[name]}
        attrs["source_name"] = m.source_names.get(name, "")
        data_vars[name] = ("time", values.astype(np.float64), attrs)
    counts = {
        "step": (m.step, "step number, as the cycler numbers its program steps"),
        "cycle": (m.cycle, "cycle number, as the cycler counts cycles"),
    }
    for name, (values, long_name) in counts.items():
        attrs = {"units": "1", "long_name": long_name}
        if name in m.derived:
            attrs["long_name"] = f"{name} number, derived: {m.derived[name]}"
            attrs["source_name"] = ""
        else:
            attrs["source_name"] = m.source_names[name]
        data_vars[name] = ("time", values.astype(np.int32), attrs)
    time_attrs = {
        "units": "s",
        "long_name": "time since the first sample",
        "source_name": m.source_names["time"],
    }
    return xr.Dataset(
        data_vars,
        coords={"time": ("time", m.time.astype(np.float64), time_attrs)},
        attrs=provenance(**m.attrs),
    )
