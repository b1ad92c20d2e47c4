"""``cellsim age``: project a cell's life under a duty; a table per year or per N cycles."""

from __future__ import annotations

import argparse
import inspect
import math

import numpy as np

from cellsim._cli_common import (
    UsageError,
    add_cell_arguments,
    cell_from_args,
    fraction,
    pairs,
    positive_float,
    positive_int,
)

#: Ready-made duties: command-line name → function of :mod:`cellsim.duties`.
DUTIES = {
    "peak-shaving": "peak_shaving",
    "backup": "backup",
    "frequency-regulation": "frequency_regulation",
    "standby-float": "standby_float",
}
#: Rows of the table when --every is not given.
TABLE_ROWS = 10
SECONDS_PER_YEAR = 365.25 * 86400.0


def add_parser(sub) -> None:
    age = sub.add_parser(
        "age",
        help="project a cell's life under a repeated duty (capacity, SOH, LLI by year)",
        description="Age a cell under one cycle of duty repeated --cycles times or for "
        "--years; progress on stderr; prints a table per year (--years) or every N cycles "
        "and writes the Dataset over 'cycle' to --output. Example: cellsim age --parameter-"
        'set OKane2022 --model SPM --option SEI="solvent-diffusion limited" --duty '
        "peak-shaving --duty-arg power=15 --duty-arg capacity=5 --years 10 "
        "--method extrapolate -o life.nc",
    )
    add_cell_arguments(age)
    duty = age.add_argument_group("duty (one cycle, repeated)")
    duty.add_argument(
        "--step",
        action="append",
        default=[],
        help='a step of the cycle, e.g. "Discharge at 1C until 3 V" (repeat for more)',
    )
    duty.add_argument(
        "--duty",
        choices=tuple(DUTIES),
        default=None,
        help="a ready-made data-centre duty from cellsim.duties instead of --step",
    )
    duty.add_argument(
        "--duty-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an argument of --duty, e.g. power=15 (W) capacity=5 (A.h)",
    )
    duty.add_argument("--temperature", type=positive_float("--temperature"), default=None,
                      help="ambient temperature of --step cycles, K")  # fmt: skip
    run = age.add_argument_group("run")
    length = run.add_mutually_exclusive_group(required=True)
    length.add_argument("--cycles", type=positive_int("--cycles"), help="cycles to age")
    length.add_argument(
        "--years", type=positive_float("--years"), help="years of duty (by the cycle's length)"
    )
    run.add_argument(
        "--method",
        choices=("full", "extrapolate"),
        default="extrapolate",
        help="every cycle simulated, or error-controlled extrapolation between cycles",
    )
    run.add_argument("--initial-soc", type=fraction("--initial-soc"), default=None)
    run.add_argument(
        "--checkpoint",
        default=None,
        metavar="FILE",
        help="save progress here; a run killed and started again resumes from it",
    )
    run.add_argument(
        "--every",
        type=positive_int("--every"),
        default=None,
        help="a table row every N cycles (default: about ten rows; with --years, one a year)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    run.add_argument("--output", "-o", default=None, help="netCDF file to write")


def duty_from_args(args: argparse.Namespace):
    """The one-cycle Protocol of ``--step`` or ``--duty``."""
    from cellsim import Protocol, duties

    if bool(args.step) == (args.duty is not None):
        raise UsageError(
            "give the duty either as --step ... (one or more) or as --duty NAME with "
            f"--duty-arg NAME=VALUE (NAME one of {', '.join(DUTIES)}), not both or neither"
        )
    if args.step:
        if args.duty_arg:
            raise UsageError("--duty-arg needs --duty; with --step, steps say everything")
        return Protocol(args.step, temperature=args.temperature)
    function = getattr(duties, DUTIES[args.duty])
    arguments = pairs(args.duty_arg, "--duty-arg")
    if args.temperature is not None:
        arguments.setdefault("temperature", args.temperature)
    signature = inspect.signature(function)
    unknown = sorted(set(arguments) - set(signature.parameters))
    missing = [
        name
        for name, p in signature.parameters.items()
        if p.default is inspect.Parameter.empty and name not in arguments
    ]
    allowed = ", ".join(signature.parameters)
    if unknown:
        raise UsageError(f"--duty-arg {', '.join(unknown)}: --duty {args.duty} takes {allowed}")
    if missing:
        raise UsageError(
            f"--duty {args.duty} needs --duty-arg {', '.join(f'{m}=...' for m in missing)} "
            f"(it takes {allowed})"
        )
    return function(**arguments)


def run(args: argparse.Namespace) -> int:
    from cellsim._age import age
    from cellsim._summary import format_table

    cell = cell_from_args(args)
    duty = duty_from_args(args)
    length = {"years": args.years} if args.years is not None else {"cycles": args.cycles}
    what = f"{args.years:g} years" if args.years is not None else f"{args.cycles} cycles"
    print(f"cellsim age: {cell.parameter_set} {cell.model or ''}, {what}, method {args.method}")
    ds = age(
        cell,
        duty,
        method=args.method,
        initial_soc=args.initial_soc,
        checkpoint=args.checkpoint,
        progress=not args.quiet,
        **length,
    )
    by_year = args.years is not None
    rows = table_rows(ds, args.every, by_year=by_year)
    clock = ("year", "year", ".2f") if by_year else ("day", "day", ".2f")
    print(
        format_table(
            rows,
            [
                clock,
                ("cycle", "cycle", ".0f"),
                ("capacity", "capacity/Ah", ".4f"),
                ("soh", "SOH/%", ".2f"),
                ("lli", "LLI/%", ".2f"),
                ("resistance", "R/mOhm", ".2f"),
                ("efficiency", "energy eff/%", ".2f"),
                ("simulated", "simulated", ".0f"),
            ],
        )
    )
    simulated = int(ds.simulated.sum())
    rest = ", the rest extrapolated" if simulated < ds.sizes["cycle"] else ""
    print(f"{ds.sizes['cycle']} cycles, {simulated} simulated{rest}")
    if ds.attrs.get("stopped"):
        print(f"note: stopped early: {ds.attrs['stopped']}")
    if args.output:
        ds.to_netcdf(args.output)
        print(f"result written to {args.output}")
    return 0


def table_rows(ds, every: int | None, *, by_year: bool) -> list[dict[str, float]]:
    """Rows at the first cycle and then one a year (``by_year``) or every N cycles."""
    n = ds.sizes["cycle"]
    years = ds["time"].values / SECONDS_PER_YEAR
    if by_year and every is None:
        marks = [0, *np.searchsorted(years, np.arange(1, math.floor(years[-1]) + 1) - 1e-9)]
    else:
        step = every or max(1, math.ceil(n / TABLE_ROWS))
        marks = list(range(0, n, step))
    if marks[-1] != n - 1:
        marks.append(n - 1)
    rows = []
    for i in sorted({int(min(m, n - 1)) for m in marks}):
        rows.append(
            {
                "year": float(years[i]),
                "day": float(years[i]) * 365.25,
                "cycle": float(ds.cycle.values[i]),
                "capacity": float(ds.capacity.values[i]),
                "soh": 100.0 * float(ds.soh.values[i]),
                "lli": float(ds.lli.values[i]),
                "resistance": 1e3 * float(ds.resistance.values[i]),
                # the first cycle starts from the initial state: not an efficiency
                "efficiency": 100.0 * float(ds.energy_efficiency.values[i]) if i else math.nan,
                "simulated": float(ds.simulated.values[: i + 1].sum()),
            }
        )
    return rows
