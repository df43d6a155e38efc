"""Exporting calls and contacts: CSV (UTF-8 with BOM, so Excel shows Cyrillic right) and
contacts as vCard 3.0.

Both contact files import back to the same data: the CSV uses the generic import header, the
vCards carry what a plain card has no place for in ``X-CALLCOMPANION-…`` properties. A CSV cell
that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``: a caller's display
name can be anything) is written with a leading apostrophe, which the import takes off again.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from peewee import JOIN

from companion.desk import BadInput, Desk, from_db
from companion.i18n import translate
from companion.importers.columns import FORMULA
from companion.store.models import Call, Contact, ContactPhone, Phone

CONTACT_COLUMNS = (
    "name",
    "phone",
    "company",
    "email",
    "notes",
    "status",
    "referred_by",
    "familiarity",
    "do_not_call",
    "source",
)
CALL_COLUMNS = (
    "started",
    "direction",
    "number",
    "name",
    "company",
    "kind",
    "temperature",
    "outcome",
    "rep",
    "note",
    "duration",
)


def guarded(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet: a formula becomes text; numbers stay numbers."""
    return "'" + cell if FORMULA.match(cell) else cell


def _write(path: Path, header: Iterable[str], rows: Iterator[list[str]]) -> int:
    def lines(fh: TextIO) -> int:
        writer = csv.writer(fh)
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow([guarded(cell) for cell in row])
            count += 1
        return count

    return _atomic(path, lines, newline="", encoding="utf-8-sig")


def _atomic(path: Path, write: Callable[[TextIO], int], **options: str) -> int:
    """Write through ``path.part`` and rename, so a failed export never leaves half a file
    where a good one was."""
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", **options) as fh:  # type: ignore[call-overload]
            count = write(fh)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(
            translate("export", "Cannot write {path}: {why}.").format(path=path, why=exc.strerror)
        ) from None
    return count


def export_contacts(desk: Desk, path: Path) -> int:
    """Every contact to ``path``: vCard 3.0 when it ends in ``.vcf``/``.vcard``, else CSV."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return export_vcards(desk, path)
    numbers = _numbers()

    def rows() -> Iterator[list[str]]:
        for c in Contact.select().order_by(Contact.id):
            yield [
                c.name,
                "; ".join(numbers.get(c.id, [])),
                c.company,
                c.email,
                c.notes,
                c.status,
                c.referred_by,
                c.familiarity,
                "yes" if c.do_not_call else "",
                c.source,
            ]

    return _write(path, CONTACT_COLUMNS, rows())


def export_vcards(desk: Desk, path: Path) -> int:
    from companion.importers.vcard import write_vcard

    numbers = _numbers()

    def cards(fh: TextIO) -> int:
        count = 0
        for c in Contact.select().order_by(Contact.id):
            extra = {
                "status": c.status,
                "familiarity": c.familiarity,
                "referred_by": c.referred_by,
                "do_not_call": "yes" if c.do_not_call else "",
                "source": c.source,
            }
            fh.write(
                write_vcard(
                    name=c.name,
                    phones=numbers.get(c.id, []),
                    company=c.company,
                    email=c.email,
                    notes=c.notes,
                    extra=extra,
                )
            )
            count += 1
        return count

    return _atomic(path, cards, newline="", encoding="utf-8")


def _numbers() -> dict[int, list[str]]:
    """contact id → its numbers, in the order they were added."""
    numbers: dict[int, list[str]] = {}
    query = (
        ContactPhone.select(ContactPhone.contact, Phone.number).join(Phone).order_by(ContactPhone.id).tuples()
    )
    for contact_id, number in query:
        numbers.setdefault(contact_id, []).append(number)
    return numbers


def export_calls(desk: Desk, path: Path) -> int:
    def rows() -> Iterator[list[str]]:
        query = (
            Call.select(Call, Phone, Contact)
            .join(Phone, join_type=JOIN.LEFT_OUTER, on=(Call.phone == Phone.id))
            .switch(Call)
            .join(Contact, join_type=JOIN.LEFT_OUTER, on=(Call.contact == Contact.id))
            .order_by(Call.started, Call.id)
        )
        for call in query:
            started = from_db(call.started)
            ended = from_db(call.ended)
            phone = call.phone
            contact = call.contact
            yield [
                started.isoformat(timespec="seconds") if started else "",
                call.direction,
                phone.number if phone is not None else call.raw,
                contact.name if contact is not None else "",
                contact.company if contact is not None else "",
                call.kind,
                call.temperature,
                call.outcome or "",
                call.rep,
                call.note,
                str(int((ended - started).total_seconds())) if ended and started else "",
            ]

    return _write(path, CALL_COLUMNS, rows())
