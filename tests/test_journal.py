"""The journal behind the History and Today views, on a real temp SQLite database.

``desk`` is the rep "me", ``colleague`` is "anna"; ``clock`` stands at 2026-11-25 08:00 UTC.
Days are the computer's own calendar days: the tests that hinge on it run in Moscow time
(UTC+3), where 22:30 UTC is already 01:30 the next day.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from companion.desk import Desk
from companion.importers import ImportReport, Row
from companion.importers.apply import apply_rows
from companion.journal import NOT_LOGGED, HistoryFilter, Journal
from companion.method import Direction, Kind, Outcome

IRINA = "+7 495 123-45-67"
MICHAEL = "+1 212 555 0143"
OLEG = "+7 812 555-12-34"
STRANGER = "+7 916 555-01-23"
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def journal(desk: Desk) -> Journal:
    return Journal(desk)


@pytest.fixture
def moscow_time() -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("the local time zone can only be switched on Unix")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Moscow"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def people(desk: Desk) -> None:
    rows = [
        Row(line=1, name="Ирина Соколова", phones=[IRINA], company="ООО «Вектор»"),
        Row(line=2, name="Michael Brown", phones=[MICHAEL], company="Brown & Sons Logistics"),
        Row(line=3, name="", phones=[OLEG], company="Балтик Трейд"),
    ]
    report = apply_rows(desk, rows, ImportReport(), familiarity="none")
    assert not report.problems


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def who(calls: list) -> list[str]:  # type: ignore[type-arg]
    return [c.contact_name or c.number for c in calls]


# --- history -------------------------------------------------------------------------------


def test_history_lists_every_call_newest_first_with_names_and_numbers(
    desk: Desk, colleague: Desk, journal: Journal
) -> None:
    people(desk)
    desk.log(IRINA, "out", "talked", at=hours_ago(5), note="Spring order")
    colleague.log(MICHAEL, "in", "interested", at=hours_ago(3))
    desk.log(STRANGER, "out", "wrong_number", at=hours_ago(1))
    calls = journal.history(HistoryFilter())
    assert who(calls) == ["+79165550123", "Michael Brown", "Ирина Соколова"]
    irina = calls[-1]
    assert (irina.direction, irina.kind, irina.outcome, irina.rep, irina.note) == (
        Direction.OUT,
        Kind.COLD,
        "talked",
        "me",
        "Spring order",
    )
    assert irina.at == hours_ago(5)
    assert calls[1].rep == "anna"


def test_a_contact_known_only_by_company_is_shown_by_the_company(desk: Desk, journal: Journal) -> None:
    people(desk)
    desk.log(OLEG, "in", "talked", at=hours_ago(1))
    assert who(journal.history()) == ["Балтик Трейд"]


def test_a_withheld_call_is_listed_without_a_number(desk: Desk, journal: Journal) -> None:
    desk.begin_call("anonymous", "in")
    [call] = journal.history()
    assert call.number is None and call.contact_name == ""


def test_history_is_one_query_however_many_calls(desk: Desk, journal: Journal, database) -> None:  # type: ignore[no-untyped-def]
    people(desk)
    for i in range(12):
        desk.log((IRINA, MICHAEL, OLEG, STRANGER)[i % 4], "out", "talked", at=hours_ago(i))
    statements: list[str] = []
    real_execute = database.execute_sql

    def counted(sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return real_execute(sql, *args, **kwargs)

    database.execute_sql = counted  # every statement peewee sends, on either database
    try:
        calls = journal.history()
        names = [c.contact_name for c in calls]
    finally:
        del database.execute_sql
    assert len(calls) == 12 and "Ирина Соколова" in names
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_the_day_filter_shows_one_local_calendar_day(desk: Desk, journal: Journal, moscow_time: None) -> None:
    desk.log(IRINA, "out", "talked", at=datetime(2026, 11, 24, 20, 30, tzinfo=UTC))  # 23:30 on the 24th
    desk.log(MICHAEL, "out", "talked", at=datetime(2026, 11, 24, 22, 30, tzinfo=UTC))  # 01:30 on the 25th
    desk.log(OLEG, "out", "talked", at=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))  # 10:00 on the 25th
    on_25th = journal.history(HistoryFilter(day=TODAY))
    assert [c.number for c in on_25th] == ["+78125551234", "+12125550143"]
    on_24th = journal.history(HistoryFilter(day=TODAY - timedelta(days=1)))
    assert [c.number for c in on_24th] == ["+74951234567"]


def test_last_seven_days_end_today_and_reach_back_six_more(desk: Desk, journal: Journal) -> None:
    for days in (0, 6, 7):
        desk.log(IRINA, "out", "talked", at=NOW - timedelta(days=days), note=f"{days} days ago")
    week = journal.history(HistoryFilter(day=TODAY, days=7))
    assert [c.note for c in week] == ["0 days ago", "6 days ago"]


def test_filter_by_kind(desk: Desk, journal: Journal) -> None:
    people(desk)
    desk.log(IRINA, "out", "talked", at=hours_ago(3))  # cold: nobody knows us yet
    desk.log(IRINA, "out", "talked", at=hours_ago(2))  # hot: we have talked now
    desk.log(MICHAEL, "in", "talked", at=hours_ago(1))  # first-time caller
    assert [c.kind for c in journal.history(HistoryFilter(kind=Kind.HOT))] == [Kind.HOT]
    assert who(journal.history(HistoryFilter(kind=Kind.FIRST_TIME))) == ["Michael Brown"]


def test_filter_by_outcome_and_by_not_logged(desk: Desk, journal: Journal) -> None:
    people(desk)
    desk.log(IRINA, "out", "deal", at=hours_ago(3))
    desk.log(MICHAEL, "out", "no_answer", at=hours_ago(2))
    desk.begin_call(OLEG, "in")  # rang just now; no outcome yet
    assert who(journal.history(HistoryFilter(outcome=Outcome.DEAL))) == ["Ирина Соколова"]
    assert who(journal.history(HistoryFilter(outcome="no_answer"))) == ["Michael Brown"]
    assert who(journal.history(HistoryFilter(outcome=NOT_LOGGED))) == ["Балтик Трейд"]


def test_filter_by_rep_and_direction(desk: Desk, colleague: Desk, journal: Journal) -> None:
    people(desk)
    desk.log(IRINA, "out", "talked", at=hours_ago(3))
    colleague.log(MICHAEL, "in", "talked", at=hours_ago(2))
    colleague.log(OLEG, "out", "talked", at=hours_ago(1))
    assert who(journal.history(HistoryFilter(rep="anna"))) == ["Балтик Трейд", "Michael Brown"]
    assert who(journal.history(HistoryFilter(rep="anna", direction=Direction.IN))) == ["Michael Brown"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ирина", ["Ирина Соколова"]),  # case-insensitive in Cyrillic too
        ("brown", ["Michael Brown"]),
        ("вектор", ["Ирина Соколова"]),  # the company
        ("балтик", ["Балтик Трейд"]),
        ("8 (495) 123", ["Ирина Соколова"]),  # the trunk prefix as dialled in Russia
        ("555 0143", ["Michael Brown"]),
        ("quote", ["Michael Brown"]),  # a word of the note
        ("michael quote", ["Michael Brown"]),  # every word must match
        ("michael order", []),
        ("nobody", []),
    ],
)
def test_search_by_name_company_number_or_note(
    desk: Desk, journal: Journal, text: str, found: list[str]
) -> None:
    people(desk)
    desk.log(IRINA, "out", "talked", at=hours_ago(3), note="Spring order")
    desk.log(MICHAEL, "out", "interested", at=hours_ago(2), note="Wants a QUOTE")
    desk.log(OLEG, "in", "talked", at=hours_ago(1))
    assert who(journal.history(HistoryFilter(text=text))) == found


def test_history_stops_at_the_limit_keeping_the_newest(desk: Desk, journal: Journal) -> None:
    for minutes in range(5):
        desk.log(IRINA, "out", "no_answer", at=NOW - timedelta(minutes=minutes), note=str(minutes))
    assert [c.note for c in journal.history(HistoryFilter(), limit=2)] == ["0", "1"]


def test_reps_are_everyone_with_calls_and_always_me(desk: Desk, colleague: Desk, journal: Journal) -> None:
    assert journal.reps() == ["me"]
    colleague.log(IRINA, "out", "talked", at=hours_ago(1))
    Desk(desk.settings.__class__(region="RU", rep="Boris", lang="en"), desk.clock).log(
        MICHAEL, "out", "talked", at=hours_ago(1)
    )
    assert journal.reps() == ["anna", "Boris", "me"]


def test_numbers_are_shown_formatted_for_people(journal: Journal) -> None:
    assert journal.human("+74951234567") == "8 (495) 123-45-67"
    assert journal.human(None) == ""


# --- today ---------------------------------------------------------------------------------


def test_today_counts_my_calls_by_kind_outcome_and_direction(
    desk: Desk, colleague: Desk, journal: Journal
) -> None:
    people(desk)
    desk.log(IRINA, "out", "talked", at=hours_ago(4))  # cold
    desk.log(IRINA, "out", "deal", at=hours_ago(3))  # hot now
    desk.log(MICHAEL, "out", "no_answer", at=hours_ago(2))  # cold
    desk.log(OLEG, "in", "interested", at=hours_ago(1))  # first-time caller
    desk.begin_call(STRANGER, "in")  # first-time, no outcome yet
    desk.log(MICHAEL, "out", "deal", at=NOW - timedelta(days=1))  # yesterday
    colleague.log(OLEG, "out", "deal", at=hours_ago(1))  # someone else's
    stats = journal.today()
    assert stats.day == TODAY and stats.rep == "me"
    assert stats.total == 5
    assert {k: n for k, n in stats.by_kind.items() if n} == {Kind.COLD: 2, Kind.HOT: 1, Kind.FIRST_TIME: 2}
    assert {o: n for o, n in stats.by_outcome.items() if n} == {
        Outcome.TALKED: 1,
        Outcome.DEAL: 1,
        Outcome.NO_ANSWER: 1,
        Outcome.INTERESTED: 1,
    }
    assert stats.unlogged == 1
    assert stats.by_direction == {Direction.IN: 2, Direction.OUT: 3}
    assert (stats.connected, stats.deals) == (3, 1)
    assert stats.conversion == pytest.approx(1 / 3)


def test_every_kind_and_outcome_is_counted_even_at_zero(journal: Journal) -> None:
    stats = journal.today()
    assert list(stats.by_kind) == [
        Kind.FIRST_TIME,
        Kind.RETURNING,
        Kind.REFERRAL,
        Kind.REPEAT,
        Kind.CALLBACK,
        Kind.HOT,
        Kind.WARM,
        Kind.COLD,
    ]
    assert set(stats.by_outcome) == set(Outcome)
    assert stats.total == 0 and stats.conversion == 0.0


def test_conversion_is_zero_when_nobody_was_reached(desk: Desk, journal: Journal) -> None:
    desk.log(IRINA, "out", "no_answer", at=hours_ago(2))
    desk.log(MICHAEL, "out", "wrong_number", at=hours_ago(1))
    stats = journal.today()
    assert (stats.total, stats.connected, stats.deals, stats.conversion) == (2, 0, 0, 0.0)


def test_today_for_the_whole_team_or_another_rep(desk: Desk, colleague: Desk, journal: Journal) -> None:
    desk.log(IRINA, "out", "talked", at=hours_ago(2))
    colleague.log(MICHAEL, "out", "deal", at=hours_ago(1))
    colleague.log(OLEG, "out", "talked", at=hours_ago(1))
    team = journal.today(team=True)
    assert team.rep is None and team.total == 3 and team.deals == 1
    anna = journal.today(rep="anna")
    assert anna.rep == "anna" and anna.total == 2 and anna.conversion == 0.5


def test_today_is_the_local_calendar_day(desk: Desk, journal: Journal, clock, moscow_time: None) -> None:  # type: ignore[no-untyped-def]
    desk.log(IRINA, "out", "talked", at=datetime(2026, 11, 24, 20, 59, tzinfo=UTC))  # 23:59 yesterday
    desk.log(MICHAEL, "out", "talked", at=datetime(2026, 11, 24, 21, 0, tzinfo=UTC))  # 00:00 today
    assert journal.today().total == 1
    clock.now = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # midnight in Moscow: a new day
    assert journal.today().day == date(2026, 11, 26)
    assert journal.today().total == 0
    assert journal.today(now=datetime(2026, 11, 24, 12, 0, tzinfo=UTC)).total == 1
