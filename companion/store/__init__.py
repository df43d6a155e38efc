"""Opening the database: a SQLite file by default, a URL (PostgreSQL) for teams.

``open_database(target)`` connects, checks that the target really is a Call Companion
database (or a new one), migrates it, and binds the models. Nothing else.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peewee import Database, DatabaseError, SqliteDatabase, __exception_wrapper__

from companion.paths import TEAM_SCHEMES, without_password
from companion.store.errors import StoreError
from companion.store.migrations import SCHEMA_VERSION, migrate
from companion.store.models import db

#: how long opening a team database waits for its server (a hook's softphone waits with it)
CONNECT_TIMEOUT = 10

SQLITE_HEADER = b"SQLite format 3\x00"


def is_url(target: str) -> bool:
    return "://" in target and not target.lower().startswith("file:")


def open_database(target: str | os.PathLike[str]) -> Database:
    """Open (creating if needed) and migrate the database at ``target``; bind the models."""
    text = os.fspath(target)
    database = _open_url(text) if is_url(text) else _open_sqlite(Path(text).expanduser())
    try:
        migrate(database)
        if isinstance(database, SqliteDatabase):
            # only now that the file is known to be ours: WAL is written into the file itself
            database.execute_sql("PRAGMA journal_mode = wal")
    except DatabaseError as exc:
        database.close()
        raise StoreError(
            f"{without_password(text)}: cannot use this database ({_hidden(exc, text)})."
        ) from exc
    except StoreError:
        database.close()
        raise
    return database


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that writes. On SQLite it takes the write lock at its start (BEGIN
    IMMEDIATE): a transaction that read first and asks for the lock later is refused at once
    while another connection (the window's import) holds it, instead of waiting its turn.

    What fails inside leaves it as the error that caused it, always a peewee ``DatabaseError``:
    SQLite rolls back by itself on a full disk or an I/O error, and the rollback that follows
    ("no transaction is active") must not hide why; a raw ``sqlite3`` error (the import's
    ``executemany``) is given peewee's class, which the desk and the command line catch."""
    database = db.obj
    atomic = database.atomic("IMMEDIATE") if isinstance(database, SqliteDatabase) else database.atomic()
    try:
        with atomic:
            yield
    except (DatabaseError, sqlite3.Error) as exc:
        cause = _first_cause(exc)
        if cause is exc and isinstance(exc, DatabaseError):
            raise
        if isinstance(cause, DatabaseError):
            raise cause from None
        with __exception_wrapper__:
            raise cause from None


def _first_cause(exc: BaseException) -> BaseException:
    """The error before any failed rollbacks it set off."""
    while exc.__context__ is not None and any(m in str(exc) for m in _ROLLBACK_FAILED):
        exc = exc.__context__
    return exc


_ROLLBACK_FAILED = ("no transaction is active", "no such savepoint")


def close_database() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def _open_sqlite(path: Path) -> Database:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.")
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror}.") from exc
        if header != SQLITE_HEADER:
            raise StoreError(f"{path} is not a Call Companion database (not an SQLite file).")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc.strerror}.") from exc
    # Connection settings only: nothing here writes to the file. WAL (which does) is switched
    # on by open_database once migrate() has made sure the file is ours and not too new.
    database = SqliteDatabase(
        str(path),
        pragmas={
            "foreign_keys": 1,
            "synchronous": "full",  # a logged outcome survives even a power cut
            # a write waits this long for another's: an import saving 100,000 calls takes ~5 s
            "busy_timeout": 10000,
            "cache_size": -16000,
        },
    )
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
    except DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database ({exc}).") from exc
    return database


def _open_url(url: str) -> Database:
    from playhouse.db_url import connect

    try:
        team = url.strip().lower().startswith(TEAM_SCHEMES)
        database = _open_postgresql(url) if team else connect(url)
    except (ImportError, RuntimeError) as exc:
        raise StoreError(f"no database driver for {url.split('://')[0]} ({exc}).") from exc
    except ValueError as exc:
        raise StoreError(f"not a database URL: {_hidden(exc, url).rstrip('.')}.") from exc
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
    except DatabaseError as exc:
        raise StoreError(f"cannot connect to the team database: {_hidden(exc, url)}".strip()) from exc
    return database


def _open_postgresql(url: str) -> Database:
    """A team database, read as ``check_connection`` reads it (user, password and database
    name percent-decoded), with a connect timeout unless the address gives one."""
    from peewee import PostgresqlDatabase

    from companion.store.probe import connect_params

    params = connect_params(url)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    return PostgresqlDatabase(params.pop("database"), **params)


def _hidden(exc: BaseException, url: str) -> str:
    """The error's words without the address's password."""
    from companion.store.probe import connect_params, hide

    try:
        password = str(connect_params(url).get("password", "")) if "://" in url else ""
    except ValueError:
        password = ""
    return hide(str(exc), (password,))


__all__ = ["SCHEMA_VERSION", "StoreError", "close_database", "is_url", "open_database", "write_transaction"]
