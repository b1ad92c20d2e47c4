"""Duty constructors: the zinc options of peak shaving (charge by capacity, maintenance
strip) build the steps they promise, and bad values name the field. The physics of the
strip (it keeps a soft short from growing) is tested in tests/zinc_halogen/test_strip.py.
"""

from __future__ import annotations

import pytest

import cellsim
from cellsim import duties
from cellsim.protocol import CapacityCutoff, CRate, Power, Rest, Voltage, VoltageCutoff

ZINC = {"power": 1.7, "capacity": 2.0, "depth_of_discharge": 0.5, "v_min": 1.2, "v_max": 2.1}


def test_default_peak_shaving_is_unchanged():
    """Regression: one day, CC-CV recharge, rest, power discharge, one-hour rest."""
    day = duties.peak_shaving(power=10.0, capacity=5.0)
    kinds = [type(s) for s in day.steps]
    assert kinds == [CRate, Voltage, Rest, Power, Rest]
    assert day.cycles == 1


def test_charge_by_capacity_has_no_constant_voltage_phase():
    day = duties.peak_shaving(**ZINC, charge_capacity=1.4)
    charge = day.steps[0]
    assert isinstance(charge, CRate)
    assert charge.rate < 0
    assert CapacityCutoff(capacity=1.4) in charge.until
    assert VoltageCutoff(voltage=2.1) in charge.until  # a safety limit only
    assert not any(isinstance(s, Voltage) for s in day.steps)


def test_strip_every_n_days_is_one_n_day_cycle_ending_with_the_strip():
    cycle = duties.peak_shaving(**ZINC, charge_capacity=1.4, strip_every=3)
    day = duties.peak_shaving(**ZINC, charge_capacity=1.4)
    assert cycle.cycles == 1
    assert cycle.steps[: 2 * len(day.steps)] == day.steps * 2
    powers = [s for s in cycle.steps if isinstance(s, Power)]
    assert len(powers) == 3  # one peak a day
    strip, rest = cycle.steps[-2:]
    assert isinstance(strip, CRate)
    assert strip.rate == pytest.approx(0.05)
    assert strip.until == (VoltageCutoff(voltage=0.6),)  # v_min / 2
    assert isinstance(rest, Rest)
    assert rest.duration == 7200.0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"strip_every": 0}, "strip_every"),
        ({"strip_every": 2.5}, "strip_every"),
        ({"strip_every": 2, "strip_v_min": 1.5}, "strip_v_min"),
        ({"strip_every": 2, "strip_c_rate": -1.0}, "strip_c_rate"),
        ({"charge_capacity": 0.0}, "charge_capacity"),
        ({"charge_c_rate": 0.0}, "charge_c_rate"),
    ],
)
def test_bad_zinc_options_name_the_field(changes, field):
    with pytest.raises(cellsim.ParameterError, match=field):
        duties.peak_shaving(**ZINC, **changes)
