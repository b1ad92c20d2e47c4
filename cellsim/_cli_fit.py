"""``cellsim fit``: fit a cell to measured cycler files; the parameter table and RMSEs.

``calibration`` is imported only when the command runs: ``import cellsim`` does not
import it (the package arrows point into ``cellsim``).
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

from cellsim._cli_common import (
    UsageError,
    add_cell_arguments,
    cell_from_args,
    fraction,
    parse_value,
    positive_int,
)

#: Separates a data file from its selections: ``ratetest.csv.gz::c_rate=0.5::steps=1-2``.
SELECT_MARK = "::"
_STEPS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def add_parser(sub) -> None:
    fit = sub.add_parser(
        "fit",
        help="fit a cell's parameters to measured cycler files (voltage RMSE per data set)",
        description="Fit parameters of a cell to one or more cycler files, each replayed "
        "with its measured current. Without --fit, the chemistry's default recipe "
        "(lithium-ion: electrode balance from the lowest rate, then diffusivities and a "
        "contact resistance). A file holding several tests takes selections after '::': "
        "ratetest_25degC.csv.gz::c_rate=0.5::steps=1-2 (steps=A-B keeps cycler steps A to "
        "B, e.g. the rest and the discharge). Prints the parameter table and the RMSE per "
        "data set; --output writes the table (.nc, with the fitted cell in its attributes, "
        "readable by --cell) and a figure beside it.",
    )
    fit.add_argument(
        "data",
        nargs="+",
        metavar="DATA",
        help="a cycler file calibration.load reads, optionally with ::COLUMN=VALUE "
        "selections and ::steps=A-B",
    )
    add_cell_arguments(fit)
    fit.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME=LOWER,UPPER",
        help='a parameter to fit and its bounds, e.g. "Positive particle diffusivity '
        '[m2.s-1]=1e-15,1e-13" (repeat for more; default: the recipe)',
    )
    fit.add_argument(
        "--format", default=None, help="the files' format (default: detected from content)"
    )
    fit.add_argument(
        "--method",
        choices=("least_squares", "differential_evolution"),
        default="least_squares",
    )
    fit.add_argument(
        "--weighting",
        choices=("time", "samples"),
        default="time",
        help="each sample weighs the time it stands for, or every sample alike (the "
        "per-sample RMSE)",
    )
    fit.add_argument(
        "--initial-soc",
        type=fraction("--initial-soc"),
        default=None,
        help="SOC at each data set's first sample (default: from its rest voltage)",
    )
    fit.add_argument("--starts", type=positive_int("--starts"), default=1)
    fit.add_argument(
        "--max-evaluations",
        type=positive_int("--max-evaluations"),
        default=None,
        help="cap on evaluations per stage and start",
    )
    fit.add_argument("--every", type=positive_int("--every"), default=1,
                     help="use every Nth sample of each file (a quick look)")  # fmt: skip
    fit.add_argument("--output", "-o", default=None, help="the parameter table as netCDF (.nc)")
    fit.add_argument(
        "--figure",
        default=None,
        help="figure of data against model (default: the --output name with .png)",
    )


def parse_bounds(items: list[str]) -> dict[str, tuple[float, float]] | None:
    """``--fit NAME=LOWER,UPPER`` items as ``{name: (lower, upper)}``; None if none."""
    if not items:
        return None
    bounds = {}
    for item in items:
        name, sep, text = item.rpartition("=")
        parts = text.split(",")
        if not sep or not name.strip() or len(parts) != 2:
            raise UsageError(f"--fit {item!r} must look like NAME=LOWER,UPPER")
        try:
            lower, upper = (float(p) for p in parts)
        except ValueError:
            raise UsageError(f"--fit {item!r}: LOWER and UPPER must be numbers") from None
        if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
            raise UsageError(f"--fit {item!r}: bounds must be finite with LOWER < UPPER")
        bounds[name.strip()] = (lower, upper)
    return bounds


def parse_data(spec: str) -> tuple[Path, dict[str, object], tuple[int, int] | None]:
    """A DATA argument: the file, its ``select=`` and its step range."""
    path, *parts = spec.split(SELECT_MARK)
    select: dict[str, object] = {}
    steps = None
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"DATA {spec!r}: selection {part!r} must look like COLUMN=VALUE or steps=A-B"
            )
        if key.strip() == "steps":
            found = _STEPS.match(value)
            if found is None:
                raise UsageError(f"DATA {spec!r}: steps={value!r} must be A or A-B (integers)")
            first = int(found[1])
            steps = (first, int(found[2]) if found[2] else first)
        else:
            select[key.strip()] = parse_value(value.strip())
    return Path(path), select, steps


def load_data(specs: list[str], file_format: str | None, every: int) -> dict:
    """Each DATA argument loaded (and cut to its steps), by a readable name."""
    import calibration

    out = {}
    for spec in specs:
        path, select, steps = parse_data(spec)
        data = calibration.load(path, file_format, select=select or None)
        if steps is not None:
            keep = (data.step >= steps[0]) & (data.step <= steps[1])
            if not bool(keep.any()):
                present = sorted({int(s) for s in data.step.values})
                raise UsageError(
                    f"DATA {spec!r}: no sample in steps {steps[0]}-{steps[1]}; the data "
                    f"have steps {present[:30]}"
                )
            data = data.isel(time=keep.values)
        if every > 1:
            data = data.isel(time=slice(None, None, every))
        name = path.name + "".join(f" {k}={v}" for k, v in select.items())
        if steps is not None:
            name += f" steps {steps[0]}-{steps[1]}"
        out[name if name not in out else spec] = data
    return out


def run(args: argparse.Namespace) -> int:
    import calibration

    cell = cell_from_args(args)
    bounds = parse_bounds(args.fit)
    if args.output is not None and Path(args.output).suffix != ".nc":
        raise UsageError(f"--output {args.output!r} must be a netCDF file ending in .nc")
    data = load_data(args.data, args.format, args.every)
    what = "the default recipe" if bounds is None else f"{len(bounds)} parameter(s)"
    print(
        f"cellsim fit: {cell.parameter_set} {cell.model or ''} to {len(data)} data set(s), "
        f"{what}, {args.method}"
    )
    result = calibration.fit(
        cell,
        data,
        bounds,
        method=args.method,
        weighting=args.weighting,
        initial_soc=args.initial_soc,
        starts=args.starts,
        max_evaluations=args.max_evaluations,
    )
    print(result.table())
    attrs = result.parameters.attrs
    print(f"{attrs['evaluations']} model evaluations, {attrs['wall_time']:.1f} s")
    figure = args.figure
    if figure is None and args.output is not None:
        figure = str(Path(args.output).with_suffix(".png"))
    if args.output is not None:
        result.parameters.to_netcdf(args.output)
        print(f"parameter table written to {args.output} (the fitted cell: --cell {args.output})")
    if figure is not None:
        import matplotlib

        matplotlib.use("Agg")
        result.plot(figure)
        print(f"figure written to {figure}")
    return 0
