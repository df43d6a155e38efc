"""The whole window, built alone on the test's desk and files (what several view tests share)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from companion.config import Settings
from companion.desk import Desk
from companion.ui.main_window import MainWindow
from companion.ui.trace import Tracer


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
