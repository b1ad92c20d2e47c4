"""Bounded least squares with standard errors from the Jacobian, for the ageing fits.

The covariance of the parameters is ``s^2 (J^T J)^-1`` with ``s^2`` the residual variance
(sum of squares over ``n - p``): right when residuals are independent with one spread.
Points of one cell are not independent (a cell that fades faster than the population
stays faster), so a cell-clustered sandwich estimate is given beside it,
``(J^T J)^-1 [sum over cells of (J_c^T r_c)(J_c^T r_c)^T] (J^T J)^-1 G / (G - 1)``, which
counts the spread between cells (Cameron and Miller, J. Human Resources 50 (2015) 317).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from calibration._aging_errors import CalibrationError

#: A direction of parameter space whose singular value is below this fraction of the
#: largest (columns of J scaled to unit norm) is not identified by the data.
IDENTIFIABLE = 1e-8


@dataclass(frozen=True, slots=True)
class LsqOutcome:
    """What a least-squares fit found, in the space it was fitted in."""

    x: NDArray[np.float64]
    residuals: NDArray[np.float64]
    jacobian: NDArray[np.float64]
    standard_error: NDArray[np.float64]
    standard_error_cell_robust: NDArray[np.float64]
    identified: NDArray[np.bool_]
    evaluations: int
    message: str


def fit_least_squares(
    residual: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    x0: NDArray[np.float64],
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    groups: NDArray,
    names: list[str],
    **options,
) -> LsqOutcome:
    """Minimise ``sum(residual(x)**2)`` within bounds; standard errors from the Jacobian.

    Parameters
    ----------
    residual : callable
        Residual vector at ``x``.
    x0, lower, upper : ndarray
        Start and bounds.
    groups : ndarray
        The cell of each residual (for the clustered standard error).
    names : list of str
        Parameter names, for messages.
    **options
        Passed to :func:`scipy.optimize.least_squares`.

    Returns
    -------
    LsqOutcome
    """
    n, p = groups.size, x0.size
    if n <= p:
        raise CalibrationError(
            f"{n} data point(s) (after each cell's first) cannot identify {p} parameter(s) "
            f"({', '.join(names)}): give at least {p + 1}"
        )
    result = optimize.least_squares(residual, x0, bounds=(lower, upper), **options)
    jac = np.asarray(result.jac, dtype=float)
    r = np.asarray(result.fun, dtype=float)
    identified = _identified(jac)
    se = np.full(p, np.inf)
    robust = np.full(p, np.nan)
    if identified.all():
        bread = np.linalg.inv(jac.T @ jac)
        s2 = float(r @ r) / (n - p)
        se = np.sqrt(np.maximum(np.diag(bread) * s2, 0.0))
        cells = np.unique(groups)
        if cells.size >= 3:
            meat = np.zeros((p, p))
            for cell in cells:
                score = jac[groups == cell].T @ r[groups == cell]
                meat += np.outer(score, score)
            cov = bread @ meat @ bread * cells.size / (cells.size - 1)
            robust = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return LsqOutcome(
        x=np.asarray(result.x, dtype=float),
        residuals=r,
        jacobian=jac,
        standard_error=se,
        standard_error_cell_robust=robust,
        identified=identified,
        evaluations=int(result.nfev),
        message=str(result.message),
    )


def _identified(jac: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which parameters the Jacobian determines: False for those that take part in a
    direction the data do not constrain (a zero column, or columns that cancel)."""
    norms = np.linalg.norm(jac, axis=0)
    identified = norms > 0
    if not identified.any():
        return identified
    scaled = jac[:, identified] / norms[identified]
    _, sv, vt = np.linalg.svd(scaled, full_matrices=False)
    weak = sv < IDENTIFIABLE * sv[0]
    if weak.any():
        involved = np.any(np.abs(vt[weak]) > 0.1, axis=0)
        idx = np.flatnonzero(identified)
        identified[idx[involved]] = False
    return identified
