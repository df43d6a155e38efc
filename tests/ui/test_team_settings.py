"""Settings → Team database: the fields, the check off the window's thread, saving the choice,
the keyboard, and a 320-pixel window (in Russian too)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QScrollArea, QSpinBox, QWidget

from companion import team
from companion.config import Settings
from companion.ui.main_window import MainWindow
from companion.ui.settings_view import SettingsView
from companion.ui.team_settings import TeamSettings

PASSWORD = "s3cr3t/p@ss"
SLOW = 10_000  # ms: a check on the real server is far quicker; this is only the limit


@pytest.fixture
def view(qtbot) -> SettingsView:  # type: ignore[no-untyped-def]
    page = SettingsView(Settings(region="RU", rep="anna", lang="en"))
    qtbot.addWidget(page)
    page.resize(380, 720)
    page.show()
    return page


def fill_from(section: TeamSettings, url: str, password: str = "") -> None:
    parts = urlsplit(url)
    section.server.setText(str(parts.hostname))
    section.port.setValue(int(parts.port or 5432))
    section.database.setText(parts.path[1:])
    section.user.setText(parts.username or "")
    section.password.setText(password)


class HeldCheck:
    """A check that waits until the test lets it finish (to see the section while it runs)."""

    def __init__(self, answer: team.Probe) -> None:
        self.answer = answer
        self.release = threading.Event()
        self.urls: list[str] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, url: str) -> team.Probe:
        self.urls.append(url)
        self.threads.append(threading.current_thread())
        self.release.wait(10)
        return self.answer


@pytest.fixture
def held() -> Iterator[HeldCheck]:
    check = HeldCheck(team.Probe("empty", "Connected. The database “calls” is empty."))
    yield check
    check.release.set()


# --- the section ----------------------------------------------------------------------------


def test_the_settings_page_has_the_team_database_section(view: SettingsView) -> None:
    section = view.team
    assert isinstance(section, TeamSettings) and section.isVisible()
    assert "One history for the whole team" in section.findChildren(type(section.now))[0].text()
    assert section.now.text() == "Now: this computer's own history, not shared."
    assert section.port.value() == 5432
    assert section.password.echoMode() == QLineEdit.EchoMode.Password
    assert "settings file" in section.password.toolTip() and "only your user" in section.password.toolTip()
    assert not section.stop_button.isVisible()  # nothing to stop using


def test_a_saved_team_database_fills_the_fields(qtbot) -> None:  # type: ignore[no-untyped-def]
    url = team.TeamAddress("db.office.lan", 6432, "calls", "anna", PASSWORD, extra="sslmode=require").url()
    page = SettingsView(Settings(rep="anna", team_database=url))
    qtbot.addWidget(page)
    page.show()
    section = page.team
    assert (section.server.text(), section.port.value(), section.database.text()) == (
        "db.office.lan",
        6432,
        "calls",
    )
    assert (section.user.text(), section.password.text()) == ("anna", PASSWORD)
    assert section.now.text() == "Now: the team database “calls” on db.office.lan."
    assert section.stop_button.isVisible()
    assert section.address().url() == url  # sslmode kept
    assert PASSWORD not in section.now.text()


def test_every_control_has_a_name_and_the_tab_key_reaches_each_in_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = SettingsView(Settings(rep="anna", team_database="postgresql://anna@db:5432/calls"))
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    section = page.team
    controls = [
        section.paste_button,
        section.server,
        section.port,
        section.database,
        section.user,
        section.password,
        section.test_button,
        section.use_button,
        section.stop_button,
    ]
    for control in section.findChildren(QWidget):
        if isinstance(control, QLineEdit | QSpinBox | QPushButton) and control.parent() is not None:
            if isinstance(control, QLineEdit) and isinstance(control.parent(), QSpinBox):
                continue  # the spin box's own editor
            assert control.accessibleName(), control
            assert control in controls, control.accessibleName()
    section.paste_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is section.paste_button)
    for following in controls[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is following, following.accessibleName()


# --- the check -------------------------------------------------------------------------------


def test_test_connection_runs_off_the_window_thread_busy_until_it_answers(
    view: SettingsView, held: HeldCheck, qtbot
) -> None:  # type: ignore[no-untyped-def]
    section = view.team
    section.check = held
    fill_from(section, "postgresql://anna@db.office.lan:5432/calls", PASSWORD)
    section.test_button.click()  # returns at once: the check waits on its own thread
    assert not section.test_button.isEnabled() and not section.use_button.isEnabled()
    assert section.result.text() == "Connecting to db.office.lan…"
    qtbot.waitUntil(lambda: bool(held.threads))
    assert held.threads[0] is not threading.main_thread()
    assert held.urls == [team.TeamAddress("db.office.lan", 5432, "calls", "anna", PASSWORD).url()]
    section.test_button.click()  # a second click while it runs starts nothing
    with qtbot.waitSignal(section.checked, timeout=SLOW) as done:
        held.release.set()
    assert done.args[0].state == "empty"
    assert section.test_button.isEnabled() and section.use_button.isEnabled()
    assert section.result.text() == "Connected. The database “calls” is empty."
    assert held.urls == held.urls[:1]


def test_test_connection_on_the_real_server(view: SettingsView, postgres_server, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = view.team
    fill_from(section, postgres_server.new_database(), PASSWORD)
    with qtbot.waitSignal(section.checked, timeout=SLOW) as done:
        section.test_button.click()
    assert done.args[0].usable
    assert "is empty" in section.result.text()
    assert PASSWORD not in section.result.text() + section.result.toolTip()


def test_a_server_that_is_not_there_is_said_in_the_section(view: SettingsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = view.team
    fill_from(section, "postgresql://anna@127.0.0.1:1/calls", PASSWORD)
    with qtbot.waitSignal(section.checked, timeout=SLOW):
        section.test_button.click()
    assert section.result.text().startswith("Nothing answers at 127.0.0.1, port 1")
    assert "Connection refused" in section.result.toolTip()  # the driver's words, for the admin
    assert PASSWORD not in section.result.toolTip()


def test_a_missing_server_or_database_is_asked_for_before_any_check(
    view: SettingsView, held: HeldCheck
) -> None:
    section = view.team
    section.check = held
    section.database.setText("calls")
    section.test_button.click()
    assert section.result.text() == "Enter the server's name or address (your admin sends it)."
    section.server.setText("db")
    section.database.clear()
    section.use_button.click()
    assert section.result.text() == "Enter the database's name (your admin sends it)."
    assert held.urls == [] and section.test_button.isEnabled()


def test_a_section_closed_while_its_check_runs_takes_no_harm(qtbot, held: HeldCheck) -> None:  # type: ignore[no-untyped-def]
    section = TeamSettings(Settings(rep="anna"), check=held)
    fill_from(section, "postgresql://anna@db:5432/calls")
    section.test_button.click()
    qtbot.waitUntil(lambda: bool(held.threads))
    section.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(section)
    held.release.set()
    qtbot.waitUntil(lambda: not QThreadPool.globalInstance().activeThreadCount(), timeout=SLOW)
    qtbot.wait(50)  # the result arrives for a section that is gone: nothing happens


# --- choosing it ---------------------------------------------------------------------------


def test_use_checks_then_saves_through_the_settings(view: SettingsView, postgres_server, qtbot) -> None:  # type: ignore[no-untyped-def]
    saved: list[Settings] = []
    view.settingsChanged.connect(saved.append)
    view.rep.setText("someone else")  # typed, not saved: "Use" saves the team database only
    section = view.team
    url = postgres_server.new_database()
    fill_from(section, url, PASSWORD)
    with qtbot.waitSignal(section.chosen, timeout=SLOW) as chosen:
        section.use_button.click()
    wanted = team.TeamAddress.from_url(section.address().url()).url()
    assert chosen.args == [wanted]
    assert [s.team_database for s in saved] == [wanted] and saved[0].rep == "anna"
    assert view.settings.team_database == wanted
    assert "Restart Call Companion" in section.result.text()
    assert section.now.text().endswith("This applies when you restart Call Companion.")
    assert section.stop_button.isVisible()
    view.rep.setText("anna")
    view.save()  # "Save settings" later keeps it
    assert saved[-1].team_database == wanted


def test_a_database_that_cannot_be_used_is_not_saved(view: SettingsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    saved: list[Settings] = []
    view.settingsChanged.connect(saved.append)
    section = view.team
    fill_from(section, "postgresql://anna@127.0.0.1:1/calls")
    with qtbot.waitSignal(section.checked, timeout=SLOW):
        section.use_button.click()
    assert saved == [] and view.settings.team_database == ""
    assert section.result.text().startswith("Not changed: Nothing answers at 127.0.0.1")


def test_stop_using_it_goes_back_to_this_computers_file(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = SettingsView(Settings(rep="anna", team_database="postgresql://anna@db:5432/calls"))
    qtbot.addWidget(page)
    page.show()
    saved: list[Settings] = []
    page.settingsChanged.connect(saved.append)
    page.team.stop_button.click()
    assert [s.team_database for s in saved] == [""]
    assert page.team.now.text().startswith("Now: this computer's own history")
    assert "Restart Call Companion" in page.team.result.text()
    assert not page.team.stop_button.isVisible()


def test_the_window_saves_the_choice(window: MainWindow, postgres_server, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = window.settings_view.team
    fill_from(section, postgres_server.new_database())
    with qtbot.waitSignal(section.chosen, timeout=SLOW):
        section.use_button.click()
    saved = window.saved  # type: ignore[attr-defined]
    before = replace(saved[-1], team_database="")
    assert saved[-1].team_database == section.address().url() == window.settings.team_database
    assert before == Settings(region="RU", rep="me", lang="en")  # nothing else of the page changed


# --- pasting an address --------------------------------------------------------------------


def test_paste_an_address_fills_the_fields(view: SettingsView) -> None:
    section = view.team
    QGuiApplication.clipboard().setText(
        " postgresql://anna:s3cr3t%2Fp%40ss@db.office.lan:6432/calls?sslmode=require\n"
    )
    section.paste_button.click()
    assert (section.server.text(), section.port.value(), section.database.text()) == (
        "db.office.lan",
        6432,
        "calls",
    )
    assert (section.user.text(), section.password.text()) == ("anna", PASSWORD)
    assert section.result.text() == "Filled in from the address. Now test the connection."
    assert section.address().url().endswith("?sslmode=require")


def test_paste_without_an_address_in_the_clipboard_says_what_to_copy(view: SettingsView) -> None:
    QGuiApplication.clipboard().setText("Server: db.office.lan, password hunter2")
    view.team.paste_button.click()
    assert view.team.result.text().startswith("The clipboard holds no postgresql:// address")
    assert view.team.server.text() == ""


def test_an_address_pasted_into_server_fills_every_field(view: SettingsView, qtbot) -> None:  # type: ignore[no-untyped-def]
    section = view.team
    QGuiApplication.clipboard().setText("postgresql://anna:x@db.office.lan:6432/calls")
    section.server.setFocus()
    qtbot.keyClick(section.server, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert (section.server.text(), section.port.value(), section.database.text(), section.user.text()) == (
        "db.office.lan",
        6432,
        "calls",
        "anna",
    )


def test_an_address_typed_into_server_is_taken_when_tested(
    view: SettingsView, held: HeldCheck, qtbot
) -> None:  # type: ignore[no-untyped-def]
    section = view.team
    section.check = held
    qtbot.keyClicks(section.server, "postgresql://anna@db:6432/calls")
    assert section.server.text() == "postgresql://anna@db:6432/calls"  # not taken over halfway
    held.release.set()
    with qtbot.waitSignal(section.checked, timeout=SLOW):
        section.test_button.click()
    assert section.server.text() == "db" and section.database.text() == "calls"
    assert held.urls == ["postgresql://anna@db:6432/calls"]


# --- a side-docked window ------------------------------------------------------------------


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from companion import i18n

    if request.param == "ru":
        assert i18n.install("ru")
    yield request.param
    if request.param == "ru":
        i18n.install("en")


def test_the_page_with_the_section_fits_a_320_pixel_window(qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    page = SettingsView(Settings(rep="anna", lang=language, team_database="postgresql://anna@db:5432/calls"))
    qtbot.addWidget(page)
    page.resize(320, 760)
    page.show()
    page.team.say(team.check_connection("postgresql://anna@127.0.0.1:1/calls").message, True)
    QApplication.processEvents()
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    for button in (page.team.test_button, page.team.use_button, page.team.stop_button):
        assert button.width() >= button.sizeHint().width()  # whole, not cut
        assert button.geometry().right() <= button.parentWidget().width()
