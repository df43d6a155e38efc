"""Settings → Team database → Test connection (``companion.store.probe``), against the real
test server: what a rep is told about an address, and that the check never writes.

The test server trusts every local login (``tests/postgres.py``: ``initdb -A trust``), so a
wrong password cannot be refused by it for real: that case is the driver's own words, fed to
the check by hand; the real server gives the unknown user, the missing database, the rights.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
import pytest

from companion.paths import without_password
from companion.store import close_database, open_database
from companion.store.migrations import SCHEMA_VERSION
from companion.store.probe import (
    BAD_ADDRESS,
    EMPTY,
    FOREIGN,
    NO_RIGHTS,
    OURS,
    REFUSED,
    TOO_NEW,
    UNREACHABLE,
    TeamAddress,
    check_connection,
    connect_params,
    hide,
)

PASSWORD = "S3cr3t p@ss/word?#%"
_roles = itertools.count(1)


def with_login(url: str, user: str, password: str = "") -> str:
    parts = urlsplit(url)
    login = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}"))


def admin(server, sql: str, database: str = "postgres") -> None:  # type: ignore[no-untyped-def]
    connection = psycopg2.connect(server.url(database))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def database_name(url: str) -> str:
    return urlsplit(url).path[1:]


def tables(url: str) -> list[str]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


@pytest.fixture
def migrated(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """A Call Companion team database (made by ``open_database``, as the app makes one)."""
    url: str = postgres_server.new_database()
    open_database(url)
    close_database()
    return url


@pytest.fixture
def role(postgres_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A login role with no rights of its own (a rep's account as an admin makes it)."""
    name = f"rep_{os.getpid()}_{next(_roles)}"
    admin(postgres_server, f"CREATE ROLE {name} LOGIN PASSWORD 'theirs'")
    yield name


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once it is closed


# --- what is there ---------------------------------------------------------------------------


def test_an_empty_database_is_reachable_and_usable(postgres_server) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.new_database()
    found = check_connection(url)
    assert (found.state, found.reachable, found.usable, found.schema_version) == (EMPTY, True, True, 0)
    assert "is empty" in found.message and database_name(url) in found.message
    assert tables(url) == []  # and it stays so: the check creates nothing


def test_a_call_companion_database_says_its_schema_version(migrated: str) -> None:
    found = check_connection(migrated)
    assert (found.state, found.usable, found.schema_version) == (OURS, True, SCHEMA_VERSION)
    assert f"schema {SCHEMA_VERSION}" in found.message


def test_a_database_of_a_newer_call_companion_is_refused(migrated: str) -> None:
    connection = psycopg2.connect(migrated)
    with connection, connection.cursor() as cursor:
        cursor.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    connection.close()
    found = check_connection(migrated)
    assert (found.state, found.reachable, found.usable) == (TOO_NEW, True, False)
    assert found.schema_version == SCHEMA_VERSION + 1
    assert "update Call Companion" in found.message


def test_another_programs_tables_are_refused(postgres_server) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.new_database()
    admin(
        postgres_server,
        "CREATE TABLE invoices (id int); CREATE TABLE schema_version (v int)",
        database_name(url),
    )
    found = check_connection(url)
    assert (found.state, found.usable) == (FOREIGN, False)
    assert "invoices" in found.message and "another program" in found.message
    assert tables(url) == ["invoices", "schema_version"]  # nothing added, nothing changed


def test_the_check_writes_nothing_even_where_it_could(migrated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only session from the first statement: what the check did, it could not commit."""
    before = tables(migrated)
    seen: list[object] = []
    asked: list[dict[str, object]] = []
    real_connect = psycopg2.connect

    def spy(**kwargs: object):  # type: ignore[no-untyped-def]
        connection = real_connect(**kwargs)
        seen.append(connection)
        asked.append(kwargs)
        return connection

    monkeypatch.setattr(psycopg2, "connect", spy)
    assert check_connection(migrated, timeout=3).state == OURS
    monkeypatch.undo()
    assert len(seen) == 1 and seen[0].closed  # type: ignore[attr-defined]
    assert tables(migrated) == before
    options = str(asked[0]["options"])
    assert "default_transaction_read_only=on" in options and "statement_timeout=3000" in options
    assert asked[0]["connect_timeout"] == 3
    # those options make a session that refuses to write
    connection = real_connect(**{**connect_params(migrated), "options": options})
    try:
        with connection.cursor() as cursor, pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            cursor.execute("CREATE TABLE x (id int)")
    finally:
        connection.close()


# --- rights ------------------------------------------------------------------------------------


def test_a_user_who_may_not_create_tables_in_an_empty_database_is_told(postgres_server, role: str) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.new_database()  # owned by the admin; PUBLIC may not create in public
    admin(postgres_server, "REVOKE CREATE ON SCHEMA public FROM PUBLIC", database_name(url))
    found = check_connection(with_login(url, role, "theirs"))
    assert (found.state, found.reachable, found.usable) == (NO_RIGHTS, True, False)
    assert "may not create tables" in found.message and role in found.message


def test_a_user_who_may_only_read_the_team_database_is_told(
    postgres_server, migrated: str, role: str
) -> None:  # type: ignore[no-untyped-def]
    admin(postgres_server, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", database_name(migrated))
    found = check_connection(with_login(migrated, role, "theirs"))
    assert (found.state, found.usable) == (NO_RIGHTS, False)
    assert "may not save calls" in found.message


def test_a_user_who_may_not_read_it_at_all_is_told(migrated: str, role: str) -> None:
    found = check_connection(with_login(migrated, role, "theirs"))
    assert (found.state, found.usable) == (NO_RIGHTS, False)
    assert "may not read" in found.message


def test_a_user_with_the_rights_of_a_rep_may_use_it(postgres_server, migrated: str, role: str) -> None:  # type: ignore[no-untyped-def]
    admin(
        postgres_server,
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        database_name(migrated),
    )
    assert check_connection(with_login(migrated, role, "theirs")).state == OURS


# --- failures, in words --------------------------------------------------------------------


def test_a_missing_database_is_named(postgres_server) -> None:  # type: ignore[no-untyped-def]
    found = check_connection(postgres_server.url("no_such_team"))
    assert (found.state, found.reachable, found.usable) == (REFUSED, True, False)
    assert found.message.startswith("There is no database named “no_such_team”")
    assert 'database "no_such_team" does not exist' in found.detail  # the driver's own, for the admin


def test_an_unknown_user_is_a_wrong_login(postgres_server) -> None:  # type: ignore[no-untyped-def]
    found = check_connection(with_login(postgres_server.url("postgres"), "nobody_here", PASSWORD))
    assert (found.state, found.message) == (REFUSED, "Wrong user name or password.")


def test_the_server_is_trusting_so_a_wrong_password_is_the_drivers_words(
    postgres_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    admin_connection = psycopg2.connect(postgres_server.admin_url)
    with admin_connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT auth_method FROM pg_hba_file_rules")
        assert {row[0] for row in cursor.fetchall()} == {"trust"}  # no password is ever checked
    admin_connection.close()

    def refuse(**_kwargs: object) -> None:
        raise psycopg2.OperationalError(
            'connection to server at "db.office.lan" (10.0.0.5), port 5432 failed: FATAL:  '
            'password authentication failed for user "anna"\n'
        )

    monkeypatch.setattr(psycopg2, "connect", refuse)
    found = check_connection(f"postgresql://anna:{quote(PASSWORD, safe='')}@db.office.lan/calls")
    assert (found.state, found.reachable, found.message) == (REFUSED, True, "Wrong user name or password.")


@pytest.mark.parametrize(
    ("driver_says", "state", "words"),
    [
        ("fe_sendauth: no password supplied", REFUSED, "asks for a password"),
        (
            'connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  no pg_hba.conf entry for '
            'host "10.0.0.9", user "anna", database "calls", no encryption',
            REFUSED,
            "does not let this computer in",
        ),
        (
            'connection to server at "db", port 5432 failed: FATAL:  sorry, too many clients already',
            REFUSED,
            "full right now",
        ),
        (
            'could not translate host name "db.office.lan" to address: Name or service not known',
            UNREACHABLE,
            "VPN",
        ),
        (
            'connection to server at "db" (10.0.0.5), port 5432 failed: ВАЖНО:  пользователь "anna" '
            "не прошёл проверку подлинности (по паролю)",
            REFUSED,
            "Wrong user name or password",
        ),
        ("something nobody foresaw", UNREACHABLE, "Could not connect: something nobody foresaw"),
    ],
)
def test_the_drivers_words_become_plain_ones(
    monkeypatch: pytest.MonkeyPatch, driver_says: str, state: str, words: str
) -> None:
    def fail(**_kwargs: object) -> None:
        raise psycopg2.OperationalError(driver_says)

    monkeypatch.setattr(psycopg2, "connect", fail)
    found = check_connection("postgresql://anna@db.office.lan/calls")
    assert found.state == state and words in found.message, found


def test_a_closed_port_is_unreachable_at_once() -> None:
    started = time.monotonic()
    found = check_connection(f"postgresql://anna@127.0.0.1:{closed_port()}/calls")
    assert time.monotonic() - started < 2
    assert (found.state, found.reachable, found.usable) == (UNREACHABLE, False, False)
    assert found.message.startswith("Nothing answers at 127.0.0.1, port ")


def test_a_server_that_never_answers_is_given_up_on_within_the_timeout() -> None:
    """Something takes the connection and says nothing (a dead VPN route, a stuck proxy)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        started = time.monotonic()
        found = check_connection(f"postgresql://anna@127.0.0.1:{listener.getsockname()[1]}/calls", timeout=1)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert 0.9 < elapsed < 4
    assert found.state == UNREACHABLE
    assert found.message == (
        "The server did not answer within 1 s: check the address and that you are on the office "
        "network or VPN."
    )


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("", "not a postgresql:// address"),
        ("garbage", "not a postgresql:// address"),
        ("C:\\Users\\anna\\calls.sqlite3", "not a postgresql:// address"),
        ("https://db.office.lan/calls", "not a postgresql:// address"),
        ("mysql://anna@db/calls", "not a postgresql:// address"),
        ("postgresql://db.office.lan:port/calls", "port"),
        ("postgresql://db.office.lan:99999/calls", "port"),
        ("postgresql:///calls", "names no server"),
        ("postgresql://db.office.lan", "names no database"),
        ("postgresql://db.office.lan/calls?nonsense=1", "option"),
        ("postgresql://db.office.lan/calls\nDROP TABLE call", "not a postgresql:// address"),
        ("postgresql://" + "x" * 2000 + "/calls", "not a postgresql:// address"),
    ],
)
def test_what_is_not_an_address_is_said_so(address: str, words: str) -> None:
    started = time.monotonic()
    found = check_connection(address)
    assert time.monotonic() - started < 2
    assert (found.state, found.reachable) == (BAD_ADDRESS, False)
    assert words in found.message


# --- the password -------------------------------------------------------------------------


def secret_forms() -> tuple[str, ...]:
    return (PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD), "S3cr3t")


@pytest.mark.parametrize("where", ["no such database", "closed port", "wrong port text", "fine"])
def test_the_password_is_never_shown_nor_logged(
    postgres_server, caplog: pytest.LogCaptureFixture, where: str
) -> None:  # type: ignore[no-untyped-def]
    base = postgres_server.url("postgres")
    url = {
        "no such database": with_login(postgres_server.url("nope"), "postgres", PASSWORD),
        "closed port": f"postgresql://anna:{quote(PASSWORD, safe='')}@127.0.0.1:{closed_port()}/calls",
        "wrong port text": f"postgresql://anna:{quote(PASSWORD, safe='')}@127.0.0.1:x/calls",
        "fine": with_login(base, "postgres", PASSWORD),
    }[where]
    with caplog.at_level(logging.DEBUG):
        found = check_connection(url)
    shown = " ".join((found.message, found.detail, found.address, caplog.text, repr(found)))
    assert caplog.records, "the check logs what it found"
    for secret in secret_forms():
        assert secret not in shown
    assert "***" in found.address


def test_a_password_the_driver_repeats_is_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def repeat(**kwargs: object) -> None:
        raise psycopg2.OperationalError(
            f"invalid thing near password={kwargs['password']}; dsn {kwargs['password']}"
        )

    monkeypatch.setattr(psycopg2, "connect", repeat)
    found = check_connection(f"postgresql://anna:{quote(PASSWORD, safe='')}@db/calls")
    for secret in secret_forms():
        assert secret not in found.message + found.detail


def test_hiding_passwords_in_addresses() -> None:
    assert without_password("postgresql://anna:pw@db:5432/calls") == "postgresql://anna:***@db:5432/calls"
    assert without_password("postgresql://anna@db/calls") == "postgresql://anna@db/calls"
    assert (
        without_password("postgresql://db/calls?user=a&password=pw")
        == "postgresql://db/calls?user=a&password=***"
    )
    assert (
        without_password("postgresql://anna:p@ss/w@db/calls") == "postgresql://anna:***@db/calls"
    )  # unencoded
    assert without_password("/home/anna/my:file@2.sqlite3") == "/home/anna/my:file@2.sqlite3"
    assert hide("at postgresql://a:pw@db/x and pw", ("pw",)) == "at postgresql://a:***@db/x and ***"


# --- the address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        TeamAddress("db.office.lan", 5432, "calls", "anna", "hunter2"),
        TeamAddress("10.0.0.5", 6432, "звонки", "Анна", PASSWORD),
        TeamAddress("fe80::1", 5432, "calls team", "anna", ""),
        TeamAddress("db", 5432, "calls", "", ""),
        TeamAddress("db", 5432, "calls", "anna", "x", extra="sslmode=require"),
    ],
)
def test_an_address_survives_its_url(address: TeamAddress) -> None:
    assert TeamAddress.from_url(address.url()) == address


def test_the_app_opens_an_address_as_the_check_reads_it(postgres_server) -> None:  # type: ignore[no-untyped-def]
    """User, password and database name percent-decoded by both (``open_database`` too)."""
    name = f"звонки_{os.getpid()}"
    admin(postgres_server, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    server = urlsplit(postgres_server.admin_url)
    url = TeamAddress(str(server.hostname), int(server.port or 5432), name, "postgres", PASSWORD).url()
    assert "%" in url
    assert check_connection(url).state == EMPTY
    database = open_database(url)
    try:
        assert database.database == name and database.connect_params["password"] == PASSWORD
    finally:
        close_database()
    assert check_connection(url).state == OURS


def test_a_check_on_another_thread_does_not_disturb_the_apps_connection(migrated: str, db_path) -> None:  # type: ignore[no-untyped-def]
    """The window's own database stays bound while the Settings page checks another one."""
    from companion.store.models import db

    database = open_database(db_path)
    try:
        results: list[str] = []
        worker = threading.Thread(target=lambda: results.append(check_connection(migrated).state))
        worker.start()
        worker.join(30)
        assert results == [OURS]
        assert db.obj is database
    finally:
        close_database()
