"""Degradation mechanisms (option "degradation") and the lifecycle engine.

* Each mechanism moves its own state the right way and only with its option on.
* With every mechanism on, zinc (active + dead + ions) and halogen atoms are still
  conserved.
* ``cellsim.age`` of ``zinc_bromine_static`` over 1,000 daily cycles runs (extrapolated)
  and the capacity never rises from the second cycle on. The first cycle starts from
  the delivered, fully discharged cell and leaves a little zinc and bromine behind that
  the next cycle delivers, so cycle 2 may hold up to 1e-4 more than cycle 1.
"""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from chemistries.zinc_halogen._chemistry import parameter_values

ALL = ["dead zinc", "complexing agent loss", "separator", "soft short"]
DAY = cellsim.Protocol(
    [
        "Charge at 0.25C for 3.2 hours",
        "Rest for 8 hours",
        "Discharge at 1.5 W until 1.2 V",
        "Rest for 9 hours",
    ]
)


@pytest.fixture(scope="module")
def aged_day():
    cell = cellsim.Cell("zinc_bromine_static", options={"degradation": ALL})
    return cellsim.simulate(cell, DAY, initial_soc=0.0, period=300.0)


def test_each_mechanism_moves_its_state(aged_day):
    ds = aged_day
    assert float(ds.dead_zinc[-1]) > 0
    assert np.all(np.diff(ds.complexing_agent.values) <= 0)
    assert float(ds.complexing_agent[-1]) < 1
    assert np.all(np.diff(ds.separator_permeability.values) >= 0)
    assert np.all(np.diff(ds.separator_conductivity.values) <= 0)
    assert float(ds.separator_permeability[-1]) > 1 > float(ds.separator_conductivity[-1])
    # what the zinc could not deliver stays as bromine: the imbalance a strip clears
    assert float(ds.charge_imbalance[-1]) > 0


def test_no_degradation_outputs_without_the_option():
    ds = cellsim.simulate(cellsim.Cell("zinc_bromine_static"), "Rest for 1 minute", initial_soc=0.5)
    assert "dead_zinc" not in ds
    assert "separator_permeability" not in ds


def test_conservation_with_every_mechanism(aged_day):
    values = parameter_values("zinc_bromine_static")
    ds = aged_day
    area = values["Electrode area [m2]"]
    v_pos = values["Positive electrolyte volume [m3]"]
    v_neg = values["Negative electrolyte volume [m3]"]
    zinc = (
        area * (ds.plated_zinc.values + ds.dead_zinc.values)
        + v_pos * ds.zinc_ion_positive.values
        + v_neg * ds.zinc_ion_negative.values
    )
    halogen = (
        v_pos * (2 * ds.halogen_total.values + ds.halide_positive.values)
        + v_neg * ds.halide_negative.values
    )
    for name, total in (("zinc", zinc), ("halogen", halogen)):
        assert np.max(np.abs(total - total[0])) < 1e-8 * np.max(zinc), name


def test_age_over_1000_daily_cycles():
    cell = cellsim.Cell("zinc_bromine_static", options={"degradation": ALL})
    ds = cellsim.age(cell, DAY, cycles=1000, initial_soc=0.0, method="extrapolate", progress=False)
    capacity = ds.capacity.values
    assert capacity.size == 1000
    assert np.all(np.isfinite(capacity))
    assert capacity[1] - capacity[0] < 1e-4 * capacity[0]
    assert np.all(np.diff(capacity[1:]) <= 1e-9)
    assert 0.5 * capacity[0] < capacity[-1] < 0.99 * capacity[0]
    # each mechanism's state is reported per cycle; the irreversible ones move one way
    # (dead zinc is also reclaimed by the halogen, so it levels off instead)
    for name in ("dead_zinc", "charge_imbalance", "complexing_agent", "separator_permeability"):
        assert np.all(np.isfinite(ds[name].values)), name
    assert np.all(ds.dead_zinc.values > 0)
    assert np.all(np.diff(ds.charge_imbalance.values) > 0)
    assert np.all(np.diff(ds.complexing_agent.values) < 0)
    assert np.all(np.diff(ds.separator_permeability.values) > 0)


def test_soft_short_grows_without_strips_and_a_full_strip_resets_it():
    """Partial cycling piles zinc up unevenly until the tallest deposit reaches the
    positive and a soft short discharges the cell internally (CE collapses, as in PNNL
    cycles 2-3); a full strip (slow deep discharge, rest) resets the non-uniformity.
    The growth coefficient is raised 20x so that this happens within a few cycles."""
    cell = cellsim.Cell(
        "zinc_bromine_static",
        options={"degradation": ["soft short"]},
        overrides={"Zinc non-uniformity growth coefficient [m2.mol-1]": 10.0},
    )
    partial = cellsim.Protocol(
        ["Charge at 0.5C for 1 hour", "Discharge at 0.5C for 45 minutes"], cycles=5
    )
    ds = cellsim.simulate(cell, partial, initial_soc=0.2, period=120.0)
    sigma_end = [float(ds.zinc_non_uniformity.values[ds.cycle.values == c][-1]) for c in (1, 5)]
    assert sigma_end[1] > 3 * sigma_end[0] > 0
    short = [float(ds.short_current.values[ds.cycle.values == c].max()) for c in (1, 5)]
    assert short[0] < 1e-6  # A m-2
    assert short[1] > 10.0  # A m-2, against 100 A m-2 of cycling current

    strip = [
        "Charge at 0.5C for 1 hour",
        "Discharge at 0.5C until 1.2 V",
        "Discharge at 0.05C until 0.5 V",
        "Rest for 2 hours",
    ]
    ds = cellsim.simulate(cell, strip, initial_soc=0.0, period=120.0)
    assert float(ds.zinc_non_uniformity[-1]) < 0.05 * float(ds.zinc_non_uniformity.max())
