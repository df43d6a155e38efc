"""Importing in the window: the columns and their preview, the familiarity question, the import
in its own thread with progress and cancel, the result; files dropped on the window or picked
with Ctrl+I; exports of contacts and calls. Every modal question is answered by a stand-in."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from companion.book import Book, ContactDraft
from companion.desk import Desk
from companion.importers import open_source
from companion.journal import Journal
from companion.ui import dialogs, import_worker
from companion.ui.import_dialog import ImportDialog
from companion.ui.main_window import MainWindow

IVAN = "+74993224685"
ANNA = "+78125551234"
OLGA = "+79161234567"
ROWS = "ФИО,Телефон,Компания,Город\nИван Петров,8 (499) 322-46-85,ООО Ромашка,Москва\n"
ROWS += "Анна Смирнова,+7 812 555-12-34,Лютик,Санкт-Петербург\nОльга,,Василёк,Тверь\n"


class Dialogs:
    """Stands in for every helper of ``companion.ui.dialogs``: records what was asked and
    answers as told; a question nobody expected fails the test (no real dialog ever opens)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.told: list[str] = []
        self.confirm: bool | None = None
        self.on_confirm: Callable[[], None] | None = None
        self.open_path: str | None = None
        self.save_path: str | None = None
        self.save_filters = ""

    def ask_confirm(self, _parent: QWidget | None, _title: str, text: str, _action: str) -> bool:
        self.asked.append(text)
        assert self.confirm is not None, f"unexpected question: {text}"
        if self.on_confirm is not None:
            self.on_confirm()
        return self.confirm

    def tell(self, _parent: QWidget | None, title: str, text: str) -> None:
        self.told.append(f"{title}: {text}")

    def ask_open_file(self, _parent: QWidget | None, _title: str, filters: str) -> str | None:
        assert self.open_path is not None, "unexpected file picker"
        return self.open_path

    def ask_save_file(
        self, _parent: QWidget | None, _title: str, _suggested: str, filters: str
    ) -> str | None:
        assert self.save_path is not None, "unexpected save dialog"
        self.save_filters = filters
        return self.save_path


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    fake = Dialogs()
    for name in ("ask_confirm", "tell", "ask_open_file", "ask_save_file"):
        monkeypatch.setattr(dialogs, name, getattr(fake, name))
    return fake


class Gate:
    """Holds the import thread at one progress step (``phase``, ``done``) until released, so a
    test can cancel or close at a known moment: ``reached`` once it waits there."""

    def __init__(self, phase: str, done: int) -> None:
        self.step = (phase, done)
        self.reached = threading.Event()
        self.release = threading.Event()

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, progress: Callable[[str, int, int], None], **kwargs: Any) -> Any:
            def hook(phase: str, done: int, total: int) -> None:
                progress(phase, done, total)
                if (phase, done) == self.step:
                    self.reached.set()
                    assert self.release.wait(10), "the test never released the import"

            return real(*args, progress=hook, **kwargs)

        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """The import of ``big_file`` stops after its first 1,000 contacts were written (inside the
    transaction) and waits."""
    held = Gate("saving", 1000)
    monkeypatch.setattr(import_worker, "import_file", held.wrap(import_worker.import_file))
    yield held
    held.release.set()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def contacts_file(tmp_path: Path) -> Path:
    return write(tmp_path, "клиенты.csv", ROWS)


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    """1,500 people, each with a number of their own."""
    lines = ["Имя,Телефон"]
    lines += [f"Клиент {i},+7 916 {i // 10000:03d}-{i // 100 % 100:02d}-{i % 100:02d}" for i in range(1500)]
    return write(tmp_path, "big.csv", "\n".join(lines) + "\n")


def make_dialog(qtbot, desk: Desk, path: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(desk, open_source(path))
    qtbot.addWidget(dialog)
    dialog.resize(360, 640)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def preview(dialog: ImportDialog) -> list[tuple[str, str, str]]:
    table = dialog.preview
    return [
        tuple(table.item(row, column).text() for column in range(3))  # type: ignore[misc]
        for row in range(table.rowCount())
    ]


def import_and_wait(qtbot, dialog: ImportDialog) -> str:  # type: ignore[no-untyped-def]
    assert dialog.import_button.isEnabled(), dialog.reason.text()
    with qtbot.waitSignal(dialog.ended, timeout=20000) as ended:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.result_page
    return str(ended.args[0])


def names(desk: Desk) -> list[str]:
    return [c.name for c in Book(desk).search("", limit=5000)]


# --- preview and mapping -----------------------------------------------------------------


def test_the_dialog_says_what_the_file_is_and_guesses_its_columns(
    qtbot, desk: Desk, contacts_file: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    assert dialog.format_label.text() == "Contacts table (CSV) · rows: 3"
    table = dialog.mapping_table
    assert table is not None
    assert [c.currentText() for c in table.combos] == ["Name", "Phone", "Company", "—"]
    assert table.item(0, 3).text() == "Москва"
    assert preview(dialog) == [
        ("Иван Петров", "8 (499) 322-46-85", "ООО Ромашка"),
        ("Анна Смирнова", "+7 812 555-12-34", "Лютик"),
        ("Ольга", "no number: skipped", "Василёк"),
    ]


def test_choosing_a_field_for_a_column_changes_the_preview_at_once(
    qtbot, desk: Desk, contacts_file: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    table = dialog.mapping_table
    assert table is not None
    city = table.combos[3]
    city.setCurrentIndex(city.findText("Company"))
    assert [row[2] for row in preview(dialog)] == ["Москва", "Санкт-Петербург", "Тверь"]
    assert table.combos[2].currentText() == "—"  # one column per field: the old one gave it up
    table.choose(0, "")
    assert [row[0] for row in preview(dialog)] == ["(no name)"] * 3
    assert dialog.mapping() == {"phone": [1], "company": [3]}


def test_several_columns_can_be_phones(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "two.csv", "Name,Mobile,Work\nИван,+7 916 123-45-67,8 499 322-46-85\n")
    dialog = make_dialog(qtbot, desk, path)
    assert dialog.mapping() == {"name": [0], "phone": [1]}
    assert dialog.mapping_table is not None
    dialog.mapping_table.choose(2, "phone")
    assert dialog.mapping() == {"name": [0], "phone": [1, 2]}  # the first one stays a phone
    assert preview(dialog)[0][1] == "+7 916 123-45-67, 8 499 322-46-85"


def test_import_waits_for_a_phone_column_and_says_so(qtbot, desk: Desk, contacts_file: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    table = dialog.mapping_table
    assert table is not None
    assert dialog.import_button.isEnabled() and dialog.reason.isHidden()
    table.choose(1, "")
    assert not dialog.import_button.isEnabled()
    assert dialog.reason.isVisible() and "Phone" in dialog.reason.text()
    table.choose(1, "phone")
    assert dialog.import_button.isEnabled() and dialog.reason.isHidden()


def test_columns_empty_in_the_first_rows_are_hidden_until_asked_for(
    qtbot, desk: Desk, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "g.csv", "Name,Nickname,Phone\nИван,,+7 916 123-45-67\nАнна,,+7 812 555-12-34\n")
    dialog = make_dialog(qtbot, desk, path)
    table = dialog.mapping_table
    assert table is not None
    assert table.isColumnHidden(1) and not table.combos[1].isVisible()
    dialog.show_empty.setChecked(True)
    assert not table.isColumnHidden(1) and table.combos[1].isVisible()


def test_a_file_without_rows_is_refused_before_any_dialog(window, answers: Dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_import(write(tmp_path, "empty.csv", "Имя,Телефон\n")) is None
    assert answers.told == ["Cannot import empty.csv: empty.csv has a header row and nothing under it."]
    assert window.import_dialog is None


def test_the_familiarity_question_is_keyboard_reachable_and_defaults_to_the_company(
    qtbot, desk: Desk, contacts_file: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    assert dialog.question.text() == "How well do these people know you?"
    buttons = dialog.answer_buttons
    assert [b.text().replace("&", "") for b in buttons.values()] == [
        "Personally",
        "Through the company",
        "Not at all (a bought list)",
    ]
    assert dialog.familiarity() == "company"
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons.values())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # &Not at all
    qtbot.waitUntil(lambda: dialog.familiarity() == "none")  # a mnemonic clicks, animated
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # arrows move within the question
    assert dialog.familiarity() in ("personal", "company")


def test_every_control_has_an_accessible_name(qtbot, desk: Desk, contacts_file: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    missing = []
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QPlainTextEdit):
            continue
        if widget.objectName().startswith("qt_") or isinstance(widget.parent(), QComboBox | QLineEdit):
            continue
        if not widget.accessibleName() and not (isinstance(widget, QAbstractButton) and widget.text()):
            missing.append(type(widget).__name__)
    assert missing == []


# --- importing ---------------------------------------------------------------------------


def test_importing_writes_the_people_with_the_familiarity_chosen(
    qtbot, desk: Desk, contacts_file: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    qtbot.mouseClick(dialog.answer_buttons["personal"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.imported, timeout=20000) as imported:
        assert import_and_wait(qtbot, dialog) == "imported"
    assert imported.args[0].created == 2
    assert dialog.summary.text() == "2 created, 0 updated, 0 unchanged, 1 skipped."
    assert "line 4" in dialog.problems.toPlainText() and dialog.problems.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == dialog.problems.toPlainText()
    assert not dialog.running
    ivan = Book(desk).search("Петров")
    assert [(c.name, c.company, c.familiarity) for c in ivan] == [("Иван Петров", "ООО Ромашка", "personal")]
    card = desk.lookup("+7 812 555-12-34")
    assert card.contact is not None and card.contact.name == "Анна Смирнова"


def test_the_mapping_chosen_is_the_one_imported(qtbot, desk: Desk, contacts_file: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, contacts_file)
    table = dialog.mapping_table
    assert table is not None
    table.choose(3, "company")
    assert import_and_wait(qtbot, dialog) == "imported"
    assert [c.company for c in Book(desk).search("Иван")] == ["Москва"]


def test_the_progress_step_shows_while_the_import_runs(qtbot, desk: Desk, big_file: Path, gate: Gate) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, big_file)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.progress_page and dialog.running
    qtbot.waitUntil(gate.reached.is_set)
    qtbot.waitUntil(lambda: "Saved 1000 of 1500" in dialog.status.text().replace(",", ""))
    assert 0 < dialog.bar.value() < dialog.bar.maximum()
    with qtbot.waitSignal(dialog.ended, timeout=20000):
        gate.release.set()
    assert dialog.outcome == "imported"
    assert len(names(desk)) == 1500


def test_cancelling_while_saving_leaves_the_database_unchanged(
    qtbot, desk: Desk, big_file: Path, gate: Gate
) -> None:  # type: ignore[no-untyped-def]
    Book(desk).save(ContactDraft(name="Был до импорта", numbers=[IVAN]))
    dialog = make_dialog(qtbot, desk, big_file)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)  # 1,000 rows written, not committed
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.cancel_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.imported), qtbot.waitSignal(dialog.ended, timeout=20000) as ended:
        gate.release.set()
    assert ended.args == ["cancelled"]
    assert dialog.summary.text() == "Cancelled: nothing was imported."
    assert names(desk) == ["Был до импорта"]


def test_closing_the_dialog_during_an_import_asks_first(
    qtbot, desk: Desk, big_file: Path, gate: Gate, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, desk, big_file)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)
    answers.confirm = False  # "keep importing"
    dialog.close()
    assert dialog.isVisible() and dialog.running
    answers.confirm, answers.on_confirm = True, gate.release.set
    dialog.close()
    assert len(answers.asked) == 2 and "Nothing will be imported" in answers.asked[-1]
    assert not dialog.isVisible() and not dialog.running  # the thread has ended
    assert dialog.outcome == "cancelled"
    assert names(desk) == []


def test_a_failed_import_says_why_and_that_nothing_was_imported(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = [f"Клиент {i},+7 916 000-{i // 100:02d}-{i % 100:02d}" for i in range(80)]
    path = write(tmp_path, "broken.csv", "Имя,Телефон\n" + "\n".join(good) + '\nОльга,"+7 916\n')
    dialog = make_dialog(qtbot, desk, path)  # the first rows read fine: the break is further on
    assert import_and_wait(qtbot, dialog) == "failed"
    assert "broken.csv" in dialog.summary.text() and "line 82" in dialog.summary.text()
    assert dialog.detail.text() == "Nothing was imported."
    assert names(desk) == []


def test_a_call_history_asks_whose_calls_they_are(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        "calls.csv",
        "Date,Time,Number,Direction,Outcome,Name\n"
        "20.11.2026,10:15,+7 499 322-46-85,incoming,talked,Иван Петров\n",
    )
    dialog = make_dialog(qtbot, desk, path)
    assert dialog.format_label.text().startswith("Call history (CSV)")
    assert dialog.question.text() == "Whose calls are these, where the file does not say?"
    assert [b.text().replace("&", "") for b in dialog.answer_buttons.values()] == ["Mine", "My colleagues'"]
    assert dialog.preview.isHidden()
    table = dialog.mapping_table
    assert table is not None
    table.choose(2, "")
    assert not dialog.import_button.isEnabled() and "Number" in dialog.reason.text()
    table.choose(2, "number")
    qtbot.mouseClick(dialog.answer_buttons["personal"], Qt.MouseButton.LeftButton)
    assert import_and_wait(qtbot, dialog) == "imported"
    calls = Journal(desk).history()
    assert [(c.number, c.rep, c.contact_name) for c in calls] == [(IVAN, "me", "Иван Петров")]


def test_a_vcard_file_shows_its_cards(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    path = Path(__file__).parent.parent / "fixtures" / "import" / "google_30.vcf"
    dialog = make_dialog(qtbot, desk, path)
    assert dialog.mapping_table is None
    assert dialog.format_label.text().startswith("vCard contacts · ")
    assert dialog.preview.rowCount() == len(dialog.source.cards) > 0
    assert import_and_wait(qtbot, dialog) == "imported"
    assert len(names(desk)) > 0


# --- the window --------------------------------------------------------------------------


def mime_for(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def test_the_window_takes_contacts_files_dragged_onto_it(
    window: MainWindow, tmp_path: Path, contacts_file: Path
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    for paths, accepted in (([contacts_file], True), ([picture], False), ([picture, contacts_file], True)):
        mime = mime_for(*paths)
        event = QDragEnterEvent(
            QPoint(50, 50),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window, event)
        assert event.isAccepted() is accepted, paths


def test_a_file_dropped_on_the_window_opens_its_import(
    qtbot, window: MainWindow, contacts_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    other = write(tmp_path, "second.csv", ROWS)
    mime = mime_for(contacts_file, other)
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)  # a drop comes after its drag entered the window
    QApplication.sendEvent(window, event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.import_dialog is not None and window.import_dialog.isVisible())
    assert window.import_dialog is not None and window.import_dialog.source.path == contacts_file


def test_ctrl_i_asks_for_a_file_and_opens_its_import(
    qtbot, window: MainWindow, contacts_file: Path, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    answers.open_path = str(contacts_file)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.import_dialog is not None and window.import_dialog.isVisible()


def test_a_file_that_cannot_be_imported_says_why_and_nothing_else(
    window: MainWindow, tmp_path: Path, answers: Dialogs
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert window.open_import(junk) is None
    assert window.import_dialog is None
    assert len(answers.told) == 1 and "junk.csv" in answers.told[0] and "binary" in answers.told[0]


def test_import_in_contacts_opens_the_file_picker_and_the_lists_refresh_after(
    qtbot, window: MainWindow, contacts_file: Path, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    window.card.show_number("+7 812 555-12-34")
    assert "Анна" not in window.card.person.text()
    window.tabs.setCurrentWidget(window.contacts)
    answers.open_path = str(contacts_file)
    qtbot.mouseClick(window.contacts.import_button, Qt.MouseButton.LeftButton)
    dialog = window.import_dialog
    assert dialog is not None
    window.tabs.setCurrentWidget(window.card)  # the contacts list is not even in sight
    assert import_and_wait(qtbot, dialog) == "imported"
    shown = [c.display_name for c in window.contacts.model.contacts]
    assert shown == ["Анна Смирнова", "Иван Петров"]
    assert "Анна Смирнова" in window.card.person.text()


def test_one_import_at_a_time(
    qtbot, window: MainWindow, big_file: Path, contacts_file: Path, gate: Gate, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_import(big_file)
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)
    assert window.open_import(contacts_file) is None
    assert window.import_dialog is dialog and "running" in answers.told[-1]
    with qtbot.waitSignal(dialog.ended, timeout=20000):
        gate.release.set()
    assert window.open_import(contacts_file) is not None  # once it ended, the next file


def test_closing_the_window_during_an_import_stops_it_first(
    qtbot, window: MainWindow, big_file: Path, gate: Gate, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_import(big_file)
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)
    answers.confirm, answers.on_confirm = True, gate.release.set
    window.close()
    assert len(answers.asked) == 1
    assert not window.isVisible() and not dialog.running and dialog.outcome == "cancelled"
    assert names(window.desk) == []


def test_an_unanswered_quit_keeps_the_window_and_the_import(
    qtbot, window: MainWindow, big_file: Path, gate: Gate, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_import(big_file)
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)
    answers.confirm = False
    assert not window.close()
    assert window.isVisible() and dialog.running
    with qtbot.waitSignal(dialog.ended, timeout=20000):
        gate.release.set()
    assert dialog.outcome == "imported"


def test_quitting_from_the_tray_during_an_import_asks_and_can_be_refused(
    qtbot, window: MainWindow, big_file: Path, gate: Gate, answers: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from companion.ui import app

    quits: list[bool] = []

    class Application:
        @staticmethod
        def quit() -> None:
            quits.append(True)

    monkeypatch.setattr(app, "QApplication", Application)
    tray = app.Tray(window)
    window.can_hide_to_tray = True
    dialog = window.open_import(big_file)
    assert dialog is not None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.reached.is_set)
    window.close()  # to the tray: the import goes on, nothing asked
    assert not window.isVisible() and dialog.running and answers.asked == []
    answers.confirm = False
    tray.quit()
    assert quits == [] and not window.quitting and dialog.running
    answers.confirm, answers.on_confirm = True, gate.release.set
    tray.quit()
    assert quits == [True] and not dialog.running and dialog.outcome == "cancelled"


# --- exports -----------------------------------------------------------------------------


@pytest.fixture
def people(desk: Desk) -> None:
    book = Book(desk)
    book.save(ContactDraft(name="Иван Петров", company="ООО Ромашка", numbers=["8 (499) 322-46-85"]))
    book.save(ContactDraft(name="Анна Смирнова", numbers=["+7 812 555-12-34"]))


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.vcf"])
def test_exporting_contacts_writes_every_name(
    qtbot, window: MainWindow, people: None, tmp_path: Path, answers: Dialogs, name: str
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    answers.save_path = str(target)
    window.tabs.setCurrentWidget(window.contacts)
    qtbot.mouseClick(window.contacts.export_button, Qt.MouseButton.LeftButton)
    assert "*.csv" in answers.save_filters and "*.vcf" in answers.save_filters
    text = target.read_text(encoding="utf-8-sig")
    assert "Иван Петров" in text and "Анна Смирнова" in text
    assert ("BEGIN:VCARD" in text) is name.endswith(".vcf")
    assert window.contacts.message.text() == f"Contacts exported to {name}: 2."


def test_an_export_without_an_extension_is_a_csv(
    qtbot, window: MainWindow, people: None, tmp_path: Path, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    answers.save_path = str(tmp_path / "clients")
    assert window.contacts.export() == tmp_path / "clients.csv"
    assert "Иван Петров" in (tmp_path / "clients.csv").read_text(encoding="utf-8-sig")


def test_an_export_that_cannot_be_written_says_why(
    qtbot, window: MainWindow, people: None, tmp_path: Path, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    answers.save_path = str(tmp_path / "no such folder" / "contacts.csv")
    assert window.contacts.export() is None
    assert "Cannot write" in window.contacts.message.text()


def test_exporting_calls_writes_every_call(
    qtbot, window: MainWindow, people: None, tmp_path: Path, answers: Dialogs
) -> None:  # type: ignore[no-untyped-def]
    window.desk.log("8 (499) 322-46-85", "out", "talked", note="Весенний заказ")
    target = tmp_path / "calls.csv"
    answers.save_path = str(target)
    window.tabs.setCurrentWidget(window.history)
    qtbot.mouseClick(window.history.export_button, Qt.MouseButton.LeftButton)
    text = target.read_text(encoding="utf-8-sig")
    assert IVAN in text and "Весенний заказ" in text and "Иван Петров" in text
    assert window.history.status.text() == "Calls exported to calls.csv: 1."


def test_a_calls_export_imports_back_through_the_window(
    qtbot, window: MainWindow, people: None, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from companion.transfer import export_calls

    window.desk.log("8 (499) 322-46-85", "out", "talked", note="Весенний заказ")
    path = tmp_path / "calls.csv"
    export_calls(window.desk, path)
    dialog = window.open_import(path)
    assert dialog is not None and dialog.source.content == "calls"
    assert import_and_wait(qtbot, dialog) == "imported", dialog.summary.text()
    assert len(Journal(window.desk).history()) == 1  # the same call, not a second one
