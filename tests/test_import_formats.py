"""Importing contacts from the files real exports produce (issue 5).

The files in ``fixtures/import/`` are written the way each exporter writes them: Google
Contacts (the current CSV and the older UTF-16 "Google CSV"), Outlook in English and a Russian
Outlook file saved again by Russian Excel (windows-1251, ``;``), Bitrix24, HubSpot and
Salesforce contact exports, tables typed by hand (``;``, tab, Excel's UTF-16 "Unicode text"),
and broken files. Excel workbooks cannot be written by hand: the tests make them with openpyxl.
Every test reads back what landed in the store.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from companion.cli import EXIT_BAD_INPUT, main
from companion.config import Settings
from companion.desk import Desk
from companion.importers import ImportFileError, ImportReport, Source, import_file, open_source
from companion.importers.columns import guess
from companion.method import Kind, Temperature
from companion.store.models import Call, Callback, Contact, ContactPhone, Phone

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"

# the people of the fixtures, by the number the store knows them by
IVAN = "+79161234567"
IVAN_MOBILE_2 = "+79037654321"
ROMASHKA = "+74951112233"
JOHN = "+12125550147"
ANNA = "+78121234567"
SBERBANK = "+78005555550"


def fixture(name: str) -> Path:
    return FIXTURES / name


def load(desk: Desk, path: Path, familiarity: str = "company", **kwargs: Any) -> ImportReport:
    return import_file(desk, path, familiarity=familiarity, **kwargs)


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.skipped


def columns(source: Source) -> dict[str, list[str]]:
    """The guessed mapping by header names (what the preview shows)."""
    return {field: [source.headers[i] for i in indexes] for field, indexes in source.mapping.items()}


def contact(name: str) -> Contact:
    return Contact.get(Contact.name == name)


def numbers_of(person: Contact) -> list[str]:
    query = Phone.select(Phone.number).join(ContactPhone).where(ContactPhone.contact == person)
    return sorted(p.number for p in query)


def card(person: Contact) -> tuple[str, str, str, str, list[str]]:
    return person.name, person.company, person.email, person.notes, numbers_of(person)


def stored_numbers() -> set[str]:
    return {p.number for p in Phone.select(Phone.number)}


def everything() -> list[tuple[object, ...]]:
    """Every row of every table: what a refused import must leave exactly as it was."""
    tables = (Contact, Phone, ContactPhone, Call, Callback)
    return [tuple(row) for model in tables for row in model.select().order_by(model.id).tuples()]


@pytest.fixture
def us_desk(database: object, clock: Any) -> Desk:
    """A rep in the US: Outlook and CRM exports there write numbers without +1."""
    return Desk(Settings(region="US", rep="me", lang="en"), clock=clock)


# --- Google Contacts ----------------------------------------------------------------------


def test_a_google_contacts_export_is_recognised_with_its_columns() -> None:
    source = open_source(fixture("google_contacts.csv"))
    assert (source.content, source.container, source.profile) == ("contacts", "csv", "google")
    assert source.label == "Google Contacts (CSV)"
    assert columns(source) == {
        "first_name": ["First Name"],
        "middle_name": ["Middle Name"],
        "last_name": ["Last Name"],
        "company": ["Organization Name"],
        "notes": ["Notes"],
        "email": ["E-mail 1 - Value"],
        "phone": ["Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"],
    }


def test_a_google_contacts_export_lands_in_the_store(desk: Desk) -> None:
    report = load(desk, fixture("google_contacts.csv"))
    assert counts(report) == (4, 0, 0, 1)
    # the first contact spans four lines (a note and an address with line breaks)
    assert report.problems == ["line 9: no phone number; skipped"]
    assert card(contact("Иван Иванович Петров")) == (
        "Иван Иванович Петров",
        "ООО «Ромашка»",
        "petrov@romashka.example",  # the first of the two Work addresses Google joins with :::
        "Звонить после 14:00\nСекретарь — Ольга, доб. 12",
        sorted([IVAN, IVAN_MOBILE_2, ROMASHKA]),  # two mobiles in one cell, " ::: " between
    )
    assert card(contact("John Smith")) == ("John Smith", "Acme Corp.", "john.smith@acme.example", "", [JOHN])
    assert numbers_of(contact("Анна Сергеевна Кузнецова")) == [ANNA]
    sberbank = Contact.get(Contact.company == "ПАО Сбербанк")  # an organisation without a person
    assert (sberbank.name, numbers_of(sberbank)) == ("", [SBERBANK])
    assert Contact.select().where(Contact.name.contains("Белова")).count() == 0
    for number in (IVAN, IVAN_MOBILE_2, ROMASHKA):
        found = desk.lookup(number).contact
        assert found is not None and found.name == "Иван Иванович Петров", number


def test_the_older_google_csv_in_utf16_is_recognised_and_imported(desk: Desk) -> None:
    assert fixture("google_legacy.csv").read_bytes()[:2] == b"\xff\xfe"  # as old Gmail wrote it
    source = open_source(fixture("google_legacy.csv"))
    assert (source.content, source.profile, source.label) == ("contacts", "google", "Google Contacts (CSV)")
    assert columns(source) == {
        "name": ["Name"],
        "first_name": ["Given Name"],
        "middle_name": ["Additional Name"],
        "last_name": ["Family Name"],
        "notes": ["Notes"],
        "email": ["E-mail 1 - Value"],
        "phone": ["Phone 1 - Value", "Phone 2 - Value"],
        "company": ["Organization 1 - Name"],
    }
    report = load(desk, fixture("google_legacy.csv"))
    assert (counts(report), report.problems) == ((3, 0, 0, 0), [])
    assert card(contact("Ольга Сергеевна Смирнова")) == (
        "Ольга Сергеевна Смирнова",
        "ООО «Вектор»",
        "o.smirnova@vector.example",
        "Бухгалтерия, 2 этаж",
        ["+74959876543", "+74959876544", "+79165551234"],
    )
    assert card(contact("Dmitry Orlov")) == ("Dmitry Orlov", "", "d.orlov@example.org", "", ["+79031112233"])
    # no Name: the given and family names make it
    assert numbers_of(contact("Пётр Сидоров")) == ["+73432221100"]


# --- Outlook ------------------------------------------------------------------------------

OUTLOOK_FAXES_AND_PAGERS = ("+14255550199", "+14255550198", "+14255550197", "+14255550190", "+14255550191")


def test_an_outlook_export_is_recognised_and_its_fax_and_pager_columns_are_not_phones() -> None:
    source = open_source(fixture("outlook.csv"))
    assert (source.content, source.profile, source.label) == ("contacts", "outlook", "Outlook contacts (CSV)")
    found = columns(source)
    assert (found["first_name"], found["middle_name"], found["last_name"]) == (
        ["First Name"],
        ["Middle Name"],
        ["Last Name"],
    )
    assert (found["company"], found["email"], found["notes"]) == (["Company"], ["E-mail Address"], ["Notes"])
    phones = found["phone"]
    assert {"Business Phone", "Business Phone 2", "Home Phone", "Mobile Phone", "Primary Phone"} <= set(
        phones
    )
    assert "Company Main Phone" in phones
    not_phones = {"Business Fax", "Home Fax", "Other Fax", "Pager", "Government ID Number", "Title"}
    assert not_phones.isdisjoint(phones)
    assert "Organizational ID Number" not in phones


def test_an_outlook_export_lands_without_its_faxes_and_pagers(us_desk: Desk) -> None:
    report = load(us_desk, fixture("outlook.csv"))
    assert counts(report) == (2, 0, 0, 1)
    # the fax room has only a fax and a pager: no number to call
    assert report.problems == ["line 5: no phone number; skipped"]
    assert card(contact("Robert James Miller")) == (
        "Robert James Miller",
        "Contoso Ltd.",
        "robert.miller@contoso.example",
        "Prefers e-mail.\nDecides in Q4.",
        ["+14255550100", "+14255550101", "+14255550123"],  # Primary Phone repeats Business Phone
    )
    assert card(contact("Nancy Davolio")) == (
        "Nancy Davolio",
        "Northwind Traders",
        "nancy.davolio@northwind.example",
        "",
        ["+12065550134", "+12065559857"],
    )
    assert stored_numbers().isdisjoint(OUTLOOK_FAXES_AND_PAGERS)
    assert us_desk.lookup("(425) 555-0199").contact is None  # the fax is nobody's number
    assert Contact.select().where(Contact.name == "Fax Room").count() == 0


def test_a_russian_outlook_export_saved_by_russian_excel(desk: Desk) -> None:
    raw = fixture("outlook_ru_excel.csv").read_bytes()
    assert raw.startswith("Обращение;Имя;".encode("cp1251"))
    source = open_source(fixture("outlook_ru_excel.csv"))
    assert (source.content, source.profile, source.label) == ("contacts", "outlook", "Outlook contacts (CSV)")
    found = columns(source)
    assert (found["first_name"], found["middle_name"], found["last_name"]) == (
        ["Имя"],
        ["Отчество"],
        ["Фамилия"],
    )
    assert (found["company"], found["email"], found["notes"]) == (
        ["Организация"],
        ["Адрес эл. почты"],
        ["Заметки"],
    )
    assert {"Рабочий телефон", "Телефон переносной", "Домашний телефон", "Другой телефон"} <= set(
        found["phone"]
    )
    # faxes, the pager and "Личный номер" (Outlook's Government ID Number) are not phones
    not_phones = {"Рабочий факс", "Домашний факс", "Другой факс", "Пейджер", "Личный номер"}
    assert not_phones.isdisjoint(found["phone"])

    report = load(desk, fixture("outlook_ru_excel.csv"))
    assert (counts(report), report.problems) == ((2, 0, 0, 0), [])
    assert card(contact("Сергей Петрович Волков")) == (
        "Сергей Петрович Волков",
        "ООО «Север»",
        "volkov@sever.example",
        "Перезвонить в понедельник; обсудить скидку",
        ["+74952223344", "+79261112233"],
    )
    assert numbers_of(contact("Елена Морозова")) == ["+78123334455", "+79214445566"]
    assert stored_numbers().isdisjoint({"+74952223345", "+78123334456"})


@pytest.mark.parametrize(
    "header",
    [
        "Phone",
        "Tel.",
        "Mobile",
        "Cell",
        "Phone 2",
        "Contact Number",
        "Work Number",
        "Number",
        "Телефон",
        "Телефоны",
        "Номер телефона",
        "Номер мобильного",
        "Тел.",
        "Моб. тел.",
        "Сотовый",
        "Номер",
        "Рабочий номер",
    ],
)
def test_a_header_that_names_a_phone_is_a_phone_column(header: str) -> None:
    assert guess([header]) == {"phone": [0]}


@pytest.mark.parametrize(
    "header",
    [
        "Fax",
        "Business Fax",
        "Fax Number",
        "Pager",
        "Phone 1 - Label",
        "Phone 1 - Type",
        "Ext.",
        "Government ID Number",
        "Order Number",
        "Number of Employees",
        "Факс (раб.)",
        "Номер факса",
        "Телефон факса",
        "Пейджер",
        "Номер пейджера",
        "Личный номер",
        "Улица, номер дома",
        "Номер договора",
    ],
)
def test_a_header_that_names_no_phone_to_call_is_not_a_phone_column(header: str) -> None:
    assert "phone" not in guess([header])


# --- CRM exports --------------------------------------------------------------------------


def test_a_bitrix24_contacts_export_is_read_without_fax_pager_or_house_numbers() -> None:
    raw = fixture("bitrix24_contacts.csv").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"ID";')
    source = open_source(fixture("bitrix24_contacts.csv"))
    assert (source.content, source.profile, source.label) == ("contacts", "csv", "Contacts table (CSV)")
    assert columns(source) == {
        "first_name": ["Имя"],
        "last_name": ["Фамилия"],
        "middle_name": ["Отчество"],
        "company": ["Компания"],
        # not "Номер факса", "Номер пейджера", nor "Улица, номер дома"
        "phone": [
            "Рабочий телефон",
            "Мобильный телефон",
            "Домашний телефон",
            "Телефон для рассылок",
            "Другой телефон",
        ],
        "email": ["Рабочий e-mail"],
        "notes": ["Комментарий"],
        "source": ["Источник"],
    }


def test_a_bitrix24_contacts_export_lands_in_the_store(desk: Desk) -> None:
    report = load(desk, fixture("bitrix24_contacts.csv"))
    assert counts(report) == (2, 0, 0, 1)
    # (what Bitrix24 calls a source is tested on its own below)
    assert [p for p in report.problems if "source" not in p] == ["line 4: no phone number; skipped"]
    assert card(contact("Алексей Викторович Кузнецов")) == (
        "Алексей Викторович Кузнецов",  # first, middle, last: not Bitrix24's column order
        "ИП Кузнецов А.В.",
        "a.kuznetsov@example.com",
        "Клиент с 2019 года",
        ["+73432223344", "+79031234567", "+79031234568"],
    )
    assert card(contact("Марина Соколова")) == (
        "Марина Соколова",
        "ООО «Вектор»",
        "m.sokolova@vector.example",
        "",
        ["+79167654321"],
    )
    assert stored_numbers().isdisjoint({"+73432223345", "+79167654329", "+74952223340", "51"})


def test_a_source_written_in_russian_is_understood(desk: Desk, tmp_path: Path) -> None:
    """A Russian CRM's "Источник" column is read as the source: its values are Russian too
    (statuses already are: "клиент", "лид")."""
    path = tmp_path / "sources.csv"
    path.write_text(
        "ФИО;Телефон;Источник\n"
        "Иван Петров;+7 916 123-45-67;Реклама\n"
        "Ольга Смирнова;+7 495 111-22-33;Рекомендация\n",
        encoding="utf-8",
    )
    report = load(desk, path)
    assert report.problems == []
    assert contact("Иван Петров").source == "advertising"
    assert contact("Ольга Смирнова").source == "recommendation"


def test_a_hubspot_export_is_read_without_its_fax_and_head_count(desk: Desk) -> None:
    source = open_source(fixture("hubspot_contacts.csv"))
    assert (source.content, source.profile) == ("contacts", "csv")
    assert columns(source) == {
        "first_name": ["First Name"],
        "last_name": ["Last Name"],
        "email": ["Email"],
        "phone": ["Phone Number", "Mobile Phone Number"],  # not "Fax Number", not "Number of Employees"
        "company": ["Company Name"],
    }
    report = load(desk, fixture("hubspot_contacts.csv"))
    assert (counts(report), report.problems) == ((2, 0, 0, 0), [])
    assert card(contact("Emily Clark")) == (
        "Emily Clark",
        "Brightwave Inc.",
        "emily.clark@brightwave.example",
        "",
        ["+16175550101", "+16175550188"],
    )
    assert card(contact("Павел Орлов")) == (
        "Павел Орлов",
        "ООО «Север»",
        "p.orlov@sever.example",
        "",
        ["+74951234567"],
    )
    assert stored_numbers().isdisjoint({"+16175550102", "250"})


def test_a_salesforce_report_is_read_with_do_not_call_and_its_footer_reported(desk: Desk) -> None:
    source = open_source(fixture("salesforce_contacts.csv"))
    assert columns(source) == {
        "first_name": ["First Name"],
        "last_name": ["Last Name"],
        "company": ["Account Name"],
        "phone": ["Phone", "Mobile"],
        "email": ["Email"],
        "notes": ["Description"],
        "do_not_call": ["Do Not Call"],
    }
    report = load(desk, fixture("salesforce_contacts.csv"))
    assert counts(report) == (2, 0, 0, 4)
    # the copyright lines a Classic report export ends with have no number
    assert report.problems == [f"line {n}: no phone number; skipped" for n in (5, 6, 7, 8)]
    laura, tom = contact("Laura Chen"), contact("Tom Becker")
    assert card(laura) == (
        "Laura Chen",
        "Globex Corp",
        "laura.chen@globex.example",
        "Budget approved for Q1",
        ["+14155550123", "+14155550177"],
    )
    assert (laura.do_not_call, tom.do_not_call) == (False, True)
    assert numbers_of(tom) == ["+15125550142"]
    assert "+14155550124" not in stored_numbers()


# --- tables typed by hand ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("generic_ru.csv", "ФИО;Телефон;".encode()),
        ("generic_ru_tab.tsv", "ФИО\tТелефон\t".encode()),
        ("generic_ru_unicode.txt", b"\xff\xfe" + "ФИО\tТелефон".encode("utf-16-le")),
    ],
    ids=["semicolon", "tab", "excel-unicode-text"],
)
def test_a_table_with_russian_headers(desk: Desk, name: str, starts: bytes) -> None:
    assert fixture(name).read_bytes().startswith(starts)
    source = open_source(fixture(name))
    assert (source.content, source.profile, source.label) == ("contacts", "csv", "Contacts table (CSV)")
    assert columns(source) == {
        "name": ["ФИО"],
        "phone": ["Телефон"],
        "company": ["Компания"],
        "email": ["E-mail"],
        "notes": ["Примечание"],
    }
    report = load(desk, fixture(name))
    assert (counts(report), report.problems) == ((3, 0, 0, 0), [])
    assert card(contact("Иван Петров")) == (
        "Иван Петров",
        "ООО «Ромашка»",
        "petrov@romashka.example",
        "Звонить после обеда",
        ["+74993224685"],
    )
    assert card(contact("Ольга Смирнова"))[1:] == ("Бета, АО", "", "", [ROMASHKA, IVAN])
    assert numbers_of(contact("Мария Кузнецова")) == ["+79031234567"]


# --- Excel --------------------------------------------------------------------------------


def contacts_workbook(path: Path) -> Path:
    """As a person types it into Excel: numbers typed as numbers lose their + (an int cell)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Контакты"
    sheet.append(["ФИО", "Телефон", "Компания", "Email"])
    sheet.append(["Иван Петров", 79161234567, "ООО «Ромашка»", "petrov@romashka.example"])
    sheet.append(["Ольга Смирнова", 84951112233, None, None])
    sheet.append(["John Smith", 12125550147, "Acme", None])  # 1 212…: the + was lost
    sheet.append(["Мария Кузнецова", 79031234567.0, None, None])  # a float cell
    sheet.append([None, None, None, None])
    sheet.append(["Пётр Сидоров", "+7 (343) 222-11-00", "ИП Сидоров", None])  # typed as text
    archive = book.create_sheet("Архив")
    archive.append(["ФИО", "Телефон"])
    archive.append(["Архивный Контакт", 79990001122])
    book.save(path)
    return path


def test_an_excel_workbook_is_read_from_its_first_sheet(desk: Desk, tmp_path: Path) -> None:
    path = contacts_workbook(tmp_path / "clients.xlsx")
    source = open_source(path)
    assert (source.content, source.container, source.profile) == ("contacts", "xlsx", "xlsx")
    assert source.label == "Contacts table (Excel)"
    assert columns(source) == {
        "name": ["ФИО"],
        "phone": ["Телефон"],
        "company": ["Компания"],
        "email": ["Email"],
    }
    assert [line for line, _ in source.sample] == [2, 3, 4, 5, 7]
    report = load(desk, path)
    assert (counts(report), report.problems) == ((5, 0, 0, 0), [])
    assert card(contact("Иван Петров")) == (
        "Иван Петров",
        "ООО «Ромашка»",
        "petrov@romashka.example",
        "",
        [IVAN],
    )
    assert numbers_of(contact("Ольга Смирнова")) == [ROMASHKA]
    assert numbers_of(contact("John Smith")) == [JOHN]
    assert numbers_of(contact("Мария Кузнецова")) == ["+79031234567"]
    assert numbers_of(contact("Пётр Сидоров")) == ["+73432221100"]
    assert "+79990001122" not in stored_numbers()  # the second sheet is not read
    assert Contact.select().where(Contact.name == "Архивный Контакт").count() == 0
    assert counts(load(desk, path)) == (0, 0, 5, 0)


@pytest.mark.parametrize("name", ["clients.csv", "export.xls", "clients"])
def test_a_workbook_under_another_name_is_still_read_as_excel(desk: Desk, tmp_path: Path, name: str) -> None:
    """Renamed by hand, or a CRM's ".xls" download that is really an .xlsx: the contents say."""
    path = contacts_workbook(tmp_path / name)
    assert open_source(path).container == "xlsx"
    assert counts(load(desk, path)) == (5, 0, 0, 0)
    assert numbers_of(contact("John Smith")) == [JOHN]


# --- importing again ------------------------------------------------------------------------

CONTACT_FILES = [
    ("google_contacts.csv", "desk", 4, 1),
    ("google_legacy.csv", "desk", 3, 0),
    ("outlook.csv", "us_desk", 2, 1),
    ("outlook_ru_excel.csv", "desk", 2, 0),
    ("bitrix24_contacts.csv", "desk", 2, 1),
    ("hubspot_contacts.csv", "desk", 2, 0),
    ("salesforce_contacts.csv", "desk", 2, 4),
    ("generic_ru.csv", "desk", 3, 0),
    ("generic_ru_tab.tsv", "desk", 3, 0),
    ("generic_ru_unicode.txt", "desk", 3, 0),
    ("android_21.vcf", "desk", 3, 0),
    ("iphone_30.vcf", "desk", 3, 0),
]


@pytest.mark.parametrize(
    ("name", "which", "people", "skipped"), CONTACT_FILES, ids=[f[0] for f in CONTACT_FILES]
)
def test_importing_the_same_file_again_changes_nothing(
    request: pytest.FixtureRequest, name: str, which: str, people: int, skipped: int
) -> None:
    desk: Desk = request.getfixturevalue(which)
    first = load(desk, fixture(name))
    assert (first.created, first.skipped) == (people, skipped)
    before = everything()
    assert counts(load(desk, fixture(name))) == (0, 0, people, skipped)
    assert everything() == before


def test_a_changed_row_is_updated_and_not_duplicated(desk: Desk, tmp_path: Path) -> None:
    load(desk, fixture("google_contacts.csv"))
    text = fixture("google_contacts.csv").read_text(encoding="utf-8")
    changed = text.replace("ООО «Ромашка»", "ООО «Ромашка-Плюс»").replace(
        "+1 212-555-0147", "+1 212-555-0147 ::: +1 212-555-0148"
    )
    assert changed != text
    path = tmp_path / "contacts (1).csv"
    path.write_text(changed, encoding="utf-8")
    assert counts(load(desk, path)) == (0, 2, 2, 1)
    assert Contact.select().count() == 4
    assert contact("Иван Иванович Петров").company == "ООО «Ромашка-Плюс»"
    assert numbers_of(contact("John Smith")) == [JOHN, "+12125550148"]


# --- familiarity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("familiarity", "outgoing", "temperature", "incoming"),
    [
        ("personal", Kind.HOT, Temperature.HOT, Kind.RETURNING),
        ("company", Kind.WARM, Temperature.WARM, Kind.RETURNING),
        ("none", Kind.COLD, Temperature.COLD, Kind.FIRST_TIME),
    ],
)
def test_the_familiarity_of_an_import_sets_the_kind_of_call(
    desk: Desk, familiarity: str, outgoing: Kind, temperature: Temperature, incoming: Kind
) -> None:
    load(desk, fixture("google_contacts.csv"), familiarity=familiarity)
    for number in (IVAN, JOHN, ANNA):
        card_out = desk.lookup(number, "out")
        assert (card_out.kind, card_out.temperature) == (outgoing, temperature), number
        assert desk.lookup(number, "in").kind is incoming, number
    ivan = contact("Иван Иванович Петров")
    assert (ivan.familiarity, ivan.known_by) == (familiarity, "me" if familiarity == "personal" else "")


def test_personal_familiarity_is_this_reps_not_a_colleagues(desk: Desk, colleague: Desk) -> None:
    load(desk, fixture("google_contacts.csv"), familiarity="personal")
    assert desk.lookup(IVAN, "out").kind is Kind.HOT
    assert colleague.lookup(IVAN, "out").kind is Kind.WARM  # Anna did not know Ivan personally


def test_importing_again_with_another_familiarity_only_raises_it(desk: Desk) -> None:
    load(desk, fixture("generic_ru.csv"), familiarity="none")
    assert desk.lookup(IVAN, "out").kind is Kind.COLD
    assert counts(load(desk, fixture("generic_ru.csv"), familiarity="company")) == (0, 3, 0, 0)
    assert desk.lookup(IVAN, "out").kind is Kind.WARM
    assert counts(load(desk, fixture("generic_ru.csv"), familiarity="none")) == (0, 0, 3, 0)
    assert desk.lookup(IVAN, "out").kind is Kind.WARM


# --- files that cannot be imported ------------------------------------------------------------


BROKEN = [
    ("unterminated_quote.csv", None, "unterminated_quote.csv, line 3: broken CSV (unexpected end of data)."),
    ("empty.csv", None, "empty.csv is empty."),
    ("binary_junk.csv", None, "binary_junk.csv is not a CSV file (it looks binary)."),
    (
        "old_excel.xls",
        None,
        "old_excel.xls is an old Excel file (.xls): save it as .xlsx or CSV in Excel and import that.",
    ),
    ("generic_ru.csv", "xlsx", "generic_ru.csv is not an Excel workbook (.xlsx) or it is damaged."),
    ("generic_ru.csv", "vcard", "generic_ru.csv is not a vCard file (there is no BEGIN:VCARD in it)."),
]


@pytest.mark.parametrize(("name", "fmt", "message"), BROKEN, ids=[f"{b[0]}-{b[1]}" for b in BROKEN])
def test_a_broken_file_is_refused_in_one_sentence_and_changes_nothing(
    desk: Desk, name: str, fmt: str | None, message: str
) -> None:
    load(desk, fixture("google_contacts.csv"))
    before = everything()
    with pytest.raises(ImportFileError) as refused:
        open_source(fixture(name), fmt)
    assert str(refused.value) == message
    with pytest.raises(ImportFileError) as refused:
        load(desk, fixture(name), fmt=fmt)
    assert str(refused.value) == message
    assert "\n" not in message
    assert everything() == before


def test_a_damaged_workbook_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(ImportFileError, match=re.escape("clients.xlsx is not an Excel workbook (.xlsx)")):
        load(desk, path)
    assert everything() == []


def test_a_file_with_only_the_header_is_refused_clearly(desk: Desk) -> None:
    message = re.escape("header_only.csv has a header row and nothing under it.")
    with pytest.raises(ImportFileError, match=message):
        open_source(fixture("header_only.csv"))
    load(desk, fixture("generic_ru.csv"))
    before = everything()
    with pytest.raises(ImportFileError, match=message):
        load(desk, fixture("header_only.csv"))
    assert everything() == before


def test_a_bad_row_and_a_broken_end_leave_the_store_as_it_was(desk: Desk) -> None:
    load(desk, fixture("hubspot_contacts.csv"))
    before = everything()
    with pytest.raises(ImportFileError, match=re.escape("bad_row_then_broken.csv, line 5: broken CSV")):
        load(desk, fixture("bad_row_then_broken.csv"))
    assert everything() == before
    assert desk.lookup("+74993224685").contact is None  # its good first row is not kept either


# --- the command line -------------------------------------------------------------------------


def cli(db: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--db", str(db), "--region", "RU", "--rep", "me", "--lang", "en", *args], out=out)
    return code, out.getvalue()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


PEOPLE = (
    "SELECT c.name, c.company, c.familiarity, p.number FROM contact c "
    "JOIN contact_phone cp ON cp.contact_id = c.id JOIN phone p ON p.id = cp.phone_id ORDER BY c.id, p.number"
)


def test_the_import_command_takes_format_familiarity_and_prints_json(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    code, out = cli(
        db,
        "import",
        str(fixture("google_contacts.csv")),
        "--format",
        "csv",
        "--familiarity",
        "personal",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "problems": ["line 9: no phone number; skipped"],
    }
    assert ("Иван Иванович Петров", "ООО «Ромашка»", "personal", IVAN) in rows(db, PEOPLE)
    code, out = cli(db, "lookup", "8 916 123-45-67", "--direction", "out", "--json")
    looked = json.loads(out)
    assert (looked["kind"], looked["contact"]["name"]) == ("hot", "Иван Иванович Петров")
    code, out = cli(db, "import", str(fixture("google_contacts.csv")))
    assert (code, out) == (
        0,
        "0 created, 0 updated, 4 unchanged, 1 skipped.\n  line 9: no phone number; skipped\n",
    )


def test_the_import_command_maps_columns_with_other_names(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    path = tmp_path / "list.csv"
    path.write_text(
        "Manager,Client,Tel,Office phone,Comment\n"
        "Анна,Иван Петров,8 (499) 322-46-85,8 (495) 111-22-33,VIP\n"
        "Анна,Ольга Смирнова,8 916 123-45-67,8 (495) 111-22-33,\n",
        encoding="utf-8",
    )
    # the guess takes both number columns; --map says the phone is Tel alone, not the switchboard
    code, out = cli(db, "import", str(path), "--map", "phone=Tel,name=Client", "--familiarity", "none")
    assert (code, out) == (0, "2 created, 0 updated, 0 unchanged, 0 skipped.\n")
    assert rows(db, PEOPLE) == [
        ("Иван Петров", "", "none", "+74993224685"),
        ("Ольга Смирнова", "", "none", IVAN),
    ]
    assert rows(db, "SELECT notes FROM contact ORDER BY id") == [("VIP",), ("",)]
    assert rows(db, "SELECT count(*) FROM phone WHERE number = '+74951112233'") == [(0,)]


def test_the_import_command_reads_a_call_history(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    code, out = cli(db, "import", str(fixture("calls_en.csv")), "--format", "calls", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["created"], report["skipped"]) == (5, 2)
    assert report["problems"] == [
        "line 7: unknown direction 'Internal'; skipped",
        "line 8: not a date and time: 'yesterday'; skipped",
    ]
    assert rows(db, "SELECT count(*) FROM call") == [(5,)]


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        (
            "unterminated_quote.csv",
            [],
            "unterminated_quote.csv, line 3: broken CSV (unexpected end of data).",
        ),
        ("old_excel.xls", [], "is an old Excel file (.xls)"),
        ("generic_ru.csv", ["--format", "xlsx"], "generic_ru.csv is not an Excel workbook (.xlsx)"),
        ("generic_ru.csv", ["--map", "phone=Мобильный"], "--map: there is no column 'Мобильный'"),
        ("google_contacts.csv", ["--format", "calls"], "looks like a call history but has no number"),
    ],
    ids=["broken-csv", "xls", "not-xlsx", "map-missing-column", "not-calls"],
)
def test_the_import_command_refuses_a_bad_file_in_one_line_and_changes_nothing(
    tmp_path: Path, name: str, extra: list[str], message: str
) -> None:
    db = tmp_path / "team.sqlite3"
    assert cli(db, "import", str(fixture("generic_ru.csv")))[0] == 0
    before = db.read_bytes()
    shutil.copy(fixture(name), tmp_path / name)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "--db",
            str(db),
            "--lang",
            "en",
            "import",
            str(tmp_path / name),
            *extra,
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stdout == ""
    assert result.stderr.startswith("companion: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


# --- what a file says about itself ---------------------------------------------------------


def test_a_google_number_labelled_as_a_fax_is_left_out(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "google.csv"
    path.write_text(
        "First Name,Last Name,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n"
        f"Иван,Петров,Mobile,{IVAN},Work Fax,{ROMASHKA}\n"
        f"Anna,Pager,Pager,{ANNA},,\n",
        encoding="utf-8",
    )
    report = load(desk, path)
    assert counts(report) == (1, 0, 0, 1)
    assert desk.lookup(IVAN).contact.name == "Иван Петров"
    assert desk.lookup(ROMASHKA).contact is None
    assert desk.lookup(ANNA).contact is None


def test_a_western_excel_file_in_windows_1252_keeps_its_accents(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(f"Name;Phone;Company\nJosé Müller;{JOHN};Café Zürich\n".encode("cp1252"))
    load(desk, path)
    card = desk.lookup(JOHN)
    assert (card.contact.name, card.contact.company) == ("José Müller", "Café Zürich")


def test_the_row_count_of_a_file_with_multi_line_cells_is_not_its_line_count(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    body = "".join(f'Person {i},+7916{1000000 + i},"first line\nsecond line\nthird"\n' for i in range(200))
    path.write_text("Name,Phone,Notes\n" + body, encoding="utf-8")
    source = open_source(path)
    assert len(source.sample) == 50
    assert 180 <= source.total <= 220  # 600 lines, 200 rows
    assert not source.exact
    small = tmp_path / "small.csv"
    small.write_text("Name,Phone,Notes\n" + body[: body.index("Person 5,")], encoding="utf-8")
    assert (open_source(small).total, open_source(small).exact) == (5, True)


def test_a_source_says_which_columns_it_still_needs() -> None:
    contacts = open_source(fixture("generic_ru.csv"))
    assert contacts.missing() == []
    assert contacts.missing({"name": [0]}) == ["phone"]
    calls = open_source(fixture("calls_en.csv"))
    assert calls.missing() == []
    assert calls.missing({"outcome": [3]}) == ["number", "started", "direction"]
    assert open_source(fixture("google_30.vcf")).missing() == []


def test_a_huge_cell_is_cut_and_blank_rows_are_passed_over(desk: Desk, tmp_path: Path) -> None:
    from companion.importers.tables import MAX_CELL

    path = tmp_path / "huge.csv"
    path.write_text(f"Name;Phone;Notes\n;;\n  ; ;\nIvan;{IVAN};{'x' * (MAX_CELL * 3)}\n", encoding="utf-8")
    report = load(desk, path)
    assert (counts(report), report.problems) == ((1, 0, 0, 0), [])
    ivan = desk.lookup(IVAN).contact
    assert ivan.name == "Ivan"
    assert Contact.get(Contact.name == "Ivan").notes == "x" * MAX_CELL
