"""Turn protocol steps into legs: the solver calls that run them.

A leg is one integration with fixed inputs of :mod:`cellsim._control`: a control
mode, a set-point, cut-off thresholds, an ambient temperature and a time limit.
Most steps are one leg; a profile is one leg per held sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from cellsim import _control as c
from cellsim._chemistry import BuiltModel
from cellsim._errors import ProtocolError
from cellsim.protocol._steps import (
    CapacityCutoff,
    CRate,
    Current,
    CurrentCutoff,
    CurrentProfile,
    Power,
    PowerProfile,
    Rest,
    Step,
    Voltage,
    VoltageCutoff,
)

#: Longest a constant-voltage step may run without a duration, s.
MAX_HOLD = 48 * 3600.0


@dataclass(frozen=True)
class Leg:
    """One solver call: fixed inputs over at most ``duration`` seconds."""

    inputs: dict
    duration: float
    period: float | None
    own_events: frozenset[str]


def legs(step: Step, built: BuiltModel, temperature: float) -> list[Leg]:
    """The legs of ``step`` for ``built``; ``temperature`` is the ambient default, K."""
    temperature = step.temperature if step.temperature is not None else temperature
    lower, upper = built.voltage_limits
    capacity = built.nominal_capacity
    v_term = [t.voltage for t in step.until if isinstance(t, VoltageCutoff)]
    i_term = [
        t.current if t.current is not None else t.c_rate * capacity
        for t in step.until
        if isinstance(t, CurrentCutoff)
    ]
    q_term = [t.capacity for t in step.until if isinstance(t, CapacityCutoff)]
    own = set()
    if v_term:
        own |= {c.EVENT_NAMES["minimum voltage"], c.EVENT_NAMES["maximum voltage"]}
    if i_term:
        own.add(c.EVENT_NAMES["minimum current"])
    if q_term:
        own.add(c.EVENT_NAMES["capacity"])

    def inputs(mode: str, setpoint: float) -> dict:
        values = {
            c.CURRENT_CONTROL: float(mode == "current"),
            c.VOLTAGE_CONTROL: float(mode == "voltage"),
            c.POWER_CONTROL: float(mode == "power"),
            c.CURRENT_SETPOINT: setpoint if mode == "current" else 0.0,
            c.VOLTAGE_SETPOINT: setpoint if mode == "voltage" else 0.0,
            c.POWER_SETPOINT: setpoint if mode == "power" else 0.0,
            c.MINIMUM_VOLTAGE: -c.OFF,
            c.MAXIMUM_VOLTAGE: c.OFF,
            c.MINIMUM_CURRENT: -1.0,
            c.CAPACITY_LIMIT: min(q_term) if q_term else c.OFF,
            c.AMBIENT_TEMPERATURE: temperature,
        }
        if mode in ("current", "power") and setpoint > 0:
            values[c.MINIMUM_VOLTAGE] = max(v_term) if v_term else lower
        elif mode in ("current", "power") and setpoint < 0:
            values[c.MAXIMUM_VOLTAGE] = min(v_term) if v_term else upper
        if mode == "voltage" and i_term:
            values[c.MINIMUM_CURRENT] = max(i_term)
        return values

    def limit(mode: str, setpoint: float) -> float:
        if step.duration is not None:
            return float(step.duration)
        if mode == "voltage":
            return MAX_HOLD
        amps = abs(setpoint) if mode == "current" else abs(setpoint) / (0.5 * (lower + upper))
        return max(3600.0, 3.0 * 3600.0 * capacity / amps) if amps > 0 else MAX_HOLD

    one = frozenset(own)
    if isinstance(step, Current):
        mode, value = "current", step.current
    elif isinstance(step, CRate):
        mode, value = "current", step.rate * capacity
    elif isinstance(step, Power):
        mode, value = "power", step.power
    elif isinstance(step, Voltage):
        mode, value = "voltage", step.voltage
        if not lower - 0.5 <= value <= upper + 0.5:
            raise ProtocolError(
                f"step {step.describe()!r}: hold voltage {value:g} V is outside the cell's "
                f"window {lower:g}-{upper:g} V (±0.5 V)"
            )
    elif isinstance(step, Rest):
        mode, value = "current", 0.0
    elif isinstance(step, (CurrentProfile, PowerProfile)):
        mode = "current" if isinstance(step, CurrentProfile) else "power"
        return [
            Leg(inputs(mode, v), end - start, step.period, one) for start, end, v in step.samples()
        ]
    else:  # pragma: no cover - every Step subclass is handled above
        raise ProtocolError(f"unsupported step type {type(step).__name__}")
    return [Leg(inputs(mode, float(value)), limit(mode, value), step.period, one)]
