"""What ``desk`` hands to the window and the command line: plain, immutable values.

No Qt, no database. ``Card.to_json()`` is the ``lookup --json`` contract of DESIGN.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from companion.method import Direction, Facts, Kind, Temperature


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the computer's own time zone, to the second."""
    if moment is None:
        return None
    return moment.astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class NumberInfo:
    input: str
    key: str | None
    e164: str | None
    international: str
    human: str
    valid: bool
    shape: str
    type: str
    extension: str | None
    display_name: str | None
    place: str | None
    timezones: tuple[str, ...]
    #: the person's wall-clock time now (the earliest where zones differ)
    local_time: datetime | None
    #: False when the number spans several zones with different offsets
    local_time_exact: bool = True
    #: the latest wall-clock time across the number's zones (equals ``local_time`` when exact)
    local_time_latest: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "e164": self.e164,
            "key": self.key,
            "international": self.international,
            "human": self.human,
            "valid": self.valid,
            "shape": self.shape,
            "type": self.type,
            "extension": self.extension,
            "place": self.place,
            "timezones": list(self.timezones),
            "local_time": (self.local_time.isoformat(timespec="minutes") if self.local_time else None),
            "local_time_latest": (
                self.local_time_latest.isoformat(timespec="minutes") if self.local_time_latest else None
            ),
        }


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    name: str
    company: str
    status: str
    referred_by: str
    familiarity: str
    source: str
    do_not_call: bool
    notes: str
    email: str
    numbers: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.company

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "status": self.status,
            "referred_by": self.referred_by or None,
            "familiarity": self.familiarity,
            "source": self.source or None,
            "do_not_call": self.do_not_call,
            "email": self.email,
            "notes": self.notes,
            "numbers": list(self.numbers),
        }


@dataclass(frozen=True, slots=True)
class CallInfo:
    id: int
    at: datetime
    direction: Direction
    rep: str
    kind: Kind
    kind_auto: Kind
    temperature: Temperature
    outcome: str | None
    note: str
    number: str | None
    contact_name: str
    ended: datetime | None = None

    @property
    def duration_seconds(self) -> int | None:
        if self.ended is None:
            return None
        return max(0, int((self.ended - self.at).total_seconds()))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "direction": self.direction.value,
            "rep": self.rep,
            "kind": self.kind.value,
            "kind_overridden": self.kind != self.kind_auto,
            "temperature": self.temperature.value,
            "outcome": self.outcome,
            "note": self.note,
            "number": self.number,
            "name": self.contact_name or None,
            "duration": self.duration_seconds,
        }


@dataclass(frozen=True, slots=True)
class CallbackInfo:
    id: int
    due: datetime
    promise: str
    reason: str
    overdue: bool
    number: str | None = None
    contact_name: str = ""
    #: the person's local time at ``due``, where known
    local_due: datetime | None = None
    #: the number to dial (E.164 where there is one); None for a callback without a number
    dial: str | None = None
    #: when the rep asked for it, if that was in the person's night and ``due`` was moved into
    #: their calling hours (only in the answer to the call that scheduled it)
    shifted_from: datetime | None = None
    #: the person's local time at ``shifted_from``
    shifted_from_local: datetime | None = None
    #: the person's local time now, where known
    local_now: datetime | None = None
    done: bool = False
    #: the person asked not to be called (ask before dialling)
    do_not_call: bool = False
    #: whom the callback is owed to (on a switchboard several people share the number)
    contact_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "due": iso(self.due),
            "promise": self.promise,
            "reason": self.reason,
            "overdue": self.overdue,
            "number": self.number,
            "name": self.contact_name or None,
            "local_due": self.local_due.isoformat(timespec="minutes") if self.local_due else None,
            "dial": self.dial,
            "shifted_from": iso(self.shifted_from) if self.shifted_from else None,
            "done": self.done,
        }

    @property
    def shift_note(self) -> str:
        """One sentence on a time moved out of the person's night ("" when it was not)."""
        if self.shifted_from is None:
            return ""
        from companion.i18n import clock, translate, when

        asked = self.shifted_from_local or self.shifted_from.astimezone()
        due = self.local_due or self.due.astimezone()
        return translate(
            "card", "It would be {asked} there, outside calling hours: moved to {due} their time."
        ).format(asked=clock(asked), due=when(due, year=False))


@dataclass(frozen=True, slots=True)
class CallbackChoice:
    """A one-click time for a callback: "in 10 minutes", "in an hour", "tomorrow morning"."""

    key: str
    label: str
    due: datetime
    #: the plain reading of the choice fell in the person's night: ``due`` is its shift
    shifted: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning on the card: ``code`` for programs, ``text`` for people."""

    code: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True, slots=True)
class Card:
    input: str
    number: NumberInfo
    direction: Direction
    kind: Kind
    temperature: Temperature
    title: str
    reminder: str
    facts: Facts
    contact: ContactInfo | None
    candidates: tuple[ContactInfo, ...] = ()
    history: tuple[CallInfo, ...] = ()
    callback: CallbackInfo | None = None
    warnings: tuple[Notice, ...] = ()
    context: tuple[str, ...] = ()
    #: the call record this card belongs to (set when a call event created one)
    call_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        contact = self.contact.to_json() if self.contact else None
        return {
            "input": self.input,
            "number": self.number.to_json(),
            "direction": self.direction.value,
            "kind": self.kind.value,
            "temperature": self.temperature.value,
            "title": self.title,
            "reminder": self.reminder,
            "contact": contact,
            "candidates": [c.to_json() for c in self.candidates],
            "history": [c.to_json() for c in self.history],
            "callback": self.callback.to_json() if self.callback else None,
            "warnings": [w.to_json() for w in self.warnings],
            "context": list(self.context),
            "call_id": self.call_id,
        }


@dataclass(frozen=True, slots=True)
class CallBefore:
    """A call record's fields as they were before ``log()`` filled it in (for undo)."""

    contact_id: int | None
    kind: str
    temperature: str
    note: str
    outcome: str | None = None
    logged: datetime | None = None


@dataclass(frozen=True, slots=True)
class Logged:
    """The result of logging an outcome."""

    call: CallInfo
    status_before: str | None
    status_after: str | None
    callback: CallbackInfo | None = None
    closed_callbacks: tuple[int, ...] = field(default_factory=tuple)
    #: an outgoing call that did not connect leaves the person's callback open: here it is,
    #: so that the card can offer the next try
    still_open: CallbackInfo | None = None
    #: for undo: the contact whose status may have moved, and whether log() created the call
    contact_id: int | None = None
    created_call: bool = False
    #: for undo: log() created the contact (and the number's record) for this call
    created_contact: bool = False
    created_phone_id: int | None = None
    #: for undo: the contact's ``referred_by`` before log() set it (None: log() left it alone)
    referred_by_before: str | None = None
    #: for undo: the call record before log() filled it in (None when log() created it)
    call_before: CallBefore | None = None
    #: the team database could not be reached: the outcome waits in this computer's outbox
    #: (companion.offline) under ``uid``, to be sent when it is back
    queued: bool = False
    uid: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "call": self.call.to_json(),
            "status_before": self.status_before,
            "status_after": self.status_after,
            "callback": self.callback.to_json() if self.callback else None,
            "closed_callbacks": list(self.closed_callbacks),
            "still_open": self.still_open.to_json() if self.still_open else None,
            "queued": self.queued,
        }
