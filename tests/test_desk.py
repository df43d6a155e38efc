"""The desk service on a real temp SQLite database: the chapter's examples, the transitions
between kinds, per-rep facts, statuses, recording, warnings and the ``lookup --json`` shape.

``desk`` is the rep "me", ``colleague`` is "anna" on the same database; ``clock`` starts at
2026-11-25 08:00 UTC (11:00 in Moscow) and only moves when a test moves it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.card import Logged
from companion.desk import BadInput, Desk, to_db
from companion.importers import ImportReport, Row
from companion.importers.apply import apply_rows
from companion.method import Kind, Temperature
from companion.store.models import MODELS, Call, Callback, Contact, ContactPhone, Phone, db

MOSCOW = "+7 495 123-45-67"  # a Moscow landline (Europe/Moscow)
OTHER = "+7 495 765-43-21"
CHAPTER_CALLER = "8 (499) 322-46-85"  # Евгений, who asks to be called back


def add_contact(
    desk: Desk, phone: str, *, familiarity: str = "company", name: str = "Ivan Petrov", **fields: str
) -> Contact:
    """Import one contact the way a CSV import would (``familiarity`` is the file's default)."""
    report = apply_rows(
        desk, [Row(line=1, name=name, phones=[phone], **fields)], ImportReport(), familiarity=familiarity
    )
    assert not report.problems
    return Contact.select().order_by(Contact.id.desc()).get()


def share(desk: Desk, phone: str, *names: str, familiarity: str = "none") -> list[Contact]:
    """Contacts who share one number (a switchboard), written straight into the store."""
    number = desk.parse(phone)
    record, _ = Phone.get_or_create(number=number.key, defaults={"raw": phone, "valid": number.valid})
    now = to_db(desk.clock())
    owners = []
    for name in names:
        contact = Contact.create(name=name, familiarity=familiarity, created=now, updated=now)
        ContactPhone.create(contact=contact, phone=record, raw=phone)
        owners.append(contact)
    return owners


def row_counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in MODELS}


def kind_of(desk: Desk, number: str, direction: str) -> Kind:
    return desk.lookup(number, direction).kind


def codes(desk: Desk, number: str | None, direction: str = "out") -> set[str]:
    return {w.code for w in desk.lookup(number, direction).warnings}


def status_of(desk: Desk, number: str) -> str | None:
    contact = desk.lookup(number, "in").contact
    return contact.status if contact else None


# --- the chapter's examples ---------------------------------------------------------------


def test_a_birthday_call_to_the_reps_own_client_is_hot(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="personal", status="client")
    card = desk.lookup(MOSCOW, "out")
    assert card.kind is Kind.HOT
    assert card.temperature is Temperature.HOT


def test_a_call_to_a_client_the_rep_made_a_deal_with_is_hot(desk: Desk, clock) -> None:
    desk.log(MOSCOW, "out", "deal")
    clock.advance(days=200)
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT


def test_calling_the_companys_imported_clients_about_a_new_service_is_warm(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="company", status="client")
    card = desk.lookup(MOSCOW, "out")
    assert card.kind is Kind.WARM
    assert card.temperature is Temperature.WARM


def test_calling_a_client_only_a_colleague_spoke_to_is_warm(desk: Desk, colleague: Desk) -> None:
    colleague.log(MOSCOW, "out", "deal")
    assert kind_of(desk, MOSCOW, "out") is Kind.WARM


def test_calling_contacts_from_a_bought_list_is_cold(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none")
    card = desk.lookup(MOSCOW, "out")
    assert card.kind is Kind.COLD
    assert card.temperature is Temperature.COLD


def test_calling_a_number_nobody_knows_is_cold(desk: Desk) -> None:
    assert kind_of(desk, MOSCOW, "out") is Kind.COLD


def test_the_caller_promised_a_call_back_in_ten_minutes_is_waiting_for_a_callback(desk: Desk, clock) -> None:
    desk.log(
        CHAPTER_CALLER,
        "in",
        "callback",
        callback_at=clock.now + timedelta(minutes=10),
        promise="the information he asked for",
        note="Could not get through for 40 minutes",
    )
    card = desk.lookup(CHAPTER_CALLER, "out")
    assert card.kind is Kind.CALLBACK
    assert card.callback is not None
    assert card.callback.due == clock.now + timedelta(minutes=10)
    assert card.callback.promise == "the information he asked for"
    assert desk.begin_call(CHAPTER_CALLER, "out").kind is Kind.CALLBACK


# --- "done when": the transitions between kinds ---------------------------------------------


def test_a_cold_contact_becomes_hot_after_the_rep_talks_to_them(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none")
    assert kind_of(desk, MOSCOW, "out") is Kind.COLD
    desk.log(MOSCOW, "out", "talked")
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT


@pytest.mark.parametrize("outcome", ["no_answer", "wrong_number"])
def test_a_call_that_reached_nobody_leaves_a_cold_contact_cold(desk: Desk, outcome: str) -> None:
    desk.log(MOSCOW, "out", outcome)
    assert kind_of(desk, MOSCOW, "out") is Kind.COLD
    assert kind_of(desk, MOSCOW, "in") is Kind.FIRST_TIME


def test_a_first_time_caller_who_calls_again_after_talking_to_us_is_returning(desk: Desk) -> None:
    assert kind_of(desk, MOSCOW, "in") is Kind.FIRST_TIME
    desk.log(MOSCOW, "in", "talked")
    assert kind_of(desk, MOSCOW, "in") is Kind.RETURNING


def test_an_incoming_caller_who_talked_to_a_colleague_is_returning(desk: Desk, colleague: Desk) -> None:
    colleague.log(MOSCOW, "out", "not_interested")
    assert kind_of(desk, MOSCOW, "in") is Kind.RETURNING


def test_an_incoming_caller_we_only_tried_to_reach_is_still_first_time(desk: Desk, colleague: Desk) -> None:
    colleague.log(MOSCOW, "out", "no_answer")
    desk.log(MOSCOW, "out", "no_answer")
    assert kind_of(desk, MOSCOW, "in") is Kind.FIRST_TIME


@pytest.mark.parametrize("familiarity", ["none", "company", "personal"])
def test_any_caller_is_repeat_after_a_deal(desk: Desk, colleague: Desk, familiarity: str) -> None:
    add_contact(desk, MOSCOW, familiarity=familiarity, referred_by="Olga")
    assert kind_of(desk, MOSCOW, "in") is not Kind.REPEAT
    colleague.log(MOSCOW, "in", "deal")
    assert kind_of(desk, MOSCOW, "in") is Kind.REPEAT


def test_a_first_time_caller_who_buys_is_repeat_next_time(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "deal")
    assert kind_of(desk, MOSCOW, "in") is Kind.REPEAT


def test_an_imported_client_who_was_also_recommended_is_repeat(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none", status="client", referred_by="Olga")
    assert kind_of(desk, MOSCOW, "in") is Kind.REPEAT


def test_a_recommended_stranger_calling_in_is_referral(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none", referred_by="Olga")
    card = desk.lookup(MOSCOW, "in")
    assert card.kind is Kind.REFERRAL
    assert card.temperature is Temperature.WARM
    assert any("Olga" in line for line in card.context)


def test_calling_a_recommended_stranger_is_warm(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none", referred_by="Olga")
    assert kind_of(desk, MOSCOW, "out") is Kind.WARM


def test_an_outgoing_call_after_a_callback_outcome_is_callback(desk: Desk) -> None:
    desk.log(MOSCOW, "out", "talked")
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT
    desk.log(MOSCOW, "out", "callback")
    assert kind_of(desk, MOSCOW, "out") is Kind.CALLBACK


def test_making_the_promised_call_closes_the_callback_and_the_contact_is_hot_again(desk: Desk, clock) -> None:
    desk.log(MOSCOW, "in", "callback", callback_at=clock.now + timedelta(minutes=10))
    clock.advance(minutes=12)
    card = desk.begin_call(MOSCOW, "out")
    assert card.kind is Kind.CALLBACK
    logged = desk.log(MOSCOW, "out", "talked", call_id=card.call_id)
    assert len(logged.closed_callbacks) == 1
    assert desk.callbacks() == []
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT


def test_an_unanswered_callback_attempt_keeps_the_callback_open(desk: Desk, clock) -> None:
    desk.log(MOSCOW, "in", "callback")
    clock.advance(hours=2)
    logged = desk.log(MOSCOW, "out", "no_answer")
    assert logged.closed_callbacks == ()
    assert len(desk.callbacks()) == 1
    assert kind_of(desk, MOSCOW, "out") is Kind.CALLBACK


def test_a_new_callback_outcome_replaces_the_open_one(desk: Desk, clock) -> None:
    desk.log(MOSCOW, "in", "callback")
    clock.advance(hours=2)
    desk.log(MOSCOW, "out", "callback", callback_at=clock.now + timedelta(days=1), promise="the contract")
    [callback] = desk.callbacks()
    assert callback.promise == "the contract"
    assert callback.due == clock.now + timedelta(days=1)


# --- facts are per rep ---------------------------------------------------------------------


def test_outgoing_to_a_client_of_a_colleague_is_warm(desk: Desk, colleague: Desk) -> None:
    colleague.log(MOSCOW, "out", "talked")
    assert kind_of(desk, MOSCOW, "out") is Kind.WARM
    assert kind_of(colleague, MOSCOW, "out") is Kind.HOT


def test_someone_a_colleague_knows_personally_is_warm_for_me(desk: Desk, colleague: Desk) -> None:
    add_contact(colleague, MOSCOW, familiarity="personal")
    assert Contact.get().known_by == "anna"
    assert kind_of(colleague, MOSCOW, "out") is Kind.HOT
    card = desk.lookup(MOSCOW, "out")
    assert card.kind is Kind.WARM
    assert card.temperature is Temperature.WARM


def test_the_card_says_which_colleague_spoke_to_them(desk: Desk, colleague: Desk) -> None:
    colleague.log(MOSCOW, "out", "talked")
    assert any(line.startswith("anna on your team") for line in desk.lookup(MOSCOW, "out").context)


# --- statuses only move up -----------------------------------------------------------------


def test_interest_makes_a_person_a_prospect(desk: Desk) -> None:
    add_contact(desk, MOSCOW)
    assert status_of(desk, MOSCOW) == "person"
    logged = desk.log(MOSCOW, "out", "interested")
    assert (logged.status_before, logged.status_after) == ("person", "prospect")
    assert status_of(desk, MOSCOW) == "prospect"


def test_asking_to_be_called_back_makes_a_prospect(desk: Desk) -> None:
    add_contact(desk, MOSCOW)
    desk.log(MOSCOW, "in", "callback")
    assert status_of(desk, MOSCOW) == "prospect"


def test_a_deal_makes_a_client(desk: Desk) -> None:
    add_contact(desk, MOSCOW)
    desk.log(MOSCOW, "out", "deal")
    assert status_of(desk, MOSCOW) == "client"


def test_a_client_who_is_later_only_interested_stays_a_client(desk: Desk) -> None:
    desk.log(MOSCOW, "out", "deal")
    logged = desk.log(MOSCOW, "out", "interested")
    assert logged.status_after == "client"
    assert status_of(desk, MOSCOW) == "client"


@pytest.mark.parametrize("status", ["prospect", "client"])
def test_not_interested_does_not_lower_the_status(desk: Desk, status: str) -> None:
    add_contact(desk, MOSCOW, status=status)
    desk.log(MOSCOW, "out", "not_interested")
    assert status_of(desk, MOSCOW) == status


def test_talking_to_an_unknown_number_creates_no_contact(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "talked")
    assert Contact.select().count() == 0
    assert desk.lookup(MOSCOW, "in").contact is None


def test_interest_from_an_unknown_number_creates_an_unnamed_prospect(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "interested")
    contact = desk.lookup(MOSCOW, "in").contact
    assert contact is not None
    assert contact.status == "prospect"
    assert contact.numbers == ("+74951234567",)


# --- recording -----------------------------------------------------------------------------


def test_lookup_never_writes(desk: Desk, colleague: Desk, clock) -> None:
    add_contact(desk, MOSCOW)
    colleague.log(OTHER, "in", "callback", callback_at=clock.now + timedelta(minutes=1))
    desk.begin_call(MOSCOW, "in")
    before = row_counts()
    for number in (MOSCOW, OTHER, "+7 343 210 55 66", "anonymous", "hello", "+7 123", "104", None):
        for direction in ("in", "out"):
            desk.lookup(number, direction).to_json()
    assert row_counts() == before


def test_a_call_event_creates_the_record_at_once_with_the_kind_of_that_moment(
    desk: Desk, colleague: Desk
) -> None:
    card = desk.begin_call(MOSCOW, "out")
    assert card.call_id is not None
    assert card.kind is Kind.COLD
    assert Call.select().count() == 1
    [pending] = desk.unlogged()
    assert pending.id == card.call_id and pending.outcome is None

    colleague.log(MOSCOW, "out", "deal")  # while my call rings, the facts change
    logged = desk.log(MOSCOW, "out", "interested", note="wants a quote", call_id=card.call_id)

    assert Call.select().where(Call.rep == "me").count() == 1
    call = Call.get_by_id(card.call_id)
    assert call.outcome == "interested"
    assert call.note == "wants a quote"
    assert call.kind == "cold"  # what the call was when it started
    assert logged.call.id == card.call_id
    assert desk.unlogged() == []


def test_logging_a_call_event_the_other_way_round_is_refused(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    with pytest.raises(BadInput):
        desk.log(MOSCOW, "out", "talked", call_id=card.call_id)
    assert Call.get_by_id(card.call_id).outcome is None


def test_logging_a_call_event_under_another_number_is_refused(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    before = row_counts()
    with pytest.raises(BadInput):
        desk.log(OTHER, "in", "deal", call_id=card.call_id)
    assert row_counts() == before
    assert Call.get_by_id(card.call_id).outcome is None


def test_the_end_of_a_call_records_its_duration(desk: Desk, clock) -> None:
    card = desk.begin_call(MOSCOW, "out")
    clock.advance(seconds=95)
    ended = desk.end_call(MOSCOW)
    assert ended is not None
    assert ended.id == card.call_id
    assert ended.duration_seconds == 95
    assert desk.end_call(MOSCOW) is None  # nothing left in progress


def test_the_end_of_a_call_can_name_the_call(desk: Desk, clock) -> None:
    first = desk.begin_call(MOSCOW, "out")
    desk.begin_call(OTHER, "in")
    clock.advance(minutes=3)
    ended = desk.end_call(call_id=first.call_id)
    assert ended is not None and ended.id == first.call_id
    assert ended.duration_seconds == 180


def test_unlogged_lists_the_reps_calls_without_an_outcome_newest_first(
    desk: Desk, colleague: Desk, clock
) -> None:
    older = desk.begin_call(MOSCOW, "in")
    clock.advance(minutes=5)
    newer = desk.begin_call(OTHER, "out")
    colleague.begin_call(OTHER, "in")
    desk.log("+7 343 210 55 66", "out", "talked")
    assert [c.id for c in desk.unlogged()] == [newer.call_id, older.call_id]


def test_a_logged_call_keeps_the_time_it_happened(desk: Desk, clock) -> None:
    at = clock.now - timedelta(hours=3)
    logged = desk.log(MOSCOW, "in", "talked", at=at)
    assert logged.call.at == at
    assert desk.lookup(MOSCOW, "in").history[0].at == at


# --- warnings ------------------------------------------------------------------------------


def test_a_do_not_call_contact_is_flagged(desk: Desk) -> None:
    add_contact(desk, MOSCOW, do_not_call="yes")
    assert "do_not_call" in codes(desk, MOSCOW)
    add_contact(desk, OTHER, name="Olga")
    assert "do_not_call" not in codes(desk, OTHER)


def test_a_number_that_turned_out_wrong_is_flagged(desk: Desk) -> None:
    assert "wrong_number" not in codes(desk, MOSCOW)
    desk.log(MOSCOW, "out", "wrong_number")
    assert "wrong_number" in codes(desk, MOSCOW)
    desk.log(MOSCOW, "in", "talked")  # the right person has it now
    assert "wrong_number" not in codes(desk, MOSCOW)


def test_calling_moscow_at_11_is_fine_but_at_23_is_outside_calling_hours(desk: Desk, clock) -> None:
    card = desk.lookup(MOSCOW, "out")
    assert card.number.local_time is not None
    assert card.number.local_time.strftime("%H:%M") == "11:00"
    assert "outside_hours" not in {w.code for w in card.warnings}

    clock.now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    card = desk.lookup(MOSCOW, "out")
    assert card.number.local_time is not None
    assert card.number.local_time.strftime("%H:%M") == "23:00"
    assert "outside_hours" in {w.code for w in card.warnings}


@pytest.mark.parametrize("raw", ["anonymous", "", None, "Private"])
def test_a_withheld_number_is_flagged(desk: Desk, raw: str | None) -> None:
    card = desk.lookup(raw, "in")
    assert "withheld" in {w.code for w in card.warnings}
    assert card.kind is Kind.FIRST_TIME
    assert card.contact is None


@pytest.mark.parametrize("raw", ["hello", "+7 123"])
def test_an_invalid_number_is_flagged(desk: Desk, raw: str) -> None:
    assert "invalid_number" in codes(desk, raw, "in")


def test_a_valid_number_is_not_flagged_invalid(desk: Desk) -> None:
    assert codes(desk, MOSCOW) == set()


def test_a_call_from_a_withheld_number_can_be_logged(desk: Desk) -> None:
    logged = desk.log("anonymous", "in", "talked", note="asked about prices")
    assert Phone.select().count() == 0
    call = Call.get_by_id(logged.call.id)
    assert call.phone is None
    assert call.outcome == "talked"
    assert call.note == "asked about prices"


def test_a_number_that_does_not_parse_can_still_be_logged_and_is_marked_invalid(desk: Desk) -> None:
    logged = desk.log("call me maybe", "in", "talked")
    call = Call.get_by_id(logged.call.id)
    assert call.raw == "call me maybe"
    assert call.outcome == "talked"
    assert "invalid_number" in codes(desk, "call me maybe", "in")


def test_an_invalid_number_with_digits_is_stored_as_invalid(desk: Desk) -> None:
    desk.log("+7 123", "out", "no_answer")
    phone = Phone.get()
    assert phone.number == "+7123"
    assert phone.valid is False
    assert desk.lookup("+7 123", "out").history[0].outcome == "no_answer"


def test_an_input_longer_than_256_characters_is_refused_and_writes_nothing(desk: Desk) -> None:
    too_long = "+7" + "9" * 300
    before = row_counts()
    with pytest.raises(BadInput):
        desk.lookup(too_long, "in")
    with pytest.raises(BadInput):
        desk.begin_call(too_long, "in")
    with pytest.raises(BadInput):
        desk.log(too_long, "in", "deal")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("direction", "outcome"),
    [("in", "maybe"), ("in", ""), ("sideways", "talked"), ("", "talked")],
)
def test_an_unknown_outcome_or_direction_is_refused_and_writes_nothing(
    desk: Desk, direction: str, outcome: str
) -> None:
    before = row_counts()
    with pytest.raises(BadInput):
        desk.log(MOSCOW, direction, outcome)
    assert row_counts() == before


def test_an_unknown_direction_is_refused_by_lookup_and_call_events(desk: Desk) -> None:
    with pytest.raises(BadInput):
        desk.lookup(MOSCOW, "sideways")
    with pytest.raises(BadInput):
        desk.begin_call(MOSCOW, "sideways")
    assert Call.select().count() == 0


# --- the rep's override ----------------------------------------------------------------------


def test_a_caller_who_says_ivan_recommended_us_is_logged_as_a_referral(desk: Desk) -> None:
    logged = desk.log(MOSCOW, "in", "talked", kind="referral", referred_by="Ivan")
    call = Call.get_by_id(logged.call.id)
    assert (call.kind, call.kind_auto) == ("referral", "first_time")
    assert call.temperature == "warm"
    contact = desk.lookup(MOSCOW, "in").contact
    assert contact is not None and contact.referred_by == "Ivan"
    assert logged.call.to_json()["kind_overridden"] is True


def test_the_override_fills_in_the_call_event_record(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    assert card.kind is Kind.FIRST_TIME
    desk.log(MOSCOW, "in", "interested", kind="referral", referred_by="Ivan", call_id=card.call_id)
    call = Call.get_by_id(card.call_id)
    assert (call.kind, call.kind_auto) == ("referral", "first_time")
    assert Call.select().count() == 1
    assert Contact.get().referred_by == "Ivan"


def test_naming_the_referrer_during_a_call_makes_it_a_referral(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    desk.log(MOSCOW, "in", "talked", referred_by="Ivan", call_id=card.call_id)
    call = Call.get_by_id(card.call_id)
    assert (call.kind, call.kind_auto) == ("referral", "first_time")


def test_naming_the_referrer_of_a_cold_call_makes_it_warm(desk: Desk) -> None:
    logged = desk.log(MOSCOW, "out", "talked", referred_by="Ivan")
    call = Call.get_by_id(logged.call.id)
    assert (call.kind, call.kind_auto, call.temperature) == ("warm", "cold", "warm")


def test_a_recommended_stranger_is_a_referral_on_the_next_call_too(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "no_answer", kind="referral", referred_by="Ivan")
    assert kind_of(desk, MOSCOW, "in") is Kind.REFERRAL


def test_an_override_of_the_wrong_direction_is_refused(desk: Desk) -> None:
    with pytest.raises(BadInput):
        desk.log(MOSCOW, "in", "talked", kind="hot")
    with pytest.raises(BadInput):
        desk.log(MOSCOW, "in", "talked", kind="lukewarm")
    assert Call.select().count() == 0


# --- a number shared by several contacts ------------------------------------------------------


def test_a_shared_number_lists_the_candidates_and_remembers_the_choice(desk: Desk) -> None:
    _, olga = share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    card = desk.lookup(MOSCOW, "in")
    assert card.contact is None
    assert {c.name for c in card.candidates} == {"Ivan Petrov", "Olga Sidorova"}
    assert "shared_number" in {w.code for w in card.warnings}

    desk.choose_contact(MOSCOW, olga.id)
    card = desk.lookup(MOSCOW, "in")
    assert card.contact is not None and card.contact.name == "Olga Sidorova"
    assert "shared_number" not in {w.code for w in card.warnings}


def test_choosing_a_contact_who_does_not_have_the_number_is_refused(desk: Desk) -> None:
    share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    stranger = add_contact(desk, OTHER, name="Pyotr")
    with pytest.raises(BadInput):
        desk.choose_contact(MOSCOW, stranger.id)
    assert Phone.get(Phone.number == "+74951234567").chosen is None


# --- callbacks -------------------------------------------------------------------------------


def test_callbacks_list_the_overdue_first(desk: Desk, clock) -> None:
    start = clock.now
    desk.log(MOSCOW, "in", "callback", callback_at=start + timedelta(hours=3), promise="later")
    desk.log(OTHER, "in", "callback", callback_at=start + timedelta(hours=1), promise="first")
    desk.log(CHAPTER_CALLER, "in", "callback", callback_at=start + timedelta(hours=2), promise="second")
    clock.advance(hours=2, minutes=30)

    everything = desk.callbacks()
    assert [c.promise for c in everything] == ["first", "second", "later"]
    assert [c.overdue for c in everything] == [True, True, False]
    assert [c.promise for c in desk.callbacks(due_only=True)] == ["first", "second"]


def test_a_callback_without_a_time_gets_the_default_delay(desk: Desk, clock) -> None:
    logged = desk.log(MOSCOW, "in", "callback")
    assert logged.callback is not None
    assert logged.callback.due == clock.now + timedelta(minutes=desk.settings.callback_delay_minutes)


def test_a_callback_time_before_the_call_is_refused(desk: Desk, clock) -> None:
    before = row_counts()
    with pytest.raises(BadInput):
        desk.log(MOSCOW, "in", "callback", callback_at=clock.now - timedelta(minutes=1))
    with pytest.raises(BadInput):
        desk.log(
            MOSCOW,
            "in",
            "callback",
            at=clock.now - timedelta(hours=2),
            callback_at=clock.now - timedelta(hours=3),
        )
    assert row_counts() == before


def test_a_callback_time_without_the_callback_outcome_is_refused(desk: Desk, clock) -> None:
    with pytest.raises(BadInput):
        desk.log(MOSCOW, "in", "talked", callback_at=clock.now + timedelta(hours=1))
    assert Call.select().count() == 0


# --- the lookup --json contract (DESIGN.md §4) ------------------------------------------------


def test_the_json_of_an_unknown_number_has_every_field_with_nulls(desk: Desk) -> None:
    data = json.loads(json.dumps(desk.lookup(MOSCOW, "out").to_json()))
    for key in (
        "input",
        "number",
        "direction",
        "kind",
        "temperature",
        "reminder",
        "contact",
        "history",
        "callback",
        "warnings",
    ):
        assert key in data
    assert data["input"] == MOSCOW
    assert data["number"]["e164"] == "+74951234567"
    assert data["number"]["international"] == "+7 495 123-45-67"
    assert data["number"]["valid"] is True
    assert data["number"]["type"] == "fixed_line"
    assert data["number"]["place"]
    assert data["number"]["timezones"] == ["Europe/Moscow"]
    assert data["number"]["local_time"].startswith("2026-11-25T11:00")
    assert (data["direction"], data["kind"], data["temperature"]) == ("out", "cold", "cold")
    assert data["reminder"]
    assert data["contact"] is None
    assert data["history"] == []
    assert data["callback"] is None
    assert data["warnings"] == []


def test_the_json_of_a_known_contact_has_contact_history_and_callback(
    desk: Desk, colleague: Desk, clock
) -> None:
    add_contact(
        desk, CHAPTER_CALLER, name="Евгений", company="ООО Ромашка", referred_by="Ivan", familiarity="none"
    )
    colleague.log(CHAPTER_CALLER, "in", "talked", note="first contact")
    clock.advance(hours=1)
    desk.log(
        CHAPTER_CALLER, "in", "callback", callback_at=clock.now + timedelta(minutes=10), promise="the price"
    )
    clock.advance(minutes=1)
    desk.begin_call(CHAPTER_CALLER, "out")

    data = json.loads(json.dumps(desk.lookup(CHAPTER_CALLER, "out").to_json(), ensure_ascii=False))
    assert data["kind"] == "callback"
    contact = data["contact"]
    assert {k: contact[k] for k in ("name", "company", "status", "referred_by")} == {
        "name": "Евгений",
        "company": "ООО Ромашка",
        "status": "prospect",
        "referred_by": "Ivan",
    }
    history = data["history"]
    assert [(h["rep"], h["direction"], h["outcome"]) for h in history] == [
        ("me", "out", None),
        ("me", "in", "callback"),
        ("anna", "in", "talked"),
    ]
    for item in history:
        assert {"at", "direction", "rep", "kind", "outcome", "note"} <= item.keys()
    assert [h["at"] for h in history] == sorted((h["at"] for h in history), reverse=True)
    assert history[2]["note"] == "first contact"
    assert history[1]["kind"] == "returning"
    assert datetime.fromisoformat(data["callback"]["due"]) == clock.now + timedelta(minutes=9)
    assert data["callback"]["promise"] == "the price"
    assert isinstance(data["warnings"], list)


def test_a_callback_to_a_withheld_number_is_refused_and_writes_nothing(desk: Desk) -> None:
    with pytest.raises(BadInput, match="withheld"):
        desk.log("anonymous", "in", "callback")
    assert Call.select().count() == 0 and Callback.select().count() == 0


def test_calling_hours_matter_only_when_we_call(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    assert "outside_hours" in {w.code for w in desk.lookup(MOSCOW, "out").warnings}
    assert "outside_hours" not in {w.code for w in desk.lookup(MOSCOW, "in").warnings}


# --- undo puts everything back ---------------------------------------------------------------


def test_undo_puts_back_the_referrer_the_log_replaced(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="none", referred_by="Olga")
    logged = desk.log(MOSCOW, "in", "talked", referred_by="Ivan")
    assert Contact.get().referred_by == "Ivan"
    desk.undo(logged)
    assert Contact.get().referred_by == "Olga"
    assert kind_of(desk, MOSCOW, "in") is Kind.REFERRAL


def test_undo_deletes_the_contact_and_number_the_log_created(desk: Desk) -> None:
    before = row_counts()
    logged = desk.log(MOSCOW, "in", "interested", referred_by="Ivan")
    assert Contact.select().count() == 1
    desk.undo(logged)
    assert row_counts() == before
    assert desk.lookup(MOSCOW, "in").contact is None


def test_undo_of_a_call_event_drops_the_contact_the_log_created_but_keeps_the_call(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    logged = desk.log(MOSCOW, "in", "deal", call_id=card.call_id)
    assert Call.get_by_id(card.call_id).contact is not None
    desk.undo(logged)
    call = Call.get_by_id(card.call_id)
    assert (call.contact, call.outcome, call.logged) == (None, None, None)
    assert Contact.select().count() == 0 and ContactPhone.select().count() == 0
    assert Phone.select().count() == 1  # the call event's number stays with its call


def test_undo_keeps_a_created_contact_that_something_else_now_refers_to(desk: Desk, clock) -> None:
    first = desk.log(MOSCOW, "in", "interested")
    clock.advance(minutes=5)
    desk.log(MOSCOW, "out", "talked")  # the next call is with that contact too
    desk.undo(first)
    contact = Contact.get()
    assert contact.status == "person"
    assert ContactPhone.select().count() == 1


def test_undo_restores_the_call_record_as_it_was_before_the_log(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    desk.set_source(MOSCOW, "recommendation", "Ivan", call_id=card.call_id)
    desk.set_note(card.call_id, "asked about prices")
    before = Call.get_by_id(card.call_id)
    assert (before.kind, before.temperature) == ("referral", "warm")

    logged = desk.log(MOSCOW, "in", "deal", kind="returning", note="ordered", call_id=card.call_id)
    desk.undo(logged)

    after = Call.get_by_id(card.call_id)
    assert (after.kind, after.kind_auto, after.temperature) == ("referral", "first_time", "warm")
    assert after.note == "asked about prices"
    assert after.contact_id == before.contact_id is not None
    assert (after.outcome, after.logged) == (None, None)
    assert Contact.get().status == "person"


def test_undo_of_a_second_log_of_the_same_call_restores_the_first_outcome(desk: Desk, clock) -> None:
    card = desk.begin_call(MOSCOW, "out")
    desk.log(MOSCOW, "out", "talked", note="first", call_id=card.call_id)
    clock.advance(minutes=1)
    second = desk.log(MOSCOW, "out", "no_answer", note="second", call_id=card.call_id)
    desk.undo(second)
    call = Call.get_by_id(card.call_id)
    assert (call.outcome, call.note) == ("talked", "first")
    assert call.logged is not None


def test_the_json_of_a_logged_value_still_works(desk: Desk) -> None:
    logged = desk.log(MOSCOW, "in", "interested")
    assert isinstance(logged, Logged)
    assert json.loads(json.dumps(logged.to_json()))["status_after"] == "prospect"


# --- a number shared by several contacts: the facts -----------------------------------------------


def test_a_switchboard_of_two_company_contacts_is_warm_and_returning_before_anyone_is_chosen(
    desk: Desk,
) -> None:
    share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova", familiarity="company")
    assert kind_of(desk, MOSCOW, "out") is Kind.WARM
    assert kind_of(desk, MOSCOW, "in") is Kind.RETURNING
    assert desk.lookup(MOSCOW, "out").temperature is Temperature.WARM


def test_an_unchosen_shared_number_uses_only_what_every_owner_shares(desk: Desk) -> None:
    ivan, olga = share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    Contact.update(status="client").where(Contact.id == olga.id).execute()
    Contact.update(referred_by="Pyotr").where(Contact.id == ivan.id).execute()
    card = desk.lookup(MOSCOW, "in")
    assert not card.facts.client and not card.facts.referral and not card.facts.company
    assert card.kind is Kind.FIRST_TIME
    Contact.update(status="client").where(Contact.id == ivan.id).execute()
    assert kind_of(desk, MOSCOW, "in") is Kind.REPEAT


def test_an_unchosen_shared_number_counts_its_own_calls(desk: Desk) -> None:
    share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    desk.log(MOSCOW, "out", "talked")
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT


def test_a_chosen_contact_does_not_inherit_a_colleagues_calls_on_the_switchboard(desk: Desk) -> None:
    ivan, olga = share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    desk.choose_contact(MOSCOW, ivan.id)
    desk.log(MOSCOW, "out", "interested")
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT
    desk.choose_contact(MOSCOW, olga.id)
    card = desk.lookup(MOSCOW, "out")
    assert card.kind is Kind.COLD
    assert [c.outcome for c in card.history] == []


def test_a_chosen_contact_does_count_calls_on_the_number_that_named_nobody(desk: Desk) -> None:
    _, olga = share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    desk.log(MOSCOW, "out", "talked")  # before anyone was chosen
    desk.choose_contact(MOSCOW, olga.id)
    assert kind_of(desk, MOSCOW, "out") is Kind.HOT


@pytest.mark.parametrize("outcome", ["interested", "callback", "deal"])
def test_a_status_for_an_unchosen_shared_number_is_refused(desk: Desk, outcome: str) -> None:
    share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    card = desk.begin_call(MOSCOW, "in")
    before = row_counts()
    with pytest.raises(BadInput, match="Several people share this number"):
        desk.log(MOSCOW, "in", outcome, call_id=card.call_id)
    with pytest.raises(BadInput, match="Several people share this number"):
        desk.log(MOSCOW, "in", outcome)
    assert row_counts() == before
    assert Call.get_by_id(card.call_id).outcome is None
    desk.log(MOSCOW, "in", "talked", call_id=card.call_id)  # no status: fine without a choice


def test_how_they_found_us_on_an_unchosen_shared_number_asks_who_it_is(desk: Desk) -> None:
    share(desk, MOSCOW, "Ivan Petrov", "Olga Sidorova")
    with pytest.raises(BadInput, match="Several people share this number"):
        desk.set_source(MOSCOW, "advertising")
    assert {c.source for c in Contact.select()} == {""}


# --- the end of a call ---------------------------------------------------------------------------


def test_the_end_of_a_call_ignores_old_calls_logged_in_one_step(desk: Desk, clock) -> None:
    desk.log(MOSCOW, "out", "talked", at=clock.now - timedelta(days=8))
    assert desk.end_call(MOSCOW) is None
    assert desk.end_call() is None
    assert Call.get().ended is None


def test_the_end_of_a_call_ignores_a_call_begun_more_than_12_hours_ago(desk: Desk, clock) -> None:
    old = desk.begin_call(MOSCOW, "out")
    clock.advance(hours=13)
    assert desk.end_call(MOSCOW) is None
    assert desk.end_call(call_id=old.call_id) is None
    fresh = desk.begin_call(MOSCOW, "out")
    clock.advance(seconds=30)
    ended = desk.end_call(MOSCOW)
    assert ended is not None and ended.id == fresh.call_id and ended.duration_seconds == 30


# --- a database that refuses to write ------------------------------------------------------------


WRITES: dict[str, Callable[[Desk, int, Logged], object]] = {
    "begin_call": lambda d, call, logged: d.begin_call(OTHER, "in"),
    "end_call": lambda d, call, logged: d.end_call(call_id=call),
    "log": lambda d, call, logged: d.log(OTHER, "out", "deal"),
    "undo": lambda d, call, logged: d.undo(logged),
    "set_source": lambda d, call, logged: d.set_source(OTHER, "advertising"),
    "choose_contact": lambda d, call, logged: d.choose_contact(CHAPTER_CALLER, Contact.get().id),
    "set_note": lambda d, call, logged: d.set_note(call, "a note"),
}


@pytest.mark.sqlite_only  # SQLite's own read-only file and write lock
@pytest.mark.parametrize("method", sorted(WRITES))
def test_a_read_only_database_gives_a_not_saved_message(desk: Desk, method: str) -> None:
    share(desk, CHAPTER_CALLER, "Ivan Petrov", "Olga Sidorova")
    call = desk.begin_call(MOSCOW, "out").call_id
    assert call is not None
    logged = desk.log(MOSCOW, "in", "interested")
    before = row_counts()
    db.execute_sql("PRAGMA query_only = 1")
    try:
        with pytest.raises(BadInput, match=r"^Not saved: ") as error:
            WRITES[method](desk, call, logged)
    finally:
        db.execute_sql("PRAGMA query_only = 0")
    assert str(error.value) == "Not saved: the database is read-only."
    assert row_counts() == before


@pytest.mark.sqlite_only  # SQLite's own read-only file and write lock
def test_a_database_locked_by_another_program_gives_a_not_saved_message(desk: Desk, db_path: Path) -> None:
    before = row_counts()
    other = sqlite3.connect(db_path, timeout=0.05)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        db.execute_sql("PRAGMA busy_timeout = 50")
        with pytest.raises(BadInput) as error:
            desk.log(MOSCOW, "in", "deal", note="big order")
        assert str(error.value) == "Not saved: the database is locked by another program; try again."
        other.rollback()
    finally:
        other.close()
    assert row_counts() == before
    desk.log(MOSCOW, "in", "deal")  # once the lock is gone, the same click works
    assert Call.select().count() == 1


# --- a note typed for a recorded call ----------------------------------------------------------


def test_a_note_can_be_saved_on_a_recorded_call(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "in")
    info = desk.set_note(card.call_id, "  wants a quote  ")
    assert info.note == "wants a quote"
    assert Call.get_by_id(card.call_id).note == "wants a quote"
    assert Call.get_by_id(card.call_id).outcome is None


def test_a_note_for_an_unknown_call_is_refused(desk: Desk) -> None:
    with pytest.raises(BadInput):
        desk.set_note(404, "hello")


# --- numbers spanning several time zones -----------------------------------------------------------

MOBILE = "+7 916 123-45-67"  # a Russian mobile: from Europe/Bucharest (UTC+2) to Asia/Kamchatka (UTC+12)


def test_a_number_in_several_zones_warns_when_either_end_is_outside_calling_hours(desk: Desk, clock) -> None:
    clock.now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 09:00 … 19:00 across the zones
    card = desk.lookup(MOBILE, "out")
    assert card.number.local_time is not None and card.number.local_time_latest is not None
    assert (card.number.local_time.hour, card.number.local_time_latest.hour) == (9, 19)
    assert "outside_hours" not in {w.code for w in card.warnings}

    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 10:00 … 20:00: late in the far east
    [warning] = [w for w in desk.lookup(MOBILE, "out").warnings if w.code == "outside_hours"]
    assert warning.text == "It may be 20:00 there (several time zones): outside calling hours (09:00–20:00)."

    clock.now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 08:00 … 18:00: early in the west
    [warning] = [w for w in desk.lookup(MOBILE, "out").warnings if w.code == "outside_hours"]
    assert "08:00" in warning.text
    assert "outside_hours" not in {w.code for w in desk.lookup(MOBILE, "in").warnings}


def test_the_json_has_the_earliest_and_latest_local_time(desk: Desk) -> None:
    number = desk.lookup(MOBILE, "out").to_json()["number"]
    assert number["local_time"].startswith("2026-11-25T10:00")
    assert number["local_time_latest"].startswith("2026-11-25T20:00")
    exact = desk.lookup(MOSCOW, "out").to_json()["number"]
    assert exact["local_time"] == exact["local_time_latest"]


def test_the_warning_for_a_number_in_one_zone_says_it_is_that_time(desk: Desk, clock) -> None:
    clock.now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    [warning] = [w for w in desk.lookup(MOSCOW, "out").warnings if w.code == "outside_hours"]
    assert warning.text == "It is 23:00 there: outside calling hours (09:00–20:00)."


# --- a promise needs a callback -------------------------------------------------------------------


def test_a_promise_without_the_callback_outcome_is_refused(desk: Desk) -> None:
    with pytest.raises(BadInput, match="promise"):
        desk.log(MOSCOW, "in", "talked", promise="the price list")
    assert Call.select().count() == 0


def test_the_card_history_names_the_person_or_company_newest_first(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    add_contact(desk, MOSCOW, name="", company="ООО Вектор")
    desk.log(MOSCOW, "out", "no_answer", note="first try")
    clock.advance(minutes=5)
    desk.log(MOSCOW, "out", "talked", note="second try")
    history = desk.lookup(MOSCOW, "in").history
    assert [(c.outcome, c.note, c.contact_name, c.number) for c in history] == [
        ("talked", "second try", "ООО Вектор", "+74951234567"),
        ("no_answer", "first try", "ООО Вектор", "+74951234567"),
    ]
    assert history[0].at == clock.now and history[0].kind_auto is Kind.WARM


def test_renaming_the_rep_keeps_their_calls_and_personal_contacts(desk: Desk) -> None:
    add_contact(desk, MOSCOW, familiarity="personal")
    desk.begin_call(MOSCOW, "in")
    assert desk.rename_rep("me", "Мария") == 1
    renamed = Desk(desk.settings.__class__(region="RU", rep="Мария", lang="en"), clock=desk.clock)
    assert len(renamed.unlogged()) == 1
    assert renamed.lookup(MOSCOW, "out").kind is Kind.HOT
