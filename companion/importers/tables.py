"""Files of rows and columns: CSV in the encodings and dialects real exports have, and Excel.

A :class:`Table` is the header row and an iterator of the data rows (with the line each
starts on), read lazily so a 100,000-row file never sits in memory as lists of cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from companion.i18n import translate
from companion.importers import ImportFileError

MAX_FILE = 512 * 1024 * 1024
#: a cell longer than this is cut: nothing a rep types is that long, a broken file is
MAX_CELL = 4000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Table:
    headers: list[str]
    #: (line, cells) for every row with something in it
    rows: Iterator[tuple[int, list[str]]]
    #: how many data rows there are, or about (for progress)
    total: int


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise ImportFileError(
                translate("import", "{file} is too large to import.").format(file=path.name)
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(translate("import", "There is no file {file}.").format(file=path)) from None
    except IsADirectoryError:
        raise ImportFileError(
            translate("import", "{file} is a folder, not a file.").format(file=path)
        ) from None
    except OSError as exc:
        raise ImportFileError(
            translate("import", "Cannot read {file}: {why}.").format(file=path, why=exc.strerror)
        ) from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else
    windows-1251 (Russian Excel); refuse binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                translate("import", "{file}: damaged UTF-16 text.").format(file=name)
            ) from None
        if "\x00" in text or not text.strip():
            data = text.encode("utf-8")  # empty or binary after all: refused below
        else:
            return text
    if not data.strip():
        raise ImportFileError(translate("import", "{file} is empty.").format(file=name))
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            translate("import", "{file} is not a CSV file (it looks binary).").format(file=name)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(_single_byte(data))
    except UnicodeDecodeError:
        raise ImportFileError(
            translate("import", "{file}: unknown text encoding (save it as UTF-8).").format(file=name)
        ) from None


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _single_byte(data: bytes) -> str:
    """windows-1251 (Russian Excel) or windows-1252 (Western Excel: ``José``, ``Müller``).

    Russian words are all high bytes in cp1251; a Western text has a high byte here and there
    between ASCII letters. So: mostly runs of two or more high bytes is Cyrillic."""
    runs = _HIGH_RUN.findall(data[:65536])
    if not runs:
        return "cp1251"
    long_runs = sum(len(r) for r in runs if len(r) >= 2)
    return "cp1251" if long_runs * 2 >= sum(len(r) for r in runs) else "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header row: the one of ``,`` ``;`` tab it has most of."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_table(data: bytes, name: str) -> Table:
    text = decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    try:
        headers = next(reader, None)
    except csv.Error as exc:
        raise _broken(name, 1, exc) from None
    if not headers or not any(h.strip() for h in headers):
        raise ImportFileError(translate("import", "{file} has no header row.").format(file=name))
    return Table(
        headers=[h.strip().lstrip("\ufeff") for h in headers],
        rows=_csv_rows(reader, name),
        total=max(text.count("\n") - 1, 0),
    )


def _csv_rows(reader: Iterator[list[str]], name: str) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        line = reader.line_num + 1  # type: ignore[attr-defined]  # where the record starts
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _broken(name, line, exc) from None
        if not any(cells) or not "".join(cells).strip():
            continue  # a blank line, or one of only delimiters and spaces
        if max(map(len, cells)) > MAX_CELL:
            cells = [c[:MAX_CELL] for c in cells]
        yield line, cells


def _broken(name: str, line: int, exc: csv.Error) -> ImportFileError:
    return ImportFileError(
        translate("import", "{file}, line {line}: broken CSV ({why}).").format(file=name, line=line, why=exc)
    )


def xlsx_table(path: Path) -> Table:
    """The first sheet of an Excel workbook; cells as the text a person sees in them."""
    import zipfile
    import zlib

    try:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise ImportFileError(translate("import", "Excel files need openpyxl installed.")) from None
    try:
        # openpyxl refuses a path not named .xlsx: a workbook renamed .csv, a CRM's ".xls" that is one
        named = path.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm")
        book = load_workbook(path if named else io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, OSError):
        raise ImportFileError(
            translate("import", "{file} is not an Excel workbook (.xlsx) or it is damaged.").format(
                file=path.name
            )
        ) from None
    sheets = book.worksheets
    if not sheets:
        book.close()
        raise ImportFileError(translate("import", "{file} has no sheets.").format(file=path.name))
    sheet = sheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        headers: list[str] = []
        line = 0
        for line, cells in enumerate(values, start=1):  # noqa: B007 - the line is used below
            headers = [_text(c).strip() for c in cells]
            if any(headers):
                break
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError):
        book.close()
        raise ImportFileError(
            translate("import", "{file} is not an Excel workbook (.xlsx) or it is damaged.").format(
                file=path.name
            )
        ) from None
    if not any(headers):
        book.close()
        raise ImportFileError(translate("import", "{file} has no header row.").format(file=path.name))
    total = max((sheet.max_row or 0) - line, 0)
    return Table(headers=headers, rows=_xlsx_rows(book, values, line, path.name), total=total)


def _xlsx_rows(
    book: object, values: Iterator[tuple[object, ...]], line: int, name: str
) -> Iterator[tuple[int, list[str]]]:
    import zipfile
    import zlib

    try:
        for number, cells in enumerate(values, start=line + 1):
            texts = [_text(c) for c in cells]
            if any(t.strip() for t in texts):
                yield number, texts
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError):
        raise ImportFileError(
            translate("import", "{file} is damaged after row {line}.").format(file=name, line=line)
        ) from None
    finally:
        book.close()  # type: ignore[attr-defined]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        # a phone typed into Excel is a number: 79161234567.0 is "79161234567"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL]
