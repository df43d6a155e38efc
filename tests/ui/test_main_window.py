"""The whole window: title, call events, to-log count, always-on-top, tray close, labels."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from companion.store.models import Call, Contact
from companion.ui.main_window import MainWindow


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
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
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
