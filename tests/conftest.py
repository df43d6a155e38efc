"""Shared fixtures. Every test gets its own database and settings file; the real user
folders are never touched (COMPANION_DB / COMPANION_CONFIG point into tmp_path)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from companion.config import Settings  # noqa: E402
from companion.desk import Desk  # noqa: E402
from companion.store import close_database, open_database  # noqa: E402
from tests import postgres  # noqa: E402


class Clock:
    """A clock the test moves by hand (aware UTC)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(scope="session", autouse=True)
def _place_tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One place-tables file for the whole run (``companion.places``), so that every window a
    test starts reads it instead of writing its own."""
    path = tmp_path_factory.mktemp("places") / "places.sqlite3"
    subprocess.run([sys.executable, "-m", "companion.places", str(path)], check=True, timeout=120)
    previous = os.environ.get("COMPANION_PLACES")
    os.environ["COMPANION_PLACES"] = str(path)
    yield
    if previous is None:
        os.environ.pop("COMPANION_PLACES", None)
    else:
        os.environ["COMPANION_PLACES"] = previous


@pytest.fixture(autouse=True)
def _private_runtime_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hand-over channel's sockets and locks in a folder of this test (a short path: a Unix
    socket's path has a length limit that pytest's tmp_path can pass)."""
    folder = tempfile.mkdtemp(prefix="cc-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    yield
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_DB", str(tmp_path / "env-default.sqlite3"))
    monkeypatch.setenv("COMPANION_CONFIG", str(tmp_path / "settings.json"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def clock() -> Clock:
    # 11:00 in Moscow, 03:00 in New York: a weekday morning in Europe
    return Clock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))


#: the behavioural suites that run on SQLite and on a real PostgreSQL server (tests/postgres.py):
#: every test of theirs that uses the ``database`` fixture (``desk`` and ``colleague`` do) runs
#: twice, as ``[sqlite]`` and ``[postgresql]``, except those marked ``sqlite_only``
BOTH_DATABASES = {
    "test_desk",
    "test_callbacks",
    "test_book",
    "test_journal",
    "test_import",
    "test_import_formats",
    "test_import_history",
    "test_vcard",
    "test_team",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if (
        module in BOTH_DATABASES
        and "database" in metafunc.fixturenames
        and not metafunc.definition.get_closest_marker("sqlite_only")
        and os.environ.get(postgres.ENV, "").lower() != "off"
    ):
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    try:
        server = postgres.start()
    except postgres.PostgresUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    if server is None:
        pytest.fail(f"{postgres.ENV}=off, yet a test asked for PostgreSQL", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def database(request: pytest.FixtureRequest, db_path: Path) -> Iterator[object]:
    """The test's database: a SQLite file, or (``[postgresql]``) a new database on the server."""
    if getattr(request, "param", "sqlite") == "postgresql":
        target: str | Path = request.getfixturevalue("postgres_server").new_database()
    else:
        target = db_path
    database = open_database(target)
    yield database
    close_database()


@pytest.fixture
def on_postgres(database: object) -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(database, PostgresqlDatabase)


@pytest.fixture
def desk(database: object, clock: Clock) -> Desk:
    return Desk(Settings(region="RU", rep="me", lang="en"), clock=clock)


@pytest.fixture
def colleague(database: object, clock: Clock) -> Desk:
    return Desk(Settings(region="RU", rep="anna", lang="en"), clock=clock)
