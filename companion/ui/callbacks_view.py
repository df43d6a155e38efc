"""Callbacks: the promises still to keep — overdue first (in red), then today, then later.

A row says who (or their number), the number, when it is due by the rep's clock and what
time that is where they are, and the promise. Its buttons, and keys while the row has focus:
Call (Enter), Done (D or Delete; Undo in the status line, Ctrl+Z), In 15 min (S) and In 1 hour
(H) on a callback that is due, Reschedule… (R: a date and time field in the row itself —
Enter saves, Escape closes). Up and Down move between rows. A time in the person's night is
moved into their calling hours by the desk, and the status line says so.

Everything comes from ``Desk`` as ``CallbackInfo``; every action goes back through ``Desk``.
``refresh()`` keeps each row's widget (and an open reschedule field, and the focus) when
the list is read again, so the window can refresh it on a timer.
"""

from __future__ import annotations

import contextlib
import enum
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.card import CallbackInfo
from companion.desk import BadInput, Desk
from companion.ui import dialogs
from companion.ui.icons import icon
from companion.ui.style import warning_colour
from companion.ui.wrap_box import WrapBox

#: how long Undo stays offered after Done
UNDO_SECONDS = 15
#: Qt's QWIDGETSIZE_MAX (PySide6 does not export it): no maximum width
NO_MAXIMUM = (1 << 24) - 1
#: from this width on, a row's buttons sit to the right of its texts
WIDE = 640
#: the snooze buttons, in minutes from now
SHORT_SNOOZE, LONG_SNOOZE = 15, 60


class Section(enum.Enum):
    OVERDUE = "overdue"
    TODAY = "today"
    LATER = "later"


def section_of(info: CallbackInfo, today: date) -> Section:
    """Overdue once due; else today or later by the rep's calendar."""
    if info.overdue:
        return Section.OVERDUE
    return Section.TODAY if info.due.astimezone().date() == today else Section.LATER


def _from_qt(moment: QDateTime) -> datetime:
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def _to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


class ElidedLabel(QLabel):
    """One line that never widens the row: cut with … when narrow (the tooltip has it whole)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 40)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width))


class DueEdit(QDateTimeEdit):
    """The reschedule field: Enter saves, Escape closes."""

    accepted = Signal()
    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accepted.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class CallbackRow(QFrame):
    """One open callback: who, when (here and there), the promise, and what to do."""

    callRequested = Signal(str)  # the number to dial
    doneRequested = Signal(int)  # callback id
    snoozeRequested = Signal(int, int)  # callback id, minutes
    rescheduleRequested = Signal(int, object)  # callback id, aware datetime
    stepRequested = Signal(int, int)  # callback id, -1 (Up) or +1 (Down)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info: CallbackInfo | None = None
        self.section = Section.LATER
        self.today = date.min
        self.now = datetime.min.replace(tzinfo=UTC)
        self.setObjectName("callbackRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.wide = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(4)
        # narrow: the texts above the buttons; wide: the buttons to the right of the texts
        self.top = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.top.setSpacing(6)
        self.layout_.addLayout(self.top)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.top.addLayout(texts, 1)

        self.name = ElidedLabel()
        bold = self.name.font()
        bold.setBold(True)
        self.name.setFont(bold)
        self.number = ElidedLabel()
        self.when = QLabel()
        self.when.setWordWrap(True)
        self.promise = QLabel()
        self.promise.setWordWrap(True)
        self.promise.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        italic = self.promise.font()
        italic.setItalic(True)
        self.promise.setFont(italic)
        for label in (self.name, self.number, self.when, self.promise):
            texts.addWidget(label)

        self.buttons = WrapBox()
        self.call_button = self._button(self.buttons, self.tr("Call"), self.tr("Call them now (Enter)"))
        self.call_button.clicked.connect(self._call)
        self.call_button.setIcon(icon("call"))
        self.done_button = self._button(
            self.buttons, self.tr("Done"), self.tr("The promise is kept: close this callback (D)")
        )
        self.done_button.clicked.connect(self._done)
        self.short_button = self._button(
            self.buttons, self.tr("In 15 min"), self.tr("Snooze: remind me in 15 minutes (S)")
        )
        self.short_button.clicked.connect(self._snooze_short)
        self.long_button = self._button(
            self.buttons, self.tr("In 1 hour"), self.tr("Snooze: remind me in an hour (H)")
        )
        self.long_button.clicked.connect(self._snooze_long)
        self.reschedule_button = self._button(
            self.buttons, self.tr("Reschedule…"), self.tr("Choose another day and time (R)")
        )
        self.reschedule_button.clicked.connect(self.open_editor)
        self.top.addWidget(self.buttons, 0, Qt.AlignmentFlag.AlignTop)

        # reschedule in place: the field and its two buttons wrap like the row's buttons
        self.editor = WrapBox()
        self.due_edit = DueEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.due_edit.setAccessibleName(self.tr("New day and time of the callback"))
        self.due_edit.accepted.connect(self._save_due)
        self.due_edit.cancelled.connect(self.close_editor)
        self.editor.add(self.due_edit)
        self.save_button = self._button(self.editor, self.tr("Save"), self.tr("Save the new time"))
        self.save_button.clicked.connect(self._save_due)
        self.cancel_button = self._button(self.editor, self.tr("Cancel"), self.tr("Keep the time as it is"))
        self.cancel_button.clicked.connect(self.close_editor)
        self.editor.hide()
        self.layout_.addWidget(self.editor)
        self._set_margins(False)

    def _set_margins(self, overdue: bool) -> None:
        """The texts of every row start in one line, the overdue row's thick edge or not."""
        self.layout_.setContentsMargins(7 if overdue else 10, 6, 8, 6)

    def set_wide(self, wide: bool) -> None:
        """Wide: the buttons on one line to the right of the texts."""
        if wide == self.wide:
            return
        self.wide = wide
        self.top.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        if self.wide:
            shown = [b for b in self.buttons.items if not b.isHidden()]
            width = sum(b.sizeHint().width() for b in shown) + self.buttons.spacing * (len(shown) - 1)
            self.buttons.setFixedWidth(max(width, 0))
        else:
            self.buttons.setMinimumWidth(0)
            self.buttons.setMaximumWidth(NO_MAXIMUM)
        self.buttons.relayout()

    @staticmethod
    def _button(box: WrapBox, text: str, tip: str) -> QToolButton:
        """A button as wide as its words (a push button's minimum width wraps a narrow row)."""
        button = QToolButton()
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        box.add(button)
        return button

    # --- what is shown ---------------------------------------------------------------

    def show_info(self, info: CallbackInfo, section: Section, today: date, now: datetime) -> None:
        self.info, self.section, self.today, self.now = info, section, today, now
        who = info.contact_name or info.number or self.tr("no number")
        overdue = section is Section.OVERDUE
        self.name.set_full_text(f"⚠ {who}" if overdue else who)
        self.number.set_full_text(info.number if info.contact_name and info.number else "")
        self.number.setVisible(bool(info.contact_name and info.number))
        self.when.setText(self.when_text(info, today, now))
        self.promise.setText(self.tr("“{promise}”").format(promise=info.promise) if info.promise else "")
        self.promise.setToolTip(info.promise)
        self.promise.setVisible(bool(info.promise))
        red = f"color: {warning_colour()};" if overdue else ""
        for label in (self.name, self.when):
            if label.styleSheet() != red:  # read again every 30 s: restyle only what changed
                label.setStyleSheet(red)
        self.call_button.setEnabled(bool(info.dial))
        self.short_button.setVisible(overdue)
        self.long_button.setVisible(overdue)
        self._fit_buttons()
        if self.property("overdue") != overdue:
            self.setProperty("overdue", overdue)
            self._set_margins(overdue)
            self.style().unpolish(self)
            self.style().polish(self)
        self.setAccessibleName(f"{who}, {self.when.text()}")
        self.setAccessibleDescription(info.promise)

    def when_text(self, info: CallbackInfo, today: date, now: datetime) -> str:
        """``Due 14:05 · 06:05 their time``; overdue: ``Overdue since 10:30 · now 02:40 their
        time`` (whether it is a good moment to call). Their time only where it differs."""
        mine = info.due.astimezone()
        when = self.moment_text(mine, today)
        if info.overdue:
            text = self.tr("Overdue since {when}").format(when=when)
            theirs, here = info.local_now, now.astimezone()
        else:
            text = self.tr("Due {when}").format(when=when)
            theirs, here = info.local_due, mine
        if theirs is not None and theirs.utcoffset() != here.utcoffset():
            time = i18n.clock(theirs) if theirs.date() == here.date() else i18n.when(theirs, year=False)
            there = self.tr("now {time} their time") if info.overdue else self.tr("{time} their time")
            text += " · " + there.format(time=time)
        return text

    def moment_text(self, local: datetime, today: date) -> str:
        """``14:05`` today, ``tomorrow 09:00``, ``26.11 09:00``, ``26.11.2027 09:00``."""
        if local.date() == today:
            return i18n.clock(local)
        if local.date() == today + timedelta(days=1):
            return self.tr("tomorrow {time}").format(time=i18n.clock(local))
        return i18n.when(local, year=local.year != today.year)

    # --- reschedule in place -------------------------------------------------------

    def open_editor(self, *_args: object) -> None:
        """The date and time field, set to the due time (an hour from now, when due)."""
        info = self.info
        if info is None:
            return
        if self.editor.isHidden():
            wanted = info.due if not info.overdue else self.now + timedelta(hours=1)
            self.due_edit.setMinimumDateTime(_to_qt(self.now))
            self.due_edit.setDateTime(_to_qt(wanted))
            self.editor.show()
            self.editor.relayout()
        self.due_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_editor(self, *_args: object) -> None:
        had_focus = self.editor.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        self.editor.hide()
        if had_focus:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def editing(self) -> bool:
        return not self.editor.isHidden()

    def _save_due(self, *_args: object) -> None:
        if self.info is not None:
            self.rescheduleRequested.emit(self.info.id, _from_qt(self.due_edit.dateTime()))

    # --- actions -------------------------------------------------------------------

    def _call(self, *_args: object) -> None:
        info = self.info
        if info is None or not info.dial:
            return
        if info.do_not_call and not dialogs.ask_confirm(
            self,
            self.tr("Do not call"),
            self.tr("“{name}” asked not to be called. Call anyway?").format(
                name=info.contact_name or info.number or info.dial
            ),
            self.tr("Call anyway"),
        ):
            return
        self.callRequested.emit(info.dial)

    def _done(self, *_args: object) -> None:
        if self.info is not None:
            self.doneRequested.emit(self.info.id)

    def _snooze_short(self, *_args: object) -> None:
        if self.info is not None:
            self.snoozeRequested.emit(self.info.id, SHORT_SNOOZE)

    def _snooze_long(self, *_args: object) -> None:
        if self.info is not None:
            self.snoozeRequested.emit(self.info.id, LONG_SNOOZE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys while the row itself has focus (its buttons and field keep theirs)."""
        key, info = event.key(), self.info
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if info is None or not plain:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._call()
        elif key in (Qt.Key.Key_D, Qt.Key.Key_Delete):
            self._done()
        elif key == Qt.Key.Key_S and info.overdue:
            self._snooze_short()
        elif key == Qt.Key.Key_H and info.overdue:
            self._snooze_long()
        elif key == Qt.Key.Key_R:
            self.open_editor()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.stepRequested.emit(info.id, -1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)


class CallbacksView(QWidget):
    """Open callbacks in three sections. ``callRequested`` carries the number to dial;
    ``changed`` says a callback was done, reopened, snoozed or moved (the window recounts)."""

    callRequested = Signal(str)
    changed = Signal()
    #: how many are due changed (time passed, or the list was read again)
    dueCountChanged = Signal(int)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.callbacks: list[CallbackInfo] = []
        self.rows: dict[int, CallbackRow] = {}
        self._due_count = 0
        self.undo_id: int | None = None
        self.setAccessibleName(self.tr("Callbacks"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.list = QVBoxLayout(body)
        self.list.setContentsMargins(0, 0, 4, 0)
        self.list.setSpacing(6)
        self.scroll.setWidget(body)
        layout.addWidget(self.scroll, 1)

        self.empty = QLabel(
            self.tr(
                "No callbacks to make.\nWhen a call ends with “Call back”, the callback waits here "
                "with what you promised, and Call Companion reminds you when it is due."
            )
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName(self.tr("No callbacks"))
        self.headers = {
            Section.OVERDUE: self._header(),
            Section.TODAY: self._header(),
            Section.LATER: self._header(),
        }
        self.headers[Section.OVERDUE].setStyleSheet(f"color: {warning_colour()};")
        self.list.addWidget(self.empty)
        for header in self.headers.values():
            self.list.addWidget(header)
        self.list.addStretch(1)

        self.status_bar = QFrame()
        self.status_bar.setFrameShape(QFrame.Shape.StyledPanel)
        status_row = QHBoxLayout(self.status_bar)
        status_row.setContentsMargins(8, 4, 8, 4)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("What was done"))
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo: the callback is open again"))
        self.undo_button.setToolTip(self.tr("Open the callback again (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        self.status_bar.hide()
        layout.addWidget(self.status_bar)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_SECONDS * 1000)
        self.undo_timer.timeout.connect(self._undo_expired)
        undo_key = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_key.activated.connect(self.undo)

        self.setStyleSheet(
            "QFrame#callbackRow { border: 1px solid palette(mid); border-radius: 4px; }"
            f'QFrame#callbackRow[overdue="true"] {{ border-left: 4px solid {warning_colour()}; }}'
            "QFrame#callbackRow:focus { border-color: palette(highlight); }"
        )
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= WIDE
        for row in self.rows.values():
            row.set_wide(wide)

    def _header(self) -> QLabel:
        label = QLabel()
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # --- what is shown ---------------------------------------------------------------

    def refresh(self) -> None:
        """Read the open callbacks again; rows that stay keep their widgets."""
        try:
            self.callbacks = self.desk.callbacks()
        except BadInput as exc:
            self.say(str(exc), error=True)
            return
        now = self.desk.clock()
        today = now.astimezone().date()
        sections: dict[Section, list[CallbackRow]] = {s: [] for s in Section}
        seen = set()
        new: list[CallbackRow] = []
        for info in self.callbacks:
            row = self.rows.get(info.id)
            if row is None:
                row = self.rows[info.id] = self._new_row()
                new.append(row)
            section = section_of(info, today)
            row.show_info(info, section, today, now)
            sections[section].append(row)
            seen.add(info.id)
        for callback_id in [i for i in self.rows if i not in seen]:
            row = self.rows.pop(callback_id)
            self.list.removeWidget(row)
            row.hide()
            row.deleteLater()
        titles = {
            Section.OVERDUE: self.tr("⚠ Overdue"),
            Section.TODAY: self.tr("Today"),
            Section.LATER: self.tr("Later"),
        }
        ordered: list[QWidget] = [self.empty]
        for section in Section:
            header = self.headers[section]
            header.setText(f"{titles[section]} ({len(sections[section])})")
            header.setVisible(bool(sections[section]))
            ordered.append(header)
            ordered.extend(sections[section])
        for index, widget in enumerate(ordered):
            if self.list.indexOf(widget) != index:
                self.list.removeWidget(widget)
                self.list.insertWidget(index, widget)
        for new_row in new:
            new_row.show()  # at once, not when the layout gets round to it
        self.empty.setVisible(not self.callbacks)
        if self.due_count() != self._due_count:
            self._due_count = self.due_count()
            self.dueCountChanged.emit(self._due_count)

    def _call_requested(self, number: str) -> None:
        """Call the person the callback is owed to: on a number colleagues share, the number
        is set to mean them first, so the card (and the call it records) is theirs."""
        row = self.sender()
        info = row.info if isinstance(row, CallbackRow) else None
        if info is not None and info.contact_id is not None:
            with contextlib.suppress(BadInput):  # not a shared number: it means them already
                self.desk.choose_contact(number, info.contact_id)
        self.callRequested.emit(number)

    def _new_row(self) -> CallbackRow:
        row = CallbackRow()
        row.set_wide(self.width() >= WIDE)
        row.callRequested.connect(self._call_requested)
        row.doneRequested.connect(self.finish)
        row.snoozeRequested.connect(self.snooze)
        row.rescheduleRequested.connect(self.reschedule)
        row.stepRequested.connect(self._step)
        return row

    def due_count(self) -> int:
        return sum(1 for info in self.callbacks if info.overdue)

    def ordered_rows(self) -> list[CallbackRow]:
        """The rows top to bottom."""
        found = (self.list.itemAt(i).widget() for i in range(self.list.count()))
        return [w for w in found if isinstance(w, CallbackRow)]

    def row(self, callback_id: int) -> CallbackRow | None:
        return self.rows.get(callback_id)

    def focus_first(self) -> None:
        """Focus on the first row (the most overdue), if there is one."""
        rows = self.ordered_rows()
        if rows:
            rows[0].setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(rows[0])

    def _step(self, callback_id: int, step: int) -> None:
        rows = self.ordered_rows()
        index = next((i for i, r in enumerate(rows) if r.info and r.info.id == callback_id), None)
        if index is not None and 0 <= index + step < len(rows):
            target = rows[index + step]
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(target)

    def _focus_after(self, position: int) -> None:
        """After a row left the list: the row now at its place (or the last one)."""
        rows = self.ordered_rows()
        if rows:
            rows[min(position, len(rows) - 1)].setFocus(Qt.FocusReason.OtherFocusReason)

    def say(self, text: str, *, error: bool = False, undo: bool = False) -> None:
        """The status line under the list (errors in red); ``undo`` offers Undo for a while."""
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {warning_colour()};" if error else "")
        self.undo_button.setVisible(undo)
        self.status_bar.setVisible(bool(text))
        if not undo:
            self.undo_id = None
            self.undo_timer.stop()

    # --- actions -------------------------------------------------------------------

    def _who(self, info: CallbackInfo) -> str:
        return info.contact_name or info.number or self.tr("no number")

    def finish(self, callback_id: int) -> None:
        """Done: the promise was kept; Undo opens it again."""
        position = self._position(callback_id)
        try:
            info = self.desk.finish_callback(callback_id)
        except BadInput as exc:
            self.say(str(exc), error=True)
            self.refresh()
            return
        self.refresh()
        self.say(self.tr("Done: {who}.").format(who=self._who(info)), undo=True)
        self.undo_id = callback_id
        self.undo_timer.start()
        self._focus_after(position)
        self.changed.emit()

    def undo(self) -> None:
        callback_id = self.undo_id
        if callback_id is None:
            return
        try:
            info = self.desk.reopen_callback(callback_id)
        except BadInput as exc:
            self.say(str(exc), error=True)
            return
        self.refresh()
        self.say(self.tr("Open again: {who}.").format(who=self._who(info)))
        row = self.rows.get(callback_id)
        if row is not None:
            row.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _undo_expired(self) -> None:
        if self.undo_id is not None:
            self.say("")

    def snooze(self, callback_id: int, minutes: int) -> None:
        try:
            info = self.desk.snooze_callback(callback_id, minutes)
        except BadInput as exc:
            self.say(str(exc), error=True)
            return
        self._moved(info, self.tr("Snoozed: {who}, due {when}."))

    def reschedule(self, callback_id: int, due: datetime) -> None:
        try:
            info = self.desk.reschedule_callback(callback_id, due)
        except BadInput as exc:
            self.say(str(exc), error=True)
            return
        row = self.rows.get(callback_id)
        if row is not None:
            row.close_editor()
        self._moved(info, self.tr("Rescheduled: {who}, due {when}."))

    def _moved(self, info: CallbackInfo, text: str) -> None:
        self.refresh()
        row = self.rows.get(info.id)
        when = row.moment_text(info.due.astimezone(), row.today) if row is not None else ""
        said = text.format(who=self._who(info), when=when)
        if info.shift_note:
            said += " " + info.shift_note
        self.say(said)
        if row is not None:
            row.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(row)
        self.changed.emit()

    def _position(self, callback_id: int) -> int:
        rows = self.ordered_rows()
        return next((i for i, r in enumerate(rows) if r.info and r.info.id == callback_id), 0)
