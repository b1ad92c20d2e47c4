"""The ``cellsim`` command line: simulate, chemistries, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _pairs(items: list[str], what: str) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"cellsim: {what} {item!r} must look like NAME=VALUE")
        key, value = item.split("=", 1)
        out[key.strip()] = _parse_value(value.strip())
    return out


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
        options=_pairs(args.option, "option"),
        overrides=_pairs(args.set, "override"),
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


def _cmd_demo(args: argparse.Namespace) -> int:
    from cellsim._demo import run

    return run(rates=args.rates)


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

    args = parser.parse_args(argv)
    handlers = {"chemistries": _cmd_chemistries, "simulate": _cmd_simulate, "demo": _cmd_demo}
    from cellsim._errors import CellsimError

    try:
        return handlers[args.command](args)
    except CellsimError as err:
        print(f"cellsim: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
