"""``cellsim demo``: a real run that prints a table and writes a figure.

Today: rate capability of the LG M50 cell (PyBaMM's ``Chen2020`` DFN with a lumped
thermal model) at C/2, 1C and 2C, with the measured LG M50 curves overlaid when the
shared data folder is present. It grows into a ten-year lifetime projection with the
lifecycle engine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from cellsim._cell import Cell
from cellsim._simulate import simulate
from cellsim._summary import format_table

RATES = (0.5, 1.0, 2.0)


def data_dir() -> Path:
    """Folder of the shared measured data.

    ``CELLSIM_DATA_DIR`` if set, else ``../shared/data`` beside the working directory or
    beside the source checkout.
    """
    if "CELLSIM_DATA_DIR" in os.environ:
        return Path(os.environ["CELLSIM_DATA_DIR"])
    for root in (Path.cwd(), Path(__file__).resolve().parents[1]):
        candidate = root.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def figures_dir() -> Path:
    path = Path(os.environ.get("CELLSIM_FIGURES", "figures"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _measured_lgm50(rate: float):
    """(capacity A.h, voltage V, time h, temperature °C) of the first measured CC
    discharge at ``rate``, or None.

    Source: D. Widanage, LG M50 rate tests at 25 °C (``lgm50_wmg``); the file's
    current is negative on discharge, so discharge capacity integrates ``-current``.
    """
    path = data_dir() / "lgm50_wmg" / "ratetest_25degC.csv.gz"
    if not path.is_file():
        return None
    import pandas as pd

    df = pd.read_csv(path)
    df = df[df["c_rate"] == rate]
    discharging = (df["current_A"] < -0.01).to_numpy()
    if not discharging.any():
        return None
    start = int(np.argmax(discharging))
    stop = start + int(np.argmin(discharging[start:])) if not discharging[start:].all() else None
    seg = df.iloc[start:stop]
    t = seg["time_s"].to_numpy()
    current = -seg["current_A"].to_numpy()
    capacity = np.concatenate([[0.0], np.cumsum(0.5 * (current[1:] + current[:-1]) * np.diff(t))])
    return (
        capacity / 3600.0,
        seg["voltage_V"].to_numpy(),
        (t - t[0]) / 3600.0,
        seg["cell_temp_mid_degC"].to_numpy(),
    )


def run() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cell = Cell("Chen2020", model="DFN", options={"thermal": "lumped"})
    print(f"cellsim demo: rate capability of {cell.parameter_set} ({cell.model}, lumped thermal)")
    rows, results = [], {}
    for rate in RATES:
        start = time.perf_counter()
        ds = simulate(cell, f"Discharge at {rate:g}C until 2.5 V", initial_soc=1.0)
        elapsed = time.perf_counter() - start
        q = ds["discharge_capacity"].values
        energy = float(np.trapezoid(ds["power"].values, ds["time"].values)) / 3600
        rows.append(
            {
                "rate": rate,
                "capacity": float(q[-1]),
                "energy": energy,
                "mean_v": energy / float(q[-1]),
                "t_max": float(ds["temperature"].max()) - 273.15,
                "seconds": elapsed,
            }
        )
        results[rate] = ds
    print(
        format_table(
            rows,
            [
                ("rate", "C-rate", ".2f"),
                ("capacity", "capacity/Ah", ".3f"),
                ("energy", "energy/Wh", ".2f"),
                ("mean_v", "mean V", ".3f"),
                ("t_max", "T max/degC", ".1f"),
                ("seconds", "wall/s", ".2f"),
            ],
        )
    )

    fig, (ax_v, ax_t) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    any_measured = False
    for rate, ds in results.items():
        line = ax_v.plot(ds["discharge_capacity"], ds["voltage"], label=f"model {rate:g}C")[0]
        ax_t.plot(ds["time"] / 3600, ds["temperature"] - 273.15, color=line.get_color())
        measured = _measured_lgm50(rate)
        if measured is not None:
            any_measured = True
            q, v, hours, temp = measured
            ax_v.plot(q, v, ls="--", color=line.get_color(), label=f"measured {rate:g}C")
            ax_t.plot(hours, temp, ls="--", color=line.get_color())
    ax_v.set(xlabel="discharged capacity / A.h", ylabel="voltage / V", title="Discharge")
    ax_t.set(xlabel="time / h", ylabel="cell temperature / °C", title="Temperature")
    ax_v.legend(fontsize=8)
    fig.suptitle(
        "cellsim: LG M50 (Chen2020 DFN, lumped thermal), 25 °C ambient; dashed: measured "
        "(Widanage, WMG)"
        if any_measured
        else "cellsim: LG M50 (Chen2020 DFN, lumped thermal), 25 °C ambient"
    )
    out = figures_dir() / "demo_rate_capability.png"
    fig.savefig(out, dpi=120)
    plt.close(fig)
    print(f"figure written to {out}")
    return 0
