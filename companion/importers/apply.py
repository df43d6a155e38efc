"""Writing imported rows into the store, all in one transaction."""

from __future__ import annotations

from typing import Any

from companion import numbers
from companion.i18n import translate
from companion.importers import ImportReport, Row
from companion.method import Familiarity, Source, Status
from companion.store.models import Contact, ContactPhone, Phone, db

_FAMILIARITY_RANK = {Familiarity.NONE: 0, Familiarity.COMPANY: 1, Familiarity.PERSONAL: 2}
_TRUE = {"1", "yes", "true", "y", "да", "x", "+"}
_STATUS_WORDS = {
    "клиент": "client",
    "потенциальный клиент": "prospect",
    "человек": "person",
    "lead": "prospect",
    "customer": "client",
}


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def apply_rows(desk: Any, rows: list[Row], report: ImportReport, *, familiarity: str) -> ImportReport:
    default_familiarity = Familiarity(familiarity)
    now = _now(desk)
    with db.atomic():
        for row in rows:
            _apply(desk, row, report, default_familiarity, now)
    return report


def _now(desk: Any) -> Any:
    from companion.desk import to_db

    return to_db(desk.clock())


def _apply(desk: Any, row: Row, report: ImportReport, default: Familiarity, now: Any) -> None:
    parsed: list[numbers.Number] = []
    for raw in row.phones:
        number = numbers.parse(raw, desk.settings.region)
        usable = number.key is not None and (number.valid or number.shape is numbers.Shape.EXTENSION)
        if usable:
            if all(p.key != number.key for p in parsed):
                parsed.append(number)
        else:
            report.problem(
                row.line, translate("import", "not a usable number: {raw!r}").format(raw=raw.strip()[:60])
            )
    if not parsed:
        report.skipped += 1
        if not row.phones:
            report.problem(row.line, translate("import", "no phone number; skipped"))
        else:
            report.problem(row.line, translate("import", "skipped: no usable number"))
        return
    status = _status(row, report)
    fam = _familiarity(row, report)
    keys = [p.key for p in parsed]
    phones = {p.number: p for p in Phone.select().where(Phone.number.in_(keys))}
    owners = (
        list(
            Contact.select()
            .join(ContactPhone)
            .where(ContactPhone.phone.in_(list(phones.values())))
            .distinct()
        )
        if phones
        else []
    )
    contact = _match(owners, row.name)
    created = contact is None
    changed = False
    if contact is None:
        contact = Contact(
            created=now, updated=now, status=Status.PERSON.value, familiarity=Familiarity.NONE.value
        )
    for attr in ("name", "company", "email", "notes", "referred_by"):
        value = getattr(row, attr)
        if value and value != getattr(contact, attr):
            setattr(contact, attr, value)
            changed = True
    if status and Status(status).rank > Status(contact.status).rank:
        contact.status = status
        changed = True
    target = Familiarity(fam) if fam else default
    if _FAMILIARITY_RANK[target] > _FAMILIARITY_RANK[Familiarity(contact.familiarity)]:
        contact.familiarity = target.value
        if target is Familiarity.PERSONAL:
            contact.known_by = desk.rep
        changed = True
    source = _source(row, report)
    if source and source != contact.source:
        contact.source = source
        changed = True
    if row.do_not_call and (row.do_not_call.strip().lower() in _TRUE) != bool(contact.do_not_call):
        contact.do_not_call = row.do_not_call.strip().lower() in _TRUE
        changed = True
    if changed or created:
        contact.updated = now
        contact.save()
    linked = (
        {cp.phone_id for cp in ContactPhone.select(ContactPhone.phone).where(ContactPhone.contact == contact)}
        if not created
        else set()
    )
    for number in parsed:
        phone = phones.get(number.key or "")
        if phone is None:
            phone = Phone.create(number=number.key, raw=number.input.strip(), valid=number.valid)
            phones[phone.number] = phone
        if phone.id not in linked:
            ContactPhone.create(contact=contact, phone=phone, raw=number.input.strip())
            linked.add(phone.id)
            changed = True
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _match(owners: list[Contact], name: str) -> Contact | None:
    if not owners:
        return None
    if not name:
        return owners[0]
    for contact in owners:
        if _same_name(contact.name, name):
            return contact
    for contact in owners:
        if not contact.name.strip():
            return contact  # a number we logged before we knew the name
    return None


def _status(row: Row, report: ImportReport) -> str:
    value = row.status.strip().lower()
    if not value:
        return ""
    value = _STATUS_WORDS.get(value, value)
    if value in {s.value for s in Status}:
        return value
    report.problem(row.line, translate("import", "unknown status {value!r} ignored").format(value=row.status))
    return ""


def _familiarity(row: Row, report: ImportReport) -> str:
    value = row.familiarity.strip().lower()
    if not value:
        return ""
    if value in {f.value for f in Familiarity}:
        return value
    report.problem(
        row.line, translate("import", "unknown familiarity {value!r} ignored").format(value=row.familiarity)
    )
    return ""


def _source(row: Row, report: ImportReport) -> str:
    value = row.source.strip().lower()
    if not value:
        return ""
    if value in {s.value for s in Source}:
        return value
    report.problem(row.line, translate("import", "unknown source {value!r} ignored").format(value=row.source))
    return ""
