"""Serial, LocalCluster and a separately started scheduler with workers give identical
results, a failed sample included."""

from __future__ import annotations

import numpy as np
import xarray as xr
from distributed import Client

import cellsim
from cellsim import _build, variation

CELL = cellsim.Cell("Chen2020", model="SPM")
STEP = "Discharge at 1C until 3.5 V"
#: The last width leaves the cell no capacity: its discharge cannot start.
SAMPLES = variation.grid({"Electrode width [m]": [1.5, 1.58, 1.66, 1e-3]})


def test_serial_local_and_remote_cluster_are_identical(dask_cluster, tmp_path):
    serial = cellsim.sweep(CELL, STEP, SAMPLES)
    local = cellsim.sweep(CELL, STEP, SAMPLES, client="local", workers=2)
    remote = cellsim.sweep(CELL, STEP, SAMPLES, client=dask_cluster.address)
    by_file = cellsim.sweep(CELL, STEP, SAMPLES, client=dask_cluster.scheduler_file)
    for other in (local, remote, by_file):
        xr.testing.assert_identical(serial, other)
    with Client(dask_cluster.address) as client:  # each worker built the model once
        built = client.run(lambda: [(c.parameter_set, sorted(n)) for c, n in _build._cache])
    assert list(built.values()) == [[("Chen2020", ["Electrode width [m]"])]] * 2

    assert serial.attrs["vary"] == "inputs"  # one build serves every sample
    assert serial["failed"].values.tolist() == [0, 0, 0, 1]
    assert "ProtocolError" in serial["error"].values[3]
    capacity = serial["capacity"].values
    assert np.all(np.diff(capacity[:3]) > 0)  # more electrode area, more capacity
    np.testing.assert_allclose(serial["voltage_end"].values[:3], 3.5, atol=1e-6)
    assert serial["electrode_width"].attrs == {
        "units": "m",
        "long_name": "sampled parameter: Electrode width [m]",
        "source_name": "Electrode width [m]",
    }

    path = tmp_path / "sweep.nc"
    serial.to_netcdf(path)
    with xr.open_dataset(path) as back:
        xr.testing.assert_identical(serial, back.load())


def test_full_series_are_padded_on_a_common_dimension():
    ds = cellsim.sweep(CELL, STEP, SAMPLES, full=True)
    assert ds["voltage"].dims == ("sample", "point")
    for i in range(3):
        n = int(ds["points"][i])
        alone = cellsim.simulate(
            CELL, STEP, inputs={"Electrode width [m]": float(SAMPLES["Electrode width [m]"][i])}
        )
        np.testing.assert_array_equal(ds["voltage"].values[i, :n], alone["voltage"].values)
        np.testing.assert_array_equal(ds["time"].values[i, :n], alone["time"].values)
        assert np.all(np.isnan(ds["voltage"].values[i, n:]))
        assert np.all(ds["step"].values[i, n:] == -1)
    assert int(ds["points"][3]) == 0
