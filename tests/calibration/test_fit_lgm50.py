"""The LG M50 fits of examples/fit_lgm50.py, replayed without re-running them: the
C/10-balanced refit meets the issue's target (voltage RMSE <= 20 mV per sample on each
of the C/10, C/2 and 1C discharges at 25 degC); the OCV-balanced refit meets it too with
its exchange-current factor, and after each measured discharge its cell rests where the
real cell does, which the C/10-balanced refit's does not (the reason for balancing on
the OCV)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from shared_data import DATA as SHARED_DATA

import calibration
import cellsim

ROOT = Path(__file__).resolve().parents[2]
DATA = SHARED_DATA / "lgm50_wmg"
#: V, per-sample RMSE on each fitted discharge (the OCV refit measured 16.0, 16.9, 19.1
#: mV; without its exchange-current factor 76, 110, 53 mV).
TARGET = 0.020
#: V: the OCV refit's rest ends are within this of the measured (measured 48, 2, 6 mV at
#: C/10, C/2, 1C); the C/10-balanced refit's are 250, 153 and 102 mV off.
REST_END = 0.060
#: The six pulse-tested cells' resistance 10 s into a 7.5 A pulse spreads 6-7 % (one
#: standard deviation) about its mean at SOC 20, 50 and 80 % (31.6-40.4 mOhm): a model of
#: the cell type may miss one cell's resistance by this share.
CELL_SPREAD = 0.10


def _cell(overrides) -> cellsim.Cell:
    """The example's fitted SPMe with ``overrides`` (its FITTED or OCV_FITTED values)."""
    return cellsim.Cell(
        "Chen2020", model="SPMe", options=_example().FITTED_OPTIONS, overrides=overrides
    )


def _rate_test(rate: float, last_step: int):
    """The rate test at ``rate`` C up to its step ``last_step`` (2: the rest before and
    the discharge; 3: and the rest after it)."""
    data = calibration.load(DATA / "ratetest_25degC.csv.gz", select={"c_rate": rate})
    return data.where(data.step <= last_step, drop=True)


def _example():
    spec = importlib.util.spec_from_file_location("fit_lgm50", ROOT / "examples" / "fit_lgm50.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (DATA / "ratetest_25degC.csv.gz").exists(), reason=f"no data in {DATA}")
@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0])
def test_fitted_lgm50_meets_the_per_sample_target(rate):
    example = _example()
    cell = _cell(example.FITTED)
    discharge = _rate_test(rate, 2)
    model = calibration.replay(cell, discharge)
    error = example.per_sample(model, discharge)
    assert error <= TARGET, f"{rate}C: {1e3 * error:.1f} mV per sample"
    # the uncalibrated cell is far off (69-133 mV): the check can fail
    assert (
        example.per_sample(
            calibration.replay(cellsim.Cell("Chen2020", model="SPMe"), discharge), discharge
        )
        > 3 * TARGET
    )


@pytest.mark.skipif(not (DATA / "ratetest_25degC.csv.gz").exists(), reason=f"no data in {DATA}")
@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0])
def test_ocv_balanced_cell_rests_where_the_real_cell_does(rate):
    example = _example()
    data = _rate_test(rate, 3)  # the discharge and the rest after it
    measured_end = float(data.voltage.values[-1])
    ends = {}
    for name, overrides in (("ocv", example.OCV_FITTED), ("c10", example.FITTED)):
        model = calibration.replay(_cell(overrides), data)
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
    discharge = _rate_test(rate, 2)
    error = example.per_sample(calibration.replay(_cell(example.OCV_FITTED), discharge), discharge)
    assert error <= TARGET, f"{rate}C: {1e3 * error:.1f} mV per sample"
    # without the exchange-current factor the same cell misses it at C/10 and C/2
    plain = {k: v for k, v in example.OCV_FITTED.items() if "exchange-current" not in k}
    if rate < 1.0:
        error = example.per_sample(calibration.replay(_cell(plain), discharge), discharge)
        assert error > TARGET, f"{rate}C: {1e3 * error:.1f} mV per sample"


@pytest.mark.skipif(not (DATA / "ratetest_25degC.csv.gz").exists(), reason=f"no data in {DATA}")
@pytest.mark.parametrize("rate", [0.1, 0.5, 1.0])
def test_ocv_balanced_cell_has_the_measured_resistance_at_each_current(rate):
    """10 s into each discharge (0.5, 2.5, 5 A) the OCV refit's voltage has dropped as far
    as the cell's: a resistance flat with current, as measured. The cycler logged a 10 mV
    move, so the measured drop lies between the samples either side of 10 s (at C/10, 0 s
    and 39 s); widened by the cell-to-cell spread. The OCV refit fitted without the onsets
    and the pulses (a positive exchange current 0.09 of Chen2020's) gave 59.4, 51.4, 44.3
    mOhm: a charge-transfer loss that falls with current, outside at C/2 and 1C."""
    example = _example()
    data = example.onsets()[f"{rate:g}C onset"]
    model, _ = example.onset_resistance(_cell(example.OCV_FITTED), data)
    t, v, i = data.time.values, data.voltage.values, float(data.current.values[-1])
    after = np.searchsorted(t, example.ONSET_RESISTANCE)
    lowest, highest = ((v[0] - v[k]) / i for k in (after - 1, after))
    assert (1 - CELL_SPREAD) * lowest <= model <= (1 + CELL_SPREAD) * highest, (
        f"{rate}C: {1e3 * model:.1f} mOhm, measured {1e3 * lowest:.1f}-{1e3 * highest:.1f}"
    )
