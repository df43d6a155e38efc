"""Writing imported contacts into the store: many thousands a second, all in one transaction.

A row goes to the contact its numbers already have (see ``_match``): the one with the same
name, or one without a name yet, or the first one when the row has no name. A different name
is a colleague sharing a switchboard (a new contact on the same number) when every owner of
the number came from an earlier row of this import; otherwise the file renamed someone we
already had, so that contact is updated, keeps its name, and the report says so.

Speed: the numbers are parsed before the transaction starts (that is most of the work, and
the window can record a ringing call meanwhile). Inside it, rows go in batches: one query
loads the numbers of a whole batch with their owners, the batch is decided in memory, then
written with plain statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from companion import numbers
from companion.i18n import translate
from companion.importers import ImportReport, Row
from companion.method import Familiarity, Source, Status
from companion.store.models import Contact, db

BATCH = 1000
_TRUE = {"1", "yes", "true", "y", "да", "x", "+"}
_STATUS_WORDS = {
    "клиент": "client",
    "потенциальный клиент": "prospect",
    "потенциальный": "prospect",
    "лид": "prospect",
    "человек": "person",
    "lead": "prospect",
    "customer": "client",
}
#: the contact columns an import reads and writes, in this order
FIELDS = (
    "name",
    "company",
    "email",
    "notes",
    "status",
    "referred_by",
    "source",
    "familiarity",
    "known_by",
    "do_not_call",
)
Progress = Callable[[int], None]


@dataclass(slots=True, eq=False)
class Person:
    """A contact as the import sees it: loaded from the store or new in this import."""

    id: int | None
    order: int
    name: str = ""
    company: str = ""
    email: str = ""
    notes: str = ""
    status: str = Status.PERSON.value
    referred_by: str = ""
    source: str = ""
    familiarity: str = Familiarity.NONE.value
    known_by: str = ""
    do_not_call: bool = False
    dirty: bool = False
    claimed: bool = False


@dataclass(slots=True, eq=False)
class Known:
    """A number: its row in the store (``id`` None until written) and who has it."""

    key: str
    id: int | None
    raw: str
    valid: bool
    owners: list[Person] = field(default_factory=list)


#: a row and (key, valid, what the file said) for each of its usable numbers, without repeats
Parsed = tuple[Row, list[tuple[str, bool, str]]]


def apply_rows(desk: Any, rows: Iterable[Row], report: ImportReport, *, familiarity: str) -> ImportReport:
    """Import ``rows`` (already read from somewhere: the demo, tests) in one transaction."""
    from companion.store import write_transaction

    parsed = parse_rows(rows, desk.settings.region, report, _nothing)
    with write_transaction():
        ContactWriter(desk, report, familiarity).apply(parsed, _nothing, lambda: False)
    return report


def _nothing(done: int) -> None:
    pass


def parse_rows(rows: Iterable[Row], region: str, report: ImportReport, tick: Progress) -> list[Parsed]:
    """Read every row's numbers (no database); rows without a usable one are skipped."""
    result: list[Parsed] = []
    append = result.append
    for count, row in enumerate(rows, start=1):
        found: list[tuple[str, bool, str]] = []
        for raw in row.phones:
            key, valid = usable_key(raw, region)
            if key is None:
                report.problem(
                    row.line, translate("import", "not a usable number: {raw!r}").format(raw=raw.strip()[:60])
                )
            elif not found or all(k != key for k, _, _ in found):
                found.append((key, valid, raw.strip()))
        if found:
            append((row, found))
        else:
            report.skipped += 1
            if not row.phones:
                report.problem(row.line, translate("import", "no phone number; skipped"))
            else:
                report.problem(row.line, translate("import", "skipped: no usable number"))
        if not count % 500:
            tick(count)
    return result


def usable_key(raw: str, region: str) -> tuple[str | None, bool]:
    """The store key of ``raw`` if it is a number we can call, and whether it is valid.

    Excel keeps a phone typed as a number without its ``+`` (``79161234567``, ``12125550100``):
    a long run of digits that is not a valid national number is read as international."""
    shape, key, valid = numbers.identify(raw, region)
    if key is not None and not valid and shape is numbers.Shape.PHONE:
        digits = raw.strip()
        if digits.isdigit() and len(digits) >= 11:
            shape2, key2, valid2 = numbers.identify("+" + digits, region)
            if valid2:
                return key2, True
    if key is None or not (valid or shape is numbers.Shape.EXTENSION):
        return None, False
    return key, valid


class ContactWriter:
    """Applies parsed rows to the store inside the caller's transaction.

    Each batch loads what the store has for its numbers (earlier batches included: they are
    written by then), decides in memory, writes, and forgets, so memory stays flat however
    long the file is. Only the ids of the contacts this import touched are kept."""

    def __init__(self, desk: Any, report: ImportReport, familiarity: str) -> None:
        from peewee import SqliteDatabase

        from companion.desk import to_db

        self.desk = desk
        self.report = report
        self.default = Familiarity(familiarity)
        now = Contact.created.db_value(to_db(desk.clock()))
        # as SQLite's adapter would write it, once instead of twice a row
        self.now = now.isoformat(" ") if isinstance(db.obj, SqliteDatabase) else now
        #: contacts earlier rows of this import created or went to
        self.claimed: set[int] = set()
        self.known: dict[str, Known] = {}
        self.order = 1 << 60  # new people sort after every stored one, in the order they came
        self.new_people: list[Person] = []
        self.new_numbers: list[Known] = []
        self.links: list[tuple[Person, Known, str]] = []
        self.touched: list[Person] = []
        self.shared: dict[str, set[str]] = {}
        self.param = db.obj.param
        self.sqlite = isinstance(db.obj, SqliteDatabase)
        self.true = Contact.do_not_call.db_value(True)
        self.false = Contact.do_not_call.db_value(False)

    def apply(self, parsed: Sequence[Parsed], tick: Progress, cancelled: Callable[[], bool]) -> None:
        from companion.importers import ImportCancelled

        self.shared = _shared_numbers(parsed)
        for start in range(0, len(parsed), BATCH):
            if cancelled():
                raise ImportCancelled
            batch = parsed[start : start + BATCH]
            self._load({key for _, found in batch for key, _, _ in found})
            for item in batch:
                self._row(item)
            self._flush()
            tick(start + len(batch))

    # --- reading -----------------------------------------------------------------------

    def _load(self, keys: set[str]) -> None:
        """What the store has for ``keys``: the numbers and their owners."""
        self.known = {}
        people: dict[int, Person] = {}
        columns = ", ".join(f"c.{name}" for name in ("id", *FIELDS))
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join([self.param] * len(chunk))
            rows = db.obj.execute_sql(
                f"SELECT p.id, p.number, p.raw, p.valid, {columns} FROM phone p "
                "LEFT JOIN contact_phone cp ON cp.phone_id = p.id "
                "LEFT JOIN contact c ON c.id = cp.contact_id "
                f"WHERE p.number IN ({marks}) ORDER BY p.id, c.id",
                chunk,
            ).fetchall()
            for phone_id, key, raw, valid, contact_id, *values in rows:
                known = self.known.get(key)
                if known is None:
                    known = self.known[key] = Known(key, phone_id, raw, bool(valid))
                if contact_id is None:
                    continue
                person = people.get(contact_id)
                if person is None:
                    person = people[contact_id] = Person(contact_id, contact_id, *values)
                    person.do_not_call = bool(person.do_not_call)
                    person.claimed = contact_id in self.claimed
                known.owners.append(person)

    # --- deciding ----------------------------------------------------------------------

    def _row(self, item: Parsed) -> None:
        row, found = item
        report, known = self.report, self.known
        status = _status(row, report) if row.status else ""
        fam = _familiarity(row, report) if row.familiarity else ""
        source = _source(row, report) if row.source else ""
        numbers_ = [known.get(key) for key, _, _ in found]
        person: Person | None = None
        if any(numbers_):
            owners = {id(p): p for k in numbers_ if k is not None for p in k.owners}
            named = set().union(*(self.shared.get(key, ()) for key, _, _ in found)) if self.shared else set()
            person = _match(sorted(owners.values(), key=_order), row.name, named)
        else:
            self._new(row, found, status, fam, source)  # every number new: what most rows are
            return
        created = person is None
        changed = False
        renamed = (
            person is not None
            and bool(row.name.strip() and person.name.strip())
            and not _same_name(person.name, row.name)
        )
        if person is not None and renamed:
            shared = next(
                (key for (key, _, _), k in zip(found, numbers_, strict=True) if k and person in k.owners),
                found[0][0],
            )
            report.problem(
                row.line,
                translate(
                    "import",
                    "{number} already belongs to «{owner}»; updated that contact (the file says «{name}»)",
                ).format(number=shared, owner=person.name, name=row.name.strip()),
            )
        if person is None:
            self.order += 1
            person = Person(None, self.order)
            self.new_people.append(person)
        for attr in ("name", "company", "email", "notes", "referred_by"):
            if attr == "name" and renamed:
                continue  # the contact keeps the name we know it by
            value = getattr(row, attr)
            if value and value != getattr(person, attr):
                setattr(person, attr, value)
                changed = True
        if status and Status(status).rank > Status(person.status).rank:
            person.status = status
            changed = True
        target = Familiarity(fam) if fam else self.default
        if target.rank > Familiarity(person.familiarity).rank:
            person.familiarity = target.value
            if target is Familiarity.PERSONAL:
                person.known_by = self.desk.rep
            changed = True
        if source and source != person.source:
            person.source = source
            changed = True
        if row.do_not_call:
            flag = row.do_not_call.strip().lower() in _TRUE
            if flag != person.do_not_call:
                person.do_not_call = flag
                changed = True
        for (key, valid, raw), number in zip(found, numbers_, strict=True):
            if number is None:
                number = known[key] = Known(key, None, raw, valid)
                self.new_numbers.append(number)
            if person not in number.owners:
                number.owners.append(person)
                self.links.append((person, number, raw))
                changed = True
        if not person.claimed:
            person.claimed = True
            self.touched.append(person)
        if created:
            report.created += 1
        elif changed:
            if person.id is not None and not person.dirty:
                person.dirty = True
                self.touched.append(person)
            report.updated += 1
        else:
            report.unchanged += 1

    def _new(self, row: Row, found: list[tuple[str, bool, str]], status: str, fam: str, source: str) -> None:
        """A row none of whose numbers the store or this import has seen: a new contact (what
        the general path would make of it, without comparing field by field)."""
        target = Familiarity(fam) if fam else self.default
        self.order += 1
        person = Person(
            None,
            self.order,
            row.name,
            row.company,
            row.email,
            row.notes,
            status or Status.PERSON.value,
            row.referred_by,
            source,
            target.value,
            self.desk.rep if target is Familiarity.PERSONAL else "",
            bool(row.do_not_call) and row.do_not_call.strip().lower() in _TRUE,
            claimed=True,
        )
        self.new_people.append(person)
        self.touched.append(person)
        known, new_numbers, links = self.known, self.new_numbers, self.links
        for key, valid, raw in found:
            number = known[key] = Known(key, None, raw, valid, [person])
            new_numbers.append(number)
            links.append((person, number, raw))
        self.report.created += 1

    # --- writing -----------------------------------------------------------------------

    def _flush(self) -> None:
        cursor = db.obj.cursor()
        p = self.param
        names = ", ".join(FIELDS)
        marks = ", ".join([p] * (len(FIELDS) + 2))
        now = self.now
        self._insert(
            cursor,
            "contact",
            f"INSERT INTO contact ({{id}}{names}, created, updated) VALUES ({{mark}}{marks})",
            self.new_people,
            lambda person: [*self._values(person), now, now],
        )
        dirty = [person for person in self.touched if person.dirty]
        if dirty:
            sets = ", ".join(f"{name} = {p}" for name in FIELDS)
            cursor.executemany(
                f"UPDATE contact SET {sets}, updated = {p} WHERE id = {p}",
                [[*self._values(person), now, person.id] for person in dirty],
            )
        self._insert(
            cursor,
            "phone",
            f"INSERT INTO phone ({{id}}number, raw, valid) VALUES ({{mark}}{p}, {p}, {p})",
            self.new_numbers,
            lambda known: [known.key, known.raw, self.true if known.valid else self.false],
        )
        if self.links:
            cursor.executemany(
                f"INSERT INTO contact_phone (contact_id, phone_id, raw, label) VALUES ({p}, {p}, {p}, {p})",
                [(person.id, known.id, raw, "") for person, known, raw in self.links],
            )
        self.claimed.update(person.id for person in self.touched if person.id is not None)
        self.new_people.clear()
        self.new_numbers.clear()
        self.links.clear()
        self.touched.clear()

    def _insert(
        self, cursor: Any, table: str, sql: str, items: list[Any], values: Callable[[Any], list[object]]
    ) -> None:
        """Insert ``items`` and set their ids. SQLite: one statement for all, the ids counted on
        from the largest (this transaction holds the write lock); elsewhere RETURNING each."""
        if not items:
            return
        if self.sqlite:
            first = int(cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
            for offset, item in enumerate(items):
                item.id = first + offset
            cursor.executemany(
                sql.format(id="id, ", mark=f"{self.param}, "), [[item.id, *values(item)] for item in items]
            )
        else:
            statement = sql.format(id="", mark="")
            for item in items:
                item.id = insert_id(cursor, False, statement, values(item))

    def _values(self, person: Person) -> list[object]:
        return [
            person.name,
            person.company,
            person.email,
            person.notes,
            person.status,
            person.referred_by,
            person.source,
            person.familiarity,
            person.known_by,
            self.true if person.do_not_call else self.false,
        ]


def insert_id(cursor: Any, sqlite: bool, sql: str, params: Sequence[object]) -> int:
    """Run one INSERT and return the new row's id (SQLite's lastrowid; RETURNING elsewhere)."""
    if sqlite:
        cursor.execute(sql, params)
        return int(cursor.lastrowid)
    cursor.execute(sql + " RETURNING id", params)
    return int(cursor.fetchone()[0])


def _order(person: Person) -> int:
    return person.order


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _shared_numbers(parsed: Sequence[Parsed]) -> dict[str, set[str]]:
    """The numbers the file gives to more than one name, with those names (a switchboard)."""
    first: dict[str, str] = {}
    shared: dict[str, set[str]] = {}
    for row, found in parsed:
        name = _folded(row.name)
        if not name:
            continue
        for key, _, _ in found:
            seen = first.setdefault(key, name)
            if seen != name:
                shared.setdefault(key, {seen}).add(name)
    return shared


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def _match(owners: list[Person], name: str, named: set[str] | frozenset[str] = frozenset()) -> Person | None:
    """The contact a row with ``name`` updates among the owners of its numbers; None for a
    new contact. ``named``: the names the file gives these numbers, when it gives several
    (an owner the file names itself elsewhere is not this row respelt)."""
    if not owners:
        return None
    if not name:
        return owners[0]
    for person in owners:
        if _same_name(person.name, name):
            return person
    for person in owners:
        if not person.name.strip():
            return person  # a number we logged before we knew the name
    for person in owners:
        if not person.claimed and _folded(person.name) not in named:
            return person  # had before this import: the file spells the name differently
    return None  # a colleague on a switchboard the file listed above: a new contact


def _status(row: Row, report: ImportReport) -> str:
    value = row.status.strip().lower()
    if not value:
        return ""
    value = _STATUS_WORDS.get(value, value)
    if value in {s.value for s in Status}:
        return value
    report.problem(row.line, translate("import", "unknown status {value!r} ignored").format(value=row.status))
    return ""


def _familiarity(row: Row, report: ImportReport) -> str:
    value = row.familiarity.strip().lower()
    if not value:
        return ""
    if value in {f.value for f in Familiarity}:
        return value
    report.problem(
        row.line, translate("import", "unknown familiarity {value!r} ignored").format(value=row.familiarity)
    )
    return ""


_SOURCE_WORDS = {
    "реклама": "advertising",
    "advert": "advertising",
    "ad": "advertising",
    "ads": "advertising",
    "рекомендация": "recommendation",
    "по рекомендации": "recommendation",
    "referral": "recommendation",
    "прошлая работа": "past_work",
    "past work": "past_work",
    "работали раньше": "past_work",
}


def _source(row: Row, report: ImportReport) -> str:
    value = " ".join(row.source.strip().lower().split())
    if not value:
        return ""
    value = _SOURCE_WORDS.get(value, value)
    if value in {s.value for s in Source}:
        return value
    report.problem(row.line, translate("import", "unknown source {value!r} ignored").format(value=row.source))
    return ""
