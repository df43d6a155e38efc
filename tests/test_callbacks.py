"""Callbacks: one-click times, the person's night, snooze, done, the next try (issue 6).

Every test runs on the hand-moved clock of ``conftest.Clock``; nothing sleeps. Times are
checked in the person's own zone, across the changes to and from summer time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.desk import BadInput, Desk
from companion.method import Kind
from companion.numbers import into_hours
from tests.conftest import Clock

MOSCOW_NUMBER = "+74993224685"
NEW_YORK_NUMBER = "+12125550100"
LONDON_NUMBER = "+442079460000"
MOSCOW = ZoneInfo("Europe/Moscow")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
NINE, EIGHT_PM = time(9, 0), time(20, 0)


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


# --- the person's night ----------------------------------------------------------------------


def test_a_time_inside_calling_hours_stays() -> None:
    due = at(MOSCOW, 2026, 11, 25, 14, 0)
    assert into_hours(due, ("Europe/Moscow",), NINE, EIGHT_PM) == due


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (at(MOSCOW, 2026, 11, 25, 23, 10), at(MOSCOW, 2026, 11, 26, 9, 0)),  # late evening: tomorrow
        (at(MOSCOW, 2026, 11, 26, 3, 0), at(MOSCOW, 2026, 11, 26, 9, 0)),  # small hours: this morning
        (at(MOSCOW, 2026, 11, 25, 20, 0), at(MOSCOW, 2026, 11, 26, 9, 0)),  # the end is not inside
    ],
)
def test_a_time_in_the_night_moves_to_the_next_start_of_calling_hours(
    due: datetime, expected: datetime
) -> None:
    assert into_hours(due, ("Europe/Moscow",), NINE, EIGHT_PM) == expected


def test_the_spring_change_of_clocks_is_where_it_really_is() -> None:
    # New York springs forward on 8 March 2026: 09:00 that day is 13:00 UTC, not 14:00
    due = at(NEW_YORK, 2026, 3, 7, 22, 0)
    moved = into_hours(due, ("America/New_York",), NINE, EIGHT_PM)
    assert moved.astimezone(UTC) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert moved.astimezone(NEW_YORK).hour == 9


def test_the_autumn_change_of_clocks_is_where_it_really_is() -> None:
    # London falls back on 25 October 2026: 09:00 that day is 09:00 UTC, the day before 08:00 UTC
    due = at(LONDON, 2026, 10, 24, 21, 30)
    moved = into_hours(due, ("Europe/London",), NINE, EIGHT_PM)
    assert moved.astimezone(UTC) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)


def test_a_number_in_several_zones_waits_until_all_of_them_are_awake() -> None:
    # Moscow's 09–20 and New York's overlap from 17:00 to 20:00 Moscow time
    due = at(MOSCOW, 2026, 11, 25, 23, 0)
    both = into_hours(due, ("Europe/Moscow", "America/New_York"), NINE, EIGHT_PM)
    assert both == at(MOSCOW, 2026, 11, 26, 17, 0)
    # Moscow's and Los Angeles' never overlap: the first zone decides
    apart = into_hours(due, ("Europe/Moscow", "America/Los_Angeles"), NINE, EIGHT_PM)
    assert apart == at(MOSCOW, 2026, 11, 26, 9, 0)
    # Moscow and London (three hours apart) are both awake from 12:00 Moscow time
    pair = into_hours(due, ("Europe/Moscow", "Europe/London"), NINE, EIGHT_PM)
    assert pair == at(MOSCOW, 2026, 11, 26, 12, 0)


def test_unknown_zones_leave_the_time_alone() -> None:
    due = at(MOSCOW, 2026, 11, 25, 23, 0)
    assert into_hours(due, (), NINE, EIGHT_PM) == due
    assert into_hours(due, ("Not/AZone",), NINE, EIGHT_PM) == due


# --- scheduling ------------------------------------------------------------------------------


def test_the_default_delay_into_the_night_is_moved_and_says_so(desk: Desk, clock: Clock) -> None:
    clock.now = at(MOSCOW, 2026, 11, 25, 19, 30).astimezone(UTC)  # the default is an hour later
    callback = desk.log(MOSCOW_NUMBER, "in", "callback", promise="the price list").callback
    assert callback is not None
    assert callback.due == at(MOSCOW, 2026, 11, 26, 9, 0)
    assert callback.shifted_from == at(MOSCOW, 2026, 11, 25, 20, 30)
    assert callback.shift_note == (
        "It would be 20:30 there, outside calling hours: moved to 26.11 09:00 their time."
    )
    assert desk.callbacks()[0].due == callback.due  # what is stored, not only what is said


def test_a_time_during_the_day_is_not_moved(desk: Desk, clock: Clock) -> None:
    callback = desk.log(MOSCOW_NUMBER, "in", "callback").callback  # 11:00 in Moscow
    assert callback is not None and callback.shifted_from is None and callback.shift_note == ""
    assert callback.due == clock.now + timedelta(minutes=60)


def test_the_one_click_times_follow_the_persons_clock(desk: Desk, clock: Clock) -> None:
    clock.now = at(NEW_YORK, 2026, 3, 7, 19, 55).astimezone(UTC)  # the evening before the change
    callback = desk.log(NEW_YORK_NUMBER, "out", "callback").callback
    assert callback is not None
    choices = {c.key: c for c in desk.callback_choices(callback.id)}
    assert list(choices) == ["10min", "1h", "tomorrow"]
    assert [c.label for c in choices.values()] == ["In 10 minutes", "In an hour", "Tomorrow morning"]
    # 20:05 and 20:55 there are after calling hours: both become 09:00 tomorrow, said so
    assert choices["10min"].shifted and choices["1h"].shifted
    assert not choices["tomorrow"].shifted
    morning = datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT, the first day of summer time
    assert choices["10min"].due == choices["1h"].due == choices["tomorrow"].due == morning


def test_in_the_day_the_one_click_times_are_what_they_say(desk: Desk, clock: Clock) -> None:
    callback = desk.log(LONDON_NUMBER, "in", "callback").callback  # 08:00 UTC: 08:00 in London
    assert callback is not None
    clock.advance(hours=2)  # 10:00 in London
    choices = {c.key: c for c in desk.callback_choices(callback.id)}
    assert choices["10min"].due == clock.now + timedelta(minutes=10)
    assert choices["1h"].due == clock.now + timedelta(hours=1)
    assert choices["tomorrow"].due == at(LONDON, 2026, 11, 26, 9, 0)
    assert not any(c.shifted for c in choices.values())


def test_reschedule_moves_the_callback_and_refuses_the_past(desk: Desk, clock: Clock) -> None:
    callback = desk.log(MOSCOW_NUMBER, "in", "callback").callback
    assert callback is not None
    later = desk.reschedule_callback(callback.id, at(MOSCOW, 2026, 11, 27, 15, 0))
    assert later.due == at(MOSCOW, 2026, 11, 27, 15, 0) and later.shifted_from is None
    night = desk.reschedule_callback(callback.id, at(MOSCOW, 2026, 11, 27, 2, 0))
    assert night.due == at(MOSCOW, 2026, 11, 27, 9, 0)
    assert night.shifted_from == at(MOSCOW, 2026, 11, 27, 2, 0)
    with pytest.raises(BadInput, match="That time has passed"):
        desk.reschedule_callback(callback.id, clock.now - timedelta(hours=1))
    assert desk.callbacks()[0].due == at(MOSCOW, 2026, 11, 27, 9, 0)


def test_snooze_done_and_reopen(desk: Desk, clock: Clock) -> None:
    callback = desk.log(MOSCOW_NUMBER, "in", "callback").callback
    assert callback is not None
    clock.advance(hours=2)
    assert [c.overdue for c in desk.callbacks(due_only=True)] == [True]
    snoozed = desk.snooze_callback(callback.id, 15)
    assert snoozed.due == clock.now + timedelta(minutes=15) and not snoozed.overdue
    assert desk.callbacks(due_only=True) == []
    with pytest.raises(BadInput):
        desk.snooze_callback(callback.id, 0)
    done = desk.finish_callback(callback.id)
    assert done.done and desk.callbacks() == []
    with pytest.raises(BadInput, match="already done"):
        desk.finish_callback(callback.id)
    with pytest.raises(BadInput, match="already done"):
        desk.reschedule_callback(callback.id, clock.now + timedelta(hours=1))
    assert desk.reopen_callback(callback.id).done is False
    assert [c.id for c in desk.callbacks()] == [callback.id]
    with pytest.raises(BadInput, match="There is no callback 999"):
        desk.finish_callback(999)


def test_the_promise_is_one_line(desk: Desk) -> None:
    callback = desk.log(MOSCOW_NUMBER, "in", "callback").callback
    assert callback is not None
    saved = desk.set_promise(callback.id, "  send the price list,\n call about   delivery ")
    assert saved.promise == "send the price list, call about delivery"
    assert desk.lookup(MOSCOW_NUMBER, "out").callback.promise == saved.promise


# --- calling back ------------------------------------------------------------------------------


def test_no_answer_keeps_the_callback_open_and_hands_it_back_for_the_next_try(desk: Desk) -> None:
    asked = desk.log(MOSCOW_NUMBER, "in", "callback", promise="the contract").callback
    assert asked is not None
    card = desk.begin_call(MOSCOW_NUMBER, "out")
    assert card.kind is Kind.CALLBACK and card.callback is not None
    assert card.callback.promise == "the contract"
    tried = desk.log(MOSCOW_NUMBER, "out", "no_answer", call_id=card.call_id)
    assert tried.closed_callbacks == ()
    assert tried.still_open is not None and tried.still_open.id == asked.id
    assert [c.id for c in desk.callbacks()] == [asked.id]
    reached = desk.log(MOSCOW_NUMBER, "out", "talked")
    assert reached.closed_callbacks == (asked.id,) and reached.still_open is None
    assert desk.callbacks() == []


def test_they_call_first_and_the_card_says_what_they_are_waiting_for(desk: Desk, clock: Clock) -> None:
    desk.log(MOSCOW_NUMBER, "in", "callback", promise="the delivery date")
    card = desk.lookup(MOSCOW_NUMBER, "in")
    line = next(c for c in card.context if "callback you owe them" in c)
    assert line.startswith("They are calling about the callback you owe them (due ")
    assert line.endswith(": the delivery date")


def test_the_list_gives_the_number_to_dial_and_the_persons_time(desk: Desk, clock: Clock) -> None:
    desk.log(NEW_YORK_NUMBER, "in", "callback", promise="quote")
    (item,) = desk.callbacks()
    assert item.dial == NEW_YORK_NUMBER
    assert item.local_now == clock.now.astimezone(NEW_YORK)
    assert item.local_due is not None and item.local_due.utcoffset() == timedelta(hours=-5)
    assert item.to_json()["dial"] == NEW_YORK_NUMBER


@pytest.fixture
def in_moscow(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock set to Moscow time (the rep's own zone)."""
    import time as system_time

    monkeypatch.setenv("TZ", "Europe/Moscow")
    system_time.tzset()
    yield
    monkeypatch.undo()
    system_time.tzset()


def test_a_mobile_number_anywhere_in_the_country_is_taken_to_be_in_the_reps_zone(
    desk: Desk, clock: Clock, in_moscow: None
) -> None:
    mobile = "+79161234567"  # a Russian mobile: eleven zones, from Kaliningrad to Kamchatka
    clock.now = at(MOSCOW, 2026, 11, 25, 22, 30).astimezone(UTC)
    callback = desk.log(mobile, "in", "callback").callback
    assert callback is not None
    assert callback.due == at(MOSCOW, 2026, 11, 26, 9, 0)
    choices = {c.key: c.due for c in desk.callback_choices(callback.id)}
    assert choices["tomorrow"] == at(MOSCOW, 2026, 11, 26, 9, 0)


def test_the_call_that_asked_for_the_callback_does_not_say_they_are_calling_about_it(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW_NUMBER, "in")
    desk.log(MOSCOW_NUMBER, "in", "callback", call_id=card.call_id, promise="the quote")
    assert card.call_id is not None
    after = desk.card_for_call(card.call_id)
    assert not any("calling about" in line for line in after.context)
    assert any(line.startswith("Callback due ") and line.endswith(": the quote") for line in after.context)
    later = desk.lookup(MOSCOW_NUMBER, "in")  # they ring again before the callback
    assert any("They are calling about the callback you owe them" in line for line in later.context)


def test_tomorrow_morning_is_their_next_morning_even_when_it_is_already_tomorrow_there(
    desk: Desk, clock: Clock
) -> None:
    vladivostok = ZoneInfo("Asia/Vladivostok")
    clock.now = at(MOSCOW, 2026, 11, 24, 18, 0).astimezone(UTC)  # 01:00 on the 25th there
    callback = desk.log("+74232123456", "in", "callback").callback
    assert callback is not None
    choices = {c.key: c.due for c in desk.callback_choices(callback.id)}
    assert choices["tomorrow"] == at(vladivostok, 2026, 11, 25, 9, 0)


@pytest.fixture
def in_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import time as system_time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    system_time.tzset()
    yield
    monkeypatch.undo()
    system_time.tzset()


def test_a_country_wide_number_far_from_the_rep_is_not_guessed_into_a_zone(
    desk: Desk, clock: Clock, in_berlin: None
) -> None:
    clock.now = at(MOSCOW, 2026, 11, 25, 15, 0).astimezone(UTC)
    callback = desk.log("+79161234567", "in", "callback").callback  # a Russian mobile
    assert callback is not None
    assert callback.due == clock.now + timedelta(hours=1) and callback.shifted_from is None
    assert callback.local_due is None  # their time is not known: nothing false is shown
