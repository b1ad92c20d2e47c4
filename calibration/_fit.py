"""``calibration.fit``: named parameters of a Cell from measured voltage.

Problem → optimiser → result: a :class:`Problem` replays every data set through a cell
built once with the fitted parameters as PyBaMM inputs; SciPy's trust-region least
squares (or differential evolution) moves them within their bounds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import xarray as xr
from scipy.optimize import differential_evolution, least_squares
from scipy.stats import qmc

from calibration._balance import fit_balance
from calibration._errors import CalibrationError
from calibration._fit_parameters import checked_parameters
from calibration._fit_problem import FAILURE_RESIDUAL, Problem, sample_weights
from calibration._fit_profile import LEVEL, profile_interval
from calibration._fit_recipe import BALANCE_STAGE, Stage, balance_bounds, lithium_ion_recipe
from calibration._fit_result import (
    FitResult,
    StageOutcome,
    bound_side,
    parameter_dataset,
    residual_dataset,
)
from calibration._replay import Measured, measured
from cellsim import Cell

#: Finite-difference step of the Jacobian, as a share of each parameter's range.
DIFF_STEP = 1e-3
#: A parameter is identified only if a 1 % move of it changes some voltage this much, V.
IDENTIFY_VOLTAGE = 1e-5
#: Least-squares tolerances on the cost and on the (scaled) parameters.
FTOL = 1e-8
XTOL = 1e-6
#: Offset of the optimiser's coordinates (see :func:`run_stage`).
SHIFT = 1.0
#: Directions of the Fisher information below this share of its largest are not identified.
SINGULAR = 1e-12

Method = Literal["least_squares", "differential_evolution"]
Weighting = Literal["time", "samples"]


def fit(
    cell: Cell,
    data: xr.Dataset | Sequence[xr.Dataset] | Mapping[str, xr.Dataset],
    parameters: Mapping[str, tuple[float, float]] | None = None,
    *,
    ocv=None,
    initial: Mapping[str, float] | None = None,
    method: Method = "least_squares",
    weighting: Weighting = "time",
    initial_soc: float | Sequence[float | None] | None = None,
    starts: int = 1,
    max_evaluations: int | None = None,
    seed: int = 0,
    solver: str = "casadi",
    rtol: float = 1e-6,
    atol: float = 1e-6,
    current_tolerance: float | None = None,
    profile: str | Sequence[str] | None = None,
) -> FitResult:
    """Fit parameters of ``cell`` to the measured voltage of one or more data sets.

    Each data set's measured current is replayed through the model (as
    :func:`calibration.replay` does: on the data's clock, at its ambient temperature,
    from its rest voltage or ``initial_soc``) and the model's voltage is set beside the
    measured one at every sample. The cell is built once with the fitted parameters as
    PyBaMM inputs, so no evaluation rebuilds it. The cost is the sum over data sets of
    the mean squared voltage error: each data set counts equally, and by default
    (``weighting="time"``) each sample by the time it stands for (a cycler that logs the
    knee densely does not make the knee count more); a sample at a current step, whose
    voltage is either side of the jump, counts for nothing.

    Gradients are forward sensitivities on the CasADi core (the default) for a
    lithium-ion cell: each replay integrates the voltage's sensitivities to the fitted
    parameters beside the model (:func:`cellsim.simulate`'s ``sensitivities``), and the
    initial concentrations' dependence on them (set from a rest voltage by the electrode
    balance) is followed by the chain rule. Elsewhere (``solver="idaklu"``, whose legs
    do not carry PyBaMM's sensitivities; other chemistries, whose initial state at an SOC
    is not followed) they are finite differences: a forward step of 0.1 % of each
    parameter's range, one extra replay per parameter per Jacobian, on the built-once
    model. ``result.parameters.attrs["gradients"]`` says which. A trial that makes the model
    fail, or stop at its (widened) voltage cut-off before the data end, costs 1 V of
    error at every sample it did not reach instead of stopping the fit.

    Parameters
    ----------
    cell : cellsim.Cell
        The cell to fit; values not fitted stay as they are.
    data : xarray.Dataset, list of them, or mapping name → Dataset
        Measured data over ``time`` (s) with ``current`` (A, > 0 discharge) and
        ``voltage`` (V), as :func:`calibration.load` gives; several are fitted jointly
        (C-rates, temperatures: each at its own ambient temperature).
    parameters : mapping, optional
        ``{full PyBaMM name: (lower, upper)}`` in the parameter's units. ``None``: the
        chemistry's default recipe (lithium-ion: electrode balance from the lowest-rate
        data, then particle diffusivities and a contact resistance from all of it; see
        :mod:`calibration._fit_recipe`).
    ocv : xarray.Dataset or path, optional
        A measured (pseudo-)OCV table (:func:`calibration.load_ocv`). The electrodes are
        first balanced on it without simulating (:func:`calibration.fit_balance`, SOC as
        a share of the cell's nominal capacity) and the balance is held; the default
        recipe then skips its balance stage on the lowest-rate data, whose end a real
        cell reaches by transport, not at its open-circuit knee (``examples/fit_lgm50.py``
        shows the difference on an LG M50). The balance's values and OCV RMSE are in
        ``result.parameters.attrs["electrode_balance"]``; the fitted cell carries them.
    initial : mapping, optional
        Initial values (default: the cell's own). A parameter the set gives as a function
        needs one, and is then fitted as a constant.
    method : {"least_squares", "differential_evolution"}
        Trust-region reflective least squares from the initial values (and ``starts - 1``
        Latin-hypercube points), or SciPy's differential evolution over the bounds
        (global, no gradients; many more evaluations), polished by least squares.
    initial_soc : float or list, optional
        SOC at the first sample of each data set (one for all, or one per data set,
        ``None`` for "from its rest voltage").
    starts : int, optional
        Least-squares starts (the best is kept).
    max_evaluations : int, optional
        Cap on evaluations per stage and start (least squares) or generations (DE).
    seed : int, optional
        Seed of the Latin hypercube and of differential evolution.
    solver, rtol, atol : optional
        Stiff-core backend and tolerances, as in :func:`cellsim.simulate`. The default,
        cellsim's CasADi core, compiles the model (built with the fitted parameters as
        inputs, one per recipe stage) to machine code on first use and keeps it on
        disk: seconds for an SPM or SPMe, about two minutes for a DFN, once per
        machine; ``"idaklu"`` (PyBaMM's solver) compiles nothing. The LG M50 1C fit of
        ``benchmarks/bench_calibration.py`` (SPMe, three parameters, 41-44 evaluations)
        took 3.64 s from nothing (both disk caches empty, compile included), 0.67 s
        with the compiled model cached, 3.23 s with ``"idaklu"``, each in a new process.
    current_tolerance : float, optional
        See :func:`calibration.replay`.
    profile : {"at_bound", "all"} or list of names, optional
        Parameters whose profile interval to find (:mod:`calibration._fit_profile`): held
        at trial values with the other parameters of their stage fitted again, until the
        fit is worse by the chi-square quantile of 95 %; a side the data do not close
        within the bounds ends at the bound. ``"at_bound"``: those whose best value is at
        a bound, whose standard error means nothing. Each side costs a few re-fits of the
        stage (about 5-10 times the stage's own evaluations per parameter). Default: none.

    Returns
    -------
    FitResult
        ``.parameters`` (Dataset over ``parameter``: initial, best, bounds, standard
        error, profile interval (NaN where not asked for), units; RMSE per data set;
        cost, evaluations, wall time in ``attrs``),
        ``.cell`` (the fitted Cell), ``.residuals`` (one Dataset per data set) and
        ``.plot(path)``. Standard errors come from the Jacobian at the optimum with
        each data set's noise estimated from its residuals; they describe noise, not
        model error, and are conditional on earlier stages' values.

    Raises
    ------
    CalibrationError
        An unknown parameter (with close matches), one that shapes the model's mesh (a
        particle radius, an electrode or separator thickness), bounds not containing the
        initial value, a data set without voltage or too short or flat to identify a parameter,
        a model that fails at the initial values, or bad options.

    Examples
    --------
    >>> import calibration, cellsim
    >>> data = calibration.load("ratetest_25degC.csv.gz", select={"c_rate": 1.0})  # doctest: +SKIP
    >>> result = calibration.fit(  # doctest: +SKIP
    ...     cellsim.Cell("Chen2020", model="SPMe"),
    ...     data,
    ...     {"Negative particle diffusivity [m2.s-1]": (1e-15, 1e-12)},
    ... )
    >>> result.parameters.best  # doctest: +SKIP
    """
    started = time.perf_counter()
    if method not in ("least_squares", "differential_evolution"):
        raise CalibrationError(
            f"method {method!r} is unknown: allowed are 'least_squares', 'differential_evolution'"
        )
    if weighting not in ("time", "samples"):
        raise CalibrationError(f"weighting {weighting!r} is unknown: allowed are 'time', 'samples'")
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise CalibrationError(f"starts must be an integer >= 1, got {starts!r}")
    if not isinstance(cell, Cell):
        raise CalibrationError(f"cell must be a cellsim.Cell, got {type(cell).__name__}")
    sets = data_sets(data, initial_soc)
    _check_profile(profile, parameters)
    balance_note = ""
    if ocv is not None:
        cell, balance = fit_balance(cell, ocv)
        balance_note = _balance_note(balance, cell)
    if parameters is None:
        if initial is not None:
            raise CalibrationError("initial= needs parameters=: the default recipe sets its own")
        cell, stages = lithium_ion_recipe(cell, sets)
        if ocv is not None:  # balanced on the OCV table already
            stages = [s for s in stages if s.name != BALANCE_STAGE]
    else:
        checked = tuple(checked_parameters(cell, parameters, initial))
        stages = [Stage("fit", checked, tuple(range(len(sets))), starts)]
    options = {
        "solver": solver,
        "rtol": rtol,
        "atol": atol,
        "current_tolerance": current_tolerance,
    }
    fixed: dict[str, float] = {}
    outcomes = []
    for stage in stages:
        problem = Problem(
            cell,
            [sets[k] for k in stage.data],
            stage.parameters,
            fixed,
            weighting=weighting,
            **options,
        )
        outcome = run_stage(problem, stage, method, max_evaluations, seed, profile)
        outcomes.append(outcome)
        fixed.update(dict(zip((p.name for p in stage.parameters), outcome.best, strict=True)))

    everything = [p for s in stages for p in s.parameters]
    final = Problem(cell, sets, everything, **options)
    start_values = {p.name: p.initial for p in everything}
    initial_residuals = final.raw_residuals(start_values)
    rmse_initial = [_rmse(r, d.weights) for r, d in zip(initial_residuals, sets, strict=True)]
    models = final.model_voltages(fixed)
    residuals = [
        np.where(np.isfinite(m), m - d.voltage, FAILURE_RESIDUAL)
        for m, d in zip(models, sets, strict=True)
    ]
    rmse_best = [_rmse(r, d.weights) for r, d in zip(residuals, sets, strict=True)]
    rmse_samples = [_rmse(r) for r in residuals]
    fitted = cell.replace(overrides=fixed)
    evaluations = sum(o.evaluations for o in outcomes) + final.evaluations
    table = parameter_dataset(
        outcomes,
        sets,
        rmse_initial,
        rmse_best,
        rmse_samples,
        cost=float(
            sum(
                _rmse(r, sample_weights(d, weighting)) ** 2
                for r, d in zip(residuals, sets, strict=True)
            )
        ),
        evaluations=evaluations,
        wall_time=time.perf_counter() - started,
        method=method,
        weighting=weighting,
        gradients=(
            "forward sensitivities (CasADi core), initial state by the chain rule"
            if final.sensitive
            else "finite differences on the built-once model"
        ),
        cell=cell.to_dict(),
        fitted_cell=fitted.to_dict(),
        electrode_balance=balance_note,
        solver=solver,
        rtol=rtol,
        atol=atol,
        profile_level=LEVEL,
    )
    residuals = tuple(
        residual_dataset(d, m, cell=fitted.to_dict()) for d, m in zip(sets, models, strict=True)
    )
    return FitResult(parameters=table, cell=fitted, residuals=residuals)


def data_sets(data, initial_soc) -> list[Measured]:
    """Checked data sets with names, each with a voltage."""
    if isinstance(data, xr.Dataset):
        named = [(str(data.attrs.get("selection", "data")), data)]
    elif isinstance(data, Mapping):
        named = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, Sequence) and not isinstance(data, str):
        named = [
            (str(d.attrs.get("selection", f"data {k}")) if isinstance(d, xr.Dataset) else "", d)
            for k, d in enumerate(data)
        ]
        names = [n for n, _ in named]
        if len(set(names)) < len(names):
            named = [(f"data {k}: {n}", d) for k, (n, d) in enumerate(named)]
    else:
        raise CalibrationError(
            f"data must be an xarray.Dataset, a list of them or a mapping name → Dataset, "
            f"got {type(data).__name__}"
        )
    if not named:
        raise CalibrationError("data is empty: give at least one data set")
    if initial_soc is None or isinstance(initial_soc, (int, float)):
        socs = [initial_soc] * len(named)
    else:
        socs = list(initial_soc)
        if len(socs) != len(named):
            raise CalibrationError(
                f"initial_soc has {len(socs)} values for {len(named)} data sets: give one or "
                "one per data set"
            )
    return [
        measured(d, name, initial_soc=soc, need_voltage=True)
        for (name, d), soc in zip(named, socs, strict=True)
    ]


def run_stage(
    problem: Problem,
    stage: Stage,
    method: str,
    max_evaluations: int | None,
    seed: int,
    profile: str | Sequence[str] | None = None,
) -> StageOutcome:
    """Optimise one stage; its best values, standard errors, profile intervals (of the
    parameters ``profile`` names) and bookkeeping."""
    x0 = problem.x0()
    _check_identifiable(problem, x0)
    # the optimiser sees x + 1 in [1, 2]: SciPy's xtol is relative to |x|, which would
    # stop a search near a lower bound of 0 after steps too small to matter
    shifted = _Shifted(problem)
    x0 = x0 + SHIFT
    bounds = (np.full(x0.size, SHIFT), np.full(x0.size, SHIFT + 1.0))
    lsq = {
        "bounds": bounds,
        "method": "trf",
        "jac": shifted.jacobian if problem.sensitive else "2-point",
        "diff_step": DIFF_STEP,
        "x_scale": 1.0,
        "ftol": FTOL,
        "xtol": XTOL,
        "max_nfev": max_evaluations,
    }
    if method == "differential_evolution":
        found = differential_evolution(
            shifted.cost,
            list(zip(*bounds, strict=True)),
            x0=x0,
            seed=seed,
            maxiter=max_evaluations or 1000,
            tol=1e-6,
            polish=False,
        )
        best = least_squares(shifted.residuals, found.x, **lsq)
        message = f"differential evolution ({found.nit} generations), least-squares polish"
    else:
        points = [x0]
        if stage.starts > 1:
            points += list(
                SHIFT + qmc.LatinHypercube(d=x0.size, seed=seed).random(stage.starts - 1)
            )
        best = None
        for point in points:
            found = least_squares(shifted.residuals, point, **lsq)
            if best is None or found.cost < best.cost:
                best = found
        message = f"least squares from {len(points)} start(s): {best.message}"
    best.x = best.x - SHIFT
    values = [p.from_x(x) for p, x in zip(problem.parameters, best.x, strict=True)]
    error, correlation = _standard_errors(problem, best)
    intervals = [(np.nan, np.nan)] * len(values)
    for k in _profiled(problem, best.x, profile):
        error_x = error[k] / problem.parameters[k].dvalue_dx(best.x[k])
        intervals[k] = profile_interval(problem, best.x, best.fun, k, error_x, lsq, SHIFT)
    return StageOutcome(
        name=stage.name,
        parameters=tuple(problem.parameters),
        best=tuple(values),
        standard_error=tuple(error),
        correlation=correlation,
        profile=tuple(intervals),
        data_names=tuple(d.name for d in problem.data),
        evaluations=problem.evaluations,
        failures=len(problem.failures),
        message=message,
    )


def _check_profile(profile, parameters) -> None:
    """Raise unless ``profile`` is None, "at_bound", "all" or names among ``parameters``."""
    if profile is None or profile in ("at_bound", "all"):
        return
    if isinstance(profile, str) or not isinstance(profile, Sequence):
        raise CalibrationError(
            f"profile {profile!r} is not allowed: give 'at_bound', 'all' or a list of the "
            "fitted parameters' names"
        )
    if parameters is None:
        raise CalibrationError(
            "profile= with names needs parameters=: the default recipe's stages choose their "
            "own; give 'at_bound' or 'all'"
        )
    unknown = [name for name in profile if name not in parameters]
    if unknown:
        raise CalibrationError(
            f"profile names {unknown} that are not fitted: allowed are {list(parameters)}"
        )


def _profiled(problem: Problem, best_x: np.ndarray, profile) -> list[int]:
    """Indices of the stage's parameters whose profile interval is asked for."""
    if profile is None:
        return []
    if profile == "all":
        return list(range(len(problem.parameters)))
    if profile == "at_bound":
        return [
            k
            for k, (p, x) in enumerate(zip(problem.parameters, best_x, strict=True))
            if bound_side(p, p.from_x(x)) != 0
        ]
    return [k for k, p in enumerate(problem.parameters) if p.name in profile]


class _Shifted:
    """``problem`` seen at ``x + SHIFT``."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def residuals(self, x: np.ndarray) -> np.ndarray:
        return self.problem.residuals(np.asarray(x) - SHIFT)

    def cost(self, x: np.ndarray) -> float:
        return self.problem.cost(np.asarray(x) - SHIFT)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return self.problem.jacobian(np.asarray(x) - SHIFT)


def _check_identifiable(problem: Problem, x0: np.ndarray) -> None:
    """Raise unless every parameter moves the model voltage at the initial values."""
    total = int(problem.sizes.sum())
    if total <= len(problem.parameters):
        raise CalibrationError(
            f"data sets {[d.name for d in problem.data]} have {total} samples in all: too "
            f"short to identify {len(problem.parameters)} parameters"
        )
    base = problem.model_voltages(problem.values(x0))
    for data, voltage in zip(problem.data, base, strict=True):
        if not np.isfinite(voltage).any():  # cut off early is only a high cost
            reason = problem.failures[-1] if problem.failures else "it stopped at once"
            raise CalibrationError(
                f"the model does not follow data set {data.name!r} at the initial values at "
                f"all ({reason}); start closer, or check the data's initial state"
            )
    for k, parameter in enumerate(problem.parameters):
        step = 0.01 if x0[k] <= 0.99 else -0.01
        moved = problem.model_voltages(problem.values(x0 + step * np.eye(x0.size)[k]))
        change = max(
            float(np.nanmax(np.abs(m - b))) if np.isfinite(m).any() else np.inf
            for m, b in zip(moved, base, strict=True)
        )
        if change < IDENTIFY_VOLTAGE:
            raise CalibrationError(
                f"data sets {[d.name for d in problem.data]} do not identify {parameter.name!r}: "
                f"moving it by 1 % of its bounds changes the model voltage by {change:.2g} V at "
                f"most (< {IDENTIFY_VOLTAGE:g} V); the data are too short or too flat for it"
            )


def _standard_errors(problem: Problem, best) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors (parameter units) and correlations from the Jacobian at the optimum.

    The estimator minimises ``sum_k sum_i w_ki r_ki^2`` (weights ``w`` by time or per sample); with
    independent noise of variance ``s_k^2`` per sample, estimated from data set ``k``'s
    residuals (``SSR_k / (N_k - p)``), its covariance is the sandwich
    ``A^-1 B A^-1``, ``A = sum_k J_k^T W_k J_k``, ``B = sum_k s_k^2 J_k^T W_k^2 J_k``
    (for one evenly sampled data set: ``s^2 (J^T J)^-1``).
    """
    n_par = len(problem.parameters)
    scale = np.array(
        [p.dvalue_dx(x) for p, x in zip(problem.parameters, best.x, strict=True)], dtype=float
    )
    blocks = problem.unweight(np.asarray(best.jac, dtype=float))
    variances = problem.noise_variances(best.fun)
    bread = np.zeros((n_par, n_par))
    meat = np.zeros((n_par, n_par))
    for jac, variance, w in zip(blocks, variances, problem.weights, strict=True):
        bread += jac.T @ (w[:, None] * jac)
        meat += variance * jac.T @ ((w**2)[:, None] * jac)
    # invert in the optimiser's scale (well conditioned), then go to the parameters' units
    eigenvalues, vectors = np.linalg.eigh(bread)
    identified = eigenvalues > SINGULAR * max(float(eigenvalues.max()), 1e-300)
    inverse = (vectors[:, identified] / eigenvalues[identified]) @ vectors[:, identified].T
    covariance = (inverse @ meat @ inverse) * np.outer(scale, scale)
    error = np.sqrt(np.abs(np.diag(covariance)))
    # a parameter with weight on a direction the data do not fix has no finite error
    loose = np.any(np.abs(vectors[:, ~identified]) > 1e-6, axis=1)
    error[loose] = np.inf
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(error, error)
    return error, correlation


def _balance_note(balance: xr.Dataset, cell: Cell) -> str:
    """What :func:`fit_balance` gave, as one line for the result's attributes."""
    values = ", ".join(f"{name} = {float(balance[name]):.5g}" for name in balance_bounds(cell))
    return (
        f"from the OCV table, no simulation (calibration.fit_balance): {values}; OCV RMSE "
        f"{1e3 * float(balance.rmse):.1f} mV, largest {1e3 * float(balance.max_error):.1f} mV"
    )


def _rmse(residual: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Root of the (time-weighted, if ``weights``) mean squared residual."""
    if weights is None:
        weights = np.full(residual.size, 1.0 / residual.size)
    return float(np.sqrt(np.sum(weights * residual**2) / np.sum(weights)))
