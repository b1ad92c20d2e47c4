"""Plain tables with units in their headers: PyBaMM-style CSV, batteryarchive.org and the
DOE Battery Data Hub (battery-data-toolkit) time series."""

from __future__ import annotations

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_columns import split_header as _split
from calibration._load_source import Head, Source, read_delimited, sniff_delimiter

_PYBAMM_STYLE = HeaderStyle(snake=True)
_PYBAMM_SPEC = {
    "time": Field(
        "time",
        ("time", "testtime", "runtime", "totaltime", "progtime", "programtime", "elapsedtime"),
        required=True,
    ),
    "current": Field(
        "current", ("current", "currentfunction", "batterycurrent", "cellcurrent"), required=True
    ),
    "voltage": Field(
        "voltage",
        ("voltage", "terminalvoltage", "batteryvoltage", "cellvoltage"),
        required=True,
    ),
    "step": Field("count", ("step", "stepindex", "stepnumber")),
    "cycle": Field("count", ("cycle", "cycleindex", "cyclenumber")),
    "temperature": Field(
        "temperature",
        (
            "temperature",
            "celltemperature",
            "celltemp",
            "celltempmid",
            "temp1",
            "surfacetemperature",
            "xaveragedcelltemperature",
            "volumeaveragedcelltemperature",
        ),
    ),
    "ambient_temperature": Field("temperature", ("ambienttemperature", "ambientt", "ambienttemp")),
    "capacity": Field("capacity", ("capacity", "dischargecapacity")),
}
PYBAMM_SIGN_NOTE = (
    "A PyBaMM-style table does not fix the sign of current (PyBaMM counts discharge as "
    "positive, PyProBE and most cyclers count charge as positive), so the sign is read from "
    "the data"
)

_ARCHIVE_STYLE = HeaderStyle()
_ARCHIVE_SPEC = {
    "time": Field("time", ("testtime",), "s", required=True),
    "current": Field("current", ("current",), "A", required=True),
    "voltage": Field("voltage", ("voltage",), "V", required=True),
    "cycle": Field("count", ("cycleindex",)),
    "temperature": Field("temperature", ("celltemperature",), "degC"),
    "ambient_temperature": Field("temperature", ("environmenttemperature",), "degC"),
    "charge_capacity": Field("capacity", ("chargecapacity",), "Ah"),
    "discharge_capacity": Field("capacity", ("dischargecapacity",), "Ah"),
}
ARCHIVE_SIGN_NOTE = (
    "Time series from batteryarchive.org count charging current as positive and discharging "
    "current as negative"
)

_HUB_STYLE = HeaderStyle(snake=True)
_HUB_SPEC = {
    "time": Field("time", ("time",), "s", required=True),
    "current": Field("current", ("current",), "A", required=True),
    "voltage": Field("voltage", ("voltage",), "V", required=True),
    "step": Field("count", ("step",)),
    "cycle": Field("count", ("cycleindex",)),
    "temperature": Field("temperature", ("celltemperature",), "degC"),
    "charge_capacity": Field("capacity", ("chargecapacity",), "Ah"),
    "discharge_capacity": Field("capacity", ("dischargecapacity",), "Ah"),
}
HUB_SIGN_NOTE = (
    "Battery Data Hub time series count charging current as positive and discharging "
    "current as negative"
)


def _header(head: Head) -> tuple[int, str] | None:
    """The first line that is not a ``#`` comment, and its index."""
    for i, line in enumerate(head.lines):
        if line.strip() and not line.lstrip().startswith("#"):
            return i, line
    return None


def _parsed(line: str, style: HeaderStyle) -> dict[str, str | None]:
    return dict(_split(h, style) for h in line.split(sniff_delimiter(line)))


def sniff_pybamm(head: Head) -> bool:
    """A header naming time and current with units (``Time [s]``, ``current_A``)."""
    found = _header(head)
    if found is None:
        return False
    parsed = _parsed(found[1], _PYBAMM_STYLE)
    has = {k for k, unit in parsed.items() if unit is not None}
    return bool(has & set(_PYBAMM_SPEC["time"].keys)) and bool(
        has & set(_PYBAMM_SPEC["current"].keys)
    )


def read_pybamm(source: Source, options: Options) -> Columns:
    """Read a PyBaMM-style CSV: every column names its quantity and unit.

    Headers in PyBaMM's ``Name [unit]`` style (``Time [s]``, ``Current [A]``,
    ``Voltage [V]``, ``Temperature [C]``, ``Capacity [Ah]``, as PyBaMM and PyProBE write
    them) or snake_case with the unit last (``time_s``, ``current_A``, ``voltage_V``,
    ``cell_temp_mid_degC``, ``ambient_T_degC``). ``#`` comment lines before the header are
    skipped. Units are required in the header for time, current and voltage.

    Sign convention: not fixed by such tables — PyBaMM counts discharging current as
    positive, PyProBE (and the cyclers it converts from) charging current. The caller reads
    it from the data (on steps where the voltage rises, current is charge) unless
    ``positive_current`` is given, and makes current > 0 discharge.
    """
    found = _header(source.head())
    index = 0 if found is None else found[0]
    table = read_delimited(source, index)
    return extract(table, _PYBAMM_SPEC, _PYBAMM_STYLE, options, title="a PyBaMM-style table")


def sniff_archive(head: Head) -> bool:
    """batteryarchive.org columns: ``Test_Time (s)``, ``Cycle_Index``, ``Current (A)``."""
    parsed = _parsed(head.first, _ARCHIVE_STYLE)
    return {"testtime", "cycleindex", "current", "voltage", "datetime"} <= set(parsed) and (
        "datapoint" not in parsed
    )


def read_archive(source: Source, options: Options) -> Columns:
    """Read a batteryarchive.org time-series CSV.

    Columns ``Test_Time (s)``, ``Current (A)``, ``Voltage (V)``, ``Cycle_Index``,
    ``Cell_Temperature (C)``, ``Environment_Temperature (C)``, ``Charge_Capacity (Ah)``,
    ``Discharge_Capacity (Ah)``. There is no step column: steps are derived from the
    current.

    Sign convention: batteryarchive.org counts charging current as positive and discharging
    current as negative (as the Arbin data it is converted from). The caller negates it so
    that current > 0 is discharge.
    """
    table = read_delimited(source, 0)
    return extract(table, _ARCHIVE_SPEC, _ARCHIVE_STYLE, options, title="a batteryarchive table")


def sniff_hub(head: Head) -> bool:
    """Battery Data Hub columns: ``Cycle_Index``, ``Step``, ``Time_s``, ``Current_A``."""
    headers = set(head.first.strip().split(","))
    return {"Cycle_Index", "Time_s", "Current_A", "Voltage_V"} <= headers


def read_hub(source: Source, options: Options) -> Columns:
    """Read a DOE Battery Data Hub time series (as battery-data-toolkit writes them).

    Columns ``Time_s``, ``Current_A``, ``Voltage_V``, ``Step``, ``Cycle_Index``,
    ``Cell_Temperature_C``, ``Charge_Capacity_Ah``, ``Discharge_Capacity_Ah``.

    Sign convention: the Battery Data Hub counts charging current as positive and
    discharging current as negative. The caller negates it so that current > 0 is discharge.
    """
    table = read_delimited(source, 0, delimiter=",")
    return extract(table, _HUB_SPEC, _HUB_STYLE, options, title="a Battery Data Hub table")


PYBAMM = Format(
    name="pybamm",
    title="PyBaMM-style CSV (units in the headers)",
    sniff=sniff_pybamm,
    read=read_pybamm,
    charge_positive=None,
    sign_note=PYBAMM_SIGN_NOTE,
)
BATTERYARCHIVE = Format(
    name="batteryarchive",
    title="batteryarchive.org time-series CSV",
    sniff=sniff_archive,
    read=read_archive,
    charge_positive=True,
    sign_note=ARCHIVE_SIGN_NOTE,
)
BATTERYDATA = Format(
    name="batterydata",
    title="DOE Battery Data Hub time-series CSV",
    sniff=sniff_hub,
    read=read_hub,
    charge_positive=True,
    sign_note=HUB_SIGN_NOTE,
)
