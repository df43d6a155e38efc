"""Exporting calls and contacts to CSV (UTF-8 with BOM, so Excel shows Cyrillic right).

The contacts file uses the generic import header, so an export imports back to the same data.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from peewee import JOIN

from companion.desk import BadInput, Desk, from_db
from companion.i18n import translate
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


def _write(path: Path, header: Iterable[str], rows: Iterator[list[str]]) -> int:
    tmp = path.with_name(path.name + ".part")
    count = 0
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(
            translate("export", "Cannot write {path}: {why}.").format(path=path, why=exc.strerror)
        ) from None
    return count


def export_contacts(desk: Desk, path: Path) -> int:
    numbers: dict[int, list[str]] = {}
    query = (
        ContactPhone.select(ContactPhone.contact, Phone.number).join(Phone).order_by(ContactPhone.id).tuples()
    )
    for contact_id, number in query:
        numbers.setdefault(contact_id, []).append(number)

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
