"""The zinc-halogen plug-in in cellsim: registry, sources, result schema, step kinds,
bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import cellsim
from cellsim import ParameterError, ProtocolError
from cellsim.testing import assert_result_schema
from chemistries.zinc_halogen.parameters import PARAMETER_SETS, sources

SETS = ("zinc_bromine_static", "zinc_iodide_pnnl")
TAG = re.compile(r"\[(G|D|L|E|F)\b")


def test_registered_with_its_parameter_sets():
    assert cellsim.parameter_sets()["zinc_halogen"] == list(SETS)
    cell = cellsim.Cell("zinc_bromine_static")
    assert (cell.chemistry, cell.model) == ("zinc_halogen", "0D")
    assert cellsim.Cell.from_json(cell.to_json()) == cell


@pytest.mark.parametrize("parameter_set", SETS)
def test_every_value_carries_its_source(parameter_set):
    """Grounded, derived, literature, estimated or fitted: each value says which."""
    for name, source in sources(parameter_set).items():
        assert TAG.search(source), f"{parameter_set}: {name!r} has no source tag: {source!r}"
        assert isinstance(PARAMETER_SETS[parameter_set].PARAMETERS[name][0], float), name


def test_result_schema_and_zinc_halogen_variables():
    ds = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static"), "Discharge at 0.5C for 10 minutes", initial_soc=0.5
    )
    assert_result_schema(ds)
    for name in ("plated_zinc", "halogen_total", "trihalide", "halogen_free", "dendrite_risk"):
        assert name in ds, name
    assert np.all(np.diff(ds.voltage.values) <= 1e-9)  # constant-current discharge
    assert np.all(np.diff(ds.plated_zinc.values) < 0)


@pytest.mark.parametrize("solver", ["idaklu", "casadi"])
def test_current_voltage_and_power_steps(solver):
    """One model serves CC, CV, rest and constant power (the algebraic current)."""
    ds = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static"),
        [
            "Charge at 0.5C until 1.9 V",
            "Hold at 1.9 V for 20 minutes",
            "Rest for 10 minutes",
            "Discharge at 2 W until 1.3 V",
        ],
        initial_soc=0.1,
        solver=solver,
    )
    step = ds.step.values
    assert ds.voltage.values[step == 0][-1] == pytest.approx(1.9, abs=1e-4)
    np.testing.assert_allclose(ds.voltage.values[step == 1], 1.9, atol=1e-6)
    assert np.all(np.diff(-ds.current.values[step == 1]) <= 1e-9)  # CV current tapers
    # the power is an algebraic constraint met to the solver's tolerance (rtol 1e-6;
    # the CasADi core's Newton iterations leave up to 1.1e-6 at one output point)
    np.testing.assert_allclose(ds.power.values[step == 3], 2.0, rtol=2e-6)
    assert ds.voltage.values[-1] == pytest.approx(1.3, abs=1e-4)
    assert json.loads(ds.attrs["safety_stops"]) == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"crossover": "no"}, "crossover"),
        ({"thermal": "x-lumped"}, "thermal"),
        ({"dendrites": True}, "dendrites"),
    ],
)
def test_bad_options_name_the_field(options, field):
    with pytest.raises(ParameterError, match=field):
        cellsim.Cell("zinc_bromine_static", options=options)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Positive electrolyte volume [m3]", -1e-5),
        ("Cation transference number of the separator", 1.2),
        ("Separator halogen permeability [m2.s-1]", -1e-12),
        ("Positive electrode transfer coefficient", 0.0),
        ("Zinc areal capacity limit [A.h.m-2]", 0.0),
    ],
)
def test_parameters_out_of_range_name_the_field(name, value):
    with pytest.raises(ParameterError, match=re.escape(name)):
        cellsim.Cell("zinc_bromine_static", overrides={name: value})


def test_unknown_parameter_and_model():
    with pytest.raises(ParameterError, match="Electrode aera"):
        cellsim.Cell("zinc_bromine_static", overrides={"Electrode aera [m2]": 0.01})
    with pytest.raises(ParameterError, match=r"model '2D'.*'1D', '0D'"):
        cellsim.Cell("zinc_bromine_static", model="2D")


def test_capacity_beyond_the_zinc_loading_or_halide_inventory():
    with pytest.raises(ParameterError, match="zinc loading limit"):
        cellsim.Cell("zinc_bromine_static", overrides={"Nominal cell capacity [A.h]": 4.0})
    with pytest.raises(ParameterError, match="halide inventory"):
        cellsim.Cell(
            "zinc_iodide_pnnl",
            overrides={
                "Nominal cell capacity [A.h]": 6.0,
                "Zinc areal capacity limit [A.h.m-2]": 3000.0,
            },
        )


@pytest.mark.parametrize("soc", [-0.1, 1.2])
def test_initial_soc_outside_0_1(soc):
    with pytest.raises(ParameterError, match="initial_soc"):
        cellsim.simulate(cellsim.Cell("zinc_bromine_static"), "Rest for 1 minute", initial_soc=soc)


def test_discharge_of_an_empty_cell_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="cut-off is already met"):
        cellsim.simulate(
            cellsim.Cell("zinc_bromine_static"), "Discharge at 0.5C for 1 hour", initial_soc=0.0
        )


def test_charge_beyond_the_zinc_loading_stops_on_it():
    """A charge that would plate more zinc than the loading limit stops there, named.

    cellsim's runner reports a model's own limit as a safety stop of the step (not an
    error); the next step starts from the limit.
    """
    limit = 220.0  # A.h m-2: 2.2 A.h on 100 cm2, reached before the bromide runs out
    ds = cellsim.simulate(
        cellsim.Cell(
            "zinc_bromine_static", overrides={"Zinc areal capacity limit [A.h.m-2]": limit}
        ),
        ["Charge at 0.5C for 4 hours", "Discharge at 0.5C for 10 minutes"],
        initial_soc=0.0,
    )
    stops = json.loads(ds.attrs["safety_stops"])
    assert len(stops) == 1
    assert "Zinc areal capacity limit" in stops[0]
    capacity = limit * 0.01 * 3600 / (2 * 96485.33212)  # mol: limit x area
    assert float(ds.plated_zinc.max()) * 0.01 == pytest.approx(capacity, rel=1e-6)
    assert float(ds.current[-1]) > 0  # the discharge ran


def test_a_current_the_cell_cannot_carry_is_a_protocol_error():
    """200 A on a 100 cm2 cell (20 A/cm2): the voltage is below any cut-off at once."""
    with pytest.raises(ProtocolError, match="cut-off is already met"):
        cellsim.simulate(
            cellsim.Cell("zinc_bromine_static"), "Discharge at 200 A for 1 minute", initial_soc=0.5
        )
