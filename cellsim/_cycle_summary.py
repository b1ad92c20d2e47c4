"""What one cycle of a run amounts to: capacity, energies, resistance, degradation."""

from __future__ import annotations

import numpy as np

from cellsim.solvers._base import Segment

#: Per-cycle variables of an ageing result: (name, units, long name).
CYCLE_VARIABLES = (
    ("capacity", "A.h", "charge delivered in the cycle's discharge"),
    ("charge_throughput", "A.h", "charge taken in the cycle's charge"),
    ("discharge_energy", "W.h", "energy delivered in the cycle"),
    ("charge_energy", "W.h", "energy taken in the cycle"),
    ("energy_efficiency", "1", "discharge energy / charge energy"),
    ("coulombic_efficiency", "1", "charge delivered / charge taken"),
    ("resistance", "ohm", "voltage step / current step as the first discharge leg starts"),
    ("lli", "percent", "loss of lithium inventory"),
    ("lam_negative", "percent", "loss of active material, negative electrode"),
    ("lam_positive", "percent", "loss of active material, positive electrode"),
    ("time", "s", "time at the end of the cycle"),
)


def summarise(
    segments: list[tuple[int, int, Segment]], at_end: tuple[str, ...] = ()
) -> dict[str, float]:
    """The :data:`CYCLE_VARIABLES` of one cycle from its ``(cycle, step, segment)`` triples,
    and the values of the outputs named in ``at_end`` at the cycle's end.

    Charge and energy come from the discharge-capacity counter and the trapezoidal
    integral of power over the output points; degradation variables the model does not
    have are NaN.
    """
    t = np.concatenate([s.t for _, _, s in segments])
    out = {
        k: np.concatenate([s.outputs[k] for _, _, s in segments]) for k in segments[0][2].outputs
    }
    dq = np.diff(out["discharge_capacity"])
    energy = 0.5 * (out["power"][1:] + out["power"][:-1]) * np.diff(t) / 3600.0
    summary = {
        "capacity": float(dq[dq > 0].sum()),
        "charge_throughput": float(-dq[dq < 0].sum()),
        "discharge_energy": float(energy[energy > 0].sum()),
        "charge_energy": float(-energy[energy < 0].sum()),
        "time": float(t[-1]),
    }
    summary["energy_efficiency"] = _ratio(summary["discharge_energy"], summary["charge_energy"])
    summary["coulombic_efficiency"] = _ratio(summary["capacity"], summary["charge_throughput"])
    summary["resistance"] = _resistance([s for _, _, s in segments])
    for name in ("lli", "lam_negative", "lam_positive"):
        summary[name] = float(out[name][-1]) if name in out else float("nan")
    for name in at_end:
        summary[name] = float(out[name][-1])
    return summary


def _resistance(segments: list[Segment]) -> float:
    """The cell's resistance as a cycler measures it, at the first discharge leg's start.

    The voltage step over the current step from the end of the leg before (a DC pulse
    resistance: ohmic and kinetic, before diffusion moves), or, for a cycle that starts
    with its discharge, ``(ocv - voltage) / current`` at the leg's first point (which
    also counts the concentration polarisation the cell carries in).
    """
    for i, s in enumerate(segments):
        current = s.outputs["current"]
        if not (current.size and current[0] > 0):
            continue
        if i > 0 and segments[i - 1].t.size:
            before = segments[i - 1].outputs
            step = current[0] - before["current"][-1]
            if step > 0:
                return float((before["voltage"][-1] - s.outputs["voltage"][0]) / step)
        return float((s.outputs["ocv"][0] - s.outputs["voltage"][0]) / current[0])
    return float("nan")


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")
