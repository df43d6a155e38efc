"""The contact book: search, edit, delete, merge, and saving an unknown caller as a contact."""

from __future__ import annotations

import pytest

from companion.book import Book, ContactDraft
from companion.desk import BadInput, Desk
from companion.method import Familiarity, Kind
from companion.store.models import Call, Callback, Contact, ContactPhone, Phone

MOSCOW = "+74993224685"
PITER = "+78125551234"


@pytest.fixture
def book(desk: Desk) -> Book:
    return Book(desk)


def add(book: Book, name: str = "", *numbers: str, **fields: object) -> int:
    return book.save(ContactDraft(name=name, numbers=list(numbers), **fields)).id  # type: ignore[arg-type]


def names(found: list) -> list[str]:  # type: ignore[type-arg]
    return [c.display_name for c in found]


# --- search ------------------------------------------------------------------------------


def test_an_empty_search_lists_everyone_by_name_unnamed_last(book: Book) -> None:
    add(book, "", "+7 495 000-00-01")
    add(book, "борис", "+7 495 000-00-02")
    add(book, "Алла", "+7 495 000-00-03")
    add(book, "", "+7 495 000-00-04", company="ООО Ромашка")
    add(book, "Zoe", "+7 495 000-00-05")
    assert names(book.search("")) == ["Zoe", "Алла", "борис", "ООО Ромашка", ""]


def test_search_ignores_case_in_cyrillic_too(book: Book) -> None:
    add(book, "Иван Петров", MOSCOW)
    add(book, "ПЁТР СИДОРОВ", PITER)
    add(book, "Анна", "+7 495 000-00-01", company="ЗАО «СтройМаш»")
    assert names(book.search("петров")) == ["Иван Петров"]
    assert names(book.search("ИВАН")) == ["Иван Петров"]
    assert names(book.search("сидоров")) == ["ПЁТР СИДОРОВ"]
    assert names(book.search("строймаш")) == ["Анна"]


def test_search_treats_e_and_yo_as_the_same_letter(book: Book) -> None:
    add(book, "Пётр Ильич", MOSCOW)
    add(book, "Петр Иванов", PITER)
    assert names(book.search("петр")) == ["Петр Иванов", "Пётр Ильич"]


def test_every_word_must_match_in_any_order_and_any_field(book: Book) -> None:
    add(book, "Иван Петров", MOSCOW, company="Ромашка")
    add(book, "Иван Сидоров", PITER, company="Лютик")
    assert names(book.search("петров иван")) == ["Иван Петров"]
    assert names(book.search("иван ромашка")) == ["Иван Петров"]
    assert names(book.search("иван")) == ["Иван Петров", "Иван Сидоров"]


def test_search_finds_a_number_by_its_digits_in_any_format(book: Book) -> None:
    add(book, "Евгений", MOSCOW)
    add(book, "Ольга", PITER)
    assert names(book.search("8 (499) 322-46-85")) == ["Евгений"]
    assert names(book.search("+7 499 322")) == ["Евгений"]
    assert names(book.search("46-85")) == ["Евгений"]
    assert names(book.search("555")) == ["Ольга"]


def test_digits_in_a_name_are_found_too(book: Book) -> None:
    add(book, "", MOSCOW, company="Склад 21")
    assert names(book.search("склад 21")) == ["Склад 21"]


def test_wildcards_typed_into_search_are_plain_characters(book: Book) -> None:
    add(book, "Иван", MOSCOW)
    add(book, "A*B [test]?", PITER)
    assert names(book.search("*")) == ["A*B [test]?"]
    assert names(book.search("[test]")) == ["A*B [test]?"]
    assert book.search("?x") == []


def test_search_returns_at_most_the_limit(book: Book) -> None:
    for i in range(5):
        add(book, f"Contact {i}", f"+7 495 000-00-0{i}")
    assert len(book.search("", limit=3)) == 3
    assert names(book.search("contact", limit=2)) == ["Contact 0", "Contact 1"]


def test_get_an_unknown_contact_says_so(book: Book) -> None:
    with pytest.raises(BadInput, match="no longer exists"):
        book.get(12345)


# --- save --------------------------------------------------------------------------------


def test_saving_a_new_contact_stores_numbers_as_e164(book: Book) -> None:
    saved = book.save(
        ContactDraft(
            name=" Евгений ",
            company="ООО Ромашка",
            email="e@example.org",
            notes="likes mornings",
            status="prospect",
            referred_by="Иван",
            do_not_call=True,
            numbers=["8 (499) 322-46-85", "tel:+7-812-555-12-34", ""],
        )
    )
    assert saved.numbers == (MOSCOW, PITER)
    assert (saved.name, saved.company, saved.status, saved.referred_by) == (
        "Евгений",
        "ООО Ромашка",
        "prospect",
        "Иван",
    )
    assert saved.do_not_call and saved.email == "e@example.org" and saved.notes == "likes mornings"
    assert book.get(saved.id) == saved


def test_the_same_number_twice_is_kept_once(book: Book) -> None:
    saved = book.save(ContactDraft(name="A", numbers=["+7 499 322-46-85", "8 499 3224685"]))
    assert saved.numbers == (MOSCOW,)


def test_an_unusable_number_is_refused_by_name_and_nothing_changes(book: Book) -> None:
    contact_id = add(book, "Евгений", MOSCOW)
    with pytest.raises(BadInput, match="“12-34-5678-9999-0000”") as error:
        book.save(ContactDraft(id=contact_id, name="Renamed", numbers=[MOSCOW, "12-34-5678-9999-0000"]))
    assert str(error.value).count(".") == 1  # one sentence
    assert book.get(contact_id).name == "Евгений"
    with pytest.raises(BadInput):
        book.save(ContactDraft(name="New", numbers=["hello"]))
    assert Contact.select().count() == 1


def test_a_contact_needs_a_name_a_company_or_a_number(book: Book) -> None:
    with pytest.raises(BadInput, match="name, a company or a number"):
        book.save(ContactDraft(name="  ", numbers=[" "]))
    assert add(book, "", company="Ромашка") > 0


def test_a_number_of_another_contact_is_shared_not_moved(book: Book) -> None:
    first = add(book, "Reception", MOSCOW)
    second = add(book, "Director", MOSCOW, PITER)
    assert book.get(first).numbers == (MOSCOW,)
    assert book.get(second).numbers == (MOSCOW, PITER)
    assert Phone.select().where(Phone.number == MOSCOW).count() == 1


def test_removing_a_number_unlinks_it_but_keeps_the_number(book: Book, desk: Desk) -> None:
    contact_id = add(book, "Евгений", MOSCOW, PITER)
    desk.log(PITER, "out", "talked")
    saved = book.save(ContactDraft(id=contact_id, name="Евгений", numbers=[MOSCOW]))
    assert saved.numbers == (MOSCOW,)
    assert Phone.get_or_none(Phone.number == PITER) is not None
    assert desk.lookup(PITER).contact is None
    assert len(desk.lookup(PITER).history) == 1


def test_the_order_of_numbers_is_the_reps(book: Book) -> None:
    contact_id = add(book, "Евгений", MOSCOW, PITER)
    assert book.save(ContactDraft(id=contact_id, name="Евгений", numbers=[PITER, MOSCOW])).numbers == (
        PITER,
        MOSCOW,
    )
    assert book.search("евгений")[0].numbers[0] == PITER


def test_a_number_the_contact_already_has_is_kept_even_if_it_is_not_valid(book: Book, desk: Desk) -> None:
    desk.log("+7 000 123-45-67", "in", "interested")  # an odd caller id becomes a contact
    contact = Contact.get()
    number = book.get(contact.id).numbers[0]
    saved = book.save(ContactDraft(id=contact.id, name="Odd caller", numbers=[number]))
    assert saved.numbers == (number,)


def test_the_rep_can_move_a_status_down(book: Book, desk: Desk) -> None:
    contact_id = add(book, "Евгений", MOSCOW)
    desk.log(MOSCOW, "out", "deal")
    assert book.get(contact_id).status == "client"
    assert book.save(ContactDraft(id=contact_id, name="Евгений", numbers=[MOSCOW])).status == "person"


def test_knows_me_personally_makes_the_next_outgoing_call_hot(book: Book, desk: Desk) -> None:
    add(book, "Евгений", MOSCOW, familiarity="personal")
    assert Contact.get().known_by == "me"
    assert desk.lookup(MOSCOW, "out").kind is Kind.HOT


def test_personal_familiarity_of_a_colleague_stays_theirs(book: Book, colleague: Desk) -> None:
    contact_id = Book(colleague).save(ContactDraft(name="Ann's friend", familiarity="personal")).id
    book.save(ContactDraft(id=contact_id, name="Ann's old friend", familiarity="personal"))
    assert Contact.get().known_by == "anna"
    book.save(ContactDraft(id=contact_id, name="Ann's old friend", familiarity="company"))
    assert Contact.get().known_by == ""


def test_an_unknown_status_or_familiarity_is_refused(book: Book) -> None:
    with pytest.raises(BadInput, match="status"):
        book.save(ContactDraft(name="A", status="vip"))
    with pytest.raises(BadInput, match="familiarity"):
        book.save(ContactDraft(name="A", familiarity="close"))


def test_saving_a_deleted_contact_says_so(book: Book) -> None:
    contact_id = add(book, "Евгений", MOSCOW)
    book.delete(contact_id)
    with pytest.raises(BadInput, match="no longer exists"):
        book.save(ContactDraft(id=contact_id, name="Евгений"))


# --- delete ------------------------------------------------------------------------------


def test_deleting_a_contact_keeps_calls_numbers_and_callbacks(book: Book, desk: Desk) -> None:
    contact_id = add(book, "Евгений", MOSCOW)
    desk.log(MOSCOW, "in", "callback", promise="price list")
    book.delete(contact_id)
    assert Contact.select().count() == 0
    assert ContactPhone.select().count() == 0
    call = Call.get()
    assert call.contact is None and call.phone.number == MOSCOW
    assert Callback.get().contact is None
    card = desk.lookup(MOSCOW, "out")
    assert card.contact is None and len(card.history) == 1 and card.callback is not None


# --- merge -------------------------------------------------------------------------------


def test_merging_moves_numbers_calls_and_callbacks_to_the_kept_contact(book: Book, desk: Desk) -> None:
    keep = add(book, "Евгений", MOSCOW)
    other = add(book, "", PITER, MOSCOW)
    desk.choose_contact(MOSCOW, other)
    desk.log(PITER, "in", "callback")
    desk.log(MOSCOW, "out", "talked")
    merged = book.merge(keep, other)
    assert merged.numbers == (MOSCOW, PITER)
    assert Contact.get_or_none(Contact.id == other) is None
    assert {c.contact_id for c in Call.select()} == {keep}
    assert {c.contact_id for c in Callback.select()} == {keep}
    assert Phone.get(Phone.number == MOSCOW).chosen_id == keep
    assert desk.lookup(PITER).contact is not None and desk.lookup(PITER).contact.id == keep  # type: ignore[union-attr]


def test_merging_fills_empty_fields_joins_notes_and_keeps_the_stronger_facts(book: Book) -> None:
    keep = add(book, "Евгений", MOSCOW, notes="met at the fair", status="prospect", familiarity="none")
    other = add(
        book,
        "Женя",
        PITER,
        company="ООО Ромашка",
        email="e@example.org",
        notes="prefers e-mail",
        status="person",
        familiarity="personal",
        referred_by="Иван",
        do_not_call=True,
    )
    merged = book.merge(keep, other)
    assert merged.name == "Евгений"  # keep's own value wins
    assert (merged.company, merged.email, merged.referred_by) == ("ООО Ромашка", "e@example.org", "Иван")
    assert merged.notes == "met at the fair\n\nprefers e-mail"
    assert merged.status == "prospect"
    assert merged.familiarity == "personal"
    assert merged.do_not_call


def test_merging_takes_the_higher_status_from_the_other(book: Book) -> None:
    keep = add(book, "A", MOSCOW, status="person", familiarity="company")
    other = add(book, "B", PITER, status="client", familiarity="none")
    merged = book.merge(keep, other)
    assert (merged.status, merged.familiarity) == ("client", "company")


def test_the_closer_familiarity_wins_a_merge_in_either_order(book: Book) -> None:
    assert Familiarity.NONE.rank < Familiarity.COMPANY.rank < Familiarity.PERSONAL.rank
    keep = add(book, "A", MOSCOW, familiarity="none")
    other = add(book, "B", PITER, familiarity="company")
    assert book.merge(keep, other).familiarity == "company"


def test_merging_a_contact_with_itself_or_a_missing_one_changes_nothing(book: Book) -> None:
    keep = add(book, "A", MOSCOW)
    with pytest.raises(BadInput, match="two different"):
        book.merge(keep, keep)
    with pytest.raises(BadInput, match="no longer exists"):
        book.merge(keep, 999)
    assert book.get(keep).numbers == (MOSCOW,)


# --- save an unknown number --------------------------------------------------------------


def test_an_unknown_caller_becomes_a_contact_in_one_click(book: Book, desk: Desk) -> None:
    desk.begin_call("8 (499) 322-46-85", "in")
    saved = book.save_unknown("8 (499) 322-46-85", "Евгений", "ООО Ромашка", "company")
    assert (saved.name, saved.company, saved.familiarity, saved.numbers) == (
        "Евгений",
        "ООО Ромашка",
        "company",
        (MOSCOW,),
    )
    card = desk.lookup(MOSCOW, "in")
    assert card.contact is not None and card.contact.id == saved.id
    assert card.kind is Kind.RETURNING
    assert len(card.history) == 1


def test_a_withheld_number_cannot_be_saved(book: Book) -> None:
    with pytest.raises(BadInput, match="withheld"):
        book.save_unknown("anonymous", "Someone", "", "none")
    assert Contact.select().count() == 0
