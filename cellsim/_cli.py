"""The ``cellsim`` command line: simulate, age, fit, sweep, chemistries, demo.

Bad arguments print ``cellsim <command>: error: ...`` naming the argument and what is
allowed, and exit with status 2 (no traceback)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from cellsim import _cli_age, _cli_fit
from cellsim._cli_common import UsageError, pairs

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


def _cmd_chemistries(args: argparse.Namespace) -> int:
    from cellsim._chemistry import chemistries

    for name, chem in sorted(chemistries().items()):
        print(f"{name}: models {', '.join(chem.models())} (default {chem.default_model})")
        for pset in chem.parameter_sets():
            print(f"  {pset}")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from cellsim import Cell, Protocol, simulate
    from cellsim._summary import format_table, step_table

    cell = Cell(
        args.parameter_set,
        model=args.model,
        options=pairs(args.option, "option"),
        overrides=pairs(args.set, "override"),
    )
    protocol = Protocol(args.step, cycles=args.cycles)
    ds = simulate(cell, protocol, initial_soc=args.initial_soc, period=args.period)
    print(
        format_table(
            step_table(ds),
            [
                ("cycle", "cycle", "d"),
                ("step", "step", "d"),
                ("duration_h", "hours", ".3f"),
                ("charge_Ah", "charge/Ah", ".4f"),
                ("energy_Wh", "energy/Wh", ".3f"),
                ("v_start", "V start", ".4f"),
                ("v_end", "V end", ".4f"),
            ],
        )
    )
    for stop in json.loads(ds.attrs["safety_stops"]):
        print(f"note: {stop}")
    if args.output:
        ds.to_netcdf(args.output)
        print(f"result written to {args.output}")
    return 0


def _floats(text: str, what: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"{what} {text!r} must be numbers separated by commas") from None


def _sweep_samples(args: argparse.Namespace) -> dict:
    """The samples of ``cellsim sweep`` from its --normal/--uniform/--values/--grid."""
    from cellsim import variation

    parts = []
    for name, a, b in args.normal:
        mean, std = _floats(f"{a},{b}", f"--normal {name!r} MEAN,STD")
        parts.append(variation.normal(name, mean, std, args.samples, args.seed))
    for name, a, b in args.uniform:
        low, high = _floats(f"{a},{b}", f"--uniform {name!r} LOW,HIGH")
        parts.append(variation.uniform(name, low, high, args.samples, args.seed))
    for name, text in pairs(args.values, "--values").items():
        parts.append({name: _floats(str(text), f"--values {name!r}")})
    grid = {
        name: _floats(str(text), f"--grid {name!r}")
        for name, text in pairs(args.grid, "--grid").items()
    }
    if grid and parts:
        raise UsageError("give either --grid or --normal/--uniform/--values, not both")
    if not grid and not parts:
        raise UsageError("give the samples: --normal, --uniform, --values or --grid")
    return variation.grid(grid) if grid else variation.combine(*parts)


def _cmd_sweep(args: argparse.Namespace) -> int:
    import numpy as np

    from cellsim import Cell, Protocol, sweep

    cell = Cell(
        args.parameter_set,
        model=args.model,
        options=pairs(args.option, "option"),
        overrides=pairs(args.set, "override"),
    )
    samples = _sweep_samples(args)
    options = {"initial_soc": args.initial_soc} if args.initial_soc is not None else {}
    if args.kind == "age":
        protocol = Protocol(args.step)
        options.update(method=args.method)
        options.update({"years": args.years} if args.years is not None else {"cycles": args.cycles})
    else:
        protocol = Protocol(args.step, cycles=args.cycles)
    ds = sweep(
        cell,
        protocol,
        samples,
        kind=args.kind,
        client=args.client,
        workers=args.workers,
        full=args.full,
        progress=True,
        **options,
    )
    failed = ds["failed"].values.astype(bool)
    print(f"{ds.sizes['sample']} samples, {int(failed.sum())} failed")
    for i in np.flatnonzero(failed):
        print(f"  sample {i}: {ds['error'].values[i]}")
    if args.kind == "age":
        last = ds["cycles"].values - 1
        ok = ~failed & (last >= 0)
        values = ds["soh"].values[np.flatnonzero(ok), last[ok]]
        what = "SOH at the last cycle"
    else:
        values = ds["capacity"].values[~failed]
        what = "capacity delivered/A.h"
    if values.size:
        print(
            f"{what}: mean {values.mean():.4f}, std {values.std():.4f}, "
            f"min {values.min():.4f}, max {values.max():.4f}"
        )
    ds.to_netcdf(args.output)
    print(f"result written to {args.output}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from cellsim._demo import run

    return run(rates=args.rates)


def _add_sweep(sub) -> None:
    sw = sub.add_parser(
        "sweep",
        help="one cell under one protocol for many parameter samples (serially or on Dask)",
        description="Run a cell for many samples of its parameters; progress on stderr; "
        "writes one netCDF over 'sample'. Parameter names are full, with units: "
        '"Electrode width [m]".',
    )
    sw.add_argument("--parameter-set", default="Chen2020")
    sw.add_argument("--model", default=None, help="SPM, SPMe or DFN for lithium-ion")
    sw.add_argument("--option", action="append", default=[], help="model option NAME=VALUE")
    sw.add_argument("--set", action="append", default=[], help="fixed override NAME=VALUE")
    sw.add_argument(
        "--step", action="append", required=True, help="a step of the protocol (or duty)"
    )
    sw.add_argument("--kind", choices=("simulate", "age"), default="simulate")
    sw.add_argument(
        "--cycles", type=int, default=1, help="simulate: protocol repeats; age: cycles to age"
    )
    sw.add_argument("--years", type=float, default=None, help="age: years of duty instead")
    sw.add_argument("--method", choices=("full", "extrapolate"), default="full", help="age")
    sw.add_argument("--initial-soc", type=float, default=None)
    sw.add_argument(
        "--normal",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "MEAN", "STD"),
        help="normal draws of a parameter (--samples of them)",
    )
    sw.add_argument(
        "--uniform",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "LOW", "HIGH"),
        help="uniform draws of a parameter",
    )
    sw.add_argument(
        "--values", action="append", default=[], help="NAME=V1,V2,... one value per sample"
    )
    sw.add_argument("--grid", action="append", default=[], help="NAME=V1,V2,... every combination")
    sw.add_argument("--samples", "-n", type=int, default=16, help="draws for --normal/--uniform")
    sw.add_argument("--seed", type=int, default=0, help="seed of the draws")
    sw.add_argument(
        "--client",
        default=None,
        help="'local' (a LocalCluster), a scheduler address tcp://host:port or a scheduler "
        "file; default: serial in this process",
    )
    sw.add_argument("--workers", type=int, default=None, help="workers of a local cluster")
    sw.add_argument("--full", action="store_true", help="simulate: keep every time series")
    sw.add_argument("--output", "-o", required=True, help="netCDF file to write")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cellsim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("chemistries", help="list chemistries, models and parameter sets")
    demo = sub.add_parser(
        "demo", help="a real run: ten-year lifetime projection, prints a table, writes a figure"
    )
    demo.add_argument(
        "--rates", action="store_true", help="rate capability against measured LG M50 instead"
    )

    sim = sub.add_parser("simulate", help="simulate a cell under a protocol")
    sim.add_argument("--parameter-set", default="Chen2020")
    sim.add_argument("--model", default=None, help="SPM, SPMe or DFN for lithium-ion")
    sim.add_argument("--option", action="append", default=[], help="model option NAME=VALUE")
    sim.add_argument("--set", action="append", default=[], help="parameter override NAME=VALUE")
    sim.add_argument(
        "--step",
        action="append",
        required=True,
        help='a step, e.g. "Discharge at 1C until 2.5 V" (repeat for more)',
    )
    sim.add_argument("--cycles", type=int, default=1)
    sim.add_argument("--initial-soc", type=float, default=None)
    sim.add_argument("--period", type=float, default=None, help="output spacing, s")
    sim.add_argument("--output", "-o", default=None, help="write the result to this netCDF file")

    _add_sweep(sub)
    _cli_age.add_parser(sub)
    _cli_fit.add_parser(sub)

    args = parser.parse_args(argv)
    handlers = {
        "chemistries": _cmd_chemistries,
        "simulate": _cmd_simulate,
        "demo": _cmd_demo,
        "sweep": _cmd_sweep,
        "age": _cli_age.run,
        "fit": _cli_fit.run,
    }
    from cellsim._errors import CellsimError

    try:
        return handlers[args.command](args)
    except UsageError as err:
        print(f"cellsim {args.command}: error: {err}", file=sys.stderr)
        return 2
    except CellsimError as err:
        print(f"cellsim {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
