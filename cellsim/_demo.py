"""``cellsim demo``: a real run that prints a table and writes a figure.

The default is a ten-year lifetime projection of the LG M50 cell (PyBaMM's
``OKane2022`` parameters, SPMe with solvent-diffusion-limited SEI growth) under daily
peak shaving, by :func:`cellsim.age` with inter-cycle extrapolation. ``cellsim demo
--rates`` is the rate capability of the same cell type (``Chen2020`` DFN, lumped
thermal) at C/2, 1C and 2C against the measured LG M50 curves.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from scipy.integrate import cumulative_trapezoid

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


def _pyplot():
    """matplotlib's pyplot on the file-only backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, fig, name: str) -> None:
    out = figures_dir() / name
    fig.savefig(out, dpi=120)
    plt.close(fig)
    print(f"figure written to {out}")


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
    capacity = cumulative_trapezoid(current, t, initial=0.0)
    return (
        capacity / 3600.0,
        seg["voltage_V"].to_numpy(),
        (t - t[0]) / 3600.0,
        seg["cell_temp_mid_degC"].to_numpy(),
    )


def run(rates: bool = False) -> int:
    return rate_capability() if rates else lifetime()


#: The demo's duty, once a day: CC-CV recharge overnight, 12 W (about C/1.5) to 2.5 V at
#: the evening peak. The cell is delivered half charged.
LIFE_YEARS = 10
LIFE_POWER = 12.0


def lifetime() -> int:
    """Ten years of daily peak shaving: a table by year and a figure."""
    plt = _pyplot()

    from cellsim import duties
    from cellsim._age import age

    cell = Cell("OKane2022", model="SPMe", options={"SEI": "solvent-diffusion limited"})
    duty = duties.peak_shaving(power=LIFE_POWER, capacity=5.0, depth_of_discharge=1.0)
    print(
        f"cellsim demo: {LIFE_YEARS} years of daily peak shaving (CC-CV recharge overnight, "
        f"{LIFE_POWER:g} W to 2.5 V at the evening peak) of the LG M50 "
        f"({cell.parameter_set} {cell.model}, SEI growth); the first run on a machine "
        "compiles the model to machine code (~20 s, cached)"
    )
    start = time.perf_counter()
    days = round(LIFE_YEARS * 365.25)  # one cycle a day (a first cycle from half full is shorter)
    ds = age(cell, duty, cycles=days, method="extrapolate", initial_soc=0.5)
    elapsed = time.perf_counter() - start
    years = ds["time"].values / (365.25 * 86400.0)
    rows = []
    for year in range(LIFE_YEARS + 1):
        i = 0 if year == 0 else int(np.searchsorted(years, year - 1e-9))
        i = min(i, ds.cycle.size - 1)
        rows.append(
            {
                "year": float(year),
                "cycle": float(ds.cycle[i]),
                "capacity": float(ds.capacity[i]),
                "soh": 100.0 * float(ds.soh[i]),
                "lli": float(ds.lli[i]),
                # the first cycle charges from the delivered state: not an efficiency
                "eff": 100.0 * float(ds.energy_efficiency[i]) if i > 0 else float("nan"),
                "simulated": float(ds.simulated[: i + 1].sum()),
            }
        )
    print(
        format_table(
            rows,
            [
                ("year", "year", ".0f"),
                ("cycle", "cycle", ".0f"),
                ("capacity", "capacity/Ah", ".3f"),
                ("soh", "SOH/%", ".2f"),
                ("lli", "LLI/%", ".2f"),
                ("eff", "energy eff/%", ".2f"),
                ("simulated", "simulated", ".0f"),
            ],
        )
    )
    print(
        f"{ds.cycle.size} cycles, {int(ds.simulated.sum())} simulated, the rest extrapolated; "
        f"{elapsed:.1f} s"
    )
    fig, (ax_c, ax_l) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    real = ds.simulated.values == 1
    ax_c.plot(years, ds.soh * 100, label="projection")
    ax_c.plot(years[real], ds.soh.values[real] * 100, "o", ms=3, label="simulated cycles")
    ax_c.set(xlabel="years", ylabel="SOH / % (capacity / first)", title="State of health")
    ax_c.legend(fontsize=8)
    ax_l.plot(years, ds.lli, color="C3")
    ax_l.set(xlabel="years", ylabel="loss of lithium inventory / %", title="Lithium lost")
    fig.suptitle(
        f"cellsim: LG M50 ({cell.parameter_set} {cell.model} + SEI), daily peak shaving "
        f"at {LIFE_POWER:g} W, 25 °C"
    )
    _save(plt, fig, "demo_lifetime.png")
    return 0


def rate_capability() -> int:
    """Rate capability of the LG M50 against its measured discharges."""
    plt = _pyplot()

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
    _save(plt, fig, "demo_rate_capability.png")
    return 0
