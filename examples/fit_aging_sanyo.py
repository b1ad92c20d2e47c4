"""How well does capacity fade fitted on some cells predict other cells of the same kind?

The question: a cell maker ages a batch of nominally identical cells under one protocol.
Fitted on some of them, does an ageing model predict the capacity of the others, which
it never saw, within 3 % of their initial capacity up to their knee?

The data: 24 Sanyo UR18650E cells (NMC / graphite, 1.85 A.h) aged under one cycling
protocol by Baumhöfer et al. (capacity at check-ups every 160 cycles, through the knee
at 1000-1400 cycles), as compiled by Attia et al.; read from ``$CELLSIM_DATA_DIR``
(default ``../shared/data`` beside the project), ``sanyo_ur18650e_aging``.

What it does:

1. Holds out every third cell (8 of 24) and fits the power law ``q = 1 - a (N/1000)^z``
   (``calibration.fit_aging("power", ...)``) on the other 16, each cell up to its knee;
   prints the parameters with standard errors and, for each held-out cell, the worst
   error up to its knee. The knee is the Bacon-Watts transition point (Bacon and Watts
   1971; used for capacity knees by Fermín-Cueto et al. 2020) fitted to each cell's
   capacity up to its steepest decline.
2. Leave-one-out over all 24 cells: each predicted by a law fitted on the other 23.
3. The knee-aware law (power law plus a smooth hinge) on the same 16 cells: the knee it
   finds against the spread of the cells' own knees.
4. The lifecycle engine: the SEI solvent diffusivity and the positive electrode's
   stress-driven LAM rate of a PyBaMM SPM fitted so that ``cellsim.age`` follows the
   same 16 cells. Two assumptions, because the data carry no more: PyBaMM's
   ``OKane2022`` set (LG M50, NMC811 / graphite-SiOx) stands in for the Sanyo cell,
   which has no PyBaMM set (the fit is on capacity relative to the initial, so the
   rate constants are effective ones of that model); and the duty is assumed, a full
   cycle at 25 °C (CC 0.5C - CV 4.2 V to C/20, 1C discharge to 2.5 V), since the
   cycling protocol is not recorded with these data.
5. Writes ``fit_aging_sanyo.png`` to ``$CELLSIM_FIGURES`` (default ``./figures``):
   measured against predicted capacity of the held-out cells, and the errors.

Usage::

    python examples/fit_aging_sanyo.py
    CELLSIM_EXAMPLE_QUICK=1 python examples/fit_aging_sanyo.py   # engine: 1 parameter,
                                                                  # 300 cycles, 1 step

The law fits take about a second (the leave-one-out 24 of them, a few seconds). The
engine fit took 32 ageing runs of 1120 cycles, 298 s (5 min), on a 2-core machine
shared with other jobs (a second run of the same fit: 30 runs, 7.5 min, the machine
busier); the quick run about 30 s in all.

References
----------
.. [1] T. Baumhöfer, M. Brühl, S. Rothgang, D. U. Sauer, "Production caused variation
   in capacity aging trend and correlation to initial cell performance", J. Power
   Sources 247 (2014) 332-338.
.. [2] P. M. Attia et al., "Review—'Knees' in lithium-ion battery aging trajectories",
   J. Electrochem. Soc. 169 (2022) 060517.
.. [3] D. W. Bacon, D. G. Watts, "Estimating the transition between two intersecting
   straight lines", Biometrika 58 (1971) 525-534.
.. [4] P. Fermín-Cueto et al., "Identification and machine learning prediction of
   knee-point and knee-onset in capacity degradation curves of lithium-ion cells",
   Energy and AI 1 (2020) 100006.
.. [5] S. E. J. O'Kane et al., "Lithium-ion battery degradation: how to model it",
   Phys. Chem. Chem. Phys. 24 (2022) 7909 (the OKane2022 parameters).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import calibration
import cellsim

TARGET = 0.03  # of initial capacity
#: Exit code of an example whose data is absent (the tests report it as skipped).
NO_DATA = 77
DUTY = ["Charge at 0.5C until 4.2 V", "Hold at 4.2 V until C/20", "Discharge at 1C until 2.5 V"]
ENGINE_CELL = cellsim.Cell(
    "OKane2022",
    model="SPM",
    options={
        "SEI": "solvent-diffusion limited",
        "particle mechanics": ("none", "swelling only"),
        "loss of active material": ("none", "stress-driven"),
    },
)


def data_file() -> Path:
    """The Sanyo capacity table, from ``$CELLSIM_DATA_DIR`` or ``../shared/data``."""
    root = os.environ.get("CELLSIM_DATA_DIR")
    folder = Path(root) if root else Path(__file__).resolve().parents[2] / "shared" / "data"
    return folder / "sanyo_ur18650e_aging" / "capacity_vs_cycle.csv"


def print_parameters(fit: calibration._aging_result.AgingFit) -> None:
    p = fit.parameters
    for name in p.parameter.values:
        row = p.sel(parameter=name)
        print(
            f"  {name:58s} {float(row.best):11.4g} ± {float(row.standard_error):9.2g}"
            f" (cell-clustered ± {float(row.standard_error_cell_robust):9.2g}) {row.units.item()}"
        )


def main() -> int:
    quick = os.environ.get("CELLSIM_EXAMPLE_QUICK") == "1"
    path = data_file()
    if not path.is_file():
        print(f"fit_aging_sanyo: the measured data {path} is absent (set CELLSIM_DATA_DIR)")
        return NO_DATA
    data = pd.read_csv(path)
    cells = list(dict.fromkeys(data["cell_id"]))
    held_out = cells[2::3]
    fitted_on = [c for c in cells if c not in held_out]
    train, test = data[data.cell_id.isin(fitted_on)], data[data.cell_id.isin(held_out)]
    print(f"Sanyo UR18650E, {len(cells)} cells (Baumhöfer et al. 2014)")
    print(f"fitted on {len(fitted_on)}, held out {len(held_out)}: {', '.join(held_out)}")

    # 1. the power law on 16 cells, predicting the other 8 up to their knees
    law = calibration.fit_aging("power", train)
    print("\npower law q = 1 - a (N/1000)^z, each fitted cell up to its knee:")
    print_parameters(law)
    score = law.score(test)
    print("\n  held-out cell   knee/cycles  worst error up to the knee (% of initial)")
    for cell in score.cell.values:
        s = score.sel(cell=cell)
        flag = "" if float(s.worst_error) <= TARGET else "   > 3 %"
        print(
            f"  {cell:15s} {float(s.knee_cycle):8.0f}     {100 * float(s.worst_error):5.2f}{flag}"
        )
    within = int((score.worst_error <= TARGET).sum())
    print(f"  {within} of {score.cell.size} held-out cells within 3 % up to their knee")

    # 2. leave one out
    worst = {}
    for cell in cells:
        fit = calibration.fit_aging("power", data[data.cell_id != cell])
        worst[cell] = float(fit.score(data[data.cell_id == cell]).worst_error[0])
    bad = {c: e for c, e in worst.items() if e > TARGET}
    print(
        f"\nleave-one-out (24 fits of 23 cells): {len(cells) - len(bad)} of {len(cells)} within "
        f"3 %; median worst error {100 * np.median(list(worst.values())):.2f} %"
        + "".join(f"; {c}: {100 * e:.2f} %" for c, e in bad.items())
    )
    at = data[data.cycle == 960].set_index("cell_id")
    first = data.groupby("cell_id").capacity_Ah.first()
    fraction = (at.capacity_Ah / first[at.index]).sort_values()
    print(
        f"  at cycle 960, before every cell's knee, the cells span {fraction.iloc[0]:.3f} "
        f"({fraction.index[0]}) to {fraction.iloc[-1]:.3f} ({fraction.index[-1]}) of their "
        f"initial capacity: {100 * (fraction.iloc[-1] - fraction.iloc[0]):.1f} %, so no one "
        "curve is within 3 % of every cell"
    )

    # 3. the knee-aware law
    knee_law = calibration.fit_aging("power_knee", train)
    best = knee_law.parameters.best.to_series()
    se = knee_law.parameters.standard_error.to_series()
    knees = knee_law.cells.knee_cycle.values
    print(
        f"\nknee-aware law: knee at {best.knee_cycle:.0f} ± {se.knee_cycle:.0f} cycles, then "
        f"{100 * best.b:.0f} ± {100 * se.b:.0f} % more per 1000 cycles; the fitted cells' own "
        f"knees: {knees.min():.0f}-{knees.max():.0f} (mean {knees.mean():.0f}, sd "
        f"{knees.std(ddof=1):.0f})"
    )

    # 4. the lifecycle engine
    print(f"\nlifecycle engine: {ENGINE_CELL.parameter_set} {ENGINE_CELL.model}, duty {DUTY}")
    started = time.perf_counter()
    if quick:
        engine = calibration.fit_aging(
            ENGINE_CELL,
            train,
            duty=DUTY,
            parameters={"SEI solvent diffusivity [m2.s-1]": (1e-22, 1e-17)},
            until=300,
            max_evaluations=1,
        )
    else:
        engine = calibration.fit_aging(ENGINE_CELL, train, duty=DUTY)
    attrs = engine.parameters.attrs
    print(
        f"  {attrs['evaluations']} ageing runs of {attrs['cycles_per_run']} cycles in "
        f"{time.perf_counter() - started:.0f} s; RMS residual {100 * attrs['rms_residual']:.2f} %"
    )
    print_parameters(engine)
    engine_score = engine.score(test)
    if quick:
        print("  (quick run: one step of the optimiser on 160 cycles, not a converged fit)")
    print(
        "  held-out worst error up to the knee: "
        + ", ".join(f"{100 * float(e):.1f} %" for e in engine_score.worst_error)
    )

    figures = Path(os.environ.get("CELLSIM_FIGURES", "figures"))
    figure(law, knee_law, engine, test, score, figures / "fit_aging_sanyo.png")
    return 0


def figure(law, knee_law, engine, test: pd.DataFrame, score, path: Path) -> None:
    """Held-out cells: measured capacity against the laws' and the engine's predictions
    (left); the power law's error up to each cell's knee (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_e) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    n = np.linspace(0, test.cycle.max(), 300)
    for k, (cell, g) in enumerate(test.groupby("cell_id", sort=False)):
        color = f"C{k % 10}"
        g = g.groupby("cycle", as_index=False).capacity_Ah.mean()
        q0 = g.capacity_Ah.iloc[0]
        knee = float(score.knee_cycle.sel(cell=cell))
        ax.plot(g.cycle, g.capacity_Ah, "o", ms=3, color=color, label=cell)
        ax.axvline(knee, color=color, lw=0.6, ls=":")
        upto = g[g.cycle <= knee]
        predicted = law.predict(upto.cycle.values, initial_capacity=q0).capacity.values
        ax_e.plot(upto.cycle, 100 * (predicted - upto.capacity_Ah) / q0, "o-", ms=3, color=color)
    q0 = law.initial_capacity
    valid = n <= float(score.knee_cycle.max())  # the power law is fitted up to the knees
    power = law.predict(n, initial_capacity=q0).capacity.values
    ax.plot(n[valid], power[valid], "k-", lw=2, label="power law (to the knee)")
    ax.plot(n[~valid], power[~valid], "k:", lw=1)
    ax.plot(
        n,
        knee_law.predict(n, initial_capacity=q0).capacity,
        "-.",
        color="0.4",
        lw=1.5,
        label="knee-aware law",
    )
    ax.plot(n, engine.predict(n, initial_capacity=q0).capacity, "k--", lw=1.5, label="engine (SPM)")
    ax.set(
        xlabel="cycle",
        ylabel="capacity / A.h",
        ylim=(0, 2.0),
        title="Held-out Sanyo UR18650E cells (dotted: each cell's knee)",
    )
    ax.legend(fontsize=7, ncol=2)
    ax_e.axhspan(-100 * TARGET, 100 * TARGET, color="0.9", label="±3 % target")
    ax_e.axhline(0, color="k", lw=0.5)
    ax_e.set(
        xlabel="cycle",
        ylabel="predicted - measured / % of initial",
        title="Power-law error up to each held-out cell's knee",
    )
    ax_e.legend(fontsize=8)
    fig.suptitle(
        "fit_aging on 16 cells, predicting 8 others; data: Baumhöfer et al. 2014 via Attia et "
        "al. 2022",
        fontsize=9,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"\nfigure written to {path}")


if __name__ == "__main__":
    sys.exit(main())
