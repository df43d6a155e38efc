"""The whole window, built alone on the test's desk and files (what several view tests share).
No test ever asks the OS to dial: ``phone_links`` records what would have been opened."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from companion.config import Settings
from companion.desk import Desk
from companion.ui import main_window
from companion.ui.main_window import MainWindow
from companion.ui.trace import Tracer


@pytest.fixture
def utc_here() -> Iterator[None]:
    """This computer's clock in UTC, whatever the machine running the tests says (the rep's
    own times on screen, and whether "their time" differs from it)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(autouse=True)
def phone_links(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The numbers the window asked the OS to dial (``tel:`` links), instead of dialling."""
    opened: list[str] = []

    def record(number: str) -> bool:
        opened.append(number)
        return True

    monkeypatch.setattr(main_window, "open_phone_link", record)
    return opened


@pytest.fixture
def window(qtbot, desk: Desk, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """A shown MainWindow, 380×720; what it saves is in ``window.saved``."""
    saved: list[Settings] = []
    win = MainWindow(
        desk,
        Settings(region="RU", rep="me", lang="en"),
        save_settings=saved.append,
        state=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        tracer=Tracer(tmp_path / "trace.jsonl"),
    )
    win.saved = saved  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    win.resize(380, 720)
    win.show()
    return win
