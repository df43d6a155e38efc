"""The call card: what kind of call this is, what the person expects, and one click to log.

Everything shown comes from ``Desk`` as a ``Card``; every click goes back through ``Desk``.
Keys 1–7 log an outcome whenever the card has focus and the cursor is not in a text field
(text fields consume digits, so they never reach ``keyPressEvent`` here). After "Call back"
(and "No answer" to someone waiting for a callback) the callback panel offers the times and
the promise on the card itself (``callback_panel.py``).
"""

from __future__ import annotations

import html
import time
from typing import Protocol

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.card import CallbackInfo, Card, ContactInfo, Logged
from companion.desk import BadInput, Desk
from companion.i18n import translate
from companion.method import (
    KIND_TITLES,
    OUTCOME_NAMES,
    OUTCOMES,
    REMINDERS,
    SOURCE_NAMES,
    STATUS_NAMES,
    TEMPERATURE_NAMES,
    Direction,
    Kind,
    Outcome,
    Source,
    Status,
    Temperature,
    kinds_for,
    temperature_of,
)
from companion.ui import dialogs
from companion.ui.callback_panel import CallbackPanel
from companion.ui.icons import icon
from companion.ui.style import TEMPERATURE_COLOURS, TEMPERATURE_SYMBOLS, warning_colour
from companion.ui.trace import Tracer
from companion.ui.wrap_box import WrapBox

UNDO_SECONDS = 8
#: after a call from outside took the keyboard, digits this soon were typed for another program
KEY_HOLD_SECONDS = 0.8
SEARCH_DELAY_MS = 200


class ContactSaver(Protocol):
    def save_unknown(self, raw: str, name: str, company: str, familiarity: str) -> ContactInfo: ...


def _label(text: str = "", *, wrap: bool = True, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


class KindStrip(QFrame):
    """The kind in words on a band coloured by temperature, with a symbol and the word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kindStrip")
        self.setAccessibleName(self.tr("Kind of call"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.temperature = QLabel()
        self.temperature.setObjectName("temperatureWord")
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.temperature)
        layout.addWidget(self.title)

    def show_kind(self, title: str, temperature: Temperature) -> None:
        background, text = TEMPERATURE_COLOURS[temperature]
        self.setStyleSheet(
            f"#kindStrip {{ background: {background}; border-radius: 6px; }}"
            f"#kindStrip QLabel {{ color: {text}; background: transparent; }}"
        )
        word = translate("method", TEMPERATURE_NAMES[temperature]).upper()
        self.temperature.setText(f"{TEMPERATURE_SYMBOLS[temperature]}  {word}")
        self.title.setText(title)
        self.setAccessibleDescription(f"{word}: {title}")


class CardView(QWidget):
    """The main view. ``show_event()`` for a call that rings or is dialled (records it),
    ``show_number()`` for the search box (writes nothing), ``show_call()`` for a call from
    the to-log list."""

    logged = Signal(object)  # Logged
    undone = Signal()
    cardShown = Signal(object)  # Card
    callActive = Signal(bool)
    #: the rep clicked "Call" on the card: the number in E.164
    callRequested = Signal(str)

    def __init__(
        self,
        desk: Desk,
        saver: ContactSaver | None = None,
        tracer: Tracer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.saver = saver
        self.tracer = tracer or Tracer()
        self.card: Card | None = None
        self.direction = Direction.IN
        self.override: Kind | None = None
        #: the outcome logged on this card and the card it was logged on: another digit corrects it
        self.current_log: Logged | None = None
        self.logged_card: Card | None = None
        # the call a newer call pushed aside before it was logged (call waiting)
        self.other_card: Card | None = None
        self._keys_from = 0.0
        self._trace_pending: str | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Call card"))
        self._build()
        self.show_empty()

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Type or paste a number"))
        self.search.setAccessibleName(self.tr("Number to look up"))
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(self._search_later)
        self.search.returnPressed.connect(self._search_now)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._search_now)
        self.in_button = QToolButton()
        self.in_button.setText(self.tr("In"))
        self.in_button.setToolTip(self.tr("Incoming: they are calling us"))
        self.in_button.setAccessibleName(self.tr("Incoming call"))
        self.out_button = QToolButton()
        self.out_button.setText(self.tr("Out"))
        self.out_button.setToolTip(self.tr("Outgoing: we are calling them"))
        self.out_button.setAccessibleName(self.tr("Outgoing call"))
        self.direction_group = QButtonGroup(self)
        for button in (self.in_button, self.out_button):
            button.setCheckable(True)
            self.direction_group.addButton(button)
        self.in_button.setChecked(True)
        self.direction_group.setId(self.in_button, 0)
        self.direction_group.setId(self.out_button, 1)
        self.direction_group.idClicked.connect(self._direction_clicked)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.in_button)
        search_row.addWidget(self.out_button)
        outer.addLayout(search_row)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 4, 0)
        self.body.setSpacing(8)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

        self.empty = _label(name=self.tr("Hint"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(self.empty)

        self.strip = KindStrip()
        self.reminder = _label(name=self.tr("What they expect"))
        reminder_font = self.reminder.font()
        reminder_font.setPointSizeF(reminder_font.pointSizeF() * 1.1)
        self.reminder.setFont(reminder_font)
        self.promised = _label(name=self.tr("What you promised"))
        self.promised.setTextFormat(Qt.TextFormat.RichText)
        self.promised.setFrameShape(QFrame.Shape.StyledPanel)
        self.promised.setMargin(6)
        self.person = _label(name=self.tr("Person"))
        self.number = _label(name=self.tr("Number"))
        self.number_row = QWidget()
        number_row = QHBoxLayout(self.number_row)
        number_row.setContentsMargins(0, 0, 0, 0)
        number_row.setSpacing(6)
        self.call_button = QPushButton(icon("call"), self.tr("Call"))
        self.call_button.setAccessibleName(self.tr("Call this number"))
        self.call_button.clicked.connect(self._call_clicked)
        number_row.addWidget(self.number, 1)
        number_row.addWidget(self.call_button, 0, Qt.AlignmentFlag.AlignTop)
        self.warnings = _label(name=self.tr("Warnings"))
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.context = _label(name=self.tr("Context"))
        self.context.setTextFormat(Qt.TextFormat.RichText)
        for widget in (
            self.strip,
            self.reminder,
            self.promised,
            self.person,
            self.number_row,
            self.warnings,
            self.context,
        ):
            self.body.addWidget(widget)

        self._build_chooser()
        self._build_save_form()
        self._build_source_row()
        self._build_override_row()

        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Note (optional)"))
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setMaxLength(500)
        self.body.addWidget(self.note)

        self.outcome_box = QWidget()
        self.outcome_grid = QGridLayout(self.outcome_box)
        self.outcome_grid.setContentsMargins(0, 0, 0, 0)
        self.outcome_grid.setSpacing(6)
        self.outcome_buttons: dict[Outcome, QPushButton] = {}
        self.outcome_group = QButtonGroup(self)
        self.outcome_group.idClicked.connect(self._outcome_clicked)
        for index, outcome in enumerate(OUTCOMES):
            name = translate("method", OUTCOME_NAMES[outcome])
            button = QPushButton(f"{outcome.key}  {name}")
            button.setAccessibleName(name)
            button.setToolTip(self.tr("Log “{name}” (key {key})").format(name=name, key=outcome.key))
            button.setMinimumHeight(32)
            self.outcome_group.addButton(button, index)
            self.outcome_buttons[outcome] = button
        self._columns = 0
        self._layout_outcomes(2)
        self.body.addWidget(self.outcome_box)

        self.undo_bar = QFrame()
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(8, 4, 8, 4)
        self.undo_label = _label(name=self.tr("Last logged outcome"))
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo the last outcome"))
        self.undo_button.clicked.connect(self.undo)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_SECONDS * 1000)
        self.undo_timer.timeout.connect(self._hide_undo)
        self.body.addWidget(self.undo_bar)

        self.callback_panel = CallbackPanel(self.desk)
        self.callback_panel.changed.connect(self._callback_changed)
        self.callback_panel.failed.connect(self._callback_failed)
        self.callback_panel.finished.connect(self._callback_finished)
        self.callback_panel.grew.connect(self._reveal_callback_panel_later)
        self.body.addWidget(self.callback_panel)

        self.history_title = _label(self.tr("Last calls"), name=self.tr("Last calls"))
        bold = self.history_title.font()
        bold.setBold(True)
        self.history_title.setFont(bold)
        self.history = _label(name=self.tr("Last calls with this person"))
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.body.addWidget(self.history_title)
        self.body.addWidget(self.history)
        self.body.addStretch(1)

        self.error = _label(name=self.tr("Error"))
        self.error.setStyleSheet(f"color: {warning_colour()};")
        self.error.hide()
        outer.addWidget(self.error)

        self.notice = _label(name=self.tr("Notice"))
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setMargin(6)
        self.notice.hide()
        outer.insertWidget(1, self.notice)

        # call waiting: the call a newer one pushed aside, one click away
        self.other_button = QPushButton()
        self.other_button.setAccessibleName(self.tr("Switch to the other call"))
        self.other_button.clicked.connect(self.switch_call)
        self.other_button.hide()
        outer.insertWidget(2, self.other_button)

    def _build_chooser(self) -> None:
        self.chooser = QFrame()
        layout = QVBoxLayout(self.chooser)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_label(self.tr("Several people share this number. Who is it?")))
        self.chooser_buttons = WrapBox()
        self.chooser_group = QButtonGroup(self)
        self.chooser_group.idClicked.connect(self._choose)
        layout.addWidget(self.chooser_buttons)
        self.body.addWidget(self.chooser)

    def _build_save_form(self) -> None:
        self.save_toggle = QPushButton(self.tr("Save as contact…"))
        self.save_toggle.setAccessibleName(self.tr("Save this number as a contact"))
        self.save_toggle.clicked.connect(self._open_save_form)
        self.body.addWidget(self.save_toggle)
        self.save_form = QFrame()
        form = QFormLayout(self.save_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.save_name = QLineEdit()
        self.save_name.setAccessibleName(self.tr("Name"))
        self.save_company = QLineEdit()
        self.save_company.setAccessibleName(self.tr("Company"))
        self.save_familiarity = QComboBox()
        self.save_familiarity.setAccessibleName(self.tr("How well they know you"))
        for value, text in (
            ("none", self.tr("Doesn't know us")),
            ("company", self.tr("Knows the company")),
            ("personal", self.tr("Knows me personally")),
        ):
            self.save_familiarity.addItem(text, value)
        save = QPushButton(self.tr("Save contact"))
        save.setAccessibleName(self.tr("Save contact"))
        save.clicked.connect(self._save_contact)
        self.save_name.returnPressed.connect(self._save_contact)
        form.addRow(self.tr("Name"), self.save_name)
        form.addRow(self.tr("Company"), self.save_company)
        form.addRow(self.tr("Knows us"), self.save_familiarity)
        form.addRow(save)
        self.body.addWidget(self.save_form)

    def _build_source_row(self) -> None:
        self.source_box = QFrame()
        layout = QVBoxLayout(self.source_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_label(self.tr("How did they find us?")))
        self.source_buttons = buttons = WrapBox()
        self.source_group = QButtonGroup(self)
        self.source_group.idClicked.connect(self._source_clicked)
        for index, source in enumerate(Source):
            button = QToolButton()
            button.setText(translate("method", SOURCE_NAMES[source]))
            button.setAccessibleName(translate("method", SOURCE_NAMES[source]))
            self.source_group.addButton(button, index)
            buttons.add(button)
        layout.addWidget(buttons)
        self.referrer_row = QWidget()
        row = QHBoxLayout(self.referrer_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.referrer = QLineEdit()
        self.referrer.setPlaceholderText(self.tr("Who recommended us?"))
        self.referrer.setAccessibleName(self.tr("Referrer's name"))
        self.referrer.returnPressed.connect(self._save_referrer)
        ok = QPushButton(self.tr("OK"))
        ok.setAccessibleName(self.tr("Save the referrer"))
        ok.clicked.connect(self._save_referrer)
        row.addWidget(self.referrer, 1)
        row.addWidget(ok)
        layout.addWidget(self.referrer_row)
        self.body.addWidget(self.source_box)

    def _build_override_row(self) -> None:
        self.override_box = QFrame()
        layout = QVBoxLayout(self.override_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_label(self.tr("Actually it is:")))
        self.override_buttons_box = WrapBox()
        self.override_group = QButtonGroup(self)
        self.override_group.setExclusive(False)
        self.override_buttons: dict[Kind, QToolButton] = {}
        self.override_group.idClicked.connect(self._override_clicked)
        for index, kind in enumerate(Kind):
            button = QToolButton()
            button.setCheckable(True)
            button.setText(translate("method", KIND_TITLES[kind]).split("·")[-1].strip())
            button.setAccessibleName(translate("method", KIND_TITLES[kind]))
            self.override_group.addButton(button, index)
            self.override_buttons_box.add(button)
            self.override_buttons[kind] = button
        layout.addWidget(self.override_buttons_box)
        self.override_referrer = QLineEdit()
        self.override_referrer.setPlaceholderText(self.tr("Who recommended us?"))
        self.override_referrer.setAccessibleName(self.tr("Referrer's name"))
        layout.addWidget(self.override_referrer)
        self.body.addWidget(self.override_box)

    def _layout_outcomes(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.outcome_buttons.values():
            self.outcome_grid.removeWidget(button)
        for i, outcome in enumerate(OUTCOMES):
            self.outcome_grid.addWidget(self.outcome_buttons[outcome], i // columns, i % columns)

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        width = self.width()
        self._layout_outcomes(2 if width < 480 else 4 if width < 900 else 7)
        if self.other_card is not None:
            self._elide_other()
        super().resizeEvent(event)  # type: ignore[arg-type]

    # --- showing -----------------------------------------------------------------------

    def show_empty(self) -> None:
        self.callback_panel.close_panel()
        self.card = None
        self.empty.setText(
            self.tr(
                "No call yet.\nWhen a number rings or is dialled, its card appears here.\n"
                "You can also type or paste a number above."
            )
        )
        self.empty.show()
        for widget in self._card_widgets():
            widget.hide()

    def _card_widgets(self) -> list[QWidget]:
        return [
            self.strip,
            self.reminder,
            self.promised,
            self.person,
            self.number_row,
            self.warnings,
            self.context,
            self.chooser,
            self.save_toggle,
            self.save_form,
            self.source_box,
            self.override_box,
            self.note,
            self.outcome_box,
            self.history_title,
            self.history,
            self.undo_bar,
            self.callback_panel,
        ]

    def show_event(self, raw: str, direction: Direction | str) -> Card | None:
        """A call rings in or is dialled: record it and show its card, focus on the card."""
        previous = self.card if self.current_log is None else None
        note = self.note.text().strip()
        self._forget_log()
        card = self._guard(lambda: self.desk.begin_call(raw, direction))
        if card is not None:
            self.show_card(card, reset=True)
            if previous is not None and previous.call_id is not None:
                if note:  # keep what the rep typed with the call it belongs to
                    self._guard(lambda: self.desk.set_note(previous.call_id, note))
                self._note_unlogged(previous)
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self.callActive.emit(True)
        return card

    def _note_unlogged(self, previous: Card) -> None:
        """A new call arrived before the shown one was logged: it stays one click away."""
        if self._unlogged(previous):
            self.other_card = previous
            self.show_notice(
                self.tr("The call with {who} is waiting in “To log”.").format(who=self._who(previous))
            )
        self._show_other()

    def _unlogged(self, card: Card | None) -> bool:
        if card is None or card.call_id is None:
            return False
        return card.call_id in {call.id for call in self.desk.unlogged(limit=200)}

    def _who(self, card: Card) -> str:
        if card.contact is not None and card.contact.display_name:
            return card.contact.display_name
        number = card.number
        return (
            number.display_name
            or self.human(number.human or number.input)
            or (self.tr("withheld number") if number.shape == "withheld" else self.tr("no number"))
        )

    def human(self, text: str) -> str:
        """A number as people read it, its extension in the rep's language: phonenumbers
        writes "8 (916) 555-01-23 ext. 12", Russian "доб. 12"."""
        return text.replace(" ext. ", " " + self.tr("ext.") + " ") if " ext. " in text else text

    def _show_other(self) -> None:
        other = self.other_card
        shown = self.card.call_id if self.card is not None else None
        if other is not None and (other.call_id == shown or not self._unlogged(other)):
            other = self.other_card = None
        if other is None:
            self.other_button.hide()
            return
        self.other_button.setToolTip(self.tr("⇄ Back to the call with {who}").format(who=self._who(other)))
        self._elide_other()
        self.other_button.show()

    def _elide_other(self) -> None:
        """A long name is cut with "…" to the window's width (the tooltip has it whole)."""
        room = max(self.width() - 40, 80)
        text = self.other_button.toolTip()
        elided = self.other_button.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        self.other_button.setText(elided.replace("&", "&&"))  # a name's "&" is not a shortcut

    def switch_call(self) -> None:
        """Call waiting: show the call that was pushed aside; the shown one takes its place."""
        other = self.other_card
        if other is None or other.call_id is None:
            return
        self._show_in_place_of_current(other.call_id)

    def _show_in_place_of_current(self, call_id: int) -> None:
        """Show that call; the one on screen, if still to log, keeps its note and stays one
        click away."""
        current = self.card if self.current_log is None else None
        note = self.note.text().strip()
        if current is not None and current.call_id is not None and note:
            self._guard(lambda: self.desk.set_note(current.call_id, note))
        self.show_call(call_id)
        self.other_card = current if self._unlogged(current) else self.other_card
        self._show_other()

    def call_answered(self, raw: str) -> None:
        """The softphone says the call was answered: its card is the one to show (the card it
        replaces, if still to log, stays one click away)."""
        call_id = self._guard(lambda: self.desk.current_call(raw))
        if call_id is None:
            return
        if self.card is None or self.card.call_id != call_id:
            self._show_in_place_of_current(call_id)
        self.callActive.emit(True)

    def call_ended(self, raw: str) -> str | None:
        """The softphone says the call ended: its duration is recorded; the card stays.
        Returns why the end could not be recorded, or None."""
        try:
            ended = self.desk.end_call(raw or None)
        except BadInput as exc:
            self.error.setText(str(exc))
            self.error.show()
            return str(exc)
        shown = self.card
        if ended is not None and shown is not None and shown.call_id == ended.id:
            if ended.outcome is None:
                seconds = ended.duration_seconds or 0
                self.show_notice(
                    self.tr("The call ended after {time}. Log how it went: keys 1–7.").format(
                        time=f"{seconds // 60}:{seconds % 60:02d}"
                    )
                )
            self.callActive.emit(False)
        elif shown is None or shown.call_id is None or not self.is_live(shown):
            self.callActive.emit(False)  # no call on screen goes on: nothing to stay on top for
        return None

    def is_live(self, card: Card) -> bool:
        """The card's call is still in progress (rang or dialled, not ended)."""
        return (
            card.call_id is not None
            and self._guard(lambda: self.desk.current_call(card.input)) == card.call_id
        )

    def hold_keys(self, seconds: float | None = None) -> None:
        """For a moment after a call took the keyboard from another program, digits the rep
        was typing there do not log an outcome here (clicks do)."""
        self._keys_from = time.monotonic() + (KEY_HOLD_SECONDS if seconds is None else seconds)

    def show_notice(self, text: str) -> None:
        """A short, non-blocking line above the card (hidden again by the next notice-free card)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def show_number(self, raw: str, direction: Direction | str | None = None) -> Card | None:
        """The card for a number typed in or picked from a list. Writes nothing."""
        direction = direction or self.direction
        self._forget_log()
        card = self._guard(lambda: self.desk.lookup(raw, direction))
        if card is not None:
            self.show_card(card, reset=True)
        return card

    def show_call(self, call_id: int) -> Card | None:
        """The card of a recorded call that still needs its outcome."""
        self._forget_log()
        card = self._guard(lambda: self.desk.card_for_call(call_id))
        if card is not None:
            self.show_card(card, reset=True)
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        return card

    def _forget_log(self) -> None:
        """A different card takes the place: the last outcome can no longer be corrected here."""
        self.search_timer.stop()
        self.callback_panel.close_panel()  # a promise being typed is saved first
        self.current_log = None
        self.logged_card = None
        self.undo_timer.stop()
        self.undo_bar.hide()

    def _guard(self, action):  # type: ignore[no-untyped-def]
        try:
            result = action()
        except BadInput as exc:
            self.error.setText(str(exc))
            self.error.show()
            return None
        self.error.hide()
        return result

    def show_card(self, card: Card, reset: bool = False) -> None:
        self.card = card
        self.direction = card.direction
        (self.in_button if card.direction is Direction.IN else self.out_button).setChecked(True)
        if reset:
            self.override = None
            self.note.clear()
            self.save_form.hide()
            self.referrer_row.hide()
            self.notice.hide()
        self.empty.hide()
        kind = self.override or card.kind
        temp = temperature_of(kind, card.facts) if self.override else card.temperature
        self.strip.show_kind(translate("method", KIND_TITLES[kind]), temp)
        self.strip.show()
        self.reminder.setText(card.reminder if kind == card.kind else translate("method", REMINDERS[kind]))
        self.reminder.show()
        self._show_promised(card)
        self._show_person(card)
        self._show_number(card)
        self._show_lines(self.warnings, [f"⚠ {html.escape(w.text)}" for w in card.warnings], warning_colour())
        self._show_lines(self.context, [f"• {html.escape(line)}" for line in card.context])
        self._show_chooser(card)
        unknown = card.contact is None and not card.candidates and card.number.key is not None
        self.save_toggle.setVisible(unknown and self.saver is not None and not self.save_form.isVisible())
        first_time = (
            card.direction is Direction.IN and kind is Kind.FIRST_TIME and card.number.key is not None
        )
        self.source_box.setVisible(first_time)
        self.source_buttons.relayout()
        self._show_overrides(card)
        self.note.show()
        self.outcome_box.show()
        self._show_history(card)
        if self.other_card is not None:
            self._show_other()
        self._trace_pending = card.number.e164 or card.number.key or ""
        self.tracer.mark("card_shown", e164=self._trace_pending)
        self.update()
        self.cardShown.emit(card)

    def _show_person(self, card: Card) -> None:
        c = card.contact
        if c is None:
            text = (
                self.tr("Not in your contacts")
                if not card.candidates
                else self.tr("Shared number: {n} people").format(n=len(card.candidates))
            )
            if card.number.display_name:
                text = f"{card.number.display_name} · {text}"
            self.person.setText(text)
        else:
            name = html.escape(c.name or self.tr("(no name)"))
            parts = [html.escape(c.company)] if c.company else []
            parts.append(html.escape(translate("method", STATUS_NAMES[Status(c.status)])))
            self.person.setText(f"<b style='font-size:large'>{name}</b><br>{' · '.join(parts)}")
        self.person.show()

    def _show_number(self, card: Card) -> None:
        n = card.number
        parts = [html.escape(self.human(n.human or n.input) or self.tr("no number"))]
        if n.place:
            parts.append(html.escape(n.place))
        if n.type not in ("unknown", "fixed_line_or_mobile"):
            parts.append(html.escape(self._type_word(n.type)))
        if n.local_time is not None:
            parts.append(self.tr("their time {time}").format(time=i18n.clock(n.local_time)))
        self.number.setText(" · ".join(parts))
        self.number.show()
        self.call_button.setVisible(bool(n.e164))
        self.call_button.setToolTip(
            self.tr("Call {number}").format(number=self.human(n.human or n.e164 or ""))
        )
        self.number_row.show()

    def _show_promised(self, card: Card) -> None:
        """What the rep promised this person, above everything but the kind (not while the
        callback panel below shows it in its own field)."""
        callback = card.callback
        if callback is None or not callback.promise or callback.id == self.callback_panel.callback_id:
            self.promised.hide()
            return
        lead = self.tr("Overdue: you promised") if callback.overdue else self.tr("You promised")
        self.promised.setText(f"<b>{html.escape(lead)}:</b> {html.escape(callback.promise)}")
        self.promised.show()

    @staticmethod
    def _show_lines(label: QLabel, lines: list[str], colour: str | None = None) -> None:
        if not lines:
            label.hide()
            return
        style = f" style='color:{colour}'" if colour else ""
        label.setText(f"<div{style}>" + "<br>".join(lines) + "</div>")
        label.show()

    def _show_chooser(self, card: Card) -> None:
        self.chooser_buttons.clear()
        if not card.candidates or card.contact is not None:
            self.chooser.hide()
            return
        for candidate in card.candidates:
            label = candidate.name or candidate.company or self.tr("(no name)")
            if candidate.company and candidate.name:
                label = f"{candidate.name} ({candidate.company})"
            button = QPushButton(label.replace("&", "&&"))  # "Brown & Sons": an ampersand, not a shortcut
            button.setAccessibleName(self.tr("This is {name}").format(name=label))
            self.chooser_group.addButton(button, candidate.id)
            self.chooser_buttons.add(button)
        self.chooser.show()

    def _show_overrides(self, card: Card) -> None:
        allowed = set(kinds_for(card.direction))
        for kind, button in self.override_buttons.items():
            button.setVisible(kind in allowed and kind is not card.kind)
            button.setChecked(kind is self.override)
        self.override_referrer.setVisible(self.override is Kind.REFERRAL)
        self.override_box.show()
        self.override_buttons_box.relayout()

    def _show_history(self, card: Card) -> None:
        if not card.history:
            self.history_title.hide()
            self.history.hide()
            return
        lines = []
        earlier = [call for call in card.history if call.id != card.call_id]
        if not earlier:
            self.history_title.hide()
            self.history.hide()
            return
        for call in earlier[:5]:
            arrow = "→" if call.direction is Direction.OUT else "←"
            outcome = (
                translate("method", OUTCOME_NAMES[Outcome(call.outcome)])
                if call.outcome
                else self.tr("not logged")
            )
            when = i18n.when(call.at.astimezone())
            line = f"{when} {arrow} {html.escape(call.rep)}: <b>{html.escape(outcome)}</b>"
            if call.note:
                line += f" — {html.escape(call.note)}"
            lines.append(line)
        self.history.setText("<br>".join(lines))
        self.history_title.show()
        self.history.show()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._trace_pending is not None:
            e164, self._trace_pending = self._trace_pending, None
            self.tracer.mark("card_painted", e164=e164)

    # --- acting ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if not self.handle_outcome_key(event):
            super().keyPressEvent(event)

    def handle_outcome_key(self, event: QKeyEvent) -> bool:
        """1–7 log an outcome, Ctrl+Z undoes it; True when the key was used."""
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        digit = not modifiers and len(text) == 1 and "1" <= text <= str(len(OUTCOMES))
        if digit and time.monotonic() < self._keys_from:
            event.accept()  # typed for the program the call took the keyboard from
            return True
        if self.card is not None and digit:
            self.log_outcome(OUTCOMES[int(text) - 1])
            event.accept()
            return True
        if event.key() == Qt.Key.Key_Z and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.undo()
            event.accept()
            return True
        return False

    def log_outcome(self, outcome: Outcome) -> Logged | None:
        """Log ``outcome`` for the shown call. Pressed again on the same card, it corrects the
        outcome just logged (the same call record, never a second one)."""
        correcting = self.current_log
        card = self.logged_card if correcting is not None else self.card
        if card is None:
            return None
        referrer = self.override_referrer.text().strip() if self.override is Kind.REFERRAL else None
        if (
            self.override is Kind.REFERRAL
            and not referrer
            and not (card.contact and card.contact.referred_by)
        ):
            self.error.setText(self.tr("Who recommended us? Enter the name, then log."))
            self.error.show()
            self.override_referrer.setFocus()
            return None
        # a callback asked for again keeps the promise (typed just now, or made before)
        promise = ""
        if outcome is Outcome.CALLBACK:
            shown = self.callback_panel.promise_text() if self.callback_panel.callback_id else ""
            promise = shown or (card.callback.promise if card.callback is not None else "")
        if correcting is not None:
            self.callback_panel.save_promise(quiet=True)
            try:
                self.desk.undo(correcting)
            except BadInput as exc:
                self.error.setText(str(exc))
                self.error.show()
                return None
            self.callback_panel.forget()
            self.current_log = None
        logged = self._guard(
            lambda: self.desk.log(
                card.input,
                card.direction,
                outcome,
                note=self.note.text(),
                promise=promise,
                kind=self.override,
                referred_by=referrer,
                call_id=card.call_id,
            )
        )
        if logged is None:
            return None
        self._refresh_after_log(card)
        self._offer_callback(logged, outcome)
        self.current_log = logged
        self.logged_card = card
        name = translate("method", OUTCOME_NAMES[outcome])
        self.undo_label.setText(self.tr("Logged: {outcome}").format(outcome=name))
        self.undo_bar.show()
        self.undo_timer.start()
        self.logged.emit(logged)
        self.callActive.emit(False)
        self._show_other()
        return logged

    def _refresh_after_log(self, card: Card) -> None:
        """After a click: the card as the *next* call to this number would be."""
        fresh = self._guard(lambda: self.desk.lookup(card.input, card.direction))
        if fresh is not None:
            self.show_card(fresh)  # keeps the note and override, for a correction
            self.notice.hide()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def undo(self) -> None:
        """Take back the outcome just logged; the card goes back to the call as it was."""
        logged, card = self.current_log, self.logged_card
        if logged is None or card is None:
            return
        self.callback_panel.save_promise(quiet=True)  # for a callback that stays open
        try:
            self.desk.undo(logged)
        except BadInput as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.callback_panel.forget()
        self._forget_log()
        if card.call_id is not None:
            self.show_call(card.call_id)
        else:
            self.show_number(card.input, card.direction)
        self.undone.emit()

    def _hide_undo(self) -> None:
        self.undo_bar.hide()

    # --- callbacks -------------------------------------------------------------------------

    def _offer_callback(self, logged: Logged, outcome: Outcome) -> None:
        """After "Call back": when, in one click, and the promise. After "No answer" to someone
        still waiting for a callback: the next try."""
        panel = self.callback_panel
        offered = False
        if logged.callback is not None:
            offered = panel.offer(logged.callback)
        elif outcome is Outcome.NO_ANSWER and logged.still_open is not None:
            offered = panel.offer(logged.still_open, next_try=True)
        if not offered:
            return
        if self.card is not None:
            self._show_promised(self.card)
        # Tab from the card goes straight to the panel: a time, "Pick a time…", the promise
        chain = [self, *panel.tab_chain(), panel.promise]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._reveal_callback_panel_later()

    def _reveal_callback_panel_later(self) -> None:
        QTimer.singleShot(0, self._reveal_callback_panel)  # once the card's layout has settled

    def _reveal_callback_panel(self) -> None:
        """Scroll the panel into view, its bottom first (the promise), then its top."""
        panel = self.callback_panel
        if panel.isVisible():
            self.scroll.ensureWidgetVisible(panel.promise, 0, 8)
            self.scroll.ensureWidgetVisible(panel, 0, 0)

    def _callback_changed(self, _info: CallbackInfo) -> None:
        """A new time or promise: the card's lines about the callback say it too."""
        self.error.hide()
        card = self.card
        if card is None:
            return
        fresh = self._guard(lambda: self.desk.lookup(card.input, card.direction))
        if fresh is not None:
            self.show_card(fresh)

    def _callback_failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _callback_finished(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _call_clicked(self) -> None:
        card = self.card
        if card is None or not card.number.e164:
            return
        contact = card.contact
        if (
            contact is not None
            and contact.do_not_call
            and not dialogs.ask_confirm(
                self,
                self.tr("Do not call"),
                self.tr("“{name}” asked not to be called. Call anyway?").format(
                    name=contact.display_name or self.human(card.number.human)
                ),
                self.tr("Call anyway"),
            )
        ):
            return
        self.callRequested.emit(card.number.e164)

    def _direction_clicked(self, index: int) -> None:
        self._set_direction(Direction.IN if index == 0 else Direction.OUT)

    def _outcome_clicked(self, index: int) -> None:
        self.log_outcome(OUTCOMES[index])

    def _source_clicked(self, index: int) -> None:
        self._pick_source(list(Source)[index])

    def _override_clicked(self, index: int) -> None:
        kind = list(Kind)[index]
        self._pick_override(kind, self.override_buttons[kind].isChecked())

    def _set_direction(self, direction: Direction) -> None:
        self.direction = direction
        if self.card is not None and self.card.call_id is None:
            self.show_number(self.card.input, direction)

    def _search_later(self, _text: str) -> None:
        self.search_timer.start()

    def _search_now(self) -> None:
        self.search_timer.stop()
        text = self.search.text().strip()
        if text:
            self.show_number(text, self.direction)
        elif self.card is not None and self.card.call_id is None:
            self.show_empty()

    def _pick_override(self, kind: Kind, checked: bool) -> None:
        self.override = kind if checked else None
        if self.card is not None:
            self.show_card(self.card)
        if self.override is Kind.REFERRAL:
            self.override_referrer.setFocus()

    def _pick_source(self, source: Source) -> None:
        if source is Source.RECOMMENDATION:
            self.referrer_row.show()
            self.referrer.setFocus()
            return
        self._apply_source(source, "")

    def _save_referrer(self) -> None:
        name = self.referrer.text().strip()
        if not name:
            self.referrer.setFocus()
            return
        self._apply_source(Source.RECOMMENDATION, name)

    def _apply_source(self, source: Source, referrer: str) -> None:
        card = self.card
        if card is None:
            return
        fresh = self._guard(lambda: self.desk.set_source(card.input, source, referrer, call_id=card.call_id))
        if fresh is not None:
            note = self.note.text()
            self.show_card(fresh, reset=True)
            self.note.setText(note)

    def _choose(self, contact_id: int) -> None:
        card = self.card
        if card is None:
            return
        self._guard(lambda: self.desk.choose_contact(card.input, contact_id))
        self._reload(card)

    def _reload(self, card: Card) -> None:
        note = self.note.text()
        if card.call_id is not None:
            self.show_call(card.call_id)
        else:
            self.show_number(card.input, card.direction)
        self.note.setText(note)

    def _open_save_form(self) -> None:
        card = self.card
        if card is None:
            return
        self.save_name.setText(card.number.display_name or "")
        self.save_company.clear()
        self.save_toggle.hide()
        self.save_form.show()
        self.save_name.setFocus()

    def _save_contact(self) -> None:
        card = self.card
        if card is None or self.saver is None:
            return
        saver = self.saver
        saved = self._guard(
            lambda: saver.save_unknown(
                card.input,
                self.save_name.text().strip(),
                self.save_company.text().strip(),
                str(self.save_familiarity.currentData()),
            )
        )
        if saved is not None:
            self.save_form.hide()
            self._reload(card)

    def refresh(self) -> None:
        """Re-read the shown card (after edits elsewhere in the window)."""
        if self.card is not None:
            self._reload(self.card)

    def _type_word(self, type_name: str) -> str:
        words = {
            "mobile": self.tr("mobile"),
            "fixed_line": self.tr("landline"),
            "toll_free": self.tr("toll-free"),
            "premium_rate": self.tr("premium rate"),
            "voip": self.tr("VoIP"),
        }
        return words.get(type_name, type_name.replace("_", " "))
