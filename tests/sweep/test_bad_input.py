"""Bad input to cellsim.sweep: a ParameterError naming the field, the value and what is
allowed, before anything runs."""

from __future__ import annotations

import numpy as np
import pytest

import cellsim
from cellsim import ParameterError

CELL = cellsim.Cell("Chen2020", model="SPM")
STEP = "Discharge at 1C until 3.5 V"
WIDTH = "Electrode width [m]"


def sweep(samples=None, **kwargs):
    return cellsim.sweep(CELL, STEP, samples or {WIDTH: [1.5, 1.6]}, **kwargs)


def test_unknown_parameter_is_named_with_close_valid_ones():
    with pytest.raises(ParameterError, match=r"'Electrod width \[m\]'.*did you mean.*'Electrode"):
        sweep({"Electrod width [m]": [1.5, 1.6]})


def test_samples_of_unequal_length_name_both():
    with pytest.raises(ParameterError, match=r"one length.*Electrode width.*2.*Contact.*3"):
        sweep({WIDTH: [1.5, 1.6], "Contact resistance [Ohm]": [0.0, 1e-3, 2e-3]})


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        ({}, "non-empty mapping"),
        ([1.5, 1.6], "non-empty mapping"),
        ({WIDTH: []}, "non-empty 1-D"),
        ({WIDTH: [1.5, float("inf")]}, "must be finite"),
        ({WIDTH: ["wide"]}, "must be numbers"),
    ],
)
def test_malformed_samples(samples, message):
    with pytest.raises(ParameterError, match=message):
        cellsim.sweep(CELL, STEP, samples)


def test_unknown_kind_lists_the_kinds():
    with pytest.raises(ParameterError, match=r"unknown kind 'ageing'.*'age'"):
        sweep(kind="ageing")


@pytest.mark.parametrize("client", [42, "nonsense", "localhost"])
def test_bad_client_says_what_is_allowed(client):
    with pytest.raises(ParameterError, match=rf"client {client!r} is not allowed.*'local'"):
        sweep(client=client)


def test_unreachable_scheduler_file(tmp_path):
    """A scheduler file that names no live scheduler: an error, not a hang."""
    file = tmp_path / "scheduler.json"
    file.write_text("not json")
    with pytest.raises(ParameterError, match="cannot reach a Dask scheduler"):
        sweep(client=file)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cycles": 3}, r"unknown option of kind='simulate' 'cycles'"),
        ({"kind": "age"}, "exactly one of cycles= or years="),
        ({"kind": "age", "cycles": 2, "method": "fast"}, "unknown method 'fast'"),
        ({"kind": "age", "cycles": 2, "checkpoint": "x"}, "'checkpoint'"),
        ({"kind": "age", "cycles": 2, "full": True}, "full=True is for kind='simulate'"),
        ({"vary": "sometimes"}, r"unknown vary 'sometimes'.*'overrides'"),
        ({"retries": -1}, "retries must be"),
        ({"progress": "yes"}, "progress must be"),
        ({"client": "local", "workers": 0}, "workers must be"),
        ({"inputs": {WIDTH: 1.0}}, "'inputs'"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        sweep(**kwargs)


def test_age_duty_of_several_cycles():
    duty = cellsim.Protocol([STEP], cycles=2)
    with pytest.raises(ParameterError, match="one cycle"):
        cellsim.sweep(CELL, duty, {WIDTH: [1.5]}, kind="age", cycles=2)


def test_parameters_that_cannot_be_inputs():
    """A particle radius shapes the mesh: vary='inputs' says so, 'auto' takes overrides."""
    radius = {"Negative particle radius [m]": [5e-6, 6e-6]}
    with pytest.raises(ParameterError, match=r"cannot take.*as inputs.*vary='overrides'"):
        cellsim.sweep(CELL, STEP, radius, vary="inputs")
    ds = cellsim.sweep(CELL, "Discharge at 1C for 60 s", radius)
    assert ds.attrs["vary"] == "overrides"
    assert ds["failed"].values.tolist() == [0, 0]


@pytest.mark.parametrize("kind", ["simulate", "age"])
def test_the_nominal_capacity_cannot_be_an_input(kind):
    """The protocol's C-rates are read against it: as an input, 1C would stay the base
    cell's current. vary='inputs' says why; 'auto' takes overrides (1C follows it)."""
    nominal = {"Nominal cell capacity [A.h]": [5.0, 2.5]}
    options = {"cycles": 1} if kind == "age" else {}
    with pytest.raises(ParameterError, match=r"protocol is read against.*Nominal cell capacity"):
        cellsim.sweep(CELL, STEP, nominal, kind=kind, vary="inputs", **options)
    with pytest.raises(ParameterError, match=r"Nominal cell capacity.*cannot be varied as inputs"):
        cellsim.simulate(CELL, STEP, inputs={"Nominal cell capacity [A.h]": 2.5})
    ds = cellsim.sweep(CELL, "Discharge at 1C for 60 s", nominal)
    assert ds.attrs["vary"] == "overrides"
    np.testing.assert_allclose(ds["charge_throughput"].values, 0.0, atol=1e-12)
    np.testing.assert_allclose(ds["capacity"].values, [5.0 / 60, 2.5 / 60], rtol=1e-9)
