"""``cellsim age`` and ``cellsim fit`` on the command line: real runs, tables, files, and
bad arguments (a message naming the argument, exit status 2, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import cellsim
from cellsim._cli import main

AGE_CELL = ["--parameter-set", "OKane2022", "--model", "SPM"]
SEI = ["--option", "SEI=solvent-diffusion limited"]
CYCLE = [
    "--step", "Discharge at 1C until 3 V",
    "--step", "Charge at 1C until 4.1 V",
    "--step", "Hold at 4.1 V until C/20",
]  # fmt: skip
DIFFUSIVITY = "Positive particle diffusivity [m2.s-1]"
TRUE_DIFFUSIVITY = 1.2e-14  # Chen2020's is 4e-15


def console() -> str:
    """The installed ``cellsim`` console command beside this Python."""
    return str(Path(sys.executable).with_name("cellsim"))


def test_age_cycles_prints_the_table_and_writes_the_dataset(tmp_path, capsys):
    out = tmp_path / "life.nc"
    argv = ["age", *AGE_CELL, *SEI, *CYCLE, "--cycles", "4", "--method", "full"]
    assert main([*argv, "--initial-soc", "1", "--every", "2", "--quiet", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    header = next(k for k, line in enumerate(lines) if "SOH/%" in line)
    rows = [line.split() for line in lines[header + 2 : header + 5]]
    assert [int(r[1]) for r in rows] == [1, 3, 4]  # every 2nd cycle and the last
    ds = xr.load_dataset(out)
    assert ds.sizes["cycle"] == 4
    assert json.loads(ds.attrs["cell"])["parameter_set"] == "OKane2022"
    # SEI growth only takes lithium: from the second cycle (the first starts full, the
    # rest recharge to 4.1 V) capacity falls and LLI rises every cycle
    assert np.all(np.diff(ds.capacity.values[1:]) < 0)
    assert np.all(np.diff(ds.lli.values) > 0)
    assert float(rows[-1][3]) == pytest.approx(100 * float(ds.soh[-1]), abs=0.01)


def test_age_resumes_from_its_checkpoint_to_the_same_result(tmp_path, capsys):
    checkpoint = tmp_path / "run.ckpt"
    argv = ["age", *AGE_CELL, *SEI, *CYCLE, "--cycles", "2", "--initial-soc", "1", "--quiet"]
    argv += ["--method", "full", "--checkpoint", str(checkpoint)]
    assert main([*argv, "-o", str(tmp_path / "a.nc")]) == 0
    assert checkpoint.exists()
    assert main([*argv, "-o", str(tmp_path / "b.nc")]) == 0  # resumes the finished run
    a, b = (xr.load_dataset(tmp_path / f"{k}.nc") for k in "ab")
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())
    capsys.readouterr()


def test_age_ready_made_duty_for_years_gives_a_row_per_year(capsys):
    argv = ["age", *AGE_CELL, *SEI, "--duty", "peak-shaving", "--duty-arg", "power=15"]
    argv += ["--duty-arg", "capacity=5", "--years", "0.01", "--initial-soc", "0.5", "--quiet"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "year" in text
    # a day a cycle: 0.01 year is 3.65 days, so 4 cycles
    assert "4 cycles" in text


@pytest.mark.parametrize(
    ("argv", "named", "allowed"),
    [
        (["age", *CYCLE, "--cycles", "2", "--method", "fast"], "--method", "'extrapolate'"),
        (["age", *CYCLE, "--cycles", "0"], "--cycles", ">= 1"),
        (["age", *CYCLE, "--cycles", "2", "--years", "1"], "--years", "not allowed with"),
        (["age", *CYCLE], "--cycles", "required"),
        (["age", *CYCLE, "--years", "-1"], "--years", "> 0"),
        (["age", *CYCLE, "--cycles", "2", "--initial-soc", "2"], "--initial-soc", "[0, 1]"),
        (["age", "--duty", "solar", "--cycles", "2"], "--duty", "'peak-shaving'"),
        (["fit", "x.csv", "--method", "newton"], "--method", "'least_squares'"),
        (["fit", "x.csv", "--every", "0"], "--every", ">= 1"),
    ],
)
def test_argparse_errors_name_the_argument_and_exit_2(capsys, argv, named, allowed):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert named in err
    assert allowed in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["age", "--cycles", "2"], "--step ... (one or more) or as --duty NAME"),
        (
            ["age", "--duty", "peak-shaving", "--duty-arg", "powr=5", "--cycles", "2"],
            "--duty-arg powr: --duty peak-shaving takes power, capacity",
        ),
        (
            ["age", "--duty", "peak-shaving", "--duty-arg", "power=5", "--cycles", "2"],
            "needs --duty-arg capacity=...",
        ),
        (["age", *CYCLE, "--cycles", "2", "--set", "Ambient temperature [K]=warm"], "--set"),
        (["age", *CYCLE, "--cycles", "2", "--cell", "nowhere.json"], "--cell 'nowhere.json'"),
        (["age", *CYCLE, "--cycles", "2", "--model", "SPN"], "did you mean 'SPM'"),
        (["fit", "x.csv", "--fit", f"{DIFFUSIVITY}=1e-13,1e-15"], "LOWER < UPPER"),
        (["fit", "x.csv", "--fit", "D=1e-15"], "NAME=LOWER,UPPER"),
        (["fit", "x.csv::steps=two"], "steps='two' must be A or A-B"),
        (["fit", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_bad_values_name_the_argument_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_the_console_command_reports_bad_arguments_without_a_traceback():
    """The installed entry point, not only main(): the exit status a shell sees."""
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    done = subprocess.run(
        [console(), "age", "--duty", "peak-shaving", "--duty-arg", "power=5", "--cycles", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("cellsim age: error: --duty peak-shaving needs")
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def synthetic_discharge(tmp_path_factory) -> Path:
    """A 1C discharge of a Chen2020 SPM with a known positive diffusivity, as a cycler
    would log it (a minute of rest first, 2 mV noise, charge negative in the file)."""
    cell = cellsim.Cell("Chen2020", model="SPM", overrides={DIFFUSIVITY: TRUE_DIFFUSIVITY})
    protocol = ["Rest for 1 minute", "Discharge at 1C until 3.0 V"]
    ds = cellsim.simulate(cell, protocol, initial_soc=1.0, period=30.0)
    noise = np.random.default_rng(5).normal(0.0, 0.002, ds.time.size)
    path = tmp_path_factory.mktemp("cycler") / "discharge.csv"
    pd.DataFrame(
        {
            "time_s": ds.time.values,
            "current_A": -ds.current.values,  # cycler convention: discharge negative
            "voltage_V": ds.voltage.values + noise,
            "step": ds.step.values,
        }
    ).to_csv(path, index=False)
    return path


def test_fit_recovers_a_diffusivity_and_writes_table_and_figure(
    synthetic_discharge, tmp_path, capsys
):
    table_path = tmp_path / "fit.nc"
    argv = ["fit", str(synthetic_discharge), "--model", "SPM"]
    argv += ["--fit", f"{DIFFUSIVITY}=1e-15,1e-13", "-o", str(table_path)]
    # the initial state as simulated: from the first (noisy) rest voltage it would be off
    # by what 2 mV means on the flat OCV near full, a bias beyond the standard error
    assert main([*argv, "--initial-soc", "1"]) == 0
    text = capsys.readouterr().out
    assert DIFFUSIVITY in text
    assert "RMSE fitted" in text
    table = xr.load_dataset(table_path)
    best = float(table.best.sel(parameter=DIFFUSIVITY))
    error = float(table.standard_error.sel(parameter=DIFFUSIVITY))
    # recovered within 3 of its own standard errors (99.7 % if the linearisation holds)
    assert abs(best - TRUE_DIFFUSIVITY) < 3 * error
    # the data's noise is 2 mV: the fitted RMSE is that noise, not model error
    assert float(table.rmse_samples[0]) == pytest.approx(0.002, rel=0.25)
    assert table_path.with_suffix(".png").stat().st_size > 10_000
    # the table carries the fitted cell: --cell reads it back
    fitted = cellsim.Cell.from_json(table.attrs["fitted_cell"])
    assert fitted.overrides[DIFFUSIVITY] == pytest.approx(best)


def test_fit_selects_steps_of_a_file_and_names_unknown_parameters(synthetic_discharge, capsys):
    # step 1 of the synthetic file is the discharge alone: it starts under load, so the
    # fit needs its initial SOC; an unknown parameter name is named with a close match
    spec = f"{synthetic_discharge}::steps=1"
    argv = ["fit", spec, "--model", "SPM", "--fit", "Positive particle diffusivity=1e-15,1e-13"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'discharge.csv steps 1-1' starts under load" in err
    assert "initial_soc" in err
    assert main([*argv, "--initial-soc", "0.99"]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'Positive particle diffusivity'" in err
    assert DIFFUSIVITY in err
