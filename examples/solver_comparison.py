"""Which stiff-core backend should I use, and do they give the same answer?

One charge-discharge cycle of PyBaMM's ``Chen2020`` LG M50 cell (1C discharge to 2.5 V,
30 minutes' rest, C/2 charge to 4.2 V, hold at 4.2 V until C/50), as an SPM, an SPMe
and a DFN, solved three ways:

- ``cellsim.simulate(..., solver="casadi")``: cellsim's own stiff core, CasADi's SUNDIALS
  integrators (CVODES for current-driven SPM/SPMe legs, IDAS otherwise) called directly
  (the default; the model interpreted, as ``simulate`` runs it unless asked to compile);
- ``cellsim.simulate(..., solver="idaklu")``: cellsim driving PyBaMM's ``IDAKLUSolver``;
- a plain :class:`pybamm.Simulation` of the same cycle as a ``pybamm.Experiment`` with
  ``pybamm.IDAKLUSolver``: the reference.

All three use ``rtol = atol = 1e-6`` and output every 10 s (``period``), so the voltages
are compared at the same instants. The example prints, per model and backend, the time
of the first call (building the model and solving), the median time of repeated solves
of the built model, and the agreement with the PyBaMM reference: the largest voltage
difference over the cycle, the relative difference of the discharged capacity, and the
difference of the cycle's end (the hold's C/50 event). It writes
``solver_comparison.png`` to ``$CELLSIM_FIGURES`` (default ``./figures``).

What to expect: cellsim's IDAKLU backend reproduces PyBaMM's solution to about 1e-8 V
and 1e-14 in capacity (it is the same solver on the same discretised model); the CasADi
core agrees with it to better than 1e-4 V (measured: SPM 6e-5 V, SPMe 3e-6 V, DFN 8e-6
V) and 1e-7 in capacity, with the cycle's end (the hold's C/50 event, where the current
changes slowly) within 0.1 s. Times depend on the machine and on what else runs on it
(on a shared two-core machine they moved by a factor of two between runs): read them as
ratios within one run. ``benchmarks/`` measures the same comparisons with interleaved
repeats (``python -m benchmarks.run``).

No measured data is used: this compares solvers, not the model with a cell.

Usage::

    python examples/solver_comparison.py
    CELLSIM_EXAMPLE_QUICK=1 python examples/solver_comparison.py   # SPM only, one repeat

References
----------
.. [1] C.-H. Chen et al., J. Electrochem. Soc. 167 (2020) 080534 (the Chen2020 parameters).
.. [2] J. A. E. Andersson, J. Gillis, G. Horn, J. B. Rawlings, M. Diehl, "CasADi: a
   software framework for nonlinear optimization and optimal control", Math. Program.
   Comput. 11 (2019) 1-36.
.. [3] A. C. Hindmarsh et al., "SUNDIALS: suite of nonlinear and differential/algebraic
   equation solvers", ACM Trans. Math. Softw. 31 (2005) 363-396.
.. [4] V. Sulzer, S. G. Marquis, R. Timms, M. Robinson, S. J. Chapman, "Python Battery
   Mathematical Modelling (PyBaMM)", J. Open Res. Softw. 9 (2021) 14.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import pybamm

import cellsim

PARAMETER_SET = "Chen2020"
CYCLE = [
    "Discharge at 1C until 2.5 V",
    "Rest for 30 minutes",
    "Charge at 0.5C until 4.2 V",
    "Hold at 4.2 V until C/50",
]
RTOL = ATOL = 1e-6
PERIOD = 10.0  # s
BACKENDS = ("cellsim casadi", "cellsim idaklu", "PyBaMM IDAKLU")
REFERENCE = "PyBaMM IDAKLU"


def timed(run, repeats: int):
    """``run()`` once from nothing, then ``repeats`` times warm: (last result, first
    call s, median warm s)."""
    start = time.perf_counter()
    result = run()
    first = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        warm.append(time.perf_counter() - start)
    return result, first, statistics.median(warm)


def cellsim_run(model: str, solver: str):
    """A function solving the cycle with cellsim: (time s, voltage V, step index,
    discharged A.h)."""
    cell = cellsim.Cell(PARAMETER_SET, model=model)

    def run():
        ds = cellsim.simulate(
            cell, CYCLE, initial_soc=1.0, solver=solver, rtol=RTOL, atol=ATOL, period=PERIOD
        )
        capacity = float(ds["discharge_capacity"].max())
        return ds["time"].values, ds["voltage"].values, ds["step"].values, capacity

    return run


def pybamm_run(model: str):
    """A function solving the cycle as a plain PyBaMM Experiment with IDAKLU."""
    sim = pybamm.Simulation(
        getattr(pybamm.lithium_ion, model)(),
        parameter_values=pybamm.ParameterValues(PARAMETER_SET),
        experiment=pybamm.Experiment(CYCLE, period=f"{PERIOD:g} seconds"),
        solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
    )

    def run():
        solution = sim.solve(initial_soc=1.0)
        steps = solution.sub_solutions  # one per step of the cycle
        return (
            np.concatenate([s.t for s in steps]),
            np.concatenate([s["Voltage [V]"].entries for s in steps]),
            np.concatenate([np.full(s.t.size, i) for i, s in enumerate(steps)]),
            float(solution["Discharge capacity [A.h]"].entries.max()),
        )

    return run


def voltage_difference(a, b):
    """Times (s) and voltage differences (V) of run ``a`` minus run ``b``, step by step
    (at ``a``'s output times inside the span of the same step of ``b``: the voltage
    jumps where the current does, and the runs place each step change a little apart)."""
    times, diffs = [], []
    for step in np.unique(a[2]):
        t_a, v_a = a[0][a[2] == step], a[1][a[2] == step]
        t_b, v_b = b[0][b[2] == step], b[1][b[2] == step]
        keep = (t_a >= t_b[0]) & (t_a <= t_b[-1])
        times.append(t_a[keep])
        diffs.append(v_a[keep] - np.interp(t_a[keep], t_b, v_b))
    return np.concatenate(times), np.concatenate(diffs)


def figure(runs, times, model: str, path: Path) -> None:
    """Voltage of ``model`` by backend, its difference from PyBaMM, and the times."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_v, ax_d, ax_t) = plt.subplots(1, 3, figsize=(14, 4), constrained_layout=True)
    styles = {"cellsim casadi": "-", "cellsim idaklu": "--", "PyBaMM IDAKLU": ":"}
    for backend, run in runs[model].items():
        ax_v.plot(run[0] / 3600, run[1], ls=styles[backend], label=backend)
    ax_v.set(xlabel="time / h", ylabel="voltage / V", title=f"{model}: one cycle")
    ax_v.legend(fontsize=8)
    for backend in BACKENDS[:2]:
        t, diff = voltage_difference(runs[model][backend], runs[model][REFERENCE])
        ax_d.semilogy(t / 3600, np.maximum(np.abs(diff), 1e-12), label=backend)
    ax_d.set(
        xlabel="time / h",
        ylabel="|V - V PyBaMM| / V (floor 1e-12)",
        title=f"{model}: difference from PyBaMM",
    )
    ax_d.legend(fontsize=8)
    models = list(times)
    width = 0.8 / len(BACKENDS)
    for i, backend in enumerate(BACKENDS):
        x = np.arange(len(models)) + (i - 1) * width
        ax_t.bar(x, [1e3 * times[m][backend][1] for m in models], width, label=backend)
    ax_t.set_xticks(np.arange(len(models)), models)
    ax_t.set(ylabel="median time of a solve (model built) / ms", title="Speed")
    ax_t.legend(fontsize=8)
    fig.suptitle(
        f"cellsim: {PARAMETER_SET} cycle (1C to 2.5 V, rest, C/2 to 4.2 V, CV to C/50), "
        f"rtol = atol = {RTOL:g}",
        fontsize=9,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"figure written to {path}")


def main() -> int:
    quick = os.environ.get("CELLSIM_EXAMPLE_QUICK") == "1"
    models, repeats = (["SPM"], 1) if quick else (["SPM", "SPMe", "DFN"], 5)
    print(f"one {PARAMETER_SET} cycle, {repeats} warm repeats; agreement with {REFERENCE}")
    print("model  backend          first/s  warm/ms  max|dV|/V  capacity rel.diff  end diff/s")
    runs: dict[str, dict] = {}
    times: dict[str, dict] = {}
    for model in models:
        makers = {
            "cellsim casadi": cellsim_run(model, "casadi"),
            "cellsim idaklu": cellsim_run(model, "idaklu"),
            "PyBaMM IDAKLU": pybamm_run(model),
        }
        runs[model], times[model] = {}, {}
        for backend, maker in makers.items():
            if backend.startswith("cellsim"):
                cellsim.clear_cache()  # time the build of each backend from nothing
            result, first, warm = timed(maker, repeats)
            runs[model][backend], times[model][backend] = result, (first, warm)
        reference = runs[model][REFERENCE]
        for backend in BACKENDS:
            run = runs[model][backend]
            _, diff = voltage_difference(run, reference)
            print(
                f"{model:5s}  {backend:15s}  {times[model][backend][0]:7.2f}  "
                f"{1e3 * times[model][backend][1]:7.1f}  {np.abs(diff).max():9.2e}  "
                f"{run[3] / reference[3] - 1:17.1e}  {run[0][-1] - reference[0][-1]:10.3f}"
            )
    figures = Path(os.environ.get("CELLSIM_FIGURES", "figures"))
    figure(runs, times, models[-1], figures / "solver_comparison.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
