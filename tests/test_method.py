"""The method of the chapter "Виды звонков" as pure rules (DESIGN.md §1).

Every line of the classification contract is pinned here, one test per line, then the whole
table is checked over all 32 combinations of facts against a second, independent statement.
"""

from __future__ import annotations

from itertools import product

import pytest

from companion.method import (
    INCOMING_KINDS,
    KIND_TITLES,
    OUTCOME_NAMES,
    OUTGOING_KINDS,
    REMINDERS,
    STATUS_NAMES,
    TEMPERATURE_NAMES,
    Direction,
    Facts,
    Kind,
    Outcome,
    Status,
    Temperature,
    classify,
    kinds_for,
    raised_status,
    temperature,
    temperature_of,
)

IN, OUT = Direction.IN, Direction.OUT
FACT_NAMES = ("client", "personal", "company", "referral", "callback_pending")
ALL_FACTS = [
    Facts(**dict(zip(FACT_NAMES, values, strict=True))) for values in product((False, True), repeat=5)
]


# --- incoming: repeat if client → returning if company → referral if referral → first_time ---


def test_incoming_from_our_client_is_repeat() -> None:
    assert classify(IN, Facts(client=True)) is Kind.REPEAT


def test_incoming_from_someone_who_dealt_with_the_company_is_returning() -> None:
    assert classify(IN, Facts(company=True)) is Kind.RETURNING


def test_incoming_from_someone_recommended_to_us_is_referral() -> None:
    assert classify(IN, Facts(referral=True)) is Kind.REFERRAL


def test_incoming_from_someone_without_any_contact_is_first_time() -> None:
    assert classify(IN, Facts()) is Kind.FIRST_TIME


def test_incoming_from_a_client_who_was_also_recommended_is_repeat() -> None:
    assert classify(IN, Facts(client=True, referral=True)) is Kind.REPEAT


def test_incoming_from_a_client_known_to_the_company_is_repeat_not_returning() -> None:
    assert classify(IN, Facts(client=True, company=True)) is Kind.REPEAT


def test_incoming_from_a_recommended_person_the_company_spoke_to_is_returning() -> None:
    assert classify(IN, Facts(company=True, referral=True)) is Kind.RETURNING


def test_incoming_ignores_personal_contact_and_open_callbacks() -> None:
    assert classify(IN, Facts(personal=True)) is Kind.FIRST_TIME
    assert classify(IN, Facts(callback_pending=True)) is Kind.FIRST_TIME


# --- outgoing: callback if pending → hot if personal → warm if company or referral → cold ---


def test_outgoing_with_an_open_callback_is_callback() -> None:
    assert classify(OUT, Facts(callback_pending=True)) is Kind.CALLBACK


def test_outgoing_to_someone_the_rep_knows_personally_is_hot() -> None:
    assert classify(OUT, Facts(personal=True)) is Kind.HOT


def test_outgoing_to_someone_who_dealt_with_the_company_is_warm() -> None:
    assert classify(OUT, Facts(company=True)) is Kind.WARM


def test_outgoing_to_someone_recommended_to_us_is_warm() -> None:
    assert classify(OUT, Facts(referral=True)) is Kind.WARM


def test_outgoing_to_someone_who_does_not_know_us_is_cold() -> None:
    assert classify(OUT, Facts()) is Kind.COLD


def test_outgoing_callback_to_a_personal_contact_is_still_callback() -> None:
    assert classify(OUT, Facts(callback_pending=True, personal=True)) is Kind.CALLBACK


def test_outgoing_to_a_personal_contact_who_also_knows_the_company_is_hot() -> None:
    assert classify(OUT, Facts(personal=True, company=True, referral=True, client=True)) is Kind.HOT


def test_outgoing_to_a_client_of_the_company_not_known_personally_is_warm() -> None:
    assert classify(OUT, Facts(client=True, company=True)) is Kind.WARM


# --- temperature: hot if personal → warm if company or referral → cold ---------------------


def test_temperature_with_personal_contact_is_hot() -> None:
    assert temperature(Facts(personal=True)) is Temperature.HOT


def test_temperature_with_company_contact_is_warm() -> None:
    assert temperature(Facts(company=True)) is Temperature.WARM


def test_temperature_with_a_referral_is_warm() -> None:
    assert temperature(Facts(referral=True)) is Temperature.WARM


def test_temperature_without_contact_is_cold() -> None:
    assert temperature(Facts()) is Temperature.COLD


def test_temperature_prefers_personal_over_company_and_referral() -> None:
    assert temperature(Facts(personal=True, company=True, referral=True)) is Temperature.HOT


def test_an_open_callback_does_not_warm_a_stranger() -> None:
    assert temperature(Facts(callback_pending=True)) is Temperature.COLD


# --- the whole table, restated independently -------------------------------------------

# (direction, the facts that must all hold, kind): the first matching row wins.
TABLE: list[tuple[Direction, tuple[str, ...], Kind]] = [
    (IN, ("client",), Kind.REPEAT),
    (IN, ("company",), Kind.RETURNING),
    (IN, ("referral",), Kind.REFERRAL),
    (IN, (), Kind.FIRST_TIME),
    (OUT, ("callback_pending",), Kind.CALLBACK),
    (OUT, ("personal",), Kind.HOT),
    (OUT, ("company",), Kind.WARM),
    (OUT, ("referral",), Kind.WARM),
    (OUT, (), Kind.COLD),
]
TEMPERATURE_TABLE: list[tuple[tuple[str, ...], Temperature]] = [
    (("personal",), Temperature.HOT),
    (("company",), Temperature.WARM),
    (("referral",), Temperature.WARM),
    ((), Temperature.COLD),
]


def _expected_kind(direction: Direction, facts: Facts) -> Kind:
    return next(k for d, need, k in TABLE if d is direction and all(getattr(facts, n) for n in need))


def _expected_temperature(facts: Facts) -> Temperature:
    return next(t for need, t in TEMPERATURE_TABLE if all(getattr(facts, n) for n in need))


@pytest.mark.parametrize("direction", [IN, OUT])
@pytest.mark.parametrize(
    "facts", ALL_FACTS, ids=lambda f: "+".join(n for n in FACT_NAMES if getattr(f, n)) or "none"
)
def test_classify_follows_the_table_for_every_combination_of_facts(
    direction: Direction, facts: Facts
) -> None:
    kind = classify(direction, facts)
    assert kind is _expected_kind(direction, facts)
    assert kind.direction is direction
    assert kind in kinds_for(direction)


@pytest.mark.parametrize("facts", ALL_FACTS)
def test_temperature_follows_the_table_for_every_combination_of_facts(facts: Facts) -> None:
    assert temperature(facts) is _expected_temperature(facts)


def test_all_32_combinations_are_checked() -> None:
    assert len(set(ALL_FACTS)) == 32


def test_kinds_are_split_by_direction() -> None:
    assert set(INCOMING_KINDS) == {Kind.FIRST_TIME, Kind.RETURNING, Kind.REFERRAL, Kind.REPEAT}
    assert set(OUTGOING_KINDS) == {Kind.CALLBACK, Kind.HOT, Kind.WARM, Kind.COLD}
    assert set(INCOMING_KINDS) | set(OUTGOING_KINDS) == set(Kind)
    assert kinds_for(IN) == INCOMING_KINDS
    assert kinds_for(OUT) == OUTGOING_KINDS
    assert all(k.direction is IN for k in INCOMING_KINDS)
    assert all(k.direction is OUT for k in OUTGOING_KINDS)


# --- a rep's override can only add contact ----------------------------------------------


def test_overriding_a_first_time_caller_as_referral_makes_the_card_warm() -> None:
    assert temperature_of(Kind.REFERRAL, Facts()) is Temperature.WARM


def test_overriding_a_cold_call_as_hot_makes_the_card_hot() -> None:
    assert temperature_of(Kind.HOT, Facts()) is Temperature.HOT


@pytest.mark.parametrize("kind", list(Kind))
def test_an_override_never_cools_a_personal_contact(kind: Kind) -> None:
    assert temperature_of(kind, Facts(personal=True)) is Temperature.HOT


@pytest.mark.parametrize("kind", [Kind.FIRST_TIME, Kind.COLD, Kind.CALLBACK])
def test_an_override_that_claims_no_contact_keeps_the_facts_temperature(kind: Kind) -> None:
    assert temperature_of(kind, Facts(company=True)) is Temperature.WARM
    assert temperature_of(kind, Facts()) is Temperature.COLD


# --- outcomes and statuses -------------------------------------------------------------


def test_connected_outcomes_are_the_ones_where_someone_was_reached() -> None:
    connected = {o for o in Outcome if o.connected}
    assert connected == {
        Outcome.TALKED,
        Outcome.INTERESTED,
        Outcome.CALLBACK,
        Outcome.DEAL,
        Outcome.NOT_INTERESTED,
    }
    assert {o for o in Outcome if not o.connected} == {Outcome.NO_ANSWER, Outcome.WRONG_NUMBER}


def test_outcome_keys_are_1_to_7_in_the_order_of_the_design() -> None:
    assert {o.key: o.value for o in Outcome} == {
        1: "no_answer",
        2: "wrong_number",
        3: "not_interested",
        4: "talked",
        5: "interested",
        6: "callback",
        7: "deal",
    }


def test_statuses_rise_person_prospect_client() -> None:
    assert Status.PERSON.rank < Status.PROSPECT.rank < Status.CLIENT.rank


def test_interest_and_a_callback_make_a_prospect_and_a_deal_makes_a_client() -> None:
    assert raised_status(Status.PERSON, Outcome.INTERESTED) is Status.PROSPECT
    assert raised_status(Status.PERSON, Outcome.CALLBACK) is Status.PROSPECT
    assert raised_status(Status.PERSON, Outcome.DEAL) is Status.CLIENT
    assert raised_status(Status.PROSPECT, Outcome.DEAL) is Status.CLIENT


@pytest.mark.parametrize(
    "outcome", [Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.NOT_INTERESTED, Outcome.TALKED]
)
def test_outcomes_that_prove_nothing_leave_the_status_alone(outcome: Outcome) -> None:
    assert outcome.status is None
    for status in Status:
        assert raised_status(status, outcome) is status


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("outcome", list(Outcome))
def test_status_never_moves_down(current: Status, outcome: Outcome) -> None:
    after = raised_status(current, outcome)
    proved = outcome.status.rank if outcome.status else -1
    assert after.rank == max(current.rank, proved)


def test_a_client_who_is_later_only_interested_stays_a_client() -> None:
    assert raised_status(Status.CLIENT, Outcome.INTERESTED) is Status.CLIENT
    assert raised_status(Status.CLIENT, Outcome.CALLBACK) is Status.CLIENT


# --- words -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_title_and_a_one_line_reminder(kind: Kind) -> None:
    assert KIND_TITLES[kind].strip()
    assert REMINDERS[kind].strip()
    assert "\n" not in REMINDERS[kind]


def test_reminders_differ_from_kind_to_kind() -> None:
    assert len(set(REMINDERS.values())) == len(Kind)
    assert len(set(KIND_TITLES.values())) == len(Kind)


def test_every_outcome_status_and_temperature_has_a_name() -> None:
    assert set(OUTCOME_NAMES) == set(Outcome)
    assert set(STATUS_NAMES) == set(Status)
    assert set(TEMPERATURE_NAMES) == set(Temperature)


@pytest.mark.parametrize(
    ("text", "direction"),
    [("in", IN), ("incoming", IN), (" IN ", IN), ("out", OUT), ("Outgoing", OUT), ("outbound", OUT)],
)
def test_direction_reads_the_words_people_use(text: str, direction: Direction) -> None:
    assert Direction.parse(text) is direction


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError):
        Direction.parse("sideways")
