"""``cellsim sweep``: samples from the command line, progress on stderr, a netCDF out."""

from __future__ import annotations

import numpy as np
import xarray as xr

from cellsim._cli import main


def test_cli_sweep_writes_the_result_and_reports_progress(tmp_path, capsys):
    out = tmp_path / "sweep.nc"
    code = main(
        [
            "sweep",
            "--model",
            "SPM",
            "--step",
            "Discharge at 1C until 3.5 V",
            "--normal",
            "Electrode width [m]",
            "1.58",
            "0.01",
            "--samples",
            "3",
            "--seed",
            "7",
            "-o",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "cellsim sweep: 3/3 samples done, 0 failed" in captured.err
    assert "3 samples, 0 failed" in captured.out
    with xr.open_dataset(out) as ds:
        assert ds.sizes["sample"] == 3
        assert ds["electrode_width"].attrs["source_name"] == "Electrode width [m]"
        assert np.all(ds["capacity"].values > 0)


def test_cli_sweep_bad_parameter_is_a_clear_error(tmp_path, capsys):
    argv = ["sweep", "--model", "SPM", "--step", "Discharge at 1C until 3.5 V"]
    code = main([*argv, "--grid", "Electrod width [m]=1.5,1.6", "-o", str(tmp_path / "x.nc")])
    assert code == 2
    assert "unknown parameter 'Electrod width [m]'" in capsys.readouterr().err
