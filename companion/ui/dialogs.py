"""Every modal question the window asks goes through one of these helpers, so that tests
patch one place (``monkeypatch.setattr(dialogs, "ask_confirm", lambda *a, **k: True)``) and
never open a real dialog."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget


def ask_confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """A yes/no question whose "yes" button says what it does (``action``)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes


def tell(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def ask_open_file(parent: QWidget | None, title: str, filters: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path or None


def ask_save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    """A path to write; ``suggested`` is a file name (offered in the Documents folder) or a
    path. A name typed without an extension gets the one of the chosen filter."""
    if not Path(suggested).is_absolute():
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / suggested) if folder else suggested
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    if path and not Path(path).suffix:
        pattern = re.search(r"\*(\.\w+)", chosen)
        if pattern:
            path += pattern.group(1)
    return path or None


def export_to(
    parent: QWidget | None,
    title: str,
    suggested: str,
    filters: Sequence[str],
    write: Callable[[Path], int],
) -> tuple[Path, int] | None:
    """Ask where to export (the extension of ``suggested`` when none is typed), then
    ``write`` there under a wait cursor: (path, rows written), or None when the rep cancelled.
    ``write``'s BadInput (the file could not be written) goes to the caller to show."""
    chosen = ask_save_file(parent, title, suggested, ";;".join(filters))
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(Path(suggested).suffix)
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        return path, write(path)
    finally:
        QApplication.restoreOverrideCursor()
