"""Battery Data Format (BDF) CSV files of the Battery Data Alliance."""

from __future__ import annotations

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_source import Head, Source, read_delimited

_STYLE = HeaderStyle(slash=True, snake=True)
_SPEC = {
    "time": Field("time", ("testtime",), "s", required=True),
    "current": Field("current", ("current",), "A", required=True),
    "voltage": Field("voltage", ("voltage",), "V", required=True),
    "step": Field("count", ("stepcount",)),
    "cycle": Field("count", ("cyclecount",)),
    "temperature": Field("temperature", ("temperaturet1", "surfacetemperaturet1"), "degC"),
    "ambient_temperature": Field("temperature", ("ambienttemperature",), "degC"),
    "charge_capacity": Field("capacity", ("chargingcapacity",), "Ah"),
    "discharge_capacity": Field("capacity", ("dischargingcapacity",), "Ah"),
}
SIGN_NOTE = (
    "The Battery Data Format does not fix the sign of current_ampere (the files the Battery "
    "Data Alliance publishes count charging current as positive), so the sign is read from "
    "the data"
)


def sniff(head: Head) -> bool:
    """A header with BDF's machine-readable names or its preferred labels."""
    first = head.first
    return ("test_time_second" in first and "current_ampere" in first) or (
        "Test Time / s" in first and "Current / A" in first
    )


def read(source: Source, options: Options) -> Columns:
    """Read a Battery Data Format CSV file (``*.bdf.csv``, ``*.bdf``, ``*.bdf.gz``).

    The header holds either the machine-readable names (``test_time_second``,
    ``voltage_volt``, ``current_ampere``, ``step_count``, ``cycle_count``,
    ``ambient_temperature_celsius``, ``temperature_t1_celsius``, ``charging_capacity_ah``,
    ``discharging_capacity_ah``) or the preferred labels (``Test Time / s``, …); the units
    are fixed by the format.

    Sign convention: the format does not fix which sign of ``current_ampere`` is charge;
    the files the Battery Data Alliance publishes (converted from Neware, Arbin, …) count
    charging current as positive. The caller reads the sign from the data (on steps where
    the voltage rises, current is charge) unless ``positive_current`` is given, and makes
    current > 0 discharge.
    """
    table = read_delimited(source, 0)
    return extract(table, _SPEC, _STYLE, options, title="a Battery Data Format file")


FORMAT = Format(
    name="bdf",
    title="Battery Data Format (BDF) CSV",
    sniff=sniff,
    read=read,
    charge_positive=None,
    sign_note=SIGN_NOTE,
)
