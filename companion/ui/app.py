"""Starting the window: the QApplication, translations, the tray, the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from companion import i18n
from companion.config import APP_AUTHOR, APP_NAME, Settings, config_path
from companion.desk import Desk
from companion.ui.icons import icon
from companion.ui.main_window import MainWindow
from companion.ui.trace import Tracer


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("call-companion")
    app.setWindowIcon(icon("app"))
    return app


def window_state() -> QSettings:
    """Window geometry and such, beside the preferences file (so tests stay in tmp)."""
    return QSettings(str(config_path().with_name("window.ini")), QSettings.Format.IniFormat)


class Tray(QSystemTrayIcon):
    """The tray icon: current state in the tooltip, show/hide, always on top, quit."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(icon("app"), window)
        self.window = window
        menu = QMenu()
        self.show_action = QAction(self.tr("Show Call Companion"), menu)
        self.show_action.triggered.connect(window.bring_to_front)
        self.pin_action = QAction(self.tr("Keep on top"), menu)
        self.pin_action.setCheckable(True)
        self.pin_action.setChecked(window.pin.isChecked())
        self.pin_action.toggled.connect(window.pin.setChecked)
        window.pin.toggled.connect(self.pin_action.setChecked)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.quit)
        menu.addActions([self.show_action, self.pin_action])
        menu.addSeparator()
        menu.addAction(quit_action)
        self.menu = menu
        self.setContextMenu(menu)
        self.activated.connect(self._activated)
        window.card.cardShown.connect(self.update_state)
        window.card.logged.connect(self.update_state)
        self.update_state()

    def update_state(self, *_args: object) -> None:
        count = self.window.tolog.count()
        text = APP_NAME
        if count:
            text += " — " + self.tr("to log: {n}").format(n=count)
        self.setToolTip(text)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            if self.window.isVisible() and self.window.isActiveWindow():
                self.window.hide()
            else:
                self.window.bring_to_front()

    def quit(self) -> None:
        self.window.quitting = True
        self.window.close()
        QApplication.quit()


def build_window(
    desk: Desk, settings: Settings, save_settings: Callable[[Settings], None], tracer: Tracer | None = None
) -> MainWindow:
    application()
    if desk.settings.lang != "en":
        i18n.install(desk.settings.lang)
    window = MainWindow(desk, settings, save_settings=save_settings, state=window_state(), tracer=tracer)
    if QSystemTrayIcon.isSystemTrayAvailable():
        window.tray = Tray(window)  # type: ignore[attr-defined]
        window.tray.show()  # type: ignore[attr-defined]
        window.can_hide_to_tray = True
    return window


def run_window(
    desk: Desk, settings: Settings, save_settings: Callable[[Settings], None], *, demo: bool = False
) -> int:
    app = application()
    window = build_window(desk, settings, save_settings)
    app.setQuitOnLastWindowClosed(not window.can_hide_to_tray)
    window.show()
    if demo:
        window.start_demo()
    return app.exec()
