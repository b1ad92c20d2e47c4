"""Run a Cell through the steps of one cycle at a time: the loop behind simulate and age."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cellsim import _control as c
from cellsim._build import built_model
from cellsim._cell import Cell
from cellsim._errors import ParameterError, ProtocolError, SolverError
from cellsim._plan import legs
from cellsim._results import time_series
from cellsim.protocol import Protocol
from cellsim.solvers import backend_class
from cellsim.solvers._base import InitialEventError, IntegrationError, Segment


@dataclass
class Position:
    """Where a run stands between cycles: everything needed to carry on (picklable)."""

    state: Any = None  # the backend's state at the end of the last leg
    step_start_capacity: float = 0.0  # A.h, discharge capacity when the last step ended


class Runner:
    """A built Cell, a backend and a protocol's steps, run one cycle per call.

    Parameters are those of :func:`cellsim.simulate`; they are checked here, once.
    """

    def __init__(
        self,
        cell: Cell,
        protocol: Protocol,
        *,
        initial_soc: float | None,
        inputs: Mapping[str, float] | None,
        solver: str,
        rtol: float,
        atol: float,
        period: float | None,
        solver_options: Mapping[str, object] | None,
        sensitivities: Sequence[str] = (),
        resolve: bool = True,
    ) -> None:
        if not isinstance(cell, Cell):
            raise ParameterError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
        for name, value in (("rtol", rtol), ("atol", atol)):
            if not (isinstance(value, (int, float)) and 0 < value < 1):
                raise ParameterError(f"{name} must be in (0, 1), got {value!r}")
        if period is not None and not (isinstance(period, (int, float)) and period > 0):
            raise ParameterError(f"period must be > 0 s, got {period!r}")
        inputs = dict(inputs or {})
        for name, value in inputs.items():
            if not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ParameterError(f"input {name!r} must be a finite number, got {value!r}")
        if initial_soc is not None and not (
            isinstance(initial_soc, (int, float)) and 0.0 <= initial_soc <= 1.0
        ):
            raise ParameterError(f"initial_soc must be in [0, 1], got {initial_soc!r}")

        self.protocol = protocol
        self.built = built_model(cell, frozenset(inputs))
        self.backend = backend_class(solver)(self.built, rtol, atol, dict(solver_options or {}))
        self.sensitivities = _checked_sensitivities(sensitivities, inputs, self.backend.name)
        self.backend.sensitivities = self.sensitivities
        self.backend.resolve = resolve
        self.period = period
        self.ambient = protocol.temperature or self.built.default_temperature
        first = protocol.steps[0].temperature
        self.base = {
            **self.built.initial_inputs(initial_soc, inputs),
            **inputs,
            c.INITIAL_TEMPERATURE: first if first is not None else self.ambient,
        }
        if self.sensitivities and initial_soc is not None:
            _check_initial_state_fixed(self.built, initial_soc, inputs, self.sensitivities)
        self.attrs = {
            "cell": cell.to_dict(),
            "protocol": protocol.to_json(),
            "solver": self.backend.name,
            "rtol": float(rtol),
            "atol": float(atol),
            "initial_soc": "parameter set" if initial_soc is None else float(initial_soc),
            "inputs": inputs,
            "solver_options": dict(solver_options or {}),
        }
        self.plans = [legs(step, self.built, self.ambient) for step in protocol.steps]

    def cycle(
        self, number: int, position: Position, safety_stops: list[str], earlier: list = ()
    ) -> tuple[list[tuple[int, int, Segment]], Position]:
        """Run the protocol's steps once as cycle ``number``.

        Returns the ``(cycle, step, segment)`` triples and where the run then stands.
        A cut-off met before a step starts raises :class:`ProtocolError`; an integrator
        failure raises :class:`SolverError` whose ``partial`` holds the ``earlier``
        segments and this cycle's up to the failure. Stops on the cell's safety limits
        are added to ``safety_stops``.
        """
        segments: list[tuple[int, int, Segment]] = []
        state, start_capacity = position.state, position.step_start_capacity
        for index, (step, plan) in enumerate(zip(self.protocol.steps, self.plans, strict=True)):
            where = f"cycle {number}, step {index} ({step.describe()!r})"
            for leg in plan:
                leg_inputs = {**self.base, **leg.inputs, c.STEP_START_CAPACITY: start_capacity}
                try:
                    segment, state = self.backend.advance(
                        state, leg.duration, leg_inputs, leg.period or self.period
                    )
                except InitialEventError as err:
                    if segments:
                        last = segments[-1][2].outputs["voltage"][-1]
                        before = f"voltage before the step {last:.4g} V"
                    elif state is None:
                        before = "at the initial state: give initial_soc= to start elsewhere"
                    else:
                        before = "at the state the previous cycle ended in"
                    raise ProtocolError(
                        f"{where}: the cell cannot follow this step: a cut-off is already met "
                        f"at its start ({before}; events met: {err})"
                    ) from None
                except IntegrationError as err:
                    if err.segment is not None and err.segment.t.size:
                        segments.append((number, index, err.segment))
                    partial = self.dataset([*earlier, *segments], failed_at=where, error=str(err))
                    raise SolverError(
                        f"{where}: the {self.backend.name} solver failed: {err}", partial=partial
                    ) from None
                segments.append((number, index, segment))
                if segment.termination != "time":
                    if segment.termination not in leg.own_events:
                        safety_stops.append(f"{where}: {segment.termination}")
                    break
            start_capacity = float(segments[-1][2].outputs["discharge_capacity"][-1])
        return segments, Position(state, start_capacity)

    def dataset(self, segments, **extra):
        """The time-series Dataset of ``segments`` with this run's provenance."""
        return time_series(
            segments, self.built.outputs, sensitivities=self.sensitivities, **self.attrs, **extra
        )


def _check_initial_state_fixed(built, initial_soc: float, inputs: dict, names) -> None:
    """Raise if the state at ``initial_soc`` (set outside the model, from the inputs'
    values) moves with an input whose sensitivities are asked for: they would miss it."""
    base = built.initial_inputs(initial_soc, inputs)
    for name in names:
        step = 1e-6 * max(abs(inputs[name]), 1e-300)
        moved = built.initial_inputs(initial_soc, {**inputs, name: inputs[name] + step})
        if any(not math.isclose(moved[k], v, rel_tol=1e-12, abs_tol=0.0) for k, v in base.items()):
            raise ParameterError(
                f"sensitivities: the initial state at initial_soc={initial_soc} depends on "
                f"{name!r}, and its sensitivity to it is not followed; start from the "
                "parameter set's state (initial_soc=None) or leave it out (calibration.fit "
                "follows a lithium-ion cell's initial state by the chain rule)"
            )


def _checked_sensitivities(names, inputs: Mapping[str, float], solver: str) -> tuple[str, ...]:
    """``names`` as a tuple, each one of ``inputs``, on a backend that tracks them."""
    if isinstance(names, str):
        names = (names,)
    names = tuple(names or ())
    if not names:
        return ()
    if solver != "casadi":
        raise ParameterError(
            f"sensitivities need solver='casadi' (its forward sensitivities), got solver={solver!r}"
        )
    missing = [n for n in names if n not in inputs]
    if missing:
        raise ParameterError(
            f"sensitivities {missing} are not among the inputs; sensitivities are taken "
            f"with respect to inputs (parameters varied without a rebuild): pass their "
            f"values in inputs= (inputs given: {sorted(inputs)})"
        )
    if len(set(names)) != len(names):
        raise ParameterError(f"sensitivities name an input twice: {list(names)}")
    return names
