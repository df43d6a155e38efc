"""The contact list: a model of found contacts and the delegate that draws each one in two lines.

Shared by :class:`companion.ui.contacts_view.ContactsView` and its merge picker
(:class:`companion.ui.merge_picker.MergePicker`), which search the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from companion.card import ContactInfo

#: how long typing pauses before a contact list searches
SEARCH_DELAY_MS = 150
#: at most this many contacts in a list; the rep types more to narrow the search
SEARCH_LIMIT = 200

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class _Row:
    title: str
    subtitle: str
    status: str
    number: str
    named: bool

    @property
    def spoken(self) -> str:
        return ", ".join(p for p in (self.title, self.subtitle, self.status, self.number) if p)


class ContactListModel(QAbstractListModel):
    """Contacts for a list: the name (or company) on top, the company and first number below."""

    SubtitleRole = Qt.ItemDataRole.UserRole + 1
    StatusRole = Qt.ItemDataRole.UserRole + 2
    NumberRole = Qt.ItemDataRole.UserRole + 3
    IdRole = Qt.ItemDataRole.UserRole + 4
    NamedRole = Qt.ItemDataRole.UserRole + 5

    def __init__(
        self,
        status_word: Callable[[ContactInfo], str],
        number_text: Callable[[str], str],
        no_name: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.contacts: list[ContactInfo] = []
        self._rows: list[_Row] = []
        self._status_word = status_word
        self._number_text = number_text
        self._no_name = no_name

    def set_contacts(self, contacts: list[ContactInfo]) -> None:
        self.beginResetModel()
        self.contacts = list(contacts)
        self._rows = [self._row(c) for c in self.contacts]  # numbers formatted once, not per paint
        self.endResetModel()

    def _row(self, contact: ContactInfo) -> _Row:
        return _Row(
            title=contact.display_name or self._no_name,
            subtitle=contact.company if contact.name else "",
            status=self._status_word(contact),
            number=self._number_text(contact.numbers[0]) if contact.numbers else "",
            named=bool(contact.display_name),
        )

    def contact(self, row: int) -> ContactInfo | None:
        return self.contacts[row] if 0 <= row < len(self.contacts) else None

    def row_of(self, contact_id: int | None) -> int:
        return next((i for i, c in enumerate(self.contacts) if c.id == contact_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.contacts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        values = {
            Qt.ItemDataRole.DisplayRole: row.title,
            self.SubtitleRole: row.subtitle,
            self.StatusRole: row.status,
            self.NumberRole: row.number,
            self.IdRole: self.contacts[index.row()].id,
            self.NamedRole: row.named,
            Qt.ItemDataRole.ToolTipRole: row.spoken,
            Qt.ItemDataRole.AccessibleTextRole: row.spoken,
        }
        return values.get(role)


class ContactDelegate(QStyledItemDelegate):
    """Two lines per contact, each elided to the width: name · status, then company · number.
    Colours come from the palette, so light and dark themes both read well."""

    PADDING = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _title_font(self, option: QStyleOptionViewItem, named: bool) -> QFont:
        font = QFont(option.font)
        font.setBold(named)
        font.setItalic(not named)
        return font

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        bold, plain = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(plain).height() + 2 * self.PADDING + 2
        return QSize(120, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Active
            if opt.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        main = opt.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = main if selected else opt.palette.color(group, QPalette.ColorRole.PlaceholderText)
        bold, plain = self._fonts(opt)
        top_height = QFontMetrics(bold).height()
        rect = opt.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING - 2, -self.PADDING)
        first = QRect(rect.left(), rect.top(), rect.width(), top_height)
        second = QRect(rect.left(), rect.top() + top_height + 2, rect.width(), QFontMetrics(plain).height())
        painter.save()
        status = str(index.data(ContactListModel.StatusRole) or "")
        subtitle = str(index.data(ContactListModel.SubtitleRole) or "")
        number = str(index.data(ContactListModel.NumberRole) or "")
        named = bool(index.data(ContactListModel.NamedRole))
        title_font = self._title_font(opt, named)
        _line(
            painter,
            first,
            (str(index.data() or ""), title_font, main if named else muted),
            (status, plain, muted),
        )
        _line(painter, second, (subtitle, plain, muted), (number, plain, muted))
        painter.restore()


def _line(
    painter: QPainter, rect: QRect, left: tuple[str, QFont, QColor], right: tuple[str, QFont, QColor]
) -> None:
    """``left`` from the left edge, ``right`` against the right edge; each elided only when
    both do not fit, and ``right`` then keeps at least half of the width."""
    gap = 12
    left_text, left_font, left_colour = left
    right_text, right_font, right_colour = right
    used = 0.0
    if right_text:
        metrics = QFontMetricsF(right_font)
        wanted = metrics.horizontalAdvance(right_text) + 1
        left_wanted = QFontMetricsF(left_font).horizontalAdvance(left_text)
        room = max(rect.width() * 0.5, rect.width() - left_wanted - gap)
        used = min(wanted, room)
        painter.setFont(right_font)
        painter.setPen(right_colour)
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(right_text, Qt.TextElideMode.ElideMiddle, used),
        )
        used += gap
    width = max(0, int(rect.width() - used))
    painter.setFont(left_font)
    painter.setPen(left_colour)
    painter.drawText(
        QRect(rect.left(), rect.top(), width, rect.height()),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        QFontMetricsF(left_font).elidedText(left_text, Qt.TextElideMode.ElideRight, width),
    )
