"""Profile intervals: how far a fitted parameter can move before the data object.

A standard error from the Jacobian is a straight-line reading of the cost at the
optimum; it says nothing honest about a parameter at a bound (the cost is not at a
minimum there) or one the data fix only on one side. The profile instead holds the
parameter at trial values, fits the stage's other parameters again at each, and finds
where the fit's statistic has risen by the chi-square quantile of ``level`` (one degree
of freedom): the profile-likelihood interval (D. J. Venzon, S. H. Moolgavkar, Appl.
Statist. 37 (1988) 87-94). A side the data do not close within the bounds is reported
as the bound itself.

The statistic is ``D = sum_k n_k MSE_k / s_k^2`` over the stage's data sets: each data
set's weighted mean squared error (as the fit weighs it), times its effective number of
samples ``n_k = 1 / sum_i w_ki^2`` (Kish; the count of samples when each weighs the
same), over its noise variance ``s_k^2`` estimated from its residuals at the optimum
(as for the standard errors). With evenly weighted samples ``D`` is the chi-square of
the residuals, and where the cost is quadratic the interval is ``best +- z sigma``.
Like the standard errors, it describes noise, not model error, and is conditional on
earlier stages' values.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import chi2

from calibration._fit_problem import Problem

#: Probability the interval covers the parameter (chi-square, one degree of freedom).
LEVEL = 0.95
#: First step from the optimum as a share of where a quadratic cost would cross,
#: ``z sigma`` (optimiser scale), and its limits on that scale.
FIRST_STEP = 1.0
SMALLEST_STEP, LARGEST_FIRST_STEP = 1e-3, 0.05
#: The crossing is accepted within this share of the threshold, or after this many
#: refinements (Illinois' regula falsi on sqrt(D - D*), exact where D is quadratic).
CROSSING_TOLERANCE = 0.05
REFINEMENTS = 6
#: Evaluations of each re-fit of the other parameters (warm started from the last point).
REFIT_EVALUATIONS = 40


def profile_interval(
    problem: Problem,
    best_x: np.ndarray,
    best_residuals: np.ndarray,
    index: int,
    standard_error_x: float,
    lsq_options: dict,
    shift: float,
) -> tuple[float, float]:
    """Lower and upper end of the profile interval of parameter ``index`` (its units; a
    bound where the data do not close that side).

    ``best_x`` is the optimum on the optimiser's [0, 1] scale, ``best_residuals`` the
    problem's (weighted) residuals there, ``standard_error_x`` the parameter's standard
    error on that scale (inf or NaN where not identified), ``lsq_options`` the stage's
    least-squares options (bounds and Jacobian are set here) and ``shift`` the offset
    the optimiser sees its coordinates at.
    """
    statistic = _Statistic(problem, best_residuals)
    threshold = float(chi2.ppf(LEVEL, 1))
    step = FIRST_STEP * standard_error_x * np.sqrt(threshold)
    if not np.isfinite(step):
        step = 0.02
    step = float(np.clip(step, SMALLEST_STEP, LARGEST_FIRST_STEP))
    low, high = (
        problem.parameters[index].from_x(
            _side(problem, statistic, best_x, index, direction, step, threshold, lsq_options, shift)
        )
        for direction in (-1.0, 1.0)
    )
    return low, high


class _Statistic:
    """``D(x)`` of the module docstring, with the noise variances of the optimum."""

    def __init__(self, problem: Problem, best_residuals: np.ndarray) -> None:
        self.problem = problem
        self.samples = np.array([1.0 / np.sum(w**2) for w in problem.weights])
        self.variance = problem.noise_variances(best_residuals)
        self.best = self(best_residuals)

    def __call__(self, weighted_residuals: np.ndarray) -> float:
        blocks = np.split(weighted_residuals, np.cumsum(self.problem.sizes)[:-1])
        mean_squares = np.array([float(b @ b) for b in blocks])
        return float(np.sum(self.samples * mean_squares / self.variance))


def _side(problem, statistic, best_x, index, direction, step, threshold, lsq_options, shift):
    """The parameter's value (optimiser scale) where ``D`` crosses ``D* + threshold``
    going ``direction`` from the optimum, or the bound where it does not."""
    inside = (float(best_x[index]), np.delete(best_x, index), 0.0)
    while True:
        trial = float(np.clip(inside[0] + direction * step, 0.0, 1.0))
        others, rise = _refit(
            problem, statistic, best_x, index, trial, inside[1], lsq_options, shift
        )
        if rise >= threshold:
            outside = (trial, others, rise)
            break
        inside = (trial, others, rise)
        if trial in (0.0, 1.0):
            return trial
        step *= 2.0
    # Illinois' regula falsi on sqrt(rise) - sqrt(threshold): linear in the parameter
    # where the profile is quadratic; at a bound (where it starts with a slope) the
    # halving of the end kept twice stops the search stalling on that side
    root = np.sqrt(threshold)
    g_in, g_out = np.sqrt(max(inside[2], 0.0)) - root, np.sqrt(outside[2]) - root
    kept = 0
    for _ in range(REFINEMENTS):
        trial = inside[0] + g_in / (g_in - g_out) * (outside[0] - inside[0])
        others, rise = _refit(
            problem, statistic, best_x, index, trial, inside[1], lsq_options, shift
        )
        if abs(rise - threshold) <= CROSSING_TOLERANCE * threshold:
            return trial
        g = np.sqrt(max(rise, 0.0)) - root
        if g < 0:
            inside, g_in = (trial, others, rise), g
            g_out, kept = (g_out / 2 if kept < 0 else g_out), -1
        else:
            outside, g_out = (trial, others, rise), g
            g_in, kept = (g_in / 2 if kept > 0 else g_in), 1
    return trial


def _refit(problem, statistic, best_x, index, value, start, lsq_options, shift):
    """The other parameters re-fitted with parameter ``index`` held at ``value``; their
    values and the rise of ``D`` over the optimum's."""

    def full(others: np.ndarray) -> np.ndarray:
        return np.insert(np.asarray(others, dtype=float) - shift, index, value)

    if start.size == 0:
        return start, statistic(problem.residuals(full(start + shift))) - statistic.best
    options = {
        **lsq_options,
        "bounds": (np.full(start.size, shift), np.full(start.size, shift + 1.0)),
        "max_nfev": REFIT_EVALUATIONS,
    }
    if problem.sensitive:
        options["jac"] = lambda z: np.delete(problem.jacobian(full(z)), index, axis=1)
    found = least_squares(lambda z: problem.residuals(full(z)), start + shift, **options)
    others = found.x - shift
    return others, statistic(problem.residuals(full(found.x))) - statistic.best
