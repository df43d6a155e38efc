"""The contact book: search, edit, merge and delete contacts, and save an unknown caller.

Beside ``desk.py`` and like it free of Qt. Every change runs in one transaction; a call
keeps its history when its contact goes (``Call.contact`` becomes NULL, the number stays).

Search is case-insensitive for every alphabet, not only ASCII, and a word of digits also
matches a number (``companion.text_search``, shared with the call journal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peewee import Case, Expression, fn

from companion import numbers
from companion.card import ContactInfo
from companion.desk import BadInput, Desk, contact_info, reading, to_db
from companion.i18n import translate
from companion.method import Familiarity, Status
from companion.store import write_transaction
from companion.store.models import Call, Callback, Contact, ContactPhone, Phone
from companion.text_search import contains, number_variants, search_terms


@dataclass(slots=True)
class ContactDraft:
    """What the contact form holds; ``id`` None for a new contact. ``numbers`` are raw texts."""

    id: int | None = None
    name: str = ""
    company: str = ""
    email: str = ""
    notes: str = ""
    status: str = Status.PERSON.value
    familiarity: str = Familiarity.NONE.value
    referred_by: str = ""
    do_not_call: bool = False
    numbers: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, info: ContactInfo) -> ContactDraft:
        return cls(
            id=info.id,
            name=info.name,
            company=info.company,
            email=info.email,
            notes=info.notes,
            status=info.status,
            familiarity=info.familiarity,
            referred_by=info.referred_by,
            do_not_call=info.do_not_call,
            numbers=list(info.numbers),
        )


class Book:
    """The rep's contacts on the open database of ``desk``."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @property
    def region(self) -> str:
        return self.desk.settings.region

    def _now(self) -> datetime:
        return to_db(self.desk.clock())

    def human(self, key: str) -> str:
        """A stored number (E.164 or an extension) as people read it in the rep's region."""
        number = numbers.parse(key, self.region)
        return number.human or key

    # --- reading ---------------------------------------------------------------------

    @reading
    def search(self, text: str, limit: int = 200) -> list[ContactInfo]:
        """Contacts whose name, company, e-mail or number matches every word of ``text``,
        ordered by name (the company where there is no name; unnamed contacts last)."""
        query = Contact.select()
        for term in search_terms(text):
            query = query.where(self._matches(term))
        shown = Case(None, [(Contact.name != "", Contact.name)], Contact.company)
        query = query.order_by(Case(None, [(shown == "", 1)], 0), fn.LOWER(shown), Contact.id).limit(limit)
        found = _infos(list(query))
        # the page in true alphabetical order (SQL's LOWER folds ASCII only on SQLite)
        return sorted(found, key=lambda c: (not c.display_name, c.display_name.casefold()))

    def _matches(self, term: str) -> Expression:
        condition = contains(Contact.name, term) | contains(Contact.company, term)
        condition |= contains(Contact.email, term)
        variants = number_variants(term, self.region)
        if variants:
            on_phone = Phone.number.contains(variants[0])
            for variant in variants[1:]:
                on_phone |= Phone.number.contains(variant)
            owners = ContactPhone.select(ContactPhone.contact).join(Phone).where(on_phone)
            condition |= Contact.id.in_(owners)
        return condition

    @reading
    def get(self, contact_id: int) -> ContactInfo:
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None:
            raise BadInput(translate("book", "That contact no longer exists."))
        return _infos([contact])[0]

    # --- writing ---------------------------------------------------------------------

    def save(self, draft: ContactDraft) -> ContactInfo:
        """Create or update a contact from the form. Every number must be usable, except
        ones the contact already has; a number another contact has is shared, not moved."""
        status = _status(draft.status)
        familiarity = _familiarity(draft.familiarity)
        with write_transaction():
            contact = self._contact(draft.id) if draft.id is not None else None
            kept = _linked_keys(contact) if contact is not None else set()
            parsed = self._numbers(draft.numbers, kept)
            name, company = draft.name.strip(), draft.company.strip()
            if not (name or company or parsed):
                raise BadInput(translate("book", "Enter a name, a company or a number."))
            now = self._now()
            if contact is None:
                contact = Contact(created=now)
                was_personal = False
            else:
                was_personal = contact.familiarity == Familiarity.PERSONAL
            contact.name = name
            contact.company = company
            contact.email = draft.email.strip()
            contact.notes = draft.notes.strip()
            contact.referred_by = draft.referred_by.strip()
            contact.do_not_call = bool(draft.do_not_call)
            contact.status = status.value  # the rep may move it down: this is their edit
            contact.familiarity = familiarity.value
            if familiarity is not Familiarity.PERSONAL:
                contact.known_by = ""
            elif not was_personal:
                contact.known_by = self.desk.rep
            contact.updated = now
            contact.save()
            self._link(contact, parsed)
        return self.get(contact.id)

    def _contact(self, contact_id: int) -> Contact:
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None:
            raise BadInput(translate("book", "That contact no longer exists."))
        return contact

    def _numbers(self, raws: list[str], kept: set[str]) -> list[numbers.Number]:
        """The numbers of the form in their order, without repeats; one bad number refuses all."""
        result: list[numbers.Number] = []
        for raw in raws:
            if not raw.strip():
                continue
            number = numbers.parse(raw, self.region)
            usable = number.key is not None and (
                number.valid or number.shape is numbers.Shape.EXTENSION or number.key in kept
            )
            if not usable:
                message = translate(
                    "book", "“{raw}” is not a phone number that can be called: check the digits."
                )
                raise BadInput(message.format(raw=raw.strip()[:60]))
            if all(n.key != number.key for n in result):
                result.append(number)
        return result

    def _link(self, contact: Contact, wanted: list[numbers.Number]) -> None:
        """Make the contact's numbers exactly ``wanted``, in that order (the first is the main one)."""
        links = list(
            ContactPhone.select(ContactPhone, Phone)
            .join(Phone)
            .where(ContactPhone.contact == contact)
            .order_by(ContactPhone.id)
        )
        keys = [n.key for n in wanted]
        gone = [link for link in links if link.phone.number not in keys]
        if gone:
            ids = [link.phone_id for link in gone]
            ContactPhone.delete().where(ContactPhone.id.in_([link.id for link in gone])).execute()
            Phone.update(chosen=None).where(Phone.id.in_(ids) & (Phone.chosen == contact)).execute()
        by_key = {link.phone.number: link for link in links if link.phone.number in keys}
        kept_order = [k for k in keys if k in by_key]
        if [link.phone.number for link in links if link.phone.number in by_key] != kept_order:
            # the rep reordered the numbers: relink so that the order of ids follows theirs
            ContactPhone.delete().where(ContactPhone.id.in_([link.id for link in by_key.values()])).execute()
            by_key = {}
        for number in wanted:
            if number.key in by_key:
                continue
            phone, _ = Phone.get_or_create(
                number=number.key, defaults={"raw": number.input.strip(), "valid": number.valid}
            )
            old = next((link for link in links if link.phone.number == number.key), None)
            ContactPhone.create(
                contact=contact,
                phone=phone,
                raw=old.raw if old is not None else number.input.strip(),
                label=old.label if old is not None else "",
            )

    def delete(self, contact_id: int) -> None:
        """Delete a contact. Their calls stay in the history (without the contact), their
        numbers stay known, and open callbacks stay on the number when there is one."""
        with write_transaction():
            contact = self._contact(contact_id)
            Call.update(contact=None).where(Call.contact == contact).execute()
            Callback.update(contact=None).where(
                (Callback.contact == contact) & Callback.phone.is_null(False)
            ).execute()
            Callback.delete().where(Callback.contact == contact).execute()  # those without a number
            Phone.update(chosen=None).where(Phone.chosen == contact).execute()
            ContactPhone.delete().where(ContactPhone.contact == contact).execute()
            contact.delete_instance()

    def merge(self, keep_id: int, other_id: int) -> ContactInfo:
        """Two records of one person become ``keep``: numbers, calls and callbacks move to it,
        its empty fields are filled from ``other``, notes are joined, the higher status and
        the closer familiarity win, and ``other`` is deleted."""
        if keep_id == other_id:
            raise BadInput(translate("book", "Choose two different contacts to merge."))
        with write_transaction():
            keep = self._contact(keep_id)
            other = self._contact(other_id)
            for attr in ("name", "company", "email", "referred_by", "source"):
                if not getattr(keep, attr).strip() and getattr(other, attr).strip():
                    setattr(keep, attr, getattr(other, attr))
            keep.notes = _joined(keep.notes, other.notes)
            if Status(other.status).rank > Status(keep.status).rank:
                keep.status = other.status
            if Familiarity(other.familiarity).rank > Familiarity(keep.familiarity).rank:
                keep.familiarity = other.familiarity
                keep.known_by = other.known_by
            keep.do_not_call = bool(keep.do_not_call or other.do_not_call)
            keep.created = min(keep.created, other.created)
            keep.updated = self._now()
            keep.save()
            has = _linked_keys(keep)
            for link in (
                ContactPhone.select(ContactPhone, Phone)
                .join(Phone)
                .where(ContactPhone.contact == other)
                .order_by(ContactPhone.id)
            ):
                if link.phone.number not in has:  # after keep's own numbers, in other's order
                    ContactPhone.create(contact=keep, phone=link.phone, raw=link.raw, label=link.label)
                    has.add(link.phone.number)
            Phone.update(chosen=keep).where(Phone.chosen == other).execute()
            Call.update(contact=keep).where(Call.contact == other).execute()
            Callback.update(contact=keep).where(Callback.contact == other).execute()
            other.delete_instance()
        return self.get(keep.id)

    def save_unknown(self, raw: str, name: str, company: str, familiarity: str) -> ContactInfo:
        """The card's one click: the number on the card becomes a contact (a number that
        did not parse is kept as it was dialled, like the call itself)."""
        fam = _familiarity(familiarity)
        number = self.desk.parse(raw)
        if number.key is None:
            raise BadInput(translate("book", "A withheld number cannot be saved."))
        with write_transaction():
            now = self._now()
            contact = Contact.create(
                name=name.strip(),
                company=company.strip(),
                familiarity=fam.value,
                known_by=self.desk.rep if fam is Familiarity.PERSONAL else "",
                created=now,
                updated=now,
            )
            phone, _ = Phone.get_or_create(
                number=number.key, defaults={"raw": number.input.strip(), "valid": number.valid}
            )
            ContactPhone.create(contact=contact, phone=phone, raw=number.input.strip())
        return self.get(contact.id)


# --- helpers -------------------------------------------------------------------------------


def _linked_keys(contact: Contact) -> set[str]:
    return {
        p.number for p in Phone.select(Phone.number).join(ContactPhone).where(ContactPhone.contact == contact)
    }


def _infos(contacts: list[Contact]) -> list[ContactInfo]:
    """ContactInfo for each contact, their numbers read in one query."""
    owned: dict[int, list[str]] = {c.id: [] for c in contacts}
    if owned:
        rows = (
            ContactPhone.select(ContactPhone.contact, Phone.number)
            .join(Phone)
            .where(ContactPhone.contact.in_(list(owned)))
            .order_by(ContactPhone.id)
            .tuples()
        )
        for contact_id, number in rows:
            owned[contact_id].append(number)
    return [contact_info(c, owned[c.id]) for c in contacts]


def _joined(first: str, second: str) -> str:
    first, second = first.strip(), second.strip()
    if not second or second == first or second in first:
        return first
    if not first:
        return second
    return f"{first}\n\n{second}"


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise BadInput(
            translate("book", "Unknown status {value!r}: use person, prospect or client.").format(value=value)
        ) from None


def _familiarity(value: str) -> Familiarity:
    try:
        return Familiarity(value)
    except ValueError:
        message = translate("book", "Unknown familiarity {value!r}: use personal, company or none.")
        raise BadInput(message.format(value=value)) from None
