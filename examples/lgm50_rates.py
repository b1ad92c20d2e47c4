"""How far is the uncalibrated LG M50 model from the measured cell at C/10, C/2 and 1C?

PyBaMM's ``Chen2020`` parameter set describes the LG M50 (INR21700-M50, NMC811 /
graphite-SiOx, 5 A.h). This example discharges that cell with :func:`cellsim.simulate`
(a DFN, isothermal at the measured 25 °C ambient) at each current measured in the WMG
rate test, from full to 2.5 V, and compares voltage against discharged capacity with the
measurement: it prints, per rate, the delivered capacity of both and the voltage RMSE,
and writes ``lgm50_rates.png`` (voltage and model - measured against capacity) to
``$CELLSIM_FIGURES`` (default ``./figures``).

The data: ``lgm50_wmg/ratetest_25degC.csv.gz`` in the shared data folder
(``$CELLSIM_DATA_DIR``, default ``../shared/data`` beside the project): constant-current
discharges 4.2 V to 2.5 V at 0.1C, 0.5C and 1C at 25 °C ambient, read with
:func:`calibration.load` (one rate at a time, ``select={"c_rate": rate}``; the file's
discharge current is negative and comes out positive, cellsim's convention). Each model
discharge replays the measured mean current of that discharge.

How the numbers are measured: the discharged capacity of the measurement is the
trapezoidal integral of its current; the model is output every 10 s (``period=10``);
the RMSE is taken on 500 equally spaced capacities from 0 to the smaller of the two
delivered capacities. The measurement is logged unevenly (at C/2, 109 of its 277
samples fall in the last fifth of the discharge, where the voltage drops fast), so an
RMSE over its raw samples would weigh the knee several times over: 159 mV at C/2.
The model starts at ``initial_soc=1.0``: its open-circuit voltage there is 4.200 V,
about 20 mV above the rest voltage the cell relaxed to before each discharge (both
printed).

What to expect (the full run, DFN): the uncalibrated set delivers 3.8-4.7 % more
capacity than this cell, and its voltage lies 10-90 mV above the measurement over most of the
discharge and hundreds of mV above it at the end, where the measured cell runs out
first: an RMSE of 87-93 mV at each rate. Fitting the cell (``calibration.fit``, being
written) is what closes that gap.

Usage::

    python examples/lgm50_rates.py
    CELLSIM_EXAMPLE_QUICK=1 python examples/lgm50_rates.py   # SPMe, C/2 and 1C only

References
----------
.. [1] C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick,
   "Development of experimental techniques for parameterization of multi-scale lithium-ion
   battery models", J. Electrochem. Soc. 167 (2020) 080534 (the Chen2020 parameters).
.. [2] W. D. Widanage, LG M50 rate tests at 25 °C (WMG, University of Warwick), from the
   Simscape Battery Library (MIT), as redistributed by the PyBOP repository (BSD-3).
.. [3] M. Doyle, T. F. Fuller, J. Newman, "Modeling of galvanostatic charge and discharge
   of the lithium/polymer/insertion cell", J. Electrochem. Soc. 140 (1993) 1526 (the DFN).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import calibration
import cellsim

RATES = (0.1, 0.5, 1.0)
QUICK_RATES = (0.5, 1.0)
#: Model output spacing, s, and number of capacities the RMSE is taken on.
PERIOD = 10.0
GRID = 500
CUTOFF = 2.5  # V, as in the measurement
#: Exit code of an example whose data is absent (the tests report it as skipped).
NO_DATA = 77


def data_file() -> Path:
    """The WMG rate test, from ``$CELLSIM_DATA_DIR`` or ``../shared/data``."""
    root = os.environ.get("CELLSIM_DATA_DIR")
    folder = Path(root) if root else Path(__file__).resolve().parents[2] / "shared" / "data"
    return folder / "lgm50_wmg" / "ratetest_25degC.csv.gz"


def measured_discharge(path: Path, rate: float):
    """The measured discharge at ``rate``: its Dataset, discharged capacity (A.h), mean
    current (A) and the rest voltage before it (V)."""
    ds = calibration.load(path, select={"c_rate": rate})
    first = int(np.argmax(ds["current"].values > 0.0))  # > 0 is discharge
    rest_voltage = float(ds["voltage"].values[max(first - 1, 0)])
    step = ds["step"].values[first]
    seg = ds.isel(time=np.flatnonzero(ds["step"].values == step))
    t, current = seg["time"].values, seg["current"].values
    charge = np.concatenate([[0.0], np.cumsum(0.5 * (current[1:] + current[:-1]) * np.diff(t))])
    mean_current = charge[-1] / (t[-1] - t[0])
    return seg, charge / 3600.0, mean_current, rest_voltage


def rmse_on_capacity(q_a, v_a, q_b, v_b) -> float:
    """RMSE (V) of two voltage-capacity curves on equally spaced common capacities."""
    grid = np.linspace(0.0, min(q_a[-1], q_b[-1]), GRID)
    return float(np.sqrt(np.mean((np.interp(grid, q_a, v_a) - np.interp(grid, q_b, v_b)) ** 2)))


def figure(curves, cell: cellsim.Cell, path: Path) -> None:
    """Voltage against capacity (model solid, measured dashed) and their difference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_v, ax_d) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for i, (rate, (q_m, v_m, q_s, v_s, rmse)) in enumerate(curves.items()):
        color = f"C{i}"
        ax_v.plot(q_s, v_s, color=color, label=f"model {rate:g}C")
        ax_v.plot(q_m, v_m, color=color, ls="--", label=f"measured {rate:g}C")
        grid = np.linspace(0.0, min(q_m[-1], q_s[-1]), GRID)
        diff = 1e3 * (np.interp(grid, q_s, v_s) - np.interp(grid, q_m, v_m))
        ax_d.plot(grid, diff, color=color, label=f"{rate:g}C: RMSE {1e3 * rmse:.0f} mV")
    ax_v.set(xlabel="discharged capacity / A.h", ylabel="voltage / V", title="Discharge")
    ax_v.legend(fontsize=8)
    ax_d.axhline(0.0, color="k", lw=0.5)
    ax_d.set(
        xlabel="discharged capacity / A.h",
        ylabel="model - measured / mV",
        title="Voltage difference",
    )
    ax_d.legend(fontsize=8)
    fig.suptitle(
        f"cellsim: LG M50, {cell.parameter_set} {cell.model} (uncalibrated) against the WMG "
        "rate test at 25 °C (dashed: measured, Widanage)",
        fontsize=9,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"figure written to {path}")


def main() -> int:
    quick = os.environ.get("CELLSIM_EXAMPLE_QUICK") == "1"
    path = data_file()
    if not path.is_file():
        print(f"lgm50_rates: the measured data {path} is absent (set CELLSIM_DATA_DIR)")
        return NO_DATA
    cell = cellsim.Cell("Chen2020", model="SPMe" if quick else "DFN")
    print(f"LG M50 rate test against {cell.parameter_set} {cell.model}, from full to {CUTOFF} V")
    print("rate  current/A  rest V meas / model OCV  capacity/A.h meas  model  (diff)  RMSE/mV")
    curves = {}
    for rate in QUICK_RATES if quick else RATES:
        seg, q_m, current, rest_voltage = measured_discharge(path, rate)
        ambient = float(seg["ambient_temperature"].mean())
        step = cellsim.Current(current=current, until=(cellsim.VoltageCutoff(CUTOFF),))
        protocol = cellsim.Protocol([step], temperature=ambient)
        sim = cellsim.simulate(cell, protocol, initial_soc=1.0, period=PERIOD)
        q_s, v_s = sim["discharge_capacity"].values, sim["voltage"].values
        v_m = seg["voltage"].values
        rmse = rmse_on_capacity(q_s, v_s, q_m, v_m)
        curves[rate] = (q_m, v_m, q_s, v_s, rmse)
        print(
            f"{rate:4g}C {current:9.4f}  {rest_voltage:.3f} / {float(sim['ocv'][0]):.3f}"
            f"              {q_m[-1]:.3f}  {q_s[-1]:.3f}  ({100 * (q_s[-1] / q_m[-1] - 1):+.1f} %)"
            f"  {1e3 * rmse:6.1f}"
        )
    figures = Path(os.environ.get("CELLSIM_FIGURES", "figures"))
    figure(curves, cell, figures / "lgm50_rates.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
