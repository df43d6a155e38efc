"""Importing contacts: reading files into rows, and rows into the store.

A reader turns a file into :class:`Row` values (with the line each came from); ``apply_rows``
writes them in one transaction, matching people by number. Same number and same name is
the same person (updated). A different name on a number an earlier row of the same file gave
to someone is a colleague sharing a switchboard (a new contact on the same number); on a
number whose contact we had before the import, it is that contact spelt otherwise (updated,
keeping its name, and reported), so importing a file again never duplicates a person.
"""

from __future__ import annotations

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
    """``phone=Tel,name=Client`` → ``{"phone": "Tel", "name": "Client"}``."""
    from companion.importers.csv_generic import FIELDS

    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip().lower()
        if not sep or not column.strip():
            raise ImportFileError(
                translate("import", "--map takes FIELD=COLUMN pairs, got {part!r}.").format(part=part)
            )
        if key not in FIELDS:
            raise ImportFileError(
                translate("import", "--map: unknown field {key!r} (known: {known}).").format(
                    key=key, known=", ".join(FIELDS)
                )
            )
        mapping[key] = column.strip()
    return mapping


def import_file(desk: Any, path: Path, *, familiarity: str, mapping: dict[str, str]) -> ImportReport:
    """Read ``path`` (generic CSV) and apply it; ImportFileError when the file is unusable."""
    from companion.importers.apply import apply_rows
    from companion.importers.csv_generic import read_csv

    rows, report = read_csv(path, mapping)
    return apply_rows(desk, rows, report, familiarity=familiarity)


__all__ = ["ImportFileError", "ImportReport", "Row", "import_file", "parse_mapping"]
