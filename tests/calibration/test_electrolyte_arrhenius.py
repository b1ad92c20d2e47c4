"""The electrolyte's Arrhenius factor: at its default it changes nothing, away from it the
conductivity and diffusivity follow exp(E / R (1 / T_ref - 1 / T)), and a cell given the
factor discharges lower in the cold than one without it."""

from __future__ import annotations

import numpy as np
import pybamm

import cellsim
from cellsim._chemistry import chemistry_for
from chemistries.lithium_ion import _electrolyte

CELL = cellsim.Cell("Chen2020", model="SPMe")
KEYS = (_electrolyte.CONDUCTIVITY, _electrolyte.DIFFUSIVITY)


def _evaluate(values, key: str, c_e: float, temperature: float) -> float:
    symbol = pybamm.FunctionParameter(
        key,
        {
            "Electrolyte concentration [mol.m-3]": pybamm.Scalar(c_e),
            "Temperature [K]": pybamm.Scalar(temperature),
        },
    )
    return float(values.process_symbol(symbol).evaluate())


def test_defaults_leave_every_set_as_pybamm_builds_it():
    for name in ("Chen2020", "ORegan2022", "Marquis2019"):
        values = chemistry_for(name).parameter_values(cellsim.Cell(name, model="SPM"))
        plain = pybamm.ParameterValues(name)
        assert _electrolyte.apply(values, ()) == ()
        for key in KEYS:
            assert values[key] is plain[key] or values[key] == plain[key]


def test_factor_follows_arrhenius_and_leaves_the_reference_temperature_alone():
    cell = CELL.replace(overrides=_electrolyte.LANDESFEIND2019)
    values = chemistry_for("Chen2020").parameter_values(cell)
    assert _electrolyte.apply(values, ()) == KEYS
    plain = pybamm.ParameterValues("Chen2020")
    gas = 8.314462618
    for key, energy in zip(KEYS, _electrolyte.ENERGIES.values(), strict=True):
        e = _electrolyte.LANDESFEIND2019[energy]
        for c_e in (500.0, 1000.0, 1500.0):
            base = _evaluate(plain, key, c_e, 298.15)
            assert np.isclose(_evaluate(values, key, c_e, 298.15), base, rtol=1e-12)
            expected = base * np.exp(e / gas * (1 / 298.15 - 1 / 273.15))
            assert np.isclose(_evaluate(values, key, c_e, 273.15), expected, rtol=1e-12)
    # Landesfeind and Gasteiger's own functions (ORegan2022) fall from 25 to 0 degC by
    # the same ratio within 5 % at 1 mol/L: the energies are fits of them
    landesfeind = pybamm.ParameterValues("ORegan2022")
    for key in KEYS:
        measured = _evaluate(landesfeind, key, 1000.0, 273.15) / _evaluate(
            landesfeind, key, 1000.0, 298.15
        )
        ours = _evaluate(values, key, 1000.0, 273.15) / _evaluate(values, key, 1000.0, 298.15)
        assert abs(ours / measured - 1) < 0.05, (key, ours, measured)


def test_a_cold_cell_with_the_factor_discharges_lower():
    protocol = cellsim.Protocol(["Discharge at 1C for 20 minutes"], temperature=273.15)
    plain = cellsim.simulate(CELL, protocol, initial_soc=0.9, period=60.0).voltage.values
    cold = cellsim.simulate(
        CELL.replace(overrides=_electrolyte.LANDESFEIND2019), protocol, initial_soc=0.9, period=60.0
    ).voltage.values
    # a less conductive electrolyte: a larger ohmic and concentration loss at every step
    assert np.all(cold[1:] < plain[1:] - 1e-3), (plain - cold).min()
