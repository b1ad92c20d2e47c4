"""Per-step summaries of a time-series result (for tables on the command line)."""

from __future__ import annotations

import numpy as np
import xarray as xr


def step_table(ds: xr.Dataset) -> list[dict[str, float]]:
    """One row per (cycle, step) run: duration, charge, energy, voltages."""
    rows = []
    key = ds["cycle"].values.astype(np.int64) * 100_000 + ds["step"].values
    edges = np.flatnonzero(np.diff(key)) + 1
    for idx in np.split(np.arange(key.size), edges):
        if idx.size == 0:
            continue
        part = ds.isel(time=idx)
        t = part["time"].values
        q = part["discharge_capacity"].values
        energy = float(np.trapezoid(part["voltage"].values * part["current"].values, t)) / 3600
        rows.append(
            {
                "cycle": int(part["cycle"].values[0]),
                "step": int(part["step"].values[0]),
                "duration_h": float(t[-1] - t[0]) / 3600,
                "charge_Ah": float(q[-1] - q[0]),
                "energy_Wh": energy,
                "v_start": float(part["voltage"].values[0]),
                "v_end": float(part["voltage"].values[-1]),
                "t_max_C": float(part["temperature"].values.max()) - 273.15,
            }
        )
    return rows


def format_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """A fixed-width text table; ``columns`` are (key, header, format)."""
    widths = [max(len(h), 9) for _, h, _ in columns]
    lines = ["  ".join(h.rjust(w) for (_, h, _), w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = (
            ("-" if row[k] != row[k] else format(row[k], f)).rjust(w)  # NaN: not defined
            for (k, _, f), w in zip(columns, widths, strict=True)
        )
        lines.append("  ".join(cells))
    return "\n".join(lines)
