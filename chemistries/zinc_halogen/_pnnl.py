"""The PNNL 1.5 M ZnI2 flow-cell data: cycle loader, replay protocol and figures of merit.

The Arbin export ``flowcell_1p5M_ZnI2_cycling.csv`` (``../shared/data/zinc_iodide_pnnl``,
from PNNL's EZBattery repository; cite Li et al., Nat. Commun. 6 (2015) 6303) has
positive current on charge; :func:`load_cycle` converts to cellsim's convention
(current > 0 is discharge).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cellsim import DataFormatError

FILE = "flowcell_1p5M_ZnI2_cycling.csv"
FOLDER = "zinc_iodide_pnnl"

#: The cycle-1 protocol of the issue: charge 0.8 A for 14,470 s, rest 30 s,
#: discharge 0.8 A to 0.5 V (Arbin steps 10, 11, 12).
PROTOCOL = (
    "Charge at 0.8 A for 14470 seconds",
    "Rest for 30 seconds",
    "Discharge at 0.8 A until 0.5 V",
)
#: Arbin step index of each protocol step.
STEPS = (10, 11, 12)


def data_dir() -> Path:
    """``CELLSIM_DATA_DIR`` if set, else ``../shared/data`` beside the project root."""
    if "CELLSIM_DATA_DIR" in os.environ:
        return Path(os.environ["CELLSIM_DATA_DIR"])
    return Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass(frozen=True)
class Cycle:
    """One measured cycle, by protocol step.

    Attributes
    ----------
    step : numpy.ndarray
        Protocol step (0 charge, 1 rest, 2 discharge) of each point.
    step_time : numpy.ndarray
        Time since the step's current began, s.
    current, voltage : numpy.ndarray
        A (> 0 is discharge) and V.
    charge_capacity, discharge_capacity, charge_energy, discharge_energy : float
        The cycler's own counters at the end of the cycle, A.h and W.h.
    """

    step: np.ndarray
    step_time: np.ndarray
    current: np.ndarray
    voltage: np.ndarray
    charge_capacity: float
    discharge_capacity: float
    charge_energy: float
    discharge_energy: float

    @property
    def coulombic_efficiency(self) -> float:
        return self.discharge_capacity / self.charge_capacity

    @property
    def energy_efficiency(self) -> float:
        return self.discharge_energy / self.charge_energy


def load_cycle(path: str | os.PathLike | None = None, cycle: int = 1) -> Cycle:
    """Read one cycle of the PNNL Arbin export.

    The charge step's clock is shifted so that 0 is when its current began: the
    Arbin step clock runs 3.0 s before the first (current-carrying) record.

    Raises
    ------
    DataFormatError
        The file lacks a column or the cycle's charge/rest/discharge steps.
    """
    import pandas as pd

    path = Path(path) if path is not None else data_dir() / FOLDER / FILE
    table = pd.read_csv(path)
    needed = ("Cycle_Index", "Step_Index", "Step_Time(s)", "Current(A)", "Voltage(V)")
    for column in needed:
        if column not in table:
            raise DataFormatError(f"{path}: no column {column!r} (Arbin export expected)")
    rows = table[(table["Cycle_Index"] == cycle) & table["Step_Index"].isin(STEPS)]
    steps = np.searchsorted(STEPS, rows["Step_Index"].to_numpy())
    if set(steps) != {0, 1, 2}:
        raise DataFormatError(f"{path}: cycle {cycle} lacks Arbin steps {STEPS}")
    step_time = rows["Step_Time(s)"].to_numpy(dtype=float).copy()
    first = rows["Step_Index"].to_numpy() == STEPS[0]
    step_time[first] -= step_time[first][0]
    return Cycle(
        step=steps.astype(np.int32),
        step_time=step_time,
        current=-rows["Current(A)"].to_numpy(dtype=float),  # Arbin: > 0 is charge
        voltage=rows["Voltage(V)"].to_numpy(dtype=float),
        charge_capacity=float(rows["Charge_Capacity(Ah)"].max()),
        discharge_capacity=float(rows["Discharge_Capacity(Ah)"].max()),
        charge_energy=float(rows["Charge_Energy(Wh)"].max()),
        discharge_energy=float(rows["Discharge_Energy(Wh)"].max()),
    )


@dataclass(frozen=True)
class Comparison:
    """Model against data over one cycle (capacities A.h, efficiencies and voltage V)."""

    discharge_capacity: float
    coulombic_efficiency: float
    energy_efficiency: float
    rmse: float
    rmse_by_step: tuple[float, float, float]
    max_error: float


def figures_of_merit(ds) -> tuple[float, float, float, float]:
    """Charge and discharge capacity (A.h) and energy (W.h) of a simulated cycle.

    Capacity from the discharge-capacity counter, energy by the trapezoidal rule on
    power over the output points (use a fine output ``period``).
    """
    t = ds["time"].values
    q = ds["discharge_capacity"].values
    power = ds["power"].values
    dq = np.diff(q)
    de = 0.5 * (power[1:] + power[:-1]) * np.diff(t) / 3600
    return (
        float(-dq[dq < 0].sum()),
        float(dq[dq > 0].sum()),
        float(-de[de < 0].sum()),
        float(de[de > 0].sum()),
    )


def voltage_errors(ds, data: Cycle) -> np.ndarray:
    """Model minus measured voltage at each measured point, V.

    The model voltage is interpolated at each measured point by step and time since
    the step began.
    """
    errors = np.empty(data.voltage.size)
    steps = ds["step"].values
    for k in range(3):
        mine = steps == k
        t_model = ds["time"].values[mine] - ds["time"].values[mine][0]
        theirs = data.step == k
        v = np.interp(data.step_time[theirs], t_model, ds["voltage"].values[mine])
        errors[theirs] = v - data.voltage[theirs]
    return errors


def compare(ds, data: Cycle) -> Comparison:
    """Compare a simulated replay of :data:`PROTOCOL` with the measured ``data``."""
    qc, qd, ec, ed = figures_of_merit(ds)
    errors = voltage_errors(ds, data)
    by_step = tuple(float(np.sqrt(np.mean(errors[data.step == k] ** 2))) for k in range(3))
    return Comparison(
        discharge_capacity=qd,
        coulombic_efficiency=qd / qc,
        energy_efficiency=ed / ec,
        rmse=float(np.sqrt(np.mean(errors**2))),
        rmse_by_step=by_step,
        max_error=float(np.max(np.abs(errors))),
    )
