"""Promises kept (issue 6): the callback panel on the card, the next try after no answer, the
promise on the card, the Call button. The desk's clock is the hand-moved ``clock``; no test
sleeps and no dialog opens (``dialogs`` is patched to fail if one is asked for)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime
from PySide6.QtWidgets import QApplication

from companion.desk import Desk
from companion.method import Kind, Outcome
from companion.store.models import Call
from companion.ui import card_view, dialogs
from companion.ui.card_view import CardView
from tests.conftest import Clock

MOSCOW_LANDLINE = "+74993224685"
OTHER = "+7 812 555-12-34"
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a modal dialog was opened")

    for name in ("ask_confirm", "tell", "ask_open_file", "ask_save_file"):
        monkeypatch.setattr(dialogs, name, refuse)
    monkeypatch.setattr(card_view, "KEY_HOLD_SECONDS", 0.0)


@pytest.fixture
def view(qtbot, desk: Desk) -> CardView:  # type: ignore[no-untyped-def]
    widget = CardView(desk)
    qtbot.addWidget(widget)
    widget.resize(340, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def moscow(*args: int) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)


def log_call_back(qtbot, view: CardView, number: str = MOSCOW_LANDLINE, direction: str = "in") -> int:  # type: ignore[no-untyped-def]
    view.show_event(number, direction)
    qtbot.keyClick(view, str(Outcome.CALLBACK.key))
    callback_id = view.callback_panel.callback_id
    assert callback_id is not None
    return callback_id


def test_logging_call_back_opens_no_dialog_and_shows_three_quick_times(
    qtbot, view: CardView, desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    assert not view.callback_panel.isVisible()
    callback_id = log_call_back(qtbot, view)
    panel = view.callback_panel
    assert panel.isVisible() and not panel.lead_label.isVisible()
    assert [b.text() for b in panel.choice_buttons] == ["In 10 minutes", "In an hour", "Tomorrow morning"]
    assert all(b.isVisible() for b in panel.choice_buttons) and panel.pick_button.isVisible()
    # scheduled with the default delay: 11:00 in Moscow, due 12:00 (the rep's clock here is UTC)
    (item,) = desk.callbacks()
    assert item.id == callback_id and item.due == moscow(2026, 11, 25, 12, 0)
    due = panel.due_label.text()
    assert due.startswith("Call back Wed 25.11 ") and due.endswith("(12:00 their time)")
    assert not panel.shift_label.isVisible()


def test_a_quick_time_reschedules_in_one_click(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    callback_id = log_call_back(qtbot, view)
    tomorrow = next(c for c in desk.callback_choices(callback_id) if c.key == "tomorrow")
    assert tomorrow.due == moscow(2026, 11, 26, 9, 0)
    qtbot.mouseClick(view.callback_panel.choice_buttons[2], Qt.MouseButton.LeftButton)
    assert desk.callbacks()[0].due == tomorrow.due
    assert view.callback_panel.due_label.text().endswith("(09:00 their time)")
    assert "Thu 26.11" in view.callback_panel.due_label.text()
    # the card's own line about the callback says the new time as well
    assert "26.11" in view.context.text()


def test_in_the_evening_the_quick_time_moves_out_of_their_night_and_says_so(
    qtbot,
    view: CardView,
    desk: Desk,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.now = moscow(2026, 11, 25, 19, 55).astimezone(UTC)
    log_call_back(qtbot, view)
    panel = view.callback_panel
    # the default hour would be 20:55 there: already moved, and said so
    assert panel.shift_label.isVisible() and "20:55" in panel.shift_label.text()
    in_ten = panel.choice_buttons[0]
    assert "→" in in_ten.text()  # the button says where "in 10 minutes" really lands
    qtbot.mouseClick(in_ten, Qt.MouseButton.LeftButton)
    assert desk.callbacks()[0].due == moscow(2026, 11, 26, 9, 0)
    assert panel.shift_label.text() == (
        "“In 10 minutes” would be in their night: moved to 26.11 09:00 their time."
    )


def test_in_the_day_nothing_says_it_was_moved(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    qtbot.mouseClick(view.callback_panel.choice_buttons[0], Qt.MouseButton.LeftButton)
    assert not view.callback_panel.shift_label.isVisible()
    assert all("→" not in b.text() for b in view.callback_panel.choice_buttons)


def _set_picker(view: CardView, moment: datetime) -> None:
    mine = moment.astimezone()  # the field is in the rep's own time
    value = QDateTime(QDate(mine.year, mine.month, mine.day), QTime(mine.hour, mine.minute))
    view.callback_panel.pick_edit.setDateTime(value)


def test_pick_a_time_opens_a_field_in_place_not_a_dialog(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    panel = view.callback_panel
    assert not panel.pick_row.isVisible()
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    assert panel.pick_row.isVisible() and QApplication.activeModalWidget() is None
    assert panel.pick_edit.hasFocus()
    _set_picker(view, moscow(2026, 11, 27, 15, 30))
    assert "15:30 their time" in panel.pick_hint.text()
    qtbot.mouseClick(panel.pick_ok, Qt.MouseButton.LeftButton)
    assert desk.callbacks()[0].due == moscow(2026, 11, 27, 15, 30)
    assert not panel.pick_row.isVisible()
    assert "(15:30 their time)" in panel.due_label.text()


def test_pick_a_time_takes_enter_and_escape(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    panel = view.callback_panel
    before = desk.callbacks()[0].due
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    _set_picker(view, moscow(2026, 11, 28, 10, 0))
    qtbot.keyClick(panel.pick_edit, Qt.Key.Key_Escape)
    assert not panel.pick_row.isVisible() and desk.callbacks()[0].due == before
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    _set_picker(view, moscow(2026, 11, 28, 10, 0))
    qtbot.keyClick(panel.pick_edit, Qt.Key.Key_Return)
    assert desk.callbacks()[0].due == moscow(2026, 11, 28, 10, 0)
    assert [c.outcome for c in Call.select()] == ["callback"]  # Enter logged nothing


def test_a_time_in_the_past_is_refused_on_the_card(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    panel = view.callback_panel
    before = desk.callbacks()[0].due
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    _set_picker(view, moscow(2026, 11, 24, 10, 0))
    qtbot.mouseClick(panel.pick_ok, Qt.MouseButton.LeftButton)
    assert view.error.isVisible() and "That time has passed" in view.error.text()
    assert panel.pick_row.isVisible() and desk.callbacks()[0].due == before
    qtbot.mouseClick(panel.choice_buttons[1], Qt.MouseButton.LeftButton)
    assert not view.error.isVisible()


def test_the_promise_is_saved_on_enter(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    promise = view.callback_panel.promise
    assert promise.placeholderText() == "send the price list, call about delivery"
    promise.setFocus()
    qtbot.keyClicks(promise, "send the price list")
    qtbot.keyClick(promise, Qt.Key.Key_Return)
    assert desk.callbacks()[0].promise == "send the price list"
    assert view.hasFocus()  # Enter hands the keyboard back to the card: 1–7 log again
    assert view.callback_panel.saved_label.isVisible()


def test_the_promise_is_saved_on_leaving_the_field(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    promise = view.callback_panel.promise
    promise.setFocus()
    qtbot.waitUntil(promise.hasFocus)
    qtbot.keyClicks(promise, "call about delivery")
    assert desk.callbacks()[0].promise == ""  # not on every key
    view.note.setFocus()
    qtbot.waitUntil(lambda: not promise.hasFocus())
    assert desk.callbacks()[0].promise == "call about delivery"


def test_a_promise_being_typed_survives_the_next_call(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    callback_id = log_call_back(qtbot, view)
    promise = view.callback_panel.promise
    promise.setFocus()
    qtbot.keyClicks(promise, "the contract by Friday")
    view.show_event(OTHER, "in")  # the phone rings before Enter
    assert desk.callback(callback_id).promise == "the contract by Friday"
    assert not view.callback_panel.isVisible() and view.callback_panel.callback_id is None
    assert view.card is not None and view.card.number.e164 == "+78125551234"


def test_number_keys_do_not_log_while_typing_the_promise(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    promise = view.callback_panel.promise
    promise.setFocus()
    qtbot.keyClicks(promise, "call 2 times, 4 pages")
    assert promise.text() == "call 2 times, 4 pages"
    assert [c.outcome for c in Call.select()] == ["callback"]
    qtbot.keyClick(promise, Qt.Key.Key_Return)
    qtbot.keyClick(view, "4")  # back on the card, a digit corrects the outcome again
    assert [c.outcome for c in Call.select()] == ["talked"]
    assert desk.callbacks() == [] and not view.callback_panel.isVisible()


def test_tab_from_the_card_goes_to_the_quick_times(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.callback_panel.choice_buttons[0]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.callback_panel.pick_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the closed picker is skipped
    assert QApplication.focusWidget() is view.callback_panel.promise


def test_asking_again_for_a_callback_keeps_the_promise(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    view.callback_panel.promise.setText("the price list")  # typed, not yet saved
    qtbot.mouseClick(view.outcome_buttons[Outcome.CALLBACK], Qt.MouseButton.LeftButton)  # corrected
    (item,) = desk.callbacks()
    assert item.promise == "the price list" and item.id == view.callback_panel.callback_id


def test_undo_takes_the_callback_and_the_panel_away(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    log_call_back(qtbot, view)
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert desk.callbacks() == [] and not view.callback_panel.isVisible()
    assert not view.error.isVisible()


def test_the_outgoing_card_shows_the_promise_and_no_answer_offers_the_next_try(
    qtbot,
    view: CardView,
    desk: Desk,  # type: ignore[no-untyped-def]
) -> None:
    asked = desk.log(MOSCOW_LANDLINE, "in", "callback", promise="the contract").callback
    assert asked is not None
    card = view.show_event("8 (499) 322-46-85", "out")
    assert card is not None and card.kind is Kind.CALLBACK
    assert view.promised.isVisible() and "the contract" in view.promised.text()
    assert not view.callback_panel.isVisible()
    qtbot.keyClick(view, str(Outcome.NO_ANSWER.key))
    panel = view.callback_panel
    assert panel.isVisible() and panel.lead_label.isVisible()
    assert panel.lead_label.text() == "No answer. Next try:"
    assert panel.callback_id == asked.id and panel.promise.text() == "the contract"
    assert not view.promised.isVisible()  # shown once, in the panel's own field
    in_an_hour = next(c for c in desk.callback_choices(asked.id) if c.key == "1h")
    qtbot.mouseClick(panel.choice_buttons[1], Qt.MouseButton.LeftButton)
    (item,) = desk.callbacks()
    assert item.id == asked.id and item.due == in_an_hour.due
    assert panel.due_label.text().startswith("Call back ")


def test_wrong_number_or_a_first_call_offers_no_next_try(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    view.show_event(MOSCOW_LANDLINE, "out")
    qtbot.keyClick(view, str(Outcome.NO_ANSWER.key))  # nobody is waiting for a callback
    assert not view.callback_panel.isVisible()
    desk.log(MOSCOW_LANDLINE, "in", "callback")
    view.show_event(MOSCOW_LANDLINE, "out")
    qtbot.keyClick(view, str(Outcome.WRONG_NUMBER.key))
    assert not view.callback_panel.isVisible()


def test_the_call_button_asks_for_a_call_to_the_e164_number(qtbot, view: CardView) -> None:  # type: ignore[no-untyped-def]
    view.show_number("8 (499) 322-46-85", "out")
    assert view.call_button.isVisible()
    with qtbot.waitSignal(view.callRequested, timeout=1000) as signal:
        qtbot.mouseClick(view.call_button, Qt.MouseButton.LeftButton)
    assert signal.args == [MOSCOW_LANDLINE]
    assert Call.select().count() == 0  # the window starts the call; the card records nothing


def test_there_is_no_call_button_for_a_number_that_cannot_be_dialled(view: CardView) -> None:
    view.show_number("anonymous", "in")
    assert view.card is not None and not view.call_button.isVisible()


def test_calling_someone_who_asked_not_to_be_called_asks_first(
    qtbot,
    view: CardView,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from companion.importers import ImportReport, Row
    from companion.importers.apply import apply_rows

    apply_rows(desk, [Row(line=1, name="Олег", phones=[MOSCOW_LANDLINE])], ImportReport(), familiarity="none")
    from companion.store.models import Contact

    Contact.update(do_not_call=True).execute()
    asked: list[str] = []

    def no(_parent: object, _title: str, text: str, _action: str) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(dialogs, "ask_confirm", no)
    view.show_number(MOSCOW_LANDLINE, "out")
    with qtbot.assertNotEmitted(view.callRequested):
        qtbot.mouseClick(view.call_button, Qt.MouseButton.LeftButton)
    assert asked and "Олег" in asked[0]


def test_the_panel_fits_a_320_pixel_window_with_the_picker_open(qtbot, view: CardView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from companion.importers import ImportReport, Row
    from companion.importers.apply import apply_rows

    name = "Константин Вячеславович Преображенский-Рождественский"
    apply_rows(desk, [Row(line=1, name=name, phones=[MOSCOW_LANDLINE])], ImportReport(), familiarity="none")
    view.resize(320, 720)
    log_call_back(qtbot, view)
    view.callback_panel.promise.setText("отправить прайс-лист и уточнить сроки доставки по Новосибирску")
    qtbot.mouseClick(view.callback_panel.pick_button, Qt.MouseButton.LeftButton)
    body, scroll = view.scroll.widget(), view.scroll
    # nothing makes the card wider than the window beside a vertical scrollbar (its right
    # edge would be cut off: the card has no horizontal scrollbar)
    room = scroll.width() - scroll.verticalScrollBar().sizeHint().width()
    assert body.minimumSizeHint().width() <= room
    qtbot.waitUntil(lambda: panel_widgets_are_inside(view))


def panel_widgets_are_inside(view: CardView) -> bool:
    """Every widget of the panel lies within the width of the card's visible area."""
    panel, viewport = view.callback_panel, view.scroll.viewport()
    widgets = (*panel.choice_buttons, panel.pick_button, panel.pick_edit, panel.pick_ok, panel.pick_cancel)
    widgets += (panel.promise, panel.due_label, panel.pick_hint)
    for widget in widgets:
        left = widget.mapTo(viewport, QPoint(0, 0)).x()
        if left < 0 or left + widget.width() > viewport.width():
            return False
    return True


def test_in_the_window_digits_typed_in_the_promise_stay_in_the_promise(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    card = window.card
    card.show_event(MOSCOW_LANDLINE, "in")
    qtbot.keyClick(window, str(Outcome.CALLBACK.key))  # the window passes 1–7 to the card
    assert [c.outcome for c in Call.select()] == ["callback"]
    promise = card.callback_panel.promise
    promise.setFocus()
    qtbot.keyClicks(promise, "1 2 3")
    assert promise.text() == "1 2 3" and [c.outcome for c in Call.select()] == ["callback"]
