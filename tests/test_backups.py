"""Backups: made through SQLite's backup API, one a day kept for a week, and put back only
when they are ours, not newer, not damaged, and no window holds the database."""

from __future__ import annotations

import io
import logging
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from peewee import SqliteDatabase, TextField
from playhouse import migrate as pw

from companion.cli import main
from companion.config import Settings
from companion.desk import Desk
from companion.store import SCHEMA_VERSION, StoreError, close_database, open_database
from companion.store import backups as bk
from companion.store.migrations import APPLICATION_ID, STEPS
from companion.store.models import Call, Contact

FIXTURES = Path(__file__).parent / "fixtures"
IVAN = "+74993224685"
OLGA = "+79161234567"
DAY = datetime(2026, 11, 25, 9, 30).astimezone()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def integrity(path: Path) -> str:
    return str(rows(path, "PRAGMA integrity_check")[0][0])


def notes(path: Path) -> list[str]:
    return [str(r[0]) for r in rows(path, "SELECT note FROM call ORDER BY id")]


@pytest.fixture
def live(db_path: Path, clock: object) -> Iterator[Desk]:
    """The database open as the window has it (WAL), with one logged call."""
    open_database(db_path)
    desk = Desk(Settings(region="RU", rep="me", lang="en"), clock=clock)  # type: ignore[arg-type]
    desk.log(IVAN, "in", "deal", note="first")
    yield desk
    close_database()


def closed_database(path: Path, *call_notes: str) -> Path:
    open_database(path)
    desk = Desk(Settings(region="RU", rep="me", lang="en"))
    for note in call_notes:
        desk.log(IVAN, "in", "talked", note=note)
    close_database()
    return path


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


# --- making a backup -------------------------------------------------------------------------


def test_a_backup_of_the_open_database_is_one_whole_file(live: Desk, db_path: Path, tmp_path: Path) -> None:
    assert Path(f"{db_path}-wal").exists()  # part of the data is still in the WAL file
    made = bk.backup_now(db_path, tmp_path / "backups")
    assert made.parent == tmp_path / "backups" and made.suffix == ".sqlite3"
    assert made.name.startswith("test-")
    assert notes(made) == ["first"]
    assert integrity(made) == "ok"
    assert rows(made, "PRAGMA journal_mode") == [("delete",)]
    assert rows(made, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no -wal, no leftovers


def test_a_backup_taken_during_another_write_holds_only_what_was_committed(
    live: Desk, db_path: Path, tmp_path: Path
) -> None:
    other = sqlite3.connect(db_path)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE call SET note = 'half-written'")
        made = bk.backup_now(SqliteDatabase(str(db_path)), tmp_path)
    finally:
        other.rollback()
        other.close()
    assert notes(made) == ["first"]


def test_two_backups_in_the_same_second_keep_both(live: Desk, db_path: Path, tmp_path: Path) -> None:
    first = bk.backup_now(db_path, tmp_path / "b")
    second = bk.backup_now(db_path, tmp_path / "b")
    assert first != second and first.exists() and second.exists()


def test_a_backup_never_overwrites_a_file_that_is_not_a_backup(
    live: Desk, db_path: Path, tmp_path: Path
) -> None:
    letter = tmp_path / "letter.sqlite3"
    letter.write_text("Dear Olga,", encoding="utf-8")
    with pytest.raises(StoreError, match="not a Call Companion backup"):
        bk.backup_to(db_path, letter)
    assert letter.read_text(encoding="utf-8") == "Dear Olga,"


def test_a_backup_replaces_an_older_backup_of_the_same_name(
    live: Desk, db_path: Path, tmp_path: Path
) -> None:
    target = bk.backup_to(db_path, tmp_path / "latest.sqlite3")
    live.log(OLGA, "out", "talked", note="second")
    assert bk.backup_to(db_path, target) == target
    assert notes(target) == ["first", "second"]


def test_there_is_nothing_to_back_up_before_the_first_call(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database to back up"):
        bk.backup_now(tmp_path / "never.sqlite3", tmp_path / "backups")
    assert not (tmp_path / "never.sqlite3").exists()
    assert not (tmp_path / "backups").exists()


# --- the daily backups -------------------------------------------------------------------------


def test_one_daily_backup_a_calendar_day_named_with_the_date(
    live: Desk, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    made = bk.daily_backup(db_path, folder, DAY)
    assert made == folder / "test-2026-11-25.sqlite3"
    live.log(OLGA, "out", "talked", note="later that day")
    assert bk.daily_backup(db_path, folder, DAY + timedelta(hours=8)) is None  # today's is made
    assert notes(made) == ["first"]
    tomorrow = bk.daily_backup(db_path, folder, DAY + timedelta(days=1))
    assert tomorrow == folder / "test-2026-11-26.sqlite3"
    assert notes(tomorrow) == ["first", "later that day"]


def test_the_newest_seven_daily_backups_are_kept(live: Desk, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    others = [folder / "test-before-restore-2026-01-01-120000.sqlite3", folder / "demo-2026-01-01.sqlite3"]
    for other in others:
        other.write_bytes(b"kept")
    for n in range(10):
        bk.daily_backup(db_path, folder, DAY + timedelta(days=n))
    days = [p.name for p in bk.daily_backups(db_path, folder)]
    assert days == [
        f"test-2026-{d}.sqlite3" for d in ("11-28", "11-29", "11-30", "12-01", "12-02", "12-03", "12-04")
    ]
    assert all(p.read_bytes() == b"kept" for p in others)  # not ours to rotate


def test_a_failed_daily_backup_is_logged_keeps_the_old_ones_and_does_not_raise(
    live: Desk,
    db_path: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "backups"
    for n in range(7):
        bk.daily_backup(db_path, folder, DAY + timedelta(days=n))
    before = bk.daily_backups(db_path, folder)

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bk, "_copy", disk_full)
    with caplog.at_level(logging.WARNING, logger="companion.store"):
        assert bk.daily_backup(db_path, folder, DAY + timedelta(days=7)) is None
    assert "daily backup" in caplog.text and "disk is full" in caplog.text
    assert bk.daily_backups(db_path, folder) == before
    assert not list(folder.glob(".*"))  # no half-written file left


def test_a_half_written_backup_of_a_stopped_process_is_cleaned_up(
    live: Desk, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / ".test-2026-11-24.sqlite3.999999.partial").write_bytes(b"half")
    bk.daily_backup(db_path, folder, DAY)
    assert sorted(p.name for p in folder.iterdir()) == ["test-2026-11-25.sqlite3"]


def test_a_damaged_database_makes_no_daily_backup_and_the_good_ones_stay(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    closed_database(db_path, "first")
    folder = tmp_path / "backups"
    good = bk.daily_backup(db_path, folder, DAY)
    assert good is not None
    damage(db_path)
    with caplog.at_level(logging.WARNING, logger="companion.store"):
        assert bk.daily_backup(db_path, folder, DAY + timedelta(days=1)) is None
    assert bk.daily_backups(db_path, folder) == [good]
    assert integrity(good) == "ok"


def damage(path: Path) -> None:
    """The last page overwritten with noise: the file opens, the check finds the damage."""
    page = int(rows(path, "PRAGMA page_size")[0][0])
    data = bytearray(path.read_bytes())
    data[-page:] = b"\x07" * page
    path.write_bytes(bytes(data))


def test_the_daily_task_is_for_database_files_only(tmp_path: Path) -> None:
    assert bk.daily_task("postgresql://team@db/calls") is None
    assert bk.daily_task(":memory:") is None
    closed_database(tmp_path / "mine.sqlite3", "first")
    task = bk.daily_task(str(tmp_path / "mine.sqlite3"))
    assert task is not None
    made = task()
    assert made is not None and made.parent == tmp_path / "backups"
    assert notes(made) == ["first"]


def test_the_window_is_given_the_daily_backup_of_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import companion.ui.app as app

    path = closed_database(tmp_path / "mine.sqlite3", "first")
    given: dict[str, object] = {}

    def fake_window(*_args: object, **kwargs: object) -> int:
        given.update(kwargs)
        return 0

    monkeypatch.setattr(app, "run_window", fake_window)
    assert main(["--db", str(path), "window"]) == 0
    task = given["backup"]
    assert callable(task)
    made = task()
    assert isinstance(made, Path) and made.parent == tmp_path / "backups" and notes(made) == ["first"]


def test_the_window_makes_the_backup_on_a_pool_thread_after_it_is_up(qtbot: object) -> None:
    from companion.ui.app import DailyBackups

    ran: list[str] = []
    release = threading.Event()

    def task() -> None:
        ran.append(threading.current_thread().name)
        release.wait(5)

    backups = DailyBackups(task, first_ms=10, every_ms=3_600_000)
    try:
        assert ran == []  # not during the start itself
        qtbot.waitUntil(lambda: len(ran) == 1)  # type: ignore[attr-defined]
        assert ran[0] != threading.main_thread().name
        assert backups.timer.isActive()  # and again every hour: a new day makes a new one
        assert backups.start() is False  # not a second one while the first runs
    finally:
        release.set()
        backups.stop()
    qtbot.waitUntil(lambda: backups.start())  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(ran) == 2)  # type: ignore[attr-defined]
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(5000)


# --- restoring -----------------------------------------------------------------------------


def test_backup_and_restore_through_the_command_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed_database(db_path, "before the backup")
    backup = tmp_path / "saved.sqlite3"
    code, out = run_cli("--db", str(db_path), "db", "backup", str(backup))
    assert (code, out) == (0, f"Backed up {db_path} to {backup}.\n")
    closed_database(db_path, "after the backup")
    code, out = run_cli("--db", str(db_path), "db", "restore", str(backup))
    assert code == 0 and capsys.readouterr().err == ""
    kept = next((tmp_path / "backups").glob("test-before-restore-*.sqlite3"))
    assert out == f"Restored {db_path} from {backup}; the database it replaced is kept in {kept}.\n"
    assert notes(db_path) == ["before the backup"]
    assert notes(kept) == ["before the backup", "after the backup"]  # nothing lost by a restore
    assert integrity(db_path) == "ok"
    open_database(db_path)  # and it opens as any database does
    try:
        assert [c.note for c in Call.select()] == ["before the backup"]
    finally:
        close_database()


def test_a_restore_creates_a_missing_database(tmp_path: Path) -> None:
    backup = bk.backup_to(closed_database(tmp_path / "old.sqlite3", "saved"), tmp_path / "saved.sqlite3")
    target = tmp_path / "new" / "companion.sqlite3"
    done = bk.restore(target, backup, window_open=lambda: False)
    assert done.kept is None and done.version == SCHEMA_VERSION
    assert notes(target) == ["saved"]


def test_a_restore_into_the_open_database_of_another_program_is_seen_by_it(
    db_path: Path, tmp_path: Path
) -> None:
    """A hook that still has the file open reads the restored data, not a file swapped under it."""
    backup = bk.backup_to(closed_database(db_path, "saved"), tmp_path / "saved.sqlite3")
    closed_database(db_path, "newer")
    hook = sqlite3.connect(db_path)
    try:
        assert len(hook.execute("SELECT note FROM call").fetchall()) == 2
        bk.restore(db_path, backup, window_open=lambda: False)
        assert hook.execute("SELECT note FROM call").fetchall() == [("saved",)]
    finally:
        hook.close()


def test_the_old_fixture_restores_into_a_database_of_another_page_size(db_path: Path) -> None:
    # schema_v1.sqlite3 has 512-byte pages; a WAL database takes a backup of its own size only
    closed_database(db_path, "mine")
    fixture = FIXTURES / "schema_v1.sqlite3"
    before = fixture.read_bytes()
    bk.restore(db_path, fixture, window_open=lambda: False)
    assert fixture.read_bytes() == before
    assert notes(db_path) == ["signed for a year", "wants the price list", ""]
    assert integrity(db_path) == "ok"


def test_an_older_backup_is_upgraded_on_the_way_in_and_stays_as_it_was(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.store import migrations

    def add_nickname(database: SqliteDatabase) -> None:
        migrator = pw.SqliteMigrator(database)
        pw.migrate(migrator.add_column("contact", "nickname", TextField(default="")))

    backup = tmp_path / "v1.sqlite3"
    shutil.copyfile(FIXTURES / "schema_v1.sqlite3", backup)
    before = backup.read_bytes()
    monkeypatch.setattr(migrations, "STEPS", (*STEPS, add_nickname))  # this version knows one more
    done = bk.restore(db_path, backup, window_open=lambda: False)
    assert done.version == 1
    assert backup.read_bytes() == before
    assert rows(db_path, "PRAGMA user_version") == [(len(STEPS) + 1,)]
    assert rows(db_path, "SELECT name, nickname FROM contact WHERE id = 1") == [("Иван Петров", "")]
    assert not list(tmp_path.glob("**/*.bak"))  # the upgrade's own copy stayed in the work folder


def newer(path: Path) -> Path:
    closed_database(path, "from the future")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = delete")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    return path


def foreign(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE bookmarks (url TEXT)")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    return path


def text(path: Path) -> Path:
    path.write_text("name,phone\nIvan,+74993224685\n", encoding="utf-8")
    return path


def damaged(path: Path) -> Path:
    closed_database(path, "first", "second")
    damage(path)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (newer, f"newer Call Companion (schema {SCHEMA_VERSION + 1}, this version knows {SCHEMA_VERSION})"),
        (foreign, "another program"),
        (text, "not an SQLite file"),
        (damaged, "damaged"),
        (lambda p: p, "no such file"),
    ],
    ids=["newer", "foreign", "text", "damaged", "missing"],
)
def test_a_backup_that_cannot_be_restored_is_refused_and_nothing_changes(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, reason: str
) -> None:
    closed_database(db_path, "mine")
    before = db_path.read_bytes()
    backup = make(tmp_path / "offered.sqlite3")  # type: ignore[operator]
    offered = backup.read_bytes() if backup.exists() else None
    code, out = run_cli("--db", str(db_path), "db", "restore", str(backup))
    err = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("companion: ") and reason in err
    assert db_path.read_bytes() == before
    assert (backup.read_bytes() if backup.exists() else None) == offered
    assert not (tmp_path / "backups").exists()


def test_no_restore_while_the_window_is_open(db_path: Path, tmp_path: Path, qapp: object) -> None:
    from companion.instance import InstanceServer, Start

    backup = bk.backup_to(closed_database(db_path, "saved"), tmp_path / "saved.sqlite3")
    closed_database(db_path, "newer")
    before = db_path.read_bytes()
    window = InstanceServer(str(db_path))
    assert window.lock() is Start.LISTENING
    try:
        with pytest.raises(StoreError, match=r"^Call Companion is open: quit it"):
            bk.restore(db_path, backup)
        assert run_cli("--db", str(db_path), "db", "restore", str(backup)) == (2, "")
    finally:
        window.stop()
    assert db_path.read_bytes() == before
    bk.restore(db_path, backup)  # once it has quit
    assert notes(db_path) == ["saved"]


def test_a_damaged_database_is_kept_as_it_was_and_replaced(db_path: Path, tmp_path: Path) -> None:
    backup = bk.backup_to(closed_database(db_path, "saved"), tmp_path / "saved.sqlite3")
    db_path.write_bytes(b"\x00" * 100 + b"garbage")  # not even an SQLite file any more
    done = bk.restore(db_path, backup, window_open=lambda: False)
    assert done.kept is not None and done.kept.read_bytes() == b"\x00" * 100 + b"garbage"
    assert notes(db_path) == ["saved"]


def test_a_restore_is_refused_when_the_current_database_cannot_be_kept(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = bk.backup_to(closed_database(db_path, "saved"), tmp_path / "saved.sqlite3")
    closed_database(db_path, "newer")
    (tmp_path / "backups").write_text("a file where the folder would be", encoding="utf-8")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="could not be kept first.*nothing was changed"):
        bk.restore(db_path, backup, window_open=lambda: False)
    assert db_path.read_bytes() == before


def test_db_commands_refuse_a_team_database_and_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--db", "postgresql://team@localhost/calls", "db", "backup", str(tmp_path / "x")) == (
        2,
        "",
    )
    assert "database file" in capsys.readouterr().err
    missing = tmp_path / "missing.sqlite3"
    assert run_cli("--db", str(missing), "db", "backup", str(tmp_path / "x.sqlite3")) == (2, "")
    assert "no database to back up" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "x.sqlite3").exists()


def test_migrate_to_is_the_third_db_action_beside_backup_and_restore(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``db migrate-to URL`` (tests/test_migrate_to.py has the rest): the same ``db`` command,
    its second argument a database to copy into; the database itself is only read."""
    closed_database(db_path, "mine")
    before = db_path.read_bytes()
    team = tmp_path / "team.sqlite3"
    code, out = run_cli("--db", str(db_path), "db", "migrate-to", str(team))
    assert code == 0 and capsys.readouterr().err == "" and out.startswith(f"Copied {db_path} into {team}.")
    assert notes(team) == ["mine"] and db_path.read_bytes() == before
    assert run_cli("--db", str(tmp_path / "none.sqlite3"), "db", "migrate-to", str(team)) == (2, "")
    assert capsys.readouterr().err.count("\n") == 1
    assert run_cli("db", "merge", str(team)) == (2, "")  # the actions are these three
    assert "'backup', 'restore', 'migrate-to'" in capsys.readouterr().err


def test_contacts_survive_a_backup_and_restore(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path)
    try:
        Contact.create(name="Иван Петров", created=DAY, updated=DAY)
    finally:
        close_database()
    backup = bk.backup_now(db_path, tmp_path / "b")
    db_path.unlink()
    bk.restore(db_path, backup, window_open=lambda: False)
    assert rows(db_path, "SELECT name FROM contact") == [("Иван Петров",)]
