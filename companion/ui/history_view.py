"""History: every call, newest first, filtered by day, kind, outcome and rep, searched by
name, number or note. Enter (or a double click) on a row opens that number's card; Call (or
Ctrl+Enter, or the row's context menu) calls that number.

Narrow (a side-docked window) shows when, direction, who and outcome; a wide window adds
the number, kind, rep and note. Every row's tooltip tells the whole call either way.
Export… writes every call (whatever the filter) to a CSV file.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from companion import i18n
from companion.card import CallInfo
from companion.desk import BadInput
from companion.i18n import translate
from companion.journal import HISTORY_LIMIT, KINDS, NOT_LOGGED, HistoryFilter, Journal
from companion.method import KIND_TITLES, OUTCOME_NAMES, OUTCOMES, Direction, Kind, Outcome
from companion.transfer import export_calls
from companion.ui import dialogs
from companion.ui.style import TEMPERATURE_COLOURS, muted_text, warning_colour

SEARCH_DELAY_MS = 250
#: below this width the table keeps only when, direction, who and outcome
NARROW = 560
#: rows measured to size the columns (all 500 would make every refresh slow)
RESIZE_PRECISION = 60
#: small enough that the wide row of filters fits a side-docked window too
COMBO_MIN_WIDTH = 56
ARROWS = {Direction.IN: "←", Direction.OUT: "→"}

Index = QModelIndex | QPersistentModelIndex


class CallTableModel(QAbstractTableModel):
    """The calls of the History view, one row each, read-only."""

    WHEN, DIRECTION, WHO, NUMBER, KIND, OUTCOME, REP, NOTE = range(8)
    #: the columns a narrow window hides
    WIDE_ONLY = (NUMBER, KIND, REP, NOTE)

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.calls: list[CallInfo] = []
        self.headers = [
            self.tr("When"),
            "⇄",
            self.tr("Who"),
            self.tr("Number"),
            self.tr("Kind"),
            self.tr("Outcome"),
            self.tr("Rep"),
            self.tr("Note"),
        ]

    def set_calls(self, calls: list[CallInfo]) -> None:
        self.beginResetModel()
        self.calls = calls
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.calls)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Direction: ← incoming, → outgoing") if section == self.DIRECTION else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.calls):
            return None
        call = self.calls[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(call, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.describe(call)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.direction_word(call) if column == self.DIRECTION else self.text(call, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.KIND:
            return QColor(TEMPERATURE_COLOURS[call.temperature][0])
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OUTCOME and call.outcome is None:
            return muted_text()
        if role == Qt.ItemDataRole.FontRole and column == self.OUTCOME and call.outcome is None:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.DIRECTION:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def text(self, call: CallInfo, column: int) -> str:
        if column == self.WHEN:
            return when_text(call, self.journal.local_today())
        if column == self.DIRECTION:
            return ARROWS[call.direction]
        if column == self.WHO:
            return call.contact_name or self.journal.human(call.number) or self.tr("no number")
        if column == self.NUMBER:
            return self.journal.human(call.number)
        if column == self.KIND:
            return translate("method", KIND_TITLES[call.kind])
        if column == self.OUTCOME:
            return self.outcome_text(call)
        if column == self.REP:
            return call.rep
        if column == self.NOTE:
            return " ".join(call.note.split())
        return ""

    def outcome_text(self, call: CallInfo) -> str:
        if call.outcome is None:
            return self.tr("not logged")
        return translate("method", OUTCOME_NAMES[Outcome(call.outcome)])

    def direction_word(self, call: CallInfo) -> str:
        return self.tr("incoming") if call.direction is Direction.IN else self.tr("outgoing")

    def describe(self, call: CallInfo) -> str:
        """The whole call in a few lines, for the tooltip (the narrow table hides columns)."""
        who = call.contact_name or self.tr("unknown")
        number = self.journal.human(call.number) or self.tr("no number")
        lines = [
            f"{who} · {number}",
            f"{i18n.when(call.at.astimezone())} · {self.direction_word(call)} · {call.rep}",
            f"{translate('method', KIND_TITLES[call.kind])} · {self.outcome_text(call)}",
        ]
        if call.note:
            lines.append(call.note)
        return "\n".join(lines)


def when_text(call: CallInfo, today: date) -> str:
    """``14:05`` today, ``25.11 14:05`` this year, ``25.11.2025 14:05`` before."""
    local = call.at.astimezone()
    if local.date() == today:
        return i18n.clock(local)
    return i18n.when(local, year=local.year != today.year)


class HistoryView(QWidget):
    #: a row was opened: its number (as stored, E.164 where known) and direction ("in"/"out")
    numberActivated = Signal(str, str)
    #: Call on a selected call: its number
    callRequested = Signal(str)

    ANY_DAY, TODAY, YESTERDAY, WEEK, MONTH, ON_DATE = range(6)

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.limit_reached = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, number or note"))
        self.search.setAccessibleName(self.tr("Search calls by name, number or note"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.day = QComboBox()
        self.day.setAccessibleName(self.tr("Day"))
        for text in (
            self.tr("Any day"),
            self.tr("Today"),
            self.tr("Yesterday"),
            self.tr("Last 7 days"),
            self.tr("Last 30 days"),
            self.tr("On a date…"),
        ):
            self.day.addItem(text)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setAccessibleName(self.tr("Date of the calls"))
        self.date.setVisible(False)

        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind of call"))
        self.kind.addItem(self.tr("All kinds"), None)
        for kind in KINDS:
            self.kind.addItem(translate("method", KIND_TITLES[kind]), kind.value)

        self.outcome = QComboBox()
        self.outcome.setAccessibleName(self.tr("Outcome"))
        self.outcome.addItem(self.tr("All outcomes"), None)
        self.outcome.addItem(self.tr("Not logged"), NOT_LOGGED)
        for outcome in OUTCOMES:
            self.outcome.addItem(translate("method", OUTCOME_NAMES[outcome]), outcome.value)

        self.rep = QComboBox()
        self.rep.setAccessibleName(self.tr("Rep"))
        for combo in (self.day, self.kind, self.outcome, self.rep):
            # shrink with a narrow window; the open list still shows whole titles
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
            combo.setMinimumWidth(COMBO_MIN_WIDTH)

        self.filters = QGridLayout()
        self.filters.setContentsMargins(0, 0, 0, 0)
        self.filters.setHorizontalSpacing(6)
        self.filters.setVerticalSpacing(4)
        self._arrangement: tuple[bool, bool] | None = None
        layout.addLayout(self.filters)

        self.model = CallTableModel(journal, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Calls, newest first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setResizeContentsPrecision(RESIZE_PRECISION)  # 500 rows: measure the first ones
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CallTableModel.NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_call)
        self.call_action = QAction(self.tr("Call"), self.table)
        self.call_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.call_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.call_action.triggered.connect(self.call_selected)
        self.table.addAction(self.call_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("How many calls are shown"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export every call (not only those shown) to a CSV file"))
        self.export_button.setAccessibleName(self.tr("Export every call to a CSV file"))
        self.export_button.clicked.connect(self._export_clicked)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        self.call_button = QPushButton(self.tr("Call"))
        self.call_button.setToolTip(self.tr("Call the number of the selected call (Ctrl+Enter)"))
        self.call_button.setAccessibleName(self.tr("Call the number of the selected call"))
        self.call_button.clicked.connect(self.call_selected)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.call_button, 0, Qt.AlignmentFlag.AlignTop)
        status_row.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(status_row)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        # bound methods, not lambdas holding ``self``: PySide can then drop the connections
        # cleanly when the view is deleted
        self.search.textChanged.connect(self._search_edited)
        self.search.returnPressed.connect(self.refresh)
        self.day.currentIndexChanged.connect(self._day_changed)
        self.date.dateChanged.connect(self._filter_changed)
        for combo in (self.kind, self.outcome, self.rep):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.search.installEventFilter(self)

        # narrow until shown wider: a wide arrangement's minimum width must never keep a
        # narrow window from getting narrow
        self._arrange(0)
        self.refresh()

    # --- what is shown ---------------------------------------------------------------

    def current_filter(self) -> HistoryFilter:
        today = self.journal.local_today()
        choice = self.day.currentIndex()
        day: date | None = None
        days = 1
        if choice == self.TODAY:
            day = today
        elif choice == self.YESTERDAY:
            day = today - timedelta(days=1)
        elif choice == self.WEEK:
            day, days = today, 7
        elif choice == self.MONTH:
            day, days = today, 30
        elif choice == self.ON_DATE:
            day = self.date.date().toPython()
        return HistoryFilter(
            day=day,
            days=days,
            kind=Kind(self.kind.currentData()) if self.kind.currentData() else None,
            outcome=self.outcome.currentData(),
            rep=self.rep.currentData(),
            text=self.search.text(),
        )

    def refresh(self) -> None:
        """Read the calls again (new calls, a new day, a changed filter)."""
        self._search_timer.stop()
        selected = self.selected_call()
        try:
            self._fill_reps()
            calls = self.journal.history(self.current_filter())
        except BadInput as exc:  # the team database is away: said here, the list left as it was
            self.status.setText(str(exc))
            self.status.setStyleSheet(f"color: {warning_colour()};")
            return
        self.limit_reached = len(calls) >= HISTORY_LIMIT
        self.model.set_calls(calls)
        if selected is not None:
            row = next((i for i, c in enumerate(calls) if c.id == selected.id), None)
            if row is not None:
                self.table.selectRow(row)
        self._update_status()
        self._update_call()

    def _fill_reps(self) -> None:
        current = self.rep.currentData()
        names = self.journal.reps()
        wanted = [None, *names]
        if [self.rep.itemData(i) for i in range(self.rep.count())] == wanted:
            return
        self.rep.blockSignals(True)
        self.rep.clear()
        self.rep.addItem(self.tr("All reps"), None)
        for name in names:
            label = self.tr("%1 (you)").replace("%1", name) if name == self.journal.rep else name
            self.rep.addItem(label, name)
        index = self.rep.findData(current) if current is not None else 0
        self.rep.setCurrentIndex(max(index, 0))
        self.rep.blockSignals(False)

    def _update_status(self) -> None:
        count = len(self.model.calls)
        if count == 0:
            text = self.tr("No calls match.") if self._filtered() else self.tr("No calls yet.")
        elif self.limit_reached:
            text = self.tr("Showing the newest %n. Narrow the filter to see older calls.", "", count)
        else:
            text = self.tr("Calls: %n", "", count)
        self.status.setText(text)
        self.status.setStyleSheet("")

    def _filtered(self) -> bool:
        return self.current_filter() != HistoryFilter(day=None, days=1)

    def selected_call(self) -> CallInfo | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.calls[index.row()] if index.row() < len(self.model.calls) else None

    def _export(self, path: Path) -> int:
        return export_calls(self.journal.desk, path)

    def export(self) -> Path | None:
        """Every call to a CSV file the rep picks."""
        filters = (self.tr("CSV table (Excel, other programs)") + " (*.csv)",)
        try:
            done = dialogs.export_to(self, self.tr("Export calls"), "calls.csv", filters, self._export)
        except BadInput as exc:
            self.status.setText(str(exc))
            self.status.setStyleSheet(f"color: {warning_colour()};")
            return None
        if done is None:
            return None
        path, count = done
        self.status.setText(self.tr("Calls exported to {file}: %n.", "", count).format(file=path.name))
        self.status.setStyleSheet("")
        return path

    # --- reactions -------------------------------------------------------------------

    def _export_clicked(self, *_args: object) -> None:
        self.export()

    def _search_edited(self, _text: str) -> None:
        self._search_timer.start()  # search once the typing pauses

    def _filter_changed(self, *_args: object) -> None:
        self.refresh()

    def _day_changed(self, index: int) -> None:
        on_date = index == self.ON_DATE
        if on_date and self.date.date() == QDate(2000, 1, 1):
            self.date.blockSignals(True)
            self.date.setDate(QDate(self.journal.local_today()))
            self.date.blockSignals(False)
        self._arrange(self._laid_out_width())
        self.refresh()

    def call_selected(self, *_args: object) -> None:
        call = self.selected_call()
        if call is not None and call.number:
            self.callRequested.emit(call.number)

    def _update_call(self, *_args: object) -> None:
        call = self.selected_call()
        can = call is not None and bool(call.number)
        self.call_button.setEnabled(can)
        self.call_action.setEnabled(can)

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        call = self.model.calls[index.row()]
        if call.number:
            self.numberActivated.emit(call.number, call.direction.value)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Down arrow in the search box moves into the table."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if self.selected_call() is None:
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    # --- layout ----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _laid_out_width(self) -> int:
        """The width to arrange for: 0 (narrow) until a layout or a resize has sized us."""
        sized = self.testAttribute(Qt.WidgetAttribute.WA_Resized) or self.isVisible()
        return self.width() if sized else 0

    def _arrange(self, width: int) -> None:
        """Filters in two columns when narrow, one row when wide; wide adds table columns."""
        narrow = width < NARROW
        on_date = self.day.currentIndex() == self.ON_DATE
        if (narrow, on_date) != self._arrangement:
            self._arrangement = (narrow, on_date)
            widgets = (self.day, self.date, self.kind, self.outcome, self.rep)
            for widget in widgets:
                self.filters.removeWidget(widget)
            if narrow:
                self.filters.addWidget(self.day, 0, 0, 1, 1 if on_date else 2)
                self.filters.addWidget(self.date, 0, 1)
                self.filters.addWidget(self.kind, 1, 0, 1, 2)
                self.filters.addWidget(self.outcome, 2, 0)
                self.filters.addWidget(self.rep, 2, 1)
            else:
                for column, widget in enumerate(widgets):
                    self.filters.addWidget(widget, 0, column)
            self.date.setVisible(on_date)
        for column in CallTableModel.WIDE_ONLY:
            self.table.setColumnHidden(column, narrow)
        # the last visible text column takes the room that is left
        who = QHeaderView.ResizeMode.Stretch if narrow else QHeaderView.ResizeMode.ResizeToContents
        self.table.horizontalHeader().setSectionResizeMode(CallTableModel.WHO, who)
