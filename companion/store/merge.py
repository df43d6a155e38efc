"""Copying one history into another database: ``companion db migrate-to URL``.

A rep's personal SQLite file goes into the team's database (PostgreSQL, or another SQLite
file: two laptops merged). ``copy_into(source, target)``:

- reads the whole source first, into memory: a database file through SQLite's online backup
  API into a private in-memory copy (upgraded there if it is older; the file itself is never
  written), or an open ``Database`` through ``bind_ctx`` (the models' proxy is not touched);
- then opens the target the normal way (``open_database``: checked, migrated) and writes
  everything in one transaction: on any error nothing is left half-written. On PostgreSQL the
  transaction holds an advisory lock, so two reps migrating at once take turns;
- gives every row the target's ids; references (a number's chosen contact, a call's number
  and contact, a callback's call, contact and number) follow the rows they point to.

What counts as the same row (so that a second run changes nothing, and two reps' histories
meet in one team database):

- a number: the same ``Phone.number`` (E.164; the table's unique key);
- a contact: the same name (case and spacing aside; with no name, the same company) and at
  least one number in common; a contact without numbers: the same name, company and e-mail.
  The target's contact is kept and completed: empty fields filled in, notes joined, the higher
  status and the closer familiarity win, do-not-call stays set if either says so;
- a call: the same number (or, with none, the same dial string), direction, rep, and start to
  the second; with a ``uid`` on both, the same uid (a uid alone is the same call);
- a callback: one on the same call (the same due time preferred), else the same contact (or
  number), due time to the second and rep.

Calls and callbacks are matched one to one (two calls in the same second stay two); contacts
and numbers are not (two source contacts that are one person become one).

Every column of every model is copied (``_meta.sorted_fields``), so a column added to a
model later is carried over without a change here; a matched row only has its empty fields
filled in. ``rep`` names the person whose personal database this is: in a personal file, an
empty name means its owner, so their contacts marked as known personally with nobody named
(``known_by``) become known by them in the target, and callbacks owed by nobody named
(``Callback.rep``) become theirs (in a team database "" would mean every rep).
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import Database, DatabaseError, Field, ForeignKeyField, PostgresqlDatabase, SqliteDatabase

from companion.i18n import translate
from companion.method import Familiarity, Status
from companion.paths import without_password
from companion.store import is_url, open_database, write_transaction
from companion.store import migrations as mig
from companion.store.backups import LOCK_WAIT_SECONDS, SQLITE_HEADER, _give_up_after
from companion.store.errors import StoreError
from companion.store.models import MODELS, BaseModel, Call, Callback, Contact, ContactPhone, Phone, db

Row = dict[str, Any]
Progress = Callable[[int, int], None]

#: the order rows are copied in: every reference points to a table copied before it
COPIED: tuple[type[BaseModel], ...] = (Phone, Contact, ContactPhone, Call, Callback)
#: rows per IN (...) query on the target
CHUNK = 500
#: how often the progress callback hears of it (rows)
PROGRESS_EVERY = 500
#: the PostgreSQL advisory lock ("CCmp" "copy") a copy holds for its transaction: two reps
#: migrating into one team database at the same moment take turns, each seeing the other's rows
COPY_LOCK = (mig.APPLICATION_ID << 32) | 0x636F7079


@dataclass
class Tally:
    """What became of one table's source rows (``created + matched + skipped`` = all of them)."""

    #: new rows in the target
    created: int = 0
    #: the same row was in the target already
    matched: int = 0
    #: the same as another source row copied just before (two records of one person, …)
    skipped: int = 0
    #: of the matched: rows of the target whose empty fields were filled in
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.matched + self.skipped


@dataclass
class CopyReport:
    """What ``copy_into`` did, table by table; ``target`` as it may be shown (no password)."""

    target: str
    phones: Tally = field(default_factory=Tally)
    contacts: Tally = field(default_factory=Tally)
    links: Tally = field(default_factory=Tally)
    calls: Tally = field(default_factory=Tally)
    callbacks: Tally = field(default_factory=Tally)

    def tallies(self) -> tuple[Tally, ...]:
        return (self.phones, self.contacts, self.links, self.calls, self.callbacks)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies())

    @property
    def matched(self) -> int:
        return sum(t.matched for t in self.tallies())

    @property
    def skipped(self) -> int:
        return sum(t.skipped for t in self.tallies())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tallies())

    @property
    def changed(self) -> bool:
        """Did the copy write anything into the target?"""
        return self.created > 0 or self.updated > 0


def copy_into(
    source: Database | str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    rep: str = "",
    progress: Progress | None = None,
) -> CopyReport:
    """Copy everything in ``source`` (a database file, or an open database) into ``target``
    (a URL or a SQLite file, created if need be). StoreError, in one sentence, when it cannot:
    nothing is written to the target then, and the source is never written at all."""
    target_text = os.fspath(target)
    if isinstance(source, Database):
        _refuse_same(_place_of(source), target_text)
        rows = _read(source)
    else:
        path = Path(os.fspath(source)).expanduser().absolute()
        _refuse_same(("sqlite", str(path)), target_text)
        rows = _read_file(path)
    new_file = _new_sqlite_file(target_text)
    previous = db.obj  # open_database binds the models' proxy: given back as it was
    done = False
    try:
        database = open_database(target_text)
        try:
            with write_transaction():
                if isinstance(database, PostgresqlDatabase):  # two reps migrating at once: in turn
                    database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (COPY_LOCK,))
                report = _Copy(rows, rep.strip(), progress, without_password(target_text)).run()
        except DatabaseError as exc:
            raise StoreError(
                translate("merge", "Nothing was copied into {target} ({why}).").format(
                    target=without_password(target_text), why=str(exc).strip()
                )
            ) from exc
        finally:
            database.close()
        done = True
    finally:
        db.initialize(previous)
        if not done and new_file is not None:  # a file this copy made, and nothing copied into it
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{new_file}{extra}").unlink(missing_ok=True)
    return report


# --- reading the source ------------------------------------------------------------------


def _read(database: Database) -> dict[type[BaseModel], list[Row]]:
    """Every row of every table, in id order, as {field name: value} (references as ids)."""
    name = str(database.database)
    try:
        version = mig.schema_version(database)
        if version != mig.SCHEMA_VERSION:
            raise StoreError(_version_problem(name, version))
        with database.bind_ctx(MODELS), database.atomic():  # one consistent snapshot
            return {model: _select(model) for model in COPIED}
    except DatabaseError as exc:
        raise StoreError(_unreadable(name, exc)) from exc


def _select(model: type[BaseModel], where: Any = None) -> list[Row]:
    fields = model._meta.sorted_fields
    query = model.select(*fields)
    if where is not None:
        query = query.where(where)
    names = [f.name for f in fields]
    return [dict(zip(names, values, strict=True)) for values in query.order_by(model.id).tuples()]


def _read_file(path: Path) -> dict[type[BaseModel], list[Row]]:
    """A database file read through an in-memory copy: never written, never created."""
    if path.is_dir():
        raise StoreError(translate("merge", "{db} is a folder, not a database file.").format(db=path))
    if not path.is_file() or path.stat().st_size == 0:
        raise StoreError(translate("merge", "{db}: there is no database to copy yet.").format(db=path))
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            translate("merge", "cannot read {db}: {why}.").format(db=path, why=exc.strerror or exc)
        ) from exc
    if header != SQLITE_HEADER:
        raise StoreError(translate("merge", "{db} is not a Call Companion database.").format(db=path))
    copy = SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    try:
        try:
            connection = _connect(path)
            try:
                app_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
                version = int(connection.execute("PRAGMA user_version").fetchone()[0])
                if app_id != mig.APPLICATION_ID or version < 1:
                    raise StoreError(
                        translate("merge", "{db} is not a Call Companion database.").format(db=path)
                    )
                if version > mig.SCHEMA_VERSION:
                    raise StoreError(_version_problem(str(path), version))
                connection.backup(copy.connection(), progress=_give_up_after(LOCK_WAIT_SECONDS))
            finally:
                connection.close()  # the last connection of a WAL file tidies its -wal, -shm away
        except sqlite3.Error as exc:
            raise StoreError(_unreadable(str(path), exc)) from exc
        if version < mig.SCHEMA_VERSION:  # the copy brought up to date, not the file
            try:
                with copy.bind_ctx(MODELS):
                    mig.migrate(copy)
            except DatabaseError as exc:
                raise StoreError(_unreadable(str(path), exc)) from exc
        return _read(copy)
    finally:
        copy.close()


def _connect(path: Path) -> sqlite3.Connection:
    """Read-write but only read from: closing it cleans up the WAL files as every process does
    (a read-only connection leaves them behind); a read-only file is opened read-only."""
    try:
        return sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.OperationalError:
        return sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=LOCK_WAIT_SECONDS)


def _version_problem(name: str, version: int) -> str:
    if version > mig.SCHEMA_VERSION:
        return translate(
            "merge",
            "{db} was written by a newer Call Companion (schema {version}, this version knows "
            "{known}); update the app to copy it.",
        ).format(db=name, version=version, known=mig.SCHEMA_VERSION)
    if version >= 1:
        return translate(
            "merge", "{db} has an older schema ({version}); open it once with this version, then copy it."
        ).format(db=name, version=version)
    return translate("merge", "{db} is not a Call Companion database.").format(db=name)


def _unreadable(name: str, exc: BaseException) -> str:
    return translate("merge", "{db} cannot be read ({why}).").format(db=name, why=str(exc).strip())


# --- the target is not the source --------------------------------------------------------


def _place_of(database: Database) -> tuple[str, str]:
    if isinstance(database, SqliteDatabase):
        name = str(database.database)
        return ("sqlite", name if name == ":memory:" else str(Path(name).expanduser().absolute()))
    params = database.connect_params
    return (
        "server",
        f"{params.get('host') or 'localhost'}:{params.get('port') or ''}/{database.database}",
    )


def _target_place(target: str) -> tuple[str, str]:
    if not is_url(target):
        return ("sqlite", str(Path(target).expanduser().absolute()))
    from playhouse.db_url import parse

    scheme = target.split("://", 1)[0].lower()
    try:
        params = parse(target)
    except ValueError:
        return ("", target)
    if scheme.startswith("sqlite"):
        return ("sqlite", str(Path(str(params.get("database") or "")).expanduser().absolute()))
    return (
        "server",
        f"{params.get('host') or 'localhost'}:{params.get('port') or ''}/{params.get('database')}",
    )


def _refuse_same(source: tuple[str, str], target: str) -> None:
    there = _target_place(target)
    same = source == there
    if not same and source[0] == there[0] == "sqlite" and source[1] != ":memory:":
        try:
            same = os.path.samefile(source[1], there[1])
        except OSError:
            same = False
    if same:
        raise StoreError(
            translate("merge", "{target} is the database being copied; name another one.").format(
                target=without_password(target)
            )
        )


def _new_sqlite_file(target: str) -> Path | None:
    """The target file, when it does not exist yet (removed again if the copy fails)."""
    place = _target_place(target)
    if place[0] != "sqlite":
        return None
    path = Path(place[1])
    return None if path.exists() else path


# --- the copy ----------------------------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _second(moment: object) -> object:
    """A time to the second (the two databases may keep fractions differently)."""
    if isinstance(moment, datetime):
        return moment.replace(microsecond=0, tzinfo=None)
    if isinstance(moment, str):
        return moment[:19].replace("T", " ")
    return moment


def _name_key(row: Row) -> tuple[str, str]:
    name = " ".join(str(row["name"]).split()).casefold()
    return (name, "" if name else " ".join(str(row["company"]).split()).casefold())


def _plain_key(row: Row) -> tuple[str, str, str]:
    return (str(row["name"]).strip(), str(row["company"]).strip(), str(row["email"]).strip())


def _joined(first: str, second: str) -> str:
    """Notes of both: ``second`` added unless ``first`` says it already (so twice is once)."""
    if _empty(second) or second.strip() in first:
        return first
    if _empty(first):
        return second
    return f"{first.rstrip()}\n\n{second.strip()}"


def _rank(kind: type[Status] | type[Familiarity], value: object) -> int:
    try:
        return kind(value).rank
    except ValueError:
        return -1


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    unique = list(dict.fromkeys(v for v in values if v is not None))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _rows_in(model: type[BaseModel], column: Field, values: Iterable[Any], extra: Any = None) -> list[Row]:
    found: dict[int, Row] = {}
    for chunk in _chunks(values):
        where = column.in_(chunk) if extra is None else (column.in_(chunk) & extra)
        for row in _select(model, where):
            found[row["id"]] = row
    return [found[k] for k in sorted(found)]


class _Copy:
    """One copy into the target the models are bound to, inside the caller's transaction."""

    def __init__(
        self, rows: dict[type[BaseModel], list[Row]], rep: str, progress: Progress | None, target: str
    ) -> None:
        self.rows = rows
        self.rep = rep
        self.progress = progress
        self.report = CopyReport(target=target)
        #: source id → target id, per table
        self.ids: dict[type[BaseModel], dict[int, int]] = {m: {} for m in COPIED}
        #: target ids of rows this copy created (not "already there")
        self.new: dict[type[BaseModel], set[int]] = {m: set() for m in COPIED}
        self.total = sum(len(r) for r in rows.values())
        self.done = 0

    def run(self) -> CopyReport:
        self._phones()
        self._contacts()
        self._chosen()
        self._calls()
        self._callbacks()
        if self.progress is not None:
            self.progress(self.total, self.total)
        return self.report

    # --- helpers ---

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done, self.total)

    def _mapped(self, model: type[BaseModel], row: Row, *, skip: tuple[str, ...] = ()) -> Row:
        """``row`` with the target's ids in its references (none where not copied)."""
        values: Row = {}
        for f in model._meta.sorted_fields:
            if f.primary_key or f.name in skip:
                continue
            value = row[f.name]
            if isinstance(f, ForeignKeyField) and value is not None:
                value = self.ids.get(f.rel_model, {}).get(value)
            values[f.name] = value
        return values

    def _create(self, model: type[BaseModel], values: Row, tally: Tally) -> Row:
        new_id = int(model.insert(**values).execute())
        self.new[model].add(new_id)
        tally.created += 1
        return {**values, "id": new_id}

    def _found(self, model: type[BaseModel], target: Row, tally: Tally) -> None:
        if target["id"] in self.new[model]:
            tally.skipped += 1
        else:
            tally.matched += 1

    def _complete(self, model: type[BaseModel], target: Row, changes: Row, tally: Tally) -> None:
        """Write ``changes`` (only what differs) into the target row, and into ``target``."""
        changes = {k: v for k, v in changes.items() if target.get(k) != v}
        if not changes:
            return
        model.update(**changes).where(model.id == target["id"]).execute()
        target.update(changes)
        if target["id"] not in self.new[model]:
            tally.updated += 1

    def _filled(self, model: type[BaseModel], target: Row, values: Row, *, skip: tuple[str, ...] = ()) -> Row:
        """The target's empty fields filled in from ``values`` (the source row, mapped)."""
        changes: Row = {}
        for name, value in values.items():
            if name in skip:
                continue
            if _empty(target.get(name)) and not _empty(value):
                changes[name] = value
        return changes

    # --- numbers ---

    def _phones(self) -> None:
        tally = self.report.phones
        source = self.rows[Phone]
        there = {r["number"]: r for r in _rows_in(Phone, Phone.number, (r["number"] for r in source))}
        self.phone_rows: dict[int, Row] = {}
        for row in source:
            values = self._mapped(Phone, row, skip=("chosen",))  # contacts are not copied yet
            target = there.get(row["number"])
            if target is None:
                target = self._create(Phone, {**values, "chosen": None}, tally)
                there[row["number"]] = target
            else:
                self._found(Phone, target, tally)
                changes = self._filled(Phone, target, values, skip=("valid",))
                if row["valid"] and not target["valid"]:
                    changes["valid"] = True
                self._complete(Phone, target, changes, tally)
            self.ids[Phone][row["id"]] = target["id"]
            self.phone_rows[target["id"]] = target
            self._tick()

    def _chosen(self) -> None:
        """A shared number's chosen person, once the contacts have their ids."""
        tally = self.report.phones
        for row in self.rows[Phone]:
            chosen = self.ids[Contact].get(row["chosen"]) if row["chosen"] is not None else None
            target = self.phone_rows[self.ids[Phone][row["id"]]]
            if chosen is not None and target["chosen"] is None:
                self._complete(Phone, target, {"chosen": chosen}, tally)

    # --- contacts and their numbers ---

    def _contacts(self) -> None:
        tally, link_tally = self.report.contacts, self.report.links
        links_of: dict[int, list[Row]] = defaultdict(list)
        for link in self.rows[ContactPhone]:
            links_of[link["contact"]].append(link)
        phone_ids = set(self.ids[Phone].values()) - self.new[Phone]
        links = {(r["contact"], r["phone"]): r for r in _rows_in(ContactPhone, ContactPhone.phone, phone_ids)}
        owners: dict[int, set[int]] = defaultdict(set)
        for contact_id, phone_id in links:
            owners[phone_id].add(contact_id)
        numberless = [r for r in self.rows[Contact] if not links_of.get(r["id"])]
        contacts = {
            r["id"]: r
            for r in (
                *_rows_in(Contact, Contact.id, (c for c, _ in links)),
                *_rows_in(Contact, Contact.name, (r["name"] for r in numberless)),
            )
        }
        by_plain: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for target in sorted(contacts.values(), key=lambda r: r["id"]):
            by_plain[_plain_key(target)].append(target["id"])

        for row in self.rows[Contact]:
            row = self._owned(row)
            values = self._mapped(Contact, row)
            mine = links_of.get(row["id"], [])
            phones = [self.ids[Phone][link["phone"]] for link in mine if link["phone"] in self.ids[Phone]]
            if phones:
                key = _name_key(row)
                candidates = {c for p in phones for c in owners.get(p, ()) if _name_key(contacts[c]) == key}
            else:
                candidates = set(by_plain.get(_plain_key(row), ()))
            if candidates:
                target = contacts[min(candidates)]
                self._found(Contact, target, tally)
                self._complete(Contact, target, self._merged(target, values), tally)
            else:
                target = self._create(Contact, values, tally)
                contacts[target["id"]] = target
                by_plain[_plain_key(target)].append(target["id"])
            self.ids[Contact][row["id"]] = target["id"]
            self._tick()
            for link in mine:
                phone_id = self.ids[Phone].get(link["phone"])
                if phone_id is None:
                    continue
                link_values = {**self._mapped(ContactPhone, link), "contact": target["id"], "phone": phone_id}
                there = links.get((target["id"], phone_id))
                if there is None:
                    there = self._create(ContactPhone, link_values, link_tally)
                    links[(target["id"], phone_id)] = there
                    owners[phone_id].add(target["id"])
                else:
                    self._found(ContactPhone, there, link_tally)
                    self._complete(
                        ContactPhone, there, self._filled(ContactPhone, there, link_values), link_tally
                    )
                self.ids[ContactPhone][link["id"]] = there["id"]
                self._tick()
        # links of contacts the source does not have (cannot be, with foreign keys on): counted
        for link in self.rows[ContactPhone]:
            if link["id"] not in self.ids[ContactPhone]:
                link_tally.skipped += 1
                self._tick()

    def _owned(self, row: Row) -> Row:
        """A personal database's "known personally" (nobody named: its owner) named in full."""
        if row["familiarity"] == Familiarity.PERSONAL.value and _empty(row["known_by"]) and self.rep:
            return {**row, "known_by": self.rep}
        return row

    def _merged(self, target: Row, values: Row) -> Row:
        special = ("status", "familiarity", "known_by", "do_not_call", "notes", "created", "updated")
        changes = self._filled(Contact, target, values, skip=special)
        if _rank(Status, values["status"]) > _rank(Status, target["status"]):
            changes["status"] = values["status"]
        ours, theirs = _rank(Familiarity, target["familiarity"]), _rank(Familiarity, values["familiarity"])
        if theirs > ours:
            changes["familiarity"] = values["familiarity"]
            changes["known_by"] = values["known_by"]
        elif theirs == ours and _empty(target["known_by"]) and not _empty(values["known_by"]):
            changes["known_by"] = values["known_by"]
        if values["do_not_call"] and not target["do_not_call"]:
            changes["do_not_call"] = True
        notes = _joined(target["notes"], values["notes"])
        if notes != target["notes"]:
            changes["notes"] = notes
        if values["created"] is not None and (
            target["created"] is None or values["created"] < target["created"]
        ):
            changes["created"] = values["created"]
        changes = {k: v for k, v in changes.items() if target.get(k) != v}
        later = values["updated"] is not None and (
            target["updated"] is None or values["updated"] > target["updated"]
        )
        if later and any(k != "created" for k in changes):
            changes["updated"] = values["updated"]
        return changes

    # --- calls ---

    def _calls(self) -> None:
        tally = self.report.calls
        uid = "uid" if "uid" in Call._meta.fields else None
        source = self.rows[Call]
        phone_ids = set(self.ids[Phone].values()) - self.new[Phone]
        found = {r["id"]: r for r in _rows_in(Call, Call.phone, phone_ids)}
        withheld = (r["raw"] for r in source if r["phone"] is None)
        found.update((r["id"], r) for r in _rows_in(Call, Call.raw, withheld, Call.phone.is_null()))
        if uid is not None:
            column = Call._meta.fields[uid]
            found.update((r["id"], r) for r in _rows_in(Call, column, (r[uid] for r in source if r[uid])))
        by_key: dict[tuple[object, ...], list[Row]] = defaultdict(list)
        by_uid: dict[object, Row] = {}
        for target in sorted(found.values(), key=lambda r: r["id"]):
            by_key[self._call_key(target)].append(target)
            if uid is not None and not _empty(target[uid]):
                by_uid.setdefault(target[uid], target)
        claimed: set[int] = set()
        self.call_rows: dict[int, Row] = {}
        for row in source:
            values = self._mapped(Call, row)
            target = None
            if uid is not None and not _empty(row[uid]):
                target = by_uid.get(row[uid])
            if target is None:
                target = next(
                    (
                        t
                        for t in by_key.get(self._call_key(values), ())
                        if t["id"] not in claimed
                        and (uid is None or _empty(t[uid]) or _empty(row[uid]) or t[uid] == row[uid])
                    ),
                    None,
                )
            if target is None:
                target = self._create(Call, values, tally)
                if uid is not None and not _empty(target[uid]):
                    by_uid[target[uid]] = target
            else:
                if target["id"] in claimed:  # the same uid twice in the source
                    tally.skipped += 1
                else:
                    self._found(Call, target, tally)
                changes = self._filled(Call, target, values, skip=("note",))
                note = _joined(target["note"], values["note"])
                if note != target["note"]:
                    changes["note"] = note
                self._complete(Call, target, changes, tally)
            claimed.add(target["id"])
            self.ids[Call][row["id"]] = target["id"]
            self.call_rows[target["id"]] = target
            self._tick()

    @staticmethod
    def _call_key(row: Row) -> tuple[object, ...]:
        phone = row["phone"]
        return (
            phone,
            "" if phone is not None else row["raw"],
            row["direction"],
            row["rep"],
            _second(row["started"]),
        )

    # --- callbacks ---

    def _callbacks(self) -> None:
        tally = self.report.callbacks
        rep = "rep" if "rep" in Callback._meta.fields else None
        calls = set(self.ids[Call].values()) - self.new[Call]
        contacts = set(self.ids[Contact].values()) - self.new[Contact]
        phones = set(self.ids[Phone].values()) - self.new[Phone]
        found = {r["id"]: r for r in _rows_in(Callback, Callback.call, calls)}
        found.update((r["id"], r) for r in _rows_in(Callback, Callback.contact, contacts))
        found.update((r["id"], r) for r in _rows_in(Callback, Callback.phone, phones))
        by_call: dict[int, list[Row]] = defaultdict(list)
        by_key: dict[tuple[object, ...], list[Row]] = defaultdict(list)

        def key(row: Row) -> tuple[object, ...]:
            contact = row["contact"]
            return (
                contact,
                row["phone"] if contact is None else None,
                _second(row["due"]),
                row[rep] if rep is not None else None,
            )

        for target in sorted(found.values(), key=lambda r: r["id"]):
            if target["call"] is not None:
                by_call[target["call"]].append(target)
            by_key[key(target)].append(target)
        claimed: set[int] = set()
        for row in self.rows[Callback]:
            if rep is not None and _empty(row[rep]) and self.rep:  # a personal file's: its owner's
                row = {**row, rep: self.rep}
            values = self._mapped(Callback, row)
            call = values["call"]
            target = None
            if call is not None:
                open_ = [t for t in by_call.get(call, ()) if t["id"] not in claimed]
                due = _second(values["due"])
                target = next((t for t in open_ if _second(t["due"]) == due), open_[0] if open_ else None)
            if target is None:
                target = next(
                    (
                        t
                        for t in by_key.get(key(values), ())
                        if t["id"] not in claimed and (call is None or t["call"] in (None, call))
                    ),
                    None,
                )
            if target is None:
                target = self._create(Callback, values, tally)
            else:
                self._found(Callback, target, tally)
                self._complete(Callback, target, self._filled(Callback, target, values), tally)
            claimed.add(target["id"])
            self.ids[Callback][row["id"]] = target["id"]
            self._tick()


__all__ = ["COPIED", "COPY_LOCK", "CopyReport", "Tally", "copy_into"]
