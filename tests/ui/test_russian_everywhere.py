"""Russian everywhere: the real window in Russian, filled with the demo, every view opened and
every widget read (texts, tooltips, accessible names, placeholders, combo items, tabs, headers
and cells of the lists, actions and context menus, the tray) — no English word may be left.

An "English word" is a run of three or more Latin letters. What may stay Latin is listed in
``ALLOWED`` (names from the data, the program's name, technical tokens) with the reason for each;
command lines, paths and addresses are cut out of the text before it is looked at."""

from __future__ import annotations

import functools
import getpass
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTabBar,
    QTextEdit,
    QWidget,
)

from companion import i18n
from companion.book import ContactDraft
from companion.config import Settings
from companion.demo import DEMO_TOUR, fill_demo
from companion.desk import Desk
from companion.method import Direction, Kind, Outcome, Source
from companion.ui import dialogs
from companion.ui.app import Tray
from companion.ui.main_window import MainWindow
from companion.ui.settings_view import names_ready
from companion.ui.trace import Tracer
from tests.conftest import Clock

#: a word that was not translated: three Latin letters or more, and "OK" (Russian writes "ОК")
LATIN = re.compile(r"[A-Za-z]{3,}|(?<![A-Za-z])OK(?![A-Za-z])")

#: what may stay Latin in a Russian window, each for its reason (matched as whole phrases)
ALLOWED = (
    # the demo's own people and companies (companion/demo.py CONTACTS): names, not words
    "Michael Brown",
    "Brown & Sons Logistics",
    "Peter Schmidt",
    "Schmidt GmbH",
    "Sarah Lee",
    "Northwind Traders",
    # places phonenumbers' geocoder names only in English (the demo's US, German, UK numbers)
    "New York, NY",
    "Berlin",
    "London",
    # the program's own name
    "Call Companion",
    # programs, systems and file formats are called by their names in Russian too
    "Windows",
    "MicroSIP",
    "Linphone",
    "Jitsi",
    "Zoiper",
    "CSV",
    "vCard",
    "Excel",
    # the abbreviations a Russian salesperson reads as they are
    "CRM",
    "VPN",
    # the team database's server program (Settings → Team database)
    "PostgreSQL",
    # link schemes, typed as they are ("tel:, callto: и sip:")
    "tel:",
    "callto:",
    "sip:",
    # what the setup steps quote from the softphones' files and from the lines to paste:
    # MicroSIP's and Linphone's sections and key, Linphone's file, the number's placeholder
    "[Settings]",
    "[ui]",
    "command_line=",
    "linphonerc",
    "NUMBER",
    # key names as printed on the keys and in shortcuts (Qt writes "Ctrl+S", "Del")
    "Ctrl",
    "Enter",
    "Del",
)

#: cut out before looking for words: e-mail addresses, web addresses, file paths, file patterns
NOT_WORDS = re.compile(
    r"\S+@\S+\.\w+"  # e-mail
    r"|https?://\S+"  # web address
    r"|postgres(?:ql)?://\S*"  # a team database's address (Settings → Team database)
    r"|(?:[A-Za-z]:\\|~?/)[^\s\"'«»]+"  # file path
    r"|\*\.\w+"  # file pattern of a file dialog's filter
    r"|\b[\w-]+\.(?:ini|csv|vcf|xlsx|sqlite3)\b"  # a file's name (microsip.ini, contacts.csv)
)


def english(text: str, also: Iterable[str] = ()) -> list[str]:
    """The English words in ``text`` once the allowed phrases are taken out."""
    if not LATIN.search(text):
        return []
    return _english(text, tuple(also))


@functools.cache
def _allowed(also: tuple[str, ...]) -> re.Pattern[str]:
    phrases = sorted((*ALLOWED, *also), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, phrases)) + r")(?![A-Za-z])")


@functools.cache
def _english(text: str, also: tuple[str, ...]) -> list[str]:
    return LATIN.findall(_allowed(also).sub(" ", NOT_WORDS.sub(" ", text)))


def _mnemonic_free(text: str) -> str:
    """A button's or label's text as shown: ``&Save`` is "Save", ``&&`` is "&"."""
    return re.sub(r"&(.)", r"\1", text) if "&" in text else text


def _plain(text: str) -> str:
    """Rich text as the reader sees it (tags and entities gone)."""
    if re.search(r"<[A-Za-z/!][^>]*>|&[a-z]+;", text):
        return QTextDocumentFragment.fromHtml(text).toPlainText()
    return text


def _is_command_line(line: str) -> bool:
    """A line to paste as it is, never translated: an ini line (``cmdCallRing=…``), a command
    (it starts with the program's path) or an address."""
    return bool(re.match(r"\s*(?:\w+=|[\"']?(?:[A-Za-z]:\\|~?/)|https?://)", line))


def _where(widget: QWidget) -> str:
    """``CardView › QPushButton`` — the nearest of our own views and the widget's class."""
    owner = widget.parentWidget()
    while owner is not None and not type(owner).__module__.startswith("companion."):
        owner = owner.parentWidget()
    name = widget.objectName()
    own = type(owner).__name__ if owner is not None else "?"
    return f"{own} › {type(widget).__name__}{'#' + name if name else ''}"


def _model_texts(model: QAbstractItemModel, view: QAbstractItemView, where: str) -> Iterator[tuple[str, str]]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
    try:
        count = model.columnCount(QModelIndex())
    except TypeError:  # a list model (its columnCount is private): one column
        count = 1
    table = hasattr(view, "isColumnHidden")
    columns = [c for c in range(count) if not (table and view.isColumnHidden(c))]  # type: ignore[attr-defined]
    for column in columns:
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = model.headerData(column, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield f"{where} header {column}", value
    for row in range(min(model.rowCount(QModelIndex()), 200)):
        for column in columns:
            index = model.index(row, column)
            for role in roles:
                value = model.data(index, role)
                if isinstance(value, str):
                    yield f"{where} row {row}", value


def _action_texts(actions: Iterable[QAction], where: str) -> Iterator[tuple[str, str]]:
    for action in actions:
        for text in (action.text(), action.toolTip(), action.statusTip(), action.whatsThis()):
            yield f"{where} action", _mnemonic_free(text)
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from _action_texts(menu.actions(), f"{where} › {menu.title()}")


def widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """Every text ``widget`` shows or says: (where, text)."""
    where = _where(widget)
    for text in (widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()):
        yield where, _plain(text)
    yield where, widget.whatsThis()
    yield where, widget.statusTip()
    if widget.isWindow():
        yield where, widget.windowTitle()
    if isinstance(widget, QLabel):
        text = widget.text()
        if widget.textFormat() != Qt.TextFormat.PlainText:
            text = _plain(text)
        yield where, _mnemonic_free(text) if widget.buddy() is not None else text
    if isinstance(widget, QAbstractButton):
        yield where, _mnemonic_free(widget.text())
    if isinstance(widget, QGroupBox):
        yield where, _mnemonic_free(widget.title())
    if isinstance(widget, QLineEdit):  # a command line as the example of one: as it is typed
        yield from (
            (where, text) for text in (widget.text(), widget.placeholderText()) if not _is_command_line(text)
        )
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        lines = widget.toPlainText().splitlines()  # the softphone's lines: commands and words
        yield from ((where, line) for line in lines if not _is_command_line(line))
        yield where, widget.placeholderText()
    if isinstance(widget, QAbstractSpinBox):
        yield where, widget.text()
        yield where, widget.specialValueText()
    if isinstance(widget, QSpinBox):
        yield where, widget.prefix()
        yield where, widget.suffix()
    if isinstance(widget, QDateTimeEdit) and widget.calendarPopup():
        calendar = widget.calendarWidget()  # the popup, made here if it was not yet
        for child in (calendar, *calendar.findChildren(QWidget)):
            yield from widget_texts(child)
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            text = widget.itemText(i)
            if widget.itemData(i) == "en" and text == "English":
                continue  # the language's own name, so that an English speaker finds it
            yield f"{where} item {i}", text
            tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield f"{where} item {i}", tip
        yield where, widget.placeholderText()
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield f"{where} tab {i}", widget.tabText(i)
            yield f"{where} tab {i}", widget.tabToolTip(i)
            yield f"{where} tab {i}", widget.tabWhatsThis(i)
            yield f"{where} tab {i}", widget.accessibleTabName(i)
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        model = widget.model()
        parent = widget.parentWidget()
        in_combo = parent is not None and parent.metaObject().className() == "QComboBoxPrivateContainer"
        if model is not None and not in_combo:  # a combo box's own list: its items are read above
            yield from _model_texts(model, widget, where)
    if isinstance(widget, QMenu):
        yield where, widget.title()
    yield from _action_texts(widget.actions(), where)
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        menu = widget.createStandardContextMenu()  # its right-click menu (Qt's own words)
        try:
            yield from _action_texts(menu.actions(), f"{where} context menu")
        finally:
            menu.deleteLater()


class Reader:
    """Reads the window again and again (one state after another) and keeps the English."""

    def __init__(self, window: MainWindow, rep: str) -> None:
        self.window = window
        self.also = (rep,)  # the rep's name: the OS user's, typed by nobody
        self.found: dict[str, set[str]] = {}
        self.read_texts = 0
        #: the Settings' countries, by name
        self.regions: list[str] = []

    def add(self, where: str, text: str, state: str) -> None:
        if not text:
            return
        self.read_texts += 1
        if english(text, self.also):
            self.found.setdefault(f"{text!r}  [{where}]", set()).add(state)

    def read(self, state: str) -> None:
        """Every widget of the window (hidden ones too: what they say when shown) and the tray."""
        QApplication.processEvents()
        window = self.window
        for widget in (window, *window.findChildren(QWidget)):
            for where, text in widget_texts(widget):
                self.add(where, text, state)
        tray = getattr(window, "tray", None)
        if tray is not None:
            self.add("Tray", tray.toolTip(), state)
            for where, text in _action_texts(tray.menu.actions(), "Tray menu"):
                self.add(where, text, state)

    def report(self) -> list[str]:
        return [f"{found}  in: {', '.join(sorted(states))}" for found, states in sorted(self.found.items())]


class Said:
    """Stands in for ``companion.ui.dialogs``: keeps what a modal question would have said
    (read like the rest) and answers no, so no dialog opens and nothing is changed."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def ask_confirm(self, _parent: QWidget | None, title: str, text: str, action: str) -> bool:
        self.texts += [("question", title), ("question", text), ("question", action)]
        return False

    def tell(self, _parent: QWidget | None, title: str, text: str) -> None:
        self.texts += [("message", title), ("message", text)]

    def ask_open_file(self, _parent: QWidget | None, title: str, filters: str) -> None:
        self.texts += [("file dialog", title), *(("file dialog", f) for f in filters.split(";;"))]

    def ask_save_file(self, _parent: QWidget | None, title: str, _suggested: str, filters: str) -> None:
        self.texts += [("file dialog", title), *(("file dialog", f) for f in filters.split(";;"))]


@pytest.fixture
def russian(qapp):  # type: ignore[no-untyped-def]
    assert i18n.install("ru"), "the Russian translation could not be loaded"
    yield
    i18n.install("en")


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Said:
    said = Said()
    for name in ("ask_confirm", "tell", "ask_open_file", "ask_save_file"):
        monkeypatch.setattr(dialogs, name, getattr(said, name))
    return said


def _russian_window(qtbot, clock: Clock, tmp_path: Path, *, demo: bool) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = Settings(region="RU", rep="", lang="ru")  # the rep: the OS user, as on a first start
    desk = Desk(settings.resolved(), clock=clock)
    if demo:
        assert fill_demo(desk) > 0
    window = MainWindow(
        desk,
        settings,
        save_settings=lambda _settings: None,
        state=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        tracer=Tracer(tmp_path / "trace.jsonl"),
    )
    qtbot.addWidget(window)
    window.tray = Tray(window)  # type: ignore[attr-defined]  # offscreen has no tray: made by hand
    window.resize(380, 720)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def demo_window(qtbot, russian, database, clock: Clock, tmp_path: Path, utc_here) -> MainWindow:  # type: ignore[no-untyped-def]
    return _russian_window(qtbot, clock, tmp_path, demo=True)


@pytest.fixture
def empty_window(qtbot, russian, database, clock: Clock, tmp_path: Path, utc_here) -> MainWindow:  # type: ignore[no-untyped-def]
    return _russian_window(qtbot, clock, tmp_path, demo=False)


def _visit_tabs(reader: Reader, window: MainWindow, prefix: str) -> None:
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        reader.read(f"{prefix}tab {index}")


def _walk_card(reader: Reader, window: MainWindow) -> None:
    card = window.card
    reader.read("no call yet")
    window.start_demo()
    reader.read("the demo's first call")
    for number, direction in DEMO_TOUR:
        window.incoming_event(number, direction)
        reader.read(f"card {number} {direction.value}")
        card.override_buttons[Kind.REFERRAL].click()  # "actually it is" a referral
        card.log_outcome(Outcome.TALKED)  # refused: who recommended them?
        reader.read(f"card {number} {direction.value}, overridden")
        card.override_buttons[Kind.REFERRAL].click()
    # the first-time caller: how did they find us, save as a contact
    window.incoming_event("+44 20 7946 0958", Direction.IN)
    card.source_buttons.items[list(Source).index(Source.RECOMMENDATION)].click()
    card.save_toggle.click()
    reader.read("first-time caller: source and save form")
    card.call_ended("+44 20 7946 0958")
    reader.read("the call ended")
    # a call back, with its panel, the quick times and the picker; undo offered
    window.incoming_event("+7 343 210 55 66", Direction.OUT)
    card.log_outcome(Outcome.CALLBACK)
    card.callback_panel.open_picker()
    reader.read("callback panel")
    card.callback_panel.choice_buttons[0].click()
    card.callback_panel.promise.setText("счёт")
    card.callback_panel.save_promise()
    reader.read("callback moved, promise saved")
    # no answer from someone waiting for our callback: the next try
    window.incoming_event("8 (499) 322-46-85", Direction.OUT)
    card.log_outcome(Outcome.NO_ANSWER)
    reader.read("no answer: the next try")
    card.call_button.click()
    window.incoming_event("+7 495 123-45-67", Direction.OUT)
    card.log_outcome(Outcome.DEAL)
    reader.read("a deal, undo offered")
    card.undo()
    reader.read("undone")
    window.incoming_event("Peter Schmidt <sip:+4930901820@pbx>", Direction.OUT)
    card.call_button.click()  # do not call: asks first
    reader.read("do not call")


def _walk_views(reader: Reader, window: MainWindow) -> None:
    callbacks = window.callbacks_view
    window.tabs.setCurrentWidget(callbacks)
    rows = callbacks.ordered_rows()
    if rows:
        rows[0].open_editor()
        reader.read("callbacks: rescheduling")
        rows[0].close_editor()
        info = rows[0].info
        assert info is not None
        callbacks.finish(info.id)
        reader.read("callbacks: done, undo offered")
        callbacks.undo()
        callbacks.snooze(info.id, 15)
        reader.read("callbacks: snoozed")
    history = window.history
    window.tabs.setCurrentWidget(history)
    history.table.selectRow(0)
    history.day.setCurrentIndex(history.ON_DATE)
    reader.read("history: on a date")
    history.search.setText("нет такого")
    history.refresh()
    reader.read("history: nothing found")
    history.search.clear()
    history.day.setCurrentIndex(history.ANY_DAY)
    history.export_button.click()
    contacts = window.contacts
    window.tabs.setCurrentWidget(contacts)
    if contacts.model.rowCount():
        contacts.list.setCurrentIndex(contacts.model.index(0))
        reader.read("contacts: one open")
        contacts.start_merge()
        reader.read("contacts: merging")
        contacts.cancel_merge()
        contacts.delete()
        contacts.call()
    contacts.new_contact(ask=False)
    contacts.save()  # an empty contact: refused
    reader.read("contacts: new, refused")
    contacts.export()
    contacts.import_button.click()
    today = window.today
    window.tabs.setCurrentWidget(today)
    today.team.setChecked(True)
    reader.read("today: the whole team")
    view = window.settings_view
    window.tabs.setCurrentWidget(view)
    reader.regions = [view.region.itemText(i).rsplit(" (", 1)[0] for i in range(view.region.count())]
    softphone = view.softphone
    for index in range(softphone.softphone.count()):
        softphone.softphone.setCurrentIndex(index)
        reader.read(f"settings: softphone {softphone.kind()}")
    softphone.http.setChecked(True)
    reader.read("settings: local web address on")
    for index in range(softphone.handoff.count()):
        softphone.handoff.setCurrentIndex(index)
        reader.read(f"settings: dial with {softphone.handoff.currentData()}")
    softphone.copy_lines()
    reader.read("settings: copied")
    view.rep.clear()
    view.save()  # refused: no name
    reader.read("settings: no name")
    window.check_due()


def _notifications(window: MainWindow) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    window.notify.connect(lambda title, text: shown.extend([("notification", title), ("notification", text)]))
    return shown


def test_the_demo_window_has_no_english_left(
    qtbot, demo_window: MainWindow, said: Said, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    reader = Reader(window, getpass.getuser())
    shown = _notifications(window)
    _walk_card(reader, window)
    _visit_tabs(reader, window, "")
    _walk_views(reader, window)
    clock.advance(days=1)  # every callback falls due: the tray says so
    window.check_due()
    window.resize(1366, 768)
    _visit_tabs(reader, window, "wide, ")
    for where, text in (*said.texts, *shown):
        reader.add(where, text, "a modal question or a notification")
    assert names_ready(), "the cards loaded no place names"
    assert reader.read_texts > 2000, "the window was not read"
    assert shown, "no callback was notified"
    assert not reader.report(), "English in the Russian window:\n" + "\n".join(reader.report())
    # the place tables were loaded by the cards: every country has a name of its own (Qt alone
    # named them all «Россия»)
    regions = reader.regions
    assert "Германия" in regions and "Сербия" in regions
    assert sorted(name for name in set(regions) if regions.count(name) > 1) == []
    # and the longest of them does not widen Settings past a side-docked window
    window.resize(320, 760)
    window.tabs.setCurrentWidget(window.settings_view)
    QApplication.processEvents()
    scroll = window.settings_view.findChild(QScrollArea)
    assert scroll is not None and scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()


def test_the_empty_window_has_no_english_left(qtbot, empty_window: MainWindow, said: Said) -> None:  # type: ignore[no-untyped-def]
    window = empty_window
    reader = Reader(window, getpass.getuser())
    _visit_tabs(reader, window, "empty, ")
    window.incoming_event("", Direction.IN)  # withheld
    reader.read("withheld number")
    window.incoming_event("12", Direction.OUT)  # not a number
    reader.read("not a number")
    window.incoming_event("+7 916 555-01-23 ext. 12", Direction.OUT)
    reader.read("a mobile with an extension")
    window.unreachable("")
    window.other_database_asked("/tmp/other.sqlite3")
    reader.read("notices")
    for name, company in (("Michael Brown", "Brown & Sons Logistics"), ("Ирина Соколова", "")):
        window.book.save(ContactDraft(name=name, company=company, numbers=["+7 495 123-45-67"]))
    window.incoming_event("+7 495 123-45-67", Direction.IN)  # a shared number: who is it?
    reader.read("a shared number")
    window.resize(1366, 768)
    _visit_tabs(reader, window, "wide, empty, ")
    for where, text in said.texts:
        reader.add(where, text, "a modal question")
    assert not reader.report(), "English in the Russian window:\n" + "\n".join(reader.report())


CONTACTS_FILE = (
    "ФИО,Телефон,Компания,Город\nИван Петров,8 (499) 322-46-85,ООО Ромашка,Москва\n"
    "Ольга,,Василёк,Тверь\nПётр,12,Лютик,Казань\n"
)
CALLS_FILE = "Дата,Время,Номер,Направление\n20.11.2026,10:15,+7 499 322-46-85,входящий\n21.11.2026,,,\n"


@pytest.mark.parametrize(("name", "text"), [("клиенты.csv", CONTACTS_FILE), ("звонки.csv", CALLS_FILE)])
def test_the_import_dialog_has_no_english_left(  # type: ignore[no-untyped-def]
    qtbot, empty_window: MainWindow, said: Said, tmp_path: Path, name: str, text: str
) -> None:
    """A file dropped on the window: its preview, the columns, the question, the result."""
    window = empty_window
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reader = Reader(window, getpass.getuser())
    dialog = window.open_import(path)
    assert dialog is not None
    reader.read("import: set up")
    table = dialog.mapping_table
    assert table is not None
    phone = next(i for i, combo in enumerate(table.combos) if combo.currentData() in ("phone", "number"))
    field = table.combos[phone].currentData()
    table.choose(phone, "")
    reader.read("import: no number column")
    table.choose(phone, field)
    assert dialog.import_button.isEnabled(), dialog.reason.text()
    with qtbot.waitSignal(dialog.ended, timeout=20000):
        dialog.import_button.click()
    reader.read("import: the result")
    for where, text_ in said.texts:
        reader.add(where, text_, "a modal question")
    assert not reader.report(), "English in the Russian window:\n" + "\n".join(reader.report())


def test_the_check_finds_english_and_lets_names_and_tokens_pass() -> None:
    assert english("Перезвонить") == []
    assert english("Call back") == ["Call", "back"]
    assert english("Записано: Deal") == ["Deal"]
    assert english("Michael Brown · Brown & Sons Logistics · New York, NY") == []
    assert english("Michael Jones") == ["Michael", "Jones"]  # a name is allowed whole, not in parts
    assert english("Экспорт в CSV (Excel) и vCard, ссылки tel: и sip:") == []
    assert english("Сохранить (Ctrl+S)") == []
    assert english("Файл C:\\Apps\\Phone\\phone.exe и /home/rep/contacts.csv, anna@example.com") == []
    assert english("Call Companion") == []
    assert english("Companion") == ["Companion"]
    assert english("Менеджер anna", also=("anna",)) == []
    assert english("Готово. OK") == ["OK"]
    assert _is_command_line("cmdCallRing=/opt/companion incoming --")
    assert _is_command_line('"C:\\Program Files\\Call Companion\\companion.exe" incoming -- NUMBER')
    assert _is_command_line("http://127.0.0.1:28470/incoming?token=x&number=NUMBER")
    assert not _is_command_line("Сначала включите локальный веб-адрес ниже.")
