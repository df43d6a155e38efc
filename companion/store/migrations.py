"""Schema versions and the ordered steps that reach them.

SQLite keeps the version in ``PRAGMA user_version`` and marks our files with
``PRAGMA application_id``; other databases keep it in a one-row ``schema_version`` table.
Each step runs inside one transaction together with the version bump, and an existing
SQLite database is backed up (online backup API) before any step runs.

To change the schema: change the model, append a step that makes the same change with
``playhouse.migrate``, and commit a fixture database of the previous version with data in it
(``tests/fixtures/``); ``tests/test_store.py`` upgrades every fixture and compares the result
with a fresh database. Step 1 creates the tables from the models, so once a model changes,
step 1 must keep creating the *old* shape (freeze its definitions in the step).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from peewee import Database, SqliteDatabase

from companion.store.errors import StoreError
from companion.store.models import MODELS

#: "CCmp": written into every SQLite file we create, so a foreign SQLite file is refused.
APPLICATION_ID = 0x43436D70

Step = Callable[[Database], None]


def _v1_initial(database: Database) -> None:
    database.create_tables(MODELS, safe=False)


STEPS: tuple[Step, ...] = (_v1_initial,)
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
    database.execute_sql("INSERT INTO schema_version (version) VALUES (%s)" % int(version))


def _check_ours(database: Database, version: int) -> None:
    if not isinstance(database, SqliteDatabase):
        return
    app_id = int(database.execute_sql("PRAGMA application_id").fetchone()[0])
    tables = database.get_tables()
    if app_id not in (0, APPLICATION_ID) or (version == 0 and tables):
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
    """Bring ``database`` to ``len(steps)``; returns the version it had before."""
    current = schema_version(database)
    _check_ours(database, current)
    target = len(steps)
    if current > target:
        raise StoreError(
            f"this database was written by a newer Call Companion (schema {current}, "
            f"this version knows {target}); update the app to open it."
        )
    if current == target:
        return current
    if current > 0 and isinstance(database, SqliteDatabase) and database.database != ":memory:":
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup_sqlite(database, Path(f"{database.database}.v{current}-{stamp}.bak"))
    for version in range(current, target):
        with database.atomic():
            steps[version](database)
            _set_version(database, version + 1)
    return current
