"""Settings → Team database → Test connection: can this computer use that PostgreSQL database?

``check_connection(url)`` connects once, within a connect timeout, looks at what is there and
says it in words a salesperson can act on: the server does not answer, the user name or
password is wrong, no such database; or it is empty (Call Companion sets it up when it first
opens it), a Call Companion database (its schema version: too new for this app is refused), or
another program's tables (refused: ours are never mixed in). It never writes: the session is
read-only and it only reads the catalogue and ``schema_version``.

The password never shows: every message, detail and log line goes through ``hide``.

``connect_params`` is how a team address becomes the driver's arguments; ``open_database``
uses it too, so the check tests exactly what the app will open. User, password and database
name are percent-decoded (``p%40ss`` is ``p@ss``), as ``TeamAddress.url()`` encodes them.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from companion.i18n import translate
from companion.paths import TEAM_SCHEMES, is_team_url, without_password

log = logging.getLogger("companion.store")

DEFAULT_PORT = 5432
TIMEOUT = 5

# what the check found (Probe.state)
BAD_ADDRESS = "bad_address"  # not a postgresql:// address, or one without a server/database
NO_DRIVER = "no_driver"  # psycopg2 missing from this installation
UNREACHABLE = "unreachable"  # no answer, refused, unknown server name
REFUSED = "refused"  # the server answered and said no (login, no such database, not allowed)
EMPTY = "empty"  # usable: nothing there yet
OURS = "ours"  # usable: a Call Companion database this version can open
TOO_NEW = "too_new"  # ours, from a newer Call Companion
FOREIGN = "foreign"  # another program's tables
NO_RIGHTS = "no_rights"  # connected, but this user may not read, write or create what it needs

USABLE = (EMPTY, OURS)


@dataclass(frozen=True)
class Probe:
    """What ``check_connection`` found. ``message``: plain words for the rep; ``detail``: the
    driver's own words (for the admin), password hidden; ``address``: the URL, password hidden."""

    state: str
    message: str
    detail: str = ""
    address: str = ""
    schema_version: int | None = None

    @property
    def reachable(self) -> bool:
        """The server answered (whatever it then said)."""
        return self.state not in (BAD_ADDRESS, NO_DRIVER, UNREACHABLE)

    @property
    def usable(self) -> bool:
        """Call Companion can use this database as it is."""
        return self.state in USABLE


@dataclass(frozen=True)
class TeamAddress:
    """A team database as an admin sends it: server, port, database, user, password; ``extra``
    keeps the rest of a pasted address (``sslmode=require``…) as its query string."""

    server: str = ""
    port: int = DEFAULT_PORT
    database: str = ""
    user: str = ""
    password: str = ""
    extra: str = ""

    def url(self) -> str:
        host = self.server.strip()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        login = quote(self.user.strip(), safe="")
        if self.password:
            login += ":" + quote(self.password, safe="")
        name = quote(self.database.strip(), safe="")
        text = f"postgresql://{login + '@' if login else ''}{host}:{self.port}/{name}"
        return f"{text}?{self.extra}" if self.extra else text

    @classmethod
    def from_url(cls, url: str) -> TeamAddress:
        """The fields of a ``postgresql://`` address; ``ValueError`` (in words) when it is not one."""
        params = connect_params(url)
        extra = urlsplit(url.strip()).query
        return cls(
            server=str(params.get("host", "")),
            port=int(params.get("port", DEFAULT_PORT)),
            database=str(params.get("database", "")),
            user=str(params.get("user", "")),
            password=str(params.get("password", "")),
            extra=extra,
        )


def _not_an_address() -> str:
    return translate(
        "probe",
        "This is not a postgresql:// address. Copy the whole address your admin sent (it starts "
        "with postgresql://), or fill in the fields.",
    )


def connect_params(url: str) -> dict[str, Any]:
    """The driver's arguments for a ``postgresql://`` address (host, port, user, password,
    database and any query options); ``ValueError`` in words when it is not one."""
    text = url.strip()
    if not is_team_url(text):
        raise ValueError(_not_an_address())
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:  # "Port could not be cast to integer value", a bad IPv6 address
        raise ValueError(
            translate("probe", "The port in this address is not a number from 1 to 65535.")
        ) from exc
    params: dict[str, Any] = {"database": unquote(parts.path[1:]) if parts.path else ""}
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.password:
        params["password"] = unquote(parts.password)
    if parts.hostname:
        params["host"] = parts.hostname
    if port:
        params["port"] = port
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        params[key] = int(value) if value.isdigit() else value
    return params


def hide(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with each secret (a password, as typed and as encoded in a URL) and any URL's
    password replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _URL.sub(lambda m: without_password(m.group(0)), text)


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def check_connection(url: str, timeout: int = TIMEOUT) -> Probe:
    """Connect to the team database at ``url`` (within ``timeout`` seconds), read what is there
    and say whether Call Companion can use it. Never raises, never writes."""
    address = without_password(url.strip())
    try:
        params = connect_params(url)
    except ValueError as exc:
        return _said(Probe(BAD_ADDRESS, str(exc), address=address))
    password = str(params.get("password", ""))
    secrets = (password, quote(password, safe=""), quote(password)) if password else ()
    if not params.get("host"):
        return _said(Probe(BAD_ADDRESS, translate("probe", "The address names no server."), address=address))
    if not params.get("database"):
        return _said(
            Probe(BAD_ADDRESS, translate("probe", "The address names no database."), address=address)
        )
    try:
        import psycopg2
    except ImportError as exc:
        message = translate(
            "probe", "This copy of Call Companion cannot reach PostgreSQL (its driver is missing)."
        )
        return _said(Probe(NO_DRIVER, message, detail=str(exc), address=address))
    params["connect_timeout"] = max(1, int(timeout))
    # read-only from the first statement, and no query left running on the server
    params["options"] = (
        f"{params.get('options', '')} -c default_transaction_read_only=on "
        f"-c statement_timeout={max(1, int(timeout)) * 1000}"
    ).strip()
    params.setdefault("application_name", "Call Companion (connection test)")
    try:
        connection = psycopg2.connect(**params)
    except psycopg2.Error as exc:
        return _said(_connect_failed(str(exc), params, timeout, secrets, address))
    except Exception as exc:  # a query option the driver refuses, and the like
        detail = hide(str(exc).strip(), secrets)
        return _said(Probe(UNREACHABLE, _could_not(detail), detail=detail, address=address))
    try:
        connection.set_session(readonly=True)
        return _said(_look_inside(connection, params, address))
    except psycopg2.Error as exc:
        detail = hide(str(exc).strip(), secrets)
        message = translate("probe", "Connected, but the database could not be read: {why}").format(
            why=detail
        )
        return _said(Probe(NO_RIGHTS, message, detail=detail, address=address))
    finally:
        with contextlib.suppress(psycopg2.Error):  # a broken connection: nothing was written
            connection.rollback()
        connection.close()


def _said(probe: Probe) -> Probe:
    log.info("team database check of %s: %s. %s", probe.address, probe.state, probe.detail or probe.message)
    return probe


def _could_not(detail: str) -> str:
    return translate("probe", "Could not connect: {why}").format(why=detail or "?")


# The server's words (English, or Russian from a server set up in Russian); libpq's own
# (timeouts, refused connections, unknown names) are always English.
_WRONG_LOGIN = (
    "password authentication failed",
    "authentication failed for user",
    "не прошёл проверку подлинности",
    "не прошел проверку подлинности",
)
_NO_PASSWORD = ("no password supplied", "пароль не указан")
_NO_ROLE = re.compile(r'role "[^"]*" does not exist|роль "[^"]*" не существует')
_NO_DATABASE = re.compile(r'database "[^"]*" does not exist|база данных "[^"]*" не существует')


def _connect_failed(
    text: str, params: dict[str, Any], timeout: int, secrets: tuple[str, ...], address: str
) -> Probe:
    detail = hide(" ".join(text.split()), secrets)
    low = detail.lower()
    host, port = str(params.get("host", "")), int(params.get("port", DEFAULT_PORT))
    name, user = str(params.get("database", "")), str(params.get("user", ""))

    def result(state: str, message: str) -> Probe:
        return Probe(state, message, detail=detail, address=address)

    if low.startswith("invalid ") or "invalid connection option" in low:  # invalid dsn, sslmode value
        return result(
            BAD_ADDRESS,
            translate("probe", "The address has an option the database driver does not know: {why}").format(
                why=detail
            ),
        )
    if "timeout expired" in low:
        return result(
            UNREACHABLE,
            translate(
                "probe",
                "The server did not answer within {seconds} s: check the address and that you are "
                "on the office network or VPN.",
            ).format(seconds=max(1, int(timeout))),
        )
    if "could not translate host name" in low or "name or service not known" in low:
        return result(
            UNREACHABLE,
            translate(
                "probe",
                "No server called {server} was found: check its name and that you are on the office "
                "network or VPN.",
            ).format(server=host),
        )
    if "connection refused" in low:
        return result(
            UNREACHABLE,
            translate(
                "probe",
                "Nothing answers at {server}, port {port}: check the server and the port, and that "
                "the database server is running.",
            ).format(server=host, port=port),
        )
    if "no route to host" in low or "network is unreachable" in low:
        return result(
            UNREACHABLE,
            translate(
                "probe",
                "{server} cannot be reached from here: check that you are on the office network or VPN.",
            ).format(server=host),
        )
    if any(words in low for words in _WRONG_LOGIN) or _NO_ROLE.search(low):
        return result(REFUSED, translate("probe", "Wrong user name or password."))
    if any(words in low for words in _NO_PASSWORD):
        return result(
            REFUSED, translate("probe", "The server asks for a password: enter the one your admin gave you.")
        )
    if _NO_DATABASE.search(low):
        return result(
            REFUSED,
            translate(
                "probe", "There is no database named “{name}” on that server: check the name with your admin."
            ).format(name=name),
        )
    if "no pg_hba.conf entry" in low or "pg_hba.conf" in low:
        return result(
            REFUSED,
            translate("probe", "The server does not let this computer in: ask your admin to allow it."),
        )
    if "permission denied for database" in low:
        return result(
            REFUSED,
            translate(
                "probe", "The user {user} may not open the database “{name}”: ask your admin for access."
            ).format(user=user, name=name),
        )
    if "too many connections" in low or "too many clients" in low:
        return result(
            REFUSED,
            translate("probe", "The server is full right now: try again in a minute, or tell your admin."),
        )
    if "ssl" in low and ("negotiation" in low or "unsupported frontend protocol" in low):
        return result(
            UNREACHABLE,
            translate(
                "probe",
                "Something answers at {server}, port {port}, but it is not a database server: check "
                "the port.",
            ).format(server=host, port=port),
        )
    if "server closed the connection unexpectedly" in low:
        return result(
            UNREACHABLE,
            translate(
                "probe", "{server} closed the connection at once: check the port, or ask your admin."
            ).format(server=host),
        )
    return result(UNREACHABLE if not _answered(low) else REFUSED, _could_not(detail))


def _answered(low: str) -> bool:
    """The server itself said no (its FATAL), rather than the network failing."""
    return "fatal:" in low or "важно:" in low


def _our_tables() -> set[str]:
    from companion.store.models import MODELS

    return {model._meta.table_name for model in MODELS}


def _look_inside(connection: Any, params: dict[str, Any], address: str) -> Probe:
    """Empty, ours (which version), too new, or someone else's; and may this user do its part."""
    from psycopg2 import sql

    from companion.store.migrations import SCHEMA_VERSION

    name = str(params.get("database", ""))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_user")
        schema, user = cursor.fetchone()
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
            "ORDER BY 1, 2"
        )
        tables: list[tuple[str, str]] = cursor.fetchall()
        if not tables:
            can_create = False
            if schema is not None:
                cursor.execute("SELECT has_schema_privilege(current_schema(), 'CREATE')")
                can_create = bool(cursor.fetchone()[0])
            if not can_create:
                return Probe(
                    NO_RIGHTS,
                    translate(
                        "probe",
                        "Connected. The database is empty, but the user {user} may not create tables "
                        "in it: ask your admin to allow it.",
                    ).format(user=user),
                    address=address,
                    schema_version=0,
                )
            return Probe(
                EMPTY,
                translate(
                    "probe",
                    "Connected. The database “{name}” is empty: Call Companion sets it up the first time "
                    "it opens it.",
                ).format(name=name),
                address=address,
                schema_version=0,
            )
        here = {table for space, table in tables if space == schema}
        if not {"schema_version", "call"} <= here:
            shown = ", ".join(table if space == schema else f"{space}.{table}" for space, table in tables[:3])
            if len(tables) > 3:
                shown += ", …"
            return Probe(
                FOREIGN,
                translate(
                    "probe",
                    "This database holds another program's tables ({tables}). Call Companion does not "
                    "mix its own in: ask your admin for an empty database.",
                ).format(tables=shown),
                address=address,
            )
        try:
            cursor.execute(
                sql.SQL("SELECT max(version) FROM {}.schema_version").format(sql.Identifier(schema))
            )
            row = cursor.fetchone()
        except Exception:
            connection.rollback()
            row = None
            readable = False
        else:
            readable = True
        if not readable:
            return Probe(
                NO_RIGHTS,
                translate(
                    "probe",
                    "Connected, but the user {user} may not read this database: ask your admin for access.",
                ).format(user=user),
                address=address,
            )
        version = int(row[0]) if row and row[0] is not None else 0
        if version > SCHEMA_VERSION:
            return Probe(
                TOO_NEW,
                translate(
                    "probe",
                    "This team database was set up by a newer Call Companion (schema {version}; this "
                    "one knows {known}): update Call Companion first.",
                ).format(version=version, known=SCHEMA_VERSION),
                address=address,
                schema_version=version,
            )
        missing = sorted(_our_tables() - here)
        if version < 1 or missing:
            return Probe(
                FOREIGN,
                translate(
                    "probe",
                    "This database has some of Call Companion's tables but not all ({tables} missing): "
                    "ask your admin to check it.",
                ).format(tables=", ".join(missing) or "schema_version"),
                address=address,
                schema_version=version,
            )
        rights = []
        for table in ("call", "contact"):
            for right in ("SELECT", "INSERT", "UPDATE"):
                rights.append(
                    sql.SQL("has_table_privilege({}, {})").format(
                        sql.Literal(f'"{schema}"."{table}"'), sql.Literal(right)
                    )
                )
        cursor.execute(sql.SQL("SELECT ") + sql.SQL(" AND ").join(rights))
        if not cursor.fetchone()[0]:
            return Probe(
                NO_RIGHTS,
                translate(
                    "probe",
                    "Connected, but the user {user} may not save calls in this database: ask your admin "
                    "for the right to write.",
                ).format(user=user),
                address=address,
                schema_version=version,
            )
    message = translate(
        "probe", "Connected. This is a Call Companion team database (schema {version})."
    ).format(version=version)
    if version < SCHEMA_VERSION:
        message += " " + translate(
            "probe",
            "This Call Companion will upgrade it to schema {known}: colleagues on an older version "
            "will need to update.",
        ).format(known=SCHEMA_VERSION)
    return Probe(OURS, message, address=address, schema_version=version)


__all__ = [
    "BAD_ADDRESS",
    "DEFAULT_PORT",
    "EMPTY",
    "FOREIGN",
    "NO_DRIVER",
    "NO_RIGHTS",
    "OURS",
    "REFUSED",
    "TEAM_SCHEMES",
    "TIMEOUT",
    "TOO_NEW",
    "UNREACHABLE",
    "Probe",
    "TeamAddress",
    "check_connection",
    "connect_params",
    "hide",
]
