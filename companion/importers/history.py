"""Importing a call history (a CRM's or a phone system's call list, or our own export).

The company's past conversations make a person ``warm`` and the rep's own make them ``hot``
(DESIGN.md §1 reads both from the calls table), so the history counts from the first call
after the import. A call already in the store (same number, start and direction) is updated,
never doubled. Imported calls are logged calls: none lands in "To log", and an old
"call back" outcome schedules no reminder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from companion.i18n import translate
from companion.importers import ImportCancelled, ImportReport
from companion.importers.apply import usable_key
from companion.importers.columns import Mapping, cell, unescape
from companion.method import (
    Direction,
    Facts,
    Familiarity,
    Kind,
    Outcome,
    Status,
    Temperature,
    classify,
    raised_status,
    temperature,
)
from companion.store.models import Call, Contact, ContactPhone, Phone

MAX_DURATION = timedelta(hours=24)


@dataclass(slots=True)
class CallRow:
    line: int
    started: str = ""
    date: str = ""
    time: str = ""
    number: str = ""
    direction: str = ""
    outcome: str = ""
    rep: str = ""
    note: str = ""
    name: str = ""
    company: str = ""
    duration: str = ""
    kind: str = ""
    temperature: str = ""


def call_row(line: int, cells: Sequence[str], mapping: Mapping) -> CallRow:
    row = CallRow(line=line)
    for field_name, indexes in mapping.items():
        setattr(row, field_name, unescape(cell(cells, indexes[0])))
    return row


_DIRECTIONS = {
    **dict.fromkeys(("in", "incoming", "inbound", "входящий", "входящие", "вход", "вх", "inc"), Direction.IN),
    **dict.fromkeys(("out", "outgoing", "outbound", "исходящий", "исходящие", "исх", "outg"), Direction.OUT),
}
_OUTCOMES = {
    **{o.value: o for o in Outcome},
    **dict.fromkeys(
        (
            "talked",
            "answered",
            "connected",
            "success",
            "successful",
            "completed",
            "разговор",
            "поговорили",
            "состоялся",
            "отвечен",
            "принят",
            "успешный",
            "успешно",
        ),
        Outcome.TALKED,
    ),
    **dict.fromkeys(
        (
            "no answer",
            "noanswer",
            "missed",
            "busy",
            "failed",
            "not answered",
            "unanswered",
            "cancelled",
            "canceled",
            "недозвон",
            "не дозвонился",
            "не ответил",
            "нет ответа",
            "пропущенный",
            "пропущен",
            "занято",
            "не отвечен",
        ),
        Outcome.NO_ANSWER,
    ),
    **dict.fromkeys(
        ("wrong number", "неверный номер", "ошибочный номер", "не тот номер"), Outcome.WRONG_NUMBER
    ),
    **dict.fromkeys(
        ("not interested", "refused", "rejected", "отказ", "не интересно", "неинтересно"),
        Outcome.NOT_INTERESTED,
    ),
    **dict.fromkeys(("интерес", "интересно", "заинтересован"), Outcome.INTERESTED),
    **dict.fromkeys(("call back", "перезвонить", "перезвон", "просил перезвонить"), Outcome.CALLBACK),
    **dict.fromkeys(("won", "sale", "сделка", "продажа"), Outcome.DEAL),
}
_DMY = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)


@dataclass(slots=True)
class ParsedCall:
    row: CallRow
    key: str
    valid: bool
    raw: str
    started: datetime
    ended: datetime | None
    direction: Direction
    outcome: Outcome


def parse_calls(
    rows: Iterable[CallRow], region: str, report: ImportReport, tick: Callable[[int], None]
) -> list[ParsedCall]:
    """Read every row (no database); rows that cannot be a call are skipped and reported."""
    result: list[ParsedCall] = []
    for count, row in enumerate(rows, start=1):
        parsed = _parse(row, region, report)
        if parsed is None:
            report.skipped += 1
        else:
            result.append(parsed)
        if count % 500 == 0:
            tick(count)
    result.sort(key=lambda p: p.started)  # so each call sees the ones before it
    return result


def _parse(row: CallRow, region: str, report: ImportReport) -> ParsedCall | None:
    def skip(text: str) -> None:
        report.problem(row.line, text)

    if not row.number.strip():
        skip(translate("import", "no phone number; skipped"))
        return None
    key, valid = usable_key(row.number, region)
    if key is None:
        skip(translate("import", "not a usable number: {raw!r}").format(raw=row.number.strip()[:60]))
        return None
    started = when(row.started or " ".join(p for p in (row.date, row.time) if p.strip()), region)
    if started is None:
        text = (row.started or f"{row.date} {row.time}").strip()
        if text:
            skip(translate("import", "not a date and time: {value!r}; skipped").format(value=text[:40]))
        else:
            skip(translate("import", "no date; skipped"))
        return None
    direction = _DIRECTIONS.get(row.direction.strip().lower())
    if direction is None:
        if row.direction.strip():
            skip(translate("import", "unknown direction {value!r}; skipped").format(value=row.direction[:40]))
        else:
            skip(translate("import", "no direction (incoming or outgoing); skipped"))
        return None
    seconds = duration(row.duration)
    if row.duration.strip() and seconds is None:
        report.problem(
            row.line,
            translate("import", "not a duration: {value!r}; ignored").format(value=row.duration[:40]),
        )
    outcome = _OUTCOMES.get(" ".join(row.outcome.strip().lower().replace("_", " ").split()))
    if outcome is None:
        outcome = Outcome.NO_ANSWER if seconds == 0 else Outcome.TALKED
        if row.outcome.strip():
            report.problem(
                row.line,
                translate("import", "unknown outcome {value!r}; counted as {outcome}").format(
                    value=row.outcome[:40], outcome=outcome.value
                ),
            )
    ended = started + timedelta(seconds=seconds) if seconds else None
    return ParsedCall(row, key, valid, row.number.strip(), started, ended, direction, outcome)


def when(text: str, region: str) -> datetime | None:
    """A date and time as files write them: ISO 8601, ``01.12.2026 14:05``, ``12/01/2026 2:05 PM``
    (month first in the US, day first elsewhere unless the numbers say otherwise). A time
    without a zone is this computer's local time; a date alone is its noon."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        moment = _dmy(text, region)
        if moment is None:
            return None
    if len(text) <= 10 and moment.hour == moment.minute == 0 and ":" not in text:
        moment = moment.replace(hour=12)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment


def _dmy(text: str, region: str) -> datetime | None:
    m = _DMY.match(text)
    if m is None:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if year < 100:
        year += 2000
    month_first = (region.upper() in ("US", "CA", "PH") and b <= 12) or a > 12
    if month_first and b > 12 and a > 12:
        return None
    month, day = (a, b) if month_first and a <= 12 else (b, a)
    hour = int(m[4] or 0)
    if m[7]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if m[7].lower() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, int(m[5] or 0), int(m[6] or 0))
    except ValueError:
        return None


def duration(text: str) -> int | None:
    """Seconds from ``125``, ``2:05`` or ``0:02:05``; None when it is none of these."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    parts = text.split(":")
    if 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
        seconds = 0
        for p in parts:
            seconds = seconds * 60 + int(p)
        return seconds
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(value) if value >= 0 else None


class CallWriter:
    """Writes parsed calls inside the caller's transaction, oldest first."""

    def __init__(self, desk: Any, report: ImportReport, familiarity: str) -> None:
        from companion.desk import to_db

        self.desk = desk
        self.report = report
        self.to_db = to_db
        #: whose calls these are where the file does not say
        self.default_rep = desk.rep if familiarity == Familiarity.PERSONAL.value else ""
        self.now = to_db(desk.clock())
        self.subjects: dict[str, tuple[Phone, Contact | None]] = {}
        self.facts: dict[int, Facts] = {}

    def apply(
        self, parsed: Sequence[ParsedCall], tick: Callable[[int], None], cancelled: Callable[[], bool]
    ) -> None:
        for count, item in enumerate(parsed, start=1):
            if count % 500 == 0:
                if cancelled():
                    raise ImportCancelled
                tick(count)
            self._call(item)
        tick(len(parsed))

    def _call(self, item: ParsedCall) -> None:
        row, report = item.row, self.report
        phone, contact = self._subject(item)
        rep = row.rep.strip() or self.default_rep
        started = self.to_db(item.started)
        ended = self.to_db(item.ended) if item.ended else None
        existing = (
            Call.select()
            .where(
                (Call.phone == phone) & (Call.started == started) & (Call.direction == item.direction.value)
            )
            .first()
        )
        facts = self._facts(phone, contact)
        if existing is not None:
            changes = {
                "outcome": item.outcome.value,
                "note": row.note.strip() or existing.note,
                "rep": rep or existing.rep,
                "ended": ended or existing.ended,
            }
            if all(getattr(existing, k) == v for k, v in changes.items()):
                report.unchanged += 1
            else:
                for k, v in changes.items():
                    setattr(existing, k, v)
                existing.save()
                report.updated += 1
        else:
            kind = _enum(Kind, row.kind) or classify(item.direction, facts)
            if kind.direction is not item.direction:
                kind = classify(item.direction, facts)
            Call.create(
                phone=phone,
                contact=contact,
                raw=item.raw,
                direction=item.direction.value,
                rep=rep,
                started=started,
                ended=ended,
                kind=kind.value,
                kind_auto=kind.value,
                temperature=(_enum(Temperature, row.temperature) or temperature(facts)).value,
                outcome=item.outcome.value,
                logged=started,
                note=row.note.strip(),
            )
            report.created += 1
        self._learn(phone, contact, item.outcome, rep, facts)

    def _subject(self, item: ParsedCall) -> tuple[Phone, Contact | None]:
        """The number's row and the person the call was with (created from the file's name
        when the number is new to us); a switchboard's call with nobody named is the number's."""
        name = " ".join(item.row.name.split())
        cached = self.subjects.get(item.key)
        if cached is not None and (not name or (cached[1] is not None and _same(cached[1].name, name))):
            return cached
        phone = Phone.get_or_none(Phone.number == item.key)
        if phone is None:
            phone = Phone.create(number=item.key, raw=item.raw, valid=item.valid)
        owners = list(
            Contact.select().join(ContactPhone).where(ContactPhone.phone == phone).order_by(Contact.id)
        )
        contact: Contact | None = None
        if len(owners) == 1 and (not name or not owners[0].name.strip() or _same(owners[0].name, name)):
            contact = owners[0]
        elif name:
            contact = next((c for c in owners if _same(c.name, name)), None)
        elif len(owners) == 1:
            contact = owners[0]
        if contact is None and (name or item.row.company.strip()) and not owners:
            contact = Contact.create(
                name=name, company=item.row.company.strip(), created=self.now, updated=self.now
            )
            ContactPhone.create(contact=contact, phone=phone, raw=item.raw)
        elif contact is not None and name and not contact.name.strip():
            contact.name = name
            contact.updated = self.now
            contact.save()
        self.subjects[item.key] = (phone, contact)
        return phone, contact

    def _facts(self, phone: Phone, contact: Contact | None) -> Facts:
        """What was known before this call: the contact's record, and the calls imported
        before it (the store's earlier calls are not read: that would cost a query per row)."""
        key = contact.id if contact is not None else -phone.id
        facts = self.facts.get(key)
        if facts is None:
            status = Status(contact.status) if contact is not None else Status.PERSON
            fam = contact.familiarity if contact is not None else Familiarity.NONE.value
            facts = Facts(
                client=status is Status.CLIENT,
                personal=fam == Familiarity.PERSONAL.value
                and contact is not None
                and contact.known_by in ("", self.desk.rep),
                company=fam != Familiarity.NONE.value or status.rank >= Status.PROSPECT.rank,
                referral=contact is not None and bool(contact.referred_by.strip()),
            )
            self.facts[key] = facts
        return facts

    def _learn(
        self, phone: Phone, contact: Contact | None, outcome: Outcome, rep: str, before: Facts
    ) -> None:
        client = before.client
        if contact is not None:
            after = raised_status(Status(contact.status), outcome)
            if after.value != contact.status:
                contact.status = after.value
                contact.updated = self.now
                contact.save()
            client = after is Status.CLIENT
        key = contact.id if contact is not None else -phone.id
        self.facts[key] = Facts(
            client=client,
            personal=before.personal or (outcome.connected and rep == self.desk.rep),
            company=before.company or outcome.connected or (outcome.status is not None),
            referral=before.referral,
        )


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _enum(kind: Any, value: str) -> Any:
    try:
        return kind(value.strip().lower()) if value.strip() else None
    except ValueError:
        return None


__all__ = ["CallRow", "CallWriter", "ParsedCall", "call_row", "duration", "parse_calls", "when"]
