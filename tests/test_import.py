"""Importing contacts from a generic CSV file (and exporting them back)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.desk import Desk
from companion.importers import ImportFileError, ImportReport, import_file, parse_mapping
from companion.method import Kind, Status
from companion.store.models import Contact, ContactPhone, Phone
from companion.transfer import export_contacts

IVAN = "+74993224685"
OLGA = "+79161234567"
PAVEL = "+74951112233"
MARIA = "+78121234567"


def csv_file(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load(desk: Desk, path: Path, familiarity: str = "company", **mapping: str) -> ImportReport:
    return import_file(desk, path, familiarity=familiarity, columns=mapping)


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.skipped


def contact(name: str) -> Contact:
    return Contact.get(Contact.name == name)


def numbers_of(person: Contact) -> list[str]:
    query = Phone.select(Phone.number).join(ContactPhone).where(ContactPhone.contact == person)
    return sorted(p.number for p in query.order_by(ContactPhone.id))


def everything() -> list[tuple[object, ...]]:
    """All contacts with their numbers: what an import may or may not have changed."""
    return [
        (c.name, c.company, c.email, c.notes, c.status, c.referred_by, c.familiarity, c.source)
        + (bool(c.do_not_call), *numbers_of(c))
        for c in Contact.select().order_by(Contact.id)
    ]


# --- columns -----------------------------------------------------------------------------


def test_columns_are_matched_by_name_in_any_case(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "Name,PHONE,phone2,Company,EMAIL,Notes,Status,Referred_By,Familiarity\n"
        f"Ivan Petrov,{IVAN}; {OLGA},{PAVEL},Acme,ivan@acme.example,likes mornings,client,Olga,personal\n",
    )
    report = load(desk, path)
    assert counts(report) == (1, 0, 0, 0)
    assert report.problems == []
    ivan = contact("Ivan Petrov")
    assert (ivan.company, ivan.email, ivan.notes) == ("Acme", "ivan@acme.example", "likes mornings")
    assert (ivan.status, ivan.referred_by, ivan.familiarity) == ("client", "Olga", "personal")
    assert numbers_of(ivan) == sorted([IVAN, OLGA, PAVEL])


def test_several_numbers_in_one_cell_are_split_on_semicolons(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f'name,phone\nIvan,"8 (499) 322-46-85;+7 916 123-45-67 ; {PAVEL}"\n')
    load(desk, path)
    assert numbers_of(contact("Ivan")) == sorted([IVAN, OLGA, PAVEL])


def test_a_column_with_another_name_is_mapped(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"Client,Tel.,Firm\nIvan,{IVAN},Acme\n")
    load(desk, path, **parse_mapping("name=Client, phone=Tel.,company=firm"))
    ivan = contact("Ivan")
    assert (ivan.company, numbers_of(ivan)) == ("Acme", [IVAN])


def test_first_and_last_name_columns_make_the_name(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"Фамилия;Имя;Телефон\nПетров;Иван;{IVAN}\n")
    load(desk, path)
    assert numbers_of(contact("Иван Петров")) == [IVAN]


# --- familiarity and status --------------------------------------------------------------


def test_rows_that_do_not_say_take_the_familiarity_of_the_import(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "name,phone,familiarity\n"
        f"Ivan,{IVAN},\n"  # does not say: the import's default, company
        f"Olga,{OLGA},personal\n"
        f"Pavel,{PAVEL},none\n",
    )
    load(desk, path)
    assert desk.lookup(IVAN, "out").kind is Kind.WARM
    assert desk.lookup(OLGA, "out").kind is Kind.HOT
    assert desk.lookup(PAVEL, "out").kind is Kind.COLD
    assert desk.lookup(IVAN, "in").kind is Kind.RETURNING


def test_a_bought_list_imported_with_familiarity_none_is_cold(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone\nIvan,{IVAN}\n"), familiarity="none")
    assert desk.lookup(IVAN, "out").kind is Kind.COLD
    assert desk.lookup(IVAN, "in").kind is Kind.FIRST_TIME


def test_statuses_in_the_file_set_the_kind(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f"name,phone,status\nIvan,{IVAN},клиент\nOlga,{OLGA},prospect\nPavel,{PAVEL},person\n",
    )
    load(desk, path, familiarity="none")
    assert [contact(n).status for n in ("Ivan", "Olga", "Pavel")] == ["client", "prospect", "person"]
    assert desk.lookup(IVAN, "in").kind is Kind.REPEAT
    assert desk.lookup(OLGA, "in").kind is Kind.RETURNING
    assert desk.lookup(PAVEL, "in").kind is Kind.FIRST_TIME


def test_a_status_in_the_file_never_lowers_an_existing_one(desk: Desk, tmp_path: Path) -> None:
    desk.log(IVAN, "out", "deal")  # Ivan became a client by a deal
    load(desk, csv_file(tmp_path, f"name,phone,status\nIvan,{IVAN},person\nOlga,{OLGA},prospect\n"))
    load(desk, csv_file(tmp_path, f"name,phone,status\nOlga,{OLGA},client\n", name="again.csv"))
    ivan = Contact.select().join(ContactPhone).join(Phone).where(Phone.number == IVAN).get()
    assert ivan.status == Status.CLIENT
    assert contact("Olga").status == Status.CLIENT  # raising is fine


def test_an_unknown_status_is_reported_and_the_row_still_imported(desk: Desk, tmp_path: Path) -> None:
    report = load(desk, csv_file(tmp_path, f"name,phone,status\nIvan,{IVAN},VIP\n"))
    assert counts(report) == (1, 0, 0, 0)
    assert report.problems == ["line 2: unknown status 'VIP' ignored"]
    assert contact("Ivan").status == "person"


# --- bad rows ----------------------------------------------------------------------------


def test_rows_with_unusable_numbers_are_reported_by_line_and_skipped(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "name,phone\n"
        f"Ivan,{IVAN}\n"
        "Nobody,not a number\n"
        "Empty,\n"
        f"Olga,+7 999; {OLGA}\n",  # one bad number of two: Olga goes in with the good one
    )
    report = load(desk, path)
    assert counts(report) == (2, 0, 0, 2)
    assert report.problems == [
        "line 3: not a usable number: 'not a number'",
        "line 3: skipped: no usable number",
        "line 4: no phone number; skipped",
        "line 5: not a usable number: '+7 999'",
    ]
    assert [c.name for c in Contact.select().order_by(Contact.id)] == ["Ivan", "Olga"]
    assert numbers_of(contact("Olga")) == [OLGA]


def test_line_numbers_count_the_lines_of_a_quoted_cell(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f'name,phone,notes\nIvan,{IVAN},"first line\nsecond line\nthird"\nNobody,12-34-xx-zz,\n',
    )
    report = load(desk, path)
    assert contact("Ivan").notes == "first line\nsecond line\nthird"
    assert report.problems[0].startswith("line 5: ")


def test_an_import_is_one_transaction(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.importers import apply

    real = apply.ContactWriter._row

    def failing_on_the_third_row(self, item):  # type: ignore[no-untyped-def]
        if item[0].line == 4:
            raise OSError("disk full")
        return real(self, item)

    monkeypatch.setattr(apply, "BATCH", 1)  # the first two rows are written before the third fails
    monkeypatch.setattr(apply.ContactWriter, "_row", failing_on_the_third_row)
    path = csv_file(tmp_path, f"name,phone\nIvan,{IVAN}\nOlga,{OLGA}\nPavel,{PAVEL}\n")
    with pytest.raises(OSError):
        load(desk, path)
    assert Contact.select().count() == 0
    assert Phone.select().count() == 0


# --- file formats ------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", ","], ids=["semicolon", "tab", "comma"])
def test_the_delimiter_is_recognised(desk: Desk, tmp_path: Path, delimiter: str) -> None:
    rows = [["name", "phone", "company"], ["Ivan Petrov", "8 (499) 322-46-85", "Acme, Inc"]]
    text = "\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in row) for row in rows) + "\n"
    load(desk, csv_file(tmp_path, text))
    ivan = contact("Ivan Petrov")
    assert (ivan.company, numbers_of(ivan)) == ("Acme, Inc", [IVAN])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1251", "utf-16"])
def test_cyrillic_files_in_the_encodings_excel_writes(desk: Desk, tmp_path: Path, encoding: str) -> None:
    text = f"ФИО;Телефон;Компания;Статус\r\nИван Петров;{IVAN};ООО «Ромашка»;клиент\r\n"
    report = load(desk, csv_file(tmp_path, text, encoding=encoding))
    assert counts(report) == (1, 0, 0, 0)
    ivan = contact("Иван Петров")
    assert (ivan.company, ivan.status, numbers_of(ivan)) == ("ООО «Ромашка»", "client", [IVAN])


def test_a_header_only_file_is_refused(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="has a header row and nothing under it"):
        load(desk, csv_file(tmp_path, "name,phone\n"))
    assert Contact.select().count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b" \r\n\r\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV file"),
        (bytes(range(256)) * 8, "not a CSV file"),
        (f'name,phone\nIvan,{IVAN}\n"Olga,{OLGA}\nPavel,{PAVEL}\n'.encode(), "line 3: broken CSV"),
        (f"name,company\nIvan,{IVAN}\n".encode(), "no phone column (columns: name, company)"),
    ],
    ids=["empty", "blank", "png", "binary", "unterminated-quote", "no-phone-column"],
)
def test_a_file_that_cannot_be_imported_is_refused_whole(
    desk: Desk, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(message)):
        load(desk, path)
    assert Contact.select().count() == 0


def test_a_missing_file_or_a_folder_is_refused(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no file"):
        load(desk, tmp_path / "missing.csv")
    with pytest.raises(ImportFileError, match="folder"):
        load(desk, tmp_path)


def test_a_map_naming_a_missing_column_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"Name,Tel\nIvan,{IVAN}\n")
    with pytest.raises(ImportFileError, match=r"no column 'Mobile' \(columns: Name, Tel\)"):
        load(desk, path, phone="Mobile")
    assert Contact.select().count() == 0


@pytest.mark.parametrize("text", ["phone", "phone=", "birthday=Born"])
def test_a_map_that_is_not_field_equals_column_is_refused(text: str) -> None:
    with pytest.raises(ImportFileError, match="--map"):
        parse_mapping(text)


# --- importing again ---------------------------------------------------------------------


def test_importing_again_updates_instead_of_duplicating(desk: Desk, tmp_path: Path) -> None:
    first = csv_file(tmp_path, f"name,phone,company\nIvan,{IVAN},Acme\nOlga,{OLGA},Beta\n")
    assert counts(load(desk, first)) == (2, 0, 0, 0)
    assert counts(load(desk, first)) == (0, 0, 2, 0)
    second = csv_file(
        tmp_path,
        f"name,phone,company\nIvan,{IVAN},Acme Group\nOlga,{OLGA},Beta\nPavel,{PAVEL},\n",
        name="second.csv",
    )
    assert counts(load(desk, second)) == (1, 1, 1, 0)
    assert Contact.select().count() == 3
    assert contact("Ivan").company == "Acme Group"


def test_an_empty_cell_never_erases_what_is_known(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone,company,email\nIvan,{IVAN},Acme,ivan@acme.example\n"))
    again = csv_file(tmp_path, f"name,phone,company,email\nIvan,{IVAN},,\n", name="again.csv")
    assert counts(load(desk, again)) == (0, 0, 1, 0)
    assert (contact("Ivan").company, contact("Ivan").email) == ("Acme", "ivan@acme.example")


def test_a_new_number_for_a_known_person_is_added_to_them(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone\nIvan,{IVAN}\n"))
    report = load(desk, csv_file(tmp_path, f"name,phone\nIvan,{IVAN};{OLGA}\n", name="more.csv"))
    assert counts(report) == (0, 1, 0, 0)
    assert numbers_of(contact("Ivan")) == sorted([IVAN, OLGA])


def test_an_import_names_a_number_that_was_logged_before(desk: Desk, tmp_path: Path) -> None:
    desk.log(IVAN, "in", "interested")  # an unnamed prospect
    report = load(desk, csv_file(tmp_path, f"name,phone\nIvan Petrov,{IVAN}\n"))
    assert counts(report) == (0, 1, 0, 0)
    ivan = contact("Ivan Petrov")
    assert ivan.status == "prospect"
    assert Contact.select().count() == 1


def test_a_switchboard_number_with_two_names_becomes_two_contacts(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, f"name,phone,company\nIvan Petrov,{PAVEL},Acme\nOlga Smirnova,8 (495) 111-22-33,Acme\n"
    )
    assert counts(load(desk, path)) == (2, 0, 0, 0)
    assert Phone.select().count() == 1
    assert numbers_of(contact("Ivan Petrov")) == numbers_of(contact("Olga Smirnova")) == [PAVEL]
    card = desk.lookup(PAVEL, "in")
    assert card.contact is None
    assert {c.name for c in card.candidates} == {"Ivan Petrov", "Olga Smirnova"}
    assert counts(load(desk, path)) == (0, 0, 2, 0)


def test_a_reimport_that_spells_the_name_otherwise_updates_the_contact(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone,company\nIvan Petrov,{IVAN},Acme\n"))
    again = csv_file(tmp_path, f"name,phone,company\nPetrov Ivan,{IVAN},Acme Group\n", name="again.csv")
    report = load(desk, again)
    assert counts(report) == (0, 1, 0, 0)
    assert report.problems == [
        f"line 2: {IVAN} already belongs to «Ivan Petrov»; updated that contact (the file says «Petrov Ivan»)"
    ]
    assert Contact.select().count() == 1
    assert contact("Ivan Petrov").company == "Acme Group"  # updated, and keeps its name
    card = desk.lookup(IVAN, "out")
    assert card.contact is not None and card.contact.name == "Ivan Petrov"
    assert card.kind is Kind.WARM  # still the company's contact, not a cold shared number


def test_a_known_switchboard_reimported_with_one_name_spelt_otherwise_keeps_two_contacts(
    desk: Desk, tmp_path: Path
) -> None:
    load(desk, csv_file(tmp_path, f"name,phone\nIvan Petrov,{PAVEL}\nOlga Smirnova,{PAVEL}\n"))
    again = csv_file(tmp_path, f"name,phone\nOlga Smirnova,{PAVEL}\nPetrov Ivan,{PAVEL}\n", name="again.csv")
    report = load(desk, again)
    assert counts(report) == (0, 0, 2, 0)
    assert len(report.problems) == 1 and "«Ivan Petrov»" in report.problems[0]
    assert sorted(c.name for c in Contact.select()) == ["Ivan Petrov", "Olga Smirnova"]


def test_a_colleague_listed_after_a_known_contact_shares_the_number(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone\nIvan Petrov,{PAVEL}\n"))
    more = csv_file(tmp_path, f"name,phone\nIvan Petrov,{PAVEL}\nOlga Smirnova,{PAVEL}\n", name="more.csv")
    report = load(desk, more)
    assert counts(report) == (1, 0, 1, 0)
    assert report.problems == []
    assert numbers_of(contact("Ivan Petrov")) == numbers_of(contact("Olga Smirnova")) == [PAVEL]


# --- export and back ---------------------------------------------------------------------


def _rich_data(desk: Desk, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "name,phone,company,email,notes,status,referred_by,familiarity,do_not_call\n"
        f'Иван Петров,{IVAN};{OLGA},ООО «Ромашка»,ivan@example.ru,"two\nlines, a comma",client,,company,\n'
        f"Olga,{PAVEL},Acme,,,prospect,Иван,personal,\n"
        f"Reception,8 (495) 111-22-33,Acme,,,,,none,yes\n",
        name="source.csv",
    )
    load(desk, path)
    desk.log(MARIA, "in", "callback")  # an unnamed prospect created by a call
    desk.set_source(MARIA, "advertising")


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.vcf"])
def test_exported_contacts_import_back_unchanged(desk: Desk, tmp_path: Path, name: str) -> None:
    _rich_data(desk, tmp_path)
    before = everything()
    exported = tmp_path / name
    assert export_contacts(desk, exported) == 4
    if name.endswith(".csv"):
        assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
    else:
        assert exported.read_bytes().count(b"BEGIN:VCARD\r\nVERSION:3.0\r\n") == 4
    report = load(desk, exported, familiarity="none")
    assert counts(report) == (0, 0, 4, 0)
    assert report.problems == []
    assert everything() == before


@pytest.mark.parametrize("suffix", [".csv", ".vcf"])
def test_exported_contacts_rebuild_the_same_contacts_in_a_new_database(
    desk: Desk, tmp_path: Path, db_path: Path, suffix: str
) -> None:
    from companion.store import close_database, open_database

    _rich_data(desk, tmp_path)
    before = everything()
    first = tmp_path / f"first{suffix}"
    export_contacts(desk, first)
    close_database()
    open_database(tmp_path / "new.sqlite3")  # the `database` fixture closes it at the end
    report = load(desk, first, familiarity="none")
    assert counts(report) == (4, 0, 0, 0)
    assert everything() == before
    second = tmp_path / f"second{suffix}"
    export_contacts(desk, second)
    assert second.read_text(encoding="utf-8-sig") == first.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.example","Ivan")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tIvan"]
)
def test_a_formula_in_a_name_is_exported_as_text_and_imports_back_as_it_was(
    desk: Desk, tmp_path: Path, name: str
) -> None:
    import csv

    from companion.transfer import export_calls

    load(desk, csv_file(tmp_path, f"name,phone\nIvan,{IVAN}\n"))
    desk.log(IVAN, "in", "talked")
    Contact.update(name=name).execute()
    exported = tmp_path / "contacts.csv"
    export_contacts(desk, exported)
    with exported.open(encoding="utf-8-sig", newline="") as fh:
        header, row = list(csv.reader(fh))
    assert row[header.index("name")] == "'" + name
    assert row[header.index("phone")] == IVAN  # numbers stay numbers
    calls = tmp_path / "calls.csv"
    export_calls(desk, calls)
    with calls.open(encoding="utf-8-sig", newline="") as fh:
        header, row = list(csv.reader(fh))
    assert row[header.index("name")] == "'" + name
    assert row[header.index("number")] == IVAN
    Contact.update(name="").execute()
    load(desk, exported, familiarity="none")
    assert [c.name for c in Contact.select()] == [" ".join(name.split())]


def test_a_colleague_on_a_switchboard_we_know_is_a_new_contact(desk: Desk, tmp_path: Path) -> None:
    load(desk, csv_file(tmp_path, f"name,phone,email\nMaria,{PAVEL},m@acme.example\n", name="first.csv"))
    report = load(
        desk,
        csv_file(tmp_path, f"name,phone,email\nAnna,{PAVEL},a@acme.example\nMaria,{PAVEL},m@acme.example\n"),
    )
    assert counts(report) == (1, 0, 1, 0)
    assert contact("Maria").email == "m@acme.example"
    assert contact("Anna").email == "a@acme.example"
    assert numbers_of(contact("Anna")) == numbers_of(contact("Maria")) == [PAVEL]


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("-1-1", "'-1-1"),
        ("+7-916-123-45-67", "'+7-916-123-45-67"),
        ("+74993224685", "+74993224685"),
        ("-5", "-5"),
        ("'=not a formula", "''=not a formula"),
        ("'plain", "'plain"),
    ],
)
def test_the_formula_guard_and_its_undoing(cell: str, guarded: str) -> None:
    from companion.importers.columns import unescape
    from companion.transfer import guarded as guard

    assert guard(cell) == guarded
    assert unescape(guard(cell)) == cell
