"""The disk cache of built models: a new process runs a cell without PyBaMM's build,
with results identical to a built one, and never reads what other code wrote."""

import importlib
import sys

import numpy as np
import pytest

import cellsim
from cellsim import Cell, _build, _disk_cache
from cellsim._chemistry import chemistry_for

CELL = Cell("OKane2022", model="SPM", options={"SEI": "solvent-diffusion limited"})
DUTY = ["Discharge at 1C until 3.0 V", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until C/20"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty disk cache of this test's own, and no built model in memory."""
    monkeypatch.setenv(_disk_cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(_disk_cache.ENV_SWITCH, raising=False)
    _build.clear_cache()
    yield tmp_path
    _build.clear_cache()


def age(**kwargs):
    return cellsim.age(CELL, DUTY, cycles=3, progress=False, **kwargs)


def same_cycles(a, b):
    for name in ("capacity", "lli", "resistance", "energy_efficiency", "time"):
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_a_new_process_runs_from_the_cache_without_building(cache, monkeypatch):
    built = age()
    kinds = sorted(p.name.split("-")[0] for p in cache.iterdir())
    assert kinds == ["built", "core", "core"]  # current- and voltage-controlled models
    _build.clear_cache()  # what a new process has: only the disk
    chemistry = chemistry_for(CELL.parameter_set)
    monkeypatch.setattr(type(chemistry), "build", _fails)
    same_cycles(age(), built)


def test_what_needs_the_pybamm_model_builds_it_then(cache):
    """An initial state at a given SOC (an electrode balance) and the IDAKLU backend
    need PyBaMM's model: from the cache's record they build it on demand, and give
    what a cell built outright gives."""
    at_soc = age(initial_soc=0.9)
    on_idaklu = age(solver="idaklu")
    _build.clear_cache()
    same_cycles(age(initial_soc=0.9), at_soc)
    same_cycles(age(solver="idaklu"), on_idaklu)


def test_an_unreadable_entry_is_rebuilt(cache):
    built = age()
    for path in cache.iterdir():
        path.write_bytes(b"not a pickle")
    _build.clear_cache()
    same_cycles(age(), built)
    assert all(p.read_bytes() != b"not a pickle" for p in cache.iterdir())


def test_off_writes_nothing(cache, monkeypatch):
    monkeypatch.setenv(_disk_cache.ENV_SWITCH, "0")
    age()
    assert list(cache.iterdir()) == []


def test_keys_change_with_the_code(tmp_path, monkeypatch):
    """The fingerprint covers every file of the packages named: an edit is a new key."""
    package = tmp_path / "cellsim_fingerprint_probe"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    before = _disk_cache.key(("cellsim_fingerprint_probe",), "built", "spec")
    assert before != _disk_cache.key((), "built", "spec")
    assert before != _disk_cache.key(("cellsim_fingerprint_probe",), "built", "other")
    (package / "__init__.py").write_text("VALUE = 2\n")
    _disk_cache.fingerprint.cache_clear()
    try:
        assert _disk_cache.key(("cellsim_fingerprint_probe",), "built", "spec") != before
    finally:
        _disk_cache.fingerprint.cache_clear()
        sys.modules.pop("cellsim_fingerprint_probe", None)


def _fails(*args, **kwargs):
    raise AssertionError("the chemistry's build ran")
