"""Events reaching the window from outside: hooks, phone links (macOS file-open events too),
call waiting, the local web address, the clipboard, and Settings → Softphone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from companion.desk import BadInput
from companion.integrations import dial, softphones
from companion.ipc import Event
from companion.store.models import Call
from companion.ui import card_view
from companion.ui.app import UrlOpenFilter
from companion.ui.main_window import MainWindow

IVAN = "+74993224685"


@pytest.fixture(autouse=True)
def _no_key_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests press keys at once; the hold after an outside event has its own test."""
    monkeypatch.setattr(card_view, "KEY_HOLD_SECONDS", 0.0)


@pytest.fixture
def dialled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str, str]]:
    """What the window handed to the softphone (instead of starting one)."""
    calls: list[tuple[str, str, str, str]] = []

    def hand_off(mode: str, number: str, *, program: str = "", template: str = "") -> list[str]:
        calls.append((mode, number, program, template))
        return [program, number]

    monkeypatch.setattr(dial, "hand_off", hand_off)
    return calls


def test_a_hook_event_records_the_call_and_puts_the_card_up_front(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.history)
    window.handle_event(Event("incoming", number="8 (499) 322-46-85", name="Иван"))
    card = window.card.card
    assert window.tabs.currentWidget() is window.card
    assert card is not None and card.number.e164 == IVAN and card.call_id is not None
    assert Call.get_by_id(card.call_id).direction == "in"
    assert card.number.display_name == "Иван"  # offered when saving the unknown caller
    assert window.on_top()


def test_digits_typed_for_another_program_as_a_call_rings_do_not_log(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.card.hold_keys(60)  # as an outside event does, for a moment
    window.handle_event(Event("incoming", number=IVAN))
    window.card.hold_keys(60)
    qtbot.keyClick(window.card, "3")
    assert window.card.current_log is None and Call.get(Call.id == 1).outcome is None
    window.card.hold_keys(0)
    qtbot.keyClick(window.card, "3")
    assert Call.get(Call.id == 1).outcome == "not_interested"


def test_a_call_from_outside_holds_the_digits_for_a_moment(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_view, "KEY_HOLD_SECONDS", 30.0)
    window.handle_event(Event("incoming", number=IVAN))
    assert window.card._keys_from > 0
    window.card._keys_from = 0.0
    window.incoming_event("+78125551234", "in")  # from inside the window: no hold
    assert window.card._keys_from == 0.0


def test_answered_brings_back_the_card_of_that_call(window: MainWindow) -> None:
    window.handle_event(Event("incoming", number=IVAN))
    first = window.card.card
    window.handle_event(Event("incoming", number="+78125551234"))
    second = window.card.card
    window.card.note.setText("second caller's note")
    window.handle_event(Event("answered", number=IVAN))
    assert window.card.card is not None and first is not None and second is not None
    assert window.card.card.call_id == first.call_id
    # the card it replaced keeps its note and stays one click away
    assert Call.get_by_id(second.call_id).note == "second caller's note"
    assert window.card.other_card is not None and window.card.other_card.call_id == second.call_id


def test_a_waiting_call_that_ends_leaves_the_shown_call_on_top(window: MainWindow) -> None:
    window.handle_event(Event("incoming", number=IVAN))
    window.handle_event(Event("incoming", number="+78125551234"))
    window.handle_event(Event("ended", number=IVAN))
    assert window.on_top()
    window.handle_event(Event("ended", number="+78125551234"))
    assert not window.on_top()


def test_a_call_that_cannot_be_recorded_is_refused_not_acknowledged(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, dialled: list[tuple[str, str, str, str]]
) -> None:
    window.handle_event(Event("incoming", number=IVAN))
    window.settings = replace(window.settings, dial_handoff="microsip", dial_program="microsip.exe")

    def locked(*_args: object) -> None:
        raise BadInput("Not saved: database is locked")

    monkeypatch.setattr(window.desk, "begin_call", locked)
    error = window.handle_event(Event("outgoing", number="tel:+78125551234", link=True))
    assert error is not None and "Not saved" in error
    assert dialled == []  # and above all not the previous caller's number


def test_a_name_without_a_number_still_ends_the_call(window: MainWindow) -> None:
    window.handle_event(Event("incoming", number=IVAN))
    assert window.handle_event(Event("ended", name="Ivan")) is None
    assert Call.get(Call.id == 1).ended is not None


def test_ended_records_the_duration_and_asks_for_the_outcome(window: MainWindow, clock) -> None:  # type: ignore[no-untyped-def]
    window.handle_event(Event("incoming", number=IVAN))
    clock.advance(minutes=2, seconds=5)
    window.handle_event(Event("ended", number=IVAN))
    card = window.card.card
    assert card is not None and card.call_id is not None
    call = Call.get_by_id(card.call_id)
    assert call.ended is not None and call.outcome is None
    assert "2:05" in window.card.notice.text()
    assert not window.on_top()


def test_a_second_start_shows_the_hidden_window(window: MainWindow) -> None:
    window.hide()
    window.handle_event(Event("show"))
    assert window.isVisible()


def test_a_call_waiting_does_not_wipe_the_first_call(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.handle_event(Event("incoming", number=IVAN, name="Иван Петров"))
    first = window.card.card
    window.card.note.setText("wants the price list")
    window.handle_event(Event("incoming", number="+78125551234"))
    second = window.card.card
    assert first is not None and second is not None and first.call_id != second.call_id
    assert window.tolog.count() == 2
    assert window.card.other_button.isVisible()
    assert "Иван Петров" in window.card.other_button.toolTip()
    assert Call.get_by_id(first.call_id).note == "wants the price list"

    window.card.other_button.click()  # back to the first caller; the second waits now
    assert window.card.card is not None and window.card.card.call_id == first.call_id
    assert "8 (812)" in window.card.other_button.toolTip()

    qtbot.keyClick(window.card, "4")  # first logged: the second is still one click away
    assert Call.get_by_id(first.call_id).outcome == "talked"
    assert window.card.other_button.isVisible()
    window.card.other_button.click()
    assert window.card.card is not None and window.card.card.call_id == second.call_id
    qtbot.keyClick(window.card, "1")
    assert not window.card.other_button.isVisible()
    assert window.tolog.count() == 0


def test_a_phone_link_shows_the_outgoing_card_then_dials(
    window: MainWindow,
    dialled: list[tuple[str, str, str, str]],
) -> None:
    window.settings = replace(
        window.settings, dial_handoff="microsip", dial_program=r"C:\MicroSIP\microsip.exe"
    )
    window.handle_event(Event("outgoing", number="tel:+7-499-322-46-85", link=True))
    card = window.card.card
    assert card is not None and card.direction.value == "out" and card.call_id is not None
    assert dialled == [("microsip", IVAN, r"C:\MicroSIP\microsip.exe", "")]


def test_a_softphones_own_outgoing_event_is_not_dialled_again(
    window: MainWindow,
    dialled: list[tuple[str, str, str, str]],
) -> None:
    window.settings = replace(window.settings, dial_handoff="microsip")
    window.handle_event(Event("outgoing", number=IVAN))
    assert window.card.card is not None
    assert dialled == []


def test_without_a_dial_hand_off_the_link_only_shows_the_card(
    window: MainWindow,
    dialled: list[tuple[str, str, str, str]],
) -> None:
    window.handle_event(Event("outgoing", number="tel:+74993224685", link=True))
    assert window.card.card is not None
    assert dialled == []


def test_a_dial_hand_off_that_fails_says_why_on_the_card(window: MainWindow) -> None:
    window.settings = replace(window.settings, dial_handoff="custom", dial_template="")
    window.handle_event(Event("outgoing", number="tel:+74993224685", link=True))
    assert "empty" in window.card.notice.text()
    assert window.card.notice.isVisible()


# --- macOS: links arrive as file-open events ---------------------------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (QFileOpenEvent(QUrl("tel:+7-499-322-46-85")), "tel:+7-499-322-46-85"),
        (
            QFileOpenEvent(QUrl("sip:+74993224685@pbx.example;user=phone")),
            "sip:+74993224685@pbx.example;user=phone",
        ),
        # a form QUrl refuses reaches us as the file name
        (QFileOpenEvent("callto://+442079460000/"), "callto://+442079460000/"),
    ],
)
def test_a_link_opened_by_macos_becomes_an_outgoing_link_event(
    qtbot, event: QFileOpenEvent, expected: str
) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    opened = UrlOpenFilter()
    app.installEventFilter(opened)  # type: ignore[union-attr]
    try:
        got: list[Event] = []
        opened.urlOpened.connect(got.append)
        QCoreApplication.sendEvent(app, event)
        assert got == []  # held until the window is ready: a link that launched the app is kept
        opened.release()
        qtbot.waitUntil(lambda: len(got) == 1)
        assert (got[0].event, got[0].number, got[0].link) == ("outgoing", expected, True)
        QCoreApplication.sendEvent(app, QFileOpenEvent(QUrl("tel:+78125551234")))
        assert got[-1].number == "tel:+78125551234"  # once ready, at once
    finally:
        app.removeEventFilter(opened)  # type: ignore[union-attr]


def test_a_file_that_is_not_a_phone_link_is_ignored(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    opened = UrlOpenFilter()
    opened.release()
    app.installEventFilter(opened)  # type: ignore[union-attr]
    try:
        with qtbot.assertNotEmitted(opened.urlOpened):
            QCoreApplication.sendEvent(app, QFileOpenEvent("/Users/me/contacts.csv"))
    finally:
        app.removeEventFilter(opened)  # type: ignore[union-attr]


# --- the local web address and the clipboard, as the settings say --------------------------


def test_the_local_web_address_runs_only_when_turned_on(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.http_hook is None
    on = replace(window.settings, http_hook=True, http_port=0, http_token="t" * 32)
    window._settings_changed(on)
    hook = window.http_hook
    assert hook is not None and hook.listening
    hook.eventReceived.emit("incoming", IVAN, "Иван")
    assert window.card.card is not None and window.card.card.number.e164 == IVAN
    window._settings_changed(replace(on, http_hook=False))
    assert window.http_hook is None and not hook.listening


def test_a_number_copied_during_a_call_does_not_replace_its_card(window: MainWindow) -> None:
    window._settings_changed(replace(window.settings, clipboard_watch=True))
    window.handle_event(Event("incoming", number=IVAN))
    live = window.card.card
    assert window.clipboard_watch is not None and live is not None
    window.clipboard_watch.numberCopied.emit("+7 812 555-12-34")
    assert window.card.card is live
    assert window.card.search.text() == "+7 812 555-12-34"
    assert "Enter" in window.card.notice.text()
    window._settings_changed(replace(window.settings, clipboard_watch=False))


def test_a_copied_number_shows_its_card_without_recording_a_call(window: MainWindow) -> None:
    window._settings_changed(replace(window.settings, clipboard_watch=True))
    watch = window.clipboard_watch
    assert watch is not None and watch.is_running()
    watch.numberCopied.emit("8 (499) 322-46-85")
    assert window.card.card is not None and window.card.card.number.e164 == IVAN
    assert window.card.card.call_id is None and Call.select().count() == 0
    window._settings_changed(replace(window.settings, clipboard_watch=False))
    assert window.clipboard_watch is None


# --- Settings → Softphone -----------------------------------------------------------------


def test_settings_show_the_microsip_lines_for_this_install(window: MainWindow) -> None:
    page = window.settings_view.softphone
    page.softphone.setCurrentIndex(page.softphone.findData("microsip"))
    text = page.lines.toPlainText()
    for line in softphones.microsip_lines(page.argv):
        assert line in text
    assert not page.setup_button.isHidden()
    page.softphone.setCurrentIndex(page.softphone.findData("jitsi"))
    assert page.setup_button.isHidden()
    assert "${caller.uri}" in page.lines.toPlainText()


def test_copy_puts_the_setup_on_the_clipboard(window: MainWindow) -> None:
    page = window.settings_view.softphone
    page.softphone.setCurrentIndex(page.softphone.findData("linphone"))
    page.copy_button.click()
    assert QGuiApplication.clipboard().text() == page.lines.toPlainText()
    assert "--from-linphone" in QGuiApplication.clipboard().text()


def microsip_ini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, running: bool) -> Path:
    """A MicroSIP settings file where the app looks for one; MicroSIP running or not."""
    ini = tmp_path / "microsip.ini"
    ini.write_text("[Settings]\r\nringtone=ring.wav\r\n", encoding="utf-16")
    monkeypatch.setattr(softphones, "find_microsip_ini", lambda *a, **k: ini)
    monkeypatch.setattr(softphones, "microsip_running", lambda *a, **k: running)
    return ini


def test_set_up_microsip_writes_its_ini(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini = microsip_ini(tmp_path, monkeypatch, running=False)
    page = window.settings_view.softphone
    page.softphone.setCurrentIndex(page.softphone.findData("microsip"))
    page.setup_button.click()
    values = softphones.read_ini_values(ini)
    assert values["ringtone"] == "ring.wav"
    assert values["cmdIncomingCall"] == softphones.microsip_value(page.argv, "incoming")
    assert "MicroSIP is set up" in window.settings_view.message.text()


def test_set_up_microsip_while_it_runs_says_to_quit_it(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini = microsip_ini(tmp_path, monkeypatch, running=True)
    page = window.settings_view.softphone
    page.set_up_microsip()
    assert "Quit MicroSIP" in window.settings_view.message.text()
    assert "cmdIncomingCall" not in ini.read_text(encoding="utf-16")


def test_saving_the_softphone_settings(window: MainWindow) -> None:
    view = window.settings_view
    page = view.softphone
    page.http.setChecked(True)
    page.port.setValue(28555)
    page.handoff.setCurrentIndex(page.handoff.findData("custom"))
    page.template.setText('"/opt/My Phone/phone" --dial {number}')
    page.clipboard.setChecked(True)
    view.save()
    saved = window.saved[-1]  # type: ignore[attr-defined]
    assert (saved.http_hook, saved.http_port, saved.dial_handoff, saved.clipboard_watch) == (
        True,
        28555,
        "custom",
        True,
    )
    assert len(saved.http_token) >= 16
    assert saved.dial_template == '"/opt/My Phone/phone" --dial {number}'
    assert window.http_hook is not None and window.http_hook.port == 28555
    window._settings_changed(replace(saved, http_hook=False, clipboard_watch=False))


def test_a_dial_hand_off_that_cannot_work_is_not_saved(window: MainWindow) -> None:
    view = window.settings_view
    page = view.softphone
    page.handoff.setCurrentIndex(page.handoff.findData("custom"))
    page.template.setText("")
    view.save()
    assert window.saved == []  # type: ignore[attr-defined]
    assert "empty" in view.message.text()


def test_the_address_shown_carries_the_key_it_will_answer_to(window: MainWindow) -> None:
    page = window.settings_view.softphone
    page.softphone.setCurrentIndex(page.softphone.findData("url"))
    page.http.setChecked(True)
    assert page.token and f"token={page.token}" in page.lines.toPlainText()
    shown = page.lines.toPlainText()
    window.settings_view.save()
    assert window.saved[-1].http_token == page.token  # type: ignore[attr-defined]
    assert page.lines.toPlainText() == shown
    window._settings_changed(replace(window.saved[-1], http_hook=False))  # type: ignore[attr-defined]


def test_a_port_in_use_is_said_instead_of_saved(window: MainWindow) -> None:
    from PySide6.QtNetwork import QHostAddress, QTcpServer

    taken = QTcpServer()
    assert taken.listen(QHostAddress.SpecialAddress.LocalHost, 0)
    page = window.settings_view.softphone
    page.http.setChecked(True)
    page.port.setValue(taken.serverPort())
    window.settings_view.save()
    assert window.http_hook is None
    message = window.settings_view.message.text()
    assert str(taken.serverPort()) in message and "Saved" not in message
    taken.close()


def test_a_start_for_another_database_says_how_to_get_there(window: MainWindow) -> None:
    window.hide()
    window.other_database_asked("/home/me/calls.sqlite3")
    assert window.isVisible()
    assert "/home/me/calls.sqlite3" in window.card.notice.text() and "Quit" in window.card.notice.text()
