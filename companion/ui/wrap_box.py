"""A row of one-click buttons that wraps onto more lines when the window is narrow, so a
320-pixel side-docked window and a wide one both show every button whole."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class WrapBox(QWidget):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self.spacing = spacing
        self.items: list[QWidget] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def add(self, widget: QWidget) -> None:
        widget.setParent(self)
        self.items.append(widget)
        self.relayout()

    def insert(self, index: int, widget: QWidget) -> None:
        widget.setParent(self)
        self.items.insert(index, widget)
        self.relayout()

    def remove(self, widget: QWidget) -> None:
        """Take ``widget`` out and delete it."""
        self.items.remove(widget)
        widget.deleteLater()
        self.relayout()

    def clear(self) -> None:
        for widget in self.items:
            widget.deleteLater()
        self.items = []
        self.relayout()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(max((w.sizeHint().width() for w in self.items), default=0), self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.relayout()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.relayout()

    def relayout(self) -> None:
        """Place the visible buttons left to right, wrapping; fit the height to the rows."""
        width = max(self.width(), 1)
        x = y = line = 0
        for widget in self.items:
            if widget.isHidden():
                continue
            hint = widget.sizeHint()
            w = min(hint.width(), width)
            if x > 0 and x + w > width:
                x, y, line = 0, y + line + self.spacing, 0
            widget.setGeometry(x, y, w, hint.height())
            x += w + self.spacing
            line = max(line, hint.height())
        height = y + line
        if height != self.height():
            self.setFixedHeight(height)
