"""Arbin exports: CSV (MITS Pro and older) and Excel workbooks (``Channel_…`` sheets)."""

from __future__ import annotations

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_columns import split_header as _split
from calibration._load_source import Head, RawTable, Source, read_delimited, read_sheets
from cellsim import DataFormatError

_STYLE = HeaderStyle()
_SPEC = {
    "time": Field("time", ("testtime",), "s", required=True),
    "current": Field("current", ("current",), "A", required=True),
    "voltage": Field("voltage", ("voltage",), "V", required=True),
    "step": Field("count", ("stepindex",)),
    "cycle": Field("count", ("cycleindex",)),
    "temperature": Field(
        "temperature", ("temperature", "auxtemperature", "temperature1"), "degC", prefix=True
    ),
    "charge_capacity": Field("capacity", ("chargecapacity",), "Ah"),
    "discharge_capacity": Field("capacity", ("dischargecapacity",), "Ah"),
}
_SIGNATURE = {"datapoint", "testtime", "stepindex", "cycleindex"}
SIGN_NOTE = "Arbin logs charging current as positive and discharging current as negative"


def _keys(line: str) -> set[str]:
    sep = "\t" if line.count("\t") > line.count(",") else ","
    return {_split(h, _STYLE)[0] for h in line.split(sep)}


def _data_sheets(sheets: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in sheets if s.lower().startswith("channel") and "chart" not in s.lower())


def sniff(head: Head) -> bool:
    """An Arbin header: data point, test time, step index and cycle index."""
    if head.excel_sheets:
        return bool(_data_sheets(head.excel_sheets))
    return _keys(head.first) >= _SIGNATURE


def read(source: Source, options: Options) -> Columns:
    """Read an Arbin CSV export or Excel workbook.

    Columns ``Test_Time``/``Test Time (s)``, ``Current``/``Current (A)``,
    ``Voltage``/``Voltage (V)``, ``Step_Index``, ``Cycle_Index``, the first temperature
    (``Temperature`` or ``Aux_Temperature_1 (C)``) and ``Charge_Capacity``/
    ``Discharge_Capacity``. Units come from the header; without one, Arbin's defaults
    (s, A, V, °C, A.h) are assumed and checked for plausibility. In a workbook, every sheet
    named ``Channel…`` holds data; they are stacked in order.

    Sign convention: Arbin counts charging current as positive and discharging current as
    negative. The caller negates it so that current > 0 is discharge.
    """
    if source.text is None:
        sheets = _data_sheets(source.excel_sheets)
        if not sheets:
            raise DataFormatError(
                f"{source.path}: an Excel workbook without Arbin 'Channel…' data sheets "
                f"(sheets: {', '.join(map(repr, source.excel_sheets))})"
            )
        table: RawTable = read_sheets(source.path, sheets)
    else:
        table = read_delimited(source, 0)
    return extract(table, _SPEC, _STYLE, options, title="an Arbin export")


FORMAT = Format(
    name="arbin",
    title="Arbin CSV or Excel export",
    sniff=sniff,
    read=read,
    charge_positive=True,
    sign_note=SIGN_NOTE,
)
