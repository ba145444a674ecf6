"""A tape's files read as sheets of text rows, each row with the line a person sees in the file.

CSV text is decoded as given by ``encoding`` or, by default, detected: a byte-order mark
(UTF-8, UTF-16, UTF-32), else UTF-8, else GB18030 (the superset of GBK and GB2312 that Chinese
lenders' systems and Excel write), else UTF-16 without a mark when every other byte is zero.
Rows are parsed by the csv module, strictly, so a value opened with a quote and never closed,
or a quote in the wrong place, is an error at its line rather than a silently merged row; a row
with more or fewer values than the header is named, never padded or cut. A file that is empty,
binary, in no known encoding, or a Parquet file that is not one, is one :class:`FileProblem`
naming the file and line. Parquet is recognised by its ``PAR1`` marker, whatever the suffix.
Line numbers are the file's own (the header is line 1); for Parquet, row numbers from 1
(the header counting as none).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairdebt.errors import InputError

__all__ = [
    "ENCODINGS",
    "PARQUET_MARK",
    "FileProblem",
    "Row",
    "Sheet",
    "decode_text",
    "read_sheet",
]

# What --encoding accepts by name; any codec Python knows works too.
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
PARQUET_MARK = b"PAR1"


class FileProblem(InputError):
    """A whole file that cannot be read as a table, located by file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(message, record=f"{file}, line {line}")
        self.file = file
        self.line = line


@dataclass(slots=True)
class Row:
    """One data row: its file, its line in that file, and its values as text by column."""

    file: str
    line: int
    values: dict[str, str]


@dataclass(slots=True)
class Sheet:
    """A file's columns, its rows, the rows whose value count is wrong, and how it was read."""

    file: str
    columns: list[str]
    rows: list[Row]
    ragged: list[tuple[int, int]]  # (line, values on it) for rows that do not fit the header
    encoding: str | None  # None for Parquet


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _zero_pattern(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' if the sample looks like UTF-16 text without a mark."""
    if len(sample) < 4:
        return None
    even = sum(1 for b in sample[0::2] if b == 0)
    odd = sum(1 for b in sample[1::2] if b == 0)
    half = len(sample) // 2
    if odd >= 0.6 * half and even == 0:
        return "utf-16-le"
    if even >= 0.6 * half and odd == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}",
                field="--encoding",
            ) from None
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as error:
            raise FileProblem(
                file,
                _line_of(data, error.start),
                f"not {encoding} text (byte {error.start + 1}); check --encoding",
            ) from None
    for mark, name in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(name).removeprefix("\ufeff"), name
            except UnicodeDecodeError as error:
                raise FileProblem(
                    file, 1, f"starts with a {name} mark but is not {name} text ({error.reason})"
                ) from None
    sample = data[:4096]
    if b"\x00" in sample:
        guess = _zero_pattern(sample)
        if guess is None:
            raise FileProblem(
                file, _line_of(data, data.index(b"\x00")), "a binary file, not CSV text"
            )
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            raise FileProblem(file, 1, "a binary file, not CSV text") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        first_bad = error.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise FileProblem(
            file,
            _line_of(data, first_bad),
            f"neither UTF-8 nor GB18030/GBK text (byte {first_bad + 1}); "
            "give its encoding with --encoding",
        ) from None


def _records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "end of data" in str(error):
                raise FileProblem(
                    file, start, "a quoted value starts on this line and is never closed"
                ) from None
            raise FileProblem(file, reader.line_num, f"badly quoted ({error})") from None
        yield start, record


def decode_text(data: bytes, file: str, encoding: str | None = None) -> str:
    r"""The text of a file as given by ``encoding`` or detected; a binary file is refused.

    >>> decode_text("编号,金额\n".encode("gbk"), "x.csv")
    '编号,金额\n'
    >>> decode_text("编号\n".encode("utf-16"), "x.csv")
    '编号\n'
    """
    return _text_of(data, file, encoding)[0]


def _text_of(data: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    text, used = _decode(data, file, encoding)
    if "\x00" in text:
        raise FileProblem(file, text.count("\n", 0, text.index("\x00")) + 1, "a binary file")
    return text, used


def _read_csv(data: bytes, file: str, encoding: str | None) -> Sheet:
    text, used = _text_of(data, file, encoding)
    records = _records(text, file)
    header: list[str] | None = None
    for line, record in records:
        if any(value.strip() for value in record):
            header = [value.strip() for value in record]
            header_line = line
            break
    if header is None:
        raise FileProblem(file, 1, "the file is empty (expected a header line of column names)")
    blank = [i + 1 for i, name in enumerate(header) if not name]
    if blank:
        raise FileProblem(file, header_line, f"column {blank[0]} of the header has no name")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise FileProblem(file, header_line, f"column(s) named twice: {', '.join(twice)}")
    rows: list[Row] = []
    ragged: list[tuple[int, int]] = []
    width = len(header)
    for line, record in records:
        if not any(value.strip() for value in record):
            continue  # a blank line, or a row of empty cells: no data to lose
        if len(record) != width:
            ragged.append((line, len(record)))
            continue
        rows.append(Row(file, line, {c: v.strip() for c, v in zip(header, record, strict=True)}))
    return Sheet(file, header, rows, ragged, used)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace").strip()
    return str(value).strip()


def _read_parquet(path: Path, file: str) -> Sheet:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(size - 4, 0))
        tail = handle.read(4)
    if head != PARQUET_MARK or tail != PARQUET_MARK or size < 12:
        raise FileProblem(
            file,
            1,
            "not a Parquet file (no PAR1 marker at both ends); if it is CSV, name it .csv",
        )
    try:
        table = pq.read_table(path)
        columns = [str(name).strip() for name in table.column_names]
        data = [table.column(i).to_pylist() for i in range(table.num_columns)]
    except (pa.ArrowException, OSError, ValueError, TypeError) as error:
        raise FileProblem(file, 1, f"a damaged Parquet file ({error})") from None
    rows = [
        Row(
            file,
            index + 1,
            {c: _text(column[index]) for c, column in zip(columns, data, strict=True)},
        )
        for index in range(table.num_rows)
    ]
    return Sheet(file, columns, rows, [], None)


def read_sheet(path: Path, *, encoding: str | None = None) -> Sheet:
    """Read a CSV or Parquet file as text rows, or raise one :class:`FileProblem`."""
    file = path.name
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == PARQUET_MARK or path.suffix.lower() in {".parquet", ".pq"}:
        return _read_parquet(path, file)
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(file, 1, "the file is empty (expected a header line of column names)")
    return _read_csv(data, file, encoding)
