"""The measured data beside the project (``../shared/data``, or ``$CELLSIM_DATA_DIR``)
for the tests that use it (importable: ``tests/`` is on the path through its conftest)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CELLSIM_DATA_DIR", ROOT.parent / "shared" / "data"))


def data_file(relative: str) -> Path:
    """A file of the shared measured data; skip when the data folder is not there."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"measured data not found: {path} (set CELLSIM_DATA_DIR to the data folder)")
    return path
