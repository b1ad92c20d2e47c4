"""Every script in ``examples/`` runs in quick mode and writes a figure.

The scripts are discovered, so an example added later is run too. Each runs in a fresh
process (as a user would run it) with ``CELLSIM_EXAMPLE_QUICK=1`` (small sizes) and
``CELLSIM_FIGURES`` pointing into a temporary folder, from that folder as working
directory (so nothing is written into the checkout). An example whose measured data is
absent exits with ``NO_DATA`` and is reported as skipped, with its reason.

Some examples state numbers in their docstring; ``CHECKS`` holds, per example, a check
that its quick run prints numbers consistent with them (what the text says matches
what the script computes). An example with its own, stricter test elsewhere
(``ELSEWHERE``) is not run twice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Exit code of an example whose data is absent (autotools' "skipped").
NO_DATA = 77
FIGURE_SUFFIXES = {".png", ".svg", ".pdf"}
#: A figure with axes, labels and a curve is well above this (a blank PNG is ~2 kB).
MIN_FIGURE_BYTES = 10_000
#: Most an example may take in quick mode before it counts as hung, s.
TIMEOUT = 300


def check_lgm50_rates(stdout: str) -> None:
    """Per rate: the uncalibrated model delivers 3-6 % more than measured and its voltage
    RMSE is 80-100 mV (the docstring's full DFN run: 3.8-4.7 %, 87-93 mV; the quick SPMe
    differs from it by under 3 mV). An RMSE over the raw samples, which weighs the
    unevenly logged knee several times over (159 mV at C/2), would fail here."""
    rows = re.findall(r"^\s*([\d.]+)C .*\(([+-][\d.]+) %\)\s+([\d.]+)$", stdout, re.M)
    assert len(rows) >= 2, stdout
    for rate, excess, rmse in rows:
        assert 3.0 <= float(excess) <= 6.0, (rate, excess)
        assert 80.0 <= float(rmse) <= 100.0, (rate, rmse)


def check_solver_comparison(stdout: str) -> None:
    """The CasADi core within 1e-4 V and 1e-6 (relative) in capacity of PyBaMM's IDAKLU,
    cellsim's IDAKLU within 1e-6 V and 1e-10: the bounds the docstring states, with the
    measured values (6e-5 V, 2e-8; 4e-9 V, 7e-15) inside them."""
    rows = re.findall(r"^(\w+)\s+cellsim (\w+)\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+\S+$", stdout, re.M)
    assert {backend for _, backend, _, _ in rows} == {"casadi", "idaklu"}, stdout
    bounds = {"casadi": (1e-4, 1e-6), "idaklu": (1e-6, 1e-10)}
    for model, backend, dv, capacity in rows:
        max_dv, max_capacity = bounds[backend]
        assert float(dv) <= max_dv, (model, backend, dv)
        assert abs(float(capacity)) <= max_capacity, (model, backend, capacity)


CHECKS = {
    "lgm50_rates.py": check_lgm50_rates,
    "solver_comparison.py": check_solver_comparison,
}
#: Examples run (quick mode, figure checked and more) by another test: script -> test.
ELSEWHERE = {"rack_sweep.py": "tests/sweep/test_example.py"}


@pytest.mark.parametrize(
    "script", sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in ELSEWHERE)
)
def test_example_runs_and_writes_a_figure(script, tmp_path):
    figures = tmp_path / "figures"
    env = {
        **os.environ,
        "PYBAMM_DISABLE_TELEMETRY": "true",
        "CELLSIM_EXAMPLE_QUICK": "1",
        "CELLSIM_FIGURES": str(figures),
        "MPLBACKEND": "Agg",
    }
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if run.returncode == NO_DATA:
        pytest.skip(f"{script}: {run.stdout.strip() or 'its measured data is absent'}")
    assert run.returncode == 0, f"{script} failed:\n{run.stdout}\n{run.stderr}"
    written = [p for p in figures.rglob("*") if p.suffix in FIGURE_SUFFIXES]
    assert written, f"{script} wrote no figure to CELLSIM_FIGURES:\n{run.stdout}"
    assert all(p.stat().st_size > MIN_FIGURE_BYTES for p in written), written
    if script in CHECKS:
        CHECKS[script](run.stdout)


def test_examples_run_elsewhere_exist():
    """Each example left out above has the test that runs it instead."""
    root = EXAMPLES.parent
    for script, test in ELSEWHERE.items():
        assert (EXAMPLES / script).is_file(), script
        assert script in (root / test).read_text(), (script, test)
