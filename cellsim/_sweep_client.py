"""Where a sweep runs: in-process, on a LocalCluster, or on an existing Dask cluster."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cellsim._errors import ParameterError

#: Seconds to wait for a scheduler given by address or scheduler file.
CONNECT_TIMEOUT = 20.0

ALLOWED = (
    "None (serial, in this process), 'local' (a LocalCluster started and closed by the "
    "sweep), a dask.distributed.Client, a scheduler address such as 'tcp://host:8786', "
    "or the path of a scheduler file"
)


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def describe(client: Any) -> str:
    """A short description of ``client`` for progress lines."""
    if client is None:
        return "serial"
    info = client.scheduler_info() if hasattr(client, "scheduler_info") else {}
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    return f"{client.scheduler.address}, {len(workers)} workers, {threads} threads"


@contextlib.contextmanager
def connect(client: Any, *, workers: int | None = None) -> Iterator[Any]:
    """A :class:`distributed.Client` for ``client`` (``None`` for serial runs).

    Parameters
    ----------
    client : None, "local", distributed.Client, str or path
        See :data:`ALLOWED`. A Client given is used and left open; one the sweep
        opened (and a LocalCluster it started) is closed on exit.
    workers : int, optional
        Workers of a ``"local"`` cluster, one thread each; default: one per usable CPU.

    Raises
    ------
    ParameterError
        ``client`` is none of the allowed kinds, or its scheduler cannot be reached.
    """
    if client is None:
        yield None
        return
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ParameterError(f"workers must be an integer >= 1, got {workers!r}")
    import distributed

    if isinstance(client, distributed.Client):
        yield client
        return
    if isinstance(client, str) and client == "local":
        with (
            distributed.LocalCluster(
                n_workers=workers or usable_cpus(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # its HTTP server on a free port, not 8787
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster) as local,
        ):
            yield local
        return
    kwargs = _address(client)
    try:
        opened = distributed.Client(**kwargs, timeout=CONNECT_TIMEOUT)
    except Exception as err:  # refused, timed out, a malformed scheduler file, ...
        raise ParameterError(
            f"client {client!r}: cannot reach a Dask scheduler there within "
            f"{CONNECT_TIMEOUT:g} s ({type(err).__name__}: {err})"
        ) from None
    with opened:
        yield opened


def _address(client: Any) -> dict[str, str]:
    """Client keyword arguments for an address or a scheduler file, else an error."""
    if isinstance(client, str) and "://" in client:
        return {"address": client}
    if isinstance(client, (str, os.PathLike)) and Path(client).is_file():
        return {"scheduler_file": os.fspath(client)}
    raise ParameterError(f"client {client!r} is not allowed: give {ALLOWED}")
