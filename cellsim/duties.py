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


def _charge_by_capacity(charge_capacity: float, c_rate: float, v_max: float) -> list:
    return [
        CRate(
            rate=-c_rate,
            until=(CapacityCutoff(capacity=charge_capacity), VoltageCutoff(voltage=v_max)),
        )
    ]


def peak_shaving(
    power: float,
    capacity: float,
    *,
    depth_of_discharge: float = 0.8,
    v_min: float = 2.5,
    v_max: float = 4.2,
    charge_c_rate: float = 0.3,
    charge_capacity: float | None = None,
    strip_every: int | None = None,
    strip_c_rate: float = 0.05,
    strip_v_min: float | None = None,
    strip_rest: float = 7200.0,
    temperature: float | None = None,
) -> Protocol:
    """Daily peak shaving, a day from midnight: recharge overnight, rest, then
    discharge at ``power`` through ``depth_of_discharge`` of ``capacity`` (or to
    ``v_min``) at the evening peak, and rest out the day.

    Every discharge, the first included, follows the duty's own recharge, so a cell's
    first cycle is not special (start it below ``v_max``: ``initial_soc=0.5``, as a
    cell is delivered). ``depth_of_discharge=1`` discharges to ``v_min`` whatever the
    capacity, so the capacity each day delivers follows the cell's fade.

    Parameters
    ----------
    power : float
        Discharge power, W (per cell).
    capacity : float
        The cell's capacity, A.h, that ``depth_of_discharge`` refers to.
    depth_of_discharge : float, optional
        Fraction of ``capacity`` discharged at the peak, in (0, 1].
    v_min, v_max : float, optional
        Discharge and charge voltage limits, V.
    charge_c_rate : float, optional
        Recharge current as a C-rate, 1/h.
    charge_capacity : float, optional
        Recharge by coulombs: charge at ``charge_c_rate`` until ``charge_capacity``
        A.h have passed (or ``v_max``, as a safety limit), with no constant-voltage
        phase, as zinc-halogen cells are charged: their voltage barely rises with the
        stored charge, so a voltage does not say when they are full. ``None`` (default)
        recharges CC-CV to ``v_max`` (lithium-ion).
    strip_every : int, optional
        Return one ``strip_every``-day cycle whose last day ends with a maintenance
        full strip (after the peak discharge: a slow discharge at ``strip_c_rate`` to
        ``strip_v_min`` and a rest of ``strip_rest`` s), as zinc-bromine systems run
        every few days to remove the zinc completely: it dissolves uneven deposits
        before they grow into a short and returns the charge that hydrogen evolution
        and dead zinc have left unbalanced. ``cellsim.age`` then counts cycles of
        ``strip_every`` days, and its capacity is the charge delivered in all of a
        cycle's discharges, the strip's included. ``None`` (default): one day, no strip.
    strip_c_rate : float, optional
        Current of the strip's slow discharge, 1/h.
    strip_v_min : float, optional
        Voltage the strip discharges to, V (default ``v_min / 2``: past the knee where
        the zinc runs out).
    strip_rest : float, optional
        Rest after the strip, s.
    temperature : float, optional
        Ambient temperature, K.

    Returns
    -------
    Protocol
        One cycle: a day, or ``strip_every`` days with the strip at the end.

    References
    ----------
    .. [1] cellsim zinc-halogen specification, section 4 (D1b: full strip every 1-3
       days, Redflow practice).
    """
    power = _positive("power", power)
    capacity = _positive("capacity", capacity)
    dod = _positive("depth_of_discharge", depth_of_discharge, 1.0)
    c_rate = _positive("charge_c_rate", charge_c_rate)
    until = (VoltageCutoff(voltage=v_min),)
    if dod < 1.0:
        until = (CapacityCutoff(capacity=dod * capacity), *until)
    if charge_capacity is None:
        recharge = _recharge(v_max, c_rate)
        charged = dod * capacity
    else:
        charged = _positive("charge_capacity", charge_capacity)
        recharge = _charge_by_capacity(charged, c_rate, v_max)
    busy = dod * capacity * 3.6 / power * 1000.0 + charged / capacity / c_rate * 3600.0 + 7200.0
    day = [
        *recharge,
        Rest(duration=max(3600.0, DAY - busy)),
        Power(power=power, until=until),
    ]
    if strip_every is None:
        return Protocol([*day, Rest(duration=3600.0)], temperature=temperature)
    if isinstance(strip_every, bool) or not isinstance(strip_every, int) or strip_every < 1:
        raise ParameterError(f"strip_every must be an integer >= 1, got {strip_every!r}")
    strip_v = v_min / 2 if strip_v_min is None else _positive("strip_v_min", strip_v_min)
    if strip_v >= v_min:
        raise ParameterError(f"strip_v_min must be below v_min={v_min:g} V, got {strip_v:g}")
    strip = [
        CRate(
            rate=_positive("strip_c_rate", strip_c_rate), until=(VoltageCutoff(voltage=strip_v),)
        ),
        Rest(duration=_positive("strip_rest", strip_rest)),
    ]
    days = [*day, Rest(duration=3600.0)] * (strip_every - 1)
    return Protocol([*days, *day, *strip], temperature=temperature)


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
