"""Generic CSV: a header row, columns matched by name (case-insensitive)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from companion.i18n import translate
from companion.importers import ImportFileError, ImportReport, Row

MAX_FILE = 512 * 1024 * 1024

#: field → header names that mean it (compared lower-case, with spaces and dashes as "_")
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "contact", "фио", "имя", "контакт"),
    "phone": ("phone", "phones", "telephone", "tel", "mobile", "number", "телефон", "телефоны"),
    "company": ("company", "organization", "organisation", "компания", "организация"),
    "email": ("email", "e_mail", "mail", "почта"),
    "notes": ("notes", "note", "comment", "comments", "примечание", "заметки", "комментарий"),
    "status": ("status", "статус"),
    "referred_by": ("referred_by", "referrer", "recommended_by", "рекомендация", "рекомендовал"),
    "familiarity": ("familiarity", "знакомство"),
    "do_not_call": ("do_not_call", "dnc", "не_звонить"),
    "source": ("source", "источник"),
}
_EXTRA_PHONE = re.compile(r"^(phone|tel|telephone|телефон)_?\d+$")
_FIRST = ("first_name", "given_name", "имя")
_LAST = ("last_name", "family_name", "surname", "фамилия")


def _norm(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower().lstrip("\ufeff"))


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else
    windows-1251 (Russian Excel); refuse binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                translate("import", "{file}: damaged UTF-16 text.").format(file=path.name)
            ) from None
        if "\x00" in text or not text.strip():
            data = text.encode("utf-8")  # empty or binary after all: refused below
        else:
            return text
    if not data.strip():
        raise ImportFileError(translate("import", "{file} is empty.").format(file=path.name))
    head = data[:8192]
    if b"\x00" in head:
        raise ImportFileError(
            translate("import", "{file} is not a CSV file (it looks binary).").format(file=path.name)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        raise ImportFileError(
            translate("import", "{file}: unknown text encoding (save it as UTF-8).").format(file=path.name)
        ) from None


def sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_map(headers: list[str], mapping: dict[str, str]) -> dict[str, list[int]]:
    """field → column indexes (``phone`` may have several)."""
    normed = [_norm(h) for h in headers]
    result: dict[str, list[int]] = {}
    for field_name, column in mapping.items():
        key = _norm(column)
        if key not in normed:
            raise ImportFileError(
                translate("import", "--map: there is no column {column!r} (columns: {columns}).").format(
                    column=column, columns=", ".join(h for h in headers if h)
                )
            )
        result[field_name] = [normed.index(key)]
    for i, h in enumerate(normed):
        for field_name, names in FIELDS.items():
            if field_name in mapping:
                continue
            if h in names and not (field_name == "name" and h == "имя" and any(n in normed for n in _LAST)):
                result.setdefault(field_name, []).append(i)
        if "phone" not in mapping and _EXTRA_PHONE.match(h):
            result.setdefault("phone", []).append(i)
    if "name" not in result:
        first = [i for i, h in enumerate(normed) if h in _FIRST]
        last = [i for i, h in enumerate(normed) if h in _LAST]
        if first or last:
            result["name"] = first[:1] + last[:1]
    return result


def read_csv(path: Path, mapping: dict[str, str]) -> tuple[list[Row], ImportReport]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise ImportFileError(
                translate("import", "{file} is too large to import.").format(file=path.name)
            )
        data = path.read_bytes()
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
    text = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    report = ImportReport()
    rows: list[Row] = []
    line = 1  # where the record being read starts (a quoted cell may span lines)
    try:
        headers = next(reader, None)
        if not headers or not any(h.strip() for h in headers):
            raise ImportFileError(translate("import", "{file} has no header row.").format(file=path.name))
        columns = header_map(headers, mapping)
        if "phone" not in columns:
            raise ImportFileError(
                translate(
                    "import",
                    "{file} has no phone column (columns: {columns}); name it with --map phone=COLUMN.",
                ).format(file=path.name, columns=", ".join(h for h in headers if h.strip()))
            )
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            rows.append(_row(line, cells, columns))
    except csv.Error as exc:
        raise ImportFileError(
            translate("import", "{file}, line {line}: broken CSV ({why}).").format(
                file=path.name, line=line, why=exc
            )
        ) from None
    return rows, report


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _row(line: int, cells: list[str], columns: dict[str, list[int]]) -> Row:
    row = Row(line=line)
    for field_name, indexes in columns.items():
        if field_name == "phone":
            for i in indexes:
                row.phones.extend(p for p in re.split(r"[;\n]|:::", _cell(cells, i)) if p.strip())
        elif field_name == "name":
            row.name = " ".join(v for v in (_cell(cells, i) for i in indexes) if v)
        else:
            setattr(row, field_name, _cell(cells, indexes[0]))
    return row
