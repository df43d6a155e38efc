"""The store: opening a file safely, the schema version, and migrations that keep the data."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path

import pytest
from peewee import IntegrityError, SqliteDatabase, TextField
from playhouse import migrate as pw

from companion.config import Settings
from companion.desk import Desk
from companion.method import Kind
from companion.store import SCHEMA_VERSION, StoreError, close_database, open_database
from companion.store.migrations import APPLICATION_ID, STEPS, migrate, schema_version
from companion.store.models import MODELS, Call, Callback, Contact, ContactPhone, Phone

FIXTURES = Path(__file__).parent / "fixtures"


def schema(path: Path) -> dict[str, object]:
    """Tables with their columns, indexes and foreign keys, as SQLite itself reports them.

    Column defaults are left out: a column added by ALTER TABLE needs one where the
    CREATE TABLE of a fresh database does not, and both are the same schema to the app.
    """
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result: dict[str, object] = {}
        for table in sorted(tables):
            columns = {
                name: (ctype.upper(), notnull, pk)
                for _, name, ctype, notnull, _default, pk in con.execute(f'PRAGMA table_info("{table}")')
            }
            indexes = {
                name: (unique, tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")')))
                for _, name, unique, *_ in con.execute(f'PRAGMA index_list("{table}")')
            }
            keys = sorted(
                (r[3], r[2], r[4], r[6]) for r in con.execute(f'PRAGMA foreign_key_list("{table}")')
            )
            result[table] = {"columns": columns, "indexes": indexes, "foreign_keys": keys}
        return result
    finally:
        con.close()


def pragma(path: Path, name: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        con.close()


def columns(path: Path, table: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
    finally:
        con.close()


def fresh_database(path: Path) -> Path:
    open_database(path)
    close_database()
    return path


def add_contact(name: str = "Ivan Petrov", number: str = "+74993224685") -> Contact:
    now = "2026-11-25 08:00:00"
    contact = Contact.create(name=name, created=now, updated=now)
    phone = Phone.create(number=number, raw=number, valid=True)
    ContactPhone.create(contact=contact, phone=phone)
    return contact


# --- a new database ----------------------------------------------------------------------


def test_a_new_database_gets_the_current_schema_version_and_our_mark(db_path: Path) -> None:
    fresh_database(db_path)
    assert pragma(db_path, "user_version") == SCHEMA_VERSION == len(STEPS)
    assert pragma(db_path, "application_id") == APPLICATION_ID


def test_a_new_database_uses_wal_and_enforces_foreign_keys(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(IntegrityError):
            ContactPhone.create(contact=999, phone=999)
    finally:
        close_database()
    assert not list(db_path.parent.glob("*.bak")), "nothing to back up in a new database"


def test_an_empty_file_becomes_a_new_database(db_path: Path) -> None:
    db_path.write_bytes(b"")
    fresh_database(db_path)
    assert pragma(db_path, "user_version") == SCHEMA_VERSION


def test_opening_a_current_database_writes_nothing(db_path: Path) -> None:
    fresh_database(db_path)
    before = db_path.read_bytes()
    fresh_database(db_path)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.bak"))


# --- files that are not ours -------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"name,phone\nIvan,+74993224685\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))],
    ids=["text", "png"],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="not a Call Companion database"):
        open_database(db_path)
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_database(tmp_path)


def _foreign(path: Path, *, user_version: int = 0) -> bytes:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE bookmarks (url TEXT, title TEXT)")
    con.execute("INSERT INTO bookmarks VALUES ('https://example.org', 'Example')")
    con.execute(f"PRAGMA user_version = {user_version}")
    con.commit()
    con.close()
    return path.read_bytes()


@pytest.mark.parametrize("user_version", [0, 1, 99])
def test_an_sqlite_file_of_another_program_is_refused_untouched(db_path: Path, user_version: int) -> None:
    # many programs keep their own user_version: without our application_id it is not ours
    before = _foreign(db_path, user_version=user_version)
    with pytest.raises(StoreError, match="another program"):
        open_database(db_path)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    fresh_database(db_path)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode = delete")  # as a copy from elsewhere may be: WAL would change it
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer Call Companion"):
        open_database(db_path)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.bak"))


def test_a_damaged_database_is_refused_in_words(db_path: Path) -> None:
    fresh_database(db_path)
    db_path.write_bytes(db_path.read_bytes()[:100] + b"\xff" * 3000)
    with pytest.raises(StoreError):
        open_database(db_path)


# --- migrations --------------------------------------------------------------------------


def _add_nickname(database: SqliteDatabase) -> None:
    migrator = pw.SqliteMigrator(database)
    pw.migrate(migrator.add_column("contact", "nickname", TextField(default="")))


def _add_label_index(database: SqliteDatabase) -> None:
    # needs the column of the step before it: proves the steps run in order
    migrator = pw.SqliteMigrator(database)
    pw.migrate(migrator.add_index("contact", ("nickname",), False))


def _half_then_fail(database: SqliteDatabase) -> None:
    migrator = pw.SqliteMigrator(database)
    pw.migrate(migrator.add_column("call", "duration", TextField(default="")))
    Contact.update(name="damaged").execute()
    raise RuntimeError("step failed half way")


def test_migrate_runs_new_steps_in_order_and_keeps_the_data(database: SqliteDatabase, db_path: Path) -> None:
    ivan = add_contact()
    before = migrate(database, steps=(*STEPS, _add_nickname, _add_label_index))
    assert before == SCHEMA_VERSION
    assert schema_version(database) == SCHEMA_VERSION + 2
    close_database()
    assert "nickname" in columns(db_path, "contact")
    assert "contact_nickname" in schema(db_path)["contact"]["indexes"]  # type: ignore[index]
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT id, name, nickname FROM contact").fetchall() == [(ivan.id, "Ivan Petrov", "")]
    con.close()


def test_migrate_backs_up_an_existing_database_before_the_first_step(
    database: SqliteDatabase, db_path: Path
) -> None:
    add_contact()
    migrate(database, steps=(*STEPS, _add_nickname))
    close_database()
    backups = list(db_path.parent.glob(f"{db_path.name}.v{SCHEMA_VERSION}-*.bak"))
    assert len(backups) == 1
    backup = backups[0]
    # a complete, consistent copy of the database as it was before migrating
    assert pragma(backup, "user_version") == SCHEMA_VERSION
    assert "nickname" not in columns(backup, "contact")
    con = sqlite3.connect(backup)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT name FROM contact").fetchall() == [("Ivan Petrov",)]
    con.close()


def test_a_failing_step_rolls_back_and_leaves_the_version(database: SqliteDatabase, db_path: Path) -> None:
    add_contact()
    with pytest.raises(RuntimeError, match="half way"):
        migrate(database, steps=(*STEPS, _add_nickname, _half_then_fail))
    # the good step stays (its own transaction), the failing one left no trace
    assert schema_version(database) == SCHEMA_VERSION + 1
    close_database()
    assert "nickname" in columns(db_path, "contact")
    assert "duration" not in columns(db_path, "call")
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT name FROM contact").fetchall() == [("Ivan Petrov",)]
    con.close()


def test_migrate_refuses_a_database_newer_than_its_steps(database: SqliteDatabase) -> None:
    migrate(database, steps=(*STEPS, _add_nickname))
    with pytest.raises(StoreError, match="newer"):
        migrate(database, steps=STEPS)


def test_no_upgrade_without_a_backup(
    database: SqliteDatabase, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.store import migrations

    def disk_full(database: SqliteDatabase, target: Path) -> Path:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(migrations, "backup_sqlite", disk_full)
    add_contact()
    with pytest.raises(StoreError, match="cannot back up .* disk is full"):
        migrate(database, steps=(*STEPS, _add_nickname))
    assert schema_version(database) == SCHEMA_VERSION
    close_database()
    assert "nickname" not in columns(db_path, "contact")


# --- the committed fixture of schema version 1 ---------------------------------------------


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """A copy of the committed fixture: the committed file itself is never opened for writing."""
    target = tmp_path / "upgraded.sqlite3"
    shutil.copyfile(FIXTURES / "schema_v1.sqlite3", target)
    assert pragma(target, "user_version") == 1
    return target


def test_the_v1_fixture_is_what_the_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_v1_fixture", FIXTURES / "make_v1_fixture.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.make(tmp_path / "v1.sqlite3")
    assert schema(made) == schema(FIXTURES / "schema_v1.sqlite3")


def test_a_v1_database_opens_with_the_current_code_and_keeps_its_data(v1_copy: Path, clock: object) -> None:
    open_database(v1_copy)
    try:
        assert Contact.select().count() == 3
        assert Phone.select().count() == 3
        assert Call.select().count() == 3
        ivan = Contact.get(Contact.email == "ivan@example.ru")
        assert (ivan.name, ivan.company, ivan.status) == ("Иван Петров", "ООО Ромашка", "client")
        desk = Desk(Settings(region="RU", rep="me", lang="en"), clock=clock)  # type: ignore[arg-type]
        card = desk.lookup("8 (499) 322-46-85", "in")
        assert card.kind is Kind.REPEAT
        assert [c.note for c in card.history] == ["signed for a year"]
        olga = desk.lookup("+7 916 123-45-67", "out")
        assert olga.kind is Kind.CALLBACK
        assert olga.callback is not None and olga.callback.promise == "send the price list"
        switchboard = desk.lookup("+7 495 111 22 33", "out")
        assert {c.name for c in switchboard.candidates} == {"Olga Smirnova", "Reception"}
        assert Callback.select().count() == 1
    finally:
        close_database()
    assert pragma(v1_copy, "user_version") == SCHEMA_VERSION
    assert pragma(v1_copy, "application_id") == APPLICATION_ID


def test_a_v1_database_after_opening_has_the_schema_of_a_new_one(v1_copy: Path, tmp_path: Path) -> None:
    # fails when a model changes without a migration step that makes the same change
    fresh = fresh_database(tmp_path / "fresh.sqlite3")
    open_database(v1_copy)
    close_database()
    assert schema(v1_copy) == schema(fresh)


def test_the_steps_make_what_the_models_say(tmp_path: Path) -> None:
    # step 1 is frozen: fails when a model changes without a step that makes the same change
    fresh = fresh_database(tmp_path / "fresh.sqlite3")
    modelled = SqliteDatabase(str(tmp_path / "modelled.sqlite3"))
    with modelled.bind_ctx(MODELS):
        modelled.create_tables(MODELS)
    modelled.close()
    assert schema(fresh) == schema(tmp_path / "modelled.sqlite3")


def test_a_v1_callback_belongs_to_the_rep_of_the_call_that_asked_for_it(v1_copy: Path) -> None:
    open_database(v1_copy)
    try:
        assert [(c.promise, c.rep) for c in Callback.select()] == [("send the price list", "me")]
        assert [c.uid for c in Call.select()] == [None, None, None]
    finally:
        close_database()


def test_upgrading_the_v1_fixture_backs_it_up_only_when_there_is_something_to_do(v1_copy: Path) -> None:
    open_database(v1_copy)
    close_database()
    expected = 1 if SCHEMA_VERSION > 1 else 0
    assert len(list(v1_copy.parent.glob("*.bak"))) == expected


def test_several_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    """Two windows started at once, or a hook and the window: the schema is made once."""
    import subprocess
    import sys

    path = tmp_path / "new.sqlite3"
    code = (
        "import sys; from companion.store import open_database, close_database; "
        "open_database(sys.argv[1]); close_database(); print('ok')"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(6)
    ]
    results = [child.communicate(timeout=60) for child in children]
    assert [(out.strip(), err) for out, err in results] == [(b"ok", b"")] * 6
    assert pragma(path, "user_version") == SCHEMA_VERSION


def test_a_write_waits_for_another_connections_write_instead_of_failing(desk: Desk) -> None:
    """An import saving on its own thread holds the write lock; a call that rings meanwhile
    (read first, then written) waits its turn instead of being refused."""
    import threading

    from companion.store import write_transaction
    from companion.store.models import Contact, db

    holding, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def importer() -> None:
        try:
            with write_transaction():
                Contact.create(name="Imported", created=desk.clock(), updated=desk.clock())
                holding.set()
                release.wait(5)
        except BaseException as exc:  # pragma: no cover - reported below
            failure.append(exc)
        finally:
            db.obj.close()

    thread = threading.Thread(target=importer)
    thread.start()
    assert holding.wait(5)
    threading.Timer(0.3, release.set).start()
    card = desk.begin_call("+74993224685", "in")  # reads the number, then records the call
    thread.join(5)
    assert failure == []
    assert card.call_id is not None
    assert [c.name for c in Contact.select()] == ["Imported"]
