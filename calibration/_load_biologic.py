"""BioLogic text exports: EC-Lab ``.mpt`` and BT-Lab ``.txt`` (with or without header block).

The binary ``.mpr`` is not read here (the package ``galvani`` reads it); export it as text.
"""

from __future__ import annotations

import re

from calibration._load_columns import Columns, Field, Format, HeaderStyle, Options, extract
from calibration._load_columns import split_header as _split
from calibration._load_source import Head, Source, read_delimited
from cellsim import DataFormatError

_STYLE = HeaderStyle(slash=True)
_SPEC = {
    "time": Field("time", ("time",), "s", required=True),
    "current": Field("current", ("i",), "mA", required=True),
    "voltage": Field("voltage", ("ecell", "ewe", "eweece"), "V", required=True),
    "step": Field("count", ("ns",)),
    "cycle": Field("count", ("cyclenumber",)),
    "temperature": Field("temperature", ("temperature",), "degC"),
    "capacity": Field("capacity", ("qqo",), "mAh"),
}
_BANNER = re.compile(r"^\s*(EC|BT)-Lab ASCII FILE", re.IGNORECASE)
_HEADER_LINES = re.compile(r"Nb header lines\s*:\s*(\d+)", re.IGNORECASE)
SIGN_NOTE = (
    "BioLogic logs oxidation current at the working electrode (the positive electrode: "
    "charge) as positive and discharging current as negative"
)


def _is_header(line: str) -> bool:
    keys = {_split(h, _STYLE)[0] for h in line.split("\t")}
    return "time" in keys and bool(keys & {"ecell", "ewe"}) and "i" in keys


def sniff(head: Head) -> bool:
    """An ``EC-Lab``/``BT-Lab ASCII FILE`` banner, or a tab header with time/s, Ecell/V, I/mA."""
    return bool(_BANNER.match(head.first)) or _is_header(head.first)


def read(source: Source, options: Options) -> Columns:
    """Read a BioLogic ``.mpt``/``.txt`` export.

    The banner's ``Nb header lines : N`` puts the column header on line N; files exported
    without the header block start with it. Columns: ``time/s`` (seconds, or date-times in
    exports with absolute time), ``Ecell/V`` (else ``Ewe/V``), ``I/mA`` (or ``<I>/mA``),
    ``Ns`` (sequence, as step), ``cycle number`` (counted from 0, as BioLogic does),
    ``Temperature/°C``, ``(Q-Qo)/mA.h``. Decimal commas (a European locale) are read too.

    Sign convention: BioLogic counts oxidation current at the working electrode as positive;
    with the cell's positive electrode as working electrode (as cyclers wire it), charging
    current is positive and discharging current negative. The caller negates it so that
    current > 0 is discharge.
    """
    head = source.head()
    if _BANNER.match(head.first):
        match = next(filter(None, (_HEADER_LINES.search(line) for line in head.lines[:5])), None)
        if match is None:
            raise DataFormatError(
                f"{source.path}: a BioLogic banner without the 'Nb header lines : N' line"
            )
        index = int(match.group(1)) - 1
    else:
        index = 0
    table = read_delimited(source, index, delimiter="\t")
    return extract(table, _SPEC, _STYLE, options, title="a BioLogic text export")


FORMAT = Format(
    name="biologic",
    title="BioLogic EC-Lab/BT-Lab text export (.mpt, .txt)",
    sniff=sniff,
    read=read,
    charge_positive=True,
    sign_note=SIGN_NOTE,
)
