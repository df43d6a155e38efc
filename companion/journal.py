"""The call journal: every call read back for the History and Today views.

Beside ``desk.py`` and like it free of Qt. ``history()`` is one query (calls joined to their
number and contact, newest first); ``today()`` is one grouped count. Days are calendar days
of the computer's own time zone, turned into the stored naive-UTC range with ``to_db``, so a
call at 23:30 local time is on the day the rep lived it.

Text search matches the way the contact book does (``companion.text_search``): every word must be
found in the name, company or note (case-insensitive in every alphabet), and a word of digits
also matches the number, with the region's trunk prefix read as the country code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import JOIN, Expression, fn

from companion import numbers
from companion.card import CallInfo
from companion.desk import Desk, call_info, reading, to_db
from companion.method import INCOMING_KINDS, OUTGOING_KINDS, Direction, Kind, Outcome
from companion.store.models import Call, Contact, Phone
from companion.text_search import contains, number_variants, search_terms

#: the outcome filter's choice for calls that rang or were dialled but have no outcome yet
NOT_LOGGED = "not_logged"
HISTORY_LIMIT = 500
#: kinds in the order the views show them: incoming, then outgoing (the callback first)
KINDS = INCOMING_KINDS + OUTGOING_KINDS


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the History view asks for; every field left empty means "any"."""

    #: the last local calendar day shown (None: any day)
    day: date | None = None
    #: how many days up to and including ``day`` (1: that day only; 7: the last week)
    days: int = 1
    kind: Kind | None = None
    #: an ``Outcome`` value, ``NOT_LOGGED``, or None for any
    outcome: str | None = None
    direction: Direction | None = None
    rep: str | None = None
    #: words to find in the name, company or note; digits also match the number
    text: str = ""


@dataclass(frozen=True, slots=True)
class DayStats:
    """One local calendar day of calls, counted for the Today view."""

    day: date
    #: whose calls: a rep's name, or None for the whole team
    rep: str | None
    by_kind: dict[Kind, int] = field(default_factory=dict)
    by_outcome: dict[Outcome, int] = field(default_factory=dict)
    unlogged: int = 0
    by_direction: dict[Direction, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def connected(self) -> int:
        return sum(n for outcome, n in self.by_outcome.items() if outcome.connected)

    @property
    def deals(self) -> int:
        return self.by_outcome.get(Outcome.DEAL, 0)

    @property
    def conversion(self) -> float:
        """Deals per connected call (0.0 when nobody was reached)."""
        return self.deals / self.connected if self.connected else 0.0


class Journal:
    """Read-only views over the calls of the database ``desk`` works on."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._human: dict[str, str] = {}

    @property
    def rep(self) -> str:
        return self.desk.rep

    def local_today(self, now: datetime | None = None) -> date:
        """The computer's calendar day at ``now`` (the desk's clock by default)."""
        return (now or self.desk.clock()).astimezone().date()

    # --- history ---------------------------------------------------------------------

    @reading
    def history(self, filter: HistoryFilter | None = None, limit: int = HISTORY_LIMIT) -> list[CallInfo]:
        """Calls matching ``filter``, newest first, at most ``limit``: one query."""
        filter = filter or HistoryFilter()
        query = (
            Call.select(Call, Phone, Contact)
            .join_from(Call, Phone, JOIN.LEFT_OUTER)
            .join_from(Call, Contact, JOIN.LEFT_OUTER)
        )
        if filter.day is not None:
            start, end = day_range(filter.day - timedelta(days=max(filter.days, 1) - 1), filter.day)
            query = query.where((Call.started >= start) & (Call.started < end))
        if filter.kind is not None:
            query = query.where(Call.kind == Kind(filter.kind).value)
        if filter.outcome == NOT_LOGGED:
            query = query.where(Call.outcome.is_null())
        elif filter.outcome:
            query = query.where(Call.outcome == Outcome(filter.outcome).value)
        if filter.direction is not None:
            query = query.where(Call.direction == Direction(filter.direction).value)
        if filter.rep is not None:
            query = query.where(Call.rep == filter.rep)
        for term in search_terms(filter.text):
            query = query.where(self._matches(term))
        query = query.order_by(Call.started.desc(), Call.id.desc()).limit(limit)
        # no stored number (withheld): History says so in words and has nothing to open
        return [call_info(call, raw_when_no_number=False) for call in query]

    def _matches(self, term: str) -> Expression:
        condition = contains(Contact.name, term) | contains(Contact.company, term)
        condition |= contains(Call.note, term)
        for variant in number_variants(term, self.desk.settings.region):
            condition |= Phone.number.contains(variant)
        return condition

    @reading
    def reps(self) -> list[str]:
        """Everyone who has a call in the journal, and the current rep, by name."""
        names = {row.rep for row in Call.select(Call.rep).distinct() if row.rep}
        names.add(self.rep)
        return sorted(names, key=str.casefold)

    def human(self, number: str | None) -> str:
        """``number`` (a stored key) formatted for people; "" for none."""
        if not number:
            return ""
        if number not in self._human:
            parsed = numbers.parse(number, self.desk.settings.region)
            self._human[number] = parsed.human or number
        return self._human[number]

    # --- today -----------------------------------------------------------------------

    @reading
    def today(self, now: datetime | None = None, *, rep: str | None = None, team: bool = False) -> DayStats:
        """Counts for the local calendar day of ``now`` (the desk's clock by default).

        The current rep's own calls unless ``rep`` names another one, or ``team`` asks for
        everybody's.
        """
        day = self.local_today(now)
        start, end = day_range(day, day)
        who = None if team else (rep if rep is not None else self.rep)
        count = fn.COUNT(Call.id).alias("n")
        query = (
            Call.select(Call.kind, Call.outcome, Call.direction, count)
            .where((Call.started >= start) & (Call.started < end))
            .group_by(Call.kind, Call.outcome, Call.direction)
        )
        if who is not None:
            query = query.where(Call.rep == who)
        by_kind = dict.fromkeys(KINDS, 0)
        by_outcome = dict.fromkeys(Outcome, 0)
        by_direction = dict.fromkeys(Direction, 0)
        unlogged = 0
        for row in query.dicts():
            n = int(row["n"])
            by_kind[Kind(row["kind"])] += n
            by_direction[Direction(row["direction"])] += n
            if row["outcome"] is None:
                unlogged += n
            else:
                by_outcome[Outcome(row["outcome"])] += n
        return DayStats(
            day=day,
            rep=who,
            by_kind=by_kind,
            by_outcome=by_outcome,
            unlogged=unlogged,
            by_direction=by_direction,
        )


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """The stored (naive UTC) bounds of local days ``first`` to ``last``: [start, end)."""
    start = datetime.combine(first, time.min)  # naive: the computer's local time
    end = datetime.combine(last + timedelta(days=1), time.min)
    return to_db(start), to_db(end)
