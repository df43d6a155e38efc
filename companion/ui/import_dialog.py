"""Importing a file in the window: what the file is and what each column holds, how well the
people in it know the rep, then the import itself (in its own thread) and what it did.

A non-modal dialog, one import at a time, in three steps on a stack:

1. *setup*: the format and size; for a table, its first rows with a "what is this column?"
   choice on every column and, for contacts, how the first rows will be imported; for vCards
   the first cards; the familiarity question; Import (disabled, with the reason, while the
   phone or number column is missing).
2. *progress*: reading, then saving, with Cancel. Nothing is written until the end.
3. *result*: the summary and the problems (copyable), or why nothing was imported.

Closing it during an import asks first, then stops the import and waits for the thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.desk import Desk
from companion.importers import ImportReport, Row, Source
from companion.importers.columns import field_title
from companion.method import Familiarity
from companion.ui import dialogs
from companion.ui.import_worker import CANCELLED, FAILED, IMPORTED, ImportThread
from companion.ui.mapping_table import MappingTable, RowsTable
from companion.ui.style import muted_text, warning_colour
from companion.ui.wrap_box import WrapBox

#: rows of the "will be imported as" preview in sight under a table's columns (it scrolls)
PREVIEW_ROWS = 6
#: the share of the progress bar that reading takes (parsing the numbers is most of the work)
READING_SHARE = 0.7
BAR_STEPS = 1000
#: files the window imports (dropped on it, or picked with Ctrl+I)
IMPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".vcf", ".vcard")
IMPORT_PATTERNS = " ".join(f"*{suffix}" for suffix in IMPORT_SUFFIXES)


def importable_files(mime: QMimeData) -> list[Path]:
    """The local files of a drag or drop that the import reads, in their order."""
    if not mime.hasUrls():
        return []
    paths = (Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile())
    return [path for path in paths if path.suffix.lower() in IMPORT_SUFFIXES]


class ElidedLabel(QLabel):
    """One line that never widens the dialog: shortened with … when there is no room."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 40)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, width))


class ImportDialog(QDialog):
    """Import ``source`` (what ``open_source`` made of the file) into ``desk``'s database."""

    #: an import that created or updated something: its ImportReport
    imported = Signal(object)
    #: the import ended: "imported", "cancelled" or "failed"
    ended = Signal(str)

    def __init__(self, desk: Desk, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.source = source
        self.worker: ImportThread | None = None
        self.outcome = ""
        self.report: ImportReport | None = None
        self.calls = source.content == "calls"
        self.setWindowTitle(self.tr("Import {file}").format(file=source.path.name))
        self.setAccessibleName(self.tr("Import a file"))
        self.setModal(False)
        self.setSizeGripEnabled(True)
        self.setMinimumSize(300, 400)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        self.file_label = ElidedLabel(source.path.name)
        self.file_label.setAccessibleName(self.tr("File"))
        bold = self.file_label.font()
        bold.setBold(True)
        self.file_label.setFont(bold)
        self.format_label = QLabel(self._format_text())
        self.format_label.setWordWrap(True)
        self.format_label.setAccessibleName(self.tr("What the file is"))
        layout.addWidget(self.file_label)
        layout.addWidget(self.format_label)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setup_page = self._build_setup()
        self.progress_page = self._build_progress()
        self.result_page = self._build_result()
        for page in (self.setup_page, self.progress_page, self.result_page):
            self.stack.addWidget(page)
        self._update_preview()
        self._update_import_button()

        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._quitting)
        self.resize(self._first_size())

    # --- building ------------------------------------------------------------------------

    def _format_text(self) -> str:
        source = self.source
        if source.container == "vcard":
            return self.tr("{format} · cards: %Ln", "", source.total).format(format=source.label)
        if not source.sample:
            return self.tr("{format} · no rows").format(format=source.label)
        if source.exact:
            return self.tr("{format} · rows: %Ln", "", source.total).format(format=source.label)
        return self.tr("{format} · rows: about %Ln", "", max(source.total, len(source.sample))).format(
            format=source.label
        )

    def _build_setup(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        source = self.source

        self.mapping_table: MappingTable | None = None
        if source.container != "vcard":
            hint = QLabel(
                self.tr("Check what each column holds; columns marked — are not imported.")
                if source.sample
                else self.tr("The file has a header row but no rows to import.")
            )
            hint.setWordWrap(True)
            layout.addWidget(hint)
            self.mapping_table = MappingTable(source.headers, source.sample, source.fields, source.mapping)
            self.mapping_table.mappingChanged.connect(self._mapping_changed)
            empty = len(self.mapping_table.empty_columns)
            self.show_empty = QCheckBox(self.tr("Show the empty columns (%n)", "", empty))
            self.show_empty.setToolTip(self.tr("Columns with nothing in the first rows of the file"))
            self.show_empty.toggled.connect(self.mapping_table.show_empty)
            self.show_empty.setVisible(empty > 0)
            layout.addWidget(self.show_empty)
            layout.addWidget(self.mapping_table)

        self.preview_title = QLabel(
            self.tr("The first cards will be imported as:")
            if source.container == "vcard"
            else self.tr("Will be imported as:")
        )
        self.preview = RowsTable(0, 3)
        self.preview.setAccessibleName(self.tr("How the first rows will be imported"))
        self.preview.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Phones"), self.tr("Company")])
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        if self.mapping_table is not None:
            self.preview.hint_rows = PREVIEW_ROWS  # the table of columns above gets the room
        contacts = source.content == "contacts"
        self.preview_title.setVisible(contacts)
        self.preview.setVisible(contacts)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview)
        layout.addStretch(1)  # a short file: the question and buttons stay at the bottom

        if self.calls:
            question = self.tr("Whose calls are these, where the file does not say?")
            answers = [
                (Familiarity.PERSONAL.value, self.tr("&Mine")),
                (Familiarity.COMPANY.value, self.tr("My &colleagues'")),
            ]
        else:
            question = self.tr("How well do these people know you?")
            answers = [
                (Familiarity.PERSONAL.value, self.tr("&Personally")),
                (Familiarity.COMPANY.value, self.tr("Through the &company")),
                (Familiarity.NONE.value, self.tr("&Not at all (a bought list)")),
            ]
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        layout.addWidget(self.question)
        self.answers = QButtonGroup(self)
        self.answer_buttons: dict[str, QRadioButton] = {}
        box = WrapBox(spacing=8)
        box.setAccessibleName(question)
        for value, text in answers:
            button = QRadioButton(text)
            button.setAccessibleName(text.replace("&", ""))
            button.setProperty("familiarity", value)
            self.answers.addButton(button)
            self.answer_buttons[value] = button
            box.add(button)
        self.answer_buttons[Familiarity.COMPANY.value].setChecked(True)
        layout.addWidget(box)

        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("Why it cannot be imported yet"))
        self.reason.setStyleSheet(f"color: {warning_colour()};")
        layout.addWidget(self.reason)

        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.setup_cancel = QPushButton(self.tr("Cancel"))
        self.setup_cancel.setAccessibleName(self.tr("Close without importing"))
        self.setup_cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.setup_cancel)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        chain: list[QWidget] = []
        if self.mapping_table is not None:
            chain += [self.show_empty, *self.mapping_table.combos]
        chain += [*self.answer_buttons.values(), self.setup_cancel, self.import_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        return page

    def _build_progress(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        self.phase = QLabel()
        self.phase.setWordWrap(True)
        self.phase.setAccessibleName(self.tr("Import progress"))
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setAccessibleName(self.tr("Import progress"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Import status"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the import"))
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        for widget in (self.phase, self.bar, self.status):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    def _build_result(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(self.tr("What the import did"))
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName(self.tr("Details"))
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.problems.setAccessibleName(self.tr("Problems, one per line"))
        self.copy_button = QPushButton(self.tr("Copy problems"))
        self.copy_button.clicked.connect(self.copy_problems)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        # without a problem list, the few lines sit where the progress bar was, not at the top
        self.room_above, self.room_below = QWidget(), QWidget()
        layout.addWidget(self.room_above, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.detail)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.room_below, 2)
        layout.addLayout(row)
        return page

    def _first_size(self) -> QSize:
        """Wide enough for a few columns, as tall as a short file needs; never bigger than
        the screen (a 1366×768 laptop included)."""
        wanted = QSize(max(self.sizeHint().width(), 680), max(self.sizeHint().height(), 480))
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry().size()
            wanted = wanted.boundedTo(QSize(int(room.width() * 0.9), int(room.height() * 0.85)))
        return wanted.expandedTo(self.minimumSize())

    # --- the setup step -----------------------------------------------------------------

    def mapping(self) -> dict[str, list[int]] | None:
        """The columns as the rep set them (None for vCards: they have no columns)."""
        return self.mapping_table.mapping() if self.mapping_table is not None else None

    def familiarity(self) -> str:
        button = self.answers.checkedButton()
        return str(button.property("familiarity")) if button is not None else Familiarity.COMPANY.value

    def _mapping_changed(self) -> None:
        self._update_preview()
        self._update_import_button()

    def _update_preview(self) -> None:
        if self.source.content != "contacts":
            return
        rows = self.source.preview(self.mapping())
        self.preview.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, (text, muted) in enumerate(self._preview_cells(row)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if muted:
                    item.setData(Qt.ItemDataRole.ForegroundRole, muted_text())
                self.preview.setItem(index, column, item)

    def _preview_cells(self, row: Row) -> list[tuple[str, bool]]:
        name = row.name or self.tr("(no name)")
        phones = ", ".join(p.strip() for p in row.phones) or self.tr("no number: skipped")
        return [(name, not row.name), (phones, not row.phones), (row.company, False)]

    def missing(self) -> list[str]:
        """The fields the import cannot do without that no column is set to (as titles)."""
        return [field_title(name) for name in self.source.missing(self.mapping())]

    def _update_import_button(self) -> None:
        missing = self.missing()
        empty = not (self.source.cards if self.source.container == "vcard" else self.source.sample)
        if empty:
            reason = self.tr("There is nothing to import.")
        elif missing and not self.calls:
            reason = self.tr(
                "Choose the column that holds the phone numbers: set its field to “{field}”."
            ).format(field=missing[0])
        elif missing:
            reason = self.tr("Choose the columns for: {fields}.").format(fields=", ".join(missing))
        else:
            reason = ""
        self.import_button.setEnabled(not reason)
        self.import_button.setToolTip(reason)
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))

    # --- importing ----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running or not self.import_button.isEnabled():
            return
        worker = ImportThread(
            self.desk,
            self.source.path,
            familiarity=self.familiarity(),
            fmt="calls" if self.calls else None,
            mapping=self.mapping(),
            parent=self,
        )
        worker.progressed.connect(self._progressed)
        worker.finished.connect(self._worker_finished)
        self.worker = worker
        self.bar.setValue(0)
        self.phase.setText(self.tr("Reading the file…"))
        self.status.setText(self.tr("Nothing is saved until the end: you can cancel at any time."))
        self.cancel_button.setEnabled(True)
        self.stack.setCurrentWidget(self.progress_page)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        worker.start()

    def _progressed(self, phase: str, done: int, total: int) -> None:
        if self.worker is None or self.worker.cancel_requested():
            return
        locale = QLocale()
        share = min(done / total, 1.0) if total > 0 else 0.0
        if phase == "reading":
            self.phase.setText(self.tr("Reading the file…"))
            self.status.setText(
                self.tr("Read {done} of about {total} rows.").format(
                    done=locale.toString(done), total=locale.toString(total)
                )
            )
            value = READING_SHARE * share
        else:
            self.phase.setText(self.tr("Saving…"))
            self.status.setText(
                self.tr("Saved {done} of {total}.").format(
                    done=locale.toString(done), total=locale.toString(total)
                )
            )
            value = READING_SHARE + (1 - READING_SHARE) * share
        self.bar.setValue(round(value * BAR_STEPS))

    def cancel(self) -> None:
        """Ask the running import to stop; the result step follows once it has."""
        if self.worker is None:
            return
        self.worker.cancel()
        self.cancel_button.setEnabled(False)
        self.phase.setText(self.tr("Cancelling…"))
        self.status.setText("")

    def stop(self, ask: bool = True) -> bool:
        """Stop a running import and wait for its thread (the window is closing). With
        ``ask``, the rep confirms first; False when they keep it running."""
        if self.worker is None:
            return True
        if ask and not dialogs.ask_confirm(
            self,
            self.tr("Stop the import?"),
            self.tr("The import is not finished. Stop it? Nothing will be imported."),
            self.tr("Stop the import"),
        ):
            return False
        self.cancel()
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            self.worker.wait()
        finally:
            QApplication.restoreOverrideCursor()
        self._worker_finished()
        return True

    def _worker_finished(self) -> None:
        worker = self.worker
        if worker is None:  # already handled (stop() waited for it)
            return
        worker.wait()  # finished is queued: the thread may still be returning from run()
        self.worker = None
        worker.deleteLater()
        self.outcome = worker.outcome or FAILED
        self.report = worker.report
        self.problems.clear()
        show_problems = False
        if self.outcome == IMPORTED and worker.report is not None:
            report = worker.report
            self.summary.setText(report.summary())
            self.summary.setStyleSheet("")
            if report.problems:
                self.detail.setText(
                    self.tr(
                        "Problems: %n (each line says what happened to that row)",
                        "",
                        len(report.problems),
                    )
                )
                self.problems.setPlainText("\n".join(report.problems))
                show_problems = True
            else:
                self.detail.setText(self.tr("No problems."))
        elif self.outcome == CANCELLED:
            self.summary.setText(self.tr("Cancelled: nothing was imported."))
            self.summary.setStyleSheet("")
            self.detail.setText("")
        else:
            self.summary.setText(worker.error or self.tr("The import failed."))
            self.summary.setStyleSheet(f"color: {warning_colour()};")
            self.detail.setText(self.tr("Nothing was imported."))
        self.detail.setVisible(bool(self.detail.text()))
        self.problems.setVisible(show_problems)
        self.copy_button.setVisible(show_problems)
        self.room_above.setVisible(not show_problems)
        self.room_below.setVisible(not show_problems)
        self.stack.setCurrentWidget(self.result_page)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        report = worker.report
        if self.outcome == IMPORTED and report is not None and (report.created or report.updated):
            self.imported.emit(report)
        self.ended.emit(self.outcome)

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText(self.problems.toPlainText())

    # --- closing ------------------------------------------------------------------------

    def reject(self) -> None:
        """Escape, Cancel or the window's close button: during an import, only once the rep
        agrees to stop it (and the thread has ended)."""
        if self.running and not self.stop(ask=True):
            return
        super().reject()

    def _quitting(self) -> None:
        self.stop(ask=False)
