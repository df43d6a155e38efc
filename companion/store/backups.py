"""Backups of a SQLite database: made now, kept daily, and put back.

Every copy goes through SQLite's online backup API, never a copy of the file: the database
may be open in the window (WAL: part of it lives in the ``-wal`` file) and a file copy taken
mid-write is a damaged database. A backup is written to a hidden ``.partial`` file, checked
(``PRAGMA quick_check``) and only then renamed to its name, so a backup that exists is whole.

- ``backup_now(database, folder)``: a backup in ``folder`` named with the date and time.
- ``daily_backup(database, folder, now, keep=7)``: one per calendar day
  (``companion-2026-11-25.sqlite3``), the newest ``keep`` kept; a failure is logged and
  returned as None, never raised (the window calls it at start and once a day).
- ``restore(database_path, backup_file)``: checks the backup is a Call Companion database
  this version can open (an older one is migrated, a copy of it, never the file itself),
  keeps a copy of the current database in the backups folder, then copies the backup in.
  Refused while a window of this user is open.

The backups folder is ``backups/`` beside the database (``backups_folder``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peewee import SqliteDatabase

from companion.i18n import translate
from companion.store import migrations
from companion.store.errors import StoreError
from companion.store.migrations import APPLICATION_ID
from companion.store.models import MODELS

log = logging.getLogger("companion.store")

SQLITE_HEADER = b"SQLite format 3\x00"
#: how long a backup waits for another program's lock on the database before giving up
LOCK_WAIT_SECONDS = 10.0
KEEP_DAILY = 7
SUFFIX = ".sqlite3"

Source = SqliteDatabase | str | os.PathLike[str]


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: the schema the backup had, and where the replaced database went."""

    version: int
    kept: Path | None


def backups_folder(database_path: str | os.PathLike[str]) -> Path:
    return Path(database_path).expanduser().absolute().parent / "backups"


def daily_name(database_path: str | os.PathLike[str], day: datetime) -> str:
    return f"{_stem(database_path)}-{day:%Y-%m-%d}{SUFFIX}"


# --- making backups ------------------------------------------------------------------------


def backup_now(database: Source, folder: str | os.PathLike[str]) -> Path:
    """A backup of ``database`` in ``folder`` (created if needed), named with the time now."""
    path = _path_of(database)
    stamp = datetime.now().astimezone()
    target = Path(folder) / f"{_stem(path)}-{stamp:%Y-%m-%d-%H%M%S}{SUFFIX}"
    n = 1
    while target.exists():  # two in the same second
        n += 1
        target = Path(folder) / f"{_stem(path)}-{stamp:%Y-%m-%d-%H%M%S}-{n}{SUFFIX}"
    return backup_to(path, target)


def backup_to(database: Source, target: str | os.PathLike[str]) -> Path:
    """Back ``database`` up into the file ``target``. An existing ``target`` is replaced only
    when it is a Call Companion database itself (an older backup), never another file."""
    source = _path_of(database)
    target = Path(target).expanduser()
    if target.is_dir():
        raise StoreError(
            translate("backups", "{file} is a folder; name the backup file.").format(file=target)
        )
    if target.exists() and target.stat().st_size > 0 and not _is_ours(target):
        raise StoreError(
            translate(
                "backups", "{file} exists and is not a Call Companion backup; choose another name."
            ).format(file=target)
        )
    if _same_file(source, target):
        raise StoreError(translate("backups", "{file} is the database itself.").format(file=target))
    try:
        connection = _open_source(source)
    except sqlite3.Error as exc:
        raise StoreError(_cannot_back_up(source, exc)) from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        connection.close()
        raise StoreError(_cannot_write(target, exc)) from exc
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        _copy(connection, partial, after=_self_contained)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise StoreError(_cannot_back_up(source, exc)) from exc
    except OSError as exc:
        raise StoreError(_cannot_write(target, exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    return target


def daily_backup(
    database: Source, folder: str | os.PathLike[str], now: datetime, keep: int = KEEP_DAILY
) -> Path | None:
    """Today's backup (``now``'s calendar day) if there is none yet, then the oldest daily
    backups beyond ``keep`` removed. The new file, or None: already made today, or it failed
    (logged; a failed backup removes none of the older ones)."""
    try:
        path = _path_of(database)
        folder = Path(folder)
        target = folder / daily_name(path, now)
        if target.exists():
            return None
        _remove_leftovers(folder)
        made = backup_to(path, target)
        for old in daily_backups(path, folder)[:-keep] if keep > 0 else []:
            old.unlink(missing_ok=True)
        log.info("daily backup: %s", made)
        return made
    except (StoreError, OSError, sqlite3.Error) as exc:
        log.warning("daily backup of %s failed: %s", database, exc)
        return None


def daily_backups(database_path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[Path]:
    """The daily backups of this database in ``folder``, oldest first."""
    pattern = re.compile(rf"{re.escape(_stem(database_path))}-\d{{4}}-\d{{2}}-\d{{2}}{re.escape(SUFFIX)}")
    try:
        found = [p for p in Path(folder).iterdir() if pattern.fullmatch(p.name) and p.is_file()]
    except FileNotFoundError:
        return []
    return sorted(found, key=lambda p: p.name)


def daily_task(database: str) -> Callable[[], Path | None] | None:
    """What the window runs at start and once a day: None for a database that is not a file
    (a team database's server keeps its backups; ``:memory:`` has nothing to keep)."""
    if "://" in database or not database or database == ":memory:":
        return None
    path = Path(database).expanduser().absolute()
    folder = backups_folder(path)

    def task() -> Path | None:
        try:
            return daily_backup(path, folder, datetime.now().astimezone())
        except Exception:  # on the window's pool thread: logged with its traceback, the app goes on
            log.exception("daily backup of %s failed", path)
            return None

    return task


# --- restoring -----------------------------------------------------------------------------


def restore(
    database_path: str | os.PathLike[str],
    backup_file: str | os.PathLike[str],
    *,
    now: datetime | None = None,
    window_open: Callable[[], bool] | None = None,
) -> Restored:
    """Put ``backup_file`` in place of the database at ``database_path``.

    Refused while a window is open (``window_open``, by default the window's lock), for a
    file that is not a Call Companion database, one from a newer version, or a damaged one.
    The current database, if any, is first backed up into the backups folder.
    """
    database = Path(database_path).expanduser().absolute()
    backup = Path(backup_file).expanduser()
    if (window_open or window_is_open)():
        raise StoreError(
            translate(
                "backups", "Call Companion is open: quit it (Quit in its tray menu), then restore the backup."
            )
        )
    version = check_backup(backup)
    if _same_file(database, backup):
        raise StoreError(translate("backups", "{file} is the database itself.").format(file=backup))
    stamp = (now or datetime.now()).astimezone()
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_cannot_write(database, exc)) from exc
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=database.parent) as work:
        staged = Path(work) / database.name
        try:
            _copy(_open_readonly(backup), staged, after=_self_contained)
        except sqlite3.Error as exc:
            raise StoreError(_unreadable(backup, exc)) from exc
        if version < len(migrations.STEPS):
            _migrate(staged)
        kept = _keep_current(database, stamp) if _has_content(database) else None
        if kept is not None and not _is_ours(kept):
            # not a database of ours (damaged, or another file): nothing can have it open as
            # ours, and the backup API cannot write into it; its copy is kept, byte for byte
            _swap_in(staged, database)
        else:
            _put_in_place(staged, database)
    return Restored(version=version, kept=kept)


def check_backup(path: str | os.PathLike[str]) -> int:
    """The schema version of a backup this version can restore; StoreError, in words, if not."""
    path = Path(path)
    if not path.exists():
        raise StoreError(translate("backups", "{file}: no such file.").format(file=path))
    if path.is_dir():
        raise StoreError(translate("backups", "{file} is a folder, not a backup file.").format(file=path))
    if not _has_sqlite_header(path):
        raise StoreError(
            translate("backups", "{file} is not a Call Companion backup (not an SQLite file).").format(
                file=path
            )
        )
    try:
        con = _open_readonly(path)
        try:
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            check = str(con.execute("PRAGMA quick_check").fetchone()[0]) if app_id == APPLICATION_ID else ""
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise StoreError(_unreadable(path, exc)) from exc
    known = len(migrations.STEPS)
    if app_id != APPLICATION_ID or version < 1:
        raise StoreError(
            translate(
                "backups", "{file} is an SQLite file of another program, not a Call Companion backup."
            ).format(file=path)
        )
    if version > known:
        raise StoreError(
            translate(
                "backups",
                "{file} was made by a newer Call Companion (schema {version}, this version knows "
                "{known}); update the app to restore it.",
            ).format(file=path, version=version, known=known)
        )
    if check != "ok":
        raise StoreError(
            translate("backups", "{file} is damaged ({why}); choose another backup.").format(
                file=path, why=check
            )
        )
    return version


def window_is_open() -> bool:
    """Does a live process hold this user's window lock (``instance.py``'s QLockFile)? A
    window that cannot listen still holds the database, so this does not ask the channel."""
    from companion import ipc

    try:
        lock = ipc.lock_path()
    except ipc.ChannelError:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:  # Qt keeps its lock file open without write sharing while it holds it
            with open(lock, "r+b"):
                return False
        except PermissionError:
            return True
        except OSError:
            return False
    try:
        pid = int(lock.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False  # a crashed window's lock: the window takes it over too
    except PermissionError:
        return True
    return True


# --- the copying ---------------------------------------------------------------------------


def _copy(
    source: sqlite3.Connection,
    target: Path,
    *,
    after: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """``source`` (closed afterwards) into the file ``target``, in one step of the backup API
    (a consistent snapshot even while others write), waiting at most LOCK_WAIT_SECONDS."""
    try:
        destination = sqlite3.connect(str(target), timeout=LOCK_WAIT_SECONDS)
        try:
            source.backup(destination, progress=_give_up_after(LOCK_WAIT_SECONDS))
            if after is not None:
                after(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _give_up_after(seconds: float) -> Callable[[int, int, int], None]:
    """The backup API retries a locked database forever: this stops it, as a locked error."""
    deadline = time.monotonic() + seconds

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    return progress


def _self_contained(con: sqlite3.Connection) -> None:
    """A backup is one file (no ``-wal`` beside it), checked before it gets its name."""
    con.execute("PRAGMA journal_mode = delete")
    check = str(con.execute("PRAGMA quick_check").fetchone()[0])
    if check != "ok":
        raise sqlite3.DatabaseError(f"the copy is damaged ({check})")


def _migrate(staged: Path) -> None:
    """An older backup brought to this version's schema (a copy: the backup stays as it was)."""
    database = SqliteDatabase(str(staged), pragmas={"foreign_keys": 1})
    try:
        with database.bind_ctx(MODELS):
            migrations.migrate(database, steps=migrations.STEPS)
    except Exception as exc:
        raise StoreError(
            translate("backups", "The backup could not be upgraded to this version ({why}).").format(why=exc)
        ) from exc
    finally:
        database.close()


def _keep_current(database: Path, stamp: datetime) -> Path:
    folder = backups_folder(database)
    target = folder / f"{_stem(database)}-before-restore-{stamp:%Y-%m-%d-%H%M%S}{SUFFIX}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{_stem(database)}-before-restore-{stamp:%Y-%m-%d-%H%M%S}-{n}{SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        try:
            if _is_ours(database):
                _copy(_open_source(database), partial)
            else:  # damaged, or not ours: what is there is kept as it is
                shutil.copyfile(database, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    except (sqlite3.Error, OSError, StoreError) as exc:  # nothing is replaced without its copy
        raise StoreError(
            translate(
                "backups",
                "Not restored: the current database could not be kept first ({why}); nothing was changed.",
            ).format(why=exc)
        ) from exc
    return target


def _put_in_place(staged: Path, database: Path) -> None:
    """Through the backup API into the database file: a process that still has it open (a
    hook) sees the new content, and not a file swapped under it."""
    try:
        if database.exists():
            _match_page_size(staged, database)
        _copy(sqlite3.connect(str(staged)), database)
    except sqlite3.Error as exc:
        raise StoreError(_not_restored(database, exc)) from exc


def _swap_in(staged: Path, database: Path) -> None:
    try:
        for extra in ("-wal", "-shm", "-journal"):  # they belong to the file being replaced
            Path(f"{database}{extra}").unlink(missing_ok=True)
        os.replace(staged, database)
    except OSError as exc:
        raise StoreError(_not_restored(database, exc)) from exc


def _match_page_size(staged: Path, database: Path) -> None:
    """A WAL database takes a backup only of its own page size (the old fixture has 512)."""
    con = sqlite3.connect(str(database), timeout=LOCK_WAIT_SECONDS)
    try:
        size = int(con.execute("PRAGMA page_size").fetchone()[0])
    finally:
        con.close()
    con = sqlite3.connect(str(staged))
    try:
        if int(con.execute("PRAGMA page_size").fetchone()[0]) != size:
            con.execute(f"PRAGMA page_size = {size}")
            con.execute("VACUUM")
    finally:
        con.close()


# --- small helpers -------------------------------------------------------------------------


def _path_of(database: Source) -> Path:
    if isinstance(database, SqliteDatabase):
        name = str(database.database)
        if name == ":memory:" or not name:
            raise StoreError(translate("backups", "An in-memory database has no file to back up."))
        return Path(name).absolute()
    text = os.fspath(database)
    if "://" in text:
        raise StoreError(
            translate(
                "backups", "Only a database file is backed up here; back up a team database on its server."
            )
        )
    return Path(text).expanduser().absolute()


def _open_source(path: Path) -> sqlite3.Connection:
    """The database to copy, as it is: never created, and only if it is ours."""
    if not path.is_file() or path.stat().st_size == 0:
        raise StoreError(translate("backups", "{db}: there is no database to back up yet.").format(db=path))
    if not _is_ours(path):
        raise StoreError(translate("backups", "{db} is not a Call Companion database.").format(db=path))
    try:  # read-write (it never writes): closing it cleans up the WAL files as every process does
        return sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.OperationalError:  # a read-only file still backs up
        return _open_readonly(path)


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, timeout=LOCK_WAIT_SECONDS)


def _is_ours(path: Path) -> bool:
    if not _has_sqlite_header(path):
        return False
    try:
        con = _open_readonly(path)
        try:
            return int(con.execute("PRAGMA application_id").fetchone()[0]) == APPLICATION_ID
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _remove_leftovers(folder: Path) -> None:
    """Half-written backups of a process that stopped mid-way (they never got a name)."""
    mine = f".{os.getpid()}.partial"
    try:
        for leftover in folder.glob(".*.partial"):
            if not leftover.name.endswith(mine):
                leftover.unlink(missing_ok=True)
    except OSError:
        pass


def _stem(database_path: str | os.PathLike[str]) -> str:
    return Path(database_path).stem or "companion"


def _cannot_back_up(database: Path, exc: BaseException) -> str:
    return translate("backups", "{db} could not be backed up ({why}).").format(db=database, why=exc)


def _cannot_write(target: Path, exc: OSError) -> str:
    return translate("backups", "cannot write {file}: {why}.").format(file=target, why=exc.strerror or exc)


def _not_restored(database: Path, exc: BaseException) -> str:
    return translate("backups", "Not restored: {db} could not be written ({why}).").format(
        db=database, why=exc
    )


def _unreadable(path: Path, exc: BaseException) -> str:
    return translate("backups", "{file} cannot be read as a database ({why}).").format(file=path, why=exc)
