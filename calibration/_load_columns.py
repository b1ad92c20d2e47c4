"""Finding a format's columns by name, reading their units from the header, converting to SI.

A header such as ``"Current (mA)"``, ``"I/mA"``, ``"Current [A]"``, ``"current_ampere"`` or
``"Test Time / s"`` is split into a *key* (lower-case letters and digits of the name:
``"current"``, ``"i"``, ``"testtime"``) and a *unit*. Each format lists, for every quantity,
the keys its cycler uses and the unit to assume when the header names none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from calibration._load_source import RawTable
from cellsim import DataFormatError
from cellsim._errors import close_matches

Dimension = Literal["time", "current", "voltage", "temperature", "capacity", "count", "label"]

_SCALE: dict[str, dict[str, float]] = {
    "time": {
        **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
        "ms": 1e-3,
        **dict.fromkeys(("min", "mins", "minute", "minutes"), 60.0),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
        **dict.fromkeys(("d", "day", "days"), 86400.0),
    },
    "current": {
        **dict.fromkeys(("a", "amp", "amps", "ampere", "amperes"), 1.0),
        **dict.fromkeys(("ma", "milliampere"), 1e-3),
        **dict.fromkeys(("ua", "µa"), 1e-6),
    },
    "voltage": {**dict.fromkeys(("v", "volt", "volts"), 1.0), "mv": 1e-3},
    "capacity": {
        **dict.fromkeys(("ah", "a.h", "amphr", "amp-hr"), 1.0),
        **dict.fromkeys(("mah", "ma.h"), 1e-3),
        **dict.fromkeys(("uah", "µah", "ua.h", "µa.h"), 1e-6),
    },
}
_KELVIN_OFFSET = {
    **dict.fromkeys(("c", "°c", "degc", "celsius", "degreesc", "degc."), 273.15),
    **dict.fromkeys(("k", "kelvin"), 0.0),
}
_SHOWN_UNITS = {
    "time": "s, ms, min, h, d",
    "current": "A, mA, µA",
    "voltage": "V, mV",
    "capacity": "A.h, mA.h",
    "temperature": "°C, K, °F",
}
#: Unit words that may end a snake_case header (``current_A``, ``voltage_volt``).
_SNAKE_UNITS = frozenset(
    {"s", "sec", "second", "seconds", "min", "h", "hr", "ms"}
    | {"a", "ma", "ampere", "amp", "v", "mv", "volt", "ah", "mah"}
    | {"c", "degc", "celsius", "k", "kelvin"}
)


@dataclass(frozen=True, slots=True)
class HeaderStyle:
    """How a format writes units into its headers, beyond ``[unit]`` and ``(unit)``.

    Attributes
    ----------
    slash : bool
        ``name/unit`` (BioLogic, and ``Name / unit`` labels of the Battery Data Format).
    snake : bool
        ``name_unit`` with a known unit word last (``current_ampere``, ``time_s``).
    """

    slash: bool = False
    snake: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """One quantity a format provides, and how to find it.

    Attributes
    ----------
    dimension : str
        What the column measures; decides which units are accepted.
    keys : tuple of str
        Header keys that name it, preferred first.
    default_unit : str or None
        The unit to assume when the header names none.
    required : bool
        Whether loading fails without it.
    prefix : bool
        Whether a key matches any header key that starts with it.
    """

    dimension: Dimension
    keys: tuple[str, ...]
    default_unit: str | None = None
    required: bool = False
    prefix: bool = False


def key_of(name: str) -> str:
    """The lower-case letters and digits of ``name``."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


_BRACKETED = re.compile(r"^(?P<name>.*\S)\s*[\[(](?P<unit>[^\[\]()]*)[\])](?P<tail>.*)$")


def split_header(header: str, style: HeaderStyle) -> tuple[str, str | None]:
    """``(key, unit)`` of a column header; ``unit`` is ``None`` when the header names none."""
    text = header.strip().lstrip("\ufeff~").strip()
    match = _BRACKETED.match(text)
    if match and not (style.slash and "/" in text and not text.rstrip().endswith((")", "]"))):
        return key_of(match["name"] + match["tail"]), match["unit"].strip()
    if style.slash and " / " in text:
        name, unit = text.rsplit(" / ", 1)
        return key_of(name), unit.strip()
    if style.slash and "/" in text:
        name, unit = text.rsplit("/", 1)
        return key_of(name), unit.strip()
    if style.snake and "_" in text:
        name, unit = text.rsplit("_", 1)
        if unit.lower() in _SNAKE_UNITS:
            return key_of(name), unit
    return key_of(text), None


def _unit_word(unit: str) -> str:
    word = unit.strip().lower().replace(" ", "").replace("·", ".").replace("μ", "µ")
    # a degree sign mangled by a wrong code page: "�c", "ºc", "Â°c"
    return re.sub(r"^[^0-9a-z.µ]+c$", "°c", word)


@dataclass(slots=True)
class Columns:
    """The quantities a format reader found, in SI units, current signed as in the file.

    Attributes
    ----------
    table : RawTable
        The rows they came from (after any selection), to name lines in errors.
    values : dict
        Quantity name → values: ``time`` (s), ``current`` (A), ``voltage`` (V),
        ``temperature`` and ``ambient_temperature`` (K), ``step``, ``cycle`` (whole
        numbers as float), ``charge_capacity``, ``discharge_capacity``, ``capacity``
        (A.h), ``mode`` (text).
    headers : dict
        Quantity name → the column header it was read from.
    units : dict
        Quantity name → the unit it was read in, as written (or assumed).
    assumed : set
        Quantities whose unit the header did not name (so the default was assumed).
    notes : list of str
        Remarks for the Dataset's ``notes`` attribute.
    """

    table: RawTable
    values: dict[str, NDArray] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    assumed: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def error(self, name: str, position: int | None, problem: str) -> DataFormatError:
        """A DataFormatError naming the file, the column of ``name`` and the row."""
        where = "" if position is None else f", {self.table.where(position)}"
        return DataFormatError(
            f"{self.table.path}: column {self.headers.get(name, name)!r}{where}: {problem}"
        )


@dataclass(frozen=True, slots=True)
class Options:
    """What the caller of ``load`` may say about a file beyond its format."""

    select: Mapping[str, object] | None = None
    units: Mapping[str, str] | None = None


def extract(
    table: RawTable,
    spec: Mapping[str, Field],
    style: HeaderStyle,
    options: Options,
    *,
    title: str,
) -> Columns:
    """Find, parse and convert the quantities of ``spec`` in ``table``."""
    table = _select(table, options.select, style)
    parsed = [(h, *split_header(h, style)) for h in table.frame.columns]
    cols = Columns(table)
    user_units = dict(options.units or {})
    unknown = [h for h in user_units if h not in table.frame.columns]
    if unknown:
        raise DataFormatError(
            f"{table.path}: units= names {', '.join(map(repr, unknown))}, which the header "
            f"does not have; columns: {', '.join(map(repr, table.frame.columns))}"
        )
    for name, spec_field in spec.items():
        header, unit = _find(parsed, spec_field)
        if header is None:
            if spec_field.required:
                raise _missing(table, name, spec_field, parsed, title)
            continue
        cols.headers[name] = header
        if header in user_units:
            unit = user_units[header]
        elif unit is None and spec_field.dimension not in ("count", "label"):
            unit = spec_field.default_unit
            cols.assumed.add(name)
        _convert(cols, name, spec_field, header, unit)
    return cols


def _find(
    parsed: list[tuple[str, str, str | None]], spec_field: Field
) -> tuple[str | None, str | None]:
    for wanted in spec_field.keys:
        for header, key, unit in parsed:
            if key == wanted or (spec_field.prefix and key.startswith(wanted)):
                return header, unit
    return None, None


def _missing(
    table: RawTable,
    name: str,
    spec_field: Field,
    parsed: list[tuple[str, str, str | None]],
    title: str,
) -> DataFormatError:
    keys = [k for _, k, _ in parsed]
    near = {h for want in spec_field.keys for h, k, _ in parsed if k in close_matches(want, keys)}
    hint = f"; did you mean {', '.join(map(repr, sorted(near)))}?" if near else ""
    shown = ", ".join(repr(h) for h, _, _ in parsed[:40])
    more = "" if len(parsed) <= 40 else f" and {len(parsed) - 40} more"
    return DataFormatError(
        f"{table.path}: read as {title}, it has no {name} column (header names like "
        f"{', '.join(map(repr, spec_field.keys))}); the header has {shown}{more}{hint}"
    )


def _convert(cols: Columns, name: str, spec_field: Field, header: str, unit: str | None) -> None:
    series = cols.table.frame[header]
    if spec_field.dimension == "label":
        cols.values[name] = series.astype(str).str.strip().str.upper().to_numpy()
        return
    if spec_field.dimension == "time":
        values = _time_values(cols, name, series)
        if values is not None:
            cols.values[name] = values
            cols.units[name] = "s"
            return
    values = _numbers(cols, name, series)
    if spec_field.dimension == "count":
        cols.values[name] = values
        return
    if unit is None:
        raise cols.error(
            name,
            None,
            f"the header names no unit for this {spec_field.dimension}; "
            f"say which with units={{{header!r}: ...}}",
        )
    cols.units[name] = unit
    cols.values[name] = _to_si(cols, name, spec_field.dimension, unit, values)


def _to_si(cols: Columns, name: str, dimension: str, unit: str, values: NDArray) -> NDArray:
    word = _unit_word(unit)
    if dimension == "temperature":
        if word in _KELVIN_OFFSET:
            return values + _KELVIN_OFFSET[word]
        if word in ("°f", "f", "degf", "fahrenheit"):
            return (values - 32.0) * (5.0 / 9.0) + 273.15
    elif word in _SCALE[dimension]:
        return values * _SCALE[dimension][word]
    raise cols.error(
        name,
        None,
        f"unit {unit!r} is not a unit of {dimension}; "
        f"allowed: {_SHOWN_UNITS[dimension]} (say the right one with units=)",
    )


def _numbers(cols: Columns, name: str, series: pd.Series) -> NDArray[np.float64]:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    text = series.astype(str).str.strip()
    values = pd.to_numeric(text.where(series.notna(), ""), errors="coerce")
    bad = values.isna() & series.notna() & (text != "")
    if bad.any():
        position = int(np.argmax(bad.to_numpy()))
        raise cols.error(name, position, f"{text.iloc[position]!r} is not a number")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


_DATE_FORMATS = (
    "%m/%d/%Y %H:%M:%S.%f",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%d.%m.%Y %H:%M:%S",
    "ISO8601",
)


def _time_values(cols: Columns, name: str, series: pd.Series) -> NDArray[np.float64] | None:
    """Seconds since the first row, when a time column holds date-times instead of numbers."""
    if pd.api.types.is_numeric_dtype(series):
        return None
    first = str(series.dropna().iloc[0]) if series.notna().any() else ""
    if not re.match(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d", first):
        return None
    text = series.astype(str).str.strip()
    for fmt in _DATE_FORMATS:
        try:
            stamps = pd.to_datetime(text, format=fmt)
        except (ValueError, TypeError):
            continue
        seconds = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy(dtype=np.float64)
        if np.all(np.diff(seconds) >= 0):
            cols.notes.append(
                f"column {series.name!r} holds date-times ({fmt}); time is the seconds "
                "elapsed since the first of them"
            )
            return seconds
    return None


def _select(table: RawTable, select: Mapping[str, object] | None, style: HeaderStyle) -> RawTable:
    if not select:
        return table
    frame = table.frame
    keys = {split_header(h, style)[0]: h for h in frame.columns}
    mask = np.ones(len(frame), dtype=bool)
    for wanted, value in select.items():
        header = wanted if wanted in frame.columns else keys.get(key_of(wanted))
        if header is None:
            raise DataFormatError(
                f"{table.path}: select= names column {wanted!r}, which the header does not "
                f"have; columns: {', '.join(map(repr, frame.columns))}"
            )
        column = frame[header]
        if pd.api.types.is_numeric_dtype(column) and isinstance(value, (int, float)):
            hit = np.isclose(column.to_numpy(dtype=np.float64), float(value), rtol=1e-9, atol=0)
        else:
            hit = (column.astype(str).str.strip() == str(value)).to_numpy()
        if not (mask & hit).any():
            present = pd.unique(column.dropna())
            listed = ", ".join(map(str, present[:20])) + (" …" if len(present) > 20 else "")
            raise DataFormatError(
                f"{table.path}: no row has {header!r} equal to {value!r} "
                f"(with the other selections); its values are {listed}"
            )
        mask &= hit
    return table.subset(mask)


@dataclass(frozen=True, slots=True)
class Format:
    """A cycler file format: how to recognise it and how to read it.

    Attributes
    ----------
    name : str
        The name ``load(..., format=name)`` takes.
    title : str
        A human name ("Arbin CSV or Excel export").
    sniff : callable
        ``sniff(head) -> bool``: whether the first lines look like this format.
    read : callable
        ``read(source, options) -> Columns``: the format-specific reader.
    charge_positive : bool or None
        Whether positive current in the file means charge; ``None`` when the format does
        not fix it (the sign is then read from the data).
    sign_note : str
        A sentence saying which sign convention the source uses.
    """

    name: str
    title: str
    sniff: Callable[..., bool]
    read: Callable[..., Columns]
    charge_positive: bool | None
    sign_note: str
