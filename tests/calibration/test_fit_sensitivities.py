"""calibration.fit's gradients: forward sensitivities of the replays on the CasADi core.

The Jacobian of the weighted residuals from the sensitivities must be the derivative of
the residuals themselves: central differences of them (step 1e-4 of the optimiser's unit
range, integrator at rtol = atol = 1e-8) agree to ~1e-5 of the largest entry, and 1e-3
is the tolerance. The electrode's active-material fraction moves the data set's initial
concentrations (set from its rest voltage through the electrode balance): without the
chain rule through them its column would be off by far more.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import calibration
import cellsim
from calibration._fit_parameters import checked_parameters
from calibration._fit_problem import Problem
from calibration._replay import measured

CELL = cellsim.Cell("Chen2020", model="SPMe", options={"contact resistance": "true"})
BOUNDS = {
    "Positive particle diffusivity [m2.s-1]": (1e-16, 1e-13),
    "Negative electrode active material volume fraction": (0.6, 0.9),
    "Contact resistance [Ohm]": (0.0, 0.05),
}
TRUE = {
    "Positive particle diffusivity [m2.s-1]": 8e-15,
    "Negative electrode active material volume fraction": 0.72,
    "Contact resistance [Ohm]": 0.012,
}
START = {
    "Positive particle diffusivity [m2.s-1]": 4e-15,
    "Negative electrode active material volume fraction": 0.75,
    "Contact resistance [Ohm]": 0.005,
}


def pulses() -> xr.Dataset:
    """Rest, a 1C pulse, rest, a C/2 charge pulse, rest: sampled every 10 s."""
    protocol = [
        "Rest for 60 seconds",
        "Discharge at 1C for 10 minutes",
        "Rest for 10 minutes",
        "Charge at 0.5C for 10 minutes",
        "Rest for 10 minutes",
    ]
    ds = cellsim.simulate(CELL.replace(overrides=TRUE), protocol, initial_soc=0.7, period=10.0)
    keep = np.append(np.diff(ds.time.values) > 1e-6, True)
    return xr.Dataset(
        {
            "current": ("time", ds.current.values[keep]),
            "voltage": ("time", ds.voltage.values[keep]),
        },
        coords={"time": ds.time.values[keep]},
    )


@pytest.fixture(scope="module")
def problem() -> Problem:
    data = measured(pulses(), "pulses", need_voltage=True)
    parameters = checked_parameters(CELL, BOUNDS, START)
    return Problem(CELL, [data], parameters, solver="casadi", rtol=1e-8, atol=1e-8)


def test_jacobian_is_the_derivative_of_the_residuals(problem):
    assert problem.sensitive
    x = problem.x0() + np.array([0.03, -0.02, 0.05])
    jacobian = problem.jacobian(x)
    assert jacobian.shape == (problem.sizes.sum(), 3)
    step = 1e-4
    for k in range(3):
        e = np.eye(3)[k] * step
        fd = (problem.residuals(x + e) - problem.residuals(x - e)) / (2 * step)
        scale = np.max(np.abs(jacobian[:, k]))
        assert scale > 1e-4  # each parameter moves the residuals
        assert np.max(np.abs(jacobian[:, k] - fd)) <= 1e-3 * scale, problem.parameters[k].name


def test_residuals_and_jacobian_come_from_one_replay(problem):
    x = problem.x0()
    before = problem.evaluations
    problem.residuals(x)
    problem.jacobian(x)
    assert problem.evaluations == before + 1


def test_fit_recovers_the_cell_on_sensitivities_and_says_so():
    """Noise-free data from a known cell: the three parameters back within 1 %, in a
    handful of Jacobians (one replay each)."""
    result = calibration.fit(CELL, pulses(), BOUNDS, initial=START, rtol=1e-8, atol=1e-8)
    assert result.parameters.attrs["gradients"].startswith("forward sensitivities")
    best = {k: float(result.parameters.best.sel(parameter=k)) for k in BOUNDS}
    for name, value in TRUE.items():
        assert best[name] == pytest.approx(value, rel=0.01), name
    assert int(result.parameters.attrs["evaluations"]) <= 30


def test_idaklu_fits_take_finite_differences():
    bounds = {"Contact resistance [Ohm]": (0.0, 0.05)}
    start = {"Contact resistance [Ohm]": 0.005}
    result = calibration.fit(
        CELL, pulses(), bounds, initial=start, solver="idaklu", max_evaluations=3
    )
    assert result.parameters.attrs["gradients"].startswith("finite differences")
