"""Databases that fight back: locked by another process, read-only, full, older, newer.

Each case ends in one of two ways only: the write is saved, or the rep reads one clear
"Not saved: …" sentence (the command line: one line on stderr, exit 2) and the database is
exactly as before, sound (``integrity_check``), with every earlier record in it.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from peewee import SqliteDatabase, TextField
from playhouse import migrate as pw

import companion.store as store
from companion.cli import main
from companion.config import Settings
from companion.desk import BadInput, Desk
from companion.importers import import_file
from companion.store import SCHEMA_VERSION, close_database, open_database
from companion.store.migrations import STEPS, migrate
from companion.store.models import MODELS, Call, Contact, db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IVAN = "+74993224685"
OLGA = "+79161234567"
LOCKED = "Not saved: the database is locked by another program; try again."
READ_ONLY = "Not saved: the database is read-only."
FULL = "Not saved: the disk is full; free some space and try again."

#: another program: takes the write lock with a change of its own pending, says so, waits for
#: a line on stdin, then ends its transaction as told (COMMIT or ROLLBACK)
LOCKER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
con.execute("BEGIN EXCLUSIVE")
con.execute("UPDATE contact SET notes = 'the other program was here'")
print("locked", flush=True)
sys.stdin.readline()
con.execute(sys.argv[2])
con.close()
print("released", flush=True)
"""


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in MODELS}


def file_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        tables = ("contact", "phone", "contact_phone", "call", "callback")
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def integrity() -> str:
    return str(db.obj.execute_sql("PRAGMA integrity_check").fetchone()[0])


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


def one_line(err: str) -> str:
    assert err.startswith("companion: ") and err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


@pytest.fixture
def desk(database: object, clock: object) -> Desk:
    desk = Desk(Settings(region="RU", rep="me", lang="en"), clock=clock)  # type: ignore[arg-type]
    desk.log(IVAN, "in", "deal", note="the earlier call")
    return desk


def every_open_runs(monkeypatch: pytest.MonkeyPatch, *statements: str) -> None:
    """The command line's own connection gets these settings too (a pragma is per connection)."""
    real = store.open_database

    def opened(target: str | os.PathLike[str]) -> object:
        database = real(target)
        for sql in statements:
            database.execute_sql(sql)
        return database

    monkeypatch.setattr(store, "open_database", opened)


# --- locked by another process -------------------------------------------------------------


class Locker:
    def __init__(self, path: Path, end: str) -> None:
        self._once = threading.Lock()
        self._released = False
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path), end],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == "locked\n", self.process.stderr.read() if self.process.stderr else line

    def release(self) -> None:
        with self._once:
            if not self._released:
                self._released = True
                assert self.process.stdin is not None
                self.process.stdin.write("go\n")
                self.process.stdin.flush()

    def wait(self) -> None:
        self.release()
        out, err = self.process.communicate(timeout=30)
        assert (out, err) == ("released\n", "")


@contextmanager
def locked_by_another_process(path: Path, end: str = "ROLLBACK") -> Iterator[Locker]:
    locker = Locker(path, end)
    try:
        yield locker
    finally:
        locker.wait()


def test_a_write_waits_for_another_process_and_is_saved_when_the_lock_goes(desk: Desk, db_path: Path) -> None:
    with locked_by_another_process(db_path, "COMMIT") as other:
        threading.Timer(0.3, other.release).start()
        card = desk.begin_call(OLGA, "in")  # waits in the busy timeout, then writes
    assert card.call_id is not None
    assert Call.get_by_id(card.call_id).raw == OLGA
    # both writes are there: the other program's and ours
    assert {c.notes for c in Contact.select()} == {"the other program was here"}
    assert integrity() == "ok"


def test_a_lock_held_longer_than_the_wait_gives_not_saved_and_half_of_nothing(
    desk: Desk, db_path: Path
) -> None:
    before = counts()
    with locked_by_another_process(db_path):
        db.obj.execute_sql("PRAGMA busy_timeout = 200")  # the test does not wait the 10 s
        with pytest.raises(BadInput) as error:
            # a log writes a call, a contact, a phone and a callback: all or none
            desk.log(OLGA, "in", "callback", note="call me", callback_at=None)
        assert str(error.value) == LOCKED
        assert counts() == before
        card = desk.lookup(IVAN, "in")  # reading goes on while another holds the lock (WAL)
        assert [c.note for c in card.history] == ["the earlier call"]
    desk.log(OLGA, "in", "talked")  # the same click once the lock has gone
    assert counts()["Call"] == before["Call"] + 1
    assert integrity() == "ok"


def test_the_command_line_says_not_saved_when_the_lock_stays(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    close_database()
    before = file_counts(db_path)
    every_open_runs(monkeypatch, "PRAGMA busy_timeout = 200")
    with locked_by_another_process(db_path):
        code, out = cli("--db", str(db_path), "log", OLGA, "--direction", "in", "--outcome", "deal")
        assert (code, out) == (2, "")
        assert one_line(capsys.readouterr().err) == f"companion: {LOCKED}"
        code, out = cli("--db", str(db_path), "--region", "RU", "lookup", IVAN)
        assert code == 0 and "the earlier call" in out
    assert file_counts(db_path) == before


# --- read-only -----------------------------------------------------------------------------


@pytest.fixture(params=["query-only", "file-mode"])
def read_only(request: pytest.FixtureRequest, desk: Desk, db_path: Path) -> Iterator[Desk]:
    """The database as one the rep cannot write: the connection made read-only, or the file."""
    if request.param == "query-only":
        db.obj.execute_sql("PRAGMA query_only = 1")
        yield desk
        db.obj.execute_sql("PRAGMA query_only = 0")
        return
    if modes_are_ignored(db_path.parent):
        pytest.skip("root writes a file whatever its mode; the query-only case covers this one")
    close_database()
    db_path.chmod(0o444)
    try:
        open_database(db_path)
        yield desk
    finally:
        close_database()
        db_path.chmod(0o644)
        open_database(db_path)


def modes_are_ignored(folder: Path) -> bool:
    """Root (with CAP_DAC_OVERRIDE) opens a read-only file for writing all the same."""
    probe = folder / "probe"
    probe.write_bytes(b"")
    probe.chmod(0o444)
    try:
        with probe.open("ab"):
            return True
    except PermissionError:
        return False
    finally:
        probe.chmod(0o644)
        probe.unlink()


def test_a_read_only_database_says_so_loses_nothing_and_still_answers(read_only: Desk) -> None:
    before = counts()
    for write in (
        lambda: read_only.begin_call(OLGA, "in"),
        lambda: read_only.log(OLGA, "out", "deal", note="big order"),
        lambda: read_only.log(IVAN, "in", "callback", note="later"),
    ):
        with pytest.raises(BadInput) as error:
            write()
        assert str(error.value) == READ_ONLY
    assert counts() == before
    card = read_only.lookup("8 (499) 322-46-85", "in")
    assert [c.note for c in card.history] == ["the earlier call"]
    assert read_only.callbacks() == []


def test_the_command_line_on_a_read_only_database(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    close_database()
    every_open_runs(monkeypatch, "PRAGMA query_only = 1")
    before = db_path.read_bytes()
    code, out = cli("--db", str(db_path), "log", OLGA, "--direction", "in", "--outcome", "deal")
    assert (code, out) == (2, "")
    assert one_line(capsys.readouterr().err) == f"companion: {READ_ONLY}"
    code, out = cli("--db", str(db_path), "--region", "RU", "lookup", IVAN)
    assert code == 0 and "the earlier call" in out
    assert db_path.read_bytes() == before


# --- a full disk ---------------------------------------------------------------------------


def fill_up(database: SqliteDatabase) -> int:
    """No more pages than the file has now and a few: the disk is full a few writes from now."""
    pages = int(database.execute_sql("PRAGMA page_count").fetchone()[0])
    database.execute_sql(f"PRAGMA max_page_count = {pages + 3}")
    return pages


def test_logging_onto_a_full_disk_says_so_and_keeps_the_database_sound(desk: Desk) -> None:
    fill_up(db.obj)
    saved: list[int] = []
    with pytest.raises(BadInput) as error:  # noqa: PT012 - the loop runs until the disk is full
        for n in range(2000):
            logged = desk.log(f"+7916{n:07d}", "out", "talked", note="x" * 1500)
            saved.append(logged.call.id)
    assert str(error.value) == FULL
    assert integrity() == "ok"
    assert [c.id for c in Call.select().order_by(Call.id)][1:] == saved  # every saved call, no partial one
    assert Call.get_by_id(1).note == "the earlier call"
    db.obj.execute_sql("PRAGMA max_page_count = 1073741823")  # space freed
    desk.log(OLGA, "in", "deal")
    assert Call.select().count() == len(saved) + 2


def contacts_file(tmp_path: Path, rows: int = 3000) -> Path:
    path = tmp_path / "many.csv"
    lines = ["Name,Phone,Company"] + [f"Person {n},+7916{n:07d},Company {n}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_onto_a_full_disk_writes_none_of_its_rows(desk: Desk, tmp_path: Path) -> None:
    from peewee import DatabaseError

    fill_up(db.obj)
    before = counts()
    with pytest.raises(DatabaseError, match="full"):
        import_file(desk, contacts_file(tmp_path))
    assert counts() == before
    assert integrity() == "ok"


def test_the_command_line_import_onto_a_full_disk_says_so_in_one_line(
    desk: Desk,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    close_database()
    before = file_counts(db_path)
    real = store.open_database

    def opened(target: str | os.PathLike[str]) -> object:
        database = real(target)
        fill_up(database)
        return database

    monkeypatch.setattr(store, "open_database", opened)
    code, out = cli("--db", str(db_path), "import", str(contacts_file(tmp_path)))
    assert (code, out) == (2, "")
    assert "disk is full" in one_line(capsys.readouterr().err)
    assert file_counts(db_path) == before
    code, out = cli(
        "--db", str(db_path), "log", OLGA, "--direction", "in", "--outcome", "deal", "--note", "x" * 40_000
    )
    assert code == 2 and one_line(capsys.readouterr().err) == f"companion: {FULL}"
    monkeypatch.setattr(store, "open_database", real)
    assert file_counts(db_path) == before
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


# --- an older schema (the committed fixture) through the command line ---------------------------


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old" / "companion.sqlite3"
    target.parent.mkdir()
    shutil.copyfile(FIXTURES / "schema_v1.sqlite3", target)
    return target


def test_the_command_line_reads_and_writes_a_v1_database_and_keeps_its_data(v1_copy: Path) -> None:
    code, out = cli("--db", str(v1_copy), "status")
    assert code == 0 and out.startswith("3 contacts, 3 calls, 1 open callbacks.")
    code, out = cli("--db", str(v1_copy), "--region", "RU", "lookup", "8 (499) 322-46-85")
    assert code == 0 and "Иван Петров" in out and "signed for a year" in out
    # "me" asked for the fixture's callback (schema 2 gives it the rep of its call): their call keeps it
    code, _ = cli("--db", str(v1_copy), "--region", "RU", "--rep", "me", "log", "+7 916 123-45-67",
                  "--direction", "out", "--outcome", "deal", "--note", "price list sent")  # fmt: skip
    assert code == 0
    con = sqlite3.connect(v1_copy)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT note FROM call ORDER BY id").fetchall() == [
            ("signed for a year",),
            ("wants the price list",),
            ("",),
            ("price list sent",),
        ]
        assert con.execute("SELECT done IS NOT NULL FROM callback").fetchall() == [(1,)]  # kept, then closed
    finally:
        con.close()


def test_an_upgrade_through_the_command_line_backs_up_first_and_keeps_every_row(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the next schema version will: a step is added, the old file opened by the CLI."""

    def add_nickname(database: SqliteDatabase) -> None:
        pw.migrate(pw.SqliteMigrator(database).add_column("contact", "nickname", TextField(default="")))

    monkeypatch.setattr(store, "migrate", partial(migrate, steps=(*STEPS, add_nickname)))
    before = file_counts(v1_copy)
    code, out = cli("--db", str(v1_copy), "status")
    assert code == 0 and out.startswith("3 contacts, 3 calls, 1 open callbacks.")
    assert file_counts(v1_copy) == before
    con = sqlite3.connect(v1_copy)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(STEPS) + 1
        assert con.execute("SELECT name, nickname FROM contact ORDER BY id").fetchall() == [
            ("Иван Петров", ""),
            ("Olga Smirnova", ""),
            ("Reception", ""),
        ]
    finally:
        con.close()
    (backup,) = v1_copy.parent.glob("companion.sqlite3.v1-*.bak")
    assert file_counts(backup) == before  # the file as it was before the upgrade
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "nickname" not in [r[1] for r in con.execute("PRAGMA table_info(contact)")]
    finally:
        con.close()


# --- a newer schema --------------------------------------------------------------------------


@pytest.fixture
def newer(tmp_path: Path) -> Path:
    path = tmp_path / "newer" / "companion.sqlite3"
    open_database(path)
    Desk(Settings(region="RU", rep="me", lang="en")).log(IVAN, "in", "deal", note="from a newer app")
    close_database()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = delete")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    return path


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "window": lambda tmp: [],
    "window-for-a-hook": lambda tmp: ["window", "--call", "1"],
    "lookup": lambda tmp: ["lookup", IVAN],
    "status": lambda tmp: ["status"],
    "callbacks": lambda tmp: ["callbacks"],
    "import": lambda tmp: ["import", str(contacts_file(tmp, rows=2))],
    "export": lambda tmp: ["export", "calls", str(tmp / "calls.csv")],
    "incoming": lambda tmp: ["incoming", IVAN, "--json"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_newer_database_is_refused_by_every_command_and_left_byte_identical(
    newer: Path,
    tmp_path: Path,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import companion.ui.app as app

    opened: list[object] = []
    monkeypatch.setattr(app, "run_window", lambda *a, **k: opened.append(a) or 0)  # never a real window here
    before = folder_bytes(newer.parent)
    code, out = cli("--db", str(newer), *COMMANDS[command](tmp_path))
    assert (code, out, opened) == (2, "", [])
    line = one_line(capsys.readouterr().err)
    assert f"written by a newer Call Companion (schema {SCHEMA_VERSION + 1}" in line
    assert "update the app" in line
    assert folder_bytes(newer.parent) == before
    assert not (tmp_path / "calls.csv").exists()


def test_the_window_started_on_a_newer_database_exits_with_one_line(newer: Path, tmp_path: Path) -> None:
    before = folder_bytes(newer.parent)
    result = subprocess.run(
        [sys.executable, "-m", "companion", "--db", str(newer)],
        cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "newer Call Companion" in one_line(result.stderr)
    assert folder_bytes(newer.parent) == before
