"""Data-centre duties: one day (one cycle) of typical energy-storage service.

Each returns a :class:`~cellsim.Protocol` for :func:`cellsim.age` (or
:func:`cellsim.simulate`). Powers are per cell, W (> 0 discharge); capacities A.h.
"""

from __future__ import annotations

import numpy as np

from cellsim._errors import ParameterError
from cellsim.protocol import (
    CapacityCutoff,
    CRate,
    CurrentCutoff,
    Power,
    PowerProfile,
    Protocol,
    Rest,
    Voltage,
    VoltageCutoff,
)

DAY = 86400.0


def _positive(name: str, value, upper: float | None = None) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ParameterError(f"{name} must be a number > 0, got {value!r}")
    if upper is not None and value > upper:
        raise ParameterError(f"{name} must be <= {upper:g}, got {value!r}")
    return float(value)


def _recharge(v_max: float, c_rate: float) -> list:
    return [
        CRate(rate=-c_rate, until=(VoltageCutoff(voltage=v_max),)),
        Voltage(voltage=v_max, until=(CurrentCutoff(c_rate=0.05),)),
    ]


def peak_shaving(
    power: float,
    capacity: float,
    *,
    depth_of_discharge: float = 0.8,
    v_min: float = 2.5,
    v_max: float = 4.2,
    charge_c_rate: float = 0.3,
    temperature: float | None = None,
) -> Protocol:
    """Daily peak shaving, a day from midnight: recharge CC-CV overnight, rest, then
    discharge at ``power`` through ``depth_of_discharge`` of ``capacity`` (or to
    ``v_min``) at the evening peak, and rest out the day.

    Every discharge, the first included, follows the duty's own recharge, so a cell's
    first cycle is not special (start it below ``v_max``: ``initial_soc=0.5``, as a
    cell is delivered). ``depth_of_discharge=1`` discharges to ``v_min`` whatever the
    capacity, so the capacity each day delivers follows the cell's fade."""
    power = _positive("power", power)
    capacity = _positive("capacity", capacity)
    dod = _positive("depth_of_discharge", depth_of_discharge, 1.0)
    until = (VoltageCutoff(voltage=v_min),)
    if dod < 1.0:
        until = (CapacityCutoff(capacity=dod * capacity), *until)
    busy = dod * capacity * 3.6 / power * 1000.0 + dod / charge_c_rate * 3600.0 + 7200.0
    return Protocol(
        [
            *_recharge(v_max, charge_c_rate),
            Rest(duration=max(3600.0, DAY - busy)),
            Power(power=power, until=until),
            Rest(duration=3600.0),
        ],
        temperature=temperature,
    )


def backup(
    power: float,
    *,
    float_days: float = 30.0,
    v_float: float = 4.1,
    v_min: float = 3.0,
    charge_c_rate: float = 0.3,
    v_max: float = 4.2,
    temperature: float | None = None,
) -> Protocol:
    """Backup power: float at ``v_float`` for ``float_days``, then a high-power
    discharge at ``power`` to ``v_min`` and a recharge."""
    power = _positive("power", power)
    days = _positive("float_days", float_days)
    return Protocol(
        [
            Voltage(voltage=v_float, duration=days * DAY),
            Power(power=power, until=(VoltageCutoff(voltage=v_min),)),
            Rest(duration=1800.0),
            *_recharge(v_max, charge_c_rate),
        ],
        temperature=temperature,
    )


def frequency_regulation(
    power: float,
    *,
    hours: float = 24.0,
    interval: float = 300.0,
    seed: int = 0,
    temperature: float | None = None,
) -> Protocol:
    """Frequency regulation: a zero-mean power signal of amplitude ``power``, held for
    ``interval`` s per sample over ``hours`` (a seeded random walk, reproducible)."""
    power = _positive("power", power)
    n = round(_positive("hours", hours) * 3600.0 / _positive("interval", interval))
    walk = np.cumsum(np.random.default_rng(seed).normal(size=n))
    signal = np.clip(walk - walk.mean(), -3.0, 3.0) / 3.0 * power
    times = np.arange(n + 1) * interval
    return Protocol([PowerProfile(time=times, values=[*signal, 0.0])], temperature=temperature)


def standby_float(
    *, v_float: float = 4.0, days: float = 1.0, temperature: float | None = None
) -> Protocol:
    """Standby: held at ``v_float`` (the set SOC's voltage) at ``temperature`` for ``days``."""
    return Protocol(
        [Voltage(voltage=v_float, duration=_positive("days", days) * DAY)], temperature=temperature
    )
