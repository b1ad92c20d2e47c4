"""The offline fit of ``zinc_iodide_pnnl`` to PNNL cycle 1 (run once; results are in
:data:`chemistries.zinc_halogen.parameters.zinc_iodide_pnnl.FITTED`).

Fitted: four parameters the PNNL sheet is silent on or only assumes, with the open-
circuit voltage left at the ideal Nernst law on the sheet's standard potentials:

* the area-specific resistance in series with the membrane (electrolyte, felts,
  contacts; the sheet gives only the membrane's conductivity);
* the I3- permeability of the membrane (the sheet's 1e-12 m2/s is marked "not used");
* the transfer coefficient of the iodine electrode (the sheet's 0.5 is "assumed"); it
  shapes the knee before the end of discharge;
* the cation transference number of the Nafion membrane in 1.5 M ZnI2 (not on the
  sheet; 1 would be perfect co-ion exclusion); it sets how fast the catholyte's
  iodide runs down, i.e. the rise of the voltage at the end of charge.

Cost: the voltage residuals at every measured point of the charge, rest and
discharge (the model with the option "double layer", on IDAKLU, as it was fitted,
output at every integrator step),
plus the coulombic-efficiency residual weighted :data:`CE_WEIGHT` volts per unit.
Minimised with ``scipy.optimize.least_squares`` (trust-region reflective, bounds below).

The start of the charge (:func:`start_of_charge`), with the option "double layer":
cycle 1 starts from a zinc-free felt resting at 0.61 V. In the first 1.6 s the voltage
climbs to 1.35-1.46 V as the electrodes' double layers charge (fast while both charge
in series, then slower once the iodide oxidation carries the positive's current), then
sits on a nucleation plateau until 0.0385 A.h has passed, and drops to the growth
voltage. Cycles 2-4 start with zinc left on the felt (rest 1.19 V) and show no plateau.
Derived here, in this order:

* the two double-layer capacitances, fitted to the 6 points of the rise (first 0.8 s);
* the nucleation overpotential, so that the model's mean voltage over 61.6-172.7 s
  equals the cycler's (its energy over its charge counter there: 1.398 V; the logged
  points, recorded on voltage changes, over-sample the spikes);
* the nucleation amount: the zinc the model has plated when the cycler's charge counter
  is midway between the last plateau record and the first growth record.

Run ``python -m chemistries.zinc_halogen._fit_pnnl`` (a minute or two).
"""

from __future__ import annotations

import numpy as np

#: Volts of residual per unit of coulombic-efficiency error (0.1 % of CE ~ 20 mV).
CE_WEIGHT = 20.0

FITTED_NAMES = (
    "Other area-specific resistance [Ohm.m2]",
    "Separator halogen permeability [m2.s-1]",
    "Positive electrode transfer coefficient",
    "Cation transference number of the separator",
)
#: Scales that make the fitted parameters O(1) for the optimiser, and the bounds.
SCALES = np.array([1e-5, 1e-12, 1.0, 1.0])
LOWER = np.array([0.0, 0.0, 0.05, 0.0])
UPPER = np.array([np.inf, np.inf, 0.95, 1.0])


#: Names derived by :func:`start_of_charge`.
START_NAMES = (
    "Positive electrode double-layer capacitance [F.m-2]",
    "Negative electrode double-layer capacitance [F.m-2]",
    "Zinc nucleation overpotential [V]",
    "Zinc nucleation amount [mol.m-2]",
)
#: The plateau window, s since the charge began (Arbin records 9 and 14), and the last
#: plateau and first growth records (14 and 15).
PLATEAU = (61.64, 172.71)
LAST_PLATEAU, FIRST_GROWTH = 172.71, 173.86


def _counter_mean_voltage(table, start: float, end: float) -> float:
    """Mean voltage between two step times from the cycler's energy and charge counters."""
    rows = table.set_index("Step_Time(s)")
    e = np.interp([start, end], rows.index, rows["Charge_Energy(Wh)"])
    q = np.interp([start, end], rows.index, rows["Charge_Capacity(Ah)"])
    return float((e[1] - e[0]) / (q[1] - q[0]))


def start_of_charge(values: dict[str, float] | None = None) -> dict[str, float]:
    """Derive :data:`START_NAMES` from the first 176 s of cycle 1 (see the module notes)."""
    import pandas as pd
    from scipy.optimize import brentq, least_squares

    import cellsim
    from chemistries.zinc_halogen import _pnnl
    from chemistries.zinc_halogen.parameters import zinc_iodide_pnnl

    data = _pnnl.load_cycle()
    table = pd.read_csv(_pnnl.data_dir() / _pnnl.FOLDER / _pnnl.FILE)
    table = table[(table["Cycle_Index"] == 1) & (table["Step_Index"] == _pnnl.STEPS[0])].copy()
    table["Step_Time(s)"] -= table["Step_Time(s)"].iloc[0]
    values = dict(values or {n: zinc_iodide_pnnl.PARAMETERS[n][0] for n in START_NAMES})
    values[START_NAMES[3]] = 1.0  # no coalescence until it is derived
    cell = cellsim.Cell("zinc_iodide_pnnl", model="0D", options={"double layer": True})

    def charge(seconds: float, **changes: float):
        inputs = {**values, **changes}
        protocol = f"Charge at 0.8 A for {seconds} seconds"
        return cellsim.simulate(cell, protocol, initial_soc=0.0, inputs=inputs, solver="idaklu")

    first = (data.step == 0) & (data.step_time < 1.0)  # the rise, before the plateau

    def rise(x):
        ds = charge(2.0, **dict(zip(START_NAMES[:2], np.exp(x), strict=True)))
        return np.interp(data.step_time[first], ds.time, ds.voltage) - data.voltage[first]

    # Start from the two slopes of the rise: both double layers in series over the first
    # 0.17 s, the zinc electrode's alone from there to 0.78 s (records 1, 4 and 6).
    t, v = data.step_time[first], data.voltage[first]
    area = zinc_iodide_pnnl.PARAMETERS["Electrode area [m2]"][0]
    series = 0.8 / ((v[3] - v[0]) / (t[3] - t[0])) / area
    negative = 0.8 / ((v[5] - v[3]) / (t[5] - t[3])) / area
    start = np.log([1 / (1 / series - 1 / negative), negative])
    values.update(zip(START_NAMES[:2], np.exp(least_squares(rise, start).x), strict=True))

    target = _counter_mean_voltage(table, *PLATEAU)

    def plateau(eta: float) -> float:
        ds = charge(PLATEAU[1], **{START_NAMES[2]: eta})
        t, v = ds.time.values, ds.voltage.values
        inside = t >= PLATEAU[0]
        return np.trapezoid(v[inside], t[inside]) / (t[inside][-1] - t[inside][0]) - target

    values[START_NAMES[2]] = brentq(plateau, 0.05, 0.3, xtol=1e-5)

    passed = np.interp(
        [LAST_PLATEAU, FIRST_GROWTH], table["Step_Time(s)"], table["Charge_Capacity(Ah)"]
    )
    midway = float(np.mean(passed)) / 0.8 * 3600  # s at 0.8 A
    ds = charge(FIRST_GROWTH + 1)
    values[START_NAMES[3]] = float(np.interp(midway, ds.time, ds.plated_zinc))
    return {n: values[n] for n in START_NAMES}


def residuals(x: np.ndarray, data, cell) -> np.ndarray:
    """Voltage residuals at every measured point and the weighted CE residual."""
    import cellsim
    from chemistries.zinc_halogen import _pnnl

    inputs = dict(zip(FITTED_NAMES, (x * SCALES).tolist(), strict=True))
    ds = cellsim.simulate(
        cell, list(_pnnl.PROTOCOL), initial_soc=0.0, inputs=inputs, solver="idaklu"
    )
    errors = _pnnl.voltage_errors(ds, data)
    ce = _pnnl.compare(ds, data).coulombic_efficiency
    return np.append(errors, CE_WEIGHT * (ce - data.coulombic_efficiency))


def fit() -> dict[str, float]:
    """Fit :data:`FITTED_NAMES` to PNNL cycle 1 from the set's current values."""
    from scipy.optimize import least_squares

    import cellsim
    from chemistries.zinc_halogen import _pnnl
    from chemistries.zinc_halogen.parameters import zinc_iodide_pnnl

    data = _pnnl.load_cycle()
    cell = cellsim.Cell("zinc_iodide_pnnl", model="0D", options={"double layer": True})
    start = np.array([zinc_iodide_pnnl.PARAMETERS[n][0] for n in FITTED_NAMES]) / SCALES
    start = np.clip(start, LOWER / SCALES + 1e-3, UPPER / SCALES - 1e-3)
    result = least_squares(
        residuals,
        start,
        bounds=(LOWER / SCALES, UPPER / SCALES),
        args=(data, cell),
        diff_step=1e-2,
    )
    rms = float(np.sqrt(np.mean(result.fun[:-1] ** 2)))
    print(f"{result.message} ({result.nfev} evaluations); voltage RMSE {rms * 1e3:.2f} mV")
    return dict(zip(FITTED_NAMES, (result.x * SCALES).tolist(), strict=True))


if __name__ == "__main__":  # pragma: no cover - offline tool
    for name, value in start_of_charge().items():
        print(f"{name!r}: {value:.6g}")
    for name, value in fit().items():
        print(f"{name!r}: {value:.6g}")
