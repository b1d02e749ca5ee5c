"""The bytes of a report file as rows of cells: CSV text in the encodings the platforms write, or an XLSX sheet."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from datetime import date
from pathlib import PurePath

from creative_ai.errors import InputError
from creative_ai.results.sources_values import Cell

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 400 * 1024 * 1024  # a workbook's XML once unzipped (sheet XML packs 10-100x)
MAX_ROWS = 1_000_000
DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"

Rows = list[tuple[int, list[Cell]]]  # (1-based line in the file, cells)


def is_xlsx(data: bytes, *, filename: str) -> bool:
    """Whether the file is a workbook: by its name, or by its zip signature whatever its name."""
    return PurePath(filename).suffix.lower() in XLSX_SUFFIXES or data.startswith(_ZIP_MAGIC)


def check_size(size: int, *, filename: str) -> None:
    """Refuse a file over ``MAX_BYTES`` before reading it."""
    if size > MAX_BYTES:
        raise InputError(
            f"{filename} is {size / 1024 / 1024:.1f} MB, over the 50 MB limit for a report: "
            "export a shorter date range or fewer columns"
        )


def decode_text(data: bytes, *, filename: str) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM) or UTF-16 with its BOM, as Meta sometimes exports."""
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{filename} is not UTF-8 or UTF-16 text (byte {exc.start} does not decode): "
            "export the report again as CSV (UTF-8) or XLSX"
        ) from exc
    if "\x00" in text:
        raise InputError(f"{filename} holds NUL characters, so it is not a CSV text: export it as CSV (UTF-8) or XLSX")
    return text


def csv_rows(text: str, *, delimiter: str, limit: int | None = None) -> Rows:
    """The records of CSV ``text``, each with the line it starts on; at most ``limit`` records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: Rows = []
    start = 1
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise InputError(f"the CSV has over {MAX_ROWS:,} rows: export a shorter date range")
            rows.append((start, list(record)))
            start = reader.line_num + 1
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise InputError(f"line {start}: the CSV cannot be read ({exc}): export the report again") from exc
    return rows


def xlsx_rows(data: bytes, *, filename: str) -> Rows:
    """The first sheet's rows as stored values (formulas are never evaluated: their saved result, or empty)."""
    import openpyxl  # type: ignore[import-untyped]  # only when a workbook comes in
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable(filename, exc) from exc
    if unpacked > MAX_UNPACKED:
        raise InputError(
            f"{filename} unpacks to {unpacked / 1024 / 1024:.0f} MB, over the {MAX_UNPACKED // 1024 // 1024} MB a "
            "report may hold: export a shorter date range or fewer columns"
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as exc:
        raise _unreadable(filename, exc) from exc
    try:
        if not book.worksheets:
            raise InputError(f"{filename} has no worksheet: export the report again as XLSX or CSV")
        rows: Rows = []
        for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if line > MAX_ROWS:
                raise InputError(f"{filename} has over {MAX_ROWS:,} rows: export a shorter date range")
            cells: list[Cell] = [_cell(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append((line, cells))
        return rows
    except unreadable as exc:  # a sheet's XML broken inside a sound zip
        raise _unreadable(filename, exc) from exc
    finally:
        book.close()


def _unreadable(filename: str, exc: BaseException) -> InputError:
    return InputError(f"{filename} is not a readable XLSX workbook ({exc}): export the report again as XLSX or CSV")


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | date):
        return value
    return str(value)  # a time or a duration: shown as text, never a number
