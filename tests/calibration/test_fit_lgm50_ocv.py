"""The OCV-balanced LG M50 refit of examples/fit_lgm50.py, replayed: after each measured
discharge its cell rests where the real cell does, which the C/10-balanced refit does
not (the reason for balancing on the OCV), and with its exchange-current factor it fits
each discharge within the 20 mV per sample, without re-running the fits."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

import calibration
import cellsim

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("CELLSIM_DATA_DIR", ROOT.parent / "shared" / "data")) / "lgm50_wmg"
#: V: the OCV refit's rest ends are within this of the measured (measured 48, 2, 6 mV at
#: C/10, C/2, 1C); the C/10-balanced refit's are 254, 156 and 106 mV off.
REST_END = 0.060
#: V, per-sample RMSE on each fitted discharge (measured 12.4, 11.9, 11.9 mV; without the
#: exchange-current factor 74, 75, 21 mV).
TARGET = 0.020


def _example():
    spec = importlib.util.spec_from_file_location("fit_lgm50", ROOT / "examples" / "fit_lgm50.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (DATA / "ratetest_25degC.csv.gz").exists(), reason=f"no data in {DATA}")
@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0])
def test_ocv_balanced_cell_rests_where_the_real_cell_does(rate):
    example = _example()
    data = calibration.load(DATA / "ratetest_25degC.csv.gz", select={"c_rate": rate})
    data = data.where(data.step <= 3, drop=True)  # the discharge and the rest after it
    measured_end = float(data.voltage.values[-1])
    ends = {}
    for name, overrides in (("ocv", example.OCV_FITTED), ("c10", example.FITTED)):
        cell = cellsim.Cell(
            "Chen2020", model="SPMe", options=example.FITTED_OPTIONS, overrides=overrides
        )
        model = calibration.replay(cell, data)
        ends[name] = float(
            np.interp(
                data.time.values[-1] - data.time.values[0] - 1.0,
                model.time.values,
                model.voltage.values,
            )
        )
    assert abs(ends["ocv"] - measured_end) <= REST_END, (rate, ends, measured_end)
    assert abs(ends["c10"] - measured_end) > REST_END, (rate, ends, measured_end)


@pytest.mark.skipif(not (DATA / "ratetest_25degC.csv.gz").exists(), reason=f"no data in {DATA}")
@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0])
def test_ocv_balanced_cell_meets_the_per_sample_target(rate):
    example = _example()
    cell = cellsim.Cell(
        "Chen2020", model="SPMe", options=example.FITTED_OPTIONS, overrides=example.OCV_FITTED
    )
    data = calibration.load(DATA / "ratetest_25degC.csv.gz", select={"c_rate": rate})
    discharge = data.where(data.step <= 2, drop=True)
    error = example.per_sample(calibration.replay(cell, discharge), discharge)
    assert error <= TARGET, f"{rate}C: {1e3 * error:.1f} mV per sample"
    # without the exchange-current factor the same cell misses it at C/10 and C/2
    plain = {k: v for k, v in example.OCV_FITTED.items() if "exchange-current" not in k}
    if rate < 1.0:
        cell = cellsim.Cell(
            "Chen2020", model="SPMe", options=example.FITTED_OPTIONS, overrides=plain
        )
        error = example.per_sample(calibration.replay(cell, discharge), discharge)
        assert error > TARGET, f"{rate}C: {1e3 * error:.1f} mV per sample"
