"""Colours and small shared look-and-feel pieces. Temperature is never shown by colour
alone: every strip also carries a word and a symbol."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from companion.method import Temperature

#: (background, text) for the temperature strip; strong enough contrast on light and dark
TEMPERATURE_COLOURS: dict[Temperature, tuple[str, str]] = {
    Temperature.HOT: ("#c0392b", "#ffffff"),
    Temperature.WARM: ("#d68910", "#1b1b1b"),
    Temperature.COLD: ("#2e6da4", "#ffffff"),
}
#: a symbol per temperature for colour-blind users (shape, not hue)
TEMPERATURE_SYMBOLS: dict[Temperature, str] = {
    Temperature.HOT: "▲▲▲",
    Temperature.WARM: "▲▲△",
    Temperature.COLD: "▲△△",
}
WARNING_COLOUR = "#b03a2e"
DARK_WARNING_COLOUR = "#ff7b6e"  # the same red, readable on a dark palette
OK_COLOUR = "#1e8449"
DARK_OK_COLOUR = "#58d68d"


def is_dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def muted_text() -> QColor:
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    colour = palette.color(QPalette.ColorRole.PlaceholderText)
    return colour


def warning_colour() -> str:
    """Red for warnings and errors, with enough contrast on the current palette."""
    return DARK_WARNING_COLOUR if is_dark() else WARNING_COLOUR


def ok_colour() -> str:
    return DARK_OK_COLOUR if is_dark() else OK_COLOUR
