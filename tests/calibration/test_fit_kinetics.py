"""The lithium-ion exchange-current factor (scale, lithiation drop) that calibration
fits: at its defaults it changes nothing, away from them it does what it says."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

import cellsim
from cellsim import ParameterError
from cellsim._chemistry import chemistry_for
from chemistries.lithium_ion import _kinetics

CELL = cellsim.Cell("Chen2020", model="SPM")
KEY = "Positive electrode exchange-current density [A.m-2]"
SCALE = "Positive electrode exchange-current density scale"
DROP = "Positive electrode exchange-current density drop [decades]"
CENTRE = "Positive electrode exchange-current density drop stoichiometry"
WIDTH = "Positive electrode exchange-current density drop width"
PROTOCOL = ["Discharge at 1C for 20 minutes", "Rest for 5 minutes"]


def _voltage(cell, **kwargs) -> np.ndarray:
    return cellsim.simulate(cell, PROTOCOL, initial_soc=0.9, period=30.0, **kwargs).voltage.values


def test_defaults_leave_every_set_as_pybamm_builds_it():
    """Regression guard: at its defaults the factor must not wrap (or change) the set's
    exchange-current densities, so the parameter sets still compare to PyBaMM."""
    for name in ("Chen2020", "ORegan2022", "Marquis2019"):
        values = chemistry_for(name).parameter_values(cellsim.Cell(name, model="SPM"))
        plain = pybamm.ParameterValues(name)
        assert _kinetics.apply(values, ()) == ()
        for domain in ("Negative", "Positive"):
            key = f"{domain} electrode exchange-current density [A.m-2]"
            assert values[key] is plain[key] or values[key] == plain[key]
        assert values[SCALE] == 1.0
        assert values[DROP] == 0.0


def test_scale_as_input_is_the_scaled_exchange_current_without_a_rebuild():
    base = _voltage(CELL)
    # the default scale given as an input wraps the function: same voltage
    np.testing.assert_allclose(_voltage(CELL, inputs={SCALE: 1.0}), base, atol=1e-7)
    # a tenth of the exchange current: the positive's overpotential is
    # 2RT/F asinh(j / (2 j0)), so the discharge runs lower throughout
    tenth = _voltage(CELL, inputs={SCALE: 0.1})
    assert np.all(tenth[1:41] < base[1:41] - 1e-3)  # during the 20 min discharge
    # the same as an override (the model built with the factor fixed in it)
    fixed = _voltage(CELL.replace(overrides={SCALE: 0.1}))
    np.testing.assert_allclose(fixed, tenth, atol=1e-7)


def test_drop_follows_its_formula():
    overrides = {SCALE: 2.0, DROP: 2.0, CENTRE: 0.9, WIDTH: 0.02}
    values = chemistry_for("Chen2020").parameter_values(CELL.replace(overrides=overrides))
    assert _kinetics.apply(values, ()) == (KEY,)
    plain = pybamm.ParameterValues("Chen2020")
    c_max = 63104.0
    sto = np.linspace(0.5, 0.99, 50)
    args = {
        "c_e": pybamm.Scalar(1000.0),
        "c_s_surf": pybamm.Vector(sto * c_max),
        "c_s_max": pybamm.Scalar(c_max),
        "T": pybamm.Scalar(298.15),
    }
    symbol = pybamm.FunctionParameter(KEY, args)
    got = np.asarray(values.process_symbol(symbol).evaluate()).ravel()
    base = np.asarray(plain.process_symbol(symbol).evaluate()).ravel()
    logistic = 1.0 / (1.0 + np.exp(-(sto - 0.9) / 0.02))
    np.testing.assert_allclose(got, base * 2.0 * 10 ** (-2.0 * logistic), rtol=1e-10)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({SCALE: 0.0}, r"exchange-current density scale' must be > 0"), ({WIDTH: 0.0}, "0")],
)
def test_bad_factor_values_are_refused(overrides, match):
    with pytest.raises(ParameterError, match=match):
        CELL.replace(overrides=overrides)
