"""calibration.fit(cell, data) with no parameters: the default lithium-ion recipe."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import calibration
import cellsim
from calibration import CalibrationError

CELL = cellsim.Cell("Chen2020", model="SPM")
#: The "real" cell: another balance, a slower positive, a contact resistance.
TRUE = {
    "Positive electrode active material volume fraction": 0.62,
    "Positive particle diffusivity [m2.s-1]": 8e-15,
    "Contact resistance [Ohm]": 0.01,
}
NOISE = 0.001  # V


def measurement(steps: list[str], period: float, seed: int) -> xr.Dataset:
    """The true cell from rest at 90 % SOC, sampled every ``period`` s, with noise."""
    true_cell = CELL.replace(options={"contact resistance": "true"}, overrides=TRUE)
    ds = cellsim.simulate(true_cell, ["Rest for 1 minute", *steps], initial_soc=0.9, period=period)
    keep = np.append(np.diff(ds.time.values) > 1e-6, True)
    noise = np.random.default_rng(seed).normal(0.0, NOISE, keep.sum())
    return xr.Dataset(
        {
            "current": ("time", ds.current.values[keep]),
            "voltage": ("time", ds.voltage.values[keep] + noise),
        },
        coords={"time": ds.time.values[keep]},
    )


@pytest.fixture(scope="module")
def recipe_fit():
    data = {
        "C/10": measurement(["Discharge at C/10 until 3.2 V"], 120.0, 1),
        "1C pulses": measurement(
            ["Discharge at 1C for 5 minutes", "Rest for 10 minutes"] * 2, 10.0, 2
        ),
    }
    return calibration.fit(CELL, data)


def test_recipe_balances_on_the_low_rate_then_fits_transport_on_all(recipe_fit):
    p = recipe_fit.parameters
    assert p.attrs["stage_0"].startswith("electrode balance")
    assert "on C/10;" in p.attrs["stage_0"]
    assert "on C/10, 1C pulses" in p.attrs["stage_1"]
    assert (p.stage.values == [0, 0, 0, 1, 1, 1]).all()
    assert recipe_fit.cell.options["contact resistance"] == "true"
    # both curves down to the noise (1 mV), from tens of mV: within 50 % of it, as the
    # balance has three free values for two the truth changed (not all identifiable)
    assert np.all(p.rmse_initial.values > 10 * NOISE)
    assert np.all(p.rmse.values < 1.5 * NOISE)
    # the positive's capacity is what the truth changed most: recovered to 2 %
    best = float(p.best.sel(parameter="Positive electrode active material volume fraction"))
    assert best == pytest.approx(
        TRUE["Positive electrode active material volume fraction"], rel=0.02
    )


def test_no_recipe_for_another_chemistry():
    zinc = cellsim.Cell("zinc_bromine_static", model="0D")
    data = measurement(["Discharge at 1C for 1 minute"], 10.0, 3)
    with pytest.raises(CalibrationError, match=r"no default recipe for the zinc_halogen"):
        calibration.fit(zinc, data)
    with pytest.raises(CalibrationError, match=r"initial= needs parameters="):
        calibration.fit(CELL, data, initial={"Contact resistance [Ohm]": 0.01})
