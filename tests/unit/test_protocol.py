"""Protocol steps, their string sugar and their validation (no solves)."""

import math

import pytest

import cellsim
from cellsim import (
    CapacityCutoff,
    CRate,
    Current,
    CurrentCutoff,
    Power,
    Protocol,
    ProtocolError,
    Rest,
    Voltage,
    VoltageCutoff,
)
from cellsim.protocol import parse_step


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Discharge at 1C until 2.5 V", CRate(1.0, until=VoltageCutoff(2.5))),
        ("Charge at 0.3C until 4.2 V", CRate(-0.3, until=VoltageCutoff(4.2))),
        ("Discharge at C/3 until 2.5 V", CRate(1 / 3, until=VoltageCutoff(2.5))),
        ("Hold at 4.2 V until C/50", Voltage(4.2, until=CurrentCutoff(c_rate=0.02))),
        ("Hold at 4.2 V until 50 mA", Voltage(4.2, until=CurrentCutoff(current=0.05))),
        ("Rest for 1 hour", Rest(duration=3600.0)),
        ("Rest for 10 minutes", Rest(duration=600.0)),
        ("Discharge at 5 A for 30 s", Current(5.0, duration=30.0)),
        ("Charge at 500 mA for 2 h", Current(-0.5, duration=7200.0)),
        ("Discharge at 2 kW for 1 min", Power(2000.0, duration=60.0)),
        (
            "Discharge at 1C for 20 minutes or until 3 V",
            CRate(1.0, duration=1200.0, until=VoltageCutoff(3.0)),
        ),
        ("Discharge at 1C until 1 A.h", CRate(1.0, until=CapacityCutoff(1.0))),
        (
            "Discharge at 1C until 2.5 V at 35 °C",
            CRate(1.0, until=VoltageCutoff(2.5), temperature=308.15),
        ),
        ("Rest for 1 day at 298.15 K", Rest(duration=86400.0, temperature=298.15)),
    ],
)
def test_string_sugar_gives_the_typed_step(text, expected):
    step = parse_step(text)
    assert step == expected
    assert isinstance(step, type(expected))


@pytest.mark.parametrize(
    "text",
    [
        "Discharge quickly",
        "Discharge at fast until 2.5 V",
        "Discharge at 1C until 2.5 parsecs",
        "Charge at -1C until 4.2 V",
        "Rest",
        "Rest for -5 minutes",
        "Discharge at 1C until 2.5 V and then some",
        "Hold at 4.2 V until 3.0 V",
    ],
)
def test_unparseable_or_invalid_step_names_itself(text):
    with pytest.raises(ProtocolError) as err:
        parse_step(text)
    assert repr(text) in str(err.value) or "Rest" in str(err.value) or "Hold" in str(err.value)


def test_nan_current_is_a_protocol_error_naming_the_step():
    with pytest.raises(ProtocolError, match="current must be a finite number"):
        Current(math.nan, until=VoltageCutoff(2.5))


def test_negative_duration_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="duration must be > 0"):
        Rest(duration=-1.0)


def test_open_ended_step_needs_a_termination():
    with pytest.raises(ProtocolError, match="give a duration or a termination"):
        Current(1.0)


def test_termination_must_fit_the_step():
    with pytest.raises(ProtocolError, match="not allowed for a current step"):
        Current(1.0, until=CurrentCutoff(current=0.1))


def test_protocol_repeats_and_coerces():
    p = Protocol(["Discharge at 1C until 2.5 V", "Rest for 1 hour"], cycles=3)
    cycles_and_steps = [(c, k) for c, k, _ in p.iter_steps()]
    assert cycles_and_steps == [(c, k) for c in (1, 2, 3) for k in (0, 1)]
    assert Protocol.coerce("Rest for 1 hour").steps == (Rest(duration=3600.0),)
    with pytest.raises(ProtocolError, match="cycles must be an integer"):
        Protocol(["Rest for 1 hour"], cycles=0)
    with pytest.raises(ProtocolError, match="protocol must be"):
        Protocol.coerce(42)


def test_profile_validation():
    with pytest.raises(ProtocolError, match="increase strictly"):
        cellsim.CurrentProfile(time=[0, 2, 1], values=[1, 1, 1])
    with pytest.raises(ProtocolError, match="non-finite"):
        cellsim.CurrentProfile(time=[0, 1, 2], values=[1, math.nan, 1])
    profile = cellsim.CurrentProfile(time=[0, 10, 20], values=[1.0, -1.0, 0.0])
    assert profile.samples() == [(0.0, 10.0, 1.0), (10.0, 20.0, -1.0)]
