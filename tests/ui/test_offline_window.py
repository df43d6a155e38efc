"""The window on a team database that goes away and comes back (companion/offline.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from PySide6.QtCore import QSettings

from companion.config import Settings
from companion.ipc import Event
from companion.method import Outcome
from companion.offline import TeamDesk
from companion.outbox import Outbox
from companion.store import close_database, open_database
from companion.store.models import Call
from companion.ui.main_window import MainWindow
from companion.ui.trace import Tracer
from tests.conftest import Clock
from tests.tcp_proxy import Proxy

IVAN = "+74993224685"


@pytest.fixture
def proxy(postgres_server) -> Iterator[Proxy]:  # type: ignore[no-untyped-def]
    direct = urlsplit(postgres_server.new_database())
    forwarder = Proxy(direct.hostname or "127.0.0.1", direct.port or 5432)
    forwarder.url = urlunsplit(direct._replace(netloc=f"{direct.username}@127.0.0.1:{forwarder.port}"))  # type: ignore[attr-defined]
    yield forwarder
    forwarder.close()
    close_database()


@pytest.fixture
def team_window(qtbot, proxy: Proxy, tmp_path: Path, clock: Clock) -> MainWindow:  # type: ignore[no-untyped-def]
    open_database(proxy.url)  # type: ignore[attr-defined]
    desk = TeamDesk(Settings(region="RU", rep="me", lang="en"), Outbox(tmp_path / "team.sqlite3"), clock)
    win = MainWindow(
        desk,
        Settings(region="RU", rep="me", lang="en"),
        save_settings=lambda _settings: None,
        state=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        tracer=Tracer(tmp_path / "trace.jsonl"),
    )
    qtbot.addWidget(win)
    win.resize(380, 720)
    win.show()
    return win


def test_a_click_while_the_server_is_away_waits_is_said_and_lands_when_it_is_back(
    qtbot,
    team_window: MainWindow,
    proxy: Proxy,  # type: ignore[no-untyped-def]
) -> None:
    window = team_window
    assert window.link_timer.isActive() and window.link_banner.isHidden()
    proxy.cut()
    assert window.handle_event(Event("incoming", number=IVAN)) is None
    assert any(w.code == "offline" for w in window.card.card.warnings)
    logged = window.card.log_outcome(Outcome.TALKED)
    assert logged is not None and logged.queued
    assert window.link_banner.isVisible()
    assert "Offline" in window.link_banner.text() and "waiting to be sent: 1." in window.link_banner.text()

    window.check_link()  # still away: it stays, nothing is lost
    qtbot.waitUntil(lambda: window._link_check is None, timeout=10_000)
    assert window.desk.waiting() == 1 and window.link_banner.isVisible()

    proxy.restore()
    window.check_link()
    qtbot.waitUntil(lambda: window.link_banner.isHidden(), timeout=10_000)
    assert window.desk.waiting() == 0
    assert [(c.direction, c.outcome) for c in Call.select()] == [("in", "talked")]


def test_the_lists_beside_the_card_say_the_server_is_away_instead_of_failing(
    qtbot,
    team_window: MainWindow,
    proxy: Proxy,  # type: ignore[no-untyped-def]
) -> None:
    window = team_window
    window.desk.log(IVAN, "in", "talked")
    window.history.refresh()
    assert window.history.model.rowCount() == 1
    proxy.cut()
    window.card.show_event(IVAN, "in")  # finds the server gone
    assert window.desk.offline
    for view in (window.history, window.contacts, window.today):
        window.tabs.setCurrentWidget(view)  # each refreshes: none may raise
    assert "cannot be reached" in window.history.status.text()
    assert window.history.model.rowCount() == 1  # what was read stays
    assert "cannot be reached" in window.contacts.count.text()
    assert "cannot be reached" in window.today.heading.text()
