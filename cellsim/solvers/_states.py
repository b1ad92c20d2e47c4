"""Mapping a state vector between two discretisations of the same cell model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def _indices(model) -> dict[tuple[str, tuple[str, ...]], np.ndarray]:
    found = {}
    for var, slices in model.y_slices.items():
        key = (var.name, tuple(var.domain))
        found[key] = np.concatenate([np.arange(s.start, s.stop) for s in slices])
    return found


def state_map(source, target) -> StateMap:
    """How to carry ``source``'s state into ``target`` (both discretised PyBaMM models).

    States in both are copied; the two may differ by at most one scalar state (the
    algebraic current), which is dropped or filled.
    """
    src_idx, dst_idx = _indices(source), _indices(target)
    shared = [k for k in src_idx if k in dst_idx]
    differ = sorted({k[0] for k in src_idx.keys() ^ dst_idx.keys()})
    if len(differ) > 1 or any(src_idx[k].size != dst_idx[k].size for k in shared):
        raise ValueError(f"models {source.name!r} and {target.name!r} differ in states {differ}")
    dst = np.concatenate([dst_idx[k] for k in shared])
    src = np.concatenate([src_idx[k] for k in shared])
    return StateMap(int(target.len_rhs_and_alg), dst, src)


def counter_states(model) -> np.ndarray:
    """Which entries of ``model``'s state vector are charge counters (discharge and
    throughput capacity): bookkeeping that no equation reads back."""
    counters = np.zeros(int(model.len_rhs_and_alg), dtype=bool)
    for var, slices in model.y_slices.items():
        if var.name in ("Discharge capacity [A.h]", "Throughput capacity [A.h]"):
            for s in slices:
                counters[s] = True
    return counters


def algebraic_states(model) -> np.ndarray:
    """Which entries of ``model``'s state vector are algebraic (after its differential
    ones): potentials, interfacial currents, a controlled cell's current."""
    return np.arange(int(model.len_rhs_and_alg)) >= int(model.len_rhs)
