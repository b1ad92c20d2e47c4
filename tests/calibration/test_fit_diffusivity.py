"""The lithium-ion particle diffusivity factor (scale, lithiation drop, Arrhenius) that
calibration fits, and parameters that cannot be fitted because they shape the mesh."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest
import xarray as xr

import calibration
import cellsim
from calibration import CalibrationError
from cellsim import ParameterError
from cellsim._chemistry import chemistry_for
from chemistries.lithium_ion import _diffusivity

CELL = cellsim.Cell("Chen2020", model="SPM")
SCALE = "Positive particle diffusivity scale"
DROP = "Positive particle diffusivity drop [decades]"
CENTRE = "Positive particle diffusivity drop stoichiometry"
WIDTH = "Positive particle diffusivity drop width"
ENERGY = "Positive particle diffusivity activation energy [J.mol-1]"
PROTOCOL = ["Discharge at 1C for 20 minutes", "Rest for 5 minutes"]


def _voltage(cell, **kwargs) -> np.ndarray:
    return cellsim.simulate(cell, PROTOCOL, initial_soc=0.9, period=30.0, **kwargs).voltage.values


def test_defaults_leave_every_set_as_pybamm_builds_it():
    """Regression guard: the factor at its defaults must not wrap (or change) the set's
    diffusivity, so the parameter sets still compare to PyBaMM."""
    for name in ("Chen2020", "ORegan2022"):
        values = chemistry_for(name).parameter_values(cellsim.Cell(name, model="SPM"))
        plain = pybamm.ParameterValues(name)
        for domain in ("Negative", "Positive"):
            key = f"{domain} particle diffusivity [m2.s-1]"
            assert _diffusivity.apply(values.copy(), ()) == ()
            assert values[key] is plain[key] or values[key] == plain[key]
        assert values[SCALE] == 1.0
        assert values[DROP] == 0.0


def test_scale_as_input_is_the_scaled_diffusivity_without_a_rebuild():
    base = _voltage(CELL)
    # the default scale given as an input wraps the diffusivity: same voltage
    np.testing.assert_allclose(_voltage(CELL, inputs={SCALE: 1.0}), base, atol=1e-7)
    halved = _voltage(CELL.replace(overrides={"Positive particle diffusivity [m2.s-1]": 2e-15}))
    np.testing.assert_allclose(_voltage(CELL, inputs={SCALE: 0.5}), halved, atol=1e-7)
    assert np.max(np.abs(halved - base)) > 1e-3  # the halving shows in the voltage


def test_drop_and_arrhenius_follow_their_formula():
    overrides = {SCALE: 2.0, DROP: 2.0, CENTRE: 0.9, WIDTH: 0.02, ENERGY: 12000.0}
    values = chemistry_for("Chen2020").parameter_values(CELL.replace(overrides=overrides))
    assert _diffusivity.apply(values, ()) == ("Positive particle diffusivity [m2.s-1]",)
    sto = np.linspace(0.5, 0.99, 50)
    temperature = 308.15
    symbol = pybamm.FunctionParameter(
        "Positive particle diffusivity [m2.s-1]",
        {"sto": pybamm.Vector(sto), "T": pybamm.Scalar(temperature)},
    )
    got = np.asarray(values.process_symbol(symbol).evaluate()).ravel()
    logistic = 1.0 / (1.0 + np.exp(-(sto - 0.9) / 0.02))
    arrhenius = np.exp(12000.0 / 8.314462618 * (1 / 298.15 - 1 / temperature))
    expected = 4e-15 * 2.0 * 10 ** (-2.0 * logistic) * arrhenius
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    # nearly two decades lower at x = 0.99 than well below the drop
    assert 1.95 < np.log10(got[0] / got[-1]) < 2.0


def test_a_drop_towards_full_lithiation_cuts_the_discharge_short():
    """Slower diffusion as the positive fills (x -> 1): the surface fills first, so a
    1C discharge reaches its cut-off sooner, never at a higher voltage."""
    full = ["Discharge at 1C until 2.5 V"]
    base = cellsim.simulate(CELL, full, initial_soc=1.0, period=30.0)
    dropped = CELL.replace(overrides={DROP: 2.0, CENTRE: 0.85})
    slow = cellsim.simulate(dropped, full, initial_soc=1.0, period=30.0)
    n = min(base.time.size, slow.time.size)
    assert np.all(slow.voltage.values[:n] <= base.voltage.values[:n] + 1e-6)
    delivered = [float(r.discharge_capacity.values[-1]) for r in (base, slow)]
    assert delivered[1] < 0.97 * delivered[0], delivered


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({SCALE: 0.0}, r"'Positive particle diffusivity scale' must be > 0"), ({WIDTH: 0.0}, "0")],
)
def test_bad_factor_values_are_refused(overrides, match):
    with pytest.raises(ParameterError, match=match):
        CELL.replace(overrides=overrides)


def test_scale_fits_a_diffusivity_the_set_gives_as_a_function():
    """ORegan2022's NMC diffusivity is a function of stoichiometry and temperature: its
    value cannot be fitted, its scale can (recovered from noisy synthetic data)."""
    cell = cellsim.Cell("ORegan2022", model="SPM")
    ds = cellsim.simulate(
        cell.replace(overrides={SCALE: 2.5}), PROTOCOL, initial_soc=0.8, period=10.0
    )
    keep = np.append(np.diff(ds.time.values) > 1e-6, True)
    noise = np.random.default_rng(0).normal(0.0, 0.002, keep.sum())
    data = xr.Dataset(
        {
            "current": ("time", ds.current.values[keep]),
            "voltage": ("time", ds.voltage.values[keep] + noise),
        },
        coords={"time": ds.time.values[keep]},
    )
    with pytest.raises(CalibrationError, match="is a function, not a number"):
        calibration.fit(
            cell, data, {"Positive particle diffusivity [m2.s-1]": (1e-16, 1e-12)}, initial_soc=0.8
        )
    result = calibration.fit(cell, data, {SCALE: (0.1, 10.0)}, initial_soc=0.8)
    best = float(result.parameters.best.sel(parameter=SCALE))
    error = float(result.parameters.standard_error.sel(parameter=SCALE))
    assert 0 < error < 0.2 * best
    assert abs(best - 2.5) < 3 * error, (best, error)


@pytest.mark.parametrize(
    "name",
    ["Positive particle radius [m]", "Negative electrode thickness [m]", "Separator thickness [m]"],
)
def test_a_parameter_that_shapes_the_mesh_is_refused_by_name(name):
    """Regression guard: fitting a particle radius raised PyBaMM's IndexError from the
    mesh (the radius, an input, has no value when the particle domain is meshed)."""
    data = xr.Dataset(
        {"current": ("time", [0.0, 5.0, 5.0, 5.0]), "voltage": ("time", [4.0, 3.9, 3.8, 3.7])},
        coords={"time": [0.0, 1.0, 60.0, 120.0]},
    )
    value = float(chemistry_for("Chen2020").parameter_values(CELL)[name])
    with pytest.raises(CalibrationError, match=rf"{name.split(' [')[0]}.*shapes the model's mesh"):
        calibration.fit(CELL, data, {name: (0.5 * value, 2 * value)})
    with pytest.raises(ParameterError, match=r"shapes the model's mesh"):
        cellsim.simulate(CELL, PROTOCOL, inputs={name: value})
