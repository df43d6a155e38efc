"""The merge picker: "merge this contact into…" another one, found by search, inline in the form."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.book import Book
from companion.card import ContactInfo
from companion.ui.contact_list import SEARCH_DELAY_MS, SEARCH_LIMIT, ContactDelegate, ContactListModel


class MergePicker(QFrame):
    """A small inline chooser: "merge this contact into…" another one, found by search."""

    chosen = Signal(int)  # the contact to keep
    cancelled = Signal()

    def __init__(self, book: Book, model: ContactListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.model = model
        self.exclude: int | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName(self.tr("What is merged"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find the contact to keep"))
        self.search.setAccessibleName(self.tr("Find the contact to merge into"))
        self.search.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_edited)
        self.search.returnPressed.connect(self._pick_current)
        self.search.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(model)
        self.list.setItemDelegate(ContactDelegate(self.list))
        self.list.setAccessibleName(self.tr("Contacts to merge into"))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(self._pick_current)
        self.list.installEventFilter(self)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton(self.tr("Merge"))
        self.merge_button.setAccessibleName(self.tr("Merge into the chosen contact"))
        self.merge_button.clicked.connect(self._pick_current)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel merging"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def start(self, contact: ContactInfo, name: str) -> None:
        self.exclude = contact.id
        self.prompt.setText(self.tr("Merge “{name}” into:").format(name=name))
        self.search.clear()
        self.refresh()
        self.show()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        self.timer.stop()
        found = self.book.search(self.search.text(), limit=SEARCH_LIMIT + 1)
        self.model.set_contacts([c for c in found if c.id != self.exclude][:SEARCH_LIMIT])
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        self.merge_button.setEnabled(self.model.rowCount() > 0)

    def _search_edited(self, *_args: object) -> None:
        self.timer.start()

    def _pick_current(self, *_args: object) -> None:
        if self.timer.isActive():  # Enter typed before the list caught up with the search
            self.refresh()
        contact = self.model.contact(self.list.currentIndex().row())
        if contact is not None:
            self.chosen.emit(contact.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
            if watched is self.search and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                QApplication.sendEvent(self.list, QKeyEvent(event.type(), event.key(), event.modifiers()))
                return True
        return super().eventFilter(watched, event)
