"""age: project a cell's life under a duty, cycle by cycle or by inter-cycle extrapolation."""

from __future__ import annotations

import dataclasses
import math
import os
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.interpolate import PchipInterpolator

from cellsim._cell import Cell
from cellsim._chemistry import chemistry_for
from cellsim._cycle_summary import CYCLE_VARIABLES, summarise
from cellsim._errors import ParameterError, ProtocolError, SolverError, unknown
from cellsim._results import provenance
from cellsim._runner import Position, Runner
from cellsim.protocol import Protocol, Step

METHODS = ("extrapolate", "full")
SECONDS_PER_YEAR = 365.25 * 86400.0
#: Longest jump of the extrapolation, cycles.
MAX_JUMP = 500
#: Absolute size under which a state counts as zero in the jump error (scaled states).
STATE_ATOL = 1e-6
#: Share of the tolerance Heun's own error, measured after each jump, is held to.
HEUN_SHARE = 0.5
#: How much shorter a jump is tried again whose landing leaves the states' domain.
OUT_OF_DOMAIN_FACTOR = 0.5
#: Wall time between checkpoint writes and between progress lines, s.
CHECKPOINT_EVERY = 2.0
PROGRESS_EVERY = 5.0


def age(
    cell: Cell,
    duty: Protocol | Step | str | Sequence[Step | str],
    *,
    cycles: int | None = None,
    years: float | None = None,
    method: str = "full",
    initial_soc: float | None = None,
    inputs: Mapping[str, float] | None = None,
    solver: str = "casadi",
    rtol: float | None = None,
    solver_rtol: float = 1e-6,
    solver_atol: float = 1e-6,
    solver_options: dict | None = None,
    checkpoint: str | os.PathLike | None = None,
    progress: bool = True,
) -> xr.Dataset:
    """Project the life of ``cell`` under a repeated ``duty``.

    Parameters
    ----------
    cell : Cell
        Usually with degradation options (``{"SEI": "solvent-diffusion limited"}``, ...).
    duty : Protocol, Step, str or list of them
        One cycle of the duty (a Protocol with ``cycles=1``); see :mod:`cellsim.duties`.
    cycles, years : optional
        How long: a number of cycles, or years of duty (converted with the duration of
        the second cycle: the first starts from the initial state and may be shorter or
        longer than the duty's own). Exactly one.
    method : {"extrapolate", "full"}
        ``"full"`` simulates every cycle. ``"extrapolate"`` advances the end-of-cycle
        state over many cycles at once by an adaptive Heun step in the cycle number
        (Sulzer et al., J. Electrochem. Soc. 168 (2021) 120531), simulating three real
        cycles per jump (one kept, a trial where Euler's predictor lands and one that
        relaxes Heun's landing); a jump is accepted while its estimated error stays
        below ``rtol`` x the size of every state. Cycles in between are interpolated;
        ``simulated`` says which were run and kept (``attrs["cycles_integrated"]``
        counts every cycle integrated, kept or not, rejected trials too).
    initial_soc : float, optional
        State of charge at the start.
    inputs : mapping, optional
        Values of parameters to vary without a rebuild, as for :func:`cellsim.simulate`:
        the model is built (and compiled) once with these names as inputs and reused
        for any values, so runs of many cells differing in them share one model.
    solver : str
        Stiff-core backend: ``"casadi"``, cellsim's CasADi core, whose model is
        compiled to machine code on first use (seconds for an SPMe, minutes for a DFN;
        cached on disk, see :mod:`cellsim.solvers._casadi_core`), or ``"idaklu"``,
        PyBaMM's IDAKLU solver.
    rtol : float, optional
        Extrapolation tolerance per jump: a bound on Euler's error estimate relative to
        each end-of-cycle state (the run lands on Heun's, which is far more accurate).
        The default is the chemistry's ``extrapolation_rtol``: 0.5 for lithium-ion
        (OKane2022 cells kept the capacity they lost within 0.10-0.21 of the issue's
        allowance, 5 % of what ``"full"`` lost or 0.05 % of capacity; 3e-2 within
        0.04-0.05 with 1.6-2.2x the cycles), 3e-2 for zinc-halogen (whose charge
        imbalance, which only grows, dipped across jumps at 0.1). See
        docs/physics/ageing.md.
    solver_rtol, solver_atol : float
        Integrator tolerances.
    solver_options : dict, optional
        Backend options, as for :func:`cellsim.simulate` (``{"compile": False}`` keeps
        the CasADi core interpreted).
    checkpoint : path, optional
        File to save progress to every few seconds; if it exists the run resumes from
        it (same cell, duty and settings) and ends identical to an uninterrupted run.
    progress : bool
        Print progress lines to stderr.

    Returns
    -------
    xarray.Dataset
        Over ``cycle`` (from 1): ``capacity`` (A.h), ``soh`` (capacity / first
        capacity), ``lli``, ``lam_negative``, ``lam_positive`` (percent),
        ``resistance`` (ohm), ``energy_efficiency``, ``coulombic_efficiency``,
        energies, ``time`` (s) and ``simulated``; and, at each cycle's end, the state
        of every degradation mechanism the cell's model has (the chemistry's
        ``cycle_outputs``: ``sei_capacity_loss``, ``plating_capacity_loss``, ``dead_zinc``,
        ...). If the integrator fails or the cell can
        no longer follow the duty in cycle N, the cycles before N are returned with the
        reason in ``attrs["stopped"]``.
    """
    duty = Protocol.coerce(duty)
    if duty.cycles != 1:
        raise ParameterError(
            f"duty must be one cycle (Protocol cycles=1), got cycles={duty.cycles}"
        )
    if method not in METHODS:
        raise ParameterError(unknown("method", str(method), METHODS))
    if (cycles is None) == (years is None):
        raise ParameterError("give exactly one of cycles= or years=")
    if cycles is not None and (
        isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1
    ):
        raise ParameterError(f"cycles must be an integer >= 1, got {cycles!r}")
    if years is not None and not (isinstance(years, (int, float)) and 0 < years <= 100):
        raise ParameterError(f"years must be in (0, 100], got {years!r}")
    if rtol is None:
        rtol = chemistry_for(cell.parameter_set).extrapolation_rtol
    if not (isinstance(rtol, (int, float)) and 0 < rtol < 1):
        raise ParameterError(f"rtol must be in (0, 1), got {rtol!r}")

    runner = Runner(
        cell,
        duty,
        initial_soc=initial_soc,
        inputs=inputs,
        solver=solver,
        rtol=solver_rtol,
        atol=solver_atol,
        period=None,
        solver_options=solver_options,
        resolve=False,
    )
    settings = {
        "method": method,
        "cycles": cycles,
        "years": years,
        "extrapolation_rtol": float(rtol),
        "initial_soc": initial_soc,
        **{
            k: runner.attrs[k]
            for k in ("cell", "protocol", "solver", "rtol", "atol", "inputs", "solver_options")
        },
    }
    run = _Run.resume(checkpoint, settings) or _Run(settings)
    clock = _Clock(checkpoint, progress)
    try:
        if run.total is None:
            run.record(1, *_one_cycle(runner, run, 1, run.position))
            run.total = cycles
            if years is not None:  # by the second cycle's length: the first may be atypical
                run.record(2, *_one_cycle(runner, run, 2, run.position))
                length = run.rows[1]["time"] - run.rows[0]["time"]
                run.total = max(2, math.ceil(years * SECONDS_PER_YEAR / length - 1e-9))
        while run.done < run.total:
            if method == "full" or run.total - run.done < 5:
                n = run.done + 1
                run.record(n, *_one_cycle(runner, run, n, run.position))
            else:
                _jump(runner, run)
            clock.tick(run)
    except (SolverError, ProtocolError) as err:
        if not run.rows:
            raise
        run.stopped = str(err)
    clock.tick(run, force=True)
    return run.dataset(runner)


def _one_cycle(runner: Runner, run: _Run, number: int, position: Position):
    try:
        segments, position = runner.cycle(number, position, [])
    finally:  # a cycle the solver could not finish counts as integrated too
        run.integrated += 1
    return summarise(segments, runner.built.cycle_outputs), position


def _jump(runner: Runner, run: _Run) -> None:
    """One accepted Heun step of ``run.jump`` cycles (rejected steps retry shorter).

    The end-of-cycle state ``v`` is advanced in the cycle number as the solution of
    ``dv/dN = F(v) - v``, ``F`` being one real cycle. Its slope is only smooth on the
    states a real cycle ends in (where the fast states, concentrations and potentials,
    have relaxed to what the slow ones, SEI, lithium inventory, active material, allow),
    so a jump starts where a real cycle ended, ``r``, takes the slope ``k1`` from the
    next real cycle ``k`` (kept), an Euler predictor ``h`` cycles on, the slope ``k2``
    from a real cycle ``t`` there, and lands at Heun's mean of the two.

    On the fast states ``dv/dN`` is stiff (a real cycle relaxes them): ``k2`` holds the
    relaxation of the predictor's fast states (``h`` times the integrator's noise in
    ``k1``), which Heun's mean multiplies by ``h / 2``. So the landing is relaxed by a
    real cycle ``r2`` (run, never kept: it began from extrapolated fast states), and the
    error is judged after it: ``r2 - t``, Heun's landing less Euler's, ``h (k2 - k1) /
    2``, after a real cycle from each, is that on the slow states, without the
    relaxation on the fast ones. The jump is accepted when it is below ``rtol`` x each
    state's size in every differential state but the charge counters (max norm; see
    :func:`_judged`), and the run then stands at ``r2``. A trial or relaxing cycle the
    solver cannot finish (a state beyond where the model holds) rejects the jump like a
    large error.

    A state each cycle sets afresh (the chemistry's ``cycle_set``: OKane2022's
    reversibly plated lithium, stripped in every discharge) is not extrapolated: on it
    ``dv/dN = F(v) - v`` is stiff, and Heun's mean multiplies by ``h / 2`` the trial
    cycle's relaxation of the predictor's value (in the coupled case below, a jump of
    183 cycles from cycle 130 landed it at -80 to -180 mol/m3 where cycles leave +40 to
    +60). The landing takes it from the trial cycle ``t`` and returns to (or takes
    from) the particles it came from what that moves (``CycleSetState.settle``): Heun's landing
    conserves lithium (its weights sum to one, and each real cycle conserves it), and
    so does this. Taking the trial's value without the return put 3 % of capacity back
    into the coupled SEI, plating and LAM case over 500 cycles; with it, 21 cycles are
    integrated instead of 25, the loss within 0.18 of the allowance.

    A landing that takes a judged state below zero where the jump's three real cycles
    (``r``, ``k``, ``t``) all have it above is out of the states' domain (amounts,
    concentrations and thicknesses are not negative): the jump is tried again
    ``OUT_OF_DOMAIN_FACTOR`` as long, without a relaxing cycle. Such a landing is what
    Heun's correction does to a state each cycle sets afresh (OKane2022's reversibly
    plated lithium: dv/dN = F(v) - v is stiff there, and the correction is h/2 times
    the change of its slope); the relaxing cycle does not bring it back, the error
    test passed it at the tolerance of 0.5, and the jumps after it were rejected
    (the coupled SEI, plating and LAM case: 34 cycles integrated over 500, 25 with
    this check, the loss within 0.06 instead of 0.07 of the allowance).

    The next jump's length follows Gustafsson's predictive controller (the error's
    change since the last jump as well as its size: the slow states' own growth keeps
    the error of a fixed relative jump falling, which the plain controller does not
    foresee); after a rejection, the plain ``0.9 / sqrt(error)``. It is also kept to
    where Heun's own error, measured once the next jump has the slope where this one
    landed (:func:`_heun_error`), stays below ``HEUN_SHARE`` of the tolerance: where
    the map is stiff on a mechanism that takes a few cycles to settle (a zinc-bromine
    cell's dead zinc, reclaimed by the halogen), the jumps are held near the stability
    limit, where Heun is no more accurate than Euler and the Euler bound alone let the
    error approach ``rtol``.
    """
    n = run.done
    if n == 1:  # the first cycle starts from the initial state: slopes from the second on
        run.record(2, *_one_cycle(runner, run, 2, run.position))
        return
    r = _vector(runner, run.position)
    s1, y1 = _one_cycle(runner, run, n + 1, run.position)  # k: kept
    k = _vector(runner, y1)
    k1 = k - r
    judged = _judged(runner, y1)
    if run.landed is not None and run.landed[0] == n:
        _, h, k1_before, relaxed, scale = run.landed
        error = _heun_error(h, k1_before, k1, relaxed, scale, judged)
        if error > 0:
            run.jump = min(run.jump, max(2, int(h * 0.9 * (HEUN_SHARE / error) ** (1 / 3))))
    run.landed = None
    rtol = run.settings["extrapolation_rtol"]
    target = None  # (landing cycle, landing, the relaxing cycle's summary and end)
    rest = run.total - n - 2  # two real cycles follow a landing
    # the rest in one jump if it is at most a fifth longer (not a short jump at the end)
    h = min(run.jump, rest) if rest > 1.2 * run.jump else min(rest, MAX_JUMP)
    retried = False
    while h >= 2:
        predicted = k + (h - 1) * k1  # Euler: cycle n + h
        try:
            _, y3 = _one_cycle(runner, run, n + h + 1, _position(runner, y1, predicted))
            t = _vector(runner, y3)
            y = r + h * 0.5 * (k1 + (t - predicted))  # Heun: the mean slope over the jump
            y = _settle(runner, y1, y, t)
            if _leaves_domain(y, (r, k, t), judged):  # too long: shorter, no relaxing cycle
                error, factor = math.inf, OUT_OF_DOMAIN_FACTOR
            else:
                landing = _position(runner, y1, y)
                s4, y4 = _one_cycle(runner, run, n + h + 1, landing)  # r2: relaxes it
                r2 = _vector(runner, y4)
                scale = rtol * np.maximum(np.abs(t), np.abs(r2)) + STATE_ATOL
                error = float(np.max((np.abs(r2 - t) / scale)[judged]))
                factor = 0.9 / math.sqrt(error) if error > 0 else 3.0
        except (SolverError, ProtocolError):
            # a jump too long for the cell to follow from where it lands: shorter
            error, factor = math.inf, 0.2
        if error <= 1.0:
            if not retried and run.last_error and error > 0:  # Gustafsson
                factor *= (h / run.last_h) * math.sqrt(run.last_error / error)
            run.last_error, run.last_h = error, h
            run.jump = int(min(MAX_JUMP, max(2, h * min(3.0, factor))))
            target = (n + h, landing, s4, y4)
            run.landed = (n + h + 1, h, k1, r2 - t, scale)
            break
        run.last_error = None
        if h == 2:  # the trend is not smooth enough to jump: keep the real cycle
            break
        run.jump = max(2, int(h * max(0.2, min(0.9, factor))))
        h, retried = run.jump, True
    run.record(n + 1, s1, y1)
    if target is not None:
        cycle, landing, s4, y4 = target
        run.jump_to(cycle, landing)
        run.record(cycle + 1, s4, y4, keep=False)


def _settle(runner: Runner, position: Position, y: np.ndarray, trial: np.ndarray) -> np.ndarray:
    """The landing ``y`` with the chemistry's cycle-set states at their values in the
    trial cycle ``trial`` and what they hold moved where it came from
    (``cellsim._chemistry.CycleSetState``)."""
    if not runner.built.cycle_set:
        return y
    states = runner.backend.layout(position.state)
    y = y.copy()
    for state in runner.built.cycle_set:  # y[1:-1]: the state vector (a view)
        state.settle(states, y[1:-1], trial[1:-1])
    return y


def _leaves_domain(y: np.ndarray, real: tuple, judged: np.ndarray) -> bool:
    """Whether the landing ``y`` has a judged entry below zero that is above zero in
    every one of the ``real`` cycles' ends the jump was built from."""
    above = np.all(np.stack(real) > 0, axis=0)
    return bool(np.any(judged & above & (y < 0)))


def _heun_error(h, k1, k_landed, relaxed, scale, judged) -> float:
    """Heun's own error in a jump of ``h`` cycles, from the slope ``k_landed`` where it
    landed (a cycle on, after the relaxing cycle), measured by the next jump.

    The trapezoid rule with the slope at the landing itself differs from Heun's mean
    (whose second slope was taken where Euler landed) by ``h / 2`` times the difference
    of the two end slopes; after a real cycle it is ``h (k_landed - k1) / 2 - relaxed``,
    ``relaxed`` being Heun's landing less Euler's after a cycle from each (``r2 - t``).
    Relative to the jump's own ``rtol`` x state (``scale``), max norm over ``judged``."""
    return float(np.max((np.abs(0.5 * h * (k_landed - k1) - relaxed) / scale)[judged]))


def _judged(runner: Runner, position: Position) -> np.ndarray:
    """Entries of :func:`_vector` the jump error is judged on: the model's differential
    states but the charge counters (whose end-of-cycle values are a small difference of
    large ones). Algebraic states are not: each leg solves for them from the others
    (the extrapolated values are only its first guess), and at a cycle's end they are
    the most sensitive to where its last step stopped (a DFN's interfacial current at
    the end of a hold's taper set the jumps of a run with lithium plating to ~10
    cycles)."""
    unjudged = runner.backend.unjudged(position.state)
    return np.concatenate([[False], ~unjudged, [False]])


def _vector(runner: Runner, position: Position) -> np.ndarray:
    """The end-of-cycle state as one vector: time, state vector, step-start capacity."""
    t, y = runner.backend.vector(position.state)
    return np.concatenate([[t], y, [position.step_start_capacity]])


def _position(runner: Runner, like: Position, v: np.ndarray) -> Position:
    return Position(runner.backend.with_vector(like.state, float(v[0]), v[1:-1]), float(v[-1]))


@dataclasses.dataclass
class _Run:
    """Everything a run has done so far; what a checkpoint holds."""

    settings: dict
    rows: list = dataclasses.field(default_factory=list)  # summaries of simulated cycles
    position: Position = dataclasses.field(default_factory=Position)
    total: int | None = None
    jump: int = 6  # the first jump, cycles (then as the controller sets)
    stopped: str = ""
    done: int = 0  # the last cycle the run stands at the end of
    integrated: int = 0  # cycles integrated, kept or not (a jump's trial cycles too)
    last_error: float | None = None  # the last accepted jump's error (None after a rejection)
    last_h: int = 0  # and its length
    landed: tuple | None = None  # the last jump's (cycle after, length, k1, r2 - t, scale)

    def record(self, cycle: int, summary: dict, position: Position, keep: bool = True) -> None:
        """Stand at the end of simulated ``cycle``; keep its summary unless told not to
        (the first cycle after a jump starts from extrapolated fast states)."""
        if keep:
            self.rows.append({**summary, "cycle": cycle})
        self.done = cycle
        self.position = position

    def jump_to(self, cycle: int, position: Position) -> None:
        """Stand at the end of ``cycle`` with an extrapolated state (nothing recorded)."""
        self.done = cycle
        self.position = position

    @classmethod
    def resume(cls, path, settings: dict) -> _Run | None:
        if path is None or not Path(path).exists():
            return None
        with open(path, "rb") as f:
            saved = pickle.load(f)
        if saved.settings != settings:
            changed = sorted(k for k in settings if saved.settings.get(k) != settings[k])
            raise ParameterError(
                f"checkpoint {str(path)!r} is of another run (differs in {changed}); "
                "delete it or give another path"
            )
        return saved

    def save(self, path) -> None:
        tmp = Path(f"{path}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    def dataset(self, runner: Runner) -> xr.Dataset:
        rows = sorted(self.rows, key=lambda r: r["cycle"])
        real = np.array([r["cycle"] for r in rows], dtype=float)
        last = self.done if not self.stopped else int(real[-1])
        cycle = np.arange(1, last + 1)
        data = {}
        mechanisms = [
            (o.name, o.units, o.long_name)
            for o in runner.built.outputs
            if o.name in runner.built.cycle_outputs
        ]
        for name, units, long_name in [*CYCLE_VARIABLES, *mechanisms]:
            values = _interpolate(cycle, real, [r[name] for r in rows])
            data[name] = ("cycle", values, {"units": units, "long_name": long_name})
        first = rows[0]["capacity"]
        capacity = data["capacity"][1]
        data["soh"] = (
            "cycle",
            capacity / first,
            {"units": "1", "long_name": "state of health: capacity / first capacity"},
        )
        simulated = np.isin(cycle, real).astype(np.int32)
        data["simulated"] = (
            "cycle",
            simulated,
            {"units": "1", "long_name": "1: simulated, 0: extrapolated"},
        )
        attrs = {
            **runner.attrs,
            "method": self.settings["method"],
            "extrapolation_rtol": self.settings["extrapolation_rtol"],
            "cycles_simulated": int(simulated.sum()),
            "cycles_integrated": self.integrated,
            "stopped": self.stopped,
        }
        return xr.Dataset(
            data,
            coords={
                "cycle": (
                    "cycle",
                    cycle.astype(np.int32),
                    {"units": "1", "long_name": "cycle number, from 1"},
                )
            },
            attrs=provenance(**attrs),
        )


def _interpolate(cycle: np.ndarray, real: np.ndarray, values) -> np.ndarray:
    """``values``, given at the simulated cycles ``real``, at every ``cycle``: exact at
    those, between them a shape-preserving cubic (PCHIP: monotone where they are, no
    overshoot), linear with fewer than three or with a value that is not finite.

    Capacity fades like a power of the cycle number and the jumps grow with it: on
    OKane2022's SPMe with SEI, 1,000 cycles, a straight line between kept cycles 253
    and 402 was 0.11 of the allowance off the full run's capacity loss, this 0.025 (its
    worst, 0.049, in the last span, 636 to 1,000, whose end slope is one-sided)."""
    values = np.asarray(values, dtype=float)
    if real.size < 3 or not np.all(np.isfinite(values)):
        return np.interp(cycle, real, values)
    out = PchipInterpolator(real, values)(cycle)
    out[real.astype(int) - int(cycle[0])] = values
    return out


class _Clock:
    """Checkpoint writes and progress lines, each at most every few seconds."""

    def __init__(self, checkpoint, progress: bool) -> None:
        self.checkpoint, self.progress = checkpoint, progress
        self.start = self.saved = self.printed = time.perf_counter()

    def tick(self, run: _Run, force: bool = False) -> None:
        now = time.perf_counter()
        if self.checkpoint is not None and (force or now - self.saved >= CHECKPOINT_EVERY):
            run.save(self.checkpoint)
            self.saved = now
        if self.progress and run.rows and (force or now - self.printed >= PROGRESS_EVERY):
            row = run.rows[-1]
            soh = row["capacity"] / run.rows[0]["capacity"]
            print(
                f"cellsim age: cycle {run.done}/{run.total}  capacity {row['capacity']:.4f} A.h"
                f"  SOH {soh:.4f}  {len(run.rows)} simulated  {now - self.start:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            self.printed = now
