"""A Protocol: cycles of typed steps, with an ambient temperature."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from cellsim._errors import ProtocolError
from cellsim.protocol._parse import parse_step
from cellsim.protocol._steps import Step


@dataclass(frozen=True)
class Protocol:
    """One cycle of steps, repeated ``cycles`` times.

    Parameters
    ----------
    steps : sequence of Step or str
        The steps of one cycle; strings are parsed (``"Discharge at 1C until 2.5 V"``).
    cycles : int, optional
        How many times the cycle runs (default 1).
    temperature : float, optional
        Ambient temperature, K, for steps that name none; defaults to the cell's.

    Examples
    --------
    >>> from cellsim import Protocol
    >>> p = Protocol(["Discharge at 1C until 2.5 V", "Rest for 1 hour"], cycles=2)
    >>> len(list(p.iter_steps()))
    4
    """

    steps: tuple[Step, ...]
    cycles: int = 1
    temperature: float | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        steps = self.steps
        if isinstance(steps, (str, Step)):
            steps = [steps]
        parsed = tuple(s if isinstance(s, Step) else parse_step(s) for s in steps)
        if not parsed:
            raise ProtocolError("a protocol needs at least one step")
        object.__setattr__(self, "steps", parsed)
        if isinstance(self.cycles, bool) or not isinstance(self.cycles, int) or self.cycles < 1:
            raise ProtocolError(f"cycles must be an integer >= 1, got {self.cycles!r}")
        if self.temperature is not None and not (
            isinstance(self.temperature, (int, float)) and self.temperature > 0
        ):
            raise ProtocolError(f"temperature must be > 0 K, got {self.temperature!r}")

    @classmethod
    def coerce(cls, protocol: Protocol | Step | str | Sequence[Step | str]) -> Protocol:
        """A Protocol from a Protocol, one step, a string or a list of them."""
        if isinstance(protocol, Protocol):
            return protocol
        if isinstance(protocol, (Step, str)):
            return cls((protocol,))
        if isinstance(protocol, Sequence):
            return cls(tuple(protocol))
        raise ProtocolError(
            f"protocol must be a Protocol, a Step, a string or a list of them, "
            f"got {type(protocol).__name__}"
        )

    def iter_steps(self) -> Iterator[tuple[int, int, Step]]:
        """(cycle number from 1, step index within the cycle from 0, step)."""
        for cycle in range(1, self.cycles + 1):
            for index, step in enumerate(self.steps):
                yield cycle, index, step

    def to_json(self) -> str:
        return json.dumps(
            {
                "steps": [s.to_dict() for s in self.steps],
                "cycles": self.cycles,
                "temperature": self.temperature,
            }
        )
