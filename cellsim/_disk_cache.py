"""A cache on disk of what building a cell's model computes, shared by every process.

Building a cell's model with PyBaMM and converting it to CasADi takes about a second
for an SPMe (more for a DFN) and gives the same result every time for the same cell,
code and libraries; a new process (a command, a sweep's worker, a benchmark's isolated
call) would otherwise pay it again. :mod:`cellsim._build` stores a built model's plain
data here and :mod:`cellsim.solvers._casadi` the CasADi form of each of its models
(its compiled machine code stays in PyBaMM's own cache, which this one refers to).

An entry's key is a hash of what it was built from and of a fingerprint of the code
that built it: the files of the ``cellsim`` package and of the chemistry's package,
and the versions of Python, PyBaMM, CasADi and NumPy. Any change to them is a new
key, so an entry is never read by other code than the code that wrote it. Entries are
pickles written atomically (a temporary file renamed into place); one that cannot be
read is removed and rebuilt.

``CELLSIM_CACHE_DIR`` sets the folder (default: ``cellsim`` in the user's cache folder,
``$XDG_CACHE_HOME`` or ``~/.cache``, created readable by its owner only: entries are
pickles, which no one else should be able to plant); ``CELLSIM_CACHE=0`` turns the
cache off. An entry whose compiled library PyBaMM's cache no longer has is rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pickle
import platform
import tempfile
from pathlib import Path
from typing import Any

ENV_DIR = "CELLSIM_CACHE_DIR"
ENV_SWITCH = "CELLSIM_CACHE"


def directory() -> Path | None:
    """The cache's folder, or None when the cache is off."""
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return None
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "cellsim"


@functools.cache
def fingerprint(*packages: str) -> str:
    """A hash of the files of ``packages`` (and ``cellsim``) and of the library versions."""
    digest = hashlib.sha256()
    for name in ("numpy", "casadi", "pybamm"):
        digest.update(f"{name} {importlib.import_module(name).__version__}\n".encode())
    digest.update(platform.python_version().encode())
    for package in sorted({"cellsim", *packages}):
        root = Path(importlib.import_module(package).__file__).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def key(packages: tuple[str, ...], *parts: Any) -> str:
    """The key of an entry built from ``parts`` by the code of ``packages``."""
    return hashlib.sha256(f"{fingerprint(*packages)}{parts!r}".encode()).hexdigest()


def load(kind: str, entry: str) -> Any | None:
    """The value stored under ``entry``, or None (cache off, no entry, unreadable)."""
    folder = directory()
    if folder is None:
        return None
    path = folder / f"{kind}-{entry}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: rebuild it
        path.unlink(missing_ok=True)
        return None


def store(kind: str, entry: str, value: Any) -> None:
    """Keep ``value`` under ``entry``; a cache that cannot be written is skipped."""
    folder = directory()
    if folder is None:
        return
    temporary = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False) as f:
            temporary = f.name
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{kind}-{entry}.pickle")
    except BaseException as err:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if not isinstance(err, OSError):
            raise
