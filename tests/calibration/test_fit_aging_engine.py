"""calibration.fit_aging through the lifecycle engine: a known SEI rate constant recovered
from noisy synthetic fade of the same Cell, and the engine route's bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cellsim
from calibration._aging import fit_aging
from calibration._aging_engine import default_parameters
from calibration._aging_errors import CalibrationError

DIFFUSIVITY = "SEI solvent diffusivity [m2.s-1]"
#: A short cycle keeps each ageing run to a couple of seconds.
DUTY = ["Charge at 1C until 4.2 V", "Hold at 4.2 V until C/5", "Discharge at 1C until 3.0 V"]


@pytest.fixture(scope="module")
def cell():
    return cellsim.Cell("OKane2022", model="SPM", options={"SEI": "solvent-diffusion limited"})


def test_sei_diffusivity_recovered_within_its_uncertainty(cell):
    """Fade of 120 cycles aged with a known SEI solvent diffusivity, three 'cells' with
    0.1 % noise: the fit (starting two decades wide, at the geometric middle) recovers it
    within three standard errors, and the standard error says the data determine it
    (under a quarter of a decade)."""
    truth = 2e-20
    cycles = np.arange(0, 121, 15)
    aged = cellsim.age(
        cell.replace(overrides={DIFFUSIVITY: truth}),
        DUTY,
        cycles=int(cycles[-1]),
        method="extrapolate",
        initial_soc=0.5,
        rtol=1e-2,
        progress=False,
    )
    soh = np.interp(np.maximum(cycles, 1), aged.cycle.values, aged.soh.values)
    assert soh[-1] < 0.99  # the fade is there to fit (a few % in 120 cycles)
    rng = np.random.default_rng(11)
    rows = []
    for k in range(3):
        noisy = soh * (1 + np.r_[0, rng.normal(0, 1e-3, cycles.size - 1)])
        rows += [(f"syn{k}", n, 5.0 * q) for n, q in zip(cycles, noisy, strict=True)]
    data = pd.DataFrame(rows, columns=["cell", "cycle", "capacity"])

    fit = fit_aging(cell, data, duty=DUTY, parameters={DIFFUSIVITY: (2e-21, 2e-19)}, until="all")

    best = float(fit.parameters["best"].sel(parameter=DIFFUSIVITY))
    se = float(fit.parameters["standard_error"].sel(parameter=DIFFUSIVITY))
    assert abs(best - truth) <= 3 * se, (best, se)
    assert se < 0.7 * best  # < a quarter of a decade: identified
    assert fit.parameters["units"].sel(parameter=DIFFUSIVITY).item() == "m2.s-1"
    assert fit.parameters.attrs["evaluations"] >= 3
    # The fitted cell predicts the fade it was fitted to within the noise (0.1 %, 3 sigma).
    predicted = fit.predict(cycles, initial_capacity=5.0).capacity_fraction.values
    assert np.max(np.abs(predicted - soh)) < 3e-3
    assert fit.cell.overrides[DIFFUSIVITY] == pytest.approx(best)


def test_default_parameters_follow_the_cell_options(cell):
    assert default_parameters(cell) == {DIFFUSIVITY: (1e-22, 1e-17)}
    lam = cellsim.Cell(
        "OKane2022",
        model="SPM",
        options={
            "SEI": "reaction limited",
            "particle mechanics": ("none", "swelling only"),
            "loss of active material": ("none", "stress-driven"),
        },
    )
    assert set(default_parameters(lam)) == {
        "SEI kinetic rate constant [m.s-1]",
        "Positive electrode LAM constant proportional term [s-1]",
    }
    with pytest.raises(CalibrationError, match="no default rate constants"):
        default_parameters(cellsim.Cell("OKane2022", model="SPM"))


GOOD = pd.DataFrame(
    [("a", 0, 5.0), ("a", 50, 4.9), ("a", 100, 4.85)], columns=["cell", "cycle", "capacity"]
)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "needs duty="),
        ({"duty": DUTY, "parameters": {DIFFUSIVITY: (1e-19, 1e-21)}}, "0 < lower < upper"),
        ({"duty": DUTY, "parameters": {DIFFUSIVITY: 1e-20}}, r"must be \(lower, upper\)"),
    ],
)
def test_engine_bad_input_raises_before_any_run(cell, kwargs, match):
    with pytest.raises(CalibrationError, match=match):
        fit_aging(cell, GOOD, **kwargs)


def test_engine_refuses_several_conditions(cell):
    data = GOOD.assign(temperature=[298.15, 298.15, 318.15])
    with pytest.raises(CalibrationError, match="several values of temperature"):
        fit_aging(cell, data, duty=DUTY)
