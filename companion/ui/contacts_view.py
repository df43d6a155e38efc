"""Contacts: find a person as you type, edit them, merge two records of one person, delete.

Everything goes through :class:`companion.book.Book`; nothing here knows the tables.
Narrow (a window docked beside the phone) the form sits below the list; wide, beside it.
Keys: Enter in the search opens the first match (or starts a new contact when nothing
matches), Down moves into the list, Delete in the list asks to delete, Ctrl+S saves,
Ctrl+N starts a new contact, Escape closes the merge picker. Import… asks the window for a
file to import (``importRequested``); Export… writes every contact to CSV or vCard.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from companion.book import Book, ContactDraft
from companion.card import ContactInfo
from companion.desk import BadInput
from companion.i18n import translate
from companion.method import STATUS_NAMES, Familiarity, Status
from companion.transfer import export_contacts
from companion.ui import dialogs
from companion.ui.contact_list import SEARCH_DELAY_MS, SEARCH_LIMIT, ContactDelegate, ContactListModel
from companion.ui.merge_picker import MergePicker
from companion.ui.style import warning_colour

#: narrower than this, the form goes below the list
WIDE = 620
#: the warning red, lightened enough to read on a dark window


class FitScrollArea(QScrollArea):
    """A scroll area that asks for as much height as its content (not Qt's capped guess),
    so that in a tall window the form ends where its fields end and scrolls only when short."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        widget = self.widget()
        if widget is None:
            return super().sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), widget.sizeHint().height() + frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content grew or shrank: let the outer layout ask again
        return super().eventFilter(watched, event)


class ContactsView(QWidget):
    """Search, edit, merge and delete contacts. ``callRequested`` carries an E.164 number."""

    contactsChanged = Signal()
    callRequested = Signal(str)
    #: Import… was clicked: the window asks for the file and runs the import
    importRequested = Signal()

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        #: the contact in the form; None while a new one is being written
        self.current: ContactInfo | None = None
        self.dirty = False
        self._loading = False
        self._syncing = False
        self.setAccessibleName(self.tr("Contacts"))
        self._searched = False  # the first search waits until the view is shown (start-up time)
        self._build()
        self.new_contact()

    # --- building ------------------------------------------------------------------------

    def _model(self) -> ContactListModel:
        return ContactListModel(self._status_word, self.book.human, self.tr("(no name)"), self)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setAccessibleName(self.tr("Contact list and form"))
        outer.addWidget(self.splitter)

        browse = QWidget()
        browse_layout = QVBoxLayout(browse)
        browse_layout.setContentsMargins(8, 8, 8, 4)
        browse_layout.setSpacing(4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, company or number"))
        self.search.setAccessibleName(self.tr("Search contacts"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_edited)
        self.search.returnPressed.connect(self._open_first)
        self.search.installEventFilter(self)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setAccessibleName(self.tr("Number of contacts found"))
        self.model = self._model()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(ContactDelegate(self.list))
        self.list.setAccessibleName(self.tr("Contacts found"))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(int(2.5 * (2 * self.fontMetrics().height() + 14)))  # two rows and a half
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.activated.connect(self._list_activated)
        self.list.installEventFilter(self)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Import contacts or calls from a file (Ctrl+I)"))
        self.import_button.setAccessibleName(self.tr("Import contacts or calls from a file"))
        self.import_button.clicked.connect(self._import_clicked)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export every contact to a CSV or vCard file"))
        self.export_button.setAccessibleName(self.tr("Export every contact to a file"))
        self.export_button.clicked.connect(self._export_clicked)
        count_row = QHBoxLayout()
        count_row.setContentsMargins(0, 0, 0, 0)
        count_row.addWidget(self.count, 1)
        count_row.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        count_row.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        browse_layout.addWidget(self.search)
        browse_layout.addLayout(count_row)
        browse_layout.addWidget(self.list, 1)
        self.splitter.addWidget(browse)

        # the form: its title, fields (scrolling), message and buttons always in sight
        edit = QWidget()
        self.edit_panel = QVBoxLayout(edit)
        self.edit_panel.setContentsMargins(8, 4, 8, 8)
        self.edit_panel.setSpacing(6)
        self.scroll = FitScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fields = QWidget()
        self.body = QVBoxLayout(fields)
        self.body.setContentsMargins(0, 0, 4, 0)
        self.scroll.setWidget(fields)
        self.splitter.addWidget(edit)
        self._build_form()
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        QShortcut(
            QKeySequence.StandardKey.Save,
            self,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence.StandardKey.New,
            self,
            self.new_contact,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def _build_form(self) -> None:
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setAccessibleName(self.tr("Contact being edited"))
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.edit_panel.addWidget(self.title)
        self.edit_panel.addWidget(self.scroll)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form = form

        self.name = self._line_edit(self.tr("Name"))
        self.company = self._line_edit(self.tr("Company"))
        self.numbers = self._text_edit(self.tr("Phone numbers, one per line"), lines=3)
        self.numbers.setPlaceholderText(self.tr("One number per line"))
        self.call_number = QComboBox()
        self.call_number.setAccessibleName(self.tr("Number to call"))
        self._narrow_combo(self.call_number)
        self.call_button = QPushButton(self.tr("Call"))
        self.call_button.setAccessibleName(self.tr("Call the chosen number"))
        self.call_button.clicked.connect(self.call)
        self.call_row = call_row = QWidget()
        call_layout = QHBoxLayout(call_row)
        call_layout.setContentsMargins(0, 0, 0, 0)
        call_layout.addWidget(self.call_number, 1)
        call_layout.addWidget(self.call_button)
        self.email = self._line_edit(self.tr("E-mail"))
        self.status = QComboBox()
        self.status.setAccessibleName(self.tr("Status"))
        for status in Status:
            self.status.addItem(translate("method", STATUS_NAMES[status]), status.value)
        self._narrow_combo(self.status)
        self.status.currentIndexChanged.connect(self._changed)
        self.familiarity = QComboBox()
        self.familiarity.setAccessibleName(self.tr("How well they know you"))
        for value, text in (
            (Familiarity.PERSONAL, self.tr("Knows me personally")),
            (Familiarity.COMPANY, self.tr("Knows the company")),
            (Familiarity.NONE, self.tr("Doesn't know us")),
        ):
            self.familiarity.addItem(text, value.value)
        self._narrow_combo(self.familiarity)
        self.familiarity.currentIndexChanged.connect(self._changed)
        self.referred_by = self._line_edit(self.tr("Referred by"))
        self.referred_by.setPlaceholderText(self.tr("Who recommended us"))
        self.do_not_call = QCheckBox(self.tr("&Do not call"))
        self.do_not_call.setAccessibleName(self.tr("Do not call: they asked not to be called"))
        self.do_not_call.toggled.connect(self._changed)
        self.notes = self._text_edit(self.tr("Notes"), lines=4)

        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Company"), self.company)
        form.addRow(self.tr("N&umbers"), self.numbers)
        form.addRow(call_row)
        form.addRow(self.tr("&E-mail"), self.email)
        form.addRow(self.tr("&Status"), self.status)
        form.addRow(self.tr("&Knows us"), self.familiarity)
        form.addRow(self.tr("&Referred by"), self.referred_by)
        form.addRow("", self.do_not_call)
        form.addRow(self.tr("N&otes"), self.notes)
        self.body.addLayout(form)
        self.body.addStretch(1)

        self.picker = MergePicker(self.book, self._model())
        self.picker.chosen.connect(self.merge_into)
        self.picker.cancelled.connect(self.cancel_merge)
        self.picker.hide()
        self.edit_panel.addWidget(self.picker, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.message.hide()
        self.edit_panel.addWidget(self.message)

        self.buttons = QWidget()
        self.button_grid = QGridLayout(self.buttons)
        self.button_grid.setContentsMargins(0, 0, 0, 0)
        self.save_button = self._button(
            self.tr("Save"), self.tr("Save the contact"), self._save_clicked, QKeySequence.StandardKey.Save
        )
        self.save_button.setDefault(True)
        self.new_button = self._button(
            self.tr("New"), self.tr("New contact"), self._new_clicked, QKeySequence.StandardKey.New
        )
        self.delete_button = self._button(
            self.tr("Delete…"),
            self.tr("Delete the contact"),
            self._delete_clicked,
            QKeySequence(Qt.Key.Key_Delete),
        )
        self.merge_button = self._button(
            self.tr("Merge into…"), self.tr("Merge this contact into another one"), self._merge_clicked
        )
        self._button_columns = 0
        self._layout_buttons(2)
        self.edit_panel.addWidget(self.buttons)
        self.edit_panel.addStretch(1)  # wide: the buttons stay right below the fields

        chain: list[QWidget] = [
            self.search,
            self.import_button,
            self.export_button,
            self.list,
            self.name,
            self.company,
            self.numbers,
            self.call_number,
            self.call_button,
            self.email,
            self.status,
            self.familiarity,
            self.referred_by,
            self.do_not_call,
            self.notes,
            self.save_button,
            self.new_button,
            self.delete_button,
            self.merge_button,
            self.picker.search,
            self.picker.list,
            self.picker.merge_button,
            self.picker.cancel_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _layout_buttons(self, columns: int) -> None:
        if columns == self._button_columns:
            return
        self._button_columns = columns
        buttons = (self.save_button, self.new_button, self.delete_button, self.merge_button)
        for button in buttons:
            self.button_grid.removeWidget(button)
        for i, button in enumerate(buttons):
            self.button_grid.addWidget(button, i // columns, i % columns)
        for column in range(4):
            self.button_grid.setColumnStretch(column, 1 if column < columns else 0)

    def _line_edit(self, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(self._changed)
        edit.returnPressed.connect(self.save)
        return edit

    def _text_edit(self, accessible: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(accessible)
        edit.setTabChangesFocus(True)
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        margins = edit.contentsMargins()
        height = edit.fontMetrics().lineSpacing() * lines + 2 * edit.document().documentMargin()
        edit.setFixedHeight(int(height + margins.top() + margins.bottom() + 2 * edit.frameWidth()))
        edit.textChanged.connect(self._changed)
        return edit

    @staticmethod
    def _narrow_combo(combo: QComboBox) -> None:
        """A combo box that never forces the window wider than its own longest item."""
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)

    def _button(
        self,
        text: str,
        accessible: str,
        slot: Callable[..., object],
        key: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(accessible)
        tip = accessible
        if key is not None:
            shortcut = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{accessible} ({shortcut})" if shortcut else accessible
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # slots for signals that pass arguments the actions do not take (bound methods, not lambdas:
    # a lambda holding ``self`` outlives the view and aborts PySide6 at exit)

    def _search_edited(self, *_args: object) -> None:
        self.search_timer.start()

    def _list_activated(self, *_args: object) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_clicked(self, *_args: object) -> None:
        self.save()

    def _new_clicked(self, *_args: object) -> None:
        self.new_contact()

    def _delete_clicked(self, *_args: object) -> None:
        self.delete()

    def _merge_clicked(self, *_args: object) -> None:
        self.start_merge()

    def _import_clicked(self, *_args: object) -> None:
        self.importRequested.emit()

    def _export_clicked(self, *_args: object) -> None:
        self.export()

    # --- searching -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the list and the contact in the form (after changes elsewhere)."""
        self.run_search()
        if self.current is not None and not self.dirty:
            try:
                self._fill(self.book.get(self.current.id))
            except BadInput:
                self.new_contact(ask=False)

    def run_search(self) -> None:
        self.search_timer.stop()
        self._searched = True
        try:
            found = self.book.search(self.search.text(), limit=SEARCH_LIMIT + 1)
        except BadInput as exc:  # the team database is away: said here, the list left as it was
            self.count.setText(str(exc))
            return
        more = len(found) > SEARCH_LIMIT
        self._syncing = True
        try:
            self.model.set_contacts(found[:SEARCH_LIMIT])
            row = self.model.row_of(self.current.id if self.current else None)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))
        finally:
            self._syncing = False
        shown = self.model.rowCount()
        if more:
            text = self.tr("The first %n contacts are shown: type more to narrow the search.", "", shown)
        elif shown == 0 and self.search.text().strip():
            text = self.tr("No contact matches. Press Enter to create one.")
        elif shown == 0:
            text = self.tr("No contacts yet. Fill in the form below to add one.")
        else:
            text = self.tr("Contacts: %n", "", shown)
        self.count.setText(text)

    def _open_first(self) -> None:
        self.run_search()
        if self.model.rowCount() == 0:
            text = self.search.text().strip()
            if text and self._may_leave():
                self.new_contact(ask=False)
                digits = sum(ch.isdigit() for ch in text)
                (self.numbers.setPlainText if digits >= 3 else self.name.setText)(text)
                self.dirty = True
                self._update_buttons()
                self.name.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.list.setCurrentIndex(self.model.index(0))
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._syncing:
            return
        contact = self.model.contact(current.row())
        if contact is None or (self.current is not None and contact.id == self.current.id):
            return
        if not self._may_leave():
            self._syncing = True
            try:
                self.list.setCurrentIndex(previous if previous.isValid() else QModelIndex())
            finally:
                self._syncing = False
            return
        self.cancel_merge()
        self._fill(contact)

    # --- the form ------------------------------------------------------------------------

    def show_contact(self, contact_id: int) -> ContactInfo | None:
        """Open a contact in the form (e.g. from the card), selecting it in the list if shown."""
        if not self._may_leave():
            return None
        try:
            contact = self.book.get(contact_id)
        except BadInput as exc:
            self._say(str(exc), error=True)
            return None
        self._fill(contact)
        self._select(contact.id)
        return contact

    def new_contact(self, ask: bool = True, number: str = "") -> None:
        """An empty form for a new contact (with ``number`` filled in, if given)."""
        if ask and not self._may_leave():
            return
        self.cancel_merge()
        self._loading = True
        try:
            self.current = None
            for edit in (self.name, self.company, self.email, self.referred_by):
                edit.clear()
            self.numbers.setPlainText(number)
            self.notes.clear()
            self.status.setCurrentIndex(self.status.findData(Status.PERSON.value))
            self.familiarity.setCurrentIndex(self.familiarity.findData(Familiarity.NONE.value))
            self.do_not_call.setChecked(False)
            self.call_number.clear()
        finally:
            self._loading = False
        self.dirty = bool(number)
        self._select(None)
        self.title.setText(self.tr("New contact"))
        self.message.hide()
        self._update_buttons()

    def _fill(self, contact: ContactInfo) -> None:
        self._loading = True
        try:
            self.current = contact
            self.name.setText(contact.name)
            self.company.setText(contact.company)
            self.email.setText(contact.email)
            self.referred_by.setText(contact.referred_by)
            for edit in (self.name, self.company, self.email, self.referred_by):
                edit.setCursorPosition(0)  # long names show their beginning
            self.numbers.setPlainText("\n".join(self.book.human(n) for n in contact.numbers))
            self.notes.setPlainText(contact.notes)
            self.status.setCurrentIndex(max(0, self.status.findData(contact.status)))
            self.familiarity.setCurrentIndex(max(0, self.familiarity.findData(contact.familiarity)))
            self.do_not_call.setChecked(contact.do_not_call)
            self.call_number.clear()
            for number in contact.numbers:
                self.call_number.addItem(self.book.human(number), number)
        finally:
            self._loading = False
        self.dirty = False
        self.title.setText(self._name_of(contact))
        self.message.hide()
        self._update_buttons()

    def draft(self) -> ContactDraft:
        """What the form says, ready for ``Book.save``."""
        return ContactDraft(
            id=self.current.id if self.current is not None else None,
            name=self.name.text(),
            company=self.company.text(),
            email=self.email.text(),
            notes=self.notes.toPlainText(),
            status=str(self.status.currentData()),
            familiarity=str(self.familiarity.currentData()),
            referred_by=self.referred_by.text(),
            do_not_call=self.do_not_call.isChecked(),
            numbers=[line for line in self.numbers.toPlainText().splitlines() if line.strip()],
        )

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.message.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        saved = self.current is not None
        self.save_button.setEnabled(self.dirty)
        self.delete_button.setEnabled(saved)
        self.merge_button.setEnabled(saved)
        self.form.setRowVisible(self.call_row, self.call_number.count() > 0)
        self.call_button.setEnabled(self.call_number.count() > 0)
        self.call_number.setEnabled(self.call_number.count() > 1)

    def _may_leave(self) -> bool:
        """True when the form may be replaced: nothing unsaved, or the rep agrees to drop it."""
        if not self.dirty:
            return True
        name = self._name_of(self.current) if self.current is not None else self.tr("the new contact")
        if not dialogs.ask_confirm(
            self,
            self.tr("Unsaved changes"),
            self.tr("Discard your changes to “{name}”?").format(name=name),
            self.tr("Discard"),
        ):
            return False
        self.dirty = False
        return True

    def _say(self, text: str, error: bool = False) -> None:
        """A line under the form: an error in red (lighter on a dark palette), else plain text."""
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {warning_colour()};" if error else "")
        self.message.show()

    def _select(self, contact_id: int | None) -> None:
        self._syncing = True
        try:
            row = self.model.row_of(contact_id)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))
            else:
                self.list.clearSelection()
                self.list.setCurrentIndex(QModelIndex())
        finally:
            self._syncing = False

    def _name_of(self, contact: ContactInfo) -> str:
        if contact.display_name:
            return contact.display_name
        if contact.numbers:
            return self.book.human(contact.numbers[0])
        return self.tr("(no name)")

    def _status_word(self, contact: ContactInfo) -> str:
        try:
            word = translate("method", STATUS_NAMES[Status(contact.status)])
        except ValueError:
            word = contact.status
        return self.tr("do not call · {status}").format(status=word) if contact.do_not_call else word

    # --- actions -------------------------------------------------------------------------

    def save(self) -> ContactInfo | None:
        try:
            saved = self.book.save(self.draft())
        except BadInput as exc:
            self._say(str(exc), error=True)
            return None
        self._fill(saved)
        self.run_search()
        self._select(saved.id)
        self._say(self.tr("Saved."))
        self.contactsChanged.emit()
        return saved

    def delete(self) -> bool:
        contact = self.current
        if contact is None:
            return False
        if not dialogs.ask_confirm(
            self,
            self.tr("Delete contact"),
            self.tr("Delete “{name}”? Their calls stay in the history and their numbers stay known.").format(
                name=self._name_of(contact)
            ),
            self.tr("Delete"),
        ):
            return False
        try:
            self.book.delete(contact.id)
        except BadInput as exc:
            self._say(str(exc), error=True)
            return False
        row = max(self.model.row_of(contact.id), 0)
        self.dirty = False
        self.new_contact(ask=False)
        self.run_search()
        following = self.model.contact(min(row, self.model.rowCount() - 1))
        if following is not None:
            self._fill(following)
            self._select(following.id)
        self._say(self.tr("Deleted “{name}”.").format(name=self._name_of(contact)))
        self.contactsChanged.emit()
        return True

    def start_merge(self) -> None:
        if self.current is None or not self._may_leave():
            return
        self._fill(self.current)
        self.scroll.hide()
        self.buttons.hide()
        self.edit_panel.setStretch(self.edit_panel.count() - 1, 0)
        self.picker.start(self.current, self._name_of(self.current))

    @property
    def merging(self) -> bool:
        return not self.picker.isHidden()

    def cancel_merge(self) -> None:
        if not self.merging:
            return
        had_focus = self.picker.isAncestorOf(QApplication.focusWidget())
        self.picker.hide()
        self.scroll.show()
        self.buttons.show()
        self.edit_panel.setStretch(self.edit_panel.count() - 1, 1)
        if had_focus:
            self.merge_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def merge_into(self, keep_id: int) -> ContactInfo | None:
        """Merge the contact in the form into ``keep_id``, after the rep confirms."""
        other = self.current
        if other is None:
            return None
        try:
            keep = self.book.get(keep_id)
        except BadInput as exc:
            self._say(str(exc), error=True)
            return None
        other_name, keep_name = self._name_of(other), self._name_of(keep)
        if not dialogs.ask_confirm(
            self,
            self.tr("Merge contacts"),
            self.tr(
                "Merge “{other}” into “{keep}”? The numbers, calls and callbacks of “{other}” move "
                "to “{keep}”, its empty fields are filled in, and “{other}” is deleted."
            ).format(other=other_name, keep=keep_name),
            self.tr("Merge"),
        ):
            return None
        try:
            merged = self.book.merge(keep_id, other.id)
        except BadInput as exc:
            self._say(str(exc), error=True)
            return None
        self.cancel_merge()
        self._fill(merged)
        self.run_search()
        self._select(merged.id)
        self._say(self.tr("“{other}” merged into “{keep}”.").format(other=other_name, keep=keep_name))
        self.contactsChanged.emit()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        return merged

    def call(self) -> None:
        number = self.call_number.currentData()
        contact = self.current
        if not number or contact is None:
            return
        if contact.do_not_call and not dialogs.ask_confirm(
            self,
            self.tr("Do not call"),
            self.tr("“{name}” asked not to be called. Call anyway?").format(name=self._name_of(contact)),
            self.tr("Call anyway"),
        ):
            return
        self.callRequested.emit(str(number))

    def _export(self, path: Path) -> int:
        return export_contacts(self.book.desk, path)

    def export(self) -> Path | None:
        """Every contact to a file the rep picks: vCard when it ends in .vcf, else CSV."""
        filters = (
            self.tr("CSV table (Excel, other programs)") + " (*.csv)",
            self.tr("vCard (phones, address books)") + " (*.vcf)",
        )
        try:
            done = dialogs.export_to(self, self.tr("Export contacts"), "contacts.csv", filters, self._export)
        except BadInput as exc:
            self._say(str(exc), error=True)
            return None
        if done is None:
            return None
        path, count = done
        self._say(self.tr("Contacts exported to {file}: %n.", "", count).format(file=path.name))
        return path

    # --- keyboard and size ---------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.list and key == Qt.Key.Key_Delete:
                self.delete()
                return True
            if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
                if not self.list.currentIndex().isValid():
                    self.list.setCurrentIndex(self.model.index(0))
                self.list.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._searched:
            self.run_search()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        wide = self.width() >= WIDE
        self._layout_buttons(4 if wide or self.width() >= 420 else 2)
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation or not self.splitter.property("placed"):
            self.splitter.setOrientation(orientation)
            total = self.width() if wide else self.height()
            first = int(total * (0.42 if wide else 0.38))
            self.splitter.setSizes([first, total - first])
            self.splitter.setProperty("placed", True)
