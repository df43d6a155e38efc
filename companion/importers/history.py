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
from companion.importers.apply import insert_id, usable_key
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
from companion.store.models import Contact, db

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
_MISSED = frozenset({"missed", "missed call", "пропущенный", "пропущенные", "пропущен", "непринятый"})
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
    #: the file said the outcome (else it was guessed from the duration, and never replaces
    #: an outcome already logged for this call)
    outcome_given: bool = True


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
    started = when(row.started or _day_and_time(row.date, row.time), region)
    if started is None:
        text = (row.started or f"{row.date} {row.time}").strip()
        if text:
            skip(translate("import", "not a date and time: {value!r}; skipped").format(value=text[:40]))
        else:
            skip(translate("import", "no date; skipped"))
        return None
    said = " ".join(row.direction.strip().lower().split())
    direction = _DIRECTIONS.get(said)
    missed = said in _MISSED
    if missed:
        direction = Direction.IN  # a phone's call log: "Missed" is an incoming call not taken
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
    given = outcome is not None or missed
    if missed and outcome is None:
        outcome = Outcome.NO_ANSWER
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
    return ParsedCall(row, key, valid, row.number.strip(), started, ended, direction, outcome, given)


def _day_and_time(day: str, clock: str) -> str:
    """A date column and a time column as one text. An Excel date cell reads as its midnight
    (``2026-10-01 00:00:00``): it is a date, like ``01.10.2026`` (the time column says the time)."""
    day, clock = day.strip(), clock.strip()
    if day.endswith(" 00:00:00"):
        day = day[: -len(" 00:00:00")]
    return f"{day} {clock}".strip()


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
    if a > 12 and b > 12:
        return None
    if a > 12:
        month_first = False  # 13.05: the day comes first, whatever the region
    elif b > 12:
        month_first = True  # 05/13: the month does
    else:
        month_first = region.upper() in ("US", "CA", "PH")
    month, day = (a, b) if month_first else (b, a)
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


#: a contact as a call history import keeps it: [id, name, status, familiarity, known_by, referred_by]
_Owner = list[Any]


class CallWriter:
    """Writes parsed calls inside the caller's transaction, oldest first, in plain statements
    (a call history runs to hundreds of thousands of rows)."""

    def __init__(self, desk: Any, report: ImportReport, familiarity: str) -> None:
        from peewee import SqliteDatabase

        from companion.desk import to_db

        self.desk = desk
        self.report = report
        self.to_db = to_db
        self.sqlite = isinstance(db.obj, SqliteDatabase)
        self.p = db.obj.param
        #: whose calls these are where the file does not say
        self.default_rep = desk.rep if familiarity == Familiarity.PERSONAL.value else ""
        self.now = self._time(to_db(desk.clock()))
        #: number → [its phone id, its owners]
        self.numbers: dict[str, tuple[int, list[_Owner]]] = {}
        #: contact id (or minus the phone id for a number without one) → what calls so far proved
        self.facts: dict[int, Facts] = {}
        self.cursor = db.obj.cursor()

    def _time(self, moment: datetime | None) -> object:
        """A naive UTC time as the store keeps it (SQLite: the text its adapter writes)."""
        if moment is None:
            return None
        return moment.isoformat(" ") if self.sqlite else moment

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
        row, report, p, cursor = item.row, self.report, self.p, self.cursor
        phone_id, owner = self._who(item)
        rep = row.rep.strip() or self.default_rep
        started = self._time(self.to_db(item.started))
        ended = self._time(self.to_db(item.ended)) if item.ended else None
        note = row.note.strip()
        # the same call: same number, direction and second (an export keeps whole seconds)
        second = self.to_db(item.started).replace(microsecond=0)
        cursor.execute(
            f'SELECT id, outcome, note, rep, ended FROM "call" WHERE phone_id = {p} AND direction = {p} '
            f"AND started >= {p} AND started < {p} ORDER BY id LIMIT 1",
            (phone_id, item.direction.value, self._time(second), self._time(second + timedelta(seconds=1))),
        )
        existing = cursor.fetchone()
        facts = self._facts(phone_id, owner)
        if existing is not None:
            call_id, outcome, old_note, old_rep, old_ended = existing
            if ended is None or _second(ended) == _second(old_ended):
                ended = old_ended
            wanted = (
                item.outcome.value if item.outcome_given or outcome is None else outcome,
                note or old_note,
                rep or old_rep,
                ended,
            )
            if wanted == (outcome, old_note, old_rep, old_ended):
                report.unchanged += 1
            else:
                cursor.execute(
                    f'UPDATE "call" SET outcome = {p}, note = {p}, rep = {p}, ended = {p} WHERE id = {p}',
                    (*wanted, call_id),
                )
                report.updated += 1
        else:
            kind = _enum(Kind, row.kind)
            if kind is None or kind.direction is not item.direction:
                kind = classify(item.direction, facts)
            temp = _enum(Temperature, row.temperature) or temperature(facts)
            marks = ", ".join([p] * 13)
            cursor.execute(
                'INSERT INTO "call" (phone_id, contact_id, raw, direction, rep, started, ended, kind, '
                f"kind_auto, temperature, outcome, logged, note) VALUES ({marks})",
                (
                    phone_id,
                    owner[0] if owner is not None else None,
                    item.raw,
                    item.direction.value,
                    rep,
                    started,
                    ended,
                    kind.value,
                    kind.value,
                    temp.value,
                    item.outcome.value,
                    started,
                    note,
                ),
            )
            report.created += 1
        self._learn(phone_id, owner, facts, item.outcome, rep)

    def _who(self, item: ParsedCall) -> tuple[int, _Owner | None]:
        """The number's row and the person the call was with (created from the file's name
        when the number is new to us); a switchboard's call with nobody named is the number's."""
        p, cursor = self.p, self.cursor
        entry = self.numbers.get(item.key)
        if entry is None:
            cursor.execute(
                "SELECT p.id, c.id, c.name, c.status, c.familiarity, c.known_by, c.referred_by "
                "FROM phone p LEFT JOIN contact_phone cp ON cp.phone_id = p.id "
                "LEFT JOIN contact c ON c.id = cp.contact_id "
                f"WHERE p.number = {p} ORDER BY c.id",
                (item.key,),
            )
            rows = cursor.fetchall()
            if rows:
                phone_id = rows[0][0]
            else:
                phone_id = insert_id(
                    cursor,
                    self.sqlite,
                    f"INSERT INTO phone (number, raw, valid) VALUES ({p}, {p}, {p})",
                    (item.key, item.raw, Contact.do_not_call.db_value(item.valid)),
                )
            entry = self.numbers[item.key] = (phone_id, [list(r[1:]) for r in rows if r[1] is not None])
        phone_id, owners = entry
        name = " ".join(item.row.name.split())
        chosen: _Owner | None = None
        if len(owners) == 1:
            chosen = owners[0]  # the number's only contact, however the file spells the name
            if name and chosen[1].strip() and not _same(chosen[1], name):
                self.report.problem(
                    item.row.line,
                    translate("import", "the file says «{name}»; counted as a call with «{owner}»").format(
                        name=name, owner=chosen[1]
                    ),
                )
        elif name:
            chosen = next((o for o in owners if _same(o[1], name)), None)
        company = item.row.company.strip()
        if chosen is None and not owners and (name or company):
            contact_id = insert_id(
                cursor,
                self.sqlite,
                "INSERT INTO contact (name, company, email, notes, status, referred_by, source, familiarity, "
                f"known_by, do_not_call, created, updated) VALUES ({p}, {p}, '', '', {p}, '', '', {p}, '', "
                f"{p}, {p}, {p})",
                (
                    name,
                    company,
                    Status.PERSON.value,
                    Familiarity.NONE.value,
                    Contact.do_not_call.db_value(False),
                    self.now,
                    self.now,
                ),
            )
            cursor.execute(
                f"INSERT INTO contact_phone (contact_id, phone_id, raw, label) VALUES ({p}, {p}, {p}, '')",
                (contact_id, phone_id, item.raw),
            )
            chosen = [contact_id, name, Status.PERSON.value, Familiarity.NONE.value, "", ""]
            owners.append(chosen)
        elif chosen is not None and name and not chosen[1].strip():
            cursor.execute(
                f"UPDATE contact SET name = {p}, updated = {p} WHERE id = {p}", (name, self.now, chosen[0])
            )
            chosen[1] = name
        return phone_id, chosen

    def _facts(self, phone_id: int, owner: _Owner | None) -> Facts:
        """What was known before this call: the contact's record, and the calls imported
        before it (the store's earlier calls are not read: that would cost a query per row)."""
        key = owner[0] if owner is not None else -phone_id
        facts = self.facts.get(key)
        if facts is None:
            connected, mine = self._stored_calls(phone_id, owner)
            if owner is None:
                facts = Facts(personal=mine, company=connected)
            else:
                _, _, status, fam, known_by, referred_by = owner
                level = Status(status)
                facts = Facts(
                    client=level is Status.CLIENT,
                    personal=mine or (fam == Familiarity.PERSONAL.value and known_by in ("", self.desk.rep)),
                    company=connected or fam != Familiarity.NONE.value or level.rank >= Status.PROSPECT.rank,
                    referral=bool(referred_by.strip()),
                )
            self.facts[key] = facts
        return facts

    def _stored_calls(self, phone_id: int, owner: _Owner | None) -> tuple[bool, bool]:
        """(anyone, this rep) had a connected call with them before this import: what the
        store knew, read once per person (the calls imported after it are learnt one by one)."""
        p = self.p
        if owner is not None:
            where, ids = (
                f"(contact_id = {p} OR (phone_id = {p} AND contact_id IS NULL))",
                [owner[0], phone_id],
            )
        else:
            where, ids = f"phone_id = {p}", [phone_id]
        outcomes = ", ".join([p] * len(_CONNECTED))
        self.cursor.execute(
            f'SELECT EXISTS(SELECT 1 FROM "call" WHERE {where} AND outcome IN ({outcomes})), '
            f'EXISTS(SELECT 1 FROM "call" WHERE {where} AND outcome IN ({outcomes}) AND rep = {p})',
            [*ids, *_CONNECTED, *ids, *_CONNECTED, self.desk.rep],
        )
        connected, mine = self.cursor.fetchone()
        return bool(connected), bool(mine)

    def _learn(self, phone_id: int, owner: _Owner | None, before: Facts, outcome: Outcome, rep: str) -> None:
        """What this call proves, for the calls after it (the facts of DESIGN.md §1)."""
        client = before.client
        if owner is not None:
            after = raised_status(Status(owner[2]), outcome)
            if after.value != owner[2]:
                p = self.p
                self.cursor.execute(
                    f"UPDATE contact SET status = {p}, updated = {p} WHERE id = {p}",
                    (after.value, self.now, owner[0]),
                )
                owner[2] = after.value
            client = after is Status.CLIENT
        self.facts[owner[0] if owner is not None else -phone_id] = Facts(
            client=client,
            personal=before.personal or (outcome.connected and rep == self.desk.rep),
            company=before.company or outcome.connected or outcome.status is not None,
            referral=before.referral,
        )


_CONNECTED = tuple(o.value for o in Outcome if o.connected)


def _second(moment: object) -> object:
    """A stored time to the second (SQLite keeps text, PostgreSQL a datetime)."""
    if isinstance(moment, str):
        return moment[:19]
    if isinstance(moment, datetime):
        return moment.replace(microsecond=0)
    return moment


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _enum(kind: Any, value: str) -> Any:
    try:
        return kind(value.strip().lower()) if value.strip() else None
    except ValueError:
        return None


__all__ = ["CallRow", "CallWriter", "ParsedCall", "call_row", "duration", "parse_calls", "when"]
