"""A rack of 64 LG M50 cells with cell-to-cell spread, aged under one data-centre duty.

Every cell of a rack is the same model, yet no two are identical: their capacities and
resistances spread from production. This example draws 64 cells with a measured-style
spread, ages each for ten years of daily peak shaving with :func:`cellsim.sweep` on a
Dask ``LocalCluster`` (or any Dask cluster: ``--client tcp://host:8786``), prints the
spread at the start and at the end of life and writes a figure of the end-of-life SOH
spread to ``$CELLSIM_FIGURES`` (default ``./figures``).

The cell: PyBaMM's ``OKane2022`` LG M50 (5 A.h, 21700) as an SPMe with solvent-diffusion
limited SEI growth and a contact resistance. The duty: the ``cellsim demo`` day (CC-CV
recharge overnight, 12 W to 2.5 V at the evening peak), from half charged.

The spread (assumption, inside the measured ranges below), drawn normal and independent:

- capacity, sigma = 0.3 % of the mean: the electrode width (so the electrode area, to
  which capacity is proportional) is drawn with that relative spread;
- DC resistance, sigma = 3 % of the mean: the contact resistance is drawn around 5 mOhm
  with sigma = 3 % of the whole cell's resistance at the first discharge (about
  41 mOhm: the model's own 36 mOhm plus the 5 mOhm contact).

Measured: batches of hundreds of new commercial cells of one type show capacity
variations (sigma/mean) of 0.2-0.3 % and impedance variations of 0.7-3.8 % (as
summarised by Wildfeuer and Lienkamp, who also show that part of the impedance spread
is measurement temperature; see also the review by Beck et al.).

References
----------
.. [1] L. Wildfeuer, M. Lienkamp, "Quantifiability of inherent cell-to-cell variations
   of commercial lithium-ion batteries", eTransportation 9 (2021) 100129.
.. [2] D. Beck, P. Dechent, M. Junker, D. U. Sauer, M. Dubarry, "Inhomogeneities and
   cell-to-cell variations in lithium-ion batteries, a review", Energies 14 (2021) 3276.
.. [3] S. E. J. O'Kane et al., "Lithium-ion battery degradation: how to model it",
   Phys. Chem. Chem. Phys. 24 (2022) 7909 (the OKane2022 parameters).

Usage::

    python examples/rack_sweep.py [--cells 64] [--years 10] [--client local] [-o rack.nc]
    python examples/rack_sweep.py --quick   # 2 cells, 2 cycles, serial (as the tests run it)

``CELLSIM_EXAMPLE_QUICK=1`` is the same as ``--quick``. The full run is about an hour of
single-core work (ten years of one cell take 30-70 s with inter-cycle extrapolation),
so about half an hour on a two-worker ``LocalCluster``; a bigger Dask cluster divides it
further.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import cellsim
from cellsim import duties, variation

WIDTH = "Electrode width [m]"
CONTACT = "Contact resistance [Ohm]"
#: OKane2022's electrode width, m.
WIDTH_MEAN = 1.58
#: Relative spread (sigma/mean) of capacity and of DC resistance: see the module docstring.
CAPACITY_SPREAD = 0.003
RESISTANCE_SPREAD = 0.03
#: Mean contact resistance, and the cell's whole DC resistance at the first discharge, ohm.
CONTACT_MEAN = 0.005
CELL_RESISTANCE = 0.041
#: The duty: the demo's day of peak shaving, W and A.h.
POWER, CAPACITY = 12.0, 5.0

CELL = cellsim.Cell(
    "OKane2022",
    model="SPMe",
    options={"SEI": "solvent-diffusion limited", "contact resistance": "true"},
)


def rack(cells: int, seed: int = 2024) -> dict[str, np.ndarray]:
    """The sampled electrode widths and contact resistances of ``cells`` cells."""
    return variation.combine(
        variation.normal(WIDTH, WIDTH_MEAN, CAPACITY_SPREAD * WIDTH_MEAN, cells, seed),
        variation.normal(CONTACT, CONTACT_MEAN, RESISTANCE_SPREAD * CELL_RESISTANCE, cells, seed),
    )


def end_of_life(ds, name: str) -> np.ndarray:
    """``name`` at each cell's last cycle (NaN for a failed cell)."""
    last = ds["cycles"].values - 1
    out = np.full(ds.sizes["sample"], np.nan)
    ran = last >= 0
    out[ran] = ds[name].values[np.flatnonzero(ran), last[ran]]
    return out


def spread(values: np.ndarray) -> str:
    values = values[np.isfinite(values)]
    return (
        f"mean {values.mean():.5g}, sigma/mean {100 * values.std() / values.mean():.2g} %, "
        f"min {values.min():.5g}, max {values.max():.5g}"
    )


def figure(ds, horizon: str, path: Path) -> None:
    """End-of-life SOH: its distribution, and against each cell's first capacity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    soh = 100 * end_of_life(ds, "soh")
    first_capacity = ds["capacity"].values[:, 0]
    first_resistance = 1e3 * ds["resistance"].values[:, 0]
    fig, (ax_h, ax_s) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    ax_h.hist(soh[np.isfinite(soh)], bins=min(16, max(4, ds.sizes["sample"] // 4)))
    ax_h.set(xlabel="SOH at end of life / %", ylabel="cells", title="End-of-life SOH")
    ax_h.ticklabel_format(axis="x", useOffset=False)
    points = ax_s.scatter(first_capacity, soh, c=first_resistance, cmap="viridis", s=18)
    fig.colorbar(points, ax=ax_s, label="resistance at first discharge / mOhm")
    ax_s.set(
        xlabel="capacity in the first cycle / A.h",
        ylabel="SOH at end of life / %",
        title="SOH against initial capacity",
    )
    ax_s.ticklabel_format(axis="y", useOffset=False)
    fig.suptitle(
        f"cellsim: {ds.sizes['sample']} LG M50 cells (OKane2022 SPMe + SEI), {horizon} of "
        f"daily peak shaving at {POWER:g} W\ncell-to-cell spread: capacity sigma "
        f"{100 * CAPACITY_SPREAD:g} %, resistance sigma {100 * RESISTANCE_SPREAD:g} %",
        fontsize=9,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"figure written to {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 cells, 2 cycles, serial")
    parser.add_argument("--cells", type=int, default=None, help="cells in the rack (64)")
    parser.add_argument("--years", type=float, default=10.0, help="years of duty (10)")
    parser.add_argument(
        "--client",
        default=None,
        help="'local' (default; quick: serial), 'serial', or a Dask scheduler address",
    )
    parser.add_argument("--workers", type=int, default=None, help="workers of a local cluster")
    parser.add_argument("--output", "-o", default=None, help="write the sweep to this netCDF")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("CELLSIM_EXAMPLE_QUICK") == "1"

    cells = args.cells or (2 if quick else 64)
    client = args.client or ("serial" if quick else "local")
    if quick:
        length, horizon = {"cycles": 2, "method": "full"}, "2 days"
    else:
        length, horizon = {"years": args.years, "method": "extrapolate"}, f"{args.years:g} years"
    duty = duties.peak_shaving(power=POWER, capacity=CAPACITY, depth_of_discharge=1.0)
    print(
        f"rack sweep: {cells} cells, {horizon} of daily peak shaving, "
        f"on {'this process' if client == 'serial' else client}"
    )

    start = time.perf_counter()
    ds = cellsim.sweep(
        CELL,
        duty,
        rack(cells),
        kind="age",
        client=None if client == "serial" else client,
        workers=args.workers,
        progress=True,
        initial_soc=0.5,
        **length,
    )
    elapsed = time.perf_counter() - start

    failed = ds["failed"].values.astype(bool)
    print(f"{cells} cells in {elapsed:.1f} s, {int(failed.sum())} failed")
    for i in np.flatnonzero(failed):
        print(f"  cell {i}: {ds['error'].values[i]}")
    print(f"capacity, first cycle [A.h]:   {spread(ds['capacity'].values[:, 0])}")
    print(f"resistance, first cycle [ohm]: {spread(ds['resistance'].values[:, 0])}")
    print(f"capacity, end of life [A.h]:   {spread(end_of_life(ds, 'capacity'))}")
    print(f"SOH, end of life:              {spread(end_of_life(ds, 'soh'))}")
    if args.output:
        ds.to_netcdf(args.output)
        print(f"result written to {args.output}")
    figures = Path(os.environ.get("CELLSIM_FIGURES", "figures"))
    figure(ds, horizon, figures / "rack_sweep_soh.png")
    return 0 if not failed.all() else 1


if __name__ == "__main__":  # required: a LocalCluster's workers re-import this file
    sys.exit(main())
