"""String sugar for protocol steps: ``"Discharge at 1C until 2.5 V"`` and friends.

Grammar (case-insensitive)::

    (Discharge|Charge) at <I> (A|mA|C|W|kW|mW) [for <duration>] [or]
        [until <term> [or <term>]] [at <T>]
    Hold at <V> V [for <duration>] [or] [until <I> (A|mA) | C/<n> | <x>C] [at <T>]
    Rest for <duration> [at <T>]

with ``<duration>`` in s, seconds, min, minutes, h, hours or days; ``<term>`` a voltage
(``2.5 V``), a current (``50 mA``, ``C/50``) or a charge (``1 A.h``, ``500 mAh``); ``<T>`` in
°C, oC, degC or K. Every parsed step round-trips to the typed step it stands for.
"""

from __future__ import annotations

import re

from cellsim._errors import ProtocolError
from cellsim.protocol._steps import (
    CapacityCutoff,
    CRate,
    Current,
    CurrentCutoff,
    Power,
    Rest,
    Step,
    Voltage,
    VoltageCutoff,
)

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_DURATION_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "day": 86400, "days": 86400,
}  # fmt: skip
_DURATION = (
    rf"(?P<dur>{NUM})\s*(?P<dur_unit>{'|'.join(sorted(_DURATION_UNITS, key=len, reverse=True))})\b"
)
_TEMPERATURE = rf"\s+at\s+(?P<temp>{NUM})\s*(?P<temp_unit>°C|oC|degC|K)\s*$"

_ACTION = re.compile(
    rf"^(?P<verb>discharge|charge)\s+at\s+(?:(?P<cfrac>C/{NUM})|(?P<value>{NUM})\s*(?P<unit>mA|A|C|kW|mW|W))(?P<rest>.*)$",
    re.IGNORECASE,
)
_HOLD = re.compile(rf"^hold\s+at\s+(?P<value>{NUM})\s*(?P<unit>mV|V)(?P<rest>.*)$", re.IGNORECASE)
_REST = re.compile(r"^rest(?P<rest>.*)$", re.IGNORECASE)
_FOR = re.compile(rf"^\s*for\s+{_DURATION}(?P<rest>.*)$", re.IGNORECASE)
_UNTIL = re.compile(r"^\s*(?:or\s+)?until\s+(?P<terms>.+)$", re.IGNORECASE)
_TERM_VOLTAGE = re.compile(rf"^(?P<v>{NUM})\s*(?P<u>mV|V)$", re.IGNORECASE)
_TERM_CURRENT = re.compile(rf"^(?P<v>{NUM})\s*(?P<u>mA|A)$", re.IGNORECASE)
_TERM_CRATE = re.compile(rf"^(?:C/(?P<den>{NUM})|(?P<num>{NUM})\s*C)$", re.IGNORECASE)
_TERM_CHARGE = re.compile(rf"^(?P<v>{NUM})\s*(?P<u>mA\.?h|A\.?h)$", re.IGNORECASE)


def _error(text: str, why: str) -> ProtocolError:
    return ProtocolError(
        f"cannot parse step {text!r}: {why}. Examples: 'Discharge at 1C until 2.5 V', "
        "'Charge at 2 A for 30 minutes or until 4.2 V', 'Hold at 4.2 V until C/50', "
        "'Rest for 1 hour', 'Discharge at 10 W for 1 hour at 35 °C'"
    )


def _parse_term(text: str, original: str):
    t = text.strip()
    if m := _TERM_VOLTAGE.match(t):
        return VoltageCutoff(float(m["v"]) * (1e-3 if m["u"].lower() == "mv" else 1))
    if m := _TERM_CURRENT.match(t):
        return CurrentCutoff(current=float(m["v"]) * (1e-3 if m["u"] == "mA" else 1))
    if m := _TERM_CRATE.match(t):
        rate = 1 / float(m["den"]) if m["den"] else float(m["num"])
        return CurrentCutoff(c_rate=rate)
    if m := _TERM_CHARGE.match(t):
        return CapacityCutoff(float(m["v"]) * (1e-3 if m["u"].lower().startswith("ma") else 1))
    raise _error(original, f"termination {t!r} is not a voltage, current, C-rate or charge")


def parse_step(text: str) -> Step:
    """Parse one step string into a typed :class:`Step`.

    Examples
    --------
    >>> step = parse_step("Discharge at 1C until 2.5 V")
    >>> step.rate, step.until
    (1.0, (VoltageCutoff(voltage=2.5),))
    """
    if not isinstance(text, str):
        raise ProtocolError(f"a step must be a Step or a string, got {type(text).__name__}")
    original = text
    body = " ".join(text.strip().split())
    temperature = None
    if m := re.search(_TEMPERATURE, body, re.IGNORECASE):
        value = float(m["temp"])
        temperature = value if m["temp_unit"] == "K" else value + 273.15
        body = body[: m.start()]

    if m := _ACTION.match(body):
        sign = 1.0 if m["verb"].lower() == "discharge" else -1.0
        if m["cfrac"]:
            magnitude, unit = 1 / float(m["cfrac"][2:]), "C"
        else:
            magnitude, unit = float(m["value"]), m["unit"]
        if magnitude < 0:
            raise _error(original, "give a positive magnitude; 'Charge'/'Discharge' sets the sign")
        rest = m["rest"]
    elif m := _HOLD.match(body):
        unit, rest = m["unit"], m["rest"]
        magnitude = float(m["value"]) * (1e-3 if unit.lower() == "mv" else 1)
        sign = 1.0
    elif m := _REST.match(body):
        unit, rest, magnitude, sign = "rest", m["rest"], 0.0, 1.0
    else:
        raise _error(
            original, "it does not start with 'Discharge at', 'Charge at', 'Hold at' or 'Rest'"
        )

    duration = None
    if f := _FOR.match(rest):
        duration = float(f["dur"]) * _DURATION_UNITS[f["dur_unit"].lower()]
        rest = f["rest"]
    until: list = []
    if u := _UNTIL.match(rest):
        until = [_parse_term(term, original) for term in re.split(r"\s+or\s+", u["terms"])]
        rest = ""
    if rest.strip():
        raise _error(original, f"unexpected text {rest.strip()!r}")

    common = {"duration": duration, "until": tuple(until), "temperature": temperature}
    if unit == "rest":
        return Rest(**common)
    if unit.lower() in ("v", "mv"):
        return Voltage(magnitude, **common)
    if unit == "C":
        return CRate(sign * magnitude, **common)
    if unit in ("A", "mA"):
        return Current(sign * magnitude * (1e-3 if unit == "mA" else 1), **common)
    scale = {"W": 1.0, "kW": 1e3, "mW": 1e-3}[unit]
    return Power(sign * magnitude * scale, **common)
