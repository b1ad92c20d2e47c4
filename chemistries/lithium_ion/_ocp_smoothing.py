"""Smoothing a measured open-circuit-potential table: an opt-in approximation for speed.

Some parameter sets give an electrode's OCP as a table of measured points, interpolated
by a cubic spline through every point: ``OKane2022``'s (and ``Chen2020``'s) graphite OCP
is 248 points of the LG M50's pseudo-OCV (Chen et al., J. Electrochem. Soc. 167 (2020)
080534). The points scatter by a fraction of a millivolt, and a spline through all of
them turns that scatter into wiggles of the OCP's slope. In a DFN every particle of the
mesh crosses each wiggle at its own time, and the integrator resolves them all: a 1C
discharge of the ``OKane2022`` DFN with SEI and lithium plating took 5,309 steps (PyBaMM's
IDAKLU, rtol = atol = 1e-6), against 1,178 once the table's values were replaced by a
least-squares smoothing spline 1 mV rms from the points (3.4 mV at most, at the steep
ends of the table), for a discharge capacity 2e-5 lower (4.92157 vs 4.92167 A.h).

The parameters ``"Negative electrode OCP smoothing [V]"`` and ``"Positive electrode OCP
smoothing [V]"`` (default 0: the table as published) set the rms distance allowed
between the smoothed curve and the points. The table keeps its points (its grid, so its
cost); only their values move, onto a cubic smoothing spline (``scipy.interpolate.
UnivariateSpline`` with smoothing condition ``sum of squares = n rms**2``, met to
FITPACK's 0.1 %, which places as few knots as that allows). An OCP given as a formula,
or as anything but a one-input table of the stoichiometry, is left as it is.
"""

from __future__ import annotations

import numpy as np

#: Smoothing parameter of each electrode -> the OCP parameter it smooths.
SMOOTHING = {
    "Negative electrode OCP smoothing [V]": "Negative electrode OCP [V]",
    "Positive electrode OCP smoothing [V]": "Positive electrode OCP [V]",
}
#: Largest smoothing allowed, V rms (beyond it the curve is no longer the measurement).
MAX_SMOOTHING = 0.01


def check(values) -> None:
    """Raise ``ParameterError`` for a smoothing parameter outside ``[0, MAX_SMOOTHING]``."""
    from cellsim._errors import ParameterError

    for name in SMOOTHING:
        value = values.get(name, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(f"{name!r} must be a number of volts, got {value!r}")
        if not 0.0 <= value <= MAX_SMOOTHING:
            raise ParameterError(
                f"{name!r} = {value!r} V is outside [0, {MAX_SMOOTHING}] V (the rms "
                "distance allowed between the smoothed OCP and the table's points)"
            )


def defaults() -> dict[str, float]:
    """The smoothing parameters at their defaults (0: every table as published)."""
    return dict.fromkeys(SMOOTHING, 0.0)


def apply(values) -> dict[str, float]:
    """Smooth, in place, the OCP tables of PyBaMM ``values`` its smoothing parameters ask
    for (no model reads those parameters themselves).

    Returns
    -------
    dict
        ``{OCP parameter: rms distance reached, V}`` for each table smoothed.
    """
    smoothed = {}
    for name, target in SMOOTHING.items():
        rms = float(values[name]) if name in values else 0.0
        if rms > 0.0 and target in values:
            replaced = _smoothed(values[target], rms)
            if replaced is not None:
                values[target], smoothed[target] = replaced
    return smoothed


def _smoothed(ocp, rms: float):
    """``(function, rms reached)`` for an OCP that is a one-input table, else None."""
    import pybamm
    from scipy.interpolate import UnivariateSpline

    if not callable(ocp):
        return None
    sto = pybamm.StateVector(slice(0, 1))
    table = ocp(sto)
    if not (
        isinstance(table, pybamm.Interpolant)
        and table.dimension == 1
        and len(table.children) == 1
        and table.children[0] == sto
    ):
        return None
    x, y = np.asarray(table.x[0], dtype=float), np.asarray(table.y, dtype=float).ravel()
    spline = UnivariateSpline(x, y, k=3, s=x.size * rms**2)
    values = spline(x)
    name = f"{table.name}_smoothed"  # a CasADi function name: letters, digits, _
    interpolator = table.interpolator

    def function(stoichiometry):
        return pybamm.Interpolant(x, values, stoichiometry, name=name, interpolator=interpolator)

    return function, float(np.sqrt(np.mean((values - y) ** 2)))
