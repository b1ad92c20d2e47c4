"""calibration.replay: measured current through any Cell, on the data's clock."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest
import xarray as xr

import calibration
import cellsim
from calibration import CalibrationError
from calibration._fit_initial import (
    NEGATIVE_INITIAL,
    POSITIVE_INITIAL,
    InitialStates,
    Start,
)
from calibration._replay import held_current, voltage_at

CELL = cellsim.Cell("Chen2020", model="SPM")


def as_data(ds: xr.Dataset) -> xr.Dataset:
    """A cellsim result as a measured data set: time, current, voltage, ambient."""
    return xr.Dataset(
        {
            "current": ("time", ds.current.values),
            "voltage": ("time", ds.voltage.values),
            "ambient_temperature": ("time", ds.ambient_temperature.values),
        },
        coords={"time": ds.time.values},
    )


@pytest.fixture(scope="module")
def simulated():
    protocol = cellsim.Protocol(
        ["Rest for 60 seconds", "Discharge at 1C for 10 minutes", "Rest for 5 minutes"],
        temperature=303.15,
    )
    return cellsim.simulate(CELL, protocol, initial_soc=0.7, period=5.0)


def test_replay_agrees_with_simulate_for_the_same_current(simulated):
    """The simulated current replayed from its rest voltage gives the simulated voltage."""
    out = calibration.replay(CELL, as_data(simulated))
    assert out.attrs["initial_state"].startswith("rest voltage")
    # at a step change both runs log two samples at one instant: compare the later one
    after = np.append(np.diff(simulated.time.values) > 1e-6, True)
    t, v = simulated.time.values[after], simulated.voltage.values[after]
    model = voltage_at(out, t)
    # same equations, same tolerances (rtol = atol = 1e-6), same held current: they differ
    # by the initial state read back from the voltage and by output interpolation, far
    # below a measurement's millivolt
    assert np.max(np.abs(model - v)) < 2e-4
    assert out.temperature.values[0] == pytest.approx(303.15)
    assert out.time.values[-1] == pytest.approx(simulated.time.values[-1])
    delivered = out.discharge_capacity.values[-1]
    assert delivered == pytest.approx(simulated.discharge_capacity.values[-1], rel=1e-6)


def test_every_sample_is_reached(simulated):
    """Regression: a replay's clock sums its legs and ended 1e-13 s before the data's last
    sample, which then counted as not reached (1 V of error in a fit)."""
    data = as_data(simulated)
    data = data.assign_coords(time=data.time.values * (1.0 + 1e-15) + 0.1)
    out = calibration.replay(CELL, data)
    assert np.isfinite(voltage_at(out, data.time.values - data.time.values[0])).all()


def test_replay_from_a_given_soc_and_offset_clock(simulated):
    data = as_data(simulated).isel(time=slice(20, None))  # starts under load, at t != 0
    with pytest.raises(CalibrationError, match=r"starts under load.*pass initial_soc"):
        calibration.replay(CELL, data)
    out = calibration.replay(CELL, data, initial_soc=0.5)
    assert out.attrs["data_time_offset"] == pytest.approx(float(data.time[0]))
    assert out.attrs["initial_state"] == "SOC 0.5"


def test_initial_states_agree_with_pybamm():
    """The tabulated balance gives PyBaMM's set_initial_state, for trial inputs too."""
    fraction = "Negative electrode active material volume fraction"
    states = InitialStates(CELL, [fraction])
    values = pybamm.ParameterValues("Chen2020")
    values[fraction] = 0.7
    for initial, start in (("3.9 V", Start("voltage", 3.9)), (0.3, Start("soc", 0.3))):
        ours = states.concentrations(start, {fraction: 0.7}, 298.15)
        theirs = values.set_initial_state(initial, inplace=False)
        for key, maximum in ((NEGATIVE_INITIAL, 33133.0), (POSITIVE_INITIAL, 63104.0)):
            # stoichiometry to 1e-6: PyBaMM's own solver tolerance is about that
            assert abs(ours[key] - theirs[key]) / maximum < 1e-6


def test_held_current_keeps_the_charge():
    t = np.array([0.0, 1.0, 2.0, 3.0, 10.0, 11.0])
    i = np.array([5.0, 5.001, 4.999, 0.0, 0.0, 0.0])
    knots, values = held_current(t, i)
    assert knots.tolist() == [0.0, 3.0, 11.0]
    assert values[0] == pytest.approx(5.0)
    assert np.dot(values[:-1], np.diff(knots)) == pytest.approx(np.dot(i[:-1], np.diff(t)))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.drop_vars("current"), r"has no 'current'"),
        (lambda d: d.assign(current=d.current.where(d.time != d.time[3])), r"'current', sample 3"),
        (
            lambda d: d.assign_coords(time=d.time.values[::-1].copy()),
            r"'time', sample 1: time goes back",
        ),
        (lambda d: d.isel(time=slice(0, 1)), r"too short"),
    ],
)
def test_bad_data_is_a_calibration_error_naming_the_variable(simulated, change, match):
    with pytest.raises(CalibrationError, match=match):
        calibration.replay(CELL, change(as_data(simulated)))


def test_bad_initial_soc_and_cell(simulated):
    with pytest.raises(CalibrationError, match=r"initial_soc .* must be in \[0, 1\], got 1.5"):
        calibration.replay(CELL, as_data(simulated), initial_soc=1.5)
    with pytest.raises(CalibrationError, match=r"cell must be a cellsim\.Cell"):
        calibration.replay("Chen2020", as_data(simulated))
    assert issubclass(CalibrationError, cellsim.CellsimError)
