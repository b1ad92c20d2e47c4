"""Reading a cycler file's bytes into a table of its raw columns, with file line numbers.

Everything here is format-neutral: decoding (gzip, UTF-8 or Windows code page), finding the
header line, sniffing the delimiter and decimal mark, and remembering which line of the file
each row came from so that errors can name it.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from cellsim import DataFormatError

#: Lines of text handed to the format detectors.
HEAD_LINES = 120

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_MPR_MAGIC = b"BIO-LOGIC MODULAR FILE"
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class Head:
    """What the format detectors see of a file: its name and its first lines."""

    path: Path
    lines: tuple[str, ...]
    excel_sheets: tuple[str, ...] = ()

    @property
    def first(self) -> str:
        """The first line, or an empty string."""
        return self.lines[0] if self.lines else ""


@dataclass(frozen=True, slots=True)
class Source:
    """A file opened for reading: its decoded text (``None`` for a spreadsheet)."""

    path: Path
    text: str | None
    excel_sheets: tuple[str, ...] = ()

    def head(self) -> Head:
        """The first lines, for detection."""
        if self.text is None:
            return Head(self.path, (), self.excel_sheets)
        lines = self.text.split("\n", HEAD_LINES)[:HEAD_LINES]
        return Head(self.path, tuple(line.rstrip("\r") for line in lines), self.excel_sheets)


@dataclass(frozen=True, slots=True)
class RawTable:
    """The data rows of a file as text-or-number columns, with where each row came from.

    ``frame`` keeps pandas' parse of the file; its index holds each row's ordinal among
    the data rows of its block, so that ``where`` can name the line (or spreadsheet row).
    """

    path: Path
    frame: pd.DataFrame
    blocks: tuple[tuple[int, int, str | None], ...]
    """``(first ordinal, line or row number of that ordinal, sheet name or None)``."""

    def where(self, position: int) -> str:
        """``"line N"`` (or ``"row N of sheet 'S'"``) of the row at ``position``."""
        ordinal = int(self.frame.index[position])
        start, first, sheet = self.blocks[0]
        for block in self.blocks:
            if block[0] <= ordinal:
                start, first, sheet = block
        number = first + ordinal - start
        return f"line {number}" if sheet is None else f"row {number} of sheet {sheet!r}"

    def subset(self, mask: NDArray[np.bool_]) -> RawTable:
        """The table restricted to the rows where ``mask`` is true."""
        return RawTable(self.path, self.frame.iloc[mask], self.blocks)


def open_source(path: Path) -> Source:
    """Read ``path`` (plain, gzip-compressed, or an Excel workbook) for detection and parsing.

    Raises
    ------
    DataFormatError
        If the file is missing, empty, or a binary format that is not read here.
    """
    if not path.is_file():
        raise DataFormatError(f"{path}: no such file")
    raw = path.read_bytes()
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataFormatError(f"{path}: a damaged gzip file ({exc})") from None
    if raw.startswith(_MPR_MAGIC):
        raise DataFormatError(
            f"{path}: a binary BioLogic .mpr file, which is not read here; export it from "
            "EC-Lab as text (.mpt) and load that"
        )
    if raw.startswith(_ZIP_MAGIC):
        if path.suffix.lower() not in _EXCEL_SUFFIXES:
            raise DataFormatError(
                f"{path}: a zip archive; only Excel workbooks (.xlsx) are read as archives"
            )
        return Source(path, None, _sheet_names(path, raw))
    if not raw.strip():
        raise DataFormatError(f"{path}: the file is empty")
    return Source(path, _decode(raw))


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (which cannot fail)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _openpyxl_needed(path: Path) -> DataFormatError:
    return DataFormatError(
        f"{path}: reading Excel workbooks needs the package 'openpyxl' "
        "(pip install openpyxl), which is not installed; or export the sheet as CSV"
    )


def _sheet_names(path: Path, raw: bytes) -> tuple[str, ...]:
    try:
        import openpyxl  # noqa: F401  (pandas' engine for .xlsx)
    except ImportError:
        raise _openpyxl_needed(path) from None
    try:
        with pd.ExcelFile(io.BytesIO(raw), engine="openpyxl") as book:
            return tuple(str(name) for name in book.sheet_names)
    except Exception as exc:  # openpyxl raises many types on a corrupt workbook
        raise DataFormatError(f"{path}: not a readable Excel workbook ({exc})") from None


def read_sheets(path: Path, sheets: tuple[str, ...]) -> RawTable:
    """Read and stack the named sheets of a workbook (each with its header in row 1)."""
    try:
        frames = pd.read_excel(path, sheet_name=list(sheets), engine="openpyxl")
    except ImportError:
        raise _openpyxl_needed(path) from None
    parts = []
    blocks = []
    start = 0
    for name in sheets:
        frame = frames[name].dropna(how="all")
        frame.index = frame.index + start
        blocks.append((start, 2, name))  # header in spreadsheet row 1, data from row 2
        parts.append(frame)
        start += len(frames[name])
    headers = {tuple(part.columns) for part in parts}
    if len(headers) > 1:
        raise DataFormatError(
            f"{path}: the data sheets {', '.join(map(repr, sheets))} have different headers"
        )
    return RawTable(path, pd.concat(parts), tuple(blocks))


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: tab, comma or semicolon, whichever is most common."""
    counts = {sep: line.count(sep) for sep in ("\t", ",", ";")}
    return max(counts, key=counts.__getitem__)


_COMMA_DECIMAL = re.compile(r"^[-+]?\d+,\d+(?:[eE][-+]?\d+)?$")
_POINT_DECIMAL = re.compile(r"^[-+]?\d*\.\d+(?:[eE][-+]?\d+)?$")


def sniff_decimal(line: str, delimiter: str) -> str:
    """``","`` when a tab- or semicolon-separated data line writes decimals with commas."""
    if delimiter == ",":
        return "."
    fields = [f.strip() for f in line.split(delimiter)]
    commas = sum(bool(_COMMA_DECIMAL.match(f)) for f in fields)
    points = sum(bool(_POINT_DECIMAL.match(f)) for f in fields)
    return "," if commas > points else "."


def read_delimited(source: Source, header_index: int, *, delimiter: str | None = None) -> RawTable:
    """Parse the text of ``source`` whose header is line ``header_index`` (counted from 0).

    Rows that are entirely empty are dropped but keep their line numbers.
    """
    assert source.text is not None
    rest = source.text.split("\n", header_index)
    if len(rest) <= header_index:
        raise DataFormatError(f"{source.path}: the file ends before its header line")
    text = rest[header_index]  # from the header line on: preambles may hold stray quotes
    lines = text.split("\n", 2)
    header = lines[0].rstrip("\r")
    sep = delimiter or sniff_delimiter(header)
    first_data = lines[1].rstrip("\r") if len(lines) > 1 else ""
    decimal = sniff_decimal(first_data, sep)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=0,
            decimal=decimal,
            skip_blank_lines=False,
            low_memory=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFormatError(
            f"{source.path}: cannot split the file (from its header on line {header_index + 1})"
            f" into columns: {str(exc).strip()}"
        ) from None
    frame = frame.dropna(how="all")
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(source.path, frame, ((0, header_index + 2, None),))
