"""The contract every stiff-core backend fills.

Contract for subclasses (scipy ``OdeSolver`` style: the base does the bookkeeping):

1. ``name``: the backend's name as ``simulate(..., solver=name)`` takes it.
2. ``__init__(built, rtol, atol, options)``: set up once per built model, tolerances and
   backend options (a mapping passed to the integrator); costly
   set-up belongs in ``built.cache`` so a second simulate of the same Cell reuses it.
3. :meth:`advance` integrates one leg from ``state`` (``None``: the model's initial
   state under ``inputs``) for at most ``duration`` seconds, stopping at the first
   termination event, and returns a :class:`Segment` and the state at its end.
4. A cut-off already crossed at the start raises :class:`InitialEventError`; any
   other failure raises :class:`IntegrationError` carrying what was computed.
5. :meth:`vector` and :meth:`with_vector` expose a state as (time, vector) and back,
   so the lifecycle engine can extrapolate it over cycles.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cellsim.solvers._states import algebraic_states, counter_states

if TYPE_CHECKING:
    from cellsim.solvers._states import Layout


@dataclass
class Segment:
    """One leg's output: absolute times, s, and the output variables at them."""

    t: np.ndarray
    outputs: dict[str, np.ndarray]
    termination: str  # "time" or the name of the event that ended the leg
    #: d outputs / d inputs: (outputs, inputs, times), when the backend tracks them
    sensitivities: np.ndarray | None = None


class InitialEventError(Exception):
    """A termination event is already met at the start of a leg."""


class IntegrationError(Exception):
    """The integrator failed; ``segment`` holds the output computed before, if any."""

    def __init__(self, message: str, segment: Segment | None = None) -> None:
        super().__init__(message)
        self.segment = segment


class Backend(abc.ABC):
    name: str
    #: Inputs whose forward sensitivities :meth:`advance` tracks (set by the runner).
    sensitivities: tuple[str, ...] = ()
    #: Whether a leg without a period has outputs enough to draw it by straight lines
    #: between them (IDAKLU's own steps; the CasADi core adds outputs where its even
    #: ones miss). The lifecycle engine, which only sums each leg, turns it off.
    resolve: bool = True

    def __init__(self, built: Any, rtol: float, atol: float, options: dict | None = None) -> None:
        self.built = built
        self.rtol = rtol
        self.atol = atol
        self.options = dict(options or {})

    @abc.abstractmethod
    def vector(self, state: Any) -> tuple[float, np.ndarray]:
        """The time and the full state vector of ``state`` (for extrapolation)."""

    @abc.abstractmethod
    def with_vector(self, state: Any, t: float, y: np.ndarray) -> Any:
        """``state`` moved to time ``t`` with state vector ``y`` (from :meth:`vector`)."""

    @abc.abstractmethod
    def layout(self, state: Any) -> Layout:
        """Where each of the model's state variables sits in :meth:`vector`'s state
        vector, and its scale; entries of no variable (an integrator's clock) are in
        no block, and ``n_rhs`` counts them where they sit among the differential
        states."""

    def unjudged(self, state: Any) -> np.ndarray:
        """Which entries of :meth:`vector`'s state vector the extrapolation between
        cycles does not judge its error on: counters no equation reads back (charge
        throughput, the integrator's clock: entries of no variable) and algebraic
        states (functions of the others: a leg starts by solving for them, the
        extrapolated value is a guess)."""
        states = self.layout(state)
        unnamed = np.ones(states.size, dtype=bool)
        for entries in states.blocks.values():
            unnamed[entries] = False
        return unnamed | counter_states(states) | algebraic_states(states)

    @abc.abstractmethod
    def advance(
        self,
        state: Any,
        duration: float,
        inputs: dict[str, float],
        period: float | None,
    ) -> tuple[Segment, Any]:
        """Integrate one leg; see the module docstring."""
