"""Cell specs: hashing, round trips and clear errors for bad input (no solves)."""

import json
import subprocess
import sys

import pytest

import cellsim
from cellsim import Cell, CellsimError, ParameterError


def test_cell_is_frozen_hashable_and_round_trips_exactly():
    cell = Cell(
        "OKane2022",
        model="SPMe",
        options={"SEI": "solvent-diffusion limited", "particle phases": ["1", "1"]},
        overrides={"Negative electrode thickness [m]": 8.0e-5},
    )
    spec = cell.to_dict()
    assert Cell.from_dict(spec) == cell
    assert Cell.from_dict(json.loads(json.dumps(spec))) == cell
    assert Cell.from_json(cell.to_json()) == cell
    assert hash(Cell.from_dict(spec)) == hash(cell)
    assert len({cell, Cell.from_dict(spec)}) == 1
    with pytest.raises(AttributeError):
        cell.model = "DFN"


def test_default_model_and_chemistry():
    cell = Cell("Chen2020")
    assert cell.model == "DFN"
    assert cell.chemistry == "lithium_ion"
    assert "Chen2020" in cellsim.parameter_sets()["lithium_ion"]


def test_replace_merges_overrides():
    cell = Cell("Chen2020", model="SPM", overrides={"Electrode height [m]": 0.06})
    other = cell.replace(overrides={"Electrode width [m]": 1.5}, model="SPMe")
    assert other.model == "SPMe"
    assert dict(other.overrides) == {"Electrode height [m]": 0.06, "Electrode width [m]": 1.5}


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"parameter_set": "Chen2002"}, ["parameter set", "Chen2002", "Chen2020"]),
        ({"parameter_set": "Chen2020", "model": "SPN"}, ["model", "SPN", "SPM"]),
        ({"parameter_set": "Chen2020", "options": {"thermall": "lumped"}}, ["thermall", "thermal"]),
        ({"parameter_set": "Chen2020", "options": {"thermal": "lumpy"}}, ["lumpy", "lumped"]),
        (
            {"parameter_set": "Chen2020", "overrides": {"Negative electrode thicknes [m]": 1e-4}},
            ["Negative electrode thicknes [m]", "Negative electrode thickness [m]"],
        ),
        (
            {"parameter_set": "Chen2020", "overrides": {"Negative electrode thickness [m]": "x"}},
            ["must be a number"],
        ),
        (
            {"parameter_set": "Chen2020", "options": {"operating mode": "voltage"}},
            ["operating mode", "protocol"],
        ),
    ],
)
def test_bad_cell_input_names_field_value_and_choices(kwargs, fragments):
    with pytest.raises(ParameterError) as err:
        Cell(**kwargs)
    assert isinstance(err.value, CellsimError)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_from_dict_rejects_unknown_fields():
    with pytest.raises(ParameterError, match="unknown Cell field"):
        Cell.from_dict({"parameter_set": "Chen2020", "colour": "blue"})


def test_import_cellsim_does_not_import_chemistries_or_calibration():
    code = (
        "import sys, cellsim; "
        "bad = [m for m in ('chemistries', 'calibration') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
