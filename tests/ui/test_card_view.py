"""The call card: every kind, one-click and keyboard logging, undo, overrides, shared numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from companion.desk import Desk
from companion.i18n import translate
from companion.importers import ImportReport, Row
from companion.importers.apply import apply_rows
from companion.method import KIND_TITLES, Kind, Outcome
from companion.store.models import Call, Contact
from companion.ui.card_view import CardView
from companion.ui.trace import Tracer

MOSCOW = "+7 495 123-45-67"


def add(desk: Desk, name: str, phone: str, **fields: str) -> None:
    apply_rows(desk, [Row(line=1, name=name, phones=[phone], **fields)], ImportReport(), familiarity="none")


@pytest.fixture
def view(qtbot, desk: Desk) -> CardView:  # type: ignore[no-untyped-def]
    widget = CardView(desk)
    qtbot.addWidget(widget)
    widget.resize(340, 760)
    widget.show()
    return widget


def strip_title(view: CardView) -> str:
    return view.strip.title.text()


@pytest.mark.parametrize(
    ("setup", "direction", "kind"),
    [
        ({}, "in", Kind.FIRST_TIME),
        ({"familiarity": "company"}, "in", Kind.RETURNING),
        ({"referred_by": "Ivan"}, "in", Kind.REFERRAL),
        ({"status": "client", "familiarity": "company"}, "in", Kind.REPEAT),
        ({"familiarity": "personal"}, "out", Kind.HOT),
        ({"familiarity": "company"}, "out", Kind.WARM),
        ({}, "out", Kind.COLD),
    ],
)
def test_the_card_names_each_kind_on_the_strip(view: CardView, desk: Desk, setup, direction, kind) -> None:  # type: ignore[no-untyped-def]
    add(desk, "Ирина Соколова", MOSCOW, **setup)
    card = view.show_number(MOSCOW, direction)
    assert card is not None and card.kind is kind
    assert strip_title(view) == translate("method", KIND_TITLES[kind])
    assert "Ирина Соколова" in view.person.text()


def test_a_callback_outcome_makes_the_next_outgoing_card_callback_expected(
    view: CardView, desk: Desk
) -> None:
    add(desk, "Евгений", "+7 499 322-46-85")
    desk.log("+74993224685", "in", "callback", promise="the price list")
    view.show_number("8 (499) 322-46-85", "out")
    assert strip_title(view) == translate("method", KIND_TITLES[Kind.CALLBACK])
    assert "the price list" in view.context.text()


def test_clicking_an_outcome_logs_it_before_returning(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW, "out")
    qtbot.mouseClick(view.outcome_buttons[Outcome.TALKED], Qt.MouseButton.LeftButton)
    calls = list(Call.select())
    assert [(c.outcome, c.direction) for c in calls] == [("talked", "out")]
    # the card now shows the next call: we talked, so the person knows us personally
    assert strip_title(view) == translate("method", KIND_TITLES[Kind.HOT])


@pytest.mark.parametrize("outcome", list(Outcome))
def test_keys_1_to_7_log_the_matching_outcome(qtbot, view: CardView, outcome: Outcome) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW, "out")
    qtbot.keyClick(view, str(outcome.key))
    assert [c.outcome for c in Call.select()] == [outcome.value]


def test_a_call_event_puts_focus_on_the_card_not_the_search_box(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.search.setFocus()
    view.show_event(MOSCOW, "in")
    qtbot.waitUntil(lambda: view.hasFocus() or not view.search.hasFocus())
    assert not view.search.hasFocus()


def test_digits_typed_in_the_note_do_not_log(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW, "out")
    qtbot.keyClicks(view.note, "call at 5")
    assert Call.get().outcome is None
    assert view.note.text() == "call at 5"


def test_the_note_is_stored_with_the_outcome(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW, "out")
    view.note.setText("wants a quote")
    qtbot.mouseClick(view.outcome_buttons[Outcome.INTERESTED], Qt.MouseButton.LeftButton)
    assert Call.get().note == "wants a quote"


def test_the_event_record_is_filled_in_not_duplicated(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    card = view.show_event(MOSCOW, "in")
    assert card is not None and Call.select().count() == 1
    qtbot.keyClick(view, "4")
    assert Call.select().count() == 1
    assert Call.get().id == card.call_id and Call.get().outcome == "talked"


def test_undo_takes_back_the_outcome_and_the_status(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    add(desk, "Ирина", MOSCOW)
    view.show_event(MOSCOW, "out")
    qtbot.keyClick(view, "7")
    assert Contact.get().status == "client"
    assert view.undo_bar.isVisible() and "Deal" in view.undo_label.text()
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert Contact.get().status == "person"
    assert Call.get().outcome is None  # the call itself stays, waiting in the to-log list
    assert not view.undo_bar.isVisible()


def test_undo_of_a_looked_up_call_removes_the_call(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_number(MOSCOW, "out")
    qtbot.keyClick(view, "1")
    assert Call.select().count() == 1
    view.undo()
    assert Call.select().count() == 0


def test_overriding_the_kind_is_stored_with_the_call(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW, "in")
    qtbot.mouseClick(view.override_buttons[Kind.REFERRAL], Qt.MouseButton.LeftButton)
    assert strip_title(view) == translate("method", KIND_TITLES[Kind.REFERRAL])
    qtbot.keyClick(view, "4")
    assert Call.get().outcome is None  # a referral needs the referrer's name first
    view.override_referrer.setText("Ivan Petrov")
    qtbot.mouseClick(view.outcome_buttons[Outcome.TALKED], Qt.MouseButton.LeftButton)
    call = Call.get()
    assert (call.kind, call.kind_auto, call.outcome) == ("referral", "first_time", "talked")
    assert Contact.get().referred_by == "Ivan Petrov"


def test_how_did_they_find_us_recommendation_makes_a_referral(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_event("+44 20 7946 0958", "in")
    assert view.source_box.isVisible()
    recommendation = view.source_buttons.items[1]
    qtbot.mouseClick(recommendation, Qt.MouseButton.LeftButton)
    view.referrer.setText("Olga")
    qtbot.keyClick(view.referrer, Qt.Key.Key_Return)
    assert strip_title(view) == translate("method", KIND_TITLES[Kind.REFERRAL])
    contact = Contact.get()
    assert (contact.source, contact.referred_by) == ("recommendation", "Olga")


def test_a_shared_number_asks_once_and_remembers(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    rows = [Row(line=2, name="Reception", phones=["+7 495 700-00-00"])]
    rows.append(Row(line=3, name="Ivan Director", phones=["+7 495 700-00-00"]))
    apply_rows(desk, rows, ImportReport(), familiarity="none")  # one file: two colleagues
    view.show_number("+7 495 700-00-00", "in")
    assert view.chooser.isVisible() and len(view.chooser_buttons.items) == 2
    ivan = next(b for b in view.chooser_buttons.items if "Ivan" in b.text())
    qtbot.mouseClick(ivan, Qt.MouseButton.LeftButton)
    assert "Ivan Director" in view.person.text()
    view.show_number("+7 495 700-00-00", "in")
    assert view.chooser.isHidden()
    assert "Ivan Director" in view.person.text()


@pytest.mark.parametrize("text", ["hello", "anonymous", "+7 999", "!!!", "８ ４９９ ３２２ ４６ ８５"])
def test_the_search_box_takes_odd_input_without_failing(qtbot, view: CardView, text: str) -> None:  # type: ignore[no-untyped-def]
    view.search.setText(text)  # as pasted
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.card is not None and view.strip.isVisible()
    assert Call.select().count() == 0  # looking up writes nothing


def test_an_absurdly_long_search_shows_a_message_not_a_card(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.search.setText("9" * 400)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.error.isVisible() and "not a phone number" in view.error.text()


def test_typing_a_number_shows_its_card_after_a_pause(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(view.search, "84951234567")
    qtbot.waitUntil(lambda: view.card is not None, timeout=2000)
    assert view.card is not None and view.card.number.e164 == "+74951234567"


def test_the_window_traces_card_painted(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trace = tmp_path / "trace.jsonl"
    widget = CardView(desk, tracer=Tracer(trace))
    qtbot.addWidget(widget)
    widget.show()
    widget.show_event(MOSCOW, "in")
    qtbot.waitUntil(lambda: trace.exists() and "card_painted" in trace.read_text())
    line = json.loads(trace.read_text().splitlines()[-1])
    assert line["event"] == "card_painted" and line["e164"] == "+74951234567"
    assert isinstance(line["monotonic_ns"], int)


def test_a_second_call_says_where_the_unlogged_first_one_went(view: CardView, desk: Desk) -> None:
    add(desk, "Ирина Соколова", MOSCOW)
    view.show_event(MOSCOW, "in")
    view.show_event("+7 812 555-12-34", "in")  # call waiting
    assert view.notice.isVisible() and "Ирина Соколова" in view.notice.text()
    view.log_outcome(Outcome.TALKED)
    assert not view.notice.isVisible()


def test_a_second_digit_corrects_the_outcome_instead_of_adding_a_call(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    add_desk = view.desk
    add(add_desk, "Ирина", MOSCOW)
    view.show_event(MOSCOW, "in")
    qtbot.keyClick(view, "4")
    qtbot.keyClick(view, "7")
    assert [(c.outcome, c.kind) for c in Call.select()] == [("deal", "first_time")]
    assert Contact.get().status == "client"
    qtbot.keyClick(view, "4")  # corrected back: the deal was a mistake
    assert [c.outcome for c in Call.select()] == ["talked"]
    assert Contact.get().status == "person"


def test_a_correction_on_a_looked_up_card_keeps_one_call(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_number(MOSCOW, "out")
    qtbot.keyClick(view, "1")
    qtbot.keyClick(view, "4")
    assert [c.outcome for c in Call.select()] == ["talked"]


def test_a_call_event_stops_a_pending_search_and_hides_the_old_undo(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_number("+7 812 555-12-34", "out")
    qtbot.keyClick(view, "4")
    assert view.undo_bar.isVisible()
    qtbot.keyClicks(view.search, "8343")  # the rep was typing when the phone rang
    card = view.show_event(MOSCOW, "in")
    assert not view.search_timer.isActive() and not view.undo_bar.isVisible()
    qtbot.keyClick(view, "5")
    assert view.card is not None and card is not None
    assert Call.get_by_id(card.call_id).outcome == "interested"
