"""The contacts view: find as you type, edit, delete and merge with confirmation, call."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from companion.book import Book, ContactDraft
from companion.desk import Desk
from companion.store.models import Contact
from companion.ui import dialogs
from companion.ui.contacts_view import ContactsView

MOSCOW = "+74993224685"
PITER = "+78125551234"


class Questions:
    """Stands in for ``dialogs.ask_confirm``: records each question and answers ``answer``;
    a question nobody expected fails the test."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answer: bool | None = None

    def __call__(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        self.asked.append(text)
        assert self.answer is not None, f"unexpected question: {text}"
        return self.answer


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    fake = Questions()
    monkeypatch.setattr(dialogs, "ask_confirm", fake)
    return fake


@pytest.fixture
def book(desk: Desk) -> Book:
    book = Book(desk)
    book.save(ContactDraft(name="Иван Петров", company="ООО Ромашка", numbers=["8 (499) 322-46-85"]))
    book.save(ContactDraft(name="Анна Смирнова", company="Лютик", numbers=["+7 812 555-12-34"]))
    book.save(ContactDraft(name="Борис", numbers=["+7 903 111-22-33"], do_not_call=True))
    return book


@pytest.fixture
def view(qtbot, book: Book) -> ContactsView:  # type: ignore[no-untyped-def]
    widget = ContactsView(book)
    qtbot.addWidget(widget)
    widget.resize(320, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks knows only ASCII; Cyrillic arrives like this)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def shown(view: ContactsView) -> list[str]:
    return [c.display_name for c in view.model.contacts]


def open_contact(qtbot, view: ContactsView, name: str) -> None:  # type: ignore[no-untyped-def]
    row = shown(view).index(name)
    rect = view.list.visualRect(view.model.index(row))
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current is not None and view.current.display_name == name


def contact_named(name: str) -> Contact | None:
    return Contact.get_or_none(Contact.name == name)


# --- finding -----------------------------------------------------------------------------


def test_the_list_shows_everyone_by_name_at_first(view: ContactsView) -> None:
    assert shown(view) == ["Анна Смирнова", "Борис", "Иван Петров"]
    assert "3" in view.count.text()


def test_typing_in_the_search_filters_the_list_as_you_type(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    type_text(view.search, "пЕт")
    qtbot.waitUntil(lambda: shown(view) == ["Иван Петров"])
    view.search.clear()
    type_text(view.search, "499 322")
    qtbot.waitUntil(lambda: shown(view) == ["Иван Петров"])


def test_each_row_shows_name_company_status_and_first_number(view: ContactsView) -> None:
    index = view.model.index(shown(view).index("Иван Петров"))
    text = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert text == "Иван Петров, ООО Ромашка, person, 8 (499) 322-46-85"
    do_not_call = view.model.index(shown(view).index("Борис")).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "do not call" in do_not_call


def test_enter_in_the_search_opens_the_first_match(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    type_text(view.search, "иван")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.current is not None and view.current.name == "Иван Петров"
    assert view.name.text() == "Иван Петров"
    assert view.list.currentIndex().row() == 0


def test_enter_with_no_match_starts_a_new_contact_with_that_number(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    type_text(view.search, "+7 495 123-45-67")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.current is None
    assert view.numbers.toPlainText() == "+7 495 123-45-67"
    type_text(view.name, "Евгений")
    with qtbot.waitSignal(view.contactsChanged):
        qtbot.keyClick(view.name, Qt.Key.Key_Return)
    saved = contact_named("Евгений")
    assert saved is not None
    assert [link.phone.number for link in saved.phones] == ["+74951234567"]


# --- editing -----------------------------------------------------------------------------


def test_choosing_a_contact_fills_the_form(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    assert view.company.text() == "ООО Ромашка"
    assert view.numbers.toPlainText() == "8 (499) 322-46-85"
    assert view.status.currentData() == "person"
    assert view.familiarity.currentData() == "none"
    assert not view.do_not_call.isChecked()


def test_saving_the_form_writes_every_field(qtbot, view: ContactsView, book: Book) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    view.company.clear()
    type_text(view.company, "ООО Лютик")
    view.numbers.setPlainText("8 (499) 322-46-85\n+7 812 555-12-34")
    type_text(view.email, "ivan@example.org")
    view.status.setCurrentIndex(view.status.findData("client"))
    view.familiarity.setCurrentIndex(view.familiarity.findData("personal"))
    type_text(view.referred_by, "Анна")
    view.do_not_call.setChecked(True)
    view.notes.setPlainText("Звонить после обеда")
    with qtbot.waitSignal(view.contactsChanged):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    saved = book.search("петров")[0]
    assert (saved.company, saved.email, saved.status, saved.familiarity) == (
        "ООО Лютик",
        "ivan@example.org",
        "client",
        "personal",
    )
    assert (saved.referred_by, saved.do_not_call, saved.notes) == ("Анна", True, "Звонить после обеда")
    assert saved.numbers == (MOSCOW, PITER)
    assert not view.dirty and view.message.text() == "Saved."


def test_the_familiarity_choices_are_in_plain_words(view: ContactsView) -> None:
    texts = [view.familiarity.itemText(i) for i in range(view.familiarity.count())]
    assert texts == ["Knows me personally", "Knows the company", "Doesn't know us"]


def test_a_bad_number_is_explained_under_the_form_not_in_a_dialog(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    view.numbers.setPlainText("8 (499) 322-46-85\n12-34-5678-9999-0000")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible()
    assert "12-34-5678-9999-0000" in view.message.text()
    assert view.dirty  # the rep's text is still there to fix
    saved = contact_named("Иван Петров")
    assert saved is not None and len(list(saved.phones)) == 1


def test_ctrl_s_saves(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    type_text(view.company, "Склад 21")
    with qtbot.waitSignal(view.contactsChanged):
        qtbot.keyClick(view.company, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = contact_named("Борис")
    assert saved is not None and saved.company == "Склад 21"


def test_unsaved_changes_are_not_dropped_without_asking(
    qtbot, view: ContactsView, questions: Questions
) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    type_text(view.notes, "важно")
    questions.answer = False
    row = shown(view).index("Борис")
    qtbot.mouseClick(
        view.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.list.visualRect(view.model.index(row)).center(),
    )
    assert len(questions.asked) == 1
    assert view.current is not None and view.current.name == "Иван Петров"
    assert view.notes.toPlainText() == "важно"
    assert view.list.currentIndex().row() == shown(view).index("Иван Петров")


def test_new_clears_the_form(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.current is None and view.name.text() == "" and view.numbers.toPlainText() == ""
    assert not view.delete_button.isEnabled() and not view.merge_button.isEnabled()


def test_the_new_button_asks_before_dropping_unsaved_changes(
    qtbot, view: ContactsView, questions: Questions
) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    type_text(view.notes, "важно")
    questions.answer = False
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1
    assert view.current is not None and view.notes.toPlainText() == "важно"


def test_refresh_shows_what_changed_elsewhere(qtbot, view: ContactsView, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    desk.log(MOSCOW, "out", "deal")
    view.refresh()
    assert view.status.currentData() == "client"


# --- deleting ----------------------------------------------------------------------------


def test_delete_asks_first_and_no_keeps_the_contact(qtbot, view: ContactsView, questions: Questions) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    questions.answer = False
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1 and "Иван Петров" in questions.asked[0]
    assert contact_named("Иван Петров") is not None


def test_delete_after_yes_removes_the_contact(qtbot, view: ContactsView, questions: Questions) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    questions.answer = True
    with qtbot.waitSignal(view.contactsChanged):
        qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert contact_named("Иван Петров") is None
    assert "Иван Петров" not in shown(view)


def test_the_delete_key_in_the_list_asks_to_delete(qtbot, view: ContactsView, questions: Questions) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    questions.answer = False
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    assert len(questions.asked) == 1 and "Борис" in questions.asked[0]
    qtbot.keyClick(view.search, Qt.Key.Key_Delete)  # in the search box Delete edits text
    assert len(questions.asked) == 1


# --- merging -----------------------------------------------------------------------------


def test_merge_into_another_contact_after_confirming(qtbot, view: ContactsView, questions: Questions) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    assert view.merging
    assert "Борис" not in [c.display_name for c in view.picker.model.contacts]
    type_text(view.picker.search, "петров")
    questions.answer = True
    with qtbot.waitSignal(view.contactsChanged):
        qtbot.keyClick(view.picker.search, Qt.Key.Key_Return)
    assert "Борис" in questions.asked[0] and "Иван Петров" in questions.asked[0]
    assert contact_named("Борис") is None
    assert view.current is not None and view.current.name == "Иван Петров"
    assert view.current.numbers == (MOSCOW, "+79031112233")
    assert view.current.do_not_call
    assert not view.merging


def test_merge_refused_in_the_question_changes_nothing(
    qtbot, view: ContactsView, questions: Questions
) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    questions.answer = False
    qtbot.mouseClick(view.picker.merge_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1
    assert contact_named("Борис") is not None and Contact.select().count() == 3


def test_escape_closes_the_merge_picker(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(view.picker.search, Qt.Key.Key_Escape)
    assert not view.merging and view.scroll.isVisible() and view.save_button.isVisible()


# --- calling -----------------------------------------------------------------------------


def test_call_requests_the_chosen_number_in_e164(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    with qtbot.waitSignal(view.callRequested) as signal:
        qtbot.mouseClick(view.call_button, Qt.MouseButton.LeftButton)
    assert signal.args == [MOSCOW]


def test_calling_someone_who_asked_not_to_be_called_asks_first(
    qtbot, view: ContactsView, questions: Questions
) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Борис")
    questions.answer = False
    with qtbot.assertNotEmitted(view.callRequested):
        qtbot.mouseClick(view.call_button, Qt.MouseButton.LeftButton)
    assert len(questions.asked) == 1


def test_a_new_contact_has_nothing_to_call(view: ContactsView) -> None:
    view.new_contact()
    assert not view.call_button.isEnabled() and view.call_row.isHidden()


# --- keyboard, accessibility, size -------------------------------------------------------


def test_the_form_is_reachable_with_tab_in_reading_order(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    open_contact(qtbot, view, "Иван Петров")
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.name.setFocus()
    visited = []
    for _ in range(12):
        visited.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    # one number: the number choice is disabled; nothing changed: Save is disabled
    assert visited == [
        view.name,
        view.company,
        view.numbers,
        view.call_button,
        view.email,
        view.status,
        view.familiarity,
        view.referred_by,
        view.do_not_call,
        view.notes,
        view.new_button,
        view.delete_button,
    ]


def inside_combo(widget: QWidget) -> bool:
    """Part of a combo box's own popup (Qt names those itself)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def test_every_control_has_an_accessible_name(view: ContactsView) -> None:
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton, QAbstractItemView)
    controls = [
        w
        for w in view.findChildren(QWidget)
        if isinstance(w, kinds) and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not inside_combo(w)
    ]
    unnamed = [f"{type(w).__name__} {w.objectName()}" for w in controls if not w.accessibleName()]
    assert controls and unnamed == []


def test_no_colour_is_forced_on_backgrounds(view: ContactsView) -> None:
    sheets = [w.styleSheet() for w in [view, *view.findChildren(QWidget)]]
    assert not [s for s in sheets if "background" in s]


@pytest.mark.parametrize(("width", "height"), [(320, 700), (900, 600)])
def test_every_field_fits_the_window(qtbot, view: ContactsView, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    view.resize(width, height)
    open_contact(qtbot, view, "Иван Петров")
    qtbot.waitUntil(lambda: view.width() == width)
    if width < 400:
        assert view.minimumSizeHint().width() <= width
    for widget in (
        view.search,
        view.list,
        view.name,
        view.numbers,
        view.status,
        view.notes,
        view.save_button,
    ):
        right = widget.mapTo(view, QPoint(widget.width(), 0)).x()
        assert widget.width() > 0 and right <= width, widget.accessibleName()
    for button in (view.save_button, view.new_button, view.delete_button, view.merge_button):
        assert button.width() >= button.minimumSizeHint().width(), button.text()


def test_narrow_puts_the_form_below_the_list_wide_beside_it(qtbot, view: ContactsView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical)
    view.resize(900, 600)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Horizontal)


def test_contacts_are_first_read_when_the_view_is_shown_not_at_start_up(qtbot, book: Book) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    search = book.search
    book.search = lambda text, limit=200: calls.append(text) or search(text, limit)  # type: ignore[method-assign]
    widget = ContactsView(book)  # built with the window at start-up: no query yet
    qtbot.addWidget(widget)
    assert calls == []
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3)
    assert calls == [""]
