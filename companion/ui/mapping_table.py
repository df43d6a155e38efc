"""The first rows of a table being imported, each column headed by the file's own name and a
"what is this column?" choice: not imported (—), or one of the fields (Name, Phone, …).

Only "phone" takes several columns; giving another field to a column takes it from the
column that had it. Columns that are not imported are greyed; those empty in every row of
the sample (most of a Google export's thirty) are hidden until asked for.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from companion.importers.columns import field_title
from companion.ui.style import muted_text

#: fields that may take several columns (the engine's rule)
MULTI = frozenset({"phone"})
#: the width a column starts with, at least and at most
COLUMN_WIDTH = (118, 230)


class MappingHeader(QHeaderView):
    """A horizontal header whose sections carry a combo box under the file's column name.
    The combos are children of the header's viewport, so they scroll with the columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.combos: list[QComboBox] = []
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSectionsClickable(False)
        self.setHighlightSections(False)
        self.sectionResized.connect(self.place_combos)
        self.geometriesChanged.connect(self.place_combos)

    def set_combos(self, combos: list[QComboBox]) -> None:
        self.combos = combos
        for combo in combos:
            combo.setParent(self.viewport())
        self.updateGeometry()
        self.place_combos()

    def _combo_height(self) -> int:
        return max((combo.sizeHint().height() for combo in self.combos), default=0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(hint.width(), hint.height() + self._combo_height() + 4)

    def place_combos(self, *_args: object) -> None:
        height = self._combo_height()
        top = self.viewport().height() - height - 3
        for column, combo in enumerate(self.combos):
            width = self.sectionSize(column)
            combo.setGeometry(self.sectionViewportPosition(column) + 2, top, max(width - 4, 0), height)
            combo.setVisible(not self.isSectionHidden(column))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.place_combos()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.place_combos()


class RowsTable(QTableWidget):
    """A read-only table that asks for the height of its rows (``hint_rows`` of them at most)
    and no more, and gives up room down to ``min_rows``: a short file leaves no empty table."""

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.hint_rows = 50
        self.min_rows = 3
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    def height_for(self, rows: int) -> int:
        height = 2 * self.frameWidth() + rows * self.verticalHeader().defaultSectionSize()
        if not self.horizontalHeader().isHidden():
            height += self.horizontalHeader().sizeHint().height()
        if self.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            height += self.horizontalScrollBar().sizeHint().height()
        return height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        rows = max(min(self.rowCount(), self.hint_rows), 1)
        return QSize(super().sizeHint().width(), self.height_for(rows))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        rows = max(min(self.rowCount(), self.min_rows), 1)
        return QSize(80, self.height_for(rows))


class MappingTable(RowsTable):
    """The sample rows with a field chosen for each column; ``mappingChanged`` on every choice."""

    mappingChanged = Signal()

    def __init__(
        self,
        headers: list[str],
        sample: list[tuple[int, list[str]]],
        fields: tuple[str, ...],
        mapping: dict[str, list[int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(len(sample), len(headers), parent)
        self.fields = fields
        self.header = MappingHeader(self)
        self.setHorizontalHeader(self.header)
        self.setAccessibleName(self.tr("The first rows of the file"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the keyboard, not the cells
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(True)
        self.header.setMinimumSectionSize(60)

        names = [header.strip() or self.tr("Column {n}").format(n=i + 1) for i, header in enumerate(headers)]
        self.setHorizontalHeaderLabels(names)
        for row, (_line, cells) in enumerate(sample):
            for column in range(len(headers)):
                text = " ".join(cells[column].split()) if column < len(cells) else ""
                item = QTableWidgetItem(text)
                item.setToolTip(cells[column] if column < len(cells) else "")
                self.setItem(row, column, item)

        chosen = {i: field for field, columns in mapping.items() if field in fields for i in columns}
        combos = []
        for column, name in enumerate(names):
            combo = QComboBox()
            combo.setAccessibleName(self.tr("What is in the column “{column}”?").format(column=name))
            combo.setToolTip(self.tr("What is in this column? — means it is not imported."))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.addItem("—", "")
            for field in fields:
                combo.addItem(field_title(field), field)
            combo.setCurrentIndex(max(combo.findData(chosen.get(column, "")), 0))
            combo.setProperty("column", column)
            combo.currentIndexChanged.connect(self._choice_changed)
            combo.installEventFilter(self)
            combos.append(combo)
        self.combos = combos
        self.header.set_combos(combos)
        for first, second in zip(combos, combos[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.horizontalScrollBar().valueChanged.connect(self.header.place_combos)

        self.names = names
        for column in range(len(names)):
            self.fit_column(column)
        #: columns with nothing in the sample and no field: hidden while ``show_empty`` is off
        self.empty_columns = [
            column
            for column in range(len(headers) if sample else 0)
            if column not in chosen
            and not any(column < len(cells) and cells[column].strip() for _, cells in sample)
        ]
        self._grey_unused()
        self.show_empty(False)

    def show_empty(self, shown: bool) -> None:
        for column in self.empty_columns:
            self.setColumnHidden(column, not shown)
        self.header.place_combos()

    def fit_column(self, column: int) -> None:
        """As wide as the file's column name and the chosen field's title, within limits."""
        combo = self.combos[column]
        frame = combo.sizeHint().width() - combo.fontMetrics().horizontalAdvance("x" * 6)  # arrow, margins
        wanted = max(
            self.fontMetrics().horizontalAdvance(self.names[column]) + 24,
            combo.fontMetrics().horizontalAdvance(combo.currentText()) + frame + 4,
        )
        low, high = COLUMN_WIDTH
        self.setColumnWidth(column, max(low, min(high, wanted)))

    def mapping(self) -> dict[str, list[int]]:
        """field → the columns chosen for it, in column order (fields with none left out)."""
        result: dict[str, list[int]] = {}
        for column, combo in enumerate(self.combos):
            field = combo.currentData()
            if field:
                result.setdefault(str(field), []).append(column)
        return result

    def choose(self, column: int, field: str) -> None:
        """Say that ``column`` holds ``field`` ("" for not imported), as the rep would."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(field))

    def _choice_changed(self, _index: int) -> None:
        combo = self.sender()
        if not isinstance(combo, QComboBox):
            return
        field = combo.currentData()
        if field and field not in MULTI:
            for column, other in enumerate(self.combos):
                if other is not combo and other.currentData() == field:
                    other.blockSignals(True)
                    other.setCurrentIndex(0)
                    other.blockSignals(False)
                    self.fit_column(column)
        self.fit_column(int(combo.property("column")))
        self._grey_unused()
        self.mappingChanged.emit()

    def _grey_unused(self) -> None:
        muted = muted_text()
        for column, combo in enumerate(self.combos):
            used = bool(combo.currentData())
            for row in range(self.rowCount()):
                item = self.item(row, column)
                if item is not None:
                    item.setData(Qt.ItemDataRole.ForegroundRole, None if used else muted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """A combo reached with Tab scrolls its column into sight."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QComboBox) and watched in self.combos:
            self._show_column(int(watched.property("column")))
        return super().eventFilter(watched, event)

    def _show_column(self, column: int) -> None:
        left = self.header.sectionPosition(column)
        right = left + self.header.sectionSize(column)
        bar = self.horizontalScrollBar()
        room = self.viewport().width()
        if left < bar.value():
            bar.setValue(left)
        elif right > bar.value() + room:
            bar.setValue(right - room)
