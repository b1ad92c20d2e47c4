"""Novonix UHPC CSV exports (``[Summary]``, ``[Protocol]`` and ``[Data]`` sections)."""

from __future__ import annotations

import re

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_source import Head, Source, read_delimited
from cellsim import DataFormatError

_STYLE = HeaderStyle()
_SPEC = {
    "time": Field("time", ("runtime",), "h", required=True),
    "current": Field("current", ("current",), "A", required=True),
    "voltage": Field("voltage", ("potential", "voltage"), "V", required=True),
    "step": Field("count", ("stepnumber",)),
    "cycle": Field("count", ("cyclenumber",)),
    "temperature": Field("temperature", ("temperature",), "degC"),
    "capacity": Field("capacity", ("capacity",), "Ah"),
}
SIGN_NOTE = "Novonix logs charging current as positive and discharging current as negative"


def _data_line(source: Source) -> int | None:
    assert source.text is not None
    match = re.search(r"^\[Data\][ \t\r]*$", source.text, re.MULTILINE)
    return None if match is None else source.text.count("\n", 0, match.start())


def sniff(head: Head) -> bool:
    """A ``[Summary]`` section naming Novonix (the ``[Data]`` header comes after it)."""
    return head.first.strip() == "[Summary]" and any("novonix" in x.lower() for x in head.lines[:5])


def read(source: Source, options: Options) -> Columns:
    """Read a Novonix UHPC CSV export.

    The column header is the line after ``[Data]``. Columns: ``Run Time (h)``,
    ``Current (A)``, ``Potential (V)``, ``Step Number``, ``Cycle Number``,
    ``Temperature (°C)`` (the cell's, not ``Circuit Temperature``), ``Capacity (Ah)``.

    Sign convention: Novonix counts charging current as positive and discharging current
    as negative. The caller negates it so that current > 0 is discharge.
    """
    index = _data_line(source)
    if index is None:
        raise DataFormatError(f"{source.path}: read as a Novonix export, it has no [Data] line")
    table = read_delimited(source, index + 1, delimiter=",")
    return extract(table, _SPEC, _STYLE, options, title="a Novonix export")


FORMAT = Format(
    name="novonix",
    title="Novonix UHPC CSV export",
    sniff=sniff,
    read=read,
    charge_positive=True,
    sign_note=SIGN_NOTE,
)
