"""The window a salesperson keeps open all day: the card first, then the other views.

Wiring only: each view is built with what it needs and talks to the service layer itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QRunnable, QSettings, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QCursor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTabBar,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n, numbers, places
from companion.book import Book
from companion.card import CallbackInfo, Card
from companion.config import Settings
from companion.desk import BadInput, Desk, close_thread_connection
from companion.importers import ImportFileError, ImportReport, open_source
from companion.integrations import dial
from companion.integrations.clipboard import ClipboardWatch
from companion.integrations.http_hook import DEFAULT_PORT, HttpHook
from companion.ipc import Event
from companion.journal import Journal
from companion.method import Direction
from companion.paths import without_password
from companion.ui import dialogs
from companion.ui.callbacks_view import CallbacksView
from companion.ui.card_view import CardView
from companion.ui.contacts_view import ContactsView
from companion.ui.history_view import HistoryView
from companion.ui.icons import icon
from companion.ui.import_dialog import IMPORT_PATTERNS, ImportDialog, importable_files
from companion.ui.settings_view import SettingsView
from companion.ui.style import warning_colour
from companion.ui.today_view import TodayView
from companion.ui.tolog_view import ToLogView
from companion.ui.trace import Tracer

log = logging.getLogger("companion.ui")

#: how often the window looks for callbacks that fell due
LINK_CHECK_MS = 10_000  # how often a team desk looks whether the server is back
DUE_CHECK_MS = 30_000
#: more callbacks falling due at once than this get one notification together
NOTIFY_EACH = 3
#: a phone link for the number we just gave the OS to dial, this soon, is that same call
OWN_LINK_SECONDS = 20.0


def open_phone_link(number: str) -> bool:
    """Ask the OS to dial ``number`` (``tel:+…``) with the program it has for phone links.
    Only when no softphone hand-off is set; tests replace this function."""
    return QDesktopServices.openUrl(QUrl("tel:" + number))


class TabBar(QTabBar):
    """Tabs that, when only icons fit (a side-docked window), pad them less: seven views and
    their counts fit 320 pixels without scroll arrows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compact = False
        self._style = CompactTabStyle()  # kept: the widget does not own its style
        self.setStyle(self._style)


class CompactTabStyle(QProxyStyle):
    """The application's style, with less room beside a compact tab's icon."""

    def pixelMetric(  # noqa: N802 - Qt override
        self, metric: QStyle.PixelMetric, option: QStyleOption | None = None, widget: QWidget | None = None
    ) -> int:
        if metric == QStyle.PixelMetric.PM_TabBarTabHSpace and isinstance(widget, TabBar) and widget.compact:
            return 10
        return super().pixelMetric(metric, option, widget)


class MainWindow(QMainWindow):
    #: a tray notification to show: title, message (the tray shows it; clicking it opens
    #: the Callbacks view through ``open_callbacks``)
    notify = Signal(str, str)
    #: the callbacks or their count changed (the tray's tooltip says how many are due)
    callbacksChanged = Signal()

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        *,
        save_settings: Callable[[Settings], None],
        state: QSettings,
        tracer: Tracer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.settings = settings
        self.save_settings = save_settings
        self.state = state
        self.tracer = tracer or Tracer()
        self._ready = False
        self.in_call = False
        self.quitting = False
        self.can_hide_to_tray = False
        self.demo = False
        #: (callback id, due) already notified: once per callback per due time
        self.notified: set[tuple[int, datetime]] = set()
        #: the number last handed to the OS to dial, and until when its link is ours
        self._own_link: tuple[str, float] | None = None
        self.setWindowTitle("Call Companion")
        self.setWindowIcon(icon("app"))
        self.setMinimumSize(300, 420)
        self.setAcceptDrops(True)  # a contacts file or call list dropped anywhere is imported
        self.import_dialog: ImportDialog | None = None

        self.book = Book(desk)
        self.journal = Journal(desk)
        self.card = CardView(desk, saver=self.book, tracer=self.tracer)
        self.tolog = ToLogView(desk)
        self.callbacks_view = CallbacksView(desk)
        self.history = HistoryView(self.journal)
        self.contacts = ContactsView(self.book)
        self.today = TodayView(self.journal)
        self.settings_view = SettingsView(settings)

        self.tabs = QTabWidget()
        self.tab_bar = TabBar()
        self.tabs.setTabBar(self.tab_bar)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setAccessibleName(self.tr("Views"))
        self._tab_counts: dict[QWidget, int] = {}
        self._tab_texts = [
            (self.card, "card", self.tr("Card")),
            (self.tolog, "tolog", self.tr("To log")),
            (self.callbacks_view, "callbacks", self.tr("Callbacks")),
            (self.history, "history", self.tr("History")),
            (self.contacts, "contacts", self.tr("Contacts")),
            (self.today, "today", self.tr("Today")),
            (self.settings_view, "settings", self.tr("Settings")),
        ]
        for widget, icon_name, text in self._tab_texts:
            self.tabs.addTab(widget, icon(icon_name), text)
            self.tabs.setTabToolTip(self.tabs.indexOf(widget), text)
        self.pin = QToolButton()
        self.pin.setIcon(icon("pin"))
        self.pin.setCheckable(True)
        self.pin.setToolTip(self.tr("Keep on top of other windows"))
        self.pin.setAccessibleName(self.tr("Keep on top of other windows"))
        self.pin.setChecked(settings.pinned)
        self.pin.toggled.connect(self._pin_toggled)
        self.tabs.setCornerWidget(self.pin, Qt.Corner.TopRightCorner)
        # a team database that cannot be reached: said above every view, with what waits
        self.link_banner = QLabel()
        self.link_banner.setWordWrap(True)
        self.link_banner.setAccessibleName(self.tr("Team database state"))
        self.link_banner.setStyleSheet(f"color: {warning_colour()}; font-weight: bold; padding: 4px;")
        self.link_banner.hide()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.link_banner)
        column.addWidget(self.tabs)
        self.setCentralWidget(body)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.card.logged.connect(self._after_change)
        self.card.undone.connect(self._after_change)
        self.card.callActive.connect(self._call_active)
        self.card.callRequested.connect(self.call_number)
        self.tolog.openCall.connect(self._open_call)
        self.tolog.callBack.connect(self.call_from_list)
        self.callbacks_view.callRequested.connect(self.call_number)
        self.callbacks_view.changed.connect(self._callbacks_changed)
        self.callbacks_view.dueCountChanged.connect(self._callbacks_changed)
        self.history.numberActivated.connect(self._open_number)
        self.history.callRequested.connect(self.call_from_list)
        self.contacts.contactsChanged.connect(self.card.refresh)
        self.contacts.callRequested.connect(self.call_number)
        self.contacts.importRequested.connect(self.choose_import_file)
        self.settings_view.settingsChanged.connect(self._settings_changed)

        for index in range(len(self._tab_texts)):
            shortcut = QShortcut(QKeySequence(f"Alt+{index + 1}"), self)
            shortcut.setProperty("tab", index)
            shortcut.activated.connect(self._tab_shortcut)
        search = QShortcut(QKeySequence.StandardKey.Find, self)
        search.activated.connect(self.focus_search)
        import_file = QShortcut(QKeySequence("Ctrl+I"), self)
        import_file.activated.connect(self.choose_import_file)

        self.http_hook: HttpHook | None = None
        self._http_config: tuple[int, str] | None = None
        self.clipboard_watch: ClipboardWatch | None = None

        self._restore_geometry()
        self._update_tolog_title()
        self._update_callbacks_title()
        self._apply_on_top()
        self.apply_integrations()

        self.due_timer = QTimer(self)
        self.due_timer.setInterval(DUE_CHECK_MS)
        self.due_timer.timeout.connect(self.check_due)
        self.due_timer.start()

        # a team desk (companion.offline.TeamDesk): is the server back? then send what waits
        self._link_check: LinkCheck | None = None
        self.link_timer = QTimer(self)
        self.link_timer.setInterval(LINK_CHECK_MS)
        self.link_timer.timeout.connect(self.check_link)
        if hasattr(desk, "check_link"):
            self.link_timer.start()
        self.card.logged.connect(self.show_link_state)

    # --- events from outside --------------------------------------------------------------

    def handle_event(self, event: Event) -> str | None:
        """An event handed over by another ``companion`` process (a softphone hook, a phone
        link, a second start) or by the OS (a link opened on macOS). Returns why it could not
        be taken (the call not recorded), or None."""
        self.tracer.mark("event_received", kind=event.event, sent_ns=event.sent_ns)
        if event.event == "show":
            if event.call is not None:
                self.show_recorded_call(event.call)
            else:
                self._update_tolog_title()
                self.bring_to_front()
        elif event.event in ("incoming", "outgoing"):
            direction = Direction.IN if event.event == "incoming" else Direction.OUT
            if event.link and direction is Direction.OUT and self._is_own_link(event.caller):
                # the tel: link we gave the OS came back: we are its phone-link program, so
                # nothing dialled; that call's card is up already
                self.bring_to_front()
                self.card.show_notice(
                    self.tr(
                        "Nothing on this computer dials phone links: choose your softphone in "
                        "Settings → Phone links, then Call dials it."
                    )
                )
                return None
            card = self.incoming_event(event.caller, direction, from_outside=True)
            if card is None:
                return self.card.error.text() or "not recorded"
            if event.link:
                self.dial_after_link(card)
        elif event.event == "answered":
            self.tabs.setCurrentWidget(self.card)
            self.card.call_answered(event.caller)
        elif event.event == "ended":
            error = self.card.call_ended(event.caller)
            self._update_tolog_title()
            return error
        return None

    def other_database_asked(self, database: str) -> None:
        """The app was started again for another database (the demo is open, say): this window
        comes forward and says how to get there."""
        self.bring_to_front()
        self.card.show_notice(
            self.tr(
                "Call Companion is open on another database. To open {database}, quit this window "
                "first (tray icon → Quit), then start Call Companion again."
            ).format(database=without_password(database))
        )

    def unreachable(self, why: str) -> None:
        """Hooks cannot reach this window (its channel could not be opened): say so."""
        self.card.show_notice(self.tr("Softphones cannot reach this window: {why}").format(why=why or "?"))

    def show_recorded_call(self, call_id: int) -> None:
        """A hook recorded the call, then started this window: its card, as if it rang here."""
        self.tabs.setCurrentWidget(self.card)
        card = self.card.show_call(call_id)
        if card is not None:
            self.card.hold_keys()
            if self.card.is_live(card):  # it may have ended while the window was starting
                self.card.callActive.emit(True)
        self._update_tolog_title()
        self.bring_to_front()

    def incoming_event(
        self, raw: str, direction: Direction | str, *, from_outside: bool = False
    ) -> Card | None:
        """A number rang in or is being dialled: card first, focus on it, raise the window.
        From outside (a softphone), digits typed in the next moment were meant for the program
        the rep was in: they do not log an outcome."""
        self.tabs.setCurrentWidget(self.card)
        card = self.card.show_event(raw, direction)
        if card is not None and from_outside:
            self.card.hold_keys()
        self._update_tolog_title()
        self.bring_to_front()
        return card

    def apply_integrations(self) -> None:
        """Start or stop the local web address and the clipboard watch as the settings say."""
        settings = self.settings
        port = settings.http_port or DEFAULT_PORT
        hook, wanted = self.http_hook, (port, settings.http_token) if settings.http_hook else None
        if hook is not None and wanted != self._http_config:
            hook.stop()
            hook.deleteLater()
            self.http_hook = hook = None
        if wanted is not None and settings.http_token and hook is None:
            hook = HttpHook(settings.http_token, port, parent=self)
            hook.eventReceived.connect(self._web_event)
            if hook.start():
                self.http_hook, self._http_config = hook, wanted
            else:
                log.warning("local web address: %s", hook.error_text)
                self.settings_view.show_problem(hook.error_text)
                hook.deleteLater()
        watch = self.clipboard_watch
        if settings.clipboard_watch and watch is None:
            watch = self.clipboard_watch = ClipboardWatch(self.desk.settings.region, parent=self)
            watch.numberCopied.connect(self._copied_number)
            watch.start()
        elif watch is not None:
            if settings.clipboard_watch:
                watch.set_region(self.desk.settings.region)
            else:
                watch.stop()
                watch.deleteLater()
                self.clipboard_watch = None

    def _web_event(self, event: str, number: str, name: str) -> None:
        self.handle_event(Event(event, number=number, name=name))

    def _copied_number(self, text: str) -> None:
        """A phone number was copied somewhere: its card, without taking the keyboard away —
        unless a call still to log is on the card: that stays, the number waits in the box."""
        self.tabs.setCurrentWidget(self.card)
        shown = self.card.card
        if shown is not None and shown.call_id is not None and self.card.current_log is None:
            self.card.search.setText(text)
            self.card.show_notice(
                self.tr("Copied {number}: press Enter in the number box for its card.").format(number=text)
            )
            return
        self.card.show_number(text)
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()

    def dial_after_link(self, card: Card) -> None:
        """A phone link was clicked and this app is the link handler: the card is shown, now
        the softphone dials (never the OS link handler: that would be us again)."""
        if self._hands_off():
            why = self._dial(card.number.e164 or card.number.key)
            if why is not None:
                self.card.show_notice(why)

    def call_number(self, number: str) -> None:
        """Click-to-call (a callback, the to-log list, History, Contacts, the card): the
        outgoing card at once — a callback's card, with the promise, when one is open — then
        the number goes to the softphone set in Settings, or else to the OS's phone-link
        program. Why it could not be dialled shows in the card's notice line, on a card that
        records nothing: a call that was never dialled is not one to log."""
        if self.demo:
            if self.incoming_event(number, Direction.OUT) is not None:
                self.card.show_notice(self.tr("Demo: the number is not dialled."))
            return
        try:
            parsed = self.desk.parse(number)
        except BadInput:
            self.incoming_event(number, Direction.OUT)  # its card says what is wrong with it
            return
        why = self._dial(parsed.e164 or parsed.key)
        if why is None:
            self.incoming_event(number, Direction.OUT)  # dialled: the call is on, and recorded
            return
        self.tabs.setCurrentWidget(self.card)
        self.card.show_number(number, Direction.OUT)
        self.card.show_notice(why)
        self.bring_to_front()

    def call_from_list(self, number: str) -> None:
        """Call from To log or History, where nothing showed the person: one who asked not to
        be called is asked about first (the card and the Callbacks view ask themselves)."""
        try:
            contact = self.desk.lookup(number, Direction.OUT).contact
        except BadInput:
            contact = None
        if (
            contact is not None
            and contact.do_not_call
            and not dialogs.ask_confirm(
                self,
                self.tr("Do not call"),
                self.tr("“{name}” asked not to be called. Call anyway?").format(
                    name=contact.display_name or number
                ),
                self.tr("Call anyway"),
            )
        ):
            return
        self.call_number(number)

    def _hands_off(self) -> bool:
        return self.settings.dial_handoff not in ("", "none")

    def _dial(self, number: str | None) -> str | None:
        """Hand ``number`` to the softphone or the OS; why it could not be, or None."""
        if not number:
            return self.tr("There is no number to dial.")
        try:
            digits = dial.dialable(number)
            if self._hands_off():
                dial.hand_off(
                    self.settings.dial_handoff,
                    digits,
                    program=self.settings.dial_program,
                    template=self.settings.dial_template,
                )
                return None
        except dial.DialError as exc:
            return str(exc)
        self._own_link = (number, time.monotonic() + OWN_LINK_SECONDS)
        if not open_phone_link(digits):
            self._own_link = None
            return self.tr(
                "Nothing on this computer dials phone links: choose your softphone in "
                "Settings → Phone links, then Call dials it."
            )
        return None

    def _is_own_link(self, raw: str) -> bool:
        """Were we the OS's phone-link program, the number we just asked it to dial comes
        back as a link: it is the call already on the card, not a second one."""
        own, self._own_link = self._own_link, None
        if own is None or time.monotonic() > own[1]:
            return False
        try:
            return self.desk.parse(raw).key == own[0]
        except BadInput:
            return False

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.card.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_demo(self) -> None:
        """The demo's first minute: a live incoming referral call, and where to find the rest.
        Its numbers are made up: Call shows the card and dials nothing."""
        self.demo = True
        self.incoming_event("+7 812 555 12 34", Direction.IN)
        self.card.show_notice(
            self.tr(
                "Demo: this call is ringing now — press a digit 1–7 to log it. Every kind of card is "
                "in History (double-click a call) and Contacts (Call)."
            )
        )

    # --- callbacks falling due ----------------------------------------------------------------

    def check_due(self) -> list[CallbackInfo]:
        """Every 30 s (and right after start): the Callbacks view and its count are read
        again; a callback that fell due since the last look is notified once (again at its new
        time after a snooze) and a hidden or minimised window comes up without taking the
        keyboard — never during a call. Returns the newly due callbacks."""
        try:
            due = self.desk.callbacks(due_only=True)
        except BadInput as exc:
            log.warning("callbacks: %s", exc)
            return []
        fresh = [info for info in due if (info.id, info.due) not in self.notified]
        self.notified.update((info.id, info.due) for info in fresh)
        self.callbacks_view.refresh()
        self._update_callbacks_title()
        if fresh:
            self._notify_due(fresh)
            self.raise_gently()
        return fresh

    def _notify_due(self, fresh: list[CallbackInfo]) -> None:
        if len(fresh) > NOTIFY_EACH:
            names = ", ".join(self._callback_who(info) for info in fresh[:NOTIFY_EACH])
            self.notify.emit(
                self.tr("Callbacks due: {n}").format(n=len(fresh)),
                self.tr("Call back {names} and others.").format(names=names),
            )
            return
        for info in fresh:
            who = self._callback_who(info)
            text = (
                self.tr("Call back {name}: {promise}").format(name=who, promise=info.promise)
                if info.promise
                else self.tr("Call back {name}.").format(name=who)
            )
            there = info.local_now
            if there is not None and there.utcoffset() != self.desk.clock().astimezone().utcoffset():
                text += "\n" + self.tr("It is {time} there.").format(time=i18n.clock(there))
            self.notify.emit(self.tr("Callback due"), text)

    def _callback_who(self, info: CallbackInfo) -> str:
        return info.contact_name or info.number or self.tr("no number")

    def raise_gently(self) -> bool:
        """A hidden (in the tray) or minimised window comes up with the Callbacks view, without
        taking the keyboard from the program the rep is in; never while a call is live."""
        if self.in_call or (self.isVisible() and not self.isMinimized()):
            return False
        shown = self.card.card
        if shown is None or shown.call_id is None or self.card.current_log is not None:
            self.tabs.setCurrentWidget(self.callbacks_view)  # no call still to log on the card
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        try:
            if self.isMinimized():
                self.showNormal()
            else:
                self.show()
        finally:
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        return True

    def open_callbacks(self) -> None:
        """A callback's notification was clicked: the Callbacks view, first row focused."""
        self.bring_to_front()
        self.tabs.setCurrentWidget(self.callbacks_view)
        self.callbacks_view.focus_first()

    def _tab_shortcut(self) -> None:
        shortcut = self.sender()
        if shortcut is not None:
            self.tabs.setCurrentIndex(int(shortcut.property("tab")))

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.card)
        self.card.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.card.search.selectAll()

    # --- importing ---------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        """Ctrl+I, or Import… in Contacts: pick a file, then its import dialog."""
        filters = ";;".join(
            (
                self.tr("Contacts and call lists") + f" ({IMPORT_PATTERNS})",
                self.tr("All files") + " (*)",
            )
        )
        path = dialogs.ask_open_file(self, self.tr("Import contacts or calls"), filters)
        if path:
            self.open_import(Path(path))

    def open_import(self, path: Path) -> ImportDialog | None:
        """The import dialog for ``path`` (one import at a time); a file that cannot be
        imported at all is said so, and nothing else happens."""
        current = self.import_dialog
        if current is not None and current.running:
            dialogs.tell(
                self,
                self.tr("Import"),
                self.tr(
                    "An import is running: wait for it to end (or cancel it) before importing {file}."
                ).format(file=path.name),
            )
            self._raise_dialog(current)
            return None
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            source = open_source(path)
        except ImportFileError as exc:
            source, why = None, str(exc)
        finally:
            QApplication.restoreOverrideCursor()
        if source is None:
            dialogs.tell(self, self.tr("Cannot import {file}").format(file=path.name), why)
            return None
        if current is not None:
            current.close()
            current.deleteLater()
        dialog = ImportDialog(self.desk, source, parent=self)
        dialog.imported.connect(self._imported)
        self.import_dialog = dialog
        self._raise_dialog(dialog)
        return dialog

    @staticmethod
    def _raise_dialog(dialog: ImportDialog) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _imported(self, _report: ImportReport) -> None:
        """An import changed contacts or calls: every view shows them."""
        self.contacts.refresh()
        self.card.refresh()
        self._update_tolog_title()
        self._tab_changed(self.tabs.currentIndex())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if importable_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = importable_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        # after the drop returns: the file manager is not kept waiting on our dialog
        QTimer.singleShot(0, self, partial(self.open_import, files[0]))

    # --- reactions -------------------------------------------------------------------------

    def _open_call(self, call_id: int) -> None:
        self.tabs.setCurrentWidget(self.card)
        self.card.show_call(call_id)

    def _open_number(self, number: str, direction: str) -> None:
        self.tabs.setCurrentWidget(self.card)
        self.card.show_number(number, direction)

    # --- the team database's link ---------------------------------------------------------

    def check_link(self) -> None:
        """Off the GUI thread (a connect may wait for its timeout): one look at a time."""
        if self._link_check is not None or not hasattr(self.desk, "check_link"):
            return
        self._link_check = LinkCheck(self.desk)
        self._link_check.signals.done.connect(self._link_checked)
        QThreadPool.globalInstance().start(self._link_check)

    def _link_checked(self, sent: int, problem: str) -> None:
        self._link_check = None
        if problem:
            log.warning("sending the waiting outcomes: %s", problem)
        if sent:
            self._after_change()
        self.show_link_state()

    def show_link_state(self, *_args: object) -> None:
        offline = bool(getattr(self.desk, "offline", False))
        waiting = self.desk.waiting() if hasattr(self.desk, "waiting") else 0
        if offline:
            text = self.tr(
                "Offline: the team database cannot be reached. Outcomes waiting to be sent: %n.",
                "",
                waiting,
            )
        elif waiting:
            text = self.tr("Sending the waiting outcomes to the team database: %n…", "", waiting)
        else:
            text = ""
        refused = self.desk.refused() if hasattr(self.desk, "refused") else 0
        if refused:
            text = " ".join(
                t
                for t in (
                    text,
                    self.tr(
                        "Outcomes the team database refused: %n (kept on this computer; see companion.log).",
                        "",
                        refused,
                    ),
                )
                if t
            )
        self.link_banner.setText(text)
        self.link_banner.setVisible(bool(text))

    def _after_change(self, *_args: object) -> None:
        """Something was logged or undone: the lists and their counts are read again."""
        self._update_tolog_title()
        self.callbacks_view.refresh()
        self._update_callbacks_title()

    def _callbacks_changed(self, *_args: object) -> None:
        self._update_callbacks_title()

    def _tab_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        refresh = getattr(current, "refresh", None)
        if current is not self.card and callable(refresh):
            refresh()

    def _update_tolog_title(self) -> None:
        self.tolog.refresh()
        self._set_tab_count(self.tolog, self.tolog.count())

    def _update_callbacks_title(self) -> None:
        """The Callbacks tab counts the ones that are due."""
        self._set_tab_count(self.callbacks_view, self.callbacks_view.due_count())
        self.callbacksChanged.emit()

    def _set_tab_count(self, widget: QWidget, count: int) -> None:
        self._tab_counts[widget] = count
        self._apply_tab_texts()

    def _apply_tab_texts(self) -> None:
        """Icons and words when they fit; icons only (words in tooltips, counts kept) when
        they don't."""
        bar = self.tab_bar
        bar.compact = False
        texts = []
        for index, (widget, _icon, base) in enumerate(self._tab_texts):
            count = self._tab_counts.get(widget, 0)
            text = f"{base} ({count})" if count else base
            texts.append(str(count) if count else "")
            self.tabs.setTabText(index, text)
            self.tabs.setTabToolTip(index, text)
        room = self.width() - self.pin.sizeHint().width() - 8
        if bar.sizeHint().width() <= room:
            return
        bar.compact = True
        for index, count in enumerate(texts):
            self.tabs.setTabText(index, count)

    def _call_active(self, active: bool) -> None:
        self.in_call = active
        self._apply_on_top()

    def _pin_toggled(self, pinned: bool) -> None:
        if pinned != self.settings.pinned:
            self._settings_changed(replace(self.settings, pinned=pinned))
            self.settings_view.load(self.settings)

    def _settings_changed(self, settings: Settings) -> None:
        old_rep, new_rep = self.desk.rep, settings.resolved().rep
        self.settings = settings
        self.save_settings(settings)
        self.desk.settings = settings.resolved()
        if old_rep != new_rep and dialogs.ask_confirm(
            self,
            self.tr("Your name changed"),
            self.tr(
                "Calls and contacts are marked with the rep's name. Mark everything that was "
                "“{old}” as “{new}” too? (Say no if “{old}” is a colleague sharing this database.)"
            ).format(old=old_rep, new=new_rep),
            self.tr("Rename"),
        ):
            self.desk.rename_rep(old_rep, new_rep)
            self._update_tolog_title()
        self.pin.blockSignals(True)
        self.pin.setChecked(settings.pinned)
        self.pin.blockSignals(False)
        self._apply_on_top()
        self.apply_integrations()
        self.card.refresh()

    def on_top(self) -> bool:
        return self.settings.pinned or (self.settings.on_top_during_calls and self.in_call)

    def _apply_on_top(self) -> None:
        want = self.on_top()
        if bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint) == want:
            return
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, want)
        if visible:
            self.show()

    # --- window state ---------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.state.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(380, 720)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Digits 1–7 log from anywhere in the window while the card is the current view
        (text fields keep their digits: they never pass them on)."""
        if self.tabs.currentWidget() is self.card and self.card.handle_outcome_key(event):
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_tab_texts()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._ready:
            self._ready = True
            self.tracer.mark("ready")
            # in a pool thread: the number tables the first card would otherwise wait for
            region, lang = self.desk.settings.region, self.desk.settings.lang or "en"
            QThreadPool.globalInstance().start(partial(_warm_up, region, lang))
            # the first look for due callbacks once the window is on screen, not before
            QTimer.singleShot(0, self, self.check_due)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.state.setValue("window/geometry", self.saveGeometry())
        self.state.sync()
        if self.can_hide_to_tray and not self.quitting:
            event.ignore()
            self.hide()  # an import goes on meanwhile
            return
        if self.import_dialog is not None and not self.import_dialog.stop(ask=True):
            event.ignore()  # the rep lets the import finish
            self.quitting = False
            return
        super().closeEvent(event)


class _LinkSignals(QObject):
    done = Signal(int, str)  # how many were sent; what went wrong ("" when nothing)


class LinkCheck(QRunnable):
    """``desk.check_link()`` in a pool thread (its own database connection)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.signals = _LinkSignals()

    def run(self) -> None:
        sent, problem = 0, ""
        try:
            sent = int(self.desk.check_link())  # type: ignore[attr-defined]
        except Exception as exc:  # an outcome the server refuses: it stays first, said in the log
            problem = str(exc)
        finally:
            close_thread_connection()  # peewee's connection of this pool thread
        self.signals.done.emit(sent, problem)


def _warm_up(region: str, lang: str) -> None:
    """The place tables (written first if this is their first use) and the number tables, so
    that the first card does not wait for them."""
    places.prepare()
    numbers.warm_up(region, lang)
