"""Importing contacts: reading files into rows, and rows into the store.

A reader turns a file into :class:`Row` values (with the line each came from); ``apply_rows``
writes them in one transaction, matching people by number. Same number and same name is
the same person (updated). A different name on a number an earlier row of the same file gave
to someone is a colleague sharing a switchboard (a new contact on the same number); on a
number whose contact we had before the import, it is that contact spelt otherwise (updated,
keeping its name, and reported), so importing a file again never duplicates a person.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.i18n import translate


class ImportFileError(Exception):
    """The whole file cannot be imported; nothing was written. One sentence for the user."""


@dataclass(slots=True)
class Row:
    line: int
    name: str = ""
    phones: list[str] = field(default_factory=list)
    company: str = ""
    email: str = ""
    notes: str = ""
    status: str = ""
    referred_by: str = ""
    familiarity: str = ""
    do_not_call: str = ""
    #: how they found us (method.Source value)
    source: str = ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, line: int, text: str) -> None:
        self.problems.append(translate("import", "line {line}: {text}").format(line=line, text=text))

    def summary(self) -> str:
        return translate(
            "import", "{created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped."
        ).format(
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            skipped=self.skipped,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "problems": list(self.problems),
        }


def parse_mapping(text: str) -> dict[str, str]:
    """``phone=Tel,name=Client`` → ``{"phone": "Tel", "name": "Client"}`` (checked against the
    file's fields and headers once the file is read)."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip().lower()
        if not sep or not key or not column.strip():
            raise ImportFileError(
                translate("import", "--map takes FIELD=COLUMN pairs, got {part!r}.").format(part=part)
            )
        from companion.importers.columns import CALL_FIELDS, CONTACT_FIELDS

        if key not in CONTACT_FIELDS and key not in CALL_FIELDS:
            raise ImportFileError(
                translate("import", "--map: unknown field {key!r} (known: {known}).").format(
                    key=key, known=", ".join(dict.fromkeys((*CONTACT_FIELDS, *CALL_FIELDS)))
                )
            )
        mapping[key] = column.strip()
    return mapping


class ImportCancelled(Exception):  # noqa: N818 - not an error: the user stopped it
    """The user stopped the import; nothing was written."""


#: what ``--format`` takes: a contacts table (CSV), an Excel workbook, vCards, a call history
FORMATS = ("csv", "xlsx", "vcard", "calls")
#: rows a preview shows
SAMPLE = 50
#: progress(phase, done, total): phase "reading" (numbers parsed) then "saving"
ProgressFn = Callable[[str, int, int], None]


@dataclass
class Source:
    """A file as the import understood it, before anything is written: what the window's
    preview shows, and what ``import_file`` reads again to import it."""

    path: Path
    #: "contacts" or "calls"
    content: str
    #: "csv", "xlsx" or "vcard"
    container: str
    #: "google", "outlook", "csv", "xlsx", "vcard" or "calls": whose export it looks like
    profile: str
    headers: list[str]
    #: the first rows: (line, cells) of a table; for vCards, empty (see ``cards``)
    sample: list[tuple[int, list[str]]]
    cards: list[Row]
    #: field → columns, as guessed from the header row (tables only)
    mapping: dict[str, list[int]]
    #: data rows (or cards) in the file, about (see ``exact``)
    total: int
    #: whether ``total`` was counted (a short file, vCards) rather than estimated
    exact: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        from companion.importers.columns import CALL_FIELDS, CONTACT_FIELDS

        return CALL_FIELDS if self.content == "calls" else CONTACT_FIELDS

    @property
    def label(self) -> str:
        labels = {
            "google": translate("import", "Google Contacts (CSV)"),
            "outlook": translate("import", "Outlook contacts (CSV)"),
            "csv": translate("import", "Contacts table (CSV)"),
            "xlsx": translate("import", "Contacts table (Excel)"),
            "vcard": translate("import", "vCard contacts"),
        }
        if self.content == "calls":
            return translate("import", "Call history ({container})").format(
                container="Excel" if self.container == "xlsx" else "CSV"
            )
        return labels[self.profile]

    def preview(self, mapping: dict[str, list[int]] | None = None) -> list[Row]:
        """The sample rows as contacts would be read with ``mapping`` (contacts only)."""
        from companion.importers.columns import contact_reader, phone_labels

        if self.container == "vcard":
            return list(self.cards)
        if self.content != "contacts":
            return []
        read = contact_reader(self.mapping if mapping is None else mapping, phone_labels(self.headers))
        return [read(line, cells) for line, cells in self.sample]

    def missing(self, mapping: dict[str, list[int]] | None = None) -> list[str]:
        """The fields this file cannot be imported without that ``mapping`` lacks (vCards lack
        none)."""
        from companion.importers.columns import missing

        if self.container == "vcard":
            return []
        return missing(self.mapping if mapping is None else mapping, self.content)


def open_source(path: Path, fmt: str | None = None) -> Source:
    """Read enough of ``path`` to say what it is and guess its columns; ImportFileError when it
    cannot be imported at all. ``fmt`` (one of FORMATS) overrides what the contents say."""
    from companion.importers import columns as cols

    opened = _open(path, fmt)
    if opened.container == "vcard":
        cards = list(itertools.islice(opened.cards(lambda line, text: None), SAMPLE))
        return Source(path, "contacts", "vcard", "vcard", [], [], cards, {}, opened.total, exact=True)
    table = opened.table()
    sample = list(itertools.islice(table.rows, SAMPLE + 1))
    close = getattr(table.rows, "close", None)
    if close is not None:
        close()
    if not sample:
        raise _no_rows(path)
    if len(sample) <= SAMPLE:
        total = len(sample)  # the whole file
    else:
        # the lines the sample took, over its rows: a quoted cell may span several lines
        lines_per_row = max((sample[-1][0] - sample[0][0]) / (len(sample) - 1), 1.0)
        total = max(round(table.total / lines_per_row), len(sample))
        sample = sample[:SAMPLE]
    calls = fmt == "calls" or (fmt is None and cols.is_call_history(table.headers))
    mapping = cols.guess(table.headers, calls=calls)
    prof = "calls" if calls else "xlsx" if opened.container == "xlsx" else cols.profile(table.headers)
    return Source(
        path,
        "calls" if calls else "contacts",
        opened.container,
        prof,
        table.headers,
        sample,
        [],
        mapping,
        total,
        exact=len(sample) < SAMPLE or total == len(sample),
    )


def _no_rows(path: Path) -> ImportFileError:
    return ImportFileError(
        translate("import", "{file} has a header row and nothing under it.").format(file=path.name)
    )


def import_file(
    desk: Any,
    path: Path,
    *,
    familiarity: str = "company",
    fmt: str | None = None,
    columns: dict[str, str] | None = None,
    mapping: dict[str, list[int]] | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import ``path`` into the open store, all or nothing.

    ``columns`` (field → header, ``--map``) corrects the guessed columns; ``mapping`` (field →
    column indexes, the window's mapping step) replaces them. ``familiarity`` is how well the
    people in the file know the rep where a row does not say; for a call history, ``personal``
    makes calls without a rep the rep's own. ImportFileError when the file is unusable,
    ImportCancelled when ``cancelled()`` turned true: in both cases nothing was written.
    """
    from companion.importers import columns as cols
    from companion.importers.apply import ContactWriter, parse_rows
    from companion.importers.history import CallWriter, call_row, parse_calls

    report = ImportReport()
    region = desk.settings.region
    stop = cancelled or (lambda: False)
    say = progress or (lambda phase, done, total: None)
    opened = _open(path, fmt)
    content = "contacts"
    if opened.container == "vcard":
        if fmt == "calls":
            raise ImportFileError(
                translate("import", "{file} holds vCards, not a call history.").format(file=path.name)
            )
        rows: Iterable[Any] = opened.cards(report.problem)
        total = opened.total
    else:
        table = opened.table()
        opened.data = b""  # the table holds the decoded text now
        total = table.total
        if fmt == "calls" or (fmt is None and cols.is_call_history(table.headers)):
            content = "calls"
        fields = cols.CALL_FIELDS if content == "calls" else cols.CONTACT_FIELDS
        if mapping is None:
            guessed = cols.guess(table.headers, calls=content == "calls")
            mapping = cols.merged(guessed, cols.by_names(table.headers, columns or {}, fields))
        else:
            unknown = sorted(set(mapping) - set(fields))
            if unknown:
                raise ImportFileError(
                    translate("import", "Unknown fields for this file: {fields}.").format(
                        fields=", ".join(unknown)
                    )
                )
        _check_columns(path, table.headers, mapping, content)
        if content == "calls":
            rows = (call_row(line, cells, mapping) for line, cells in table.rows)
        else:
            read = cols.contact_reader(mapping, cols.phone_labels(table.headers))
            rows = (read(line, cells) for line, cells in table.rows)
        rows = _counted(rows, seen := [0])
    total = max(total, 1)

    def reading(done: int) -> None:
        if stop():
            raise ImportCancelled
        say("reading", done, max(total, done))

    if content == "calls":
        parsed_calls = parse_calls(rows, region, report, reading)
        writer: Any = CallWriter(desk, report, familiarity)
        items: Sequence[Any] = parsed_calls
    else:
        parsed = parse_rows(rows, region, report, reading)
        writer = ContactWriter(desk, report, familiarity)
        items = parsed
    if opened.container != "vcard" and not seen[0]:
        raise _no_rows(path)
    count = len(items)
    say("saving", 0, count)
    from companion.store import write_transaction

    with write_transaction():
        writer.apply(items, lambda done: say("saving", done, count), stop)
    return report


def _counted(rows: Iterable[Any], seen: list[int]) -> Iterator[Any]:
    for row in rows:
        seen[0] += 1
        yield row


def _check_columns(path: Path, headers: list[str], mapping: dict[str, list[int]], content: str) -> None:
    from companion.importers.columns import missing as lacking

    listed = ", ".join(" ".join(h.split()) for h in headers if h.strip())  # a header cell may span lines
    if content == "calls":
        missing = lacking(mapping, content)
        if missing:
            raise ImportFileError(
                translate(
                    "import",
                    "{file} looks like a call history but has no {fields} column (columns: {columns}); "
                    "name them with --map FIELD=COLUMN.",
                ).format(file=path.name, fields=", ".join(missing), columns=listed)
            )
        return
    if "phone" not in mapping:
        raise ImportFileError(
            translate(
                "import",
                "{file} has no phone column (columns: {columns}); name it with --map phone=COLUMN.",
            ).format(file=path.name, columns=listed)
        )
    for field_name, indexes in mapping.items():
        if any(i < 0 or i >= len(headers) for i in indexes):
            raise ImportFileError(
                translate("import", "The {field} column is not in {file}.").format(
                    field=field_name, file=path.name
                )
            )


@dataclass
class _Opened:
    path: Path
    container: str
    data: bytes
    total: int

    def table(self) -> Any:
        from companion.importers.tables import csv_table, xlsx_table

        if self.container == "xlsx":
            return xlsx_table(self.path)
        return csv_table(self.data, self.path.name)

    def cards(self, problem: Callable[[int, str], None]) -> Iterator[Row]:
        from companion.importers.vcard import read_vcards

        return read_vcards(self.data, self.path.name, problem)


def _open(path: Path, fmt: str | None) -> _Opened:
    from companion.importers.tables import XLS_MAGIC, XLSX_MAGIC, read_bytes

    if fmt is not None and fmt not in FORMATS:
        raise ImportFileError(
            translate("import", "Unknown format {fmt!r} (known: {known}).").format(
                fmt=fmt, known=", ".join(FORMATS)
            )
        )
    path = Path(path)
    data = read_bytes(path)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(
            translate(
                "import",
                "{file} is an old Excel file (.xls): save it as .xlsx or CSV in Excel and import that.",
            ).format(file=path.name)
        )
    if fmt == "xlsx" or (data.startswith(XLSX_MAGIC) and fmt in (None, "calls")):
        if not data.startswith(XLSX_MAGIC):
            raise ImportFileError(
                translate("import", "{file} is not an Excel workbook (.xlsx) or it is damaged.").format(
                    file=path.name
                )
            )
        return _Opened(path, "xlsx", b"", 0)
    if fmt == "vcard" or (fmt is None and head.startswith(b"begin:vcard")):
        return _Opened(path, "vcard", data, max(len(re.findall(rb"(?im)^begin:vcard", data)), 1))
    return _Opened(path, "csv", data, 0)


__all__ = [
    "FORMATS",
    "ImportCancelled",
    "ImportFileError",
    "ImportReport",
    "Row",
    "Source",
    "import_file",
    "open_source",
    "parse_mapping",
]
