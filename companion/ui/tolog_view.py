"""Calls that rang or were dialled but have no outcome yet — missed calls included — so
none vanishes: open one to log it, or call the number back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion import i18n, numbers
from companion.card import CallInfo
from companion.desk import Desk
from companion.method import Direction


class ToLogView(QWidget):
    openCall = Signal(int)  # call id
    callBack = Signal(str)  # number

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.calls: list[CallInfo] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName(self.tr("Calls to log"))
        layout.addWidget(self.hint)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Calls without an outcome"))
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open)
        self.list.currentRowChanged.connect(self._update_buttons)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Log it"))
        self.open_button.setAccessibleName(self.tr("Open the card to log this call"))
        self.open_button.clicked.connect(self._open)
        self.call_button = QPushButton(self.tr("Call back"))
        self.call_button.setAccessibleName(self.tr("Call this number back"))
        self.call_button.clicked.connect(self._call_back)
        row.addWidget(self.open_button)
        row.addWidget(self.call_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.calls = self.desk.unlogged(limit=200)
        current = self.list.currentRow()
        self.list.clear()
        for call in self.calls:
            item = QListWidgetItem(self._describe(call))
            item.setData(Qt.ItemDataRole.UserRole, call.id)
            self.list.addItem(item)
        if self.calls:
            self.list.setCurrentRow(min(max(current, 0), len(self.calls) - 1))
            self.hint.setText(
                self.tr("Still to log: {n}. Enter opens the card; the digits 1–7 log it there.").format(
                    n=len(self.calls)
                )
            )
        else:
            self.hint.setText(self.tr("Nothing to log. Every call has its outcome."))
        self._update_buttons()

    def _describe(self, call: CallInfo) -> str:
        when = i18n.when(call.at.astimezone(), year=False)
        number = numbers.parse(call.number, self.desk.settings.region).human if call.number else ""
        who = call.contact_name or number or self.tr("withheld number")
        arrow = "←" if call.direction is Direction.IN else "→"
        what = self.tr("incoming") if call.direction is Direction.IN else self.tr("outgoing")
        detail = f"{number} · {what}" if call.contact_name and number else what
        return f"{arrow} {when}  {who}\n     {detail}"

    def count(self) -> int:
        return len(self.calls)

    def _selected(self) -> CallInfo | None:
        row = self.list.currentRow()
        return self.calls[row] if 0 <= row < len(self.calls) else None

    def _update_buttons(self, *_args: object) -> None:
        call = self._selected()
        self.open_button.setEnabled(call is not None)
        self.call_button.setEnabled(call is not None and bool(call.number))

    def _open(self, *_args: object) -> None:
        call = self._selected()
        if call is not None:
            self.openCall.emit(call.id)

    def _call_back(self) -> None:
        call = self._selected()
        if call is not None and call.number:
            self.callBack.emit(call.number)
