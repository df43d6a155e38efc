"""Schema versions and the ordered steps that reach them.

SQLite keeps the version in ``PRAGMA user_version`` and marks our files with
``PRAGMA application_id``; other databases keep it in a one-row ``schema_version`` table.
Each step runs inside one transaction together with the version bump, and an existing
SQLite database is backed up (online backup API) before any step runs.

To change the schema: change the model, append a step that makes the same change with
``playhouse.migrate``, and commit a fixture database of the previous version with data in it
(``tests/fixtures/``); ``tests/test_store.py`` upgrades every fixture and compares the result
with a fresh database, and compares a database the steps made with one made from the models
(``tests/test_team.py`` does the same on PostgreSQL). Step 1 creates schema 1 from definitions
frozen in it, whatever the models look like now.

Schema 2: ``callback.rep`` (the rep who owes it). Schema 3: ``call.uid`` (exactly-once logging).
On PostgreSQL, ``migrate()`` runs under an advisory lock (``MIGRATION_LOCK``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from peewee import (
    BooleanField,
    Database,
    DatabaseError,
    DateTimeField,
    ForeignKeyField,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)
from playhouse import migrate as pw

from companion.store.errors import StoreError

#: "CCmp": written into every SQLite file we create, so a foreign SQLite file is refused.
APPLICATION_ID = 0x43436D70
#: the PostgreSQL advisory lock (one 64-bit key: "CCmp" "migr") that migrate() holds on a team
#: database while it reads the version and runs the steps: reps starting a new version at the
#: same moment take turns, and all but the first find nothing left to do
MIGRATION_LOCK = (APPLICATION_ID << 32) | 0x6D696772

Step = Callable[[Database], None]


def _v1_initial(database: Database) -> None:
    """The tables as schema 1 had them: frozen here, so that a database made by step 1 and
    brought up by the later steps is the same as one made now."""

    target = database

    class Base(Model):
        class Meta:
            database = target
            legacy_table_names = False

    class Contact(Base):
        name = TextField(default="")
        company = TextField(default="")
        email = TextField(default="")
        notes = TextField(default="")
        status = TextField(default="person")
        referred_by = TextField(default="")
        source = TextField(default="")
        familiarity = TextField(default="none")
        known_by = TextField(default="")
        do_not_call = BooleanField(default=False)
        created = DateTimeField()
        updated = DateTimeField()

    class Phone(Base):
        number = TextField(unique=True)
        raw = TextField(default="")
        valid = BooleanField(default=False)
        chosen = ForeignKeyField(Contact, null=True, on_delete="SET NULL")

    class ContactPhone(Base):
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        phone = ForeignKeyField(Phone, on_delete="CASCADE")
        raw = TextField(default="")
        label = TextField(default="")

        class Meta:
            indexes = ((("contact", "phone"), True),)

    class Call(Base):
        phone = ForeignKeyField(Phone, null=True, on_delete="SET NULL")
        contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
        raw = TextField(default="")
        direction = TextField()
        rep = TextField(default="")
        started = DateTimeField()
        ended = DateTimeField(null=True)
        kind = TextField()
        kind_auto = TextField()
        temperature = TextField()
        outcome = TextField(null=True)
        logged = DateTimeField(null=True)
        note = TextField(default="")

        class Meta:
            indexes = (
                (("phone", "started"), False),
                (("contact", "started"), False),
                (("outcome", "started"), False),
                (("started",), False),
            )

    class Callback(Base):
        contact = ForeignKeyField(Contact, null=True, on_delete="CASCADE")
        phone = ForeignKeyField(Phone, null=True, on_delete="CASCADE")
        call = ForeignKeyField(Call, null=True, on_delete="SET NULL")
        due = DateTimeField()
        promise = TextField(default="")
        reason = TextField(default="asked")
        created = DateTimeField()
        done = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("contact", "done"), False),
                (("phone", "done"), False),
                (("done", "due"), False),
            )

    database.create_tables([Contact, Phone, ContactPhone, Call, Callback], safe=False)


def _v2_callback_rep(database: Database) -> None:
    """A callback belongs to the rep who owes it: existing ones take the rep of the call that
    asked for them ("" where that call is gone: every rep still sees it)."""
    # NOT NULL with a default in one ALTER TABLE, on SQLite and PostgreSQL alike: playhouse's
    # add_column would add it nullable and then rebuild the table on SQLite to forbid NULL
    database.execute_sql("ALTER TABLE callback ADD COLUMN rep TEXT NOT NULL DEFAULT ''")
    database.execute_sql(
        'UPDATE callback SET rep = COALESCE((SELECT c.rep FROM "call" c WHERE c.id = callback.call_id), '
        "'') WHERE call_id IS NOT NULL"
    )


def _v3_call_uid(database: Database) -> None:
    """A logged call may carry a unique id of its own (exactly-once logging)."""
    migrator = pw.SchemaMigrator.from_database(database)
    pw.migrate(migrator.add_column("call", "uid", TextField(null=True, unique=True)))


STEPS: tuple[Step, ...] = (_v1_initial, _v2_callback_rep, _v3_call_uid)
SCHEMA_VERSION = len(STEPS)


def schema_version(database: Database) -> int:
    if isinstance(database, SqliteDatabase):
        return int(database.execute_sql("PRAGMA user_version").fetchone()[0])
    if not database.table_exists("schema_version"):
        return 0
    row = database.execute_sql("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def _set_version(database: Database, version: int) -> None:
    if isinstance(database, SqliteDatabase):
        database.execute_sql(f"PRAGMA user_version = {int(version)}")
        database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    if not database.table_exists("schema_version"):
        database.execute_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql(f"INSERT INTO schema_version (version) VALUES ({int(version)})")


def _check_ours(database: Database, version: int) -> None:
    """Ours carries our application_id (set with every version bump); an empty file is new.

    Anything else — another program's tables, or a ``user_version`` without our id (many
    programs use user_version) — is refused before anything is written to it.
    """
    if not isinstance(database, SqliteDatabase):
        return
    app_id = int(database.execute_sql("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return
    objects = int(database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0])
    if app_id != 0 or version != 0 or objects:
        raise StoreError(f"{database.database} is an SQLite file of another program, not ours.")


def backup_sqlite(database: SqliteDatabase, target: Path) -> Path:
    """Copy a live SQLite database with the online backup API (never a file copy)."""
    destination = sqlite3.connect(str(target))
    try:
        database.connection().backup(destination)
    finally:
        destination.close()
    return target


def migrate(database: Database, steps: Sequence[Step] = STEPS) -> int:
    """Bring ``database`` to ``len(steps)``; returns the version it had before.

    The backup is taken first; then on SQLite the version is read again under the write lock
    (``BEGIN IMMEDIATE``), so two processes opening a new or old file at the same moment (two
    windows started at once, a hook and the window) migrate it once: the second waits, then
    finds it done. On PostgreSQL the whole of it — reading the version, every step — happens
    under the advisory lock ``MIGRATION_LOCK``: several reps starting a new version at the same
    moment take turns, and the ones after the first find the schema current."""
    if isinstance(database, PostgresqlDatabase):
        with _advisory_lock(database):
            return _migrate(database, steps)
    return _migrate(database, steps)


@contextmanager
def _advisory_lock(database: Database) -> Iterator[None]:
    """Hold PostgreSQL's session-level advisory lock ``MIGRATION_LOCK`` (waiting for it)."""
    database.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        yield
    finally:
        with suppress(DatabaseError):  # the connection is gone, and the lock with it
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _migrate(database: Database, steps: Sequence[Step]) -> int:
    current = _check(database, schema_version(database), len(steps))
    if current == len(steps):
        return current
    if current > 0 and isinstance(database, SqliteDatabase) and database.database != ":memory:":
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        # the process id too: two processes upgrading in the same second keep their own copies
        target_file = Path(f"{database.database}.v{current}-{stamp}-{os.getpid()}.bak")
        try:
            backup_sqlite(database, target_file)
        except (sqlite3.Error, OSError) as exc:  # no upgrade without a backup
            raise StoreError(f"cannot back up {database.database} before upgrading it: {exc}.") from exc
    sqlite = isinstance(database, SqliteDatabase)
    # a step that rebuilds a table (playhouse.migrate does, to add a NOT NULL column or change
    # one) drops the old one: with foreign keys on, that DELETE would cascade to every contact's
    # numbers and callbacks. Off for the steps (it can only be switched outside a transaction),
    # and each step's links checked before it commits.
    keys_on = sqlite and bool(database.execute_sql("PRAGMA foreign_keys").fetchone()[0])
    if keys_on:
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for version in range(current, len(steps)):
            # each step in its own transaction, under the write lock on SQLite; a step another
            # process has done meanwhile is not done twice
            lock = database.atomic("IMMEDIATE") if sqlite else database.atomic()
            with lock:
                if _check(database, schema_version(database), len(steps)) > version:
                    continue
                steps[version](database)
                if sqlite:
                    _check_links(database, version + 1)
                _set_version(database, version + 1)
    finally:
        if keys_on:
            database.execute_sql("PRAGMA foreign_keys = ON")
    return current


def _check_links(database: Database, version: int) -> None:
    broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = ", ".join(sorted({str(row[0]) for row in broken}))
        raise StoreError(
            f"upgrading {database.database} to schema {version} would break {len(broken)} links "
            f"between tables ({tables}); nothing was changed."
        )


def _check(database: Database, current: int, target: int) -> int:
    _check_ours(database, current)
    if current > target:
        raise StoreError(
            f"this database was written by a newer Call Companion (schema {current}, "
            f"this version knows {target}); update the app to open it."
        )
    return current
