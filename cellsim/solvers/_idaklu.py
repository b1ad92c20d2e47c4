"""PyBaMM's IDAKLU solver (SUNDIALS IDA with KLU) as a cellsim backend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from cellsim import _control as c
from cellsim.solvers._base import Backend, InitialEventError, IntegrationError, Segment
from cellsim.solvers._states import Layout, layout, state_map


@dataclass
class _State:
    control: str  # which built model the solution belongs to
    solution: Any  # pybamm.Solution of the last instant


class IdakluBackend(Backend):
    """Steps a built PyBaMM model with ``pybamm.IDAKLUSolver``.

    Current-controlled legs run on the chemistry's ``"current"`` model, the others on
    its ``"any"`` model; the state is mapped between them by variable. One solver per
    model and tolerances lives in the built model's cache, so a later simulate of the
    same Cell costs a solve, not a set-up. IDAKLU computes only the output variables.
    """

    name = "idaklu"

    def _solver(self, control: str):
        import pybamm

        key = ("idaklu", control, self.rtol, self.atol, tuple(sorted(self.options.items())))
        if key not in self.built.cache:
            self.built.cache[key] = pybamm.IDAKLUSolver(
                rtol=self.rtol,
                atol=self.atol,
                output_variables=[o.source_name for o in self.built.outputs],
                options=self.options,
            )
        return self.built.cache[key]

    def advance(self, state, duration, inputs, period):
        import pybamm

        control = "current" if inputs[c.CURRENT_CONTROL] == 1.0 else "any"
        model = self.built.model(control)
        solver = self._solver(control)
        t_interp = None
        if period is not None:
            t_interp = np.append(np.arange(0.0, duration, period), duration)
        try:
            if state is None:  # solve() reuses the set-up; step(None, ...) redoes part of it
                solution = solver.solve(model, [0.0, duration], inputs=inputs, t_interp=t_interp)
            else:
                start = state.solution
                if model is not self.built.model(state.control):
                    start = self._mapped(state, model, inputs)
                solution = solver.step(
                    start, model, duration, t_interp=t_interp, inputs=inputs, save=False
                )
        except pybamm.SolverError as err:
            if "non-positive at initial conditions" in str(err):
                events = re.search(r"Events (\[.*?\])", str(err))
                raise InitialEventError(events[1] if events else str(err)) from None
            raise IntegrationError(str(err)) from None
        segment = Segment(
            t=np.asarray(solution.t, dtype=float),
            outputs={
                o.name: np.asarray(solution[o.source_name].entries, dtype=float).reshape(-1)
                for o in self.built.outputs
            },
            termination=_termination(solution.termination),
        )
        if solution.termination == "failure":
            raise IntegrationError(f"IDAKLU failed after t = {segment.t[-1]:g} s", segment)
        last = solution.last_state
        last.termination = "final time"  # let the next leg start from here
        return segment, _State(control, last)

    def vector(self, state: _State) -> tuple[float, np.ndarray]:
        solution = state.solution
        return float(solution.t[-1]), np.asarray(solution.all_ys[0][:, -1]).reshape(-1)

    def layout(self, state: _State) -> Layout:
        return layout(self.built.model(state.control))

    def with_vector(self, state: _State, t: float, y: np.ndarray) -> _State:
        import pybamm

        old = state.solution
        solution = pybamm.Solution(
            [np.array([t])],
            [np.asarray(y, dtype=float)[:, None]],
            [self.built.model(state.control)],
            [old.all_inputs[0]],
            termination="final time",
        )
        return _State(state.control, solution)

    def _mapped(self, state: _State, model, inputs):
        """A one-instant solution of ``model`` holding ``state`` mapped onto its states."""
        import pybamm

        source = self.built.model(state.control)
        key = ("state map", id(source), id(model))
        if key not in self.built.cache:
            self.built.cache[key] = state_map(layout(source), layout(model))
        mapping = self.built.cache[key]
        y_old = np.asarray(state.solution.all_ys[0][:, -1]).reshape(-1)
        y_new = mapping.apply(y_old, fill=float(state.solution["Current [A]"].entries[-1]))
        return pybamm.Solution(
            [np.array([state.solution.t[-1]])],
            [y_new[:, None]],
            [model],
            [inputs],
            termination="final time",
        )


def _termination(text: str) -> str:
    return text[len("event: ") :] if text.startswith("event: ") else "time"
