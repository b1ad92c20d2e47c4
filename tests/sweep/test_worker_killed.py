"""A worker killed in the middle of a sweep: its tasks run again elsewhere, and the
result is complete and the same as an undisturbed run's."""

from __future__ import annotations

import signal

import numpy as np
import xarray as xr
from distributed import Client

import cellsim

CELL = cellsim.Cell("Chen2020", model="SPM")
DUTY = ["Discharge at 1C until 3.2 V", "Charge at 1C until 4.1 V"]
#: Overrides: every sample builds its own model, so each task lasts about a second.
SAMPLES = {"Electrode width [m]": [1.50, 1.54, 1.58, 1.62, 1.66]}


def test_killing_a_worker_mid_sweep_loses_no_sample(dask_cluster):
    killed = []
    with Client(dask_cluster.address) as client:
        names = {addr: w["name"] for addr, w in client.scheduler_info()["workers"].items()}

        def kill_a_busy_worker(done: int, total: int) -> None:
            if killed:
                return
            busy = [addr for addr, keys in client.processing().items() if keys]
            name = names[busy[0]]
            dask_cluster.workers[name].send_signal(signal.SIGKILL)
            dask_cluster.workers[name].wait(timeout=10)
            killed.append((name, done, total))

        ds = cellsim.sweep(
            CELL, DUTY, SAMPLES, kind="age", cycles=2, client=client, progress=kill_a_busy_worker
        )
        assert killed, "no worker was killed"
        assert killed[0][1] == 1, "the worker was killed after the first result"
        assert len(client.scheduler_info()["workers"]) == 1

        assert ds["failed"].values.tolist() == [0] * 5
        assert np.all(ds["cycles"].values == 2)
        assert np.all(np.isfinite(ds["capacity"].values))
        # The survivor, undisturbed, gives the same numbers.
        again = cellsim.sweep(CELL, DUTY, SAMPLES, kind="age", cycles=2, client=client)
        xr.testing.assert_identical(ds, again)
