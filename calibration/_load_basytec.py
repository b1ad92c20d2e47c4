"""Basytec text exports (``~``-prefixed preamble, tab-separated data)."""

from __future__ import annotations

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_source import Head, Source, read_delimited
from cellsim import DataFormatError

_STYLE = HeaderStyle()
_SPEC = {
    "time": Field("time", ("time",), "s", required=True),
    "current": Field("current", ("i",), "A", required=True),
    "voltage": Field("voltage", ("u",), "V", required=True),
    "step": Field("count", ("line",)),
    "cycle": Field("count", ("cyccount",)),
    "temperature": Field("temperature", ("t1",), "degC"),
    "capacity": Field("capacity", ("ahstep",), "Ah"),
}
SIGN_NOTE = "Basytec logs charging current as positive and discharging current as negative"


def _header_index(head: Head) -> int | None:
    """The last ``~`` line before the data: the column header (``~Time[s] …``)."""
    index = None
    for i, line in enumerate(head.lines):
        if not line.startswith("~"):
            break
        index = i
    return index


def sniff(head: Head) -> bool:
    """A ``~Resultfile from Basytec`` preamble or a ``~Time[s]`` header."""
    first = head.first.lstrip("\ufeff")
    return first.lower().startswith("~resultfile from basytec") or first.startswith("~Time[")


def read(source: Source, options: Options) -> Columns:
    """Read a Basytec text export.

    The header is the last line of the ``~`` preamble. Columns: ``~Time[s]``, ``I[A]``,
    ``U[V]``, ``Line`` (the test-plan line, as step), ``Cyc-Count``, ``T1[°C]``, ``Ah-Step``.
    Decimal commas (a German locale) are read too.

    Sign convention: Basytec counts charging current as positive and discharging current as
    negative. The caller negates it so that current > 0 is discharge.
    """
    index = _header_index(source.head())
    if index is None:
        raise DataFormatError(f"{source.path}: read as a Basytec export, it has no '~' header line")
    table = read_delimited(source, index, delimiter="\t")
    return extract(table, _SPEC, _STYLE, options, title="a Basytec export")


FORMAT = Format(
    name="basytec",
    title="Basytec text export",
    sniff=sniff,
    read=read,
    charge_positive=True,
    sign_note=SIGN_NOTE,
)
