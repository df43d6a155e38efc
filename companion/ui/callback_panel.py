"""The callback panel on the card: when to call back, in one click, and what was promised.

Shown by the card after the outcome "Call back" (the callback just scheduled with the default
delay) and after "No answer" on an outgoing call to someone still waiting for a callback (the
next try). No dialog: the quick times are buttons, "Pick a time…" opens a date and time field
in place, and the promise is a line that saves itself (Enter, leaving the field, a pause in
typing, or the card moving on). Everything goes through ``Desk``; a refusal (``BadInput``)
is handed to the card as ``failed``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.card import CallbackChoice, CallbackInfo
from companion.desk import BadInput, Desk
from companion.ui.wrap_box import WrapBox

#: a pause in typing this long saves the promise (Enter and leaving the field save at once)
PROMISE_SAVE_MS = 1000


class _PickRow(QWidget):
    """The date and time field with OK and Cancel: Enter is OK, Escape is Cancel."""

    accepted = Signal()
    rejected = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accepted.emit()
        elif event.key() == Qt.Key.Key_Escape:
            self.rejected.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class CallbackPanel(QFrame):
    """``offer(info)`` shows it for one callback; ``close_panel()`` saves what was typed and
    hides it. ``changed`` carries the ``CallbackInfo`` after a new time or a saved promise."""

    changed = Signal(object)  # CallbackInfo
    failed = Signal(str)
    #: Enter in the promise field: the rep is done here (the card takes the keyboard back)
    finished = Signal()
    #: the panel grew (the picker opened): the card scrolls it into view
    grew = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.info: CallbackInfo | None = None
        self.next_try = False
        self.choices: tuple[CallbackChoice, ...] = ()
        self._saved_promise = ""
        self.setObjectName("callbackPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Callback"))
        self._build()
        self.hide()

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)

        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.due_label.setAccessibleName(self.tr("When to call back"))
        self.due_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shift_label = QLabel()
        self.shift_label.setWordWrap(True)
        self.shift_label.setAccessibleName(self.tr("Moved out of their night"))
        italic = self.shift_label.font()
        italic.setItalic(True)
        self.shift_label.setFont(italic)
        self.lead_label = QLabel(self.tr("No answer. Next try:"))
        self.lead_label.setWordWrap(True)
        bold = self.lead_label.font()
        bold.setBold(True)
        self.lead_label.setFont(bold)
        layout.addWidget(self.lead_label)
        layout.addWidget(self.due_label)
        layout.addWidget(self.shift_label)

        self.choice_box = WrapBox()
        self.choice_group = QButtonGroup(self)
        self.choice_group.idClicked.connect(self._choice_clicked)
        self.choice_buttons: list[QPushButton] = []
        self.pick_button = QPushButton(self.tr("Pick a time…"))
        self.pick_button.setAccessibleName(self.tr("Pick a time to call back"))
        self.pick_button.clicked.connect(self.open_picker)
        self.choice_box.add(self.pick_button)
        layout.addWidget(self.choice_box)

        self.pick_row = _PickRow()
        pick = QVBoxLayout(self.pick_row)
        pick.setContentsMargins(0, 2, 0, 2)
        pick.setSpacing(4)
        self.pick_edit = QDateTimeEdit()
        self.pick_edit.setDisplayFormat("ddd dd.MM.yyyy HH:mm")
        self.pick_edit.setCalendarPopup(True)
        self.pick_edit.setAccessibleName(self.tr("Call back at (your time)"))
        self.pick_edit.dateTimeChanged.connect(self._picked_changed)
        self.pick_hint = QLabel()
        self.pick_hint.setWordWrap(True)  # never wider than a 320-pixel window
        self.pick_hint.setAccessibleName(self.tr("The picked time for them"))
        self.pick_ok = QPushButton(self.tr("OK"))
        self.pick_ok.setAccessibleName(self.tr("Call back at the picked time"))
        self.pick_ok.clicked.connect(self.apply_picked)
        self.pick_cancel = QPushButton(self.tr("Cancel"))
        self.pick_cancel.setAccessibleName(self.tr("Keep the time as it was"))
        self.pick_cancel.clicked.connect(self.close_picker)
        self.pick_row.accepted.connect(self.apply_picked)
        self.pick_row.rejected.connect(self.close_picker)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addStretch(1)
        buttons.addWidget(self.pick_ok)
        buttons.addWidget(self.pick_cancel)
        pick.addWidget(self.pick_edit)
        pick.addWidget(self.pick_hint)  # a line of its own: a 320-pixel window has no room beside
        pick.addLayout(buttons)
        self.pick_row.setMaximumWidth(420)  # a date field across a wide window reads badly
        self.pick_row.hide()
        layout.addWidget(self.pick_row)

        promise_title = QHBoxLayout()
        promise_title.setSpacing(6)
        self.promise_title = QLabel(self.tr("What I promised"))
        self.saved_label = QLabel(self.tr("✓ saved"))
        self.saved_label.setAccessibleName(self.tr("The promise is saved"))
        self.saved_label.hide()
        promise_title.addWidget(self.promise_title)
        promise_title.addStretch(1)
        promise_title.addWidget(self.saved_label)
        self.promise = QLineEdit()
        self.promise.setPlaceholderText(self.tr("send the price list, call about delivery"))
        self.promise.setAccessibleName(self.tr("What I promised"))
        self.promise.setMaxLength(500)
        self.promise.textEdited.connect(self._promise_edited)
        self.promise.editingFinished.connect(self.save_promise)
        self.promise.returnPressed.connect(self._promise_entered)
        self.promise_title.setBuddy(self.promise)
        self.promise_timer = QTimer(self)
        self.promise_timer.setSingleShot(True)
        self.promise_timer.setInterval(PROMISE_SAVE_MS)
        self.promise_timer.timeout.connect(self.save_promise)
        layout.addSpacing(2)
        layout.addLayout(promise_title)
        layout.addWidget(self.promise)

    # --- showing -------------------------------------------------------------------------

    @property
    def callback_id(self) -> int | None:
        return self.info.id if self.info is not None else None

    def offer(self, info: CallbackInfo, *, next_try: bool = False) -> bool:
        """Show the panel for ``info``: the time it is due, the one-click times, the promise.
        ``next_try``: after "No answer", the callback the person is still waiting for."""
        self.close_panel()
        try:
            choices = self.desk.callback_choices(info.id)
        except BadInput as exc:
            self.failed.emit(str(exc))
            return False
        self.info, self.next_try = info, next_try
        self._saved_promise = " ".join(info.promise.split())
        self.promise.setText(info.promise)
        self.promise.setCursorPosition(0)  # a long promise shows its beginning
        self.saved_label.hide()
        self.lead_label.setVisible(next_try)
        self._show_due(info, asked=False)
        self._show_choices(choices)
        self.close_picker()
        self.show()
        return True

    def tab_chain(self) -> list[QWidget]:
        """The panel's widgets in the order Tab visits them."""
        return [*self.choice_buttons, self.pick_button, self.pick_edit, self.pick_ok, self.pick_cancel]

    def _show_due(self, info: CallbackInfo, *, asked: bool) -> None:
        when = self.when(info.due, info.local_due)
        plain = self.next_try and not asked  # the time it had, before the next try is chosen
        if plain:
            text = self.tr("Callback was due {when}") if info.overdue else self.tr("Callback due {when}")
        else:
            text = self.tr("Call back {when}")
        self.due_label.setText(text.format(when=when))
        font = self.due_label.font()
        font.setBold(not plain)
        self.due_label.setFont(font)
        note = info.shift_note
        self.shift_label.setText(note)
        self.shift_label.setVisible(bool(note))

    def _show_choices(self, choices: tuple[CallbackChoice, ...]) -> None:
        """A button per one-click time (the same buttons, relabelled, while there are as many),
        then "Pick a time…"."""
        if len(self.choice_buttons) != len(choices):
            for button in self.choice_buttons:
                self.choice_group.removeButton(button)
                self.choice_box.remove(button)
            self.choice_buttons = []
            for index in range(len(choices)):
                button = QPushButton()
                self.choice_group.addButton(button, index)
                self.choice_box.insert(index, button)
                button.show()
                self.choice_buttons.append(button)
        for button, choice in zip(self.choice_buttons, choices, strict=True):
            when = self.when(choice.due, None)
            text = choice.label
            if choice.shifted:
                text = self.tr("{choice} → {time}").format(choice=choice.label, time=self._short(choice.due))
            button.setText(text)
            button.setAccessibleName(
                self.tr("Call back {choice}: {when}").format(choice=choice.label, when=when)
            )
            button.setToolTip(
                self.tr("{when}, moved out of their night").format(when=when) if choice.shifted else when
            )
        self.choices = choices
        self.choice_box.relayout()

    def when(self, due: datetime, local_due: datetime | None) -> str:
        """The rep's own time, then the person's: "Thu 26.11 09:00 (09:00 their time)"."""
        mine = due.astimezone()
        text = f"{self._day(mine)} {i18n.when(mine, year=False)}"
        if local_due is not None:
            theirs = i18n.clock(local_due)
            if local_due.date() != mine.date():
                theirs = f"{self._day(local_due)} {theirs}"
            text += " (" + self.tr("{time} their time").format(time=theirs) + ")"
        return text

    def _short(self, due: datetime) -> str:
        """The rep's own time, short: "09:00" today, "Thu 09:00" another day."""
        mine = due.astimezone()
        info = self.info
        today = info.local_now.astimezone().date() if info is not None and info.local_now else None
        return f"{mine:%H:%M}" if mine.date() == today else f"{self._day(mine)} {mine:%H:%M}"

    def _day(self, moment: datetime) -> str:
        day = QDate(moment.year, moment.month, moment.day).dayOfWeek()
        return self._locale().dayName(day, QLocale.FormatType.ShortFormat)

    def _locale(self) -> QLocale:
        """The window's language (day names), which Settings may change at any time."""
        return QLocale(self.desk.settings.lang or "en")

    def close_panel(self) -> None:
        """Save what was typed and hide (the card moves on to another call)."""
        if self.info is not None:
            self.save_promise(quiet=True)
        self.forget()

    def forget(self) -> None:
        """Hide without saving (the callback itself was taken back)."""
        self.promise_timer.stop()
        self.info = None
        self.choices = ()
        self.hide()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # the tab changes or the window closes: what was typed is kept
        if self.info is not None:
            self.save_promise(quiet=True)
        super().hideEvent(event)

    # --- acting ----------------------------------------------------------------------------

    def _choice_clicked(self, index: int) -> None:
        if self.info is None or not 0 <= index < len(self.choices):
            return
        key = self.choices[index].key
        try:
            # read again: the panel may have stood a while, "in 10 minutes" is from now
            fresh = {c.key: c for c in self.desk.callback_choices(self.info.id)}
        except BadInput as exc:
            self.failed.emit(str(exc))
            return
        choice = fresh.get(key, self.choices[index])
        self.reschedule(choice.due, choice=choice)

    def reschedule(self, due: datetime, choice: CallbackChoice | None = None) -> CallbackInfo | None:
        """Move the callback to ``due`` (``choice``: the quick time it came from)."""
        if self.info is None:
            return None
        try:
            info = self.desk.reschedule_callback(self.info.id, due)
            choices = self.desk.callback_choices(info.id)
        except BadInput as exc:
            self.failed.emit(str(exc))
            return None
        self.info = info
        self.close_picker()  # a quick time clicked while it was open wins too
        self._show_due(info, asked=True)
        if choice is not None and choice.shifted and not info.shift_note:
            # the quick time was moved already (the desk was asked for the moved time itself)
            due_there = info.local_due or info.due.astimezone()
            self.shift_label.setText(
                self.tr("“{choice}” would be in their night: moved to {due} their time.").format(
                    choice=choice.label, due=i18n.when(due_there, year=False)
                )
            )
            self.shift_label.show()
        self._show_choices(choices)
        self.changed.emit(info)
        return info

    def open_picker(self) -> None:
        info = self.info
        if info is None:
            return
        start = info.due
        if info.overdue:
            later = next((c.due for c in self.choices if c.key == "1h"), None)
            start = later or start
        mine = start.astimezone()
        self.pick_edit.setLocale(self._locale())
        self.pick_edit.setDateTime(
            QDateTime(QDate(mine.year, mine.month, mine.day), QTime(mine.hour, mine.minute))
        )
        self._picked_changed()
        self.pick_row.show()
        self.pick_button.setEnabled(False)
        self.pick_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.grew.emit()

    def close_picker(self) -> None:
        had_focus = self.pick_row.isVisible() and self.pick_row.isAncestorOf(self.focusWidget())
        self.pick_row.hide()
        self.pick_button.setEnabled(True)
        if had_focus:
            self.pick_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def picked(self) -> datetime:
        """The field's date and time, in this computer's zone (aware)."""
        value = self.pick_edit.dateTime()
        d, t = value.date(), value.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()

    def _picked_changed(self, *_args: object) -> None:
        info = self.info
        zone = (info.local_due or info.local_now) if info is not None else None
        if zone is None or zone.tzinfo is None:
            self.pick_hint.clear()
            return
        mine = self.picked()
        theirs = mine.astimezone(zone.tzinfo)
        time = f"{theirs:%H:%M}" if theirs.date() == mine.date() else f"{self._day(theirs)} {theirs:%H:%M}"
        self.pick_hint.setText(self.tr("{time} their time").format(time=time))

    def apply_picked(self) -> None:
        self.reschedule(self.picked())  # refused (in the past): the field stays open

    def _promise_edited(self, _text: str) -> None:
        self.saved_label.hide()
        self.promise_timer.start()

    def _promise_entered(self) -> None:
        self.save_promise()
        self.finished.emit()

    def save_promise(self, quiet: bool = False) -> CallbackInfo | None:
        """Save the promise if it changed since it was last saved; ``quiet``: the panel is
        going away, nobody needs to hear about it."""
        self.promise_timer.stop()
        info = self.info
        text = " ".join(self.promise.text().split())
        if info is None or text == self._saved_promise:
            return None
        try:
            saved = self.desk.set_promise(info.id, text)
        except BadInput as exc:
            self.failed.emit(str(exc))
            return None
        self._saved_promise = saved.promise
        self.info = saved
        if not quiet:
            self.saved_label.show()
            self.changed.emit(saved)
        return saved

    def promise_text(self) -> str:
        return " ".join(self.promise.text().split())
