"""calibration.pseudo_ocv: an OCV table from a low-rate discharge and charge."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from shared_data import data_file

import calibration
import cellsim
from calibration import CalibrationError

CELL = cellsim.Cell("Chen2020", model="SPM")
BALANCE = {
    "Negative electrode active material volume fraction": 0.75,
    "Positive electrode active material volume fraction": 0.665,
}


def as_measured(result: xr.Dataset) -> xr.Dataset:
    """A simulated test as calibration.load would give it."""
    return xr.Dataset(
        {v: ("time", result[v].values) for v in ("current", "voltage", "step")},
        coords={"time": result.time.values},
    )


@pytest.fixture(scope="module")
def simulated_test() -> xr.Dataset:
    protocol = cellsim.Protocol(
        ["Discharge at C/10 until 2.5 V", "Rest for 1 hour", "Charge at C/10 until 4.2 V"]
    )
    return as_measured(cellsim.simulate(CELL, protocol, initial_soc=1.0, period=60.0))


def test_balance_recovered_from_a_simulated_pseudo_ocv(simulated_test):
    """The mean of a C/10 discharge and charge of a known cell cancels their
    polarisation well enough that the electrode balance fitted on it is the cell's own:
    within 1 % (measured 0.1-0.4 %), and the table's OCV within 3 mV rms of the model's."""
    table = calibration.pseudo_ocv(simulated_test)
    assert table.attrs["branch"] == "mean"
    assert table.soc.values[0] == 0.0
    _, fitted = calibration.fit_balance(CELL, table)
    assert float(fitted.capacity) == pytest.approx(table.attrs["capacity"])
    for name, value in BALANCE.items():
        assert float(fitted[name]) == pytest.approx(value, rel=0.01), name
    assert float(fitted.rmse) < 3e-3


def test_lgm50t_reference_test(simulated_test):
    """The LG M50T reference test (positive = charge in its file): C/10 discharge of
    4.81 A.h (data/README.md), the mean between the branches at every SOC, the charge
    branch above the discharge's, and within 31 mV of the WMG LG M50 OCV table (another
    variant of the cell: measured 30 mV at most over SOC 10-90 %)."""
    data = calibration.load(data_file("lgm50t_rpt/rpt0_25degC.csv.gz"))
    mean = calibration.pseudo_ocv(data)
    assert mean.attrs["capacity"] == pytest.approx(4.81, abs=0.01)
    assert mean.attrs["discharge_current"] == pytest.approx(0.5, rel=1e-3)
    assert mean.attrs["charge_current"] == pytest.approx(-0.5, rel=1e-3)
    down = calibration.pseudo_ocv(data, branch="discharge").voltage.interp(soc=mean.soc)
    up = calibration.pseudo_ocv(data, branch="charge").voltage.interp(soc=mean.soc)
    inner = slice(1, -1)
    assert np.all(down.values[inner] < up.values[inner])
    # the branches come on grids of their own, re-interpolated here: 1 mV
    np.testing.assert_allclose(mean.voltage.values, 0.5 * (down.values + up.values), atol=1e-3)
    wmg = calibration.load_ocv(data_file("lgm50_wmg/ocv_25degC.csv"))
    soc = np.linspace(0.1, 0.9, 81)
    gap = mean.voltage.interp(soc=soc).values - wmg.voltage.interp(soc=soc).values
    assert np.max(np.abs(gap)) < 0.031


def test_bad_input_named(simulated_test):
    with pytest.raises(CalibrationError, match="branch must be one of"):
        calibration.pseudo_ocv(simulated_test, branch="average")
    with pytest.raises(CalibrationError, match="no 'step'"):
        calibration.pseudo_ocv(simulated_test.drop_vars("step"))
    with pytest.raises(CalibrationError, match="no constant-current discharge"):
        calibration.pseudo_ocv(simulated_test.where(simulated_test.current <= 0, 0.0))
    discharge_only = simulated_test.isel(time=simulated_test.current.values >= 0)
    with pytest.raises(CalibrationError, match="no constant-current charge after"):
        calibration.pseudo_ocv(discharge_only)
    table = calibration.pseudo_ocv(discharge_only, branch="discharge")
    assert table.soc.values[-1] == 1.0
