"""Where each state of a discretised cell model sits in its state vector, and mapping
a state vector between two discretisations of the same cell model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Variables that only count charge: bookkeeping that no equation reads back.
COUNTERS = ("Discharge capacity [A.h]", "Throughput capacity [A.h]")


@dataclass(frozen=True)
class Layout:
    """The state vector of a discretised model: ``n_rhs`` differential states, then
    algebraic ones, ``size`` in all; ``blocks`` maps each state variable, as (name,
    domain), to its entries; ``scales`` each variable's name to the (scale, reference)
    of its entries (the value is ``reference + scale * entry``; NaN where it depends on
    an input)."""

    size: int
    n_rhs: int
    blocks: dict[tuple[str, tuple[str, ...]], np.ndarray]
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)

    def entries(self, name: str) -> np.ndarray:
        """The entries of the variables called ``name`` (in any domain)."""
        found = [v for (n, _), v in self.blocks.items() if n == name]
        return np.concatenate(found) if found else np.zeros(0, dtype=int)


def layout(model) -> Layout:
    """The :class:`Layout` of a discretised PyBaMM ``model``."""
    blocks, scales = {}, {}
    for var, slices in model.y_slices.items():
        blocks[(var.name, tuple(var.domain))] = np.concatenate(
            [np.arange(s.start, s.stop) for s in slices]
        )
        scales[var.name] = (_number(var.scale), _number(var.reference))
    return Layout(int(model.len_rhs_and_alg), int(model.len_rhs), blocks, scales)


def _number(value) -> float:
    """A variable's scale or reference: a number, a constant PyBaMM expression, or NaN
    where it depends on an input (a DFN's particle reference on the initial SOC)."""
    if not hasattr(value, "evaluate"):
        return float(value)
    try:
        return float(value.evaluate())
    except KeyError:  # an input parameter
        return math.nan


@dataclass(frozen=True)
class StateMap:
    """Copies ``source[src]`` to ``target[dst]``; the target's other entries (the
    algebraic current of a voltage- or power-controlled model) take ``fill``."""

    size: int
    dst: np.ndarray
    src: np.ndarray

    def apply(self, y: np.ndarray, fill: float) -> np.ndarray:
        out = np.full(self.size, fill, dtype=float)
        out[self.dst] = y[self.src]
        return out


def state_map(source: Layout, target: Layout) -> StateMap:
    """How to carry a state of the ``source`` layout into the ``target`` one.

    States in both are copied; the two may differ by at most one scalar state (the
    algebraic current), which is dropped or filled.
    """
    shared = [k for k in source.blocks if k in target.blocks]
    differ = sorted({k[0] for k in source.blocks.keys() ^ target.blocks.keys()})
    if len(differ) > 1 or any(source.blocks[k].size != target.blocks[k].size for k in shared):
        raise ValueError(f"the two models differ in states {differ}")
    dst = np.concatenate([target.blocks[k] for k in shared])
    src = np.concatenate([source.blocks[k] for k in shared])
    return StateMap(target.size, dst, src)


def counter_states(states: Layout) -> np.ndarray:
    """Which entries of the state vector are charge counters (discharge and throughput
    capacity): bookkeeping that no equation reads back."""
    counters = np.zeros(states.size, dtype=bool)
    for name in COUNTERS:
        counters[states.entries(name)] = True
    return counters


def algebraic_states(states: Layout) -> np.ndarray:
    """Which entries of the state vector are algebraic (after its differential ones):
    potentials, interfacial currents, a controlled cell's current."""
    return np.arange(states.size) >= states.n_rhs
