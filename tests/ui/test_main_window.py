"""The whole window: title, call events, to-log count, always-on-top, tray close, labels;
callbacks falling due (notified once, a gentle raise) and click-to-call from every list."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from companion.desk import Desk
from companion.integrations import dial
from companion.ipc import Event
from companion.method import Direction, Kind, Outcome
from companion.store.models import Call, Contact
from companion.ui.main_window import MainWindow
from tests.conftest import Clock


def test_the_window_is_called_call_companion(window: MainWindow) -> None:
    assert window.windowTitle() == "Call Companion"


def test_a_call_event_shows_the_card_and_counts_it_to_log(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.history)
    window.incoming_event("+7 495 123-45-67", "in")
    assert window.tabs.currentWidget() is window.card
    assert window.card.card is not None and window.card.card.call_id is not None
    assert window.tolog.count() == 1
    assert "1" in window.tabs.tabToolTip(window.tabs.indexOf(window.tolog))


def test_the_window_stays_on_top_during_a_call_only(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert not window.on_top()
    window.incoming_event("+7 495 123-45-67", "in")
    assert window.on_top()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    qtbot.keyClick(window.card, "4")
    assert not window.on_top()
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint


def test_the_pin_keeps_it_on_top_and_is_saved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.pin.click()
    assert window.on_top()
    assert window.saved[-1].pinned is True  # type: ignore[attr-defined]


def test_closing_hides_to_the_tray_and_remembers_the_geometry(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.can_hide_to_tray = True
    window.close()
    assert not window.isVisible()
    assert window.state.value("window/geometry") is not None


def test_an_unknown_number_is_saved_as_a_contact_in_one_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.incoming_event('"Ivan" <sip:+74993224685@pbx>', "in")
    card = window.card
    assert card.save_toggle.isVisible()
    qtbot.mouseClick(card.save_toggle, Qt.MouseButton.LeftButton)
    assert card.save_name.text() == "Ivan"  # prefilled from the caller ID
    card.save_company.setText("Вектор")
    qtbot.keyClick(card.save_name, Qt.Key.Key_Return)
    contact = Contact.get()
    assert (contact.name, contact.company) == ("Ivan", "Вектор")
    assert "Ivan" in card.person.text()


def test_alt_digits_switch_views(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.contacts


def test_the_window_traces_ready_once(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trace = tmp_path / "trace.jsonl"
    qtbot.waitUntil(lambda: trace.exists() and "ready" in trace.read_text())
    window.repaint()  # a second paint, synchronously
    events = [json.loads(line)["event"] for line in trace.read_text().splitlines()]
    assert events.count("ready") == 1


def unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QPlainTextEdit):
            continue
        if widget.objectName().startswith("qt_") or isinstance(widget.parent(), QComboBox | QLineEdit):
            continue
        if not widget.accessibleName() and not (isinstance(widget, QAbstractButton) and widget.text()):
            missing.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    return missing


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    assert unnamed_controls(window) == []


def test_companion_demo_opens_the_window_on_a_demo_database(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    trace = tmp_path / "trace.jsonl"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "COMPANION_TRACE": str(trace),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "companion", "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(lambda: trace.exists() and '"ready"' in trace.read_text(), timeout=30000)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert "Traceback" not in err
    demo = list((tmp_path / "data").rglob("demo.sqlite3"))
    assert len(demo) == 1 and demo[0].stat().st_size > 0


def test_digits_log_from_anywhere_in_the_window_while_the_card_shows(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.incoming_event("+7 495 123-45-67", "in")
    qtbot.keyClick(window.tabs.tabBar(), "5")  # focus on the tab bar, not the card
    assert [c.outcome for c in Call.select()] == ["interested"]


def test_digits_typed_elsewhere_do_not_log(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.incoming_event("+7 495 123-45-67", "in")
    window.tabs.setCurrentWidget(window.history)
    qtbot.keyClick(window.tabs.tabBar(), "5")
    assert [c.outcome for c in Call.select()] == [None]


def test_a_new_rep_name_can_carry_the_old_calls(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from companion.ui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_confirm", lambda _p, _t, text, _a: asked.append(text) or True)
    window.incoming_event("+7 495 123-45-67", "in")
    window.settings_view.rep.setText("Мария")
    window.settings_view.save()
    assert asked and "Мария" in asked[0]
    assert window.tolog.count() == 1  # the unlogged call is still hers


# --- callbacks: falling due, the tray, click-to-call (issue 6) -------------------------------

IVAN = "+7 499 322-46-85"  # Moscow: 11:00 there when the test clock starts


def callback_in(desk: Desk, clock: Clock, minutes: int, promise: str = "send the price list") -> int:
    logged = desk.log(
        IVAN, "in", "callback", promise=promise, callback_at=clock.now + timedelta(minutes=minutes)
    )
    assert logged.callback is not None
    return logged.callback.id


@pytest.fixture
def notes(window: MainWindow) -> list[tuple[str, str]]:
    """The notifications the window asked the tray to show."""
    shown: list[tuple[str, str]] = []
    window.notify.connect(lambda title, text: shown.append((title, text)))
    return shown


@pytest.mark.usefixtures("utc_here")
def test_a_callback_that_falls_due_is_notified_once(
    window: MainWindow, desk: Desk, clock: Clock, notes: list[tuple[str, str]]
) -> None:
    callback_in(desk, clock, 10)
    window.check_due()
    assert notes == []
    clock.advance(minutes=11)
    window.check_due()
    window.check_due()  # the next round of the timer: nothing new
    assert notes == [("Callback due", "Call back 8 (499) 322-46-85: send the price list\nIt is 11:11 there.")]
    assert window.tabs.tabToolTip(window.tabs.indexOf(window.callbacks_view)) == "Callbacks (1)"


def test_a_snoozed_callback_is_notified_again_at_its_new_time(
    window: MainWindow, desk: Desk, clock: Clock, notes: list[tuple[str, str]]
) -> None:
    callback_id = callback_in(desk, clock, 0)
    window.check_due()
    assert len(notes) == 1
    window.callbacks_view.snooze(callback_id, 15)
    window.check_due()
    assert len(notes) == 1  # not due any more
    assert window.tabs.tabToolTip(window.tabs.indexOf(window.callbacks_view)) == "Callbacks"
    clock.advance(minutes=16)
    window.check_due()
    assert len(notes) == 2


def test_the_due_check_runs_every_thirty_seconds(window: MainWindow) -> None:
    assert window.due_timer.isActive() and window.due_timer.interval() == 30_000


def test_many_callbacks_due_at_once_are_one_notification(
    window: MainWindow, desk: Desk, clock: Clock, notes: list[tuple[str, str]]
) -> None:
    for number in ("+7 499 322-46-85", "+7 495 123-45-67", "+7 812 555-12-34", "+7 343 555-01-02"):
        desk.log(number, "in", "callback", callback_at=clock.now)
    window.check_due()
    assert len(notes) == 1 and notes[0][0] == "Callbacks due: 4"


def test_the_tray_shows_the_notification_and_its_click_opens_callbacks(
    window: MainWindow, desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.ui.app import Tray

    tray = Tray(window)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *_args: shown.append((title, text)))
    callback_in(desk, clock, 0)
    window.check_due()
    assert shown and "send the price list" in shown[0][1]
    assert "callbacks due: 1" in tray.toolTip()
    window.tabs.setCurrentWidget(window.history)
    tray.messageClicked.emit()
    assert window.tabs.currentWidget() is window.callbacks_view


def test_a_hidden_window_comes_up_without_taking_the_keyboard(
    window: MainWindow, desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.hide()
    shows: list[bool] = []
    show = window.show

    def recording_show() -> None:
        shows.append(window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating))
        show()

    activated: list[bool] = []
    monkeypatch.setattr(window, "show", recording_show)
    monkeypatch.setattr(window, "activateWindow", lambda: activated.append(True))
    callback_in(desk, clock, 0)
    window.check_due()
    assert window.isVisible()
    assert shows == [True] and activated == []
    assert not window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)  # only that once
    assert window.tabs.currentWidget() is window.callbacks_view


def test_a_minimised_window_is_restored_gently(window: MainWindow, desk: Desk, clock: Clock) -> None:
    window.showMinimized()
    assert window.isMinimized()
    callback_in(desk, clock, 0)
    window.check_due()
    assert not window.isMinimized()


def test_no_window_comes_up_during_a_live_call(
    window: MainWindow, desk: Desk, clock: Clock, notes: list[tuple[str, str]]
) -> None:
    callback_in(desk, clock, 0)
    window.incoming_event("+7 812 555-12-34", "in")  # ringing: the card is live
    assert window.in_call
    window.hide()
    window.check_due()
    assert not window.isVisible()
    assert len(notes) == 1  # the notification still says it
    assert window.tabs.currentWidget() is window.card


def test_a_callback_logged_on_the_card_appears_in_callbacks(window: MainWindow) -> None:
    window.incoming_event(IVAN, "in")
    window.card.log_outcome(Outcome.CALLBACK)
    assert len(window.callbacks_view.ordered_rows()) == 1


def test_call_from_callbacks_shows_the_callback_card_and_opens_the_phone_link(
    qtbot, window: MainWindow, desk: Desk, clock: Clock, phone_links: list[str]
) -> None:  # type: ignore[no-untyped-def]
    callback_id = callback_in(desk, clock, 0)
    window.callbacks_view.refresh()
    row = window.callbacks_view.row(callback_id)
    assert row is not None
    qtbot.mouseClick(row.call_button, Qt.MouseButton.LeftButton)
    assert phone_links == ["+74993224685"]
    assert window.tabs.currentWidget() is window.card
    card = window.card.card
    assert card is not None and card.kind is Kind.CALLBACK and card.call_id is not None
    assert "send the price list" in window.card.context.text()
    assert [c.direction for c in Call.select()] == ["in", "out"]  # the call that promised, this one


def test_call_hands_the_number_to_the_softphone_when_one_is_set(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, phone_links: list[str]
) -> None:
    handed: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        dial, "hand_off", lambda mode, number, program="", template="": handed.append((mode, number, program))
    )
    window.settings = replace(
        window.settings, dial_handoff="microsip", dial_program="C:\\MicroSIP\\microsip.exe"
    )
    window.call_number(IVAN)
    assert handed == [("microsip", "+74993224685", "C:\\MicroSIP\\microsip.exe")]
    assert phone_links == []  # never the OS's link handler as well


def test_a_dial_error_shows_in_the_cards_notice_line(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise dial.DialError("MicroSIP was not found on this computer: choose its program file in Settings.")

    monkeypatch.setattr(dial, "hand_off", fail)
    window.settings = replace(window.settings, dial_handoff="microsip")
    window.call_number(IVAN)
    assert window.card.card is not None  # the card, whatever happens to the dialling
    assert window.card.notice.isVisible() and "MicroSIP was not found" in window.card.notice.text()
    assert Call.select().count() == 0 and not window.in_call  # nothing dialled: nothing to log


def test_no_phone_link_program_is_said_on_the_card(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.ui import main_window

    monkeypatch.setattr(main_window, "open_phone_link", lambda _number: False)
    window.call_number(IVAN)
    assert "Settings → Phone links" in window.card.notice.text()
    assert window.card.card is not None and window.card.card.direction is Direction.OUT
    assert Call.select().count() == 0 and window.desk.unlogged() == []


def test_our_own_phone_link_coming_back_is_not_a_second_call(
    window: MainWindow, phone_links: list[str]
) -> None:
    window.call_number(IVAN)
    assert window.handle_event(Event("outgoing", number="tel:+74993224685", link=True)) is None
    assert Call.select().count() == 1
    window.handle_event(Event("outgoing", number="tel:+74993224685", link=True))  # a link clicked later
    assert Call.select().count() == 2


@pytest.mark.parametrize("where", ["tolog", "history", "card"])
def test_call_from_to_log_history_and_the_card_dials_too(
    qtbot, window: MainWindow, desk: Desk, phone_links: list[str], where: str
) -> None:  # type: ignore[no-untyped-def]
    desk.begin_call(IVAN, "in")
    if where == "tolog":
        window._update_tolog_title()
        qtbot.mouseClick(window.tolog.call_button, Qt.MouseButton.LeftButton)
    elif where == "history":
        window.history.refresh()
        window.history.table.selectRow(0)
        assert window.history.call_button.isEnabled()
        qtbot.mouseClick(window.history.call_button, Qt.MouseButton.LeftButton)
    else:
        window.card.callRequested.emit("+74993224685")
    assert phone_links == ["+74993224685"]
    assert window.card.card is not None and window.card.card.direction is Direction.OUT


def test_history_call_waits_for_a_selected_call(window: MainWindow, desk: Desk) -> None:
    desk.begin_call(IVAN, "in")
    window.history.refresh()
    window.history.table.clearSelection()
    assert not window.history.call_button.isEnabled()


def test_the_demo_shows_the_card_and_dials_nothing(window: MainWindow, phone_links: list[str]) -> None:
    window.start_demo()
    window.call_number(IVAN)
    assert phone_links == []
    assert window.card.card is not None and "Demo" in window.card.notice.text()


def test_seven_views_fit_a_side_docked_window_without_scroll_arrows(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(320, 640)
    qtbot.waitUntil(lambda: window.width() == 320)
    bar = window.tabs.tabBar()
    assert bar.tabRect(bar.count() - 1).right() <= bar.width()
    assert bar.sizeHint().width() <= 320 - window.pin.sizeHint().width()


@pytest.mark.parametrize("where", ["tolog", "history"])
def test_call_from_a_list_asks_first_for_someone_who_asked_not_to_be_called(
    qtbot, window: MainWindow, desk: Desk, phone_links: list[str], where: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from companion.importers import ImportReport, Row
    from companion.importers.apply import apply_rows
    from companion.ui import dialogs

    apply_rows(
        desk, [Row(line=1, name="Ivan", phones=[IVAN], do_not_call="yes")], ImportReport(), familiarity="none"
    )
    asked: list[str] = []
    answer = [False]

    def ask(_parent, _title, text, _action):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(dialogs, "ask_confirm", ask)
    desk.begin_call(IVAN, "in")
    if where == "tolog":
        window._update_tolog_title()
        button = window.tolog.call_button
    else:
        window.history.refresh()
        window.history.table.selectRow(0)
        button = window.history.call_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked == ["“Ivan” asked not to be called. Call anyway?"] and phone_links == []
    answer[0] = True
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert phone_links == ["+74993224685"]


def test_our_own_phone_link_coming_back_says_that_nothing_dials(
    window: MainWindow, phone_links: list[str]
) -> None:
    from companion.ipc import Event

    window.call_number(IVAN)
    assert phone_links == ["+74993224685"]
    assert window.handle_event(Event("outgoing", "tel:+74993224685", link=True)) is None
    assert "choose your softphone" in window.card.notice.text()
    assert len(window.desk.unlogged()) == 1  # the same call, not a second one
