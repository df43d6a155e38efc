"""The import's own thread: ``import_file`` runs here, never on the window's thread, so the
window keeps answering calls while thousands of rows are read and saved.

The thread touches no widget. Progress goes out as a queued signal; the outcome is kept on
the thread object and read by the window once ``finished`` arrives (or once ``wait()``
returns, when the window stops an import to close).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from companion.desk import Desk, close_thread_connection
from companion.importers import ImportCancelled, ImportFileError, ImportReport, import_file

log = logging.getLogger("companion.ui")

IMPORTED, CANCELLED, FAILED = "imported", "cancelled", "failed"


class ImportThread(QThread):
    """One import, all or nothing. After ``finished``: ``outcome`` is IMPORTED (``report``
    holds the counts), CANCELLED or FAILED (``error`` says why in one sentence)."""

    #: phase ("reading", then "saving"), done, total
    progressed = Signal(str, int, int)

    def __init__(
        self,
        desk: Desk,
        path: Path,
        *,
        familiarity: str,
        fmt: str | None,
        mapping: dict[str, list[int]] | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.path = path
        self.familiarity = familiarity
        self.fmt = fmt
        self.mapping = mapping
        self.outcome = ""
        self.report: ImportReport | None = None
        self.error = ""
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the import to stop at its next step; nothing will have been written."""
        self._cancel.set()

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            self.report = import_file(
                self.desk,
                self.path,
                familiarity=self.familiarity,
                fmt=self.fmt,
                mapping=self.mapping,
                progress=self._progress,
                cancelled=self._cancel.is_set,
            )
            self.outcome = IMPORTED
        except ImportCancelled:
            self.outcome = CANCELLED
        except ImportFileError as exc:
            self.outcome, self.error = FAILED, str(exc)
        except Exception as exc:  # shown to the rep and logged with its traceback, never swallowed
            log.exception("importing %s failed", self.path)
            self.outcome, self.error = FAILED, str(exc) or type(exc).__name__
        finally:
            close_thread_connection()

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.progressed.emit(phase, done, total)
