"""Typed protocol steps and their terminations.

Sign convention: current and power > 0 discharge the cell, < 0 charge it.
Temperatures are in kelvin, durations in seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from cellsim._errors import ProtocolError


# -- terminations ------------------------------------------------------------------------
@dataclass(frozen=True)
class VoltageCutoff:
    """End the step when the voltage reaches ``voltage`` (V): from above while
    discharging, from below while charging."""

    voltage: float

    def describe(self) -> str:
        return f"{self.voltage:g} V"


@dataclass(frozen=True)
class CurrentCutoff:
    """End a constant-voltage step when |current| falls to ``current`` (A), or to
    ``c_rate`` times the nominal capacity when given as a C-rate."""

    current: float | None = None
    c_rate: float | None = None

    def describe(self) -> str:
        return f"{self.current:g} A" if self.current is not None else f"C/{1 / self.c_rate:g}"


@dataclass(frozen=True)
class CapacityCutoff:
    """End the step when ``capacity`` (A.h) has passed in it."""

    capacity: float

    def describe(self) -> str:
        return f"{self.capacity:g} A.h"


Termination = VoltageCutoff | CurrentCutoff | CapacityCutoff


def _finite(step: Step, name: str, value: Any, *, positive: bool = False) -> None:
    try:
        ok = math.isfinite(float(value))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ProtocolError(
            f"step {step.describe()!r}: {name} must be a finite number, got {value!r}"
        )
    if positive and float(value) <= 0:
        raise ProtocolError(f"step {step.describe()!r}: {name} must be > 0, got {value!r}")


# -- steps --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """Base of every step: a duration limit, terminations and an ambient temperature.

    Parameters
    ----------
    duration : float, optional
        Longest the step may last, s. Steps without a duration run until a termination
        (or a generous limit, see :meth:`max_duration`).
    until : tuple of terminations, optional
        The first one reached ends the step.
    temperature : float, optional
        Ambient temperature during the step, K; defaults to the protocol's.
    period : float, optional
        Output spacing for this step, s; defaults to the solver's own steps.
    """

    duration: float | None = field(default=None, kw_only=True)
    until: tuple[Termination, ...] = field(default=(), kw_only=True)
    temperature: float | None = field(default=None, kw_only=True)
    period: float | None = field(default=None, kw_only=True)

    kind: ClassVar[str] = "step"
    allowed_terminations: ClassVar[tuple[type, ...]] = ()

    def __post_init__(self) -> None:
        until = self.until
        if isinstance(until, (VoltageCutoff, CurrentCutoff, CapacityCutoff)):
            until = (until,)
        object.__setattr__(self, "until", tuple(until))
        self._check()

    def _check(self) -> None:
        if self.duration is not None:
            _finite(self, "duration", self.duration, positive=True)
        if self.temperature is not None:
            _finite(self, "temperature", self.temperature, positive=True)
        if self.period is not None:
            _finite(self, "period", self.period, positive=True)
        for term in self.until:
            if not isinstance(term, self.allowed_terminations):
                allowed = [t.__name__ for t in self.allowed_terminations] or ["a duration only"]
                raise ProtocolError(
                    f"step {self.describe()!r}: termination {term!r} is not allowed for a "
                    f"{self.kind} step; allowed: {', '.join(allowed)}"
                )
            for name, value in vars(term).items():
                if value is not None:
                    _finite(self, f"termination {name}", value, positive=name != "voltage")
        if self.duration is None and not self.until and not self.open_ended_ok:
            raise ProtocolError(f"step {self.describe()!r}: give a duration or a termination")

    open_ended_ok: ClassVar[bool] = False

    def describe(self) -> str:
        text = self._describe_action()
        if self.duration is not None:
            text += f" for {self.duration:g} s"
        if self.until:
            text += (" or" if self.duration is not None else "") + " until "
            text += " or ".join(t.describe() for t in self.until)
        if self.temperature is not None:
            text += f" at {self.temperature:g} K"
        return text

    def _describe_action(self) -> str:
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for provenance and for shipping to workers)."""
        data = {"kind": self.kind}
        for f in fields(self):
            name, value = f.name, getattr(self, f.name)
            if name == "until":
                value = [{"type": type(t).__name__, **vars(t)} for t in value]
            elif isinstance(value, np.ndarray):
                value = value.tolist()
            data[name] = value
        return data


@dataclass(frozen=True)
class Current(Step):
    """Constant current, A (> 0 discharge)."""

    current: float = 0.0
    kind: ClassVar[str] = "current"
    allowed_terminations: ClassVar[tuple[type, ...]] = (VoltageCutoff, CapacityCutoff)

    def _check(self) -> None:
        _finite(self, "current", self.current)
        super()._check()

    def _describe_action(self) -> str:
        verb = "Discharge" if self.current >= 0 else "Charge"
        return f"{verb} at {abs(self.current):g} A"


@dataclass(frozen=True)
class CRate(Step):
    """Constant current as a multiple of the nominal capacity, 1/h (> 0 discharge)."""

    rate: float = 0.0
    kind: ClassVar[str] = "c_rate"
    allowed_terminations: ClassVar[tuple[type, ...]] = (VoltageCutoff, CapacityCutoff)

    def _check(self) -> None:
        _finite(self, "C-rate", self.rate)
        super()._check()

    def _describe_action(self) -> str:
        verb = "Discharge" if self.rate >= 0 else "Charge"
        return f"{verb} at {abs(self.rate):g}C"


@dataclass(frozen=True)
class Power(Step):
    """Constant power, W (> 0 discharge)."""

    power: float = 0.0
    kind: ClassVar[str] = "power"
    allowed_terminations: ClassVar[tuple[type, ...]] = (VoltageCutoff, CapacityCutoff)

    def _check(self) -> None:
        _finite(self, "power", self.power)
        super()._check()

    def _describe_action(self) -> str:
        verb = "Discharge" if self.power >= 0 else "Charge"
        return f"{verb} at {abs(self.power):g} W"


@dataclass(frozen=True)
class Voltage(Step):
    """Constant voltage (hold), V."""

    voltage: float = 0.0
    kind: ClassVar[str] = "voltage"
    allowed_terminations: ClassVar[tuple[type, ...]] = (CurrentCutoff, CapacityCutoff)

    def _check(self) -> None:
        _finite(self, "voltage", self.voltage, positive=True)
        super()._check()

    def _describe_action(self) -> str:
        return f"Hold at {self.voltage:g} V"


@dataclass(frozen=True)
class Rest(Step):
    """Zero current for ``duration`` s."""

    kind: ClassVar[str] = "rest"

    def _check(self) -> None:
        if self.duration is None:
            raise ProtocolError("step 'Rest': give a duration")
        super()._check()

    def _describe_action(self) -> str:
        return "Rest"


@dataclass(frozen=True, eq=False)
class _Profile(Step):
    """A tabulated value over time within the step, held constant over each sample
    (zero-order hold, as a cycler applies a table). ``time`` starts at 0, s."""

    time: Any = ()
    values: Any = ()
    allowed_terminations: ClassVar[tuple[type, ...]] = (VoltageCutoff, CapacityCutoff)
    open_ended_ok: ClassVar[bool] = True
    unit: ClassVar[str] = ""

    def _check(self) -> None:
        t = np.asarray(self.time, dtype=float)
        v = np.asarray(self.values, dtype=float)
        object.__setattr__(self, "time", t)
        object.__setattr__(self, "values", v)
        if t.ndim != 1 or t.shape != v.shape or t.size < 2:
            raise ProtocolError(
                f"{self.kind} step: time and values must be 1-D of equal length >= 2, "
                f"got shapes {t.shape} and {v.shape}"
            )
        bad = np.flatnonzero(~np.isfinite(t) | ~np.isfinite(v))
        if bad.size:
            raise ProtocolError(f"{self.kind} step: non-finite value at sample {bad[0]}")
        if t[0] != 0 or np.any(np.diff(t) <= 0):
            raise ProtocolError(f"{self.kind} step: time must start at 0 and increase strictly")
        if self.duration is None:
            object.__setattr__(self, "duration", float(t[-1]))
        super()._check()

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and np.array_equal(self.time, other.time)
            and np.array_equal(self.values, other.values)
            and (self.duration, self.until, self.temperature, self.period)
            == (other.duration, other.until, other.temperature, other.period)
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.time.tobytes(), self.values.tobytes(), self.duration))

    def _describe_action(self) -> str:
        return f"{self.kind} of {len(self.time)} samples over {self.time[-1]:g} s"

    def samples(self) -> list[tuple[float, float, float]]:
        """(start, end, value) of each held sample within the step's duration."""
        t = self.time
        out = []
        for i in range(len(t) - 1):
            if t[i] >= self.duration:
                break
            out.append((float(t[i]), float(min(t[i + 1], self.duration)), float(self.values[i])))
        return out


@dataclass(frozen=True, eq=False)
class CurrentProfile(_Profile):
    """Current over time, A (> 0 discharge), held over each sample."""

    kind: ClassVar[str] = "current_profile"


@dataclass(frozen=True, eq=False)
class PowerProfile(_Profile):
    """Power over time, W (> 0 discharge), held over each sample."""

    kind: ClassVar[str] = "power_profile"
