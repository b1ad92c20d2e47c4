"""simulate: run a Cell through a Protocol on the stiff core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import xarray as xr

from cellsim._cell import Cell
from cellsim._runner import Position, Runner
from cellsim.protocol import Protocol, Step
from cellsim.solvers._casadi import compile_by_default

DEFAULT_SOLVER = "casadi"
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
    sensitivities: Sequence[str] | None = None,
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
        Stiff-core backend: ``"casadi"`` (default: cellsim's core on CasADi's SUNDIALS
        integrators) or ``"idaklu"`` (PyBaMM's IDAKLUSolver).
    rtol, atol : float, optional
        Integrator tolerances.
    period : float, optional
        Output spacing, s. ``None`` (default): outputs enough to draw the solution by
        straight lines between them (IDAKLU: every step it took; the core: 100 per leg,
        more at its start, and more wherever the voltage would be 3 mV off a straight
        line between two, or the current 0.003 C).
    solver_options : mapping, optional
        Passed to the backend's integrator: for the core CasADi's integrator options,
        ``"compile"`` (machine code for the model: faster from the second call, but a
        DFN compiles for minutes, once per machine; default no, or as the environment
        variable ``CELLSIM_COMPILE`` says) and ``"linear_solver"``; for IDAKLU its
        ``options``, e.g. ``{"max_num_steps": 100000}``.
    sensitivities : list of str, optional
        Names of ``inputs`` to differentiate every output by: forward sensitivities,
        integrated beside the model by the CasADi core's SUNDIALS integrators
        (``solver="casadi"`` only; see :mod:`cellsim.solvers._sensitivities`). The
        model is built (and compiled) once more with the derivatives they need.

    Returns
    -------
    xarray.Dataset
        Over ``time`` (s): ``voltage`` (V), ``current`` (A, > 0 discharge), ``ocv``
        (V), ``temperature`` (K), ``discharge_capacity`` (A.h delivered since the
        start), ``power`` (W), ``step``, ``cycle`` and, with degradation options,
        ``lli``, ``lam_negative``, ``lam_positive``; provenance in ``attrs``. With
        ``sensitivities``, each output's ``<name>_sensitivity`` over ``(time, input)``.

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
    if solver == "casadi":  # interpreted unless asked (see compile_by_default)
        solver_options = {"compile": compile_by_default(False), **(solver_options or {})}
    runner = Runner(
        cell,
        Protocol.coerce(protocol),
        initial_soc=initial_soc,
        inputs=inputs,
        solver=solver,
        rtol=rtol,
        atol=atol,
        period=period,
        solver_options=solver_options,
        sensitivities=sensitivities or (),
    )
    segments: list = []
    safety_stops: list[str] = []
    position = Position()
    for number in range(1, runner.protocol.cycles + 1):
        done, position = runner.cycle(number, position, safety_stops, earlier=segments)
        segments += done
    return runner.dataset(segments, safety_stops=safety_stops)
