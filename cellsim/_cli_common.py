"""What the ``cellsim`` subcommands share: the cell arguments and usage errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


class UsageError(Exception):
    """A command-line argument that is not allowed: the message names it and what is.

    ``main`` prints it as ``cellsim <command>: error: <message>`` and exits with 2, as
    argparse does for its own errors; no traceback.
    """


def parse_value(text: str):
    """A JSON value (number, true/false, list ...) or else the text itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def pairs(items: list[str], what: str) -> dict:
    """``["NAME=VALUE", ...]`` as a dict; ``what`` names the argument in errors."""
    out = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"{what} {item!r} must look like NAME=VALUE")
        key, value = item.split("=", 1)
        out[key.strip()] = parse_value(value.strip())
    return out


def positive_float(what: str):
    """An argparse type: a number > 0, the message naming ``what``."""

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{what} must be > 0, got {text!r}")
        return value

    return convert


def positive_int(what: str):
    """An argparse type: an integer >= 1, the message naming ``what``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, got {text!r}"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{what} must be >= 1, got {text!r}")
        return value

    return convert


def fraction(what: str):
    """An argparse type: a number in [0, 1]."""

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(f"{what} must be in [0, 1], got {text!r}")
        return value

    return convert


def add_cell_arguments(parser: argparse.ArgumentParser) -> None:
    """``--cell FILE`` or ``--parameter-set/--model/--option/--set``."""
    group = parser.add_argument_group("cell")
    group.add_argument(
        "--cell",
        default=None,
        metavar="FILE",
        help="a saved cell: JSON (Cell.to_json) or the .nc table `cellsim fit` writes (its "
        "fitted cell); --model/--option/--set then change it",
    )
    group.add_argument("--parameter-set", default="Chen2020")
    group.add_argument("--model", default=None, help="SPM, SPMe or DFN for lithium-ion")
    group.add_argument("--option", action="append", default=[], help="model option NAME=VALUE")
    group.add_argument(
        "--set", action="append", default=[], help='parameter override "NAME [units]=VALUE"'
    )


def cell_from_args(args: argparse.Namespace):
    """The Cell the arguments describe."""
    from cellsim import Cell

    options = pairs(args.option, "--option")
    overrides = pairs(args.set, "--set")
    for name, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"--set {name!r} must be a number, got {value!r}")
    if args.cell is None:
        return Cell(args.parameter_set, model=args.model, options=options, overrides=overrides)
    cell = saved_cell(Path(args.cell))
    changes: dict = {}
    if args.model is not None:
        changes["model"] = args.model
    if options:
        changes["options"] = {**cell.options, **options}
    if overrides:
        changes["overrides"] = overrides
    return cell.replace(**changes) if changes else cell


def saved_cell(path: Path):
    """A Cell from a JSON file or from the fitted cell of a ``cellsim fit`` table."""
    from cellsim import Cell

    if not path.is_file():
        raise UsageError(f"--cell {str(path)!r}: no such file")
    if path.suffix == ".nc":
        import xarray as xr

        try:
            with xr.open_dataset(path) as table:
                spec = table.attrs.get("fitted_cell") or table.attrs.get("cell")
        except (OSError, ValueError) as err:
            raise UsageError(f"--cell {str(path)!r}: not a readable netCDF file ({err})") from None
        if spec is None:
            raise UsageError(
                f"--cell {str(path)!r}: the file has no 'fitted_cell' or 'cell' attribute "
                "(a table from `cellsim fit` or a result of simulate/age has one)"
            )
    else:
        spec = path.read_text()
    try:
        return Cell.from_json(spec)
    except json.JSONDecodeError as err:
        raise UsageError(f"--cell {str(path)!r}: not a JSON cell spec ({err})") from None
