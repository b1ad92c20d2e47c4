"""The knee of a capacity-fade curve, by the Bacon-Watts transition model.

Bacon and Watts model two straight lines joined by a smooth transition,

    q(N) = a0 + a1 (N - Nk) + a2 (N - Nk) tanh((N - Nk) / g),

whose slope goes from ``a1 - a2`` before the transition at ``Nk`` to ``a1 + a2`` after it;
for a fixed ``Nk`` and ``g`` the model is linear in ``a0, a1, a2``, so ``Nk`` is found by
a search over the measured span with the line coefficients solved exactly at each trial.
Fermín-Cueto et al. use this model to locate the knee point of capacity-fade curves.

A capacity curve carried to the end of life has a second transition after the knee (the
steep decline flattens out as the cell nears empty); one Bacon-Watts fit over both would
put its single transition between them. The fit therefore uses the points up to the end
of the steepest measured segment. A knee is reported only when the slope after the
transition is steeper than before (``a2 < 0``) and the two-line model explains
significantly more than one line (F-test at 95 %, approximate because ``Nk`` is itself
fitted, as Bacon and Watts note).

References
----------
.. [1] D. W. Bacon and D. G. Watts, "Estimating the transition between two intersecting
   straight lines", Biometrika 58 (1971) 525-534.
.. [2] P. Fermín-Cueto et al., "Identification and machine learning prediction of
   knee-point and knee-onset in capacity degradation curves of lithium-ion cells",
   Energy and AI 1 (2020) 100006.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

#: Width of the transition, as a fraction of the fitted cycle span (near a sharp corner).
TRANSITION_WIDTH = 0.02
#: Fewest points a Bacon-Watts fit needs (four parameters and one degree of freedom).
MIN_POINTS = 5
#: Significance level of the test of two lines against one.
SIGNIFICANCE = 0.05
GRID = 400


def knee_cycle(cycle: ArrayLike, capacity: ArrayLike) -> float:
    """The knee point of one cell's capacity-fade curve, or NaN where there is none.

    Parameters
    ----------
    cycle : array_like
        Cycle counts, increasing.
    capacity : array_like
        Capacity at those cycles (any units; a fraction of the initial is fine).

    Returns
    -------
    float
        The Bacon-Watts transition cycle ``Nk``; NaN if there are fewer than
        :data:`MIN_POINTS` points before the end of the steepest decline, if the fade
        does not get steeper, or if two lines are not significantly better than one.
    """
    x = np.asarray(cycle, dtype=float)
    y = np.asarray(capacity, dtype=float)
    if x.size >= 2:
        slopes = np.diff(y) / np.maximum(np.diff(x), 1e-12)
        last = int(np.argmin(slopes)) + 1  # the end of the steepest segment
        x, y = x[: last + 1], y[: last + 1]
    if x.size < MIN_POINTS:
        return float("nan")
    return _knee(x.tobytes(), y.tobytes())


@functools.lru_cache(maxsize=1024)
def _knee(x_bytes: bytes, y_bytes: bytes) -> float:
    """:func:`knee_cycle` on points ``x, y`` (as bytes, so that the result is cached: a
    cross-validation asks for the knees of the same cells again and again)."""
    x, y = np.frombuffer(x_bytes), np.frombuffer(y_bytes)
    width = TRANSITION_WIDTH * (x[-1] - x[0])
    trials = np.linspace(x[1], x[-2], GRID)
    u = x[None, :] - trials[:, None]
    design = np.stack([np.ones_like(u), u, u * np.tanh(u / width)], axis=-1)
    coef = np.linalg.pinv(design) @ y
    ssr = np.sum((y - np.einsum("gnk,gk->gn", design, coef)) ** 2, axis=1)
    i = int(np.argmin(ssr))
    lo, hi = trials[max(i - 1, 0)], trials[min(i + 1, GRID - 1)]
    best = optimize.minimize_scalar(
        lambda k: _fit(x, y, k, width)[0], bounds=(lo, hi), method="bounded"
    )
    knee = float(best.x) if best.fun < ssr[i] else float(trials[i])
    ssr_two, coef = _fit(x, y, knee, width)
    line = np.polynomial.polynomial.polyfit(x, y, 1)
    ssr_one = float(np.sum((y - np.polynomial.polynomial.polyval(x, line)) ** 2))
    dof = x.size - 4
    if coef[2] >= 0 or ssr_two <= 0:
        return knee if coef[2] < 0 else float("nan")
    f_stat = ((ssr_one - ssr_two) / 2.0) / (ssr_two / dof)
    if f_stat < stats.f.ppf(1.0 - SIGNIFICANCE, 2, dof):
        return float("nan")
    return knee


def _fit(x: np.ndarray, y: np.ndarray, knee: float, width: float) -> tuple[float, np.ndarray]:
    """Residual sum of squares and ``(a0, a1, a2)`` of the Bacon-Watts model at ``knee``."""
    u = x - knee
    design = np.column_stack([np.ones_like(u), u, u * np.tanh(u / width)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.sum((y - design @ coef) ** 2)), coef
