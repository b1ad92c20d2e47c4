"""Replay of PNNL cycle 1 with ``zinc_iodide_pnnl`` against the measured Arbin data.

Protocol (the issue's): charge 0.8 A for 14,470 s, rest 30 s, discharge 0.8 A to 0.5 V,
from the discharged cell. The file's current is positive on charge; the loader flips
it to cellsim's convention (> 0 discharge).

What the test asserts (the issue's acceptance criteria):

* discharge capacity within 2 % of the measured 3.111 A.h;
* coulombic efficiency within 1.5 points of the measured 96.7 %;
* energy efficiency within 2 points of the measured 88.9 %;
* voltage RMSE <= 10 mV over all 496 measured points of the charge, rest and discharge.

The model runs with the option "double layer" on simulate's defaults (the CasADi core,
whose outputs resolve the transients: 8.73 mV, as IDAKLU's every step; 78 mV on its
even outputs alone, which miss the first second), so it resolves the start of the
charge: the cell starts zinc-free at 0.61 V, its double
layers charge in the first 1.6 s, and zinc nucleates on the bare felt on a plateau
0.14 V above the growth voltage until 0.0385 A.h has passed (absent from cycles 2-4,
which start with zinc left). The plateau carries +-70 mV spikes the model does not
try to follow (the cycler logs on voltage changes, so they are over-represented);
they, and the last 30 s of the discharge knee, make most of the RMSE.

Four parameters were fitted once to this same cycle (see
``chemistries/zinc_halogen/_fit_pnnl.py``): the resistance in series with the membrane,
the membrane's I3- permeability, the iodine electrode's transfer coefficient and the
membrane's cation transference number; and four derived from its first 176 s: the two
double-layer capacitances and the zinc nucleation overpotential and amount. Everything
else is the PNNL sheet's value or derived from it; the open-circuit voltage is the
ideal Nernst law. So this is a consistency check of the model and its fit, not an
independent validation.
"""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from chemistries.zinc_halogen import _pnnl


@pytest.fixture(scope="module")
def replay():
    cell = cellsim.Cell("zinc_iodide_pnnl", model="0D", options={"double layer": True})
    return cellsim.simulate(cell, list(_pnnl.PROTOCOL), initial_soc=0.0)


def test_measured_figures_of_merit(pnnl_cycle):
    """The data are what the issue says (guards the loader and its sign flip)."""
    assert pnnl_cycle.discharge_capacity == pytest.approx(3.111, abs=1e-3)
    assert pnnl_cycle.coulombic_efficiency == pytest.approx(0.967, abs=1e-3)
    assert pnnl_cycle.energy_efficiency == pytest.approx(0.889, abs=1e-3)
    assert np.all(pnnl_cycle.current[pnnl_cycle.step == 0] < 0)  # charge, cellsim sign


def test_replay_meets_the_acceptance_criteria(replay, pnnl_cycle):
    result = _pnnl.compare(replay, pnnl_cycle)
    assert replay.attrs["safety_stops"] == "[]"
    assert abs(result.discharge_capacity / pnnl_cycle.discharge_capacity - 1) <= 0.02
    assert abs(result.coulombic_efficiency - pnnl_cycle.coulombic_efficiency) <= 0.015
    assert abs(result.energy_efficiency - pnnl_cycle.energy_efficiency) <= 0.02

    assert result.rmse <= 0.010  # the criterion, over every measured point


def test_start_of_charge_from_a_zinc_free_cell(replay, pnnl_cycle):
    """The first 176 s: rest voltage at the start, double-layer rise, nucleation plateau.

    Guards the physics the 0D model lacked (40 mV RMSE over all points without it).
    """
    charge = replay.where(replay.step == 0, drop=True)
    t, v = charge.time.values, charge.voltage.values
    assert v[0] == pytest.approx(pnnl_cycle.voltage[0], abs=1e-3)  # the measured 0.608 V
    # the double layers need about a second: 1.35 V is reached between the records at
    # 0.47 s (1.24 V) and 1.4 s (1.46 V)
    assert 0.47 < t[np.argmax(v > 1.35)] < 1.4
    # the nucleation plateau's mean is the cycler's (energy / charge counters), 1.398 V
    inside = (t > 61.64) & (t < 172.71)
    mean = np.trapezoid(v[inside], t[inside]) / (t[inside][-1] - t[inside][0])
    assert mean == pytest.approx(1.398, abs=2e-3)
    # then the growth voltage: within 15 mV of the first growth record (1.250 V at 173.9 s)
    assert np.interp(173.9, t, v) == pytest.approx(1.2498, abs=0.015)
