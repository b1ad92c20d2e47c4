"""Smoothing a measured OCP table (opt-in): within its rms of the points, fewer
integrator steps for a DFN, the model unchanged when not asked for."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

import cellsim
from cellsim import ParameterError
from chemistries.lithium_ion import _ocp_smoothing
from chemistries.lithium_ion._chemistry import LithiumIon

SMOOTH = "Negative electrode OCP smoothing [V]"
OCP = "Negative electrode OCP [V]"


def _table(values, name=OCP):
    return values[name](pybamm.StateVector(slice(0, 1)))


def test_smoothed_table_keeps_its_grid_and_stays_within_its_rms():
    chemistry = LithiumIon()
    raw = _table(chemistry.parameter_values(cellsim.Cell("OKane2022")))
    cell = cellsim.Cell("OKane2022", overrides={SMOOTH: 1e-3})
    smooth = _table(chemistry.parameter_values(cell))
    assert isinstance(smooth, pybamm.Interpolant)
    np.testing.assert_array_equal(smooth.x[0], raw.x[0])
    deviation = smooth.y.ravel() - raw.y.ravel()
    # FITPACK meets its sum of squares to 0.1 %
    assert np.mean(deviation**2) <= (1e-3) ** 2 * 1.001
    assert 1e-4 < np.abs(deviation).max() < 5e-3  # moved, and by millivolts at most


def test_default_and_formula_ocps_are_left_alone():
    values = pybamm.ParameterValues("OKane2022")
    values.update(_ocp_smoothing.defaults(), check_already_exists=False)
    before = values[OCP]
    assert _ocp_smoothing.apply(values) == {}
    assert values[OCP] is before
    # Chen2020's positive OCP is a formula: nothing to smooth, said by an empty result
    chen = pybamm.ParameterValues("Chen2020")
    chen.update({"Positive electrode OCP smoothing [V]": 1e-3}, check_already_exists=False)
    formula = chen["Positive electrode OCP [V]"]
    assert _ocp_smoothing.apply(chen) == {}
    assert chen["Positive electrode OCP [V]"] is formula


def test_smoothing_cuts_the_dfn_steps_not_its_capacity():
    """The reason for the option: OKane2022's DFN, 1C discharge (PyBaMM IDAKLU, the
    same tolerances): measured 5,309 steps with the table as published, 1,178 smoothed
    to 1 mV rms; the capacity moves by 2e-5."""
    chemistry = LithiumIon()
    results = {}
    for rms in (0.0, 1e-3):
        values = chemistry.parameter_values(cellsim.Cell("OKane2022", overrides={SMOOTH: rms}))
        sim = pybamm.Simulation(
            pybamm.lithium_ion.DFN({"SEI": "solvent-diffusion limited"}),
            parameter_values=values,
            experiment=pybamm.Experiment(["Discharge at 1C until 2.5 V"]),
            solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6),
        )
        step = sim.solve().cycles[0].steps[0]
        results[rms] = (
            step.solver_statistics.number_of_steps,
            float(step["Discharge capacity [A.h]"].entries[-1]),
        )
    (steps_raw, q_raw), (steps_smooth, q_smooth) = results[0.0], results[1e-3]
    assert steps_smooth < 0.5 * steps_raw
    assert abs(q_smooth - q_raw) < 1e-3 * q_raw


@pytest.mark.parametrize("value", [-1e-3, 0.02, "1 mV", True])
def test_bad_smoothing_names_the_parameter(value):
    with pytest.raises(ParameterError, match=r"Negative electrode OCP smoothing \[V\]"):
        cellsim.Cell("OKane2022", overrides={SMOOTH: value})


def test_smoothing_cannot_be_an_input():
    cell = cellsim.Cell("OKane2022", model="SPM")
    with pytest.raises(ParameterError, match=r"smoothing.*cannot be varied as inputs"):
        cellsim.simulate(cell, "Discharge at 1C for 10 s", inputs={SMOOTH: 1e-3})
