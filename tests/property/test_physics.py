"""Physics invariants under random protocols (Hypothesis), on the fast SPM."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cellsim
from cellsim import Cell

CELL = Cell("Chen2020", model="SPM")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rate=st.floats(0.2, 3.0), soc=st.floats(0.4, 1.0))
def test_voltage_non_increasing_under_cc_discharge(rate, soc):
    ds = cellsim.simulate(CELL, f"Discharge at {rate:.4f}C until 3.0 V", initial_soc=soc)
    v = ds["voltage"].values
    # to the integrators' tolerance, rtol 1e-6 of ~4 V: the core's outputs refined by a
    # second integration, and its located cut-off, may differ from the first by that
    tolerance = 5e-6
    assert np.all(np.diff(v) <= tolerance), np.diff(v).max()
    assert np.all(ds["current"].values > 0)
    assert float(v[-1]) >= 3.0 - tolerance


@SETTINGS
@given(currents=st.lists(st.floats(-5.0, 5.0), min_size=2, max_size=6), soc=st.floats(0.3, 0.7))
def test_charge_is_conserved_over_a_random_profile(currents, soc):
    """Charge delivered equals the integral of the held current profile."""
    times = np.arange(len(currents) + 1) * 120.0
    profile = cellsim.CurrentProfile(time=times, values=[*currents, 0.0])
    ds = cellsim.simulate(CELL, profile, initial_soc=soc)
    expected = sum(currents) * 120.0 / 3600.0
    assert abs(float(ds["discharge_capacity"][-1]) - expected) <= 1e-6 * max(1.0, abs(expected))


@SETTINGS
@given(soc=st.floats(0.0, 1.0))
def test_ocv_rises_with_initial_soc(soc):
    low = cellsim.simulate(CELL, "Rest for 1 second", initial_soc=soc * 0.9)
    high = cellsim.simulate(CELL, "Rest for 1 second", initial_soc=min(1.0, soc * 0.9 + 0.1))
    assert float(high["ocv"][0]) > float(low["ocv"][0])


def test_identical_inputs_give_identical_results():
    a = cellsim.simulate(CELL, "Discharge at 1C until 3.0 V", initial_soc=0.9)
    b = cellsim.simulate(CELL, "Discharge at 1C until 3.0 V", initial_soc=0.9)
    assert a.identical(b)
