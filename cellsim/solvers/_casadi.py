"""cellsim's stiff core: CasADi's SUNDIALS integrator IDAS, ending legs exactly at events.

A leg is integrated in chunks, each one call of a CasADi integrator with equally
spaced output points (a period's, or ``POINTS``; without a period the first chunk also
has ``ONSET_GRID``'s, and where straight lines between outputs would miss the voltage
or current by more than ``RESOLUTION``, :func:`_resolved` integrates those intervals
again, finer: the lifecycle engine, which only sums each leg, turns both off with the
backend's ``resolve``). The integrated equations stop (the differential states hold)
as soon as a termination event is met, and an extra state records how long they ran
(see :mod:`cellsim.solvers._casadi_core`), so a chunk that overruns a cut-off ends at
it: the event time and the state there come out of the same integration. CasADi's
own (experimental) integrator events are not used.

The first chunk of a leg is as long as the step can last (1.25x the nominal charge at
its current or power, two hours for a hold, or the time limit); a chunk that fails is
retried a quarter as long. Legs that recur (the steps of a repeated cycle) take the
duration the last one lasted, and ``HINT_MARGIN`` more, as their chunk, so their output
points spread over the step and the cut-off falls inside the first chunk as a cell
ages (a second chunk would restart the integrator).

Such a hinted first chunk runs unguarded: the equations integrate through the event
(at most ``HINT_MARGIN`` of the leg past it), and the event is located between the
outputs around it (:func:`_locate`). Where that does not converge or another event
comes first (a zinc cell's voltage collapsing as its zinc runs out), the interval runs
again from the output before it, guarded, and stops at the first event met, as a
guarded chunk would. The guard's switch is a discontinuity the integrator
resolves by error-test failures and a fresh Newton matrix, and a guarded right-hand
side evaluates the events (the voltage and its kinetics) at every call; unguarded,
the issue's SPMe ageing cycle took 12-14 instead of 20-23 ms of CPU (the coupled
SEI, plating and LAM model 129 instead of 178 ms). An unguarded chunk that fails
(past a cut-off, where the model may not be defined) is run again guarded. An event
function that crosses zero and back between two outputs (1 % of the leg) would be
missed there: the steps this serves end at monotone cut-offs.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from dataclasses import dataclass, field

import numpy as np

from cellsim import _control as c
from cellsim import _disk_cache
from cellsim.solvers import _sensitivities as sens
from cellsim.solvers._base import Backend, InitialEventError, IntegrationError, Segment
from cellsim.solvers._casadi_core import Core, build_core, unit_grid
from cellsim.solvers._states import Layout, state_map

#: Output points per chunk when the caller asks for no period.
POINTS = 101
#: Without a period (and with the backend's ``resolve``), outputs are added where
#: linear interpolation between them would miss the voltage by more than this, V (the
#: current by this many C): see :func:`_resolved`. Its refinements integrate
#: ``RESOLVE_POINTS`` outputs between two, ``RESOLVE_DEPTH`` levels deep at most (to
#: 1e-4 of an interval), runs of ``RESOLVE_RUN`` intervals at most in one integration.
RESOLUTION = 3e-3
RESOLVE_POINTS = 11
RESOLVE_DEPTH = 4
RESOLVE_RUN = 8
#: Output times of a leg's first chunk without a period (and with ``resolve``), over
#: tau in [0, 1]: the ``POINTS`` evenly spaced and ten a decade spaced geometrically
#: from 1e-6 of the chunk to a tenth of it, so the transient a step starts (the double
#: layers of a zinc-iodide cell charging in the first second of a four-hour charge, a
#: DFN's electrolyte polarising over its first minutes) shows without a restart of the
#: integrator, which interpolates them.
ONSET_GRID = tuple(
    np.union1d(
        np.linspace(0.0, 1.0, POINTS),
        [
            g
            for g in np.logspace(-6.0, -1.0, 51)
            if abs(g * (POINTS - 1) - round(g * (POINTS - 1))) > 1e-6
        ],
    )
)
#: How often a failed chunk is retried shorter before the leg fails.
RETRIES = 6
#: Time tolerance of the event location, s (at 1C, 3e-8 of the capacity).
EVENT_XTOL = 1e-4
#: Charge tolerance of the event location, as a fraction of the nominal capacity: a
#: slow event (a hold's current taper at C/100) is located to ``EVENT_QTOL * Q / |I|``
#: (at C/100, 0.04 s; its charge then 1e-7 of the capacity, ~40x below one cycle's
#: fade in the issue's ageing case), not to EVENT_XTOL, which the event function's
#: noise (the integrator's tolerance on a current) would not resolve.
EVENT_QTOL = 1e-7
#: Most refinement trials of an event location (an event function the integrator's
#: tolerance leaves noisy near a slow crossing, a current taper, ends with the best).
LOCATE_STEPS = 8
#: How far from zero an event function may end (V, A or A.h) without a refinement.
EVENT_GTOL = 1e-6
#: Legs remembered for their duration (see the module docstring).
MAX_HINTS = 256
#: How much longer than the leg it recalls a hinted first chunk is: one output interval
#: (of ``POINTS``), so the event lies close to the last output but one.
HINT_MARGIN = 1.0 / (POINTS - 1)


@dataclass
class _State:
    control: str
    t: float
    x: np.ndarray
    z: np.ndarray
    current: float
    hints: dict = field(default_factory=dict)
    #: d[x; z]/d inputs per relative change of each (a column per name of the backend's
    #: ``sensitivities``; see cellsim.solvers._sensitivities.selection), or None
    sensitivity: np.ndarray | None = None


class CasadiBackend(Backend):
    """Integrates the built model with ``casadi.integrator`` (SUNDIALS IDAS)."""

    name = "casadi"

    def core(self, control: str) -> Core:
        """The CasADi form of the model for ``control``, built once per built model and
        kept in the disk cache (:mod:`cellsim._disk_cache`) for the next process."""
        key = (
            "casadi",
            control,
            self.rtol,
            self.atol,
            tuple(sorted(self.options.items())),
            bool(self.sensitivities),
        )
        if key not in self.built.cache:
            options = dict(self.options)
            compile_dae = bool(options.pop("compile", compile_by_default()))
            entry = self.built.disk_key("core", *key[1:], compile_dae)
            core = _cached_core(entry)
            if core is None:
                core = build_core(
                    self.built.model(control),
                    [o.source_name for o in self.built.outputs],
                    self.rtol,
                    self.atol,
                    options,
                    compile=compile_dae,
                    sensitivities=bool(self.sensitivities),
                )
                if entry is not None and core.compiled == compile_dae:
                    _disk_cache.store("core", entry, core.to_record())
            self.built.cache[key] = core
        return self.built.cache[key]

    def vector(self, state: _State) -> tuple[float, np.ndarray]:
        return state.t, np.concatenate([state.x, state.z])

    def layout(self, state: _State) -> Layout:
        states = self.core(state.control).layout
        clock = state.x.size - 1  # the integrator's clock: after the differential states
        blocks = {k: np.where(v >= clock, v + 1, v) for k, v in states.blocks.items()}
        return dataclasses.replace(
            states, size=states.size + 1, n_rhs=states.n_rhs + 1, blocks=blocks
        )

    def with_vector(self, state: _State, t: float, y: np.ndarray) -> _State:
        n = state.x.size
        return dataclasses.replace(
            state,
            t=t,
            x=y[:n].copy(),
            z=y[n:].copy(),
            hints=dict(state.hints),
            sensitivity=None,
        )

    # -- one leg ----------------------------------------------------------------------
    def advance(self, state, duration, inputs, period):
        control = "current" if inputs[c.CURRENT_CONTROL] == 1.0 else "any"
        core = self.core(control)
        p = np.array([float(inputs[name]) for name in core.input_names])
        t, x, z, hints = self._start(state, control, core, p, inputs)
        start_state = (t, x.copy(), z.copy())
        tracked = self._start_sensitivity(state, control, core, (*start_state, p))
        g, y = core.observe(t, x, z, p)
        if np.any(g <= 0):
            met = [core.event_names[i] for i in np.flatnonzero(g.ravel() <= 0)]
            raise InitialEventError(str(met))

        signature = _signature(inputs)
        hint = hints.get(signature)
        horizon = min(
            duration, (1.0 + HINT_MARGIN) * hint if hint else self._first_chunk(inputs, duration)
        )
        # a hinted leg's first chunk runs unguarded (see the module docstring)
        guard = 1.0 if hint is None or tracked is not None else 0.0
        # A later leg reports its start just after the last leg's end (as PyBaMM does), so
        # time increases strictly and the step change shows.
        times, ys = [np.array([t if state is None else np.nextafter(t, np.inf)])], [y]
        start, end = t, t + duration
        termination = "time"
        # outputs added where the even ones miss (not where sensitivities are tracked:
        # theirs are at the integrated outputs)
        resolve = self.resolve and period is None and tracked is None
        retries = 0
        chunks: list[tuple] = []  # (t, span, points, x, z, grid, xf, zf, kept) integrated
        ended = None  # (event, t, x, z) where an event ended the leg
        while end - t > 1e-9 * max(1.0, end):
            first = self.resolve and t == start
            span, points = _chunk(min(horizon, end - t), end - t, period, first)
            x[-1] = 0.0  # active time counts from the chunk's start
            try:
                xf, zf = core.integrate(points, x, z, p, t, span, guard=guard)
            except RuntimeError as err:
                if guard == 0.0:  # e.g. past a cut-off, where the model is not defined
                    guard = 1.0
                    continue
                if retries == RETRIES:
                    segment = self._segment(times, ys, "failure")
                    raise IntegrationError(
                        f"CasADi {core.plugin} failed at t = {t:g} s: {_reason(err)}", segment
                    ) from None
                retries += 1
                horizon = span / 4.0
                continue
            grid = t + span * unit_grid(points)
            n_points = grid.size
            active = xf[core.n_x, -1]
            # output points reached before the dynamics stopped at an event, if one did
            keep = n_points
            if active < span * (1.0 - 1e-12):
                keep = max(1, int(np.searchsorted(grid, t + active)))
            g_grid, y_grid = core.observe(grid, xf, zf, p)  # n_points columns, keep used
            g_grid, y_grid = g_grid[:, :keep], y_grid[:, :keep]
            # an event met at an output point the dynamics ran on through (within the
            # integrator's tolerance of the chunk's end) counts as met there
            met = np.flatnonzero(np.min(g_grid[:, 1:], axis=0) <= 0) if g_grid.size else []
            if len(met):
                keep = int(met[0]) + 1
                stop = (grid[keep], xf[:, keep], zf[:, keep])
            elif keep < n_points:
                stop = (t + active, xf[:, -1], zf[:, -1])
            if len(met) or keep < n_points:  # an event ended the leg
                before = (grid[keep - 1], xf[:, keep - 1], zf[:, keep - 1])
                current = abs(float(y_grid[self._current_row, keep - 1]))
                xtol = max(EVENT_XTOL, EVENT_QTOL * self._charge / max(current, 1e-300))
                g_before = g_grid[:, keep - 1]
                try:
                    *located, found = _locate(
                        core, p, stop, before, g_before, xtol, stopped=guard == 1.0
                    )
                    if guard == 0.0 and not (found and _first(core, p, located)):
                        # as a guarded chunk would: stop at the first event met
                        stop = _guarded_stop(core, p, before, grid[keep] - grid[keep - 1])
                        *located, _ = _locate(core, p, stop, before, g_before, xtol)
                    t, x, z, event = located
                except RuntimeError as err:
                    segment = self._segment(times, ys, "failure")
                    raise IntegrationError(
                        f"CasADi {core.plugin} failed locating an event after t = {t:g} s: "
                        f"{_reason(err)}",
                        segment,
                    ) from None
                y_end = core.observe(t, x, z, p)[1]
                chunks.append((grid[0], span, points, xf[:, 0], zf[:, 0], grid, xf, zf, keep))
                ended = (event, t, x, z)
                t_kept = np.append(grid[:keep], t)
                y_kept = np.hstack([y_grid[:, :keep], y_end])
                if resolve:
                    x_kept = np.column_stack([xf[:, :keep], x])
                    z_kept = np.column_stack([zf[:, :keep], z])
                    t_kept, y_kept = _resolved(
                        core, p, t_kept, x_kept, z_kept, y_kept, self._resolution
                    )
                times.append(t_kept[1:])
                ys.append(y_kept[:, 1:])
                termination = core.event_names[event]
                break
            t_kept, y_kept = grid, y_grid
            if resolve:
                t_kept, y_kept = _resolved(core, p, grid, xf, zf, y_grid, self._resolution)
            times.append(t_kept[1:])
            ys.append(y_kept[:, 1:])
            chunks.append((grid[0], span, points, x.copy(), z.copy(), grid, xf, zf, n_points))
            t, x, z = grid[-1], xf[:, -1].copy(), zf[:, -1].copy()
            guard = 1.0

        segment = self._segment(times, ys, termination)
        if tracked is not None:
            segment.sensitivities, tracked = self._carry(
                core, p, start_state, tracked, chunks, ended
            )
        if termination != "time":
            if len(hints) >= MAX_HINTS:
                hints.pop(next(iter(hints)))
            hints[signature] = float(t - start)
        current = float(segment.outputs["current"][-1])
        return segment, _State(control, float(t), x, z, current, hints, tracked)

    # -- forward sensitivities (see cellsim.solvers._sensitivities) ------------------------
    def _start_sensitivity(self, state, control: str, core: Core, start) -> np.ndarray | None:
        """``d[x; z]/d inputs`` at a leg's start ``(t, x, z, p)``, or None if not tracked."""
        if not self.sensitivities:
            return None
        t, x, z, p = start
        P = sens.selection(core, self.sensitivities, p)
        if state is None:
            S = sens.initial(core, p, P)
        elif state.control != control:  # the model's states mapped, "active" dropped
            source = self.core(state.control)
            old = np.delete(state.sensitivity, source.n_x, axis=0)
            S = _map_columns(state_map(source.layout, core.layout), old)
            S = np.insert(S, core.n_x, 0.0, axis=0)
        else:
            S = state.sensitivity.copy()
        return sens.consistent(core, x, z, p, t, S, P)

    def _carry(self, core: Core, p, start: tuple, S: np.ndarray, chunks: list, ended):
        """The outputs' sensitivities over a leg (outputs, inputs, times) and the states'
        at its end, from those at its ``start`` (t, x, z), ``S``, along the integrated
        ``chunks``, to the event that ``ended`` it, if one did."""
        P = sens.selection(core, self.sensitivities, p)
        t, x, z = start
        outs = [sens.outputs(core, t, x[:, None], z[:, None], p, S[:, :, None], P)]
        for t0, span, points, x0, z0, grid, xf, zf, kept in chunks:
            full = core.parameters(p, t0, span, 1.0, x0, z0)
            along = sens.chunk(core, points, x0, z0, full, S, P)
            if kept > 1:  # the outputs the leg kept from this chunk (after its start)
                columns = slice(1, kept)
                outs.append(
                    sens.outputs(
                        core,
                        grid[columns],
                        xf[:, columns],
                        zf[:, columns],
                        p,
                        along[:, :, columns],
                        P,
                    )
                )
            S = along[:, :, kept - 1]
        if ended is not None:  # from the last output before the event to the event
            last = chunks[-1]
            before = (last[5][last[8] - 1], last[6][:, last[8] - 1], last[7][:, last[8] - 1])
            S, out = self._through_event(core, p, P, before, S, ended)
            outs.append(out)
        per_unit = 1.0 / P.sum(axis=0)  # one entry per column: the states' are relative
        outputs = np.concatenate(outs, axis=2)[len(core.event_names) :]
        return outputs * per_unit[None, :, None], S

    @staticmethod
    def _through_event(core: Core, p, P, before: tuple, S: np.ndarray, ended: tuple):
        """The states' sensitivities at the event that ``ended`` a leg, integrated from
        the output ``before`` it (``S`` there) and moved by the event time's, and the
        outputs' there."""
        event, t_end, x_end, z_end = ended
        t_b, x_b, z_b = before
        x_b = np.append(x_b[:-1], 0.0)
        full = core.parameters(p, t_b, t_end - t_b, 0.0, x_b, z_b)
        S = sens.chunk(core, 2, x_b, z_b, full, S, P)[:, :, -1]
        S, moved = sens.at_event(core, event, t_end, x_end, z_end, p, S, P)
        out = sens.outputs(
            core, t_end, x_end[:, None], z_end[:, None], p, S[:, :, None], P, dt=moved[:, None]
        )
        return S, out

    # -- helpers ----------------------------------------------------------------------
    @property
    def _current_row(self) -> int:
        return [o.name for o in self.built.outputs].index("current")

    @property
    def _charge(self) -> float:
        """The nominal capacity, A.s."""
        return 3600.0 * self.built.nominal_capacity

    def _start(self, state, control, core: Core, p, inputs):
        """Time, augmented states (numpy) and hints at the start of a leg."""
        if state is None:
            x, z = (_column(v) for v in core.initial(p))
            if control != "current" and inputs[c.POWER_CONTROL] == 1.0:
                z = self._power_guess(z, core, inputs)

            t, hints = 0.0, {}
        else:
            t, x, z, hints = state.t, state.x.copy(), state.z.copy(), state.hints
            if state.control != control:
                x, z = self._mapped(state, control, core)
        if core.n_z:
            try:
                z = _column(core.consistent(z, np.concatenate([x, p, [t]]))[0])
            except RuntimeError as err:
                raise IntegrationError(
                    f"no consistent initial state at t = {t:g} s: {_reason(err)}"
                ) from None
        return t, x, z, hints

    def _power_guess(self, z: np.ndarray, core: Core, inputs) -> np.ndarray:
        """``z`` with the current guessed as the power over a mid-range voltage: from the
        model's own guess, 0 A, Newton's first step can leave the domain where the
        algebraic equations are defined (a zinc cell's 1D potentials)."""
        volts = 0.5 * sum(self.built.voltage_limits)
        z = z.copy()
        z[core.layout.entries(c.CURRENT_STATE) - core.n_x] = inputs[c.POWER_SETPOINT] / volts
        return z

    def _mapped(self, state: _State, control: str, core: Core):
        """``state`` carried to the model for ``control`` (augmented states)."""
        key = ("state map", state.control, control)
        if key not in self.built.cache:
            self.built.cache[key] = state_map(self.core(state.control).layout, core.layout)
        y = np.concatenate([state.x[:-1], state.z])
        y = self.built.cache[key].apply(y, fill=state.current)
        return np.append(y[: core.n_x], 0.0), y[core.n_x :].copy()

    def _first_chunk(self, inputs, duration: float) -> float:
        """How long a leg may last, s: 1.25x the nominal charge at its current or power."""
        capacity = 3600.0 * self.built.nominal_capacity
        if inputs[c.CURRENT_CONTROL] == 1.0 and inputs[c.CURRENT_SETPOINT] != 0.0:
            return min(duration, 1.25 * capacity / abs(inputs[c.CURRENT_SETPOINT]))
        if inputs[c.POWER_CONTROL] == 1.0 and inputs[c.POWER_SETPOINT] != 0.0:
            volts = 0.5 * sum(self.built.voltage_limits)
            return min(duration, 1.25 * capacity * volts / abs(inputs[c.POWER_SETPOINT]))
        if inputs[c.VOLTAGE_CONTROL] == 1.0:
            return min(duration, 7200.0)
        return duration

    @functools.cached_property
    def _resolution(self) -> np.ndarray:
        """The error each output row's linear interpolation may have (see ``RESOLUTION``),
        infinite for rows it does not judge."""
        tolerance = np.full(len(self.built.outputs), np.inf)
        names = [o.name for o in self.built.outputs]
        tolerance[names.index("voltage")] = RESOLUTION
        tolerance[names.index("current")] = RESOLUTION * self.built.nominal_capacity
        return tolerance

    def _segment(self, times, ys, termination: str) -> Segment:
        values = np.concatenate(ys, axis=1)
        outputs = {o.name: values[i] for i, o in enumerate(self.built.outputs)}
        return Segment(t=np.concatenate(times), outputs=outputs, termination=termination)


def _cached_core(entry: str | None) -> Core | None:
    """The core stored under ``entry``, or None (none stored, or its library is gone)."""
    record = None if entry is None else _disk_cache.load("core", entry)
    if record is None:
        return None
    try:
        return Core.from_record(record)
    except Exception:  # e.g. its compiled library was removed from PyBaMM's cache
        return None


def compile_by_default(default: bool = True) -> bool:
    """Whether the DAE is compiled when the solver options do not say: as the
    environment variable ``CELLSIM_COMPILE`` says (``0`` no, anything else yes), or
    ``default`` where it is not set (the lifecycle engine compiles, ``simulate`` does not:
    a DFN compiles in about two minutes, once per machine, and solves a discharge in
    about a second interpreted)."""
    value = os.environ.get("CELLSIM_COMPILE")
    return default if value is None else value != "0"


def _map_columns(mapping, S: np.ndarray) -> np.ndarray:
    """Each column of ``S`` carried by a state map (new entries' sensitivities 0)."""
    return np.column_stack([mapping.apply(column, fill=0.0) for column in S.T])


def _column(value) -> np.ndarray:
    return np.asarray(value, dtype=float).reshape(-1)


def _signature(inputs) -> tuple:
    """What makes two legs the same leg: every input but the step's start capacity."""
    return tuple(sorted((k, v) for k, v in inputs.items() if k != c.STEP_START_CAPACITY))


def _chunk(horizon: float, remaining: float, period: float | None, first: bool) -> tuple:
    """(span, output points) of the next chunk, the ``first`` of its leg or not: with a
    period, outputs fall on its multiples; without, see ``POINTS`` and ``ONSET_GRID``."""
    if period is None:
        return horizon, ONSET_GRID if first else POINTS
    whole = math.floor(remaining / period + 1e-9)
    if whole == 0:
        return remaining, 2
    steps = min(whole, max(1, math.ceil(horizon / period - 1e-9)))
    return steps * period, steps + 1


def _resolved(core: Core, p, t, x, z, y, tolerance, depth: int = RESOLVE_DEPTH):
    """Outputs ``(t, y)`` over one integrated stretch, more of them where the ones at
    ``t`` (states ``x``, ``z`` and outputs ``y`` in columns) resolve the solution too
    little (:func:`_coarse`): each run of such intervals, ``RESOLVE_RUN`` at most, is
    integrated again from its first output with ``RESOLVE_POINTS - 1`` outputs per
    interval, one integration per run (a restart costs a DFN about 3 ms), and the new
    outputs judged the same way, ``depth`` levels deep. A run whose integration fails
    keeps its outputs."""
    coarse = _coarse(t, y, tolerance)
    if depth == 0 or not coarse.any():
        return t, y
    t_out, y_out = [t[:1]], [y[:, :1]]
    j = 0
    while j < t.size - 1:
        k = j + 1  # the run is [j, k)
        if coarse[j]:
            while k < t.size - 1 and coarse[k] and k - j < RESOLVE_RUN:
                k += 1
            finer = _integrated_again(core, p, (t, x, z, y), j, k)
            if finer is not None:
                sub_t, sub_y = _resolved(core, p, *finer, tolerance, depth - 1)
                t_out.append(sub_t[1:])
                y_out.append(sub_y[:, 1:])
                j = k
                continue
        t_out.append(t[j + 1 : k + 1])
        y_out.append(y[:, j + 1 : k + 1])
        j = k
    return np.concatenate(t_out), np.hstack(y_out)


def _integrated_again(core: Core, p, outputs: tuple, j: int, k: int):
    """``(t, x, z, y)`` of the outputs ``outputs = (t, x, z, y)`` from ``j`` to ``k``
    integrated again from ``j`` with ``RESOLVE_POINTS - 1`` outputs per interval, the
    output at ``k`` kept as it was; None if the integration fails."""
    t, x, z, y = outputs
    n_points = (k - j) * (RESOLVE_POINTS - 1) + 1
    start = np.append(x[:-1, j], 0.0)
    try:
        xf, zf = core.integrate(n_points, start, z[:, j], p, t[j], t[k] - t[j], 0.0)
    except RuntimeError:
        return None
    sub_t = t[j] + (t[k] - t[j]) * np.linspace(0.0, 1.0, n_points)
    sub_y = core.observe(sub_t, xf, zf, p)[1]
    # the run's own end stands: the refinement's is the same point again
    sub_t[-1], sub_y[:, -1] = t[k], y[:, k]
    xf[:, -1], zf[:, -1] = x[:, k], z[:, k]
    return sub_t, xf, zf, sub_y


def _coarse(t, y, tolerance) -> np.ndarray:
    """Which intervals between the outputs ``y`` (columns) at ``t`` resolve the solution
    too little: those either side of an output further than ``tolerance`` from the chord
    between its neighbours in any row."""
    coarse = np.zeros(max(t.size - 1, 0), dtype=bool)
    if t.size < 3:
        return coarse
    share = (t[1:-1] - t[:-2]) / np.maximum(t[2:] - t[:-2], 1e-300)
    chord = y[:, :-2] + (y[:, 2:] - y[:, :-2]) * share
    off = np.any(np.abs(y[:, 1:-1] - chord) > tolerance[:, None], axis=0)
    coarse[:-1] |= off
    coarse[1:] |= off
    return coarse


def _first(core: Core, p, end: tuple) -> bool:
    """Whether the event located at ``end = (t, x, z, event)`` is met first there: no
    other event function is below zero."""
    t, x, z, event = end
    g = core.observe(t, x, z, p)[0].ravel()
    return bool(np.all(np.delete(g, event) >= -EVENT_GTOL))


def _guarded_stop(core: Core, p, start: tuple, span: float) -> tuple:
    """Where a guarded integration from ``start = (t, x, z)`` over ``span`` stops: at
    the first event met (to the integrator's tolerance), or at its end."""
    t, x, z = start
    xf, zf = core.integrate(2, np.append(x[:-1], 0.0), z, p, t, span, guard=1.0)
    return t + float(xf[core.n_x, -1]), xf[:, -1], zf[:, -1]


def _locate(
    core: Core,
    p,
    stop: tuple,
    before: tuple,
    g_before,
    xtol: float = EVENT_XTOL,
    stopped: bool = True,
):
    """The time and state where the event that ended a chunk is met, the event, and
    whether it was found to the tolerances.

    Either the chunk's dynamics ``stopped`` at ``stop = (t, x, z)`` (a guarded chunk),
    where an event function reached zero to within the integrator's error control (a
    true state of the solution at that time): taken as it is if within ``EVENT_GTOL``
    of zero. Or ``stop`` is the first output of an unguarded chunk past an event: the
    event is the one whose crossing, linear between ``before`` and the stop, comes
    first. Then the Illinois method (regula falsi that halves a stale end's value) on
    the bracket from ``before``, the last output before the stop (``g_before > 0``), to
    the stop, each trial an integration forwards from ``before`` with the guard off
    (backwards would be unstable for diffusion), until the event function is within
    ``EVENT_GTOL`` of zero or, by its secant slope, within ``xtol`` s of it, or
    ``LOCATE_STEPS`` trials are spent, or a trial fails (then the closest, at worst the
    stop itself, not found). One or two trials end it after a guarded stop, two to four
    on an unguarded chunk's outputs (1 % of the leg apart).
    """
    t_stop, x_stop, z_stop = stop
    t0, x0, z0 = before
    g_before = np.ravel(g_before)

    def value(dt: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xf, zf = core.integrate(2, x0, z0, p, t0, dt, guard=0.0)
        g = core.observe(t0 + dt, xf[:, -1], zf[:, -1], p)[0].ravel()
        return g, xf[:, -1], zf[:, -1]

    if core.reduced and stopped:  # the stop's current may be a Newton iterate
        g_stop, x_stop, z_stop = value(t_stop - t0)
    else:
        g_stop = core.observe(t_stop, x_stop, z_stop, p)[0].ravel()
    if stopped:
        event = int(np.argmin(g_stop))
    else:  # the first crossing between the two outputs
        fraction = np.where(g_stop <= 0, g_before / np.maximum(g_before - g_stop, 1e-300), 2.0)
        event = int(np.argmin(fraction))
    if abs(g_stop[event]) <= EVENT_GTOL:
        return float(t_stop), x_stop.copy(), z_stop.copy(), event, True
    low, g_low = 0.0, float(g_before[event])
    high, g_high = t_stop - t0, float(g_stop[event])
    while g_high > 0:  # the stop fell before the event: look past it
        low, g_low = high, g_high
        high += 1e-3 * high + xtol
        g, x_stop, z_stop = value(high)
        g_high = float(g[event])
    found = (abs(g_high), high, x_stop, z_stop)
    side, converged = 0, False
    for _ in range(LOCATE_STEPS):
        slope = (g_high - g_low) / (high - low)
        dt = high - g_high / slope
        try:
            g_all, x, z = value(dt)
        except RuntimeError:  # a trial the integrator cannot finish: keep the closest
            break
        g = float(g_all[event])
        found = min(found, (abs(g), dt, x, z), key=lambda f: f[0])
        if abs(g) <= EVENT_GTOL or abs(g / slope) <= xtol or high - low <= xtol:
            converged = True
            break
        if g > 0:
            low, g_low = dt, g
            g_high, side = (0.5 * g_high if side == 1 else g_high), 1
        else:
            high, g_high = dt, g
            g_low, side = (0.5 * g_low if side == -1 else g_low), -1
    _, dt, x, z = found
    return t0 + dt, x.copy(), z.copy(), event, converged


def _reason(err: Exception) -> str:
    """The SUNDIALS flag out of CasADi's long error text."""
    text = str(err).strip().splitlines()
    return text[-1] if text else type(err).__name__
