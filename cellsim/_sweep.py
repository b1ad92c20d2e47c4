"""sweep: run one Cell under one protocol for many parameter samples, serially or on Dask."""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from cellsim._age import age
from cellsim._build import PROTOCOL_PARAMETERS, built_model
from cellsim._cell import Cell
from cellsim._errors import CellsimError, ParameterError, unknown
from cellsim._simulate import simulate
from cellsim._sweep_client import connect, describe
from cellsim._sweep_result import sweep_dataset
from cellsim._sweep_task import Outcome, Task, run_task
from cellsim.protocol import Protocol, Step
from cellsim.variation import _values, check_lengths

KINDS = {"simulate": simulate, "age": age}
VARY = ("auto", "inputs", "overrides")
#: Arguments of simulate/age that the sweep sets itself.
OWNED = ("cell", "protocol", "duty", "inputs", "checkpoint", "progress")
#: Seconds between progress lines.
PROGRESS_EVERY = 2.0


def sweep(
    cell: Cell,
    protocol_or_duty: Protocol | Step | str | Sequence[Step | str],
    samples: Mapping[str, Sequence[float] | np.ndarray],
    *,
    kind: str = "simulate",
    client: Any = None,
    full: bool = False,
    vary: str = "auto",
    workers: int | None = None,
    retries: int = 2,
    progress: bool | Callable[[int, int], object] = False,
    **options: Any,
) -> xr.Dataset:
    """Run ``cell`` under one protocol (or ageing duty) for each sample of parameters.

    Parameters
    ----------
    cell : Cell
        The cell every sample starts from.
    protocol_or_duty : Protocol, Step, str or list of them
        For ``kind="simulate"`` the protocol; for ``kind="age"`` one cycle of the duty.
    samples : mapping
        ``{parameter name: values}``, the full names of the parameter set
        (``"Electrode width [m]"``), all of one length ``n``: sample ``i`` takes the
        ``i``-th value of each. See :mod:`cellsim.variation` for draws and grids.
    kind : {"simulate", "age"}
        Run :func:`cellsim.simulate` or :func:`cellsim.age` per sample.
    client : None, "local", distributed.Client, str or path
        Where to run: ``None`` serially in this process; ``"local"`` on a
        ``LocalCluster`` of ``workers`` processes with one thread each, started and
        closed by the sweep (a script calling it needs an ``if __name__ ==
        "__main__":`` guard); a ``distributed.Client`` (left open); a scheduler
        address (``"tcp://host:8786"``) or scheduler file (the connection is closed
        after).
    full : bool
        ``kind="simulate"`` only: return every time series as well as the summary.
    vary : {"auto", "inputs", "overrides"}
        How sampled values reach the model. ``"inputs"``: as ``inputs=`` of
        :func:`cellsim.simulate` or :func:`cellsim.age`, one build (and one compiled
        model) for all samples, per worker; ``"overrides"``: as Cell overrides, one
        build per sample. ``"auto"`` takes inputs if the model builds with the sampled
        parameters as inputs (those that shape the mesh, such as particle radius, cannot
        be, nor the nominal capacity, cut-off voltages and ambient temperature the
        protocol is read against), and overrides otherwise. Both give the same results
        (an ``initial_soc`` state is computed with each sample's values either way).
        The choice is in ``attrs["vary"]``.
    workers : int, optional
        Workers of a ``"local"`` cluster; default one per usable CPU.
    retries : int
        Times Dask re-runs a task that raised outside the run itself (a run's own
        errors are results: ``failed``/``error``). Tasks lost with a worker that died
        are re-run by the scheduler whatever this is (up to Dask's
        ``distributed.scheduler.allowed-failures``; beyond it the sample is failed).
    progress : bool or callable
        ``True`` prints progress lines to stderr; a callable is called as
        ``progress(done, total)`` after each sample.
    **options
        Keyword arguments of :func:`cellsim.simulate` (``initial_soc``, ``solver``,
        ``rtol``, ``atol``, ``period``, ``solver_options``) or :func:`cellsim.age`
        (``cycles`` or ``years``, ``method``, ``initial_soc``, ``solver``, ``rtol``,
        ``solver_rtol``, ``solver_atol``).

    Returns
    -------
    xarray.Dataset
        Over ``sample`` (from 0), with each sampled parameter as a coordinate
        (snake_case name, ``source_name`` the full one), ``failed`` (int32, 1 if the
        sample failed) and ``error``. ``kind="simulate"``: the summary of each run
        (``capacity``, ``charge_throughput`` A.h; ``discharge_energy``,
        ``charge_energy`` W.h; ``voltage_min``, ``voltage_max``, ``voltage_end`` V;
        ``temperature_max`` K; ``duration`` s; degradation end values), and with
        ``full`` the series over (``sample``, ``point``). ``kind="age"``: every
        variable of :func:`cellsim.age` over (``sample``, ``cycle``), ``cycles`` run
        and ``stopped``. Padding after a sample's end is NaN (or -1). A sample that
        raised is recorded in ``failed``/``error``; the others are unaffected.

    Raises
    ------
    ParameterError
        Unknown kind, parameter, option, vary or client; samples of unequal length.

    Examples
    --------
    >>> import cellsim
    >>> from cellsim import variation
    >>> ds = cellsim.sweep(
    ...     cellsim.Cell("Chen2020", model="SPM"),
    ...     "Discharge at 1C until 3.5 V",
    ...     variation.grid({"Electrode width [m]": [1.5, 1.6]}),
    ... )
    >>> ds.capacity.dims, int(ds.failed.sum())
    (('sample',), 0)
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise ParameterError(unknown("kind", str(kind), KINDS))
    if not isinstance(cell, Cell):
        raise ParameterError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
    protocol = Protocol.coerce(protocol_or_duty)
    if kind == "age" and protocol.cycles != 1:
        raise ParameterError(
            "duty must be one cycle (Protocol cycles=1) for kind='age', "
            f"got cycles={protocol.cycles}"
        )
    if full and kind != "simulate":
        raise ParameterError(f"full=True is for kind='simulate' only, got kind={kind!r}")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ParameterError(f"retries must be an integer >= 0, got {retries!r}")
    if not (isinstance(progress, bool) or callable(progress)):
        raise ParameterError(f"progress must be a bool or a callable, got {progress!r}")
    options = _options(kind, options)
    values, n = _samples(cell, samples)
    vary = _vary(vary, cell, list(values))

    cell_spec = cell.to_dict()
    tasks = [
        Task(
            kind,
            cell_spec,
            protocol,
            {k: float(v[i]) for k, v in values.items()},
            vary,
            options,
            full,
        )
        for i in range(n)
    ]
    with connect(client, workers=workers) as dask_client:
        report = _Progress(n, progress, describe(dask_client) if progress is True else "")
        if dask_client is None:
            outcomes = [report.tick(run_task(task)) for task in tasks]
        else:
            outcomes = _run_on(dask_client, tasks, retries, report)
    attrs = {
        "cell": cell_spec,
        "protocol": protocol.to_json(),
        "kind": kind,
        "vary": vary,
        "parameters": list(values),
        "run_options": _plain(options),
        **_solver_attrs(kind, options),
        "samples_failed": sum(bool(o.error) for o in outcomes),
    }
    return sweep_dataset(values, outcomes, kind=kind, attrs=attrs)


def _run_on(client: Any, tasks: list[Task], retries: int, report: _Progress) -> list[Outcome]:
    """Submit every task, take each result as it completes and release it at once."""
    from distributed import as_completed

    token = hashlib.sha256(
        json.dumps([_plain(_describe(t)) for t in tasks], sort_keys=True).encode()
    ).hexdigest()[:16]
    futures = [
        client.submit(run_task, task, key=f"cellsim-{task.kind}-{token}-{i}", retries=retries)
        for i, task in enumerate(tasks)
    ]
    index = {future.key: i for i, future in enumerate(futures)}
    outcomes: list[Outcome] = [Outcome(error="not run")] * len(tasks)
    try:
        for future in as_completed(futures):
            i = index[future.key]
            try:
                outcomes[i] = future.result()
            except Exception as err:  # the task was lost (KilledWorker, ...): a failed sample
                outcomes[i] = Outcome(error=f"{type(err).__name__}: {err}")
            future.release()
            futures[i] = None
            report.tick(outcomes[i])
    except BaseException:
        client.cancel([f for f in futures if f is not None])
        raise
    return outcomes


def _describe(task: Task) -> dict[str, Any]:
    return {
        "kind": task.kind,
        "cell": task.cell,
        "protocol": task.protocol.to_json(),
        "values": task.values,
        "vary": task.vary,
        "options": task.options,
        "full": task.full,
    }


def _options(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` checked against the arguments of ``simulate``/``age`` the sweep leaves."""
    allowed = [p for p in inspect.signature(KINDS[kind]).parameters if p not in OWNED]
    for name in options:
        if name not in allowed:
            raise ParameterError(unknown(f"option of kind={kind!r}", name, allowed))
    if kind == "age":
        if ("cycles" in options) == ("years" in options):
            raise ParameterError("kind='age' needs exactly one of cycles= or years=")
        method = options.get("method", "full")
        if method not in ("full", "extrapolate"):
            raise ParameterError(unknown("method", str(method), ("full", "extrapolate")))
    return dict(options)


def _samples(cell: Cell, samples: Any) -> tuple[dict[str, np.ndarray], int]:
    """``samples`` as float arrays of one length, every name checked against ``cell``."""
    if not isinstance(samples, Mapping) or not samples:
        raise ParameterError(
            "samples must be a non-empty mapping parameter name -> values "
            f"(see cellsim.variation), got {samples!r}"
        )
    values = {name: _values(name, v) for name, v in samples.items()}
    n = check_lengths(values)
    try:
        cell.replace(overrides={name: float(v[0]) for name, v in values.items()})
    except ParameterError as err:
        raise ParameterError(f"samples: {err}") from None
    return values, n


def _vary(vary: str, cell: Cell, names: list[str]) -> str:
    """``"inputs"`` or ``"overrides"``: how the sampled values reach the model."""
    if not isinstance(vary, str) or vary not in VARY:
        raise ParameterError(unknown("vary", str(vary), VARY))
    if vary == "overrides":
        return "overrides"
    error = _inputs_error(cell, names)
    if error and vary == "inputs":
        raise ParameterError(
            f"vary='inputs': {cell.model} of {cell.parameter_set!r} cannot take {names} as "
            f"inputs ({error}); use vary='overrides' (one build per sample)"
        )
    return "overrides" if error else "inputs"


def _inputs_error(cell: Cell, names: list[str]) -> str:
    """Why ``cell`` cannot be built with ``names`` as inputs (``""`` if it can).

    Parameters that shape the mesh (particle radius, thicknesses) cannot be inputs, nor
    those the protocol is read against (:data:`PROTOCOL_PARAMETERS`). The build is kept
    in this process's cache, where a serial sweep reuses it.
    """
    read = sorted(set(names).intersection(PROTOCOL_PARAMETERS))
    if read:
        return f"the protocol is read against {read}"
    try:
        built_model(cell, frozenset(names))
    except ParameterError as err:  # the chemistry refuses them as inputs, saying why
        return str(err)
    except CellsimError:
        raise
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return ""


def _solver_attrs(kind: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Solver and integrator tolerances of every run, for the provenance."""
    defaults = {name: p.default for name, p in inspect.signature(KINDS[kind]).parameters.items()}
    rtol, atol = ("rtol", "atol") if kind == "simulate" else ("solver_rtol", "solver_atol")
    return {
        "solver": options.get("solver", defaults["solver"]),
        "rtol": float(options.get(rtol, defaults[rtol])),
        "atol": float(options.get(atol, defaults[atol])),
    }


def _plain(value: Any) -> Any:
    """``value`` as JSON data (numpy scalars as numbers, anything else by repr)."""
    return json.loads(
        json.dumps(
            value, sort_keys=True, default=lambda v: v.item() if hasattr(v, "item") else repr(v)
        )
    )


class _Progress:
    """Counts finished samples; prints lines to stderr or calls the user's callable."""

    def __init__(self, total: int, progress: Any, where: str) -> None:
        self.total, self.progress, self.where = total, progress, where
        self.done = self.failed = 0
        self.start = time.perf_counter()
        self.printed = -np.inf

    def tick(self, outcome: Outcome) -> Outcome:
        self.done += 1
        self.failed += bool(outcome.error)
        if callable(self.progress) and not isinstance(self.progress, bool):
            self.progress(self.done, self.total)
            return outcome
        now = time.perf_counter()
        if self.progress and (now - self.printed >= PROGRESS_EVERY or self.done == self.total):
            print(
                f"cellsim sweep: {self.done}/{self.total} samples done, {self.failed} failed, "
                f"{now - self.start:.1f} s ({self.where})",
                file=sys.stderr,
                flush=True,
            )
            self.printed = now
        return outcome
