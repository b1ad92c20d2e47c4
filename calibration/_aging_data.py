"""Capacity-vs-cycle data for ageing fits: a table, a Dataset or a CSV file, checked.

Whatever comes in leaves as a :class:`CapacityTable`: one row per (cell, cycle), capacity
in A.h, conditions (temperature in K, depth of discharge and C-rate as fractions) where
given. Repeated measurements of one cell at one cycle count (a check-up run twice) are
averaged. Anything a fit could not use raises :class:`cellsim.DataFormatError` naming the
column, the row and what is allowed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from cellsim import DataFormatError

#: Accepted column names (lower case) of each field, with (scale, offset) to SI.
SI = (1.0, 0.0)
ALIASES: dict[str, dict[str, tuple[float, float]]] = {
    "cell": dict.fromkeys(("cell", "cell_id", "cell id", "cell_name", "battery"), SI),
    "cycle": dict.fromkeys(
        ("cycle", "cycles", "cycle_number", "cycle number", "cycle_index", "cycle index"), SI
    ),
    "capacity": {
        **dict.fromkeys(
            ("capacity", "capacity_ah", "capacity [a.h]", "capacity [ah]", "capacity (ah)"), SI
        ),
        **dict.fromkeys(("capacity_mah", "capacity [ma.h]", "capacity [mah]"), (1e-3, 0.0)),
    },
    "temperature": {
        **dict.fromkeys(("temperature", "temperature_k", "temperature [k]"), SI),
        **dict.fromkeys(
            ("temperature_degc", "temperature [degc]", "temperature [°c]", "temperature_c"),
            (1.0, 273.15),
        ),
    },
    "depth_of_discharge": dict.fromkeys(("depth_of_discharge", "dod"), SI),
    "c_rate": dict.fromkeys(("c_rate", "c-rate", "crate"), SI),
}
REQUIRED = ("cell", "cycle", "capacity")
#: Conditions an ageing law can depend on, with their units.
CONDITIONS = {"temperature": "K", "depth_of_discharge": "1", "c_rate": "1"}
#: A capacity above this with no unit named is taken for mA.h read as A.h.
MAX_UNLABELLED_CAPACITY = 1000.0
#: Plausible cell temperatures, K (-100 °C to 200 °C).
TEMPERATURE_RANGE = (173.15, 473.15)
CAPACITY_UNITS = {"A.h": 1.0, "Ah": 1.0, "A h": 1.0, "A*h": 1.0, "mA.h": 1e-3, "mAh": 1e-3}


@dataclass(frozen=True, slots=True)
class CapacityTable:
    """Capacity of each cell at each measured cycle count, sorted by cell then cycle.

    Attributes
    ----------
    cell : ndarray of str
        Cell of each row.
    cycle : ndarray of float64
        Cycle count of each row (>= 0).
    capacity : ndarray of float64
        Measured capacity, A.h.
    conditions : dict
        ``{name: values per row}`` for the conditions the data give (``temperature`` in
        K, ``depth_of_discharge`` and ``c_rate`` as fractions).
    source : str
        Where the data came from (a path, "DataFrame" or "Dataset").
    """

    cell: NDArray[np.str_]
    cycle: NDArray[np.float64]
    capacity: NDArray[np.float64]
    conditions: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    source: str = "table"

    @property
    def cells(self) -> list[str]:
        """The cells, in order of first appearance."""
        return list(dict.fromkeys(self.cell.tolist()))

    def select(self, cells) -> CapacityTable:
        """The rows of ``cells`` only."""
        wanted = [str(c) for c in ([cells] if isinstance(cells, str) else cells)]
        missing = sorted(set(wanted) - set(self.cells))
        if missing:
            raise DataFormatError(
                f"{self.source}: no cell(s) {missing} in the data; cells are {self.cells}"
            )
        keep = np.isin(self.cell, wanted)
        return CapacityTable(
            self.cell[keep],
            self.cycle[keep],
            self.capacity[keep],
            {k: v[keep] for k, v in self.conditions.items()},
            self.source,
        )

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (``cell, cycle, capacity`` and the conditions)."""
        return pd.DataFrame(
            {"cell": self.cell, "cycle": self.cycle, "capacity": self.capacity, **self.conditions}
        )


def capacity_table(data) -> CapacityTable:
    """Read and check capacity-vs-cycle ``data``.

    Parameters
    ----------
    data : CapacityTable, pandas.DataFrame, xarray.Dataset, str or path
        A table with columns cell, cycle and capacity (A.h; ``capacity_mAh`` is converted),
        optionally temperature (K, or ``temperature_degC``), depth_of_discharge and c_rate;
        a Dataset with ``capacity`` over ``cycle`` (and ``cell``), as :func:`cellsim.age`
        returns; or the path of a CSV file of such a table.

    Returns
    -------
    CapacityTable

    Raises
    ------
    cellsim.DataFormatError
        A missing column, a value that is missing or not a number, a capacity <= 0 or in
        mA.h where A.h is expected, or cycles of a cell that go back.
    """
    if isinstance(data, CapacityTable):
        return data
    if isinstance(data, (str, os.PathLike)):
        return _from_frame(_read_csv(os.fspath(data)), os.fspath(data), first_line=2)
    if isinstance(data, pd.DataFrame):
        return _from_frame(data.reset_index(drop=True), "DataFrame", first_line=None)
    if isinstance(data, xr.Dataset):
        return _from_frame(_dataset_frame(data), "Dataset", first_line=None)
    raise DataFormatError(
        "capacity data must be a pandas DataFrame, an xarray Dataset or the path of a CSV "
        f"file, got {type(data).__name__}"
    )


def _read_csv(path: str) -> pd.DataFrame:
    if not os.path.isfile(path):
        raise DataFormatError(f"{path}: no such file")
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataFormatError(f"{path}: not a readable CSV table: {err}") from None


def _dataset_frame(ds: xr.Dataset) -> pd.DataFrame:
    """A Dataset with ``capacity`` over ``cycle`` (and ``cell``) as a table."""
    if "capacity" not in ds:
        raise DataFormatError(
            f"Dataset: no variable 'capacity' (variables: {sorted(map(str, ds.data_vars))}); "
            "expected capacity in A.h over 'cycle' (and 'cell')"
        )
    units = str(ds["capacity"].attrs.get("units", "A.h"))
    if units not in CAPACITY_UNITS:
        raise DataFormatError(
            f"Dataset: variable 'capacity' has units {units!r}; allowed are "
            f"{sorted(CAPACITY_UNITS)}"
        )
    if "cycle" not in ds["capacity"].dims:
        raise DataFormatError(
            f"Dataset: 'capacity' must be over a 'cycle' dimension, its dims are "
            f"{ds['capacity'].dims}"
        )
    extra = set(ds["capacity"].dims) - {"cycle", "cell"}
    if extra:
        raise DataFormatError(
            f"Dataset: 'capacity' has dimension(s) {sorted(extra)}; allowed are 'cycle', 'cell'"
        )
    names = [n for n in CONDITIONS if n in ds]
    keep = ds[["capacity", *names]]
    if "cell" not in keep.dims:
        keep = keep.expand_dims(cell=[str(ds.attrs.get("cell_id", "cell"))])
    frame = keep.to_dataframe().reset_index()
    frame = frame[np.isfinite(frame["capacity"].to_numpy(dtype=float))]
    frame["capacity"] = frame["capacity"] * CAPACITY_UNITS[units]
    return frame.sort_values(["cell", "cycle"], kind="stable").reset_index(drop=True)


def _columns(frame: pd.DataFrame, source: str) -> dict[str, tuple[str, float, float]]:
    """``{field: (header, scale, offset)}`` of the fields found in ``frame``."""
    by_lower = {str(h).strip().lower(): h for h in frame.columns}
    found = {}
    for name, aliases in ALIASES.items():
        hits = [(by_lower[a], *aliases[a]) for a in aliases if a in by_lower]
        if len(hits) > 1:
            raise DataFormatError(
                f"{source}: columns {[h[0] for h in hits]} all name the {name}; keep one"
            )
        if hits:
            found[name] = hits[0]
        elif name in REQUIRED:
            raise DataFormatError(
                f"{source}: no {name} column (columns: {[str(c) for c in frame.columns]}); "
                f"accepted names are {sorted(aliases)} (case-insensitive)"
            )
    return found


def _from_frame(frame: pd.DataFrame, source: str, first_line: int | None) -> CapacityTable:
    columns = _columns(frame, source)

    def where(row: int) -> str:
        return f"line {row + first_line}" if first_line is not None else f"row {row}"

    def numbers(name: str) -> NDArray[np.float64]:
        header, scale, offset = columns[name]
        values = pd.to_numeric(frame[header], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.argmax(bad))
            raise DataFormatError(
                f"{source}, {where(row)}, column {header!r}: {frame[header].iloc[row]!r} is "
                "not a number; every row needs a finite value"
            )
        return values * scale + offset

    if len(frame) == 0:
        raise DataFormatError(f"{source}: the table has no rows")
    cell = frame[columns["cell"][0]].astype(str).to_numpy()
    cycle = numbers("cycle")
    capacity = numbers("capacity")
    header = columns["cycle"][0]
    if (cycle < 0).any():
        row = int(np.argmax(cycle < 0))
        raise DataFormatError(
            f"{source}, {where(row)}, column {header!r}: cycle {cycle[row]:g} < 0; "
            "cycle counts are >= 0"
        )
    _check_capacity(capacity, columns["capacity"], source, where)
    conditions = {name: numbers(name) for name in CONDITIONS if name in columns}
    _check_conditions(conditions, columns, source, where)
    for name in dict.fromkeys(cell):
        rows = np.flatnonzero(cell == name)
        back = np.diff(cycle[rows]) < 0
        if back.any():
            k = int(np.argmax(back)) + 1
            raise DataFormatError(
                f"{source}, {where(int(rows[k]))}, column {header!r}: the cycles of cell "
                f"{name!r} go back from {cycle[rows[k - 1]]:g} to {cycle[rows[k]]:g}; a "
                "cell's cycles must not decrease (sort by cycle only if the rows really are "
                "in the wrong order)"
            )
    return _averaged(cell, cycle, capacity, conditions, source)


def _check_capacity(capacity, column, source, where) -> None:
    header, scale, _ = column
    if (capacity <= 0).any():
        row = int(np.argmax(capacity <= 0))
        raise DataFormatError(
            f"{source}, {where(row)}, column {header!r}: capacity {capacity[row]:g} A.h; "
            "a capacity must be > 0"
        )
    if scale == 1.0 and header.strip().lower() == "capacity":
        big = capacity > MAX_UNLABELLED_CAPACITY
        if big.any():
            row = int(np.argmax(big))
            raise DataFormatError(
                f"{source}, {where(row)}, column {header!r}: capacity {capacity[row]:g} is "
                f"above {MAX_UNLABELLED_CAPACITY:g} A.h: mA.h read as A.h? Name the column "
                "'capacity_mAh' (converted) or give it in A.h"
            )


def _check_conditions(conditions, columns, source, where) -> None:
    if "temperature" in conditions:
        t = conditions["temperature"]
        low, high = TEMPERATURE_RANGE
        bad = (t < low) | (t > high)
        if bad.any():
            row = int(np.argmax(bad))
            raise DataFormatError(
                f"{source}, {where(row)}, column {columns['temperature'][0]!r}: temperature "
                f"{t[row]:g} K is outside {low:g}..{high:g} K (°C given as K? name the "
                "column 'temperature_degC')"
            )
    for name in ("depth_of_discharge", "c_rate"):
        if name in conditions:
            v = conditions[name]
            upper = 1.0 if name == "depth_of_discharge" else np.inf
            bad = (v <= 0) | (v > upper)
            if bad.any():
                row = int(np.argmax(bad))
                raise DataFormatError(
                    f"{source}, {where(row)}, column {columns[name][0]!r}: {v[row]:g} is "
                    f"outside (0, {upper:g}] ({name} as a fraction: 0.8, not 80)"
                )


def _averaged(cell, cycle, capacity, conditions, source) -> CapacityTable:
    """One row per (cell, cycle): repeated measurements averaged, in order of appearance."""
    order = {name: i for i, name in enumerate(dict.fromkeys(cell))}
    frame = pd.DataFrame(
        {"cell": cell, "order": [order[c] for c in cell], "cycle": cycle, "capacity": capacity}
    )
    for name, values in conditions.items():
        frame[name] = values
    frame = frame.groupby(["order", "cell", "cycle"], as_index=False, sort=True).mean()
    return CapacityTable(
        frame["cell"].to_numpy().astype(str),
        frame["cycle"].to_numpy(dtype=np.float64),
        frame["capacity"].to_numpy(dtype=np.float64),
        {name: frame[name].to_numpy(dtype=np.float64) for name in conditions},
        source,
    )
