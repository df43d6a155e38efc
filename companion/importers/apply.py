"""Writing imported rows into the store, all in one transaction.

A row goes to the contact its numbers already have (see ``_match``): the one with the same
name, or one without a name yet, or the first one when the row has no name. A different name
is a colleague sharing a switchboard (a new contact on the same number) when every owner of
the number came from an earlier row of this import; otherwise the file renamed someone we
already had, so that contact is updated, keeps its name, and the report says so.
"""

from __future__ import annotations

from typing import Any

from companion import numbers
from companion.i18n import translate
from companion.importers import ImportReport, Row
from companion.method import Familiarity, Source, Status
from companion.store.models import Contact, ContactPhone, Phone, db

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
    claimed: set[int] = set()  # contacts earlier rows of this import created or matched
    with db.atomic():
        for row in rows:
            _apply(desk, row, report, default_familiarity, now, claimed)
    return report


def _now(desk: Any) -> Any:
    from companion.desk import to_db

    return to_db(desk.clock())


def _apply(
    desk: Any, row: Row, report: ImportReport, default: Familiarity, now: Any, claimed: set[int]
) -> None:
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
            .order_by(Contact.id)
        )
        if phones
        else []
    )
    contact = _match(owners, row.name, claimed)
    created = contact is None
    changed = False
    # a contact we had, named otherwise in the file: it keeps its name, and the report says so
    renamed = (
        contact is not None
        and bool(row.name.strip() and contact.name.strip())
        and not _same_name(contact.name, row.name)
    )
    if renamed:
        assert contact is not None
        report.problem(
            row.line,
            translate(
                "import",
                "{number} already belongs to «{owner}»; updated that contact (the file says «{name}»)",
            ).format(number=_shared_key(contact, keys), owner=contact.name, name=row.name.strip()),
        )
    if contact is None:
        contact = Contact(
            created=now, updated=now, status=Status.PERSON.value, familiarity=Familiarity.NONE.value
        )
    for attr in ("name", "company", "email", "notes", "referred_by"):
        if attr == "name" and renamed:
            continue  # the contact keeps the name we know it by
        value = getattr(row, attr)
        if value and value != getattr(contact, attr):
            setattr(contact, attr, value)
            changed = True
    if status and Status(status).rank > Status(contact.status).rank:
        contact.status = status
        changed = True
    target = Familiarity(fam) if fam else default
    if target.rank > Familiarity(contact.familiarity).rank:
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
    claimed.add(contact.id)
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _match(owners: list[Contact], name: str, claimed: set[int]) -> Contact | None:
    """The contact a row with ``name`` updates among the owners of its numbers; None for a
    new contact. ``claimed``: the contacts earlier rows of this import went to."""
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
    for contact in owners:
        if contact.id not in claimed:
            return contact  # had before this import: the file spells the name differently
    return None  # a colleague on a switchboard the file listed above: a new contact


def _shared_key(contact: Contact, keys: list[str | None]) -> str:
    """The first of the row's numbers that ``contact`` has (the one that matched)."""
    has = {
        p.number
        for p in Phone.select(Phone.number)
        .join(ContactPhone)
        .where((ContactPhone.contact == contact) & Phone.number.in_(keys))
    }
    return next((key for key in keys if key in has), keys[0] or "")


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
