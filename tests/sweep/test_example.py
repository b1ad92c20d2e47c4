"""The rack example runs (quick size) and writes its figure and result.

The only run of ``examples/rack_sweep.py`` in the suite: ``tests/examples`` leaves it to
this test, which checks its figure as that one would and its output file besides.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import xarray as xr

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rack_sweep.py"


def test_rack_example_quick(tmp_path):
    env = {
        **os.environ,
        "PYBAMM_DISABLE_TELEMETRY": "true",
        "CELLSIM_FIGURES": str(tmp_path / "figures"),
        "CELLSIM_EXAMPLE_QUICK": "1",
    }
    out = tmp_path / "rack.nc"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "2 cells in" in run.stdout
    assert "cellsim sweep: 2/2 samples done, 0 failed" in run.stderr
    assert (tmp_path / "figures" / "rack_sweep_soh.png").stat().st_size > 10_000
    with xr.open_dataset(out) as ds:
        assert ds.sizes["sample"] == 2
        assert ds["failed"].values.tolist() == [0, 0]
        assert np.all((ds["soh"].values > 0.99) & (ds["soh"].values <= 1.0))
        assert ds["contact_resistance"].attrs["units"] == "ohm"
