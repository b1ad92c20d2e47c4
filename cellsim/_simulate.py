"""simulate: run a Cell through a Protocol on the stiff core."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import xarray as xr

from cellsim import _control as c
from cellsim._build import built_model
from cellsim._cell import Cell
from cellsim._errors import ParameterError, ProtocolError, SolverError
from cellsim._plan import legs
from cellsim._results import time_series
from cellsim.protocol import Protocol, Step
from cellsim.solvers import backend_class
from cellsim.solvers._base import InitialEventError, IntegrationError

DEFAULT_SOLVER = "idaklu"
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-6


def simulate(
    cell: Cell,
    protocol: Protocol | Step | str | Sequence[Step | str],
    *,
    initial_soc: float | None = None,
    inputs: Mapping[str, float] | None = None,
    solver: str = DEFAULT_SOLVER,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    period: float | None = None,
    solver_options: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Simulate ``cell`` under ``protocol``.

    Parameters
    ----------
    cell : Cell
        What to simulate. Its model is built once and reused by later calls.
    protocol : Protocol, Step, str or list of them
        ``"Discharge at 1C until 2.5 V"``, a typed step, or a :class:`Protocol`.
    initial_soc : float, optional
        State of charge in [0, 1] at the start; ``None`` keeps the parameter set's
        own initial state.
    inputs : mapping, optional
        Parameter values (by full PyBaMM name) that vary between calls without a
        rebuild: the model is built once with these as inputs.
    solver : str, optional
        Stiff-core backend: ``"idaklu"`` (PyBaMM's IDAKLUSolver).
    rtol, atol : float, optional
        Integrator tolerances.
    period : float, optional
        Output spacing, s; ``None`` (default) keeps every step the integrator took.
    solver_options : mapping, optional
        Passed to the backend's integrator (for IDAKLU, its ``options``, e.g.
        ``{"max_num_steps": 100000}``).

    Returns
    -------
    xarray.Dataset
        Over ``time`` (s): ``voltage`` (V), ``current`` (A, > 0 discharge), ``ocv``
        (V), ``temperature`` (K), ``discharge_capacity`` (A.h delivered since the
        start), ``power`` (W), ``step``, ``cycle`` and, with degradation options,
        ``lli``, ``lam_negative``, ``lam_positive``; provenance in ``attrs``.

    Raises
    ------
    ProtocolError
        A step the cell cannot follow (its cut-off already met at its start, …).
    SolverError
        The integrator failed; ``err.partial`` holds the result up to the failure.

    Examples
    --------
    >>> import cellsim
    >>> ds = cellsim.simulate(cellsim.Cell("Chen2020", model="SPM"), "Discharge at 1C until 3.5 V")
    >>> float(ds.voltage[-1])
    3.5
    """
    if not isinstance(cell, Cell):
        raise ParameterError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
    protocol = Protocol.coerce(protocol)
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

    built = built_model(cell, frozenset(inputs))
    backend = backend_class(solver)(built, rtol, atol, dict(solver_options or {}))
    ambient = protocol.temperature or built.default_temperature
    first = protocol.steps[0].temperature
    base = {
        **built.initial_inputs(initial_soc),
        **inputs,
        c.INITIAL_TEMPERATURE: first if first is not None else ambient,
    }
    attrs = {
        "cell": cell.to_dict(),
        "protocol": protocol.to_json(),
        "solver": backend.name,
        "rtol": float(rtol),
        "atol": float(atol),
        "initial_soc": "parameter set" if initial_soc is None else float(initial_soc),
        "inputs": inputs,
        "solver_options": dict(solver_options or {}),
    }

    segments = []
    safety_stops = []
    state = None
    step_start_capacity = 0.0
    for cycle, index, step in protocol.iter_steps():
        where = f"cycle {cycle}, step {index} ({step.describe()!r})"
        for leg in legs(step, built, ambient):
            leg_inputs = {**base, **leg.inputs, c.STEP_START_CAPACITY: step_start_capacity}
            try:
                segment, state = backend.advance(
                    state, leg.duration, leg_inputs, leg.period or period
                )
            except InitialEventError as err:
                voltage = segments[-1][2].outputs["voltage"][-1] if segments else float("nan")
                raise ProtocolError(
                    f"{where}: the cell cannot follow this step: a cut-off is already met "
                    f"at its start (voltage before the step {voltage:.4g} V; events met: {err})"
                ) from None
            except IntegrationError as err:
                if err.segment is not None and err.segment.t.size:
                    segments.append((cycle, index, err.segment))
                partial = time_series(
                    segments, built.outputs, **attrs, failed_at=where, error=str(err)
                )
                raise SolverError(
                    f"{where}: the {backend.name} solver failed: {err}", partial=partial
                ) from None
            segments.append((cycle, index, segment))
            if segment.termination != "time":
                if segment.termination not in leg.own_events:
                    safety_stops.append(f"{where}: {segment.termination}")
                break
        step_start_capacity = float(segments[-1][2].outputs["discharge_capacity"][-1])
    return time_series(segments, built.outputs, **attrs, safety_stops=safety_stops)
