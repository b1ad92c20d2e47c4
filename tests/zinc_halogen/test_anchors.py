"""The specification's anchors A10, A16, A17 and A18 (section 8).

* A10: the halogen electrode's limiting current is ``2 F k_m c``: the cell follows a
  discharge just below it and collapses just above it (planar 0.1 M Br2, a 1 mm film,
  D = 1.3e-9 m2 s-1: 2.51 mA cm-2), to 1 %.
* A16: the COMSOL zinc-bromine flow battery's cell voltage (293.15 K, Br- 6 M,
  Zn2+ 4 M): 1.6127 V at 1e-6 M Br2; after 1800 s at 40 mA cm-2 into 80 mL,
  1.749 V without and 1.692 V with tribromide (K3 = 16.1 M-1), to 0.5 mV.
* A17: the ZnBr2 conductivity lookup is exact at the measured points.
* A18: with the complexing agent, aqueous bromine stays <= 0.3 M from 0 to 100 % of
  the zinc's utilisation; without it, it does not.
"""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from chemistries.zinc_halogen import _electrolyte
from chemistries.zinc_halogen._chemistry import parameter_values

F = 96485.33212

#: A10's film: D(Br2) over the film thickness, m s-1 (spec 3.9: 1.3e-9 m2 s-1, 1 mm).
FILM = 1.3e-9 / 1e-3
#: A10's bulk oxidised bromine, mol m-3 (0.1 M).
BULK = 100.0
#: The zinc_bromine_static cell, with no complexing agent and no side reactions, holding
#: 0.1 M oxidised bromine (free Br2 + Br3-) in its positive electrolyte.
A10_CELL = cellsim.Cell(
    "zinc_bromine_static",
    options={"crossover": False, "hydrogen evolution": False},
    overrides={
        "Complexing agent partition coefficient": 0.0,
        "Positive electrode mass-transfer coefficient [m.s-1]": FILM,
    },
)


def _a10_soc() -> float:
    values = parameter_values("zinc_bromine_static")
    charge = 2 * F * BULK * values["Positive electrolyte volume [m3]"] / 3600  # A.h
    return charge / values["Nominal cell capacity [A.h]"]


def _pulse(current_density: float):
    """A 10 s discharge at ``current_density`` (A m-2) from the A10 state."""
    area = parameter_values("zinc_bromine_static")["Electrode area [m2]"]
    step = f"Discharge at {current_density * area:.9g} A for 10 seconds or until 1.2 V"
    return cellsim.simulate(A10_CELL, step, initial_soc=_a10_soc(), period=1.0)


def test_anchor_a10_limiting_current():
    limiting = 2 * F * FILM * BULK  # A m-2
    assert limiting / 10 == pytest.approx(2.51, rel=1e-2)  # mA cm-2, the anchor's figure
    # 10 s at the limiting current uses 4e-4 of the bulk: the bulk stays at 0.1 M
    below = _pulse(0.99 * limiting)
    assert float(below.halogen_total[0]) == pytest.approx(BULK, rel=1e-9)
    assert float(below.time[-1]) == pytest.approx(10.0)  # followed the whole pulse
    assert float(below.voltage[-1]) > 1.5  # V: a finite concentration overpotential
    # 1 % above it the surface runs out at once: the voltage is below the cut-off
    with pytest.raises(cellsim.ProtocolError, match="cut-off is already met"):
        _pulse(1.01 * limiting)


#: A16 (spec 8; COMSOL ZBFB, spec S1): 293.15 K; the anchor's numbers imply the zinc
#: standard potential -0.7626 V (with -0.7618 V they are 0.8 mV lower) and standard
#: potentials without temperature correction (reference temperature 293.15 K).
COMSOL = {
    "Ambient temperature [K]": 293.15,
    "Reference temperature [K]": 293.15,
    "Zinc standard potential [V]": -0.7626,
    "Complexing agent partition coefficient": 0.0,
    "Supporting halide concentration [mol.m-3]": 0.0,
}
#: Bromine formed by 1800 s at 40 mA cm-2 on 10.24 cm2, per 80 mL: 47.76 mol m-3.
CHARGED = 0.04 * 1e4 * 10.24e-4 * 1800 / (2 * F) / 80e-6
NO_TRIBROMIDE = {"Trihalide formation constant [m3.mol-1]": 1e-12}


def _rest_ocv(bromine: float, bromide: float, zinc_ion: float, **overrides) -> float:
    state = {
        "Initial active zinc [mol.m-2]": 3.7,  # the 1800 s of plating: theta = 1 - 3e-4
        "Initial positive total oxidised halogen [mol.m-3]": bromine,
        "Initial positive halide [mol.m-3]": bromide,
        "Initial positive zinc ion concentration [mol.m-3]": bromide / 2,
        "Initial negative zinc ion concentration [mol.m-3]": zinc_ion,
        "Initial negative halide [mol.m-3]": 2 * zinc_ion,
    }
    cell = cellsim.Cell("zinc_bromine_static", overrides={**COMSOL, **overrides, **state})
    return float(cellsim.simulate(cell, "Rest for 1 second").ocv[0])


@pytest.mark.parametrize(
    ("bromine", "bromide", "zinc_ion", "overrides", "expected"),
    [
        (1e-3, 6000.0, 4000.0, NO_TRIBROMIDE, 1.6127),
        (CHARGED, 6000.0 - 2 * CHARGED, 4000.0 - CHARGED, NO_TRIBROMIDE, 1.749),
        (CHARGED, 6000.0 - 2 * CHARGED, 4000.0 - CHARGED, {}, 1.692),
    ],
    ids=["initial", "charged-without-Br3", "charged-with-Br3"],
)
def test_anchor_a16_comsol_cell_voltages(bromine, bromide, zinc_ion, overrides, expected):
    assert abs(CHARGED - 47.76) < 0.01  # mol m-3
    assert _rest_ocv(bromine, bromide, zinc_ion, **overrides) == pytest.approx(expected, abs=5e-4)


def test_anchor_a16_tribromide_lowers_the_charged_voltage_by_57_mv():
    """The speciation effect the anchor documents: ~57 mV (1.749 - 1.692 V)."""
    state = (CHARGED, 6000.0 - 2 * CHARGED, 4000.0 - CHARGED)
    drop = _rest_ocv(*state, **NO_TRIBROMIDE) - _rest_ocv(*state)
    assert drop == pytest.approx(0.057, abs=1e-3)


def test_anchor_a17_conductivity_lookup_is_exact_at_the_measured_points():
    measured = {2000.0: 12.06, 2500.0: 12.26, 3000.0: 11.88, 3500.0: 11.58, 4000.0: 10.87}
    for c, kappa in measured.items():
        assert _electrolyte.conductivity(c) == kappa  # exactly the table's value
    # linear in between, the end values outside 2-4 M
    assert _electrolyte.conductivity(2250.0) == pytest.approx((12.06 + 12.26) / 2, rel=1e-15)
    assert _electrolyte.conductivity(1000.0) == 12.06
    assert _electrolyte.ph(4000.0) == 2.36
    # zinc_bromine_static's separator conductivity is 2 M ZnBr2's through Bruggeman (0.6^1.5)
    values = parameter_values("zinc_bromine_static")
    assert values["Separator ionic conductivity [S.m-1]"] == pytest.approx(
        _electrolyte.conductivity(2000.0) * 0.6**1.5, rel=2e-3
    )


def _aqueous_bromine_over_a_full_charge(**overrides):
    """Aqueous oxidised bromine (Br2 + Br3-) while zinc_bromine_static is charged from
    empty until it stops (at 2.1 V, 2.88 A.h: 96 % of its zinc loading limit, 1.44x
    its nominal capacity), no side reactions."""
    cell = cellsim.Cell(
        "zinc_bromine_static",
        options={"crossover": False, "hydrogen evolution": False},
        overrides=overrides,
    )
    ds = cellsim.simulate(cell, "Charge at 0.25C for 6 hours", initial_soc=0.0, period=600.0)
    values = parameter_values("zinc_bromine_static")
    assert -float(ds.discharge_capacity[-1]) > values["Nominal cell capacity [A.h]"]  # > 100 %
    return (ds.halogen_free + ds.trihalide).values


def test_anchor_a18_complexing_agent_keeps_aqueous_bromine_below_0_3_m():
    aqueous = _aqueous_bromine_over_a_full_charge()
    assert np.max(aqueous) <= 300.0  # mol m-3 (Handbook Fig. 7.3 for MEP:MEM)
    # the complexing agent is what holds it there: without it, 1.9 M is aqueous when the
    # charge stops at 2.1 V
    free = _aqueous_bromine_over_a_full_charge(**{"Complexing agent partition coefficient": 0.0})
    assert np.max(free) > 5 * 300.0
