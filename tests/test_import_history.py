"""Importing a call history (issue 5): a CRM's or a phone system's call list, and our own export.

DESIGN.md §1 reads the degree of contact from the calls table: a colleague's connected call makes
the person warm, the rep's own makes them hot, a deal makes them a client. The fixtures are an
English list (ISO dates, "Outgoing"/"Incoming") and a Russian one saved by Russian Excel
(windows-1251, ``;``, ``dd.mm.yyyy``, "Исходящий", "Недозвон", "Сделка"); Excel workbooks are made
here with openpyxl, with real date and time cells.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from companion.config import Settings
from companion.desk import Desk, to_db
from companion.importers import ImportFileError, ImportReport, import_file, open_source
from companion.method import Kind, Temperature
from companion.store import close_database, open_database
from companion.store.models import Call, Callback, Contact, Phone
from companion.transfer import export_calls

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"

PAVEL = "+74951112233"
OLGA = "+79161234567"
MARIA = "+78127654321"
IVAN = "+74993224685"
EKATERINBURG = "+73432223344"


def load(desk: Desk, path: Path, familiarity: str = "company", **kwargs: Any) -> ImportReport:
    return import_file(desk, path, familiarity=familiarity, **kwargs)


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.skipped


def local(*parts: int) -> datetime:
    """How the store keeps a time a file wrote without a zone (this computer's local time)."""
    return to_db(datetime(*parts))


def calls() -> list[tuple[object, ...]]:
    """Every call as (number, direction, started, seconds, outcome, rep, note, name)."""
    result = []
    for call in Call.select().order_by(Call.started, Call.id):
        seconds = int((call.ended - call.started).total_seconds()) if call.ended else None
        name = call.contact.name if call.contact is not None else None
        result.append(
            (
                call.phone.number,
                call.direction,
                call.started,
                seconds,
                call.outcome,
                call.rep,
                call.note,
                name,
            )
        )
    return result


def everything() -> list[tuple[object, ...]]:
    tables = (Contact, Phone, Call, Callback)
    return [tuple(row) for model in tables for row in model.select().order_by(model.id).tuples()]


@pytest.fixture
def olga_desk(database: object, clock: Any) -> Desk:
    """Ольга Иванова, the rep whose calls the Russian list has."""
    return Desk(Settings(region="RU", rep="Ольга Иванова", lang="en"), clock=clock)


# --- what the file is ------------------------------------------------------------------------


def test_a_call_list_is_told_from_a_contacts_file_by_its_columns() -> None:
    english = open_source(FIXTURES / "calls_en.csv")
    assert (english.content, english.container, english.profile) == ("calls", "csv", "calls")
    assert english.label == "Call history (CSV)"
    assert {f: [english.headers[i] for i in c] for f, c in english.mapping.items()} == {
        "started": ["Date/Time"],
        "number": ["Phone Number"],
        "direction": ["Direction"],
        "outcome": ["Outcome"],
        "rep": ["Rep"],
        "note": ["Note"],
        "name": ["Contact"],
        "company": ["Company"],
        "duration": ["Duration"],
    }
    russian = open_source(FIXTURES / "calls_ru.csv")
    assert (russian.content, russian.label) == ("calls", "Call history (CSV)")
    assert {f: [russian.headers[i] for i in c] for f, c in russian.mapping.items()} == {
        "date": ["Дата"],
        "time": ["Время"],
        "number": ["Номер"],
        "direction": ["Направление"],
        "outcome": ["Результат"],
        "rep": ["Менеджер"],
        "note": ["Комментарий"],
        "name": ["Клиент"],
        "duration": ["Длительность"],
    }
    assert russian.preview() == []  # the contacts preview has nothing to say about calls


# --- what lands in the store -----------------------------------------------------------------


def test_an_english_call_list_lands_as_logged_calls(desk: Desk) -> None:
    report = load(desk, FIXTURES / "calls_en.csv")
    assert counts(report) == (5, 0, 0, 2)
    assert report.problems == [
        "line 7: unknown direction 'Internal'; skipped",
        "line 8: not a date and time: 'yesterday'; skipped",
    ]
    assert calls() == [
        (
            PAVEL,
            "out",
            local(2026, 10, 1, 10, 15),
            192,
            "talked",
            "anna",
            "Sent the price list",
            "Pavel Orlov",
        ),
        (OLGA, "out", local(2026, 10, 2, 11, 0), None, "no_answer", "anna", "", "Olga Smirnova"),
        (
            OLGA,
            "in",
            local(2026, 10, 3, 9, 30),
            125,
            "talked",
            "me",
            "Asked about delivery,\nwants a call on Friday",
            "Olga Smirnova",
        ),
        ("+78127654321", "out", local(2026, 10, 5, 15, 45), 600, "deal", "anna", "Signed", "Maria Garcia"),
        (EKATERINBURG, "out", local(2026, 10, 7, 17, 20), None, "no_answer", "me", "", None),
    ]
    pavel = Contact.get(Contact.name == "Pavel Orlov")
    assert (pavel.company, pavel.status) == ("Acme", "person")  # a conversation alone raises nothing
    assert Contact.get(Contact.name == "Maria Garcia").status == "client"
    numbers = {p.number for p in Phone.select()}
    assert numbers.isdisjoint({"+74951112234", "+74951112235"})  # the skipped rows wrote nothing


def test_a_colleagues_conversation_makes_the_person_warm(desk: Desk) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    card = desk.lookup(PAVEL, "out")  # Anna talked with Pavel; I never did
    assert (card.kind, card.temperature) == (Kind.WARM, Temperature.WARM)
    assert card.contact is not None and card.contact.name == "Pavel Orlov"
    assert desk.lookup(PAVEL, "in").kind is Kind.RETURNING


def test_the_reps_own_conversation_makes_the_person_hot(desk: Desk, colleague: Desk) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    card = desk.lookup(OLGA, "out")  # I ("me") talked with Olga on the 3rd
    assert (card.kind, card.temperature) == (Kind.HOT, Temperature.HOT)
    assert [(c.rep, c.outcome) for c in card.history] == [("me", "talked"), ("anna", "no_answer")]
    # for Anna, whose only call with Olga went unanswered, Olga knows the company through me
    assert (colleague.lookup(OLGA, "out").kind, colleague.lookup(OLGA, "out").temperature) == (
        Kind.WARM,
        Temperature.WARM,
    )


def test_a_deal_in_the_history_makes_a_client(desk: Desk) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    assert desk.lookup(MARIA, "in").kind is Kind.REPEAT
    card = desk.lookup(MARIA, "out")
    assert card.contact is not None and (card.contact.name, card.contact.status) == ("Maria Garcia", "client")


def test_an_unanswered_call_alone_leaves_the_number_cold(desk: Desk) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    card = desk.lookup(EKATERINBURG, "out")
    assert (card.kind, card.temperature, card.contact) == (Kind.COLD, Temperature.COLD, None)
    assert len(card.history) == 1


def test_imported_calls_are_logged_and_schedule_nothing(olga_desk: Desk) -> None:
    load(olga_desk, FIXTURES / "calls_ru.csv")
    assert olga_desk.unlogged() == []  # none of Ольга Иванова's old calls lands in "To log"
    # Иван asked to be called back in the old list: no reminder is made of it
    ivan = Contact.get(Contact.name == "Иван Петров")
    assert (ivan.status, Callback.select().count()) == ("prospect", 0)
    assert olga_desk.lookup(IVAN, "out").kind is Kind.HOT  # not "callback": nothing is pending


def test_a_russian_call_list_with_day_first_dates(olga_desk: Desk) -> None:
    report = load(olga_desk, FIXTURES / "calls_ru.csv")
    assert counts(report) == (5, 0, 0, 2)
    assert report.problems == [
        "line 6: unknown direction 'Переадресация'; skipped",
        "line 7: not a date and time: '31.02.2026 10:00'; skipped",
    ]
    anna, olga = "Анна Козлова", "Ольга Иванова"
    assert calls() == [
        (PAVEL, "out", local(2026, 10, 1, 10, 15), 192, "talked", anna, "Отправили прайс", "Павел Орлов"),
        (OLGA, "out", local(2026, 10, 2, 11, 0), None, "no_answer", anna, "", "Ольга Смирнова"),
        (
            OLGA,
            "in",
            local(2026, 10, 3, 9, 30),
            125,
            "talked",
            olga,
            "Спрашивала про доставку; перезвонить в пятницу",
            "Ольга Смирнова",
        ),
        (MARIA, "out", local(2026, 10, 5, 15, 45), 600, "deal", anna, "Договор подписан", "Мария Кузнецова"),
        (
            IVAN,
            "out",
            local(2026, 10, 7, 16, 0),
            45,
            "callback",
            olga,
            "Просил перезвонить после отпуска",
            "Иван Петров",
        ),
    ]
    assert olga_desk.lookup(OLGA, "out").kind is Kind.HOT
    assert olga_desk.lookup(PAVEL, "out").kind is Kind.WARM  # Анна's conversation, not mine
    assert Contact.get(Contact.name == "Мария Кузнецова").status == "client"


@pytest.mark.parametrize(
    ("familiarity", "rep", "kind"),
    [("personal", "me", Kind.HOT), ("company", "", Kind.WARM), ("none", "", Kind.WARM)],
)
def test_calls_without_a_rep_are_the_reps_own_when_imported_as_personal(
    desk: Desk, tmp_path: Path, familiarity: str, rep: str, kind: Kind
) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "Дата;Направление;Номер;Результат\n01.10.2026 10:15;Исходящий;8 (495) 111-22-33;Разговор\n",
        encoding="utf-8",
    )
    assert counts(load(desk, path, familiarity=familiarity)) == (1, 0, 0, 0)
    assert [c[5] for c in calls()] == [rep]
    assert desk.lookup(PAVEL, "out").kind is kind


# --- importing again -------------------------------------------------------------------------


def test_importing_the_history_again_does_not_double_the_calls(olga_desk: Desk) -> None:
    load(olga_desk, FIXTURES / "calls_ru.csv")
    before = everything()
    assert counts(load(olga_desk, FIXTURES / "calls_ru.csv")) == (0, 0, 5, 2)
    assert everything() == before
    assert Call.select().count() == 5


def test_a_call_changed_in_the_file_is_updated_in_place(desk: Desk, tmp_path: Path) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    text = (FIXTURES / "calls_en.csv").read_text(encoding="utf-8")
    path = tmp_path / "calls.csv"
    path.write_text(
        text.replace("Sent the price list", "Sent the price list and a contract"), encoding="utf-8"
    )
    assert counts(load(desk, path)) == (0, 1, 4, 2)
    assert Call.select().count() == 5
    assert Call.get(Call.started == local(2026, 10, 1, 10, 15)).note == "Sent the price list and a contract"


def test_a_call_list_after_the_contacts_goes_to_the_known_people(desk: Desk, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("ФИО;Телефон;Компания\nПавел Орлов;8 (495) 111-22-33;ООО «Акме»\n", encoding="utf-8")
    load(desk, contacts, familiarity="none")
    assert desk.lookup(PAVEL, "out").kind is Kind.COLD
    load(desk, FIXTURES / "calls_ru.csv")
    assert Contact.select().where(Contact.name == "Павел Орлов").count() == 1
    pavel = Contact.get(Contact.name == "Павел Орлов")
    assert (pavel.company, pavel.status) == ("ООО «Акме»", "person")
    assert desk.lookup(PAVEL, "out").kind is Kind.WARM


# --- our own export, round trip ----------------------------------------------------------------


def test_our_calls_export_imports_back_unchanged_and_rebuilds_the_history(desk: Desk, tmp_path: Path) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    before = calls()
    kinds = [(c.kind, c.temperature) for c in Call.select().order_by(Call.started)]
    exported = tmp_path / "calls-export.csv"
    assert export_calls(desk, exported) == 5

    source = open_source(exported)
    assert (source.content, source.label) == ("calls", "Call history (CSV)")
    assert counts(load(desk, exported)) == (0, 0, 5, 0)
    assert calls() == before

    close_database()
    open_database(tmp_path / "new.sqlite3")  # the `database` fixture closes it at the end
    assert counts(load(desk, exported)) == (5, 0, 0, 0)
    assert calls() == before
    assert [(c.kind, c.temperature) for c in Call.select().order_by(Call.started)] == kinds
    again = tmp_path / "calls-again.csv"
    export_calls(desk, again)
    assert again.read_text(encoding="utf-8-sig") == exported.read_text(encoding="utf-8-sig")
    assert desk.lookup(OLGA, "out").kind is Kind.HOT
    assert desk.unlogged() == []


# --- Excel -------------------------------------------------------------------------------------


def test_an_excel_call_list_with_date_and_time_cells(olga_desk: Desk, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Дата", "Время", "Номер", "Направление", "Результат", "Менеджер"])
    sheet.append([date(2026, 10, 1), time(10, 15), 74951112233, "Исходящий", "Разговор", "Анна Козлова"])
    sheet.append([date(2026, 10, 3), time(9, 30), 89161234567, "Входящий", "Разговор", "Ольга Иванова"])
    sheet.append([date(2026, 10, 4), None, 78127654321, "Исходящий", "Недозвон", "Анна Козлова"])
    other = book.create_sheet("Сводка")
    other.append(["Дата", "Номер", "Направление"])
    other.append([date(2026, 10, 9), 79990001122, "Исходящий"])
    path = tmp_path / "звонки.xlsx"
    book.save(path)

    source = open_source(path)
    assert (source.content, source.container, source.label) == ("calls", "xlsx", "Call history (Excel)")
    report = load(olga_desk, path)
    assert (counts(report), report.problems) == ((3, 0, 0, 0), [])
    assert [(c[0], c[1], c[2], c[4]) for c in calls()] == [
        (PAVEL, "out", local(2026, 10, 1, 10, 15), "talked"),
        (OLGA, "in", local(2026, 10, 3, 9, 30), "talked"),
        (MARIA, "out", local(2026, 10, 4, 12, 0), "no_answer"),  # a date alone is its noon
    ]
    assert "+79990001122" not in {p.number for p in Phone.select()}
    assert olga_desk.lookup(OLGA, "out").kind is Kind.HOT


def test_an_excel_call_list_with_one_date_and_time_cell(desk: Desk, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Date/Time", "Number", "Direction", "Outcome", "Rep", "Duration"])
    sheet.append([datetime(2026, 10, 1, 10, 15), 74951112233, "Outgoing", "Connected", "me", time(0, 3, 12)])
    sheet.append([datetime(2026, 10, 2, 18, 40, 5), 79161234567, "Incoming", "Missed", "me", 0])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    report = load(desk, path)
    assert (counts(report), report.problems) == ((2, 0, 0, 0), [])
    assert [(c[0], c[1], c[2], c[3], c[4]) for c in calls()] == [
        (PAVEL, "out", local(2026, 10, 1, 10, 15), 192, "talked"),
        (OLGA, "in", local(2026, 10, 2, 18, 40, 5), None, "no_answer"),
    ]
    assert desk.lookup(PAVEL, "out").kind is Kind.HOT


# --- all or nothing ------------------------------------------------------------------------------


def test_a_call_list_that_breaks_at_the_end_writes_nothing(desk: Desk, tmp_path: Path) -> None:
    load(desk, FIXTURES / "calls_en.csv")
    before = everything()
    text = (FIXTURES / "calls_en.csv").read_text(encoding="utf-8")
    path = tmp_path / "calls.csv"
    path.write_text(
        # the first call moved to November (new), one more new call, then a quote never closed
        text.replace("2026-10-01 10:15", "2026-11-01 10:15")
        + "2026-11-02 10:00,Outgoing,+7 495 000-00-00,,,Connected,me,10,\n"
        + '2026-11-03 10:00,Outgoing,+7 495 111-22-33,"Pavel Orlov,,Connected,me,10,\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match=re.escape("calls.csv, line 11: broken CSV")):
        load(desk, path)
    assert everything() == before


def test_a_call_list_without_a_direction_column_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("Date,Number,Outcome\n2026-10-01 10:15,+7 495 111-22-33,Connected\n", encoding="utf-8")
    with pytest.raises(
        ImportFileError, match=re.escape("calls.csv looks like a call history but has no direction")
    ):
        load(desk, path)
    assert everything() == []


# --- what a review found ---------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_our_own_export_of_logged_calls_imports_back_without_doubling(
    desk: Desk, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = clock.now.replace(microsecond=123456)  # a logged call keeps its microseconds
    desk.log(IVAN, "out", "talked", note="first")
    clock.advance(minutes=5, microseconds=654321)
    desk.log(IVAN, "in", "interested")
    exported = tmp_path / "calls.csv"
    export_calls(desk, exported)  # whole seconds
    report = load(desk, exported, fmt="calls")
    assert counts(report) == (0, 0, 2, 0)
    assert Call.select().count() == 2


def test_month_first_dates_with_a_day_past_twelve_read_in_any_region(desk: Desk, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "us.csv",
        f"Date,Number,Direction,Outcome\n05/13/2026 10:00,{PAVEL},Outgoing,Talked\n"
        f"12/31/2026 09:30,{PAVEL},Outgoing,Talked\n13.05.2026 11:00,{PAVEL},Outgoing,Talked\n",
    )
    report = load(desk, path, fmt="calls")
    assert (counts(report), report.problems) == ((3, 0, 0, 0), [])
    starts = sorted(c.started for c in Call.select())
    assert starts == sorted(
        [local(2026, 5, 13, 10, 0), local(2026, 12, 31, 9, 30), local(2026, 5, 13, 11, 0)]
    )


def test_a_reimport_without_outcomes_keeps_the_outcome_the_rep_logged(desk: Desk, tmp_path: Path) -> None:
    path = write(tmp_path, "pbx.csv", f"calldate,src_dst,type,billsec\n2026-11-20 10:00:00,{PAVEL},out,125\n")
    load(desk, path, fmt="calls")
    call = Call.get()
    assert call.outcome == "talked"  # guessed from the 125 seconds
    desk.log(PAVEL, "out", "deal", call_id=call.id)
    report = load(desk, path, fmt="calls")
    assert counts(report) == (0, 0, 1, 0)
    assert Call.get().outcome == "deal"


def test_a_second_history_sees_the_calls_the_first_brought(desk: Desk, tmp_path: Path) -> None:
    january = write(
        tmp_path, "jan.csv", f"Date,Number,Direction,Outcome,Rep\n2026-01-10 10:00,{PAVEL},out,talked,me\n"
    )
    february = write(
        tmp_path, "feb.csv", f"Date,Number,Direction,Outcome,Rep\n2026-02-10 10:00,{PAVEL},out,talked,me\n"
    )
    load(desk, january, fmt="calls")
    load(desk, february, fmt="calls")
    later = Call.select().order_by(Call.started.desc()).get()
    assert (later.kind, later.temperature) == ("hot", "hot")  # the rep had talked to them in January


def test_a_caller_spelt_otherwise_is_the_numbers_only_contact(desk: Desk, tmp_path: Path) -> None:
    contacts = write(tmp_path, "contacts.csv", f"name,phone\nIvan Petrov,{IVAN}\n")
    import_file(desk, contacts, familiarity="company")
    path = write(
        tmp_path,
        "calls.csv",
        f"Date,Number,Direction,Outcome,Name\n2026-11-20 10:00,{IVAN},in,talked,Петров Иван\n",
    )
    report = load(desk, path, fmt="calls")
    call = Call.get()
    assert call.contact.name == "Ivan Petrov"
    assert call.kind == "returning"
    assert report.problems == ["line 2: the file says «Петров Иван»; counted as a call with «Ivan Petrov»"]


def test_missed_calls_in_a_phone_log_are_incoming_calls_not_taken(desk: Desk, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "phone.csv",
        f"Date,Number,Type,Duration\n2026-11-20 10:00,{PAVEL},Missed,0\n"
        f"2026-11-21 10:00,{PAVEL},Пропущенный,\n",
    )
    report = load(desk, path, fmt="calls")
    assert (counts(report), report.problems) == ((2, 0, 0, 0), [])
    assert [(c.direction, c.outcome) for c in Call.select()] == [("in", "no_answer"), ("in", "no_answer")]
    assert desk.lookup(PAVEL, "out").kind is Kind.COLD  # nobody has talked to them
