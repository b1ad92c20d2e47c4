"""Zinc nucleation on a bare substrate and the double-layer option.

Zinc plated on a zinc-free substrate needs a nucleation overpotential until its nuclei
coalesce (``zinc_iodide_pnnl``: 0.169 V until 0.178 mol/m2, from PNNL cycle 1); a full
strip leaves the substrate bare, so the next charge nucleates again.
"""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from chemistries.zinc_halogen._chemistry import parameter_values

F, R, T = 96485.33212, 8.314462618, 298.15
NUCLEATION = "Zinc nucleation overpotential [V]"
PLATEAU, GROWTH = 20.0, 400.0  # s into a 0.8 A charge: on the plateau (ends near 173 s), after


def _charge_voltages(ds, step):
    charge = ds.where(ds.step == step, drop=True)
    t = charge.time.values - charge.time.values[0]
    return np.interp([PLATEAU, GROWTH], t, charge.voltage.values)


def _plating_potential(r, a, theta, g):
    """``y = F (E - E0) / RT`` solving ``r = a g e^-y - theta e^y`` (plating rate ``r``)."""
    u = (r + np.sqrt(r**2 + 4 * a * g * theta)) / (2 * a * g)  # e^-y
    return -np.log(u)


@pytest.fixture(scope="module")
def strip_and_recharge():
    return cellsim.simulate(
        cellsim.Cell("zinc_iodide_pnnl"),
        [
            "Charge at 0.8 A for 2000 seconds",
            "Discharge at 0.8 A until 0.5 V",  # strips the zinc
            "Rest for 30 minutes",
            "Charge at 0.8 A for 600 seconds",
        ],
        initial_soc=0.0,
    )


def test_nucleation_overpotential_is_butler_volmer_on_the_nuclei(strip_and_recharge):
    """The plateau minus the same charge without nucleation: the closed form of
    Butler-Volmer (alpha = 1/2, n = 2) with the plating rate cut by exp(-F eta/RT)."""
    values = parameter_values("zinc_iodide_pnnl")
    without = cellsim.simulate(
        cellsim.Cell("zinc_iodide_pnnl", overrides={NUCLEATION: 0.0}),
        "Charge at 0.8 A for 600 seconds",
        initial_soc=0.0,
    )
    plateau = _charge_voltages(strip_and_recharge, 0)[0]
    rise = plateau - np.interp(PLATEAU, without.time, without.voltage)
    r = 0.8 / values["Electrode area [m2]"]
    r /= values["Negative electrode exchange-current density [A.m-2]"]
    zinc = r * values["Negative electrode exchange-current density [A.m-2]"] * PLATEAU / (2 * F)
    theta = zinc / (zinc + values["Zinc coverage reference amount [mol.m-2]"])
    a = values["Initial negative zinc ion concentration [mol.m-3]"] / 1000
    g = np.exp(-values[NUCLEATION] * F / (R * T))
    expected = R * T / F * (_plating_potential(r, a, theta, 1) - _plating_potential(r, a, theta, g))
    # 2 mV: the closed form takes the bulk Zn2+ and the zinc plated by the full current
    # (the model's film depletion, hydrogen evolution and double layer are < 1 mV here)
    assert rise == pytest.approx(expected, abs=2e-3)
    assert 0.1 < rise < values[NUCLEATION]  # most of eta: the plating is near Tafel


def test_a_full_strip_brings_the_nucleation_back(strip_and_recharge):
    first, second = _charge_voltages(strip_and_recharge, 0), _charge_voltages(strip_and_recharge, 3)
    assert first[0] - first[1] > 0.1  # plateau, then growth
    np.testing.assert_allclose(second, first, atol=2e-3)  # the strip left it bare again


def test_no_nucleation_on_a_cell_that_holds_zinc():
    ds = cellsim.simulate(
        cellsim.Cell("zinc_iodide_pnnl"), "Charge at 0.8 A for 600 seconds", initial_soc=0.2
    )
    plateau, growth = np.interp([PLATEAU, GROWTH], ds.time, ds.voltage)
    assert abs(plateau - growth) < 0.01  # only the slow Nernst rise (2.4 mV)


def test_double_layer_rest_is_the_open_circuit_voltage():
    """With the double layer and zinc present the cell starts at rest, at its OCV."""
    cell = cellsim.Cell("zinc_iodide_pnnl", options={"double layer": True})
    ds = cellsim.simulate(cell, "Rest for 10 minutes", initial_soc=0.5)
    np.testing.assert_allclose(ds.voltage, ds.ocv, atol=1e-4)


def test_double_layer_with_the_lumped_thermal_option():
    """Regression: the reaction currents' scales held the lumped temperature (a state),
    which PyBaMM refuses in initial conditions; the cell did not build."""
    options = {"double layer": True, "thermal": "lumped", "crossover": False}
    cell = cellsim.Cell("zinc_iodide_pnnl", options={**options, "hydrogen evolution": False})
    ds = cellsim.simulate(cell, "Rest for 10 minutes", initial_soc=0.5)
    np.testing.assert_allclose(ds.voltage, ds.ocv, atol=1e-4)
    # no self-discharge heat without the side reactions: ambient to the integrator's tol
    np.testing.assert_allclose(ds.temperature, 298.15, atol=1e-6)
