"""Starting the window: the QApplication, translations, the tray, the main window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from functools import partial
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QEvent, QObject, QSettings, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from companion import i18n
from companion.config import APP_AUTHOR, APP_NAME, Settings, config_path
from companion.desk import Desk
from companion.instance import InstanceServer, Start
from companion.ipc import MAX_NUMBER, Event, mark_deaf
from companion.launch import hand_over
from companion.ui.icons import icon
from companion.ui.main_window import MainWindow
from companion.ui.trace import Tracer


class CompanionApp(QApplication):
    """The application object. macOS sends it phone links as ``QFileOpenEvent``; they go to
    ``links`` (an application-wide event filter would put every event of every widget through
    Python)."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.links = UrlOpenFilter(self)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and self.links.take(event):
            return True
        return super().event(event)


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = CompanionApp(sys.argv[:1])
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
    """The tray icon: current state in the tooltip, show/hide, always on top, quit; the
    window's notifications (a callback fell due), a click on one opens the Callbacks view."""

    #: how long a notification stays up, where the OS lets us say
    MESSAGE_MS = 15_000

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
        window.callbacksChanged.connect(self.update_state)
        window.notify.connect(self.show_notification)
        self.messageClicked.connect(window.open_callbacks)
        self.update_state()

    def update_state(self, *_args: object) -> None:
        count = self.window.tolog.count()
        due = self.window.callbacks_view.due_count()
        parts = []
        if count:
            parts.append(self.tr("to log: {n}").format(n=count))
        if due:
            parts.append(self.tr("callbacks due: {n}").format(n=due))
        self.setToolTip(" — ".join([APP_NAME, ", ".join(parts)]) if parts else APP_NAME)

    def show_notification(self, title: str, text: str) -> None:
        self.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, self.MESSAGE_MS)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            if self.window.isVisible() and self.window.isActiveWindow():
                self.window.hide()
            else:
                self.window.bring_to_front()

    def quit(self) -> None:
        self.window.quitting = True
        if not self.window.close():  # the rep chose to let a running import finish
            return
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
    desk: Desk,
    settings: Settings,
    save_settings: Callable[[Settings], None],
    *,
    database: str = "",
    demo: bool = False,
    pending: Event | None = None,
    call_id: int | None = None,
    backup: Callable[[], object] | None = None,
) -> int:
    """The window, until it quits — or, when this user's window is already open, the event
    handed to that one (a second start raises it). ``pending`` is an event to take first (the
    phone link that started us); ``call_id`` a call a hook recorded before starting us;
    ``backup`` makes the day's backup of the database (``DailyBackups``)."""
    app = application()
    start_log()
    # place names from a small file, not the geocoder's 100 MB of tables (see companion.places)
    from companion import places

    places.use_light_tables()
    server = InstanceServer(database)
    started = server.lock()
    if started is Start.TAKEN:  # another window is open (or opening): it shows ours
        return _hand_to_other(pending or Event("show", call=call_id, db=database or None))
    if isinstance(app, CompanionApp):
        opened = app.links
    else:  # a QApplication made by someone else (a test, an embedding): filter its events
        opened = UrlOpenFilter(app)
        app.installEventFilter(opened)
    window = build_window(desk, settings, save_settings)
    server.handler = window.handle_event
    server.on_other_database = window.other_database_asked
    opened.urlOpened.connect(window.handle_event)
    app.setQuitOnLastWindowClosed(not window.can_hide_to_tray)
    window.show()
    backups = DailyBackups(backup, window) if backup is not None else None
    if demo:
        window.start_demo()
    if call_id is not None:
        window.show_recorded_call(call_id)
    if pending is not None:
        window.handle_event(pending)
    # only now do hooks get through (they wait while we hold the lock): events in order
    deaf = started is not Start.LISTENING or not server.listen()
    mark_deaf(deaf)
    if deaf:
        window.unreachable(server.problem)
    opened.release()
    try:
        return app.exec()
    finally:
        if backups is not None:
            backups.stop()
        server.stop()
        if deaf:
            mark_deaf(False)
        QThreadPool.globalInstance().waitForDone(2000)


class DailyBackups(QObject):
    """The day's backup of the database, on a pool thread: first a little after the window is
    up (so the cold start and its first paint never wait for it), then every hour, which makes
    one on each new calendar day (``task`` does nothing when today's exists). ``task`` logs
    its own failures; a backup never stops the window."""

    FIRST_MS = 5_000
    EVERY_MS = 3_600_000

    def __init__(
        self,
        task: Callable[[], object],
        parent: QObject | None = None,
        *,
        first_ms: int = FIRST_MS,
        every_ms: int = EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self.task = task
        self._busy = threading.Lock()
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.start)
        self.first = QTimer(self)
        self.first.setSingleShot(True)
        self.first.timeout.connect(self._first)
        self.first.start(first_ms)

    def _first(self) -> None:
        self.timer.start()
        self.start()

    def start(self) -> bool:
        """Start one backup unless one is still running; True when started."""
        if not self._busy.acquire(blocking=False):
            return False
        QThreadPool.globalInstance().start(self._run)
        return True

    def _run(self) -> None:
        try:
            self.task()
        finally:
            self._busy.release()

    def stop(self) -> None:
        self.first.stop()
        self.timer.stop()


def _hand_to_other(event: Event) -> int:
    """Another process of this user holds the window's lock: it is starting or running."""
    reply = hand_over(event)  # waits only while that window is starting
    if reply is not None and reply.ok:
        return 0
    why = reply.error if reply is not None else "it does not answer"
    print(f"companion: Call Companion is already open, but {why}", file=sys.stderr)
    return 2


class UrlOpenFilter(QObject):
    """``QFileOpenEvent``: how macOS gives a ``tel:``/``callto:``/``sip:`` link to a running
    app, and to one it starts for the link. Held back until the window is ready for them."""

    urlOpened = Signal(object)  # ipc.Event

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[Event] | None = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is QApplication.instance() and event.type() == QEvent.Type.FileOpen:
            return self.take(event)
        return super().eventFilter(watched, event)

    def take(self, event: QEvent) -> bool:
        """A file-open event: True when it was a phone link (kept for the window)."""
        if not isinstance(event, QFileOpenEvent):
            return False
        text = link_text(event)
        if not text:
            return False
        opened = Event("outgoing", number=text[:MAX_NUMBER], link=True)
        if self._held is not None:
            self._held.append(opened)
        else:
            self.urlOpened.emit(opened)
        return True

    def release(self) -> None:
        held, self._held = self._held or [], None
        for opened in held:
            QTimer.singleShot(0, partial(self.urlOpened.emit, opened))


def link_text(event: QFileOpenEvent) -> str:
    """The link as macOS sent it. QUrl refuses some real-world forms (``callto://+44…/``):
    then the raw text Qt kept as the file name is used, and ``numbers`` parses either."""
    url = event.url()
    if url.isValid() and url.scheme().lower() in ("tel", "callto", "sip", "sips"):
        return url.toString()
    raw = event.file()
    if raw.lower().startswith(("tel:", "callto:", "sip:", "sips:")):
        return raw
    return ""


def start_log() -> None:
    """Warnings and errors of the window to ``companion.log`` beside the settings (a window
    started by a hook has no console)."""
    root = logging.getLogger("companion")
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return
    path = config_path().with_name("companion.log")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=512 * 1024, backupCount=2, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
