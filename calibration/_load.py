"""``calibration.load``: any supported cycler file into one normalised Dataset."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import xarray as xr

from calibration import (
    _load_arbin,
    _load_basytec,
    _load_bdf,
    _load_biologic,
    _load_maccor,
    _load_novonix,
    _load_tables,
)
from calibration._load_checks import (
    check_capacity,
    check_plausible,
    check_time,
    derived_steps,
    require_finite,
    sign_evidence,
    whole_numbers,
)
from calibration._load_columns import Columns, Format, Options
from calibration._load_dataset import Measured, build
from calibration._load_source import Source, open_source
from cellsim import DataFormatError
from cellsim._errors import close_matches

#: Every format, in the order detection tries them (specific before generic).
FORMATS: tuple[Format, ...] = (
    _load_bdf.FORMAT,
    _load_arbin.FORMAT,
    _load_maccor.FORMAT,
    _load_biologic.FORMAT,
    _load_novonix.FORMAT,
    _load_basytec.FORMAT,
    _load_tables.BATTERYARCHIVE,
    _load_tables.BATTERYDATA,
    _load_tables.PYBAMM,
)
_BY_NAME = {f.name: f for f in FORMATS}

#: A sign is read from the data only when the runs agree this much (score in [-1, 1]).
SIGN_AGREEMENT = 0.5
#: ... and the voltage moves at least this much over them in total, V.
SIGN_MIN_SWING = 0.01
#: Unsigned current: both directions of voltage change carry at least this share.
UNSIGNED_SHARE = 0.2


def formats() -> dict[str, str]:
    """The formats ``load`` reads: name → description and the source's sign convention.

    Returns
    -------
    dict of str to str
        In the order that detection tries them.

    Examples
    --------
    >>> import calibration
    >>> "arbin" in calibration.formats()
    True
    """
    return {f.name: f"{f.title}; {f.sign_note}" for f in FORMATS}


def load(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    select: Mapping[str, object] | None = None,
    units: Mapping[str, str] | None = None,
    positive_current: Literal["charge", "discharge"] | None = None,
) -> xr.Dataset:
    """Read a cycler file into cellsim's normalised Dataset.

    Parameters
    ----------
    path : str or path-like
        The file: Battery Data Format CSV, Arbin (CSV or .xlsx), Maccor (CSV or raw text
        such as ``.001``), BioLogic (``.mpt``/``.txt``), Novonix, Basytec, batteryarchive.org,
        Battery Data Hub or PyBaMM-style CSV; gzip-compressed or not.
    format : str, optional
        One of :func:`formats`; detected from the file's content when omitted.
    select : mapping, optional
        ``{column: value}``: keep only the rows where each named column (as written in the
        header) equals the value — for files that hold several tests, e.g.
        ``select={"c_rate": 0.5}``.
    units : mapping, optional
        ``{column: unit}``: the unit of a column whose header names none or names the wrong
        one, e.g. ``units={"Current": "mA"}``.
    positive_current : {"charge", "discharge"}, optional
        What positive current means in the file, overriding the format's convention and
        any reading of it from the data.

    Returns
    -------
    xarray.Dataset
        Over ``time`` (s since the first sample; non-decreasing, as cyclers may log two
        samples at one instant at a step change): ``current`` (A, > 0 is discharge),
        ``voltage`` (V), ``temperature`` and ``ambient_temperature`` (K, where the file has
        them), ``step`` and ``cycle`` (int32, as the cycler numbers them, else derived).
        Each variable has ``units``, ``long_name`` and ``source_name`` (the column read).
        Attributes: ``source_file``, ``format``, ``current_sign_in_source`` (the source's
        convention and how it was converted), ``selection``, ``notes``, and cellsim's
        provenance (``sign_convention`` among them).

    Raises
    ------
    DataFormatError
        If the file matches no format, ``format`` is unknown, a column is missing, not
        numeric or in units that do not fit, time is missing or goes back, or the sign of
        the current cannot be told; the message names the file, the column and the line.

    Examples
    --------
    >>> import calibration
    >>> data = calibration.load("rpt0_25degC.csv.gz")  # doctest: +SKIP
    >>> float(data.current.max())  # doctest: +SKIP
    0.5000...
    """
    if positive_current not in (None, "charge", "discharge"):
        raise DataFormatError(
            f"positive_current={positive_current!r}: allowed are 'charge', 'discharge' or None"
        )
    fmt = None if format is None else _format(format)
    path = Path(path)
    source = open_source(path)
    if fmt is None:
        fmt = detect(source)
    try:
        cols = fmt.read(source, Options(select=select, units=units))
    except DataFormatError as exc:
        if format is None or "read as" in str(exc):
            raise
        raise DataFormatError(f"{exc} (read as {fmt.title}, as format={format!r} says)") from None
    return _normalise(cols, fmt, path, select, positive_current)


def _format(name: str) -> Format:
    if name in _BY_NAME:
        return _BY_NAME[name]
    near = close_matches(name, _BY_NAME)
    hint = f"did you mean {', '.join(map(repr, near))}? " if near else ""
    raise DataFormatError(
        f"unknown format {name!r}: {hint}valid formats: {', '.join(map(repr, _BY_NAME))}"
    )


def detect(source: Source) -> Format:
    """The first format whose detector recognises the file's first lines."""
    head = source.head()
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    first = head.first[:120] if head.lines else f"(an Excel workbook, sheets {head.excel_sheets})"
    raise DataFormatError(
        f"{source.path}: matches no supported format ({', '.join(_BY_NAME)}); its first line "
        f"reads {first!r}. If you know the format, pass format=…"
    )


def _normalise(
    cols: Columns,
    fmt: Format,
    path: Path,
    select: Mapping[str, object] | None,
    positive_current: str | None,
) -> xr.Dataset:
    check_time(cols)
    require_finite(cols, "voltage")
    require_finite(cols, "current")
    n = cols.values["time"].size
    derived: dict[str, str] = {}
    step = whole_numbers(cols, "step")
    if step is None:
        step = derived_steps(cols.values["current"])
        derived["step"] = "a new step wherever the current starts, stops or reverses"
    cycle = whole_numbers(cols, "cycle")
    if cycle is None:
        cycle = np.ones(n, dtype=np.int32)
        derived["cycle"] = "the file has no cycle column; every sample is in cycle 1"
    check_capacity(cols, step, cycle)  # before check_plausible: the sharper unit test
    check_plausible(cols)
    charge_positive, sentence = _sign(cols, fmt, step, positive_current)
    current = cols.values["current"]
    series = {
        "current": np.subtract(0.0, current) if charge_positive else current.copy(),
        "voltage": cols.values["voltage"],
    }
    for name in ("temperature", "ambient_temperature"):
        values = cols.values.get(name)
        if values is not None and np.isfinite(values).any():
            series[name] = values
    t = cols.values["time"]
    attrs: dict[str, object] = {
        "source_file": str(path),
        "format": fmt.name,
        "format_title": fmt.title,
        "current_sign_in_source": sentence,
        "time_in_source_at_first_sample": float(t[0]),
    }
    if select:
        attrs["selection"] = ", ".join(f"{k} == {v!r}" for k, v in select.items())
    if cols.notes:
        attrs["notes"] = "; ".join(cols.notes)
    measured = Measured(
        time=t - t[0],
        series=series,
        step=step,
        cycle=cycle,
        source_names=dict(cols.headers),
        derived=derived,
        attrs=attrs,
    )
    return build(measured)


def _sign(
    cols: Columns, fmt: Format, step: np.ndarray, positive_current: str | None
) -> tuple[bool, str]:
    """Whether positive current in the file is charge, and the sentence that says so."""
    header = cols.headers["current"]
    if positive_current is not None:
        charge = positive_current == "charge"
        return charge, (
            f"The caller said positive current in column {header!r} is {positive_current}; "
            + ("it was negated so that" if charge else "it was kept as is, since")
            + " current > 0 is discharge."
        )
    current = cols.values["current"]
    if not np.any(current):
        return False, (
            f"Column {header!r} is zero throughout, so its sign convention does not matter "
            f"({fmt.sign_note})."
        )
    evidence = sign_evidence(current, cols.values["voltage"], step)
    if evidence.weight >= SIGN_MIN_SWING and evidence.never_negative:
        share = min(evidence.rising, evidence.falling) / evidence.weight
        if share >= UNSIGNED_SHARE:
            first, last = evidence.example
            raise cols.error(
                "current",
                first,
                "the current is never negative, yet the voltage rises on some steps with "
                f"current and falls on others (as from here to {cols.table.where(last)}): "
                "the column looks like a magnitude without sign; the file needs a signed "
                "current or a charge/discharge state column (Maccor: 'State' or 'MD'), or "
                "say what positive means with positive_current=",
            )
    decided = evidence.weight >= SIGN_MIN_SWING and abs(evidence.score) >= SIGN_AGREEMENT
    if fmt.charge_positive is None:
        if not decided:
            raise cols.error(
                "current",
                None,
                f"cannot tell which sign of current is charge ({fmt.sign_note}), but the "
                f"voltage does not show it (agreement {evidence.score:+.2f} over "
                f"{evidence.weight:.3g} V of voltage change); say it with "
                "positive_current='charge' or 'discharge'",
            )
        charge = evidence.score > 0
        return charge, (
            f"{fmt.sign_note}. In column {header!r} positive "
            f"current {'raises' if charge else 'lowers'} the voltage (agreement "
            f"{evidence.score:+.2f}), so positive is {'charge' if charge else 'discharge'}"
            + ("; it was negated" if charge else "; it was kept as is")
            + " so that current > 0 is discharge."
        )
    if decided and (evidence.score > 0) != fmt.charge_positive:
        first, last = evidence.example
        raise cols.error(
            "current",
            first,
            f"{fmt.sign_note}; but here positive current "
            f"{'lowers' if fmt.charge_positive else 'raises'} the voltage on most steps "
            f"(as from here to {cols.table.where(last)}; agreement {evidence.score:+.2f}): "
            "is the file of another format, or was its sign changed? Say what positive "
            "means with positive_current='charge' or 'discharge'",
        )
    charge = bool(fmt.charge_positive)
    return charge, (
        f"{fmt.sign_note} (column {header!r}); it was "
        + ("negated" if charge else "kept as is")
        + " so that current > 0 is discharge."
    )
