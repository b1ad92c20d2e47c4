"""A Dask scheduler and workers started as separate processes, as on a real cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 60.0


@dataclass
class Cluster:
    """A scheduler (its file and address) and workers by name, each its own process."""

    scheduler_file: Path
    address: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start_worker(self, name: str) -> None:
        """A one-thread worker without a nanny: killing its process kills the worker."""
        self.workers[name] = _spawn(
            "worker",
            "--scheduler-file",
            str(self.scheduler_file),
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
            "--memory-limit",
            "0",
            "--name",
            name,
        )
        self.processes.append(self.workers[name])

    def ensure_workers(self, n: int) -> None:
        """Replace dead workers (a test may have killed one) until ``n`` are alive."""
        alive = [name for name, p in self.workers.items() if p.poll() is None]
        for _ in range(len(alive), n):
            self.start_worker(f"w{len(self.workers)}")
        wait_for_workers(self, n)

    def stop(self) -> None:
        """Kill the workers (no graceful close: nothing of theirs is needed), then end
        the scheduler."""
        for process in self.processes[1:]:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        scheduler = self.processes[0]
        scheduler.terminate()
        try:
            scheduler.wait(timeout=10)
        except subprocess.TimeoutExpired:
            scheduler.kill()


def _spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_cluster(folder: Path, workers: int) -> Cluster:
    """``dask scheduler`` on a free localhost port and ``workers`` ``dask worker``s."""
    cluster = Cluster(folder / "scheduler.json")
    cluster.processes.append(
        _spawn(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(cluster.scheduler_file),
        )
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not cluster.scheduler_file.is_file():
        if time.monotonic() > deadline or cluster.processes[0].poll() is not None:
            cluster.stop()
            raise RuntimeError("the dask scheduler did not start")
        time.sleep(0.1)
    time.sleep(0.2)  # the file is written whole, but give it a moment
    cluster.address = json.loads(cluster.scheduler_file.read_text())["address"]
    for i in range(workers):
        cluster.start_worker(f"w{i}")
    return cluster


def wait_for_workers(cluster: Cluster, n: int) -> None:
    from distributed import Client

    with Client(cluster.address, timeout=STARTUP_TIMEOUT) as client:
        client.wait_for_workers(n, timeout=STARTUP_TIMEOUT)


@pytest.fixture(scope="session")
def _cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("dask"), workers=2)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def dask_cluster(_cluster: Cluster) -> Cluster:
    """A scheduler and two live workers, each a process of its own (started once per
    session: their imports and built models are reused; a killed worker is replaced)."""
    _cluster.ensure_workers(2)
    return _cluster
