"""The application service: everything the window and the command line do with calls.

``Desk`` turns a raw number into a :class:`~companion.card.Card` (``lookup`` never writes),
records call events and outcomes, and keeps statuses and callbacks true to the method.
It holds no Qt and is the only place that knows how the tables answer the method's
questions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from peewee import (
    Case,
    DatabaseError,
    Expression,
    IntegrityError,
    InterfaceError,
    PostgresqlDatabase,
    Select,
    fn,
)

from companion import i18n, numbers
from companion.card import (
    CallbackChoice,
    CallbackInfo,
    CallBefore,
    CallInfo,
    Card,
    ContactInfo,
    Logged,
    Notice,
    NumberInfo,
)
from companion.config import Settings
from companion.i18n import translate
from companion.method import (
    KIND_TITLES,
    OUTCOME_NAMES,
    REMINDERS,
    Direction,
    Facts,
    Familiarity,
    Kind,
    Outcome,
    Source,
    Status,
    Temperature,
    classify,
    raised_status,
    temperature,
    temperature_of,
)
from companion.store import write_transaction
from companion.store.models import Call, Callback, Contact, ContactPhone, Phone, db

CONNECTED = tuple(o.value for o in Outcome if o.connected)
#: the outcomes that prove a status (interested, callback → prospect; deal → client)
PROVING = tuple(o.value for o in Outcome if o.status is not None)
HISTORY_LIMIT = 10
#: an incoming call within this long after the rep's own unanswered try is "calling back"
RECENT_TRY = timedelta(days=3)
# end_call() only ends calls that started this recently (older ones were logged in one step)
RECENT_CALL = timedelta(hours=12)
#: how far the reps' computers' clocks may differ: undo counts the calls logged since this
#: long before the one it takes back as "logged since" (a colleague's at the same moment)
CLOCK_SKEW = timedelta(minutes=1)


class BadInput(ValueError):  # noqa: N818 - the name the CLI and window already use
    """Input the user must correct; the message is one sentence meant for them."""


def _shared_number() -> BadInput:
    return BadInput(translate("desk", "Several people share this number: choose who this is first."))


@contextmanager
def saving() -> Iterator[None]:
    """Turns a database that refuses a write (locked, full, read-only, gone) into a
    :class:`BadInput` the window and the command line can show: "Not saved: …".
    Used as a decorator on every ``Desk`` method that writes."""
    try:
        yield
    except (DatabaseError, InterfaceError) as exc:  # InterfaceError: "connection already closed"
        raise BadInput(_not_saved(exc)) from exc


#: what psycopg2 and peewee say when the server is not there (no SQLSTATE: not the query's fault)
_GONE = (
    "could not connect",
    "connection refused",
    "server closed the connection",
    "connection already closed",
    "terminating connection",
    "could not receive data",
    "could not send data",
    "no route to host",
    "network is unreachable",
    "timeout expired",
    "connection timed out",
    "ssl syscall error",
    "cannot connect to the team database",
    "name or service not known",
    "could not translate host name",
)


def is_unreachable(exc: BaseException) -> bool:
    """The error says the team database cannot be reached (not that it refused the change)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "pgcode", None):  # the server answered with an SQLSTATE
            return False
        if any(words in str(current).lower() for words in _GONE):
            return True
        current = current.__cause__ or current.__context__
    return False


def unreachable_text() -> str:
    return translate(
        "desk", "The team database cannot be reached: this shows again when it is back (see the top line)."
    )


_R = TypeVar("_R")


def reading(method: Callable[..., _R]) -> Callable[..., _R]:
    """For the reads of the lists beside the card (history, contacts, today), on objects with a
    ``desk``: a database that cannot be read is a :class:`BadInput` the view shows. While a team
    desk knows its server is away, it is not even tried (no connect timeout on every refresh)."""

    @functools.wraps(method)
    def read(self: Any, *args: Any, **kwargs: Any) -> _R:
        desk = self.desk
        if getattr(desk, "offline", False):
            raise BadInput(unreachable_text())
        try:
            return method(self, *args, **kwargs)
        except (DatabaseError, InterfaceError) as exc:
            if not is_unreachable(exc):
                raise BadInput(
                    translate("desk", "Cannot read the database: {why}").format(why=str(exc).strip())
                ) from exc
            gone = getattr(desk, "_gone", None)
            if gone is not None:
                gone()
            raise BadInput(unreachable_text()) from exc

    return read


def _not_saved(exc: DatabaseError | InterfaceError) -> str:
    reason = str(exc).strip().rstrip(".")
    text = reason.lower()
    if "locked" in text or "busy" in text:
        return translate("desk", "Not saved: the database is locked by another program; try again.")
    if "readonly" in text or "read-only" in text or "read only" in text:
        return translate("desk", "Not saved: the database is read-only.")
    if "full" in text:
        return translate("desk", "Not saved: the disk is full; free some space and try again.")
    return translate("desk", "Not saved: the database refused the change ({reason}).").format(
        reason=reason or type(exc).__name__
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the computer's local time
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(moment: datetime | str | None) -> datetime | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC)


def _from_db(moment: datetime | str) -> datetime:
    value = from_db(moment)
    assert value is not None
    return value


@dataclass(frozen=True, slots=True)
class _Subject:
    """Who a number is, as far as the store knows."""

    number: numbers.Number
    phone: Phone | None
    contact: Contact | None
    candidates: tuple[Contact, ...]


class Desk:
    """One rep's desk on an open database (``companion.store.open_database``)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings.resolved()
        self.clock = clock

    @property
    def rep(self) -> str:
        return self.settings.rep

    # --- looking up ------------------------------------------------------------------

    def parse(self, raw: str | None) -> numbers.Number:
        number = numbers.parse(raw, self.settings.region)
        if number.too_long:
            raise BadInput(
                translate("desk", "That is not a phone number: more than {n} characters.").format(
                    n=numbers.MAX_INPUT
                )
            )
        return number

    def lookup(self, raw: str | None, direction: Direction | str = Direction.IN) -> Card:
        """The card for ``raw`` dialled or ringing now. Never writes."""
        direction = _direction(direction)
        subject = self._subject(self.parse(raw))
        return self._card(subject, direction)

    def _subject(self, number: numbers.Number) -> _Subject:
        phone, owners = _phone_and_owners(number.key) if number.key else (None, ())
        if phone is None:
            return _Subject(number, None, None, ())
        contact: Contact | None = None
        if len(owners) == 1:
            contact = owners[0]
        elif phone.chosen_id is not None:
            contact = next((c for c in owners if c.id == phone.chosen_id), None)
        return _Subject(number, phone, contact, owners if len(owners) > 1 else ())

    def _mine(self) -> Expression:
        """Callbacks this rep owes (and those nobody is named for: from before schema 2)."""
        return (Callback.rep == self.rep) | (Callback.rep == "")

    def _open_callback(self, subject: _Subject) -> Callback | None:
        """The open callback this rep owes them (the first due)."""
        return self._open_callbacks(subject)[0]

    def _open_callbacks(self, subject: _Subject) -> tuple[Callback | None, tuple[Callback, ...]]:
        """The open callback this rep owes them (the first due), and the first one each colleague
        owes them, in one query."""
        where = _theirs(Callback, subject.contact, subject.phone)
        if where is None:
            return None, ()
        mine: Callback | None = None
        theirs: dict[str, Callback] = {}
        for callback in (
            Callback.select().where(where & Callback.done.is_null()).order_by(Callback.due, Callback.id)
        ):
            if callback.rep in ("", self.rep):
                mine = mine or callback
            else:
                theirs.setdefault(callback.rep, callback)
        return mine, tuple(theirs.values())

    def facts(self, subject: _Subject) -> Facts:
        own = self._facts(subject)
        if subject.contact is not None or not subject.candidates:
            return own
        # a shared number nobody chose: what is true of every owner, plus the number's own calls
        shared = [self._facts(_Subject(subject.number, subject.phone, c, ())) for c in subject.candidates]
        return Facts(
            **{f.name: getattr(own, f.name) or all(getattr(s, f.name) for s in shared) for f in fields(Facts)}
        )

    def _facts(self, subject: _Subject) -> Facts:
        contact = subject.contact
        connected, mine, pending = self._contact_flags(subject)
        personal_mark = (
            contact is not None
            and contact.familiarity == Familiarity.PERSONAL
            and contact.known_by in ("", self.rep)
        )
        status = Status(contact.status) if contact is not None else Status.PERSON
        return Facts(
            client=status is Status.CLIENT,
            personal=personal_mark or mine,
            company=(
                connected
                or status.rank >= Status.PROSPECT.rank
                or (
                    contact is not None and contact.familiarity in (Familiarity.COMPANY, Familiarity.PERSONAL)
                )
            ),
            referral=contact is not None and bool(contact.referred_by.strip()),
            callback_pending=pending,
        )

    def _contact_flags(self, subject: _Subject) -> tuple[bool, bool, bool]:
        """(anyone connected with them, I connected with them, a callback is open) in one
        query: this is on the path of every ringing call, so it is written out by hand."""
        theirs = _theirs_sql(subject)
        if theirs is None:
            return False, False, False
        where, ids = theirs
        p = db.obj.param
        outcomes = ", ".join([p] * len(CONNECTED))
        sql = (
            f'SELECT EXISTS(SELECT 1 FROM "call" t WHERE {where} AND t.outcome IN ({outcomes})), '
            f'EXISTS(SELECT 1 FROM "call" t WHERE {where} AND t.outcome IN ({outcomes}) AND t.rep = {p}), '
            f'EXISTS(SELECT 1 FROM "callback" t WHERE {where} AND t.done IS NULL)'
        )
        params = [*ids, *CONNECTED, *ids, *CONNECTED, self.rep, *ids]
        connected, mine, pending = db.obj.execute_sql(sql, params).fetchone()
        return bool(connected), bool(mine), bool(pending)

    def _history(self, subject: _Subject) -> tuple[CallInfo, ...]:
        """The last calls with them, newest first, in one query (the ringing-call path)."""
        theirs = _theirs_sql(subject)
        if theirs is None:
            return ()
        where, ids = theirs
        rows = db.obj.execute_sql(
            "SELECT t.id, t.started, t.direction, t.rep, t.kind, t.kind_auto, t.temperature, t.outcome, "
            't.note, t.raw, t.ended, ph.number, c.name, c.company FROM "call" t '
            "LEFT JOIN phone ph ON ph.id = t.phone_id LEFT JOIN contact c ON c.id = t.contact_id "
            f"WHERE {where} ORDER BY t.started DESC, t.id DESC LIMIT {HISTORY_LIMIT}",
            ids,
        ).fetchall()
        return tuple(
            CallInfo(
                id=row[0],
                at=_from_db(row[1]),
                direction=Direction(row[2]),
                rep=row[3],
                kind=Kind(row[4]),
                kind_auto=Kind(row[5]),
                temperature=Temperature(row[6]),
                outcome=row[7],
                note=row[8],
                number=row[11] if row[11] is not None else (row[9] or None),
                contact_name=(row[12] or row[13] or "") if row[12] is not None else "",
                ended=from_db(row[10]),
            )
            for row in rows
        )

    def _card(self, subject: _Subject, direction: Direction, call: Call | None = None) -> Card:
        now = self.clock()
        facts = self.facts(subject)
        auto = classify(direction, facts)
        kind = Kind(call.kind) if call is not None else auto
        temp = temperature(facts) if kind == auto else temperature_of(kind, facts)
        info = self._number_info(subject.number, now)
        history = self._history(subject)
        # the card's callback is one this rep owes; a colleague's is a line of the context only
        # (the person waits for it all the same: the kind is still "callback")
        callback, owed = self._open_callbacks(subject) if facts.callback_pending else (None, ())
        callback_info = self._callback_info(callback, now) if callback else None
        return Card(
            input=subject.number.input,
            number=info,
            direction=direction,
            kind=kind,
            temperature=temp,
            title=translate("method", KIND_TITLES[kind]),
            reminder=translate("method", REMINDERS[kind]),
            facts=facts,
            contact=_contact_info(subject.contact) if subject.contact else None,
            candidates=tuple(_contact_info(c) for c in subject.candidates),
            history=history,
            callback=callback_info,
            warnings=tuple(self._warnings(subject, direction, info, history)),
            context=tuple(
                self._context(
                    subject,
                    direction,
                    history,
                    callback_info,
                    now,
                    owed=owed,
                    # this very call asked for it: they are not calling about it
                    promised_now=callback is not None and call is not None and callback.call_id == call.id,
                )
            ),
            call_id=call.id if call is not None else None,
        )

    def _number_info(self, number: numbers.Number, now: datetime) -> NumberInfo:
        zones = numbers.time_zones(number)
        local = numbers.local_time(zones, now)
        return NumberInfo(
            input=number.input,
            key=number.key,
            e164=number.e164,
            international=number.international,
            human=number.human or number.display_name or "",
            valid=number.valid,
            shape=number.shape.value,
            type=number.type,
            extension=number.extension,
            display_name=number.display_name,
            place=numbers.place(number, self.settings.lang or "en"),
            timezones=zones,
            local_time=local.earliest if local else None,
            local_time_exact=local.exact if local else True,
            local_time_latest=local.latest if local else None,
        )

    def _warnings(
        self, subject: _Subject, direction: Direction, info: NumberInfo, history: tuple[CallInfo, ...]
    ) -> Iterable[Notice]:
        number = subject.number
        if number.shape is numbers.Shape.WITHHELD:
            yield Notice("withheld", translate("desk", "Number withheld: there is nothing to look up."))
        elif number.shape is numbers.Shape.INVALID or (
            number.shape is numbers.Shape.PHONE and not number.valid
        ):
            yield Notice("invalid_number", translate("desk", "This does not look like a valid number."))
        if subject.contact is not None and subject.contact.do_not_call:
            yield Notice("do_not_call", translate("desk", "Do not call: they asked not to be called."))
        last = next((c for c in history if c.outcome), None)
        if last is not None and last.outcome == Outcome.WRONG_NUMBER:
            yield Notice(
                "wrong_number", translate("desk", "Last time this number turned out to be a wrong number.")
            )
        if subject.candidates and subject.contact is None:
            yield Notice(
                "shared_number",
                translate("desk", "{n} contacts share this number: choose who this is.").format(
                    n=len(subject.candidates)
                ),
            )
        if info.local_time is not None and direction is Direction.OUT:  # they chose to call us
            start, end = self.settings.hours
            ends = (info.local_time, info.local_time_latest or info.local_time)
            outside = next((t for t in ends if not numbers.within_hours(t, start, end)), None)
            if outside is not None:
                text = (
                    translate("desk", "It is {time} there: outside calling hours ({start}–{end}).")
                    if info.local_time_exact
                    else translate(
                        "desk",
                        "It may be {time} there (several time zones): outside calling hours ({start}–{end}).",
                    )
                )
                yield Notice(
                    "outside_hours",
                    text.format(
                        time=i18n.clock(outside),
                        start=i18n.clock(start),
                        end=i18n.clock(end),
                    ),
                )

    def _context(
        self,
        subject: _Subject,
        direction: Direction,
        history: tuple[CallInfo, ...],
        callback: CallbackInfo | None,
        now: datetime,
        *,
        owed: tuple[Callback, ...] = (),
        promised_now: bool = False,
    ) -> Iterable[str]:
        contact = subject.contact
        if contact is not None and contact.referred_by.strip():
            yield translate("desk", "Recommended by {name}.").format(name=contact.referred_by.strip())
        if callback is not None:
            when = i18n.when(_local(callback.due), year=False)
            if direction is Direction.IN and not promised_now:
                text = translate(
                    "desk", "They are calling about the callback you owe them (due {when})"
                ).format(when=when)
            elif callback.overdue:
                text = translate("desk", "Callback overdue since {when}").format(when=when)
            else:
                text = translate("desk", "Callback due {when}").format(when=when)
            yield text + (f": {callback.promise}" if callback.promise else ".")
        for theirs in owed:  # a colleague's promise: theirs to keep, but the person waits for it
            due = _from_db(theirs.due)
            when = i18n.when(_local(due), year=False)
            if direction is Direction.IN and callback is None:
                text = translate("desk", "They are calling about the callback {rep} owes them (due {when})")
            elif due <= now:
                text = translate("desk", "{rep} owes them a callback, overdue since {when}")
            else:
                text = translate("desk", "{rep} owes them a callback (due {when})")
            yield text.format(rep=theirs.rep, when=when) + (f": {theirs.promise}" if theirs.promise else ".")
        logged = [c for c in history if c.outcome]
        if direction is Direction.IN:
            tried = next(
                (
                    c
                    for c in history
                    if c.direction is Direction.OUT
                    and c.rep == self.rep
                    and c.outcome in (None, Outcome.NO_ANSWER)
                    and now - c.at <= RECENT_TRY
                ),
                None,
            )
            if tried is not None and (not logged or tried is logged[0] or tried.at >= logged[0].at):
                yield translate(
                    "desk", "You called them at {when}, no answer: they are calling back."
                ).format(when=i18n.when(_local(tried.at), year=False))
        if logged:
            last = logged[0]
            yield translate("desk", "Last call: {when}, {outcome} ({rep}).").format(
                when=i18n.when(_local(last.at)),
                outcome=translate("method", OUTCOME_NAMES[Outcome(last.outcome)]),
                rep=last.rep,
            )
            other = next(
                (c for c in logged if c.rep != self.rep and Outcome(c.outcome or "").connected),
                None,
            )
            if other is not None:
                yield translate("desk", "{rep} on your team spoke with them on {when}.").format(
                    rep=other.rep, when=i18n.day(_local(other.at))
                )

    # --- recording -------------------------------------------------------------------

    @saving()
    def begin_call(self, raw: str | None, direction: Direction | str) -> Card:
        """A call is ringing or being dialled: record it now, kind as of this moment."""
        direction = _direction(direction)
        number = self.parse(raw)
        with write_transaction():
            subject = self._subject(number)
            facts = self.facts(subject)
            kind = classify(direction, facts)
            call = Call.create(
                phone=self._phone_for(subject),
                contact=subject.contact,
                raw=number.input,
                direction=direction.value,
                rep=self.rep,
                started=to_db(self.clock()),
                kind=kind.value,
                kind_auto=kind.value,
                temperature=temperature(facts).value,
            )
        return self._card(self._subject(number), direction, call)

    @saving()
    def end_call(self, raw: str | None = None, call_id: int | None = None) -> CallInfo | None:
        """The call ended: record its end on the newest unfinished call (of that number) that
        started within the last 12 hours; older unended calls were logged in one step."""
        now = self.clock()
        call = self._unended_call(raw, call_id, now)
        if call is None:
            return None
        call.ended = max(to_db(now), call.started)
        call.save(only=[Call.ended])
        return self._call_info(call)

    def current_call(self, raw: str | None) -> int | None:
        """The newest call of this number still in progress (not ended, last 12 hours)."""
        call = self._unended_call(raw, None, self.clock())
        return call.id if call is not None else None

    def _unended_call(self, raw: str | None, call_id: int | None, now: datetime) -> Call | None:
        query = Call.select().where(
            Call.ended.is_null() & (Call.rep == self.rep) & (Call.started >= to_db(now - RECENT_CALL))
        )
        if call_id is not None:
            query = query.where(Call.id == call_id)
        elif raw:
            number = self.parse(raw)
            if number.key is None:
                query = query.where(Call.phone.is_null())
            else:
                query = query.join(Phone).where(Phone.number == number.key)
        return query.order_by(Call.started.desc(), Call.id.desc()).first()

    @saving()
    def log(
        self,
        raw: str | None,
        direction: Direction | str,
        outcome: Outcome | str,
        *,
        note: str = "",
        at: datetime | None = None,
        callback_at: datetime | None = None,
        promise: str = "",
        kind: Kind | str | None = None,
        referred_by: str | None = None,
        call_id: int | None = None,
        uid: str | None = None,
    ) -> Logged:
        """Record the outcome of a call; the click is durable when this returns.

        With ``call_id`` the outcome fills in the record a call event created; otherwise
        a complete call is recorded in one step.

        ``uid`` makes the log exactly-once (an outbox sending again what it logged offline):
        the call is stored with it, and a uid that is already there is a log that happened —
        nothing is written, and the answer is that call as it is now (:meth:`_replayed`), however
        often it comes and even when two connections send it at the same moment.

        Two reps logging the same person at once both land, and neither takes the other's
        status down: the status is raised in one statement that only ever raises it
        (:func:`_raise_status`), with the contact's row locked for the rest of the transaction
        on PostgreSQL (SQLite's write transaction keeps every other writer out already); the
        referrer is written by itself, never by saving a whole stale row.
        """
        uid = (uid or "").strip() or None
        if uid is not None:
            existing = Call.get_or_none(Call.uid == uid)
            if existing is not None:
                return self._replayed(existing)
        try:
            return self._log(
                raw,
                direction,
                outcome,
                note=note,
                at=at,
                callback_at=callback_at,
                promise=promise,
                kind=kind,
                referred_by=referred_by,
                call_id=call_id,
                uid=uid,
            )
        except IntegrityError:
            # the same uid stored by another connection between our look and our write
            existing = Call.get_or_none(Call.uid == uid) if uid is not None else None
            if existing is None:
                raise
            return self._replayed(existing)

    def checked_log(
        self,
        raw: str | None,
        direction: Direction | str,
        outcome: Outcome | str,
        *,
        at: datetime | None = None,
        callback_at: datetime | None = None,
        promise: str = "",
        kind: Kind | str | None = None,
    ) -> tuple[Direction, Outcome, Kind | None, numbers.Number]:
        """What ``log`` checks before it touches the database (an offline outbox checks the same
        before it keeps a click): the direction, outcome, kind and number read, or BadInput."""
        direction = _direction(direction)
        outcome = _outcome(outcome)
        override = _kind(kind, direction) if kind else None
        if callback_at is not None and outcome is not Outcome.CALLBACK:
            raise BadInput(translate("desk", "A callback time goes only with the outcome callback."))
        if promise.strip() and outcome is not Outcome.CALLBACK:
            raise BadInput(translate("desk", "A promise goes only with the outcome callback."))
        if callback_at is not None and to_db(callback_at) < to_db(at or self.clock()):
            raise BadInput(translate("desk", "The callback time is before the call."))
        number = self.parse(raw)
        if outcome is Outcome.CALLBACK and number.key is None:
            raise BadInput(translate("desk", "A callback needs a number to call: this one is withheld."))
        return direction, outcome, override, number

    def _log(
        self,
        raw: str | None,
        direction: Direction | str,
        outcome: Outcome | str,
        *,
        note: str,
        at: datetime | None,
        callback_at: datetime | None,
        promise: str,
        kind: Kind | str | None,
        referred_by: str | None,
        call_id: int | None,
        uid: str | None,
    ) -> Logged:
        direction, outcome, override, number = self.checked_log(
            raw, direction, outcome, at=at, callback_at=callback_at, promise=promise, kind=kind
        )
        now = self.clock()
        when = at or now
        due = callback_at or now + timedelta(minutes=self.settings.callback_delay_minutes)
        wanted = due
        if outcome is Outcome.CALLBACK:
            due = self._awake(number, due)
        with write_transaction():
            if uid is not None:
                existing = _logged_with(uid)
                if existing is not None:
                    return self._replayed(existing)
            subject = self._subject(number)
            call = self._call_to_log(call_id, subject, direction)
            call_before = (
                CallBefore(
                    contact_id=call.contact_id,
                    kind=call.kind,
                    temperature=call.temperature,
                    note=call.note,
                    outcome=call.outcome,
                    logged=from_db(call.logged),
                )
                if call is not None
                else None
            )
            contact = subject.contact or (call.contact if call else None)
            referrer = (referred_by or "").strip()
            created_contact = False
            if contact is None and (outcome.status is not None or referrer):
                if subject.candidates:  # a status or a referrer for nobody in particular
                    raise _shared_number()
                contact, created_contact = self._new_contact_for(subject)
            changing = outcome.status is not None or bool(referrer)
            if contact is not None and changing and not created_contact and db.obj.for_update:
                # the row as it is now, held until this commits: its status and referrer are
                # what this log changes (and what undo puts back)
                contact = _locked_contact(contact.id) or contact
            # what classify() said before the rep marked anything during the call (kind_auto)
            facts_at_start = self.facts(_Subject(number, subject.phone, contact, ()))
            marked = False
            referred_by_before = None
            if referrer and contact is not None:
                marked = True
                referred_by_before = contact.referred_by
                contact.referred_by = referrer
                contact.updated = to_db(now)
                Contact.update(referred_by=referrer, updated=contact.updated).where(
                    Contact.id == contact.id
                ).execute()
            facts = self.facts(_Subject(number, subject.phone, contact, ())) if marked else facts_at_start
            if call is None:
                auto = classify(direction, facts_at_start)
                call = Call(
                    phone=self._phone_for(subject),
                    raw=number.input,
                    direction=direction.value,
                    rep=self.rep,
                    started=to_db(when),
                    kind=auto.value,
                    kind_auto=auto.value,
                    temperature=temperature(facts_at_start).value,
                )
            if override is None and marked:
                # the rep marked a referrer during the call: the call is what the facts now say
                override = classify(direction, facts)
            if override is not None:
                call.kind = override.value
                call.temperature = temperature_of(override, facts).value
            call.contact = contact
            call.outcome = outcome.value
            call.logged = to_db(now)
            written = [Call.contact, Call.kind, Call.temperature, Call.outcome, Call.logged]
            if note.strip():
                call.note = note.strip()
                written.append(Call.note)
            if uid is not None and call.uid is None:  # a call logged again keeps its first uid
                call.uid = uid
                written.append(Call.uid)
            if call.id is None:
                call.save()
            else:  # only what this log changes: the call's end may be written meanwhile
                call.save(only=written)
            before = contact.status if contact is not None else None
            if contact is not None:
                after = raised_status(Status(contact.status), outcome)
                if after.value != contact.status:
                    contact.status = _raise_status(contact.id, after, to_db(now))
                    contact.updated = to_db(now)
            closed: list[int] = []
            if outcome.connected and direction is Direction.OUT or outcome is Outcome.CALLBACK:
                closed = self._close_callbacks(subject.phone, contact, now)
            new_callback = None
            if outcome is Outcome.CALLBACK:
                new_callback = Callback.create(
                    contact=contact,
                    phone=call.phone,
                    call=call,
                    due=to_db(due),
                    promise=promise.strip(),
                    reason="asked",
                    rep=self.rep,
                    created=to_db(now),
                )
            created_phone = (
                Phone.get_or_none(Phone.number == number.key)
                if subject.phone is None and number.key is not None
                else None
            )
        still_open = None
        if direction is Direction.OUT and not outcome.connected:
            pending = self._open_callback(self._subject(number))
            still_open = self._callback_info(pending, now) if pending is not None else None
        return Logged(
            call=self._call_info(call),
            status_before=before,
            status_after=contact.status if contact is not None else None,
            callback=(
                self._callback_info(new_callback, now, shifted_from=wanted if due != wanted else None)
                if new_callback
                else None
            ),
            closed_callbacks=tuple(closed),
            still_open=still_open,
            contact_id=contact.id if contact is not None else None,
            created_call=call_id is None,
            created_contact=created_contact,
            created_phone_id=created_phone.id if created_phone is not None else None,
            referred_by_before=referred_by_before,
            call_before=call_before,
        )

    def _replayed(self, call: Call) -> Logged:
        """The answer to a log whose uid is already stored: that call as it is now, nothing
        written. Its status did not move (before = after), and the callback it asked for is
        there while it is open. Undone, it takes back the outcome and that callback and leaves
        the status and the contact as they are (what they were before is not known any more)."""
        now = self.clock()
        contact = Contact.get_or_none(Contact.id == call.contact_id) if call.contact_id else None
        callback = (
            Callback.select()
            .where((Callback.call == call.id) & Callback.done.is_null())
            .order_by(Callback.id.desc())
            .first()
        )
        status = contact.status if contact is not None else None
        return Logged(
            call=self._call_info(call),
            status_before=status,
            status_after=status,
            callback=self._callback_info(callback, now) if callback is not None else None,
            contact_id=contact.id if contact is not None else None,
        )

    def _call_to_log(self, call_id: int | None, subject: _Subject, direction: Direction) -> Call | None:
        if call_id is None:
            return None
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise BadInput(translate("desk", "There is no call number {id} to log.").format(id=call_id))
        if call.direction != direction.value:
            raise BadInput(translate("desk", "That call went the other way."))
        key = subject.number.key
        if call.phone is not None and key is not None and call.phone.number != key:
            raise BadInput(translate("desk", "That call was with another number."))
        return call

    def _phone_for(self, subject: _Subject) -> Phone | None:
        if subject.phone is not None:
            return subject.phone
        number = subject.number
        if number.key is None:
            return None
        phone, _ = Phone.get_or_create(
            number=number.key, defaults={"raw": number.input, "valid": number.valid}
        )
        return phone

    def _new_contact_for(self, subject: _Subject) -> tuple[Contact | None, bool]:
        """An unnamed contact for a number that just earned a status (or a referrer), and
        whether it was made now. On PostgreSQL the number's row is locked first: a colleague's
        log of the same unknown number at the same moment makes the contact, this one finds it
        (SQLite's write transaction has that order already)."""
        phone = self._phone_for(subject)
        if phone is None:
            return None, False
        if subject.candidates:  # a shared number nobody chose: don't guess who it was
            return None, False
        if db.obj.for_update:
            _locking(Phone.select(Phone.id).where(Phone.id == phone.id)).get_or_none()
            query = Contact.select().join(ContactPhone).where(ContactPhone.phone == phone.id)
            owners = list(query.order_by(Contact.id))
            if owners:
                return (owners[0], False) if len(owners) == 1 else (None, False)
        now = to_db(self.clock())
        contact = Contact.create(name="", created=now, updated=now)
        ContactPhone.create(contact=contact, phone=phone, raw=subject.number.input)
        return contact, True

    def _close_callbacks(self, phone: Phone | None, contact: Contact | None, now: datetime) -> list[int]:
        """Close the open callbacks this rep owes them (a call kept the promise); a colleague's
        stay open: their promise may be another (the card keeps saying it is theirs)."""
        where = _theirs(Callback, contact, phone)
        if where is None:
            return []
        query = Callback.select(Callback.id).where(where & Callback.done.is_null() & self._mine())
        open_ids = [cb.id for cb in _locking(query)]
        if open_ids:
            Callback.update(done=to_db(now)).where(
                Callback.id.in_(open_ids) & Callback.done.is_null()
            ).execute()
        return open_ids

    @saving()
    def choose_contact(self, raw: str, contact_id: int) -> None:
        """Remember which of the contacts sharing a number this number means."""
        subject = self._subject(self.parse(raw))
        if subject.phone is None or all(c.id != contact_id for c in subject.candidates):
            raise BadInput(translate("desk", "That contact does not have this number."))
        Phone.update(chosen=contact_id).where(Phone.id == subject.phone.id).execute()

    # --- callbacks -------------------------------------------------------------------

    def callbacks(self, due_only: bool = False) -> list[CallbackInfo]:
        """The open callbacks this rep owes, overdue first (then by due time): a colleague's
        promises are theirs, nobody else is reminded of them (those of a database from before
        callbacks had a rep, with no call to tell whose, are everyone's). A database that cannot
        be read (locked for long, gone) is a BadInput, so the window's timer says so and goes on."""
        now = self.clock()
        query = (
            Callback.select()
            .where(Callback.done.is_null() & self._mine())
            .order_by(Callback.due, Callback.id)
        )
        if due_only:
            query = query.where(Callback.due <= to_db(now))
        try:
            return [self._callback_info(cb, now) for cb in query]
        except DatabaseError as exc:
            raise BadInput(
                translate("desk", "Cannot read the callbacks: {why}.").format(why=str(exc).rstrip(".") or "?")
            ) from exc

    def callback(self, callback_id: int) -> CallbackInfo:
        """Any callback, a colleague's too (reading it changes nothing)."""
        return self._callback_info(self._get_callback(callback_id, anyones=True), self.clock())

    def callback_choices(self, callback_id: int) -> tuple[CallbackChoice, ...]:
        """The one-click times for a callback this rep owes, each moved into the person's calling
        hours: in 10 minutes, in an hour, tomorrow morning (the start of calling hours, their time)."""
        callback = self._get_callback(callback_id)
        number = self._callback_number(callback)
        return self._choices(number)

    def _choices(self, number: numbers.Number | None) -> tuple[CallbackChoice, ...]:
        now = self.clock()
        zones = self._person_zones(number) if number is not None else ()
        start, _ = self.settings.hours
        local = numbers.local_time(zones, now)
        if local is not None:
            there = local.earliest
            # their next morning: today's, if it is still night there (01:00 in Vladivostok)
            day = there.date() if there.time() < start else (there + timedelta(days=1)).date()
            tomorrow = datetime.combine(day, start, tzinfo=there.tzinfo)
            tomorrow = tomorrow.astimezone(UTC).astimezone(there.tzinfo)  # a real wall-clock time
        else:
            here = now.astimezone()
            day = here.date() if here.time() < start else (here + timedelta(days=1)).date()
            # a naive wall-clock time is read with this computer's rules for that day (summer time)
            tomorrow = datetime.combine(day, start).astimezone()
        plain = (
            ("10min", translate("desk", "In 10 minutes"), now + timedelta(minutes=10)),
            ("1h", translate("desk", "In an hour"), now + timedelta(hours=1)),
            ("tomorrow", translate("desk", "Tomorrow morning"), tomorrow),
        )
        choices = []
        for key, label, when in plain:
            due = self._awake(number, when) if number is not None else when
            choices.append(CallbackChoice(key=key, label=label, due=due, shifted=due != when))
        return tuple(choices)

    @saving()
    def reschedule_callback(self, callback_id: int, due: datetime) -> CallbackInfo:
        """Move an open callback to ``due`` (moved on into the person's calling hours if it
        falls in their night: ``shifted_from`` then says what was asked)."""
        if due.tzinfo is None:
            due = due.astimezone()
        callback = self._get_callback(callback_id, open_only=True)
        now = self.clock()
        if due < now - timedelta(minutes=1):
            raise BadInput(translate("desk", "That time has passed: choose a time from now on."))
        number = self._callback_number(callback)
        moved = self._awake(number, due) if number is not None else due
        callback.due = to_db(moved)
        callback.save()
        return self._callback_info(callback, now, shifted_from=due if moved != due else None)

    @saving()
    def snooze_callback(self, callback_id: int, minutes: int) -> CallbackInfo:
        """Put an open callback off by ``minutes`` from now."""
        if minutes <= 0:
            raise BadInput(translate("desk", "Snooze for a positive number of minutes."))
        return self.reschedule_callback(callback_id, self.clock() + timedelta(minutes=minutes))

    @saving()
    def set_promise(self, callback_id: int, promise: str) -> CallbackInfo:
        """What the rep promised ("send the price list"), in one line."""
        callback = self._get_callback(callback_id)
        callback.promise = " ".join(promise.split())[:500]
        callback.save()
        return self._callback_info(callback, self.clock())

    @saving()
    def finish_callback(self, callback_id: int) -> CallbackInfo:
        """The rep kept the promise some other way (a message, a visit): the callback is done.

        Only the rep who owes a callback changes it — here, in :meth:`reopen_callback`,
        :meth:`reschedule_callback`, :meth:`snooze_callback`, :meth:`set_promise`,
        :meth:`callback_choices` — and a colleague's is refused with a BadInput that names them:
        their lists never show it, the card only says it is theirs, and marking someone else's
        promise kept (or moving it) would take it off their list without their knowing. A call
        this rep logs with the person closes this rep's callbacks only, for the same reason."""
        callback = self._get_callback(callback_id, open_only=True)
        now = self.clock()
        callback.done = to_db(now)
        callback.save()
        return self._callback_info(callback, now)

    @saving()
    def reopen_callback(self, callback_id: int) -> CallbackInfo:
        """Undo :meth:`finish_callback` (or a call that closed it by mistake)."""
        callback = self._get_callback(callback_id)
        callback.done = None
        callback.save()
        return self._callback_info(callback, self.clock())

    def _get_callback(self, callback_id: int, *, open_only: bool = False, anyones: bool = False) -> Callback:
        callback = Callback.get_or_none(Callback.id == callback_id)
        if callback is None:
            raise BadInput(translate("desk", "There is no callback {id}.").format(id=callback_id))
        if not anyones and callback.rep not in ("", self.rep):
            text = translate("desk", "{rep} owes this callback: only they can change it.")
            raise BadInput(text.format(rep=callback.rep))
        if open_only and callback.done is not None:
            raise BadInput(translate("desk", "That callback is already done."))
        return callback

    def _callback_number(self, callback: Callback) -> numbers.Number | None:
        phone = callback.phone
        return numbers.parse(phone.number, self.settings.region) if phone is not None else None

    def _awake(self, number: numbers.Number, due: datetime) -> datetime:
        """``due`` moved on into the person's calling hours (their zones, this rep's hours)."""
        start, end = self.settings.hours
        if due.tzinfo is None:
            due = due.astimezone()
        return numbers.into_hours(due, self._person_zones(number), start, end)

    def _person_zones(self, number: numbers.Number) -> tuple[str, ...]:
        """The zones the person is in, as far as a callback's time goes. A mobile or toll-free
        number may be anywhere in its country (Russia's span eleven zones): where this
        computer's own zone is among them, the person is taken to be local, like the rep."""
        zones = numbers.time_zones(number)
        if len(zones) <= 1:
            return zones
        now = self.clock().astimezone()
        here = now.utcoffset()
        for zone in zones:
            try:
                if now.astimezone(ZoneInfo(zone)).utcoffset() == here:
                    return (zone,)
            except (ZoneInfoNotFoundError, ValueError):
                continue
        # a number of a whole country whose zones are not the rep's: where the person is, is
        # not known, and a time awake in all of Russia's eleven zones at once barely exists
        return zones if len(zones) <= 3 else ()

    def _callback_info(
        self, callback: Callback, now: datetime, *, shifted_from: datetime | None = None
    ) -> CallbackInfo:
        due = _from_db(callback.due)
        phone = callback.phone
        contact = callback.contact
        local_due = local_now = shifted_local = None
        number_text = None
        if phone is not None:
            number = numbers.parse(phone.number, self.settings.region)
            number_text = number.human or phone.number
            zones = self._person_zones(number)
            local = numbers.local_time(zones, due)
            local_due = local.earliest if local else None
            local = numbers.local_time(zones, now)
            local_now = local.earliest if local else None
            if shifted_from is not None:
                local = numbers.local_time(zones, shifted_from)
                shifted_local = local.earliest if local else None
        return CallbackInfo(
            id=callback.id,
            due=due,
            promise=callback.promise,
            reason=callback.reason,
            overdue=due <= now,
            number=number_text,
            contact_name=(contact.name or contact.company) if contact else "",
            local_due=local_due,
            dial=phone.number if phone is not None else None,
            shifted_from=shifted_from,
            shifted_from_local=shifted_local,
            local_now=local_now,
            done=callback.done is not None,
            do_not_call=bool(contact.do_not_call) if contact is not None else False,
            contact_id=contact.id if contact is not None else None,
        )

    # --- reading back ----------------------------------------------------------------

    def _call_info(self, call: Call) -> CallInfo:
        return call_info(call)

    def unlogged(self, limit: int = 50) -> list[CallInfo]:
        """Calls that rang or were dialled but have no outcome yet, newest first."""
        query = (
            Call.select()
            .where(Call.outcome.is_null() & (Call.rep == self.rep))
            .order_by(Call.started.desc(), Call.id.desc())
            .limit(limit)
        )
        return [self._call_info(c) for c in query]

    def counts(self) -> dict[str, int]:
        return {
            "contacts": Contact.select(fn.COUNT(Contact.id)).scalar() or 0,
            "numbers": Phone.select(fn.COUNT(Phone.id)).scalar() or 0,
            "calls": Call.select(fn.COUNT(Call.id)).scalar() or 0,
            "open_callbacks": Callback.select(fn.COUNT(Callback.id)).where(Callback.done.is_null()).scalar()
            or 0,
        }

    @saving()
    def rename_rep(self, old: str, new: str) -> int:
        """The rep changed their name: their calls, personal contacts and the callbacks they owe
        follow (returns calls)."""
        old, new = old.strip(), new.strip()
        if not new:
            raise BadInput(translate("desk", "Enter your name."))
        with write_transaction():
            count = Call.update(rep=new).where(Call.rep == old).execute()
            Contact.update(known_by=new).where(Contact.known_by == old).execute()
            Callback.update(rep=new).where(Callback.rep == old).execute()
        return int(count)

    # --- for the window ----------------------------------------------------------------

    def card_for_call(self, call_id: int) -> Card:
        """The card of a recorded call (e.g. from the to-log list), tied to that record."""
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise BadInput(translate("desk", "There is no call number {id}.").format(id=call_id))
        raw = call.phone.number if call.phone is not None else call.raw
        subject = self._subject(self.parse(raw))
        return self._card(subject, Direction(call.direction), call)

    @saving()
    def set_note(self, call_id: int, note: str) -> CallInfo:
        """Store the note typed for a recorded call (replacing the one it had)."""
        with write_transaction():
            call = Call.get_or_none(Call.id == call_id)
            if call is None:
                raise BadInput(translate("desk", "There is no call number {id}.").format(id=call_id))
            call.note = note.strip()
            call.save(only=[Call.note])
        return self._call_info(call)

    @saving()
    def undo(self, logged: Logged) -> None:
        """Take a logged outcome back: the call, the contact (status, referrer, or the contact
        itself if log() created it), the number's record and callbacks as they were.

        The status goes back only if it is still what this log made it — a colleague's deal
        logged since (or the rep's own edit) stands — and never below what the person's other
        calls logged since this one still prove (a colleague's "interested" at the same moment
        keeps them a prospect). Undone in the opposite order to logging, two logs put back
        exactly what was there; in another order the status may stay a step up, never down."""
        with write_transaction():
            since = Call.select(Call.logged).where(Call.id == logged.call.id).scalar()
            if logged.callback is not None:
                Callback.delete().where(Callback.id == logged.callback.id).execute()
            if logged.closed_callbacks:
                Callback.update(done=None).where(Callback.id.in_(list(logged.closed_callbacks))).execute()
            if logged.created_call:
                Call.delete().where(Call.id == logged.call.id).execute()
            elif logged.call_before is not None:
                before = logged.call_before
                Call.update(
                    contact=before.contact_id,
                    kind=before.kind,
                    temperature=before.temperature,
                    note=before.note,
                    outcome=before.outcome,
                    logged=to_db(before.logged) if before.logged is not None else None,
                ).where(Call.id == logged.call.id).execute()
            else:  # a Logged from before the "before" values were recorded
                Call.update(outcome=None, logged=None).where(Call.id == logged.call.id).execute()
            if logged.contact_id is not None:
                moved = logged.status_after is not None and logged.status_after != logged.status_before
                if logged.status_before is not None and moved:
                    _take_back_status(
                        logged.contact_id,
                        Status(logged.status_before),
                        str(logged.status_after),
                        logged.call.id,
                        since if since is not None else to_db(logged.call.at),
                    )
                if logged.referred_by_before is not None:
                    Contact.update(referred_by=logged.referred_by_before).where(
                        Contact.id == logged.contact_id
                    ).execute()
                if logged.created_contact:
                    _delete_if_unused(logged.contact_id)
            if logged.created_phone_id is not None:
                phone = logged.created_phone_id
                if not (
                    Call.select().where(Call.phone == phone).exists()
                    or ContactPhone.select().where(ContactPhone.phone == phone).exists()
                    or Callback.select().where(Callback.phone == phone).exists()
                ):
                    Phone.delete().where(Phone.id == phone).execute()

    @saving()
    def set_source(
        self, raw: str | None, source: Source | str, referred_by: str = "", call_id: int | None = None
    ) -> Card:
        """How a caller found us (the first-time caller's one click); a recommendation makes
        the call a referral. Stored on the contact, created for an unknown number."""
        source = Source(source)
        if source is Source.RECOMMENDATION and not referred_by.strip():
            raise BadInput(translate("desk", "Who recommended us? Enter the name."))
        number = self.parse(raw)
        with write_transaction():
            subject = self._subject(number)
            if subject.contact is None and subject.candidates:
                raise _shared_number()
            contact = subject.contact or self._new_contact_for(subject)[0]
            if contact is None:
                raise BadInput(translate("desk", "A withheld number cannot be saved."))
            # only the fields this writes: a colleague's log may be raising the status meanwhile
            changes = {Contact.source: source.value, Contact.updated: to_db(self.clock())}
            contact.source = source.value
            if referred_by.strip():
                contact.referred_by = changes[Contact.referred_by] = referred_by.strip()
            Contact.update(changes).where(Contact.id == contact.id).execute()
            call = Call.get_or_none(Call.id == call_id) if call_id is not None else None
            if call is not None:
                call.contact = contact
                if call.outcome is None and call.direction == Direction.IN.value:
                    # the kind of a call in progress follows what the caller just told us
                    facts = self.facts(_Subject(number, subject.phone, contact, ()))
                    call.kind = classify(Direction.IN, facts).value
                    call.temperature = temperature(facts).value
                call.save(only=[Call.contact, Call.kind, Call.temperature])
        if call_id is not None:
            return self.card_for_call(call_id)
        return self.lookup(raw, Direction.IN)


def _locking(query: Select) -> Select:
    """``query`` with ``FOR UPDATE`` where the database locks rows (PostgreSQL): the rows read
    are held until the transaction ends. SQLite's write transaction (BEGIN IMMEDIATE) keeps every
    other writer out from its start, so there the query stays as it is."""
    return query.for_update() if db.obj.for_update else query


def _locked_contact(contact_id: int) -> Contact | None:
    """The contact's row as it is now, locked until the transaction ends (PostgreSQL)."""
    return _locking(Contact.select().where(Contact.id == contact_id)).get_or_none()


#: a status's rank in SQL: ``CASE status WHEN 'person' THEN 0 WHEN 'prospect' THEN 1 WHEN
#: 'client' THEN 2 ELSE -1 END`` (a value that is none of them ranks below them all)
_STATUS_RANK = Case(Contact.status, [(s.value, s.rank) for s in Status], -1)


def _raise_status(contact_id: int, status: Status, updated: datetime) -> str:
    """Raise the contact's status to ``status`` in one statement that never lowers it::

        UPDATE contact SET status = ?, updated = ?
        WHERE id = ? AND CASE status WHEN 'person' THEN 0 … ELSE -1 END < <rank of the new status>

    Whatever another connection wrote first, a higher status than this one stays. Returns the
    status the contact has now."""
    raised = (
        Contact.update(status=status.value, updated=updated)
        .where((Contact.id == contact_id) & (status.rank > _STATUS_RANK))
        .execute()
    )
    if raised:
        return status.value
    return str(Contact.select(Contact.status).where(Contact.id == contact_id).scalar() or status.value)


#: PostgreSQL advisory locks ``(UID_LOCK, hashtext(uid))``: logs of the same uid take turns
UID_LOCK = 0x43436D70  # "CCmp"


def _logged_with(uid: str) -> Call | None:
    """The call logged with ``uid``, looked up for an exactly-once log. On PostgreSQL a lock of
    that uid is taken first, held until the transaction ends: a second log of it waits for the
    first to commit, then finds its call (SQLite's write transaction has that order already)."""
    if isinstance(db.obj, PostgresqlDatabase):
        db.obj.execute_sql("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (UID_LOCK, uid))
    return Call.get_or_none(Call.uid == uid)


def close_thread_connection() -> None:
    """Close the calling thread's database connection. peewee opens one per thread: a worker
    thread (the window's import) calls this when its job is done; other threads keep theirs."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def _take_back_status(contact_id: int, before: Status, after: str, call_id: int, since: datetime) -> None:
    """Undo's half of the status: back from ``after`` towards ``before`` (see ``Desk.undo``)."""
    contact = _locked_contact(contact_id)
    if contact is None or contact.status != after:
        return  # moved since: whoever moved it, it stays
    proven = [
        status
        for (outcome,) in Call.select(Call.outcome)
        .where(
            (Call.contact == contact_id)
            & (Call.id != call_id)
            & (Call.logged >= since - CLOCK_SKEW)
            & Call.outcome.in_(PROVING)
        )
        .tuples()
        if (status := Outcome(outcome).status) is not None
    ]
    status = max([before, *proven], key=lambda s: s.rank)
    Contact.update(status=status.value).where(
        (Contact.id == contact_id) & (Contact.status == after)
    ).execute()


def _delete_if_unused(contact_id: int) -> None:
    """Delete a contact log() created for a call being undone, unless something refers to it
    now or the rep has filled it in since."""
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        return
    blank = not any(
        (contact.name, contact.company, contact.email, contact.notes, contact.referred_by, contact.source)
    )
    if (
        not blank
        or contact.do_not_call
        or contact.familiarity != Familiarity.NONE
        or Call.select().where(Call.contact == contact_id).exists()
        or Callback.select().where(Callback.contact == contact_id).exists()
        or Phone.select().where(Phone.chosen == contact_id).exists()
        or ContactPhone.select().where(ContactPhone.contact == contact_id).count() > 1
    ):
        return
    ContactPhone.delete().where(ContactPhone.contact == contact_id).execute()
    Contact.delete().where(Contact.id == contact_id).execute()


def _theirs(
    model: type[Call] | type[Callback], contact: Contact | None, phone: Phone | None
) -> Expression | None:
    """Rows (calls, callbacks) of this person on any number, or of this number with nobody in
    particular; a colleague's call on the switchboard they share is not theirs."""
    if contact is not None and phone is not None:
        return (model.contact == contact) | ((model.phone == phone) & model.contact.is_null())
    if contact is not None:
        return model.contact == contact
    if phone is not None:
        return model.phone == phone
    return None


def call_info(call: Call, *, raw_when_no_number: bool = True) -> CallInfo:
    """A call row as the value the views show (its phone and contact joined where possible).

    A call without a stored number (withheld) shows what came in, unless
    ``raw_when_no_number`` is False (lists that offer to dial the number)."""
    contact = call.contact
    phone = call.phone
    fallback = (call.raw or None) if raw_when_no_number else None
    return CallInfo(
        id=call.id,
        at=_from_db(call.started),
        direction=Direction(call.direction),
        rep=call.rep,
        kind=Kind(call.kind),
        kind_auto=Kind(call.kind_auto),
        temperature=Temperature(call.temperature),
        outcome=call.outcome,
        note=call.note,
        number=phone.number if phone is not None else fallback,
        contact_name=(contact.name or contact.company) if contact is not None else "",
        ended=from_db(call.ended),
    )


def _theirs_sql(subject: _Subject) -> tuple[str, list[object]] | None:
    """``_theirs()`` as hand-written SQL over a table aliased ``t``, with its parameters."""
    contact_id = subject.contact.id if subject.contact is not None else None
    phone_id = subject.phone.id if subject.phone is not None else None
    p = db.obj.param
    if contact_id is not None and phone_id is not None:
        return f"(t.contact_id = {p} OR (t.phone_id = {p} AND t.contact_id IS NULL))", [contact_id, phone_id]
    if contact_id is not None:
        return f"t.contact_id = {p}", [contact_id]
    if phone_id is not None:
        return f"t.phone_id = {p}", [phone_id]
    return None


_CONTACT_COLUMNS = tuple(f.column_name for f in Contact._meta.sorted_fields)


def _phone_and_owners(key: str) -> tuple[Phone | None, tuple[Contact, ...]]:
    """The number's row and the contacts who have it, in one query (the ringing-call path)."""
    p = db.obj.param
    columns = ", ".join(f"c.{name}" for name in _CONTACT_COLUMNS)
    rows = db.obj.execute_sql(
        f"SELECT p.id, p.number, p.raw, p.valid, p.chosen_id, {columns} FROM phone p "
        "LEFT JOIN contact_phone cp ON cp.phone_id = p.id LEFT JOIN contact c ON c.id = cp.contact_id "
        f"WHERE p.number = {p} ORDER BY c.id",
        [key],
    ).fetchall()
    if not rows:
        return None, ()
    first = rows[0]
    phone = Phone(id=first[0], number=first[1], raw=first[2], valid=bool(first[3]), chosen=first[4])
    owners = tuple(
        Contact(
            **{f.name: f.python_value(v) for f, v in zip(Contact._meta.sorted_fields, row[5:], strict=True)}
        )
        for row in rows
        if row[5] is not None
    )
    return phone, owners


def _contact_info(contact: Contact) -> ContactInfo:
    numbers_ = tuple(
        row[0]
        for row in db.obj.execute_sql(
            "SELECT ph.number FROM contact_phone cp JOIN phone ph ON ph.id = cp.phone_id "
            f"WHERE cp.contact_id = {db.obj.param} ORDER BY cp.id",
            [contact.id],
        )
    )
    return contact_info(contact, numbers_)


def contact_info(contact: Contact, numbers_: Iterable[str]) -> ContactInfo:
    """A contact row as the value the views show, with its numbers (main number first)."""
    return ContactInfo(
        id=contact.id,
        name=contact.name,
        company=contact.company,
        status=contact.status,
        referred_by=contact.referred_by,
        familiarity=contact.familiarity,
        source=contact.source,
        do_not_call=bool(contact.do_not_call),
        notes=contact.notes,
        email=contact.email,
        numbers=tuple(numbers_),
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone()


def _direction(value: Direction | str) -> Direction:
    if isinstance(value, Direction):
        return value
    try:
        return Direction.parse(value)
    except ValueError:
        raise BadInput(
            translate("desk", "Unknown direction {value!r}: use in or out.").format(value=value)
        ) from None


def _outcome(value: Outcome | str) -> Outcome:
    if isinstance(value, Outcome):
        return value
    try:
        return Outcome(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise BadInput(
            translate("desk", "Unknown outcome {value!r}: use one of {known}.").format(
                value=value, known=", ".join(o.value for o in Outcome)
            )
        ) from None


def _kind(value: Kind | str, direction: Direction) -> Kind:
    try:
        kind = value if isinstance(value, Kind) else Kind(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise BadInput(
            translate("desk", "Unknown kind {value!r}: use one of {known}.").format(
                value=value, known=", ".join(k.value for k in Kind)
            )
        ) from None
    if kind.direction is not direction:
        raise BadInput(translate("desk", "The kind {kind} does not fit this direction.").format(kind=kind))
    return kind
