"""A sweep of ageing runs: serial against a ``LocalCluster`` of two workers.

The issue's case: 16 LG M50 cells (``OKane2022`` SPMe, solvent-diffusion limited SEI),
each aged 200 cycles with ``method="full"`` under a 1C discharge to 2.5 V, a 0.3C charge
to 4.2 V and a hold at 4.2 V to C/100, as one :func:`cellsim.sweep` of ``kind="age"``.
The cells differ in electrode width (sigma 0.3 % of the mean, a capacity spread), which
reaches the model as an input (the sweep's ``vary="auto"``): each process builds the
model once and loads its compiled form from the disk cache (filled by the first call of
the run; every timed call starts with empty in-memory model caches).

- ``TimeSweep.time_serial``: ``client=None``, in this process.
- ``TimeSweep.time_client_local``: ``client="local"``, timing the cluster's start and
  close too (what a user calling it once sees).
- ``TimeSweepOnCluster.time_local_cluster``: on a ``LocalCluster`` of two one-thread
  worker processes started in ``setup`` (not timed; the workers have imported cellsim).

Sizes: 16 runs x 200 cycles; ``--quick`` (``CELLSIM_BENCH_QUICK=1``): 4 x 10, and no
``time_client_local`` (a cluster's start-up on a loaded two-core machine took most of a
two-minute quick run); ``CELLSIM_BENCH_SWEEP="RUNSxCYCLES"`` sets both (e.g. ``8x40``).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np

import cellsim
from cellsim import variation

CELL = cellsim.Cell("OKane2022", model="SPMe", options={"SEI": "solvent-diffusion limited"})
DUTY = ("Discharge at 1C until 2.5 V", "Charge at 0.3C until 4.2 V", "Hold at 4.2 V until C/100")
WIDTH, WIDTH_MEAN = "Electrode width [m]", 1.58
WORKERS = 2


def size() -> tuple[int, int]:
    """(runs, cycles) from ``CELLSIM_BENCH_SWEEP`` or the quick/full defaults."""
    text = os.environ.get("CELLSIM_BENCH_SWEEP")
    if text:
        runs, cycles = (int(v) for v in text.lower().split("x"))
        return runs, cycles
    return (4, 10) if QUICK else (16, 200)


QUICK = os.environ.get("CELLSIM_BENCH_QUICK") == "1"
RUNS, CYCLES = size()
SAMPLES = variation.normal(WIDTH, WIDTH_MEAN, 0.003 * WIDTH_MEAN, RUNS, seed=16)

#: (label, numerator, denominator): ratios of medians measured in one run, per params.
RATIOS = [
    (
        f"{RUNS} x {CYCLES} cycles: LocalCluster ({WORKERS} workers) / serial",
        "TimeSweepOnCluster.time_local_cluster",
        "TimeSweep.time_serial",
    ),
    (
        f"{RUNS} x {CYCLES} cycles: client='local' with start-up / serial",
        "TimeSweep.time_client_local",
        "TimeSweep.time_serial",
    ),
]


def largest_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Largest relative difference of the runs' last-cycle capacities."""
    x, y = np.asarray(a["capacity"]), np.asarray(b["capacity"])
    return float(np.max(np.abs(x - y) / np.abs(y)))


CHECKS = [
    (
        "LocalCluster vs serial: largest last-cycle capacity difference (rel.)",
        "TimeSweepOnCluster.time_local_cluster",
        "TimeSweep.time_serial",
        largest_difference,
    ),
]


def age_sweep(client: Any) -> Any:
    """The sweep, on ``client``; a failed run is an error of the benchmark."""
    ds = cellsim.sweep(
        CELL, list(DUTY), SAMPLES, kind="age", cycles=CYCLES, client=client, workers=WORKERS
    )
    if ds["failed"].any():
        raise RuntimeError(f"failed runs: {ds['error'].values[ds['failed'].values == 1]}")
    return ds


class _Sweep:
    repeat = 1  # one call each: the full size is minutes
    warmup = False  # a warm-up would fill the model caches
    timeout = 7200

    def values(self) -> dict[str, Any]:
        """Last-cycle capacity (A.h) of every run of the last call."""
        return {"capacity": [float(c) for c in self.result["capacity"].values[:, -1]]}

    def discharge_capacity(self) -> float:
        """Mean last-cycle capacity (A.h) of the runs."""
        return float(self.result["capacity"].values[:, -1].mean())


class TimeSweep(_Sweep):
    """The sweep in this process, and with ``client="local"`` (start-up included)."""

    def setup(self) -> None:
        cellsim.clear_cache()

    def time_serial(self) -> None:
        """``client=None``: every run in turn, in this process."""
        self.result = age_sweep(None)

    def time_client_local(self) -> None:
        """``client="local"``: start a LocalCluster of two workers, run, close it."""
        if QUICK:
            raise NotImplementedError("--quick: the cluster's start-up is left out")
        self.result = age_sweep("local")


class TimeSweepOnCluster(_Sweep):
    """The sweep on a running LocalCluster of two one-thread worker processes."""

    def setup(self) -> None:
        import distributed

        self.cluster = distributed.LocalCluster(
            n_workers=WORKERS,
            threads_per_worker=1,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        )
        self.client = distributed.Client(self.cluster)
        self.client.run(lambda: __import__("cellsim") and None)

    def teardown(self) -> None:
        self.client.close()
        self.cluster.close()

    def time_local_cluster(self) -> None:
        """The sweep's tasks on the two workers, results as they complete."""
        self.result = age_sweep(self.client)
