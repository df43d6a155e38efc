"""companion.importers.vcard: the vCard files phones and address books really write, read into
rows, and the vCard 3.0 export that reads back to the same contact.

Pure tests: no Qt, no database. The files in ``fixtures/import/`` are written the way each
exporter writes them (Android 2.1 with quoted-printable and a photo, iPhone and Google 3.0, a
Nextcloud 4.0, an old phone's windows-1251 2.1, and broken ones).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.importers import ImportFileError, Row
from companion.importers.vcard import LINE_OCTETS, read_vcards, write_vcard

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"


def read(data: bytes, filename: str = "contacts.vcf") -> tuple[list[Row], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    rows = list(read_vcards(data, filename, lambda line, text: problems.append((line, text))))
    return rows, problems


def read_fixture(name: str) -> tuple[list[Row], list[tuple[int, str]]]:
    return read((FIXTURES / name).read_bytes(), name)


def contact(row: Row) -> tuple[str, list[str], str, str, str]:
    return row.name, row.phones, row.company, row.email, row.notes


def card(*lines: str, version: str = "3.0") -> bytes:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""]).encode()


# --- what exporters write -----------------------------------------------------------------


def test_android_21_export_reads_quoted_printable_cyrillic_and_passes_over_the_photo() -> None:
    rows, problems = read_fixture("android_21.vcf")
    assert problems == []
    assert [row.line for row in rows] == [1, 26, 34]
    assert contact(rows[0]) == (
        "Иван Иванович Иванов",
        ["+7 916 123-45-67", "8 (495) 111-22-33", "+79161234567"],
        "ООО «Ромашка»",
        "ivanov@mail.ru",
        "Звонить после 14:00\nСекретарь: Ольга, доб. 12",
    )
    assert contact(rows[1]) == ("John Smith", ["+1 212-555-0147"], "Acme Corp.", "john.smith@example.com", "")


def test_numbers_are_kept_in_order_and_only_exact_repeats_dropped() -> None:
    rows, _ = read_fixture("android_21.vcf")
    # the HOME number repeats the WORK one letter for letter; +79161234567 is spelt otherwise
    assert rows[0].phones == ["+7 916 123-45-67", "8 (495) 111-22-33", "+79161234567"]


def test_a_card_with_only_n_is_named_given_middle_family() -> None:
    rows, _ = read_fixture("android_21.vcf")
    assert contact(rows[2]) == ("Анна Сергеевна Кузнецова", ["+7 (812) 123-45-67"], "", "", "")


def test_iphone_export_reads_grouped_numbers_escapes_and_folded_notes() -> None:
    rows, problems = read_fixture("iphone_30.vcf")
    assert problems == []
    assert [row.line for row in rows] == [1, 27, 40]
    assert contact(rows[0]) == (
        "Ольга Викторовна Смирнова",
        ["+7 (916) 555-12-34", "+7 495 987-65-43", "8 800 555-35-35"],
        "ООО «Вектор»",
        "o.smirnova@vector.ru",
        "Решения принимает директор\nЗвонить до 12:00, по вторникам; в пятницу не звонить",
    )
    assert contact(rows[1]) == (
        "John Appleseed",
        ["+1 (408) 555-0134", "+1 (408) 555-0100"],
        "Apple Inc.",
        "john-appleseed@mac.com",
        "",
    )


def test_an_iphone_company_card_is_named_by_its_fn() -> None:
    rows, _ = read_fixture("iphone_30.vcf")
    assert contact(rows[2]) == ("ПАО Сбербанк", ["8 800 555-55-50"], "ПАО Сбербанк", "", "")


def test_google_export_takes_the_first_email_and_keeps_a_card_without_a_number() -> None:
    rows, problems = read_fixture("google_30.vcf")
    assert problems == []
    assert contact(rows[0]) == (
        "Алексей Кузнецов",
        ["+7 903 123-45-67", "+7 (343) 222-33-44"],
        "ИП Кузнецов А.В.",
        "a.kuznetsov@example.com",
        "Познакомились на выставке «Иннопром», интересуется оптом",
    )
    assert contact(rows[1]) == (
        "Maria Garcia",
        ["+1 415-555-0198", "(415) 555-0111"],
        "",
        "maria.garcia@example.com",
        "",
    )
    # importing decides what a card without a number is; the reader hands it over
    assert (rows[2].line, rows[2].name, rows[2].phones) == (25, "Екатерина Без Телефона", [])


def test_vcard_40_reads_tel_uris_with_extensions_and_lowercase_names() -> None:
    rows, problems = read_fixture("nextcloud_40.vcf")
    assert problems == []
    assert contact(rows[0]) == (
        "Дмитрий Орлов",
        ["+7-916-123-45-67", "+7-495-123-45-67 ext. 204"],
        "ООО «Север», филиал",
        "d.orlov@example.org",
        "Предпочитает Telegram\nНе звонить в выходные, только в будни с 10 до 18",
    )
    assert contact(rows[1]) == (
        "Jane Doe",
        ["+1-555-555-5555", "+1 (555) 555-1234"],
        "Example, Inc.",
        "jane.doe@example.com",
        "",
    )
    assert rows[1].line == 15


def test_windows_1251_export_reads_with_and_without_a_charset() -> None:
    rows, problems = read_fixture("nokia_cp1251_21.vcf")
    assert problems == []
    assert contact(rows[0]) == (
        "Пётр Петров",
        ["+79031234567", "84951234567"],
        "ООО «Вектор»",
        "",
        "Встреча в пятницу\nПосле обеда",
    )
    assert contact(rows[1]) == ("Мария Сидорова", ["8 (812) 765-43-21", "8 (812) 765-43-22"], "", "", "")


def test_a_file_mixing_utf8_and_windows_1251_cards_reads_each_value_in_its_own() -> None:
    data = card("N:Петров;Иван", "TEL:8 916 100-00-01", version="2.1").decode().encode("cp1251") + card(
        "FN:Ольга Смирнова", "NOTE:ёлка", "TEL:+7 916 100-00-02"
    )
    rows, _ = read(data)
    assert [(row.name, row.notes) for row in rows] == [("Иван Петров", ""), ("Ольга Смирнова", "ёлка")]


# --- lines, encodings and escapes --------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_every_line_ending_reads_the_same(ending: str) -> None:
    crlf = (FIXTURES / "google_30.vcf").read_bytes()
    expected, _ = read(crlf)
    rows, _ = read(crlf.replace(b"\r\n", ending.encode()))
    assert rows == expected


def test_a_byte_order_mark_is_not_part_of_the_first_line() -> None:
    rows, _ = read(b"\xef\xbb\xbf" + card("FN:Ольга", "TEL:+7 916 100-00-02"))
    assert [(row.line, row.name) for row in rows] == [(1, "Ольга")]


def test_a_utf16_export_reads() -> None:
    rows, _ = read(card("FN:Ольга", "TEL:+7 916 100-00-02").decode().encode("utf-16"))
    assert [contact(row) for row in rows] == [("Ольга", ["+7 916 100-00-02"], "", "", "")]


def test_a_line_folded_inside_a_letter_still_reads() -> None:
    fn = "FN:Ольга Смирнова".encode()
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\n" + fn[:8] + b"\r\n " + fn[8:] + b"\r\nTEL:1\r\nEND:VCARD\r\n"
    rows, _ = read(data)
    assert rows[0].name == "Ольга Смирнова"


def test_folding_drops_one_space_in_30_and_keeps_it_in_21() -> None:
    three, _ = read(card("FN:Ivan Pet", " rov", "TEL:1"))
    two_one, _ = read(card("FN:Ivan", " Petrov", "TEL:1", version="2.1"))
    assert (three[0].name, two_one[0].name) == ("Ivan Petrov", "Ivan Petrov")


def test_property_names_parameters_and_groups_are_read_in_any_case() -> None:
    rows, _ = read(
        card(
            "item1.tel;TYPE=work,voice:+7 495 100-00-01",
            "ITEM2.Tel;type=CELL;type=pref:+7 916 100-00-02",
            "fn;charset=utf-8;encoding=quoted-printable:=D0=98=D0=B2=D0=B0=D0=BD",
            "Org:ООО «Вектор»;Отдел",
        )
    )
    assert contact(rows[0]) == ("Иван", ["+7 495 100-00-01", "+7 916 100-00-02"], "ООО «Вектор»", "", "")


def test_escapes_are_undone_in_text_and_in_compound_values() -> None:
    rows, _ = read(
        card(
            r"FN:Smith\, John \\ Jr.",
            r"ORG:Рога\; и копыта;Отдел",
            r"NOTE:first\nsecond\Nthird\, C:\\temp",
            "TEL:1",
        )
    )
    assert contact(rows[0])[0::2] == (
        "Smith, John \\ Jr.",
        "Рога; и копыта",
        "first\nsecond\nthird, C:\\temp",
    )


def test_fn_is_preferred_over_n_and_n_is_written_the_way_a_person_writes_it() -> None:
    with_fn, _ = read(card("N:Петров;Иван;;;", "FN:Ваня Петров", "TEL:1"))
    full_n, _ = read(card("N:Stevenson;John;Philip,Paul;Dr.;Jr.", "TEL:1"))
    assert (with_fn[0].name, full_n[0].name) == ("Ваня Петров", "Dr. John Philip Paul Stevenson Jr.")


def test_quoted_printable_soft_breaks_of_a_skipped_property_are_not_read_as_properties() -> None:
    rows, _ = read(
        card(
            "ADR;HOME;ENCODING=QUOTED-PRINTABLE:;;ул. Ленина 5=",
            "TEL:+7 999 000-00-00=",
            "FN:Not a name",
            "FN:Иван",
            "TEL:+7 916 100-00-01",
            version="2.1",
        )
    )
    assert contact(rows[0]) == ("Иван", ["+7 916 100-00-01"], "", "", "")


def test_an_unindented_21_photo_is_passed_over() -> None:
    rows, _ = read(
        card(
            "FN:Иван",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQ",
            "AAAQABAAD/2wBDAC1x",
            "",
            "TEL:1",
            version="2.1",
        )
    )
    assert contact(rows[0]) == ("Иван", ["1"], "", "", "")


# --- damaged and wrong files --------------------------------------------------------------


def test_a_truncated_last_card_is_kept_and_reported() -> None:
    rows, problems = read_fixture("truncated.vcf")
    assert [row.name for row in rows] == ["Сергей Волков", "Наталья Белова"]
    assert contact(rows[1]) == (
        "Наталья Белова",
        ["8 (495) 222-33-44"],
        "ЗАО «Меридиан»",
        "",
        "Перезвонить в понедельник, спросить про дог",
    )
    assert problems == [(7, "the last card is not finished (no END:VCARD); kept as it is")]


def test_a_truncated_last_card_without_a_number_is_skipped_and_reported() -> None:
    rows, problems = read(card("FN:Иван", "TEL:1") + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ol")
    assert [row.name for row in rows] == ["Иван"]
    assert problems == [(6, "the last card is not finished (no END:VCARD) and has no number; skipped")]


def test_a_card_cut_short_by_the_next_one_is_reported() -> None:
    rows, problems = read(b"BEGIN:VCARD\r\nFN:Cut\r\nTEL:1\r\n" + card("FN:Whole", "TEL:2"))
    assert [(row.line, row.name) for row in rows] == [(1, "Cut"), (4, "Whole")]
    assert problems == [(1, "this card has no END:VCARD before the next one; kept as it is")]


def test_damaged_quoted_printable_is_reported_at_its_line_and_the_rest_is_read() -> None:
    rows, problems = read_fixture("broken_qp.vcf")
    assert problems == [(6, "NOTE: damaged quoted-printable text; read as far as it goes")]
    assert contact(rows[0])[:2] == ("Павел Петров", ["+7 915 000-11-22"])
    assert rows[0].notes.startswith("Клиент с в")
    assert contact(rows[1]) == ("Anna Lee", ["+44 20 7946 0958"], "", "", "")


def test_damaged_base64_text_is_reported_and_left_out() -> None:
    rows, problems = read(card("FN;ENCODING=b:0JjQstCw*!", "TEL:1"))
    assert (rows[0].name, problems) == ("", [(3, "FN: damaged base64 text; skipped")])


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("empty.vcf", "empty.vcf is empty."),
        ("binary_junk.vcf", "binary_junk.vcf is not a vCard file (it looks binary)."),
    ],
)
def test_an_unusable_file_is_refused_whole(name: str, why: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_fixture(name)
    assert str(refused.value) == why


def test_a_text_file_without_cards_is_refused_before_anything_is_read() -> None:
    with pytest.raises(ImportFileError) as refused:
        read_vcards(b"name,phone\r\nIvan,+7 916 100-00-01\r\n", "people.vcf", lambda line, text: None)
    assert str(refused.value) == "people.vcf is not a vCard file (there is no BEGIN:VCARD in it)."


def test_a_file_of_blank_lines_is_empty() -> None:
    with pytest.raises(ImportFileError, match="is empty"):
        read(b"\xef\xbb\xbf\r\n  \r\n")


# --- writing ------------------------------------------------------------------------------


def test_a_contact_is_written_as_vcard_30() -> None:
    assert write_vcard(
        name="Иван Петрович Сидоров",
        phones=["+7 916 123-45-67", "8 (495) 111-22-33"],
        company="ООО «Ромашка»",
        email="ivan@romashka.ru",
        notes="Звонить после 14:00",
    ) == (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "FN:Иван Петрович Сидоров\r\n"
        "N:Сидоров;Иван Петрович;;;\r\n"
        "ORG:ООО «Ромашка»\r\n"
        "TEL;TYPE=VOICE:+7 916 123-45-67\r\n"
        "TEL;TYPE=VOICE:8 (495) 111-22-33\r\n"
        "EMAIL;TYPE=INTERNET:ivan@romashka.ru\r\n"
        "NOTE:Звонить после 14:00\r\n"
        "END:VCARD\r\n"
    )


def test_empty_fields_are_left_out_of_the_card() -> None:
    assert write_vcard(name="Оля", phones=["+7 916 123-45-67"]) == (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Оля\r\nN:Оля;;;;\r\n"
        "TEL;TYPE=VOICE:+7 916 123-45-67\r\nEND:VCARD\r\n"
    )


def test_commas_semicolons_backslashes_and_newlines_are_escaped() -> None:
    written = write_vcard(name="Smith, John", phones=[], company="A; B", notes="C:\\temp\nline 2")
    assert "FN:Smith\\, John\r\n" in written
    assert "ORG:A\\; B\r\n" in written
    assert "NOTE:C:\\\\temp\\nline 2\r\n" in written


def test_long_lines_are_folded_at_75_octets_between_letters() -> None:
    notes = "Перезвонить в понедельник, " * 10
    written = write_vcard(name="Иван", phones=["1"], notes=notes.strip()).encode()
    lines = written.split(b"\r\n")
    assert max(len(line) for line in lines) == LINE_OCTETS
    assert sum(line.startswith(b" ") for line in lines) >= 6
    for line in lines:
        line.decode("utf-8")  # no letter cut in two
    assert read(written)[0][0].notes == notes.strip()


_LETTERS = st.characters(exclude_categories=("Cc", "Cs"))
_ONE_LINE = st.text(_LETTERS, max_size=120).map(str.strip)
_NOTES = st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n"), max_size=400).map(
    str.strip
)
_PHONES = st.lists(_ONE_LINE.filter(lambda p: p != "" and p[:4].lower() != "tel:"), max_size=4, unique=True)


@given(name=_ONE_LINE, phones=_PHONES, company=_ONE_LINE, email=_ONE_LINE, notes=_NOTES)
def test_an_exported_card_reads_back_to_the_same_contact(
    name: str, phones: list[str], company: str, email: str, notes: str
) -> None:
    written = write_vcard(name=name, phones=phones, company=company, email=email, notes=notes)
    rows, problems = read(written.encode("utf-8"))
    assert problems == []
    assert [contact(row) for row in rows] == [(name, phones, company, email, notes)]
    assert all(len(line) <= LINE_OCTETS for line in written.encode().split(b"\r\n"))


@given(
    names=st.lists(
        st.sampled_from(["Иван Петров", "Smith, John", "Рога; и копыта", "C:\\temp", "Ёлкин Пётр"]),
        min_size=1,
        max_size=5,
    )
)
def test_cards_written_one_after_another_read_back_in_order_with_their_lines(names: list[str]) -> None:
    written = "".join(write_vcard(name=n, phones=[f"+7 916 000-00-{i:02d}"]) for i, n in enumerate(names))
    rows, _ = read(written.encode())
    assert [(row.name, row.phones) for row in rows] == [
        (n, [f"+7 916 000-00-{i:02d}"]) for i, n in enumerate(names)
    ]
    assert [row.line for row in rows] == [1 + 6 * i for i in range(len(names))]
