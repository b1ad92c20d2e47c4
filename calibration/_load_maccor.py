"""Maccor exports: CSV/text exports and raw text data files (``.001``, ``.002``, …)."""

from __future__ import annotations

import numpy as np

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_columns import split_header as _split
from calibration._load_source import Head, Source, read_delimited, sniff_delimiter
from cellsim import DataFormatError

_STYLE = HeaderStyle()
_SPEC = {
    "time": Field("time", ("testtime", "test"), "s", required=True),
    "current": Field("current", ("current", "amps"), "A", required=True),
    "voltage": Field("voltage", ("voltage", "volts"), "V", required=True),
    "step": Field("count", ("step",)),
    "cycle": Field("count", ("cyclec", "cyc", "cycle", "cyclep")),
    "temperature": Field("temperature", ("temp1", "temperature"), "degC"),
    "capacity": Field("capacity", ("capacity", "amphr"), "Ah"),
    "mode": Field("label", ("state", "md")),
}
SIGN_NOTE = (
    "Maccor raw files log current as a magnitude with a State column ('C' charge, "
    "'D' discharge, 'R' rest); its CSV exports without that column log charging current "
    "as positive and discharging current as negative"
)


def _header_index(head: Head) -> int | None:
    """The line of the header: the first with 'Rec', 'Step' and a current column."""
    for i, line in enumerate(head.lines[:20]):
        keys = {_split(h, _STYLE)[0] for h in line.split(sniff_delimiter(line))}
        if "rec" in keys and "step" in keys and keys & {"amps", "current"}:
            return i
    return None


def sniff(head: Head) -> bool:
    """A ``Today's Date`` preamble, or a header with Rec#, Step and Amps/Current."""
    return head.first.lstrip().startswith("Today's Date") or _header_index(head) is not None


def read(source: Source, options: Options) -> Columns:
    """Read a Maccor CSV/text export or raw text data file.

    The header follows a preamble of one or two lines (``Today's Date …``). Columns:
    ``Test Time (sec)`` or ``Test (Min)``, ``Current``/``Amps``, ``Voltage``/``Volts``,
    ``Step``, ``Cycle C``/``Cyc#``, ``Temp 1`` (°C), ``Capacity``/``Amp-hr`` (A.h, per step)
    and, in raw files, ``State``/``MD``.

    Sign convention: with a ``State`` (or ``MD``) column, Maccor logs current as a magnitude
    and the state says 'C' (charge) or 'D' (discharge); the magnitude is signed here as
    charge positive. Without it, the export's current is signed, charge positive. The caller
    then negates it so that current > 0 is discharge.
    """
    index = _header_index(source.head())
    if index is None:
        raise DataFormatError(
            f"{source.path}: read as a Maccor export, it has no header line with 'Rec', "
            "'Step' and 'Amps' or 'Current' among its first 20 lines"
        )
    cols = extract(read_delimited(source, index), _SPEC, _STYLE, options, title="a Maccor export")
    if "mode" in cols.values:
        mode = cols.values.pop("mode")
        magnitude = np.abs(cols.values["current"])
        signed = np.where(mode == "D", -magnitude, np.where(mode == "C", magnitude, np.nan))
        other = np.isnan(signed)
        cols.values["current"] = np.where(other, cols.values["current"], signed)
        cols.notes.append(
            f"current signed from column {cols.headers['mode']!r} ('C' charge, 'D' discharge)"
        )
    return cols


FORMAT = Format(
    name="maccor",
    title="Maccor CSV export or raw text data file",
    sniff=sniff,
    read=read,
    charge_positive=True,
    sign_note=SIGN_NOTE,
)
