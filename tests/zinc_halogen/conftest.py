"""Shared set-up of the zinc-halogen tests: the measured PNNL data, if present."""

from __future__ import annotations

import pytest

from chemistries.zinc_halogen import _pnnl


@pytest.fixture(scope="session")
def pnnl_cycle():
    """PNNL ZnI2 flow cell, cycle 1 (skips if ``CELLSIM_DATA_DIR`` has no copy)."""
    path = _pnnl.data_dir() / _pnnl.FOLDER / _pnnl.FILE
    if not path.is_file():
        pytest.skip(f"PNNL zinc-iodide data not found at {path} (set CELLSIM_DATA_DIR)")
    return _pnnl.load_cycle(path)
