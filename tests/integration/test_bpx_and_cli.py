"""Cells from BPX files, and the command line."""

import json
import warnings
from pathlib import Path

import pytest
import xarray as xr

import cellsim
from cellsim import Cell
from cellsim._cli import main

BPX = Path(__file__).parents[1] / "data" / "bpx_nmc_pouch_quick_start.json"


def test_cell_from_bpx_simulates_and_round_trips():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file is BPX v0.1; bpx converts it and says so
        cell = Cell.from_bpx(BPX)
        assert cell.model == "DFN"  # the file's header names the model
        assert Cell.from_dict(cell.to_dict()) == cell
        ds = cellsim.simulate(cell.replace(model="SPM"), "Discharge at 1C for 30 minutes")
    # 12.5 A.h pouch cell (About:Energy NMC111/graphite), 1C for half an hour
    assert float(ds["discharge_capacity"][-1]) == pytest.approx(6.25, rel=1e-6)


def test_missing_bpx_file_is_a_parameter_error(tmp_path):
    with pytest.raises(cellsim.ParameterError, match="does not exist"):
        Cell.from_bpx(tmp_path / "nope.json")


def test_cli_simulate_writes_netcdf(tmp_path, capsys):
    out = tmp_path / "run.nc"
    code = main(
        [
            "simulate",
            "--model", "SPM",
            "--step", "Discharge at 1C until 3.2 V",
            "--step", "Rest for 5 minutes",
            "--initial-soc", "1",
            "-o", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "charge/Ah" in text
    ds = xr.load_dataset(out)
    assert json.loads(ds.attrs["cell"])["model"] == "SPM"


def test_cli_reports_bad_input_without_a_traceback(capsys):
    assert main(["simulate", "--model", "SPN", "--step", "Rest for 1 s"]) == 2
    assert "did you mean 'SPM'" in capsys.readouterr().err


def test_cli_chemistries(capsys):
    assert main(["chemistries"]) == 0
    assert "Chen2020" in capsys.readouterr().out


def test_demo_rates_prints_a_table_and_writes_a_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CELLSIM_FIGURES", str(tmp_path))
    assert main(["demo", "--rates"]) == 0
    assert "capacity/Ah" in capsys.readouterr().out
    assert (tmp_path / "demo_rate_capability.png").stat().st_size > 10_000


def test_demo_projects_a_lifetime(tmp_path, monkeypatch, capsys):
    """The demo itself, shortened to two years: the table has a row per year, SOH falls."""
    import cellsim._demo as demo

    monkeypatch.setenv("CELLSIM_FIGURES", str(tmp_path))
    monkeypatch.setattr(demo, "LIFE_YEARS", 2)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    years = [r for r in rows if len(r) == 7]
    assert [int(r[0]) for r in years] == [0, 1, 2]
    soh = [float(r[3]) for r in years]
    assert soh[0] == 100.0
    assert 97.0 < soh[2] < soh[1] < soh[0]
    assert (tmp_path / "demo_lifetime.png").stat().st_size > 10_000
