"""The to-log list keeps every unlogged call; settings save what the rep chose."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTime

from companion.config import Settings, load_settings, save_settings
from companion.desk import Desk
from companion.integrations import autostart
from companion.ui.card_view import CardView
from companion.ui.settings_view import SettingsView
from companion.ui.tolog_view import ToLogView


@pytest.fixture
def tolog(qtbot, desk: Desk) -> ToLogView:  # type: ignore[no-untyped-def]
    view = ToLogView(desk)
    qtbot.addWidget(view)
    return view


def test_calls_without_an_outcome_wait_in_the_list(tolog: ToLogView, desk: Desk) -> None:
    desk.begin_call("+7 495 123-45-67", "in")
    desk.begin_call("+7 812 555-12-34", "out")
    tolog.refresh()
    assert tolog.count() == 2
    assert "812" in tolog.list.item(0).text()  # newest first


def test_a_new_call_never_overwrites_an_unlogged_one(qtbot, tolog: ToLogView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    card = CardView(desk)
    qtbot.addWidget(card)
    card.show_event("+7 495 123-45-67", "in")
    card.show_event("+7 812 555-12-34", "in")  # call waiting: a second call arrives
    tolog.refresh()
    assert tolog.count() == 2


def test_logging_from_the_list_fills_that_call(qtbot, tolog: ToLogView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    first = desk.begin_call("+7 495 123-45-67", "in")
    tolog.refresh()
    card = CardView(desk)
    qtbot.addWidget(card)
    tolog.openCall.connect(card.show_call)
    tolog.list.setCurrentRow(0)
    qtbot.mouseClick(tolog.open_button, Qt.MouseButton.LeftButton)
    assert card.card is not None and card.card.call_id == first.call_id
    card.log_outcome(card.outcome_buttons.__iter__().__next__())
    tolog.refresh()
    assert tolog.count() == 0


def test_call_back_offers_the_number(qtbot, tolog: ToLogView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.begin_call("+7 495 123-45-67", "in")
    tolog.refresh()
    with qtbot.waitSignal(tolog.callBack) as signal:
        qtbot.mouseClick(tolog.call_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["+74951234567"]


def test_settings_are_saved_and_read_back(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = SettingsView(Settings(region="RU", rep="me"))
    qtbot.addWidget(view)
    view.rep.setText("Мария")
    view.region.setCurrentIndex(view.region.findData("DE"))
    view.start.setTime(QTime(10, 0))
    view.end.setTime(QTime(18, 30))
    view.pinned.setChecked(True)
    with qtbot.waitSignal(view.settingsChanged) as signal:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    saved: Settings = signal.args[0]
    save_settings(saved)
    again = load_settings()
    assert (again.rep, again.region, again.calling_start, again.calling_end, again.pinned) == (
        "Мария",
        "DE",
        "10:00",
        "18:30",
        True,
    )


def test_settings_refuse_an_empty_rep_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = SettingsView(Settings(region="RU", rep="me"))
    qtbot.addWidget(view)
    view.rep.setText("  ")
    with qtbot.assertNotEmitted(view.settingsChanged):
        view.save()
    assert "name" in view.message.text()


def test_start_with_the_os_writes_and_removes_the_autostart_entry(tmp_path: Path) -> None:
    entry = tmp_path / "xdg-config" / "autostart" / "call-companion.desktop"
    autostart.set_enabled(True)
    assert autostart.is_enabled() and "companion" in entry.read_text()
    autostart.set_enabled(False)
    assert not autostart.is_enabled() and not entry.exists()


def test_use_for_phone_links_registers_and_unregisters_for_this_user(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desktop = tmp_path / "xdg-data" / "applications" / "call-companion.desktop"
    mimeapps = tmp_path / "xdg-config" / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    mimeapps.write_text("[Default Applications]\ntext/html=firefox.desktop\n", encoding="utf-8")
    view = SettingsView(Settings(region="RU", rep="me"))
    qtbot.addWidget(view)
    assert view.phone_links.isEnabled() and not view.phone_links.isChecked()

    view.phone_links.setChecked(True)
    view.save()
    assert view.message.text() == "Saved."
    assert "x-scheme-handler/tel" in desktop.read_text(encoding="utf-8")
    lists = mimeapps.read_text(encoding="utf-8")
    assert "x-scheme-handler/sip=call-companion.desktop" in lists and "text/html=firefox.desktop" in lists
    assert SettingsView(Settings(region="RU", rep="me")).phone_links.isChecked()  # read back from the OS

    view.phone_links.setChecked(False)
    view.save()
    assert not desktop.exists()
    assert "call-companion" not in mimeapps.read_text(encoding="utf-8")
    assert "text/html=firefox.desktop" in mimeapps.read_text(encoding="utf-8")


def test_a_refusal_to_register_phone_links_is_said_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "xdg-data"
    blocked.write_text("not a folder", encoding="utf-8")  # the folder cannot be made
    view = SettingsView(Settings(region="RU", rep="me"))
    qtbot.addWidget(view)
    view.phone_links.setChecked(True)
    with qtbot.assertNotEmitted(view.settingsChanged):
        view.save()
    assert "phone links" in view.message.text()
