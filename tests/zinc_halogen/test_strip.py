"""The maintenance full strip (spec D1b) against the soft short (D2), over days of duty.

``zinc_bromine_static`` with the soft-short mechanism, its non-uniformity growth raised
20x (as in test_degradation) so that a short forms within days, under daily peak
shaving charged by capacity (1.4 A.h: the 1.0 A.h discharged plus what the day's
crossover self-discharges, so the zinc is never stripped by the duty itself). Nine days
without strips against three 3-day cycles of the same days, each ending with a strip.
"""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from cellsim import duties

DAYS = 9
DUTY = {
    "power": 1.7,  # W: 0.5C at ~1.7 V
    "capacity": 2.0,
    "depth_of_discharge": 0.5,
    "v_min": 1.2,
    "v_max": 2.1,
    "charge_c_rate": 0.25,
    "charge_capacity": 1.4,
}


@pytest.fixture(scope="module")
def runs():
    cell = cellsim.Cell(
        "zinc_bromine_static",
        options={"degradation": ["soft short"]},
        overrides={"Zinc non-uniformity growth coefficient [m2.mol-1]": 10.0},
    )
    day = duties.peak_shaving(**DUTY)
    plain = cellsim.simulate(
        cell, cellsim.Protocol(day.steps, cycles=DAYS), initial_soc=0.2, period=600.0
    )
    every_3 = duties.peak_shaving(**DUTY, strip_every=3)
    stripped = cellsim.simulate(
        cell, cellsim.Protocol(every_3.steps, cycles=DAYS // 3), initial_soc=0.2, period=600.0
    )
    return plain, stripped


def _daily(ds, name):
    """``name`` at the end of each day (the strips run past midnight: by step count)."""
    return np.array(
        [float(ds[name].values[ds.time.values <= k * 86400.0][-1]) for k in range(1, DAYS + 1)]
    )


def test_without_strips_the_zinc_piles_up_into_a_short(runs):
    plain, _ = runs
    sigma = _daily(plain, "zinc_non_uniformity")
    assert np.all(np.diff(sigma[:-1]) > 0)  # grows day after day
    assert float(plain.short_current.max()) > 10.0  # A m-2, against ~90 A m-2 of the discharge


def test_a_strip_every_three_days_keeps_the_short_away(runs):
    plain, stripped = runs
    sigma_plain = float(plain.zinc_non_uniformity.max())
    after_strip = stripped.where(stripped.step == stripped.step.max(), drop=True)  # its rest
    assert float(after_strip.zinc_non_uniformity.values[-1]) < 1e-3  # reset by the strip
    assert float(stripped.zinc_non_uniformity.max()) < 0.5 * sigma_plain
    assert float(stripped.short_current.max()) < 1e-6  # A m-2: no short
    assert stripped.attrs["safety_stops"] == "[]"
