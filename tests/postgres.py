"""A real PostgreSQL server for the tests.

Started once per test session on a free local port, in a temporary folder, and stopped (and
deleted) at its end. Each test that runs on it gets a database of its own. PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` user (Debian's package makes it).

``COMPANION_TEST_POSTGRES``:
- unset: start a server from the installed binaries (``initdb``/``pg_ctl`` on PATH or in
  ``/usr/lib/postgresql/*/bin``); none installed: as root with apt (CI), the OS's ``postgresql``
  package is installed first; otherwise an error says how to get them;
- ``postgresql://user@host:port/dbname``: use that server instead (databases are made on it);
- ``off``: no PostgreSQL; the suites run on SQLite only (say so when you use it).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV = "COMPANION_TEST_POSTGRES"


class PostgresUnavailableError(RuntimeError):
    pass


def _find(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _install_server() -> None:
    """The OS's server package, when this machine may install it (root with apt: CI)."""
    apt = shutil.which("apt-get")
    if getattr(os, "geteuid", lambda: -1)() != 0 or not apt:
        return
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-q"], env=quiet, capture_output=True, check=False, timeout=600)
    subprocess.run(
        [apt, "install", "-y", "-q", "postgresql"], env=quiet, capture_output=True, check=False, timeout=900
    )


def _binary(name: str) -> str:
    found = _find(name)
    if found is None:
        _install_server()
        found = _find(name)
    if found:
        return found
    raise PostgresUnavailableError(
        f"PostgreSQL's {name} is not installed: install the server (Debian: apt-get install "
        f"postgresql; the tests do that themselves as root), or set {ENV}=postgresql://… "
        f"to use one, or {ENV}=off"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server the tests may make databases on; ``url(name)`` for a database of it."""

    def __init__(self, admin_url: str, stop: list[str] | None = None, folder: Path | None = None) -> None:
        self.admin_url = admin_url
        self._stop = stop
        self._folder = folder
        self._names = itertools.count(1)

    def url(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + name))

    def new_database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg2

        name = f"companion_test_{os.getpid()}_{next(self._names)}"
        connection = psycopg2.connect(self.admin_url)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        finally:
            connection.close()
        return self.url(name)

    def stop(self) -> None:
        if self._stop:
            subprocess.run(self._stop, capture_output=True, check=False, timeout=60)
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)


def start() -> Server | None:
    """The session's server, or None when ``COMPANION_TEST_POSTGRES=off``."""
    given = os.environ.get(ENV, "").strip()
    if given.lower() == "off":
        return None
    if given:
        return Server(given)
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    as_root = getattr(os, "geteuid", lambda: -1)() == 0  # (Windows has no root)
    folder = Path(tempfile.mkdtemp(prefix="companion-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    run_as: list[str] = []
    if as_root:
        runuser = shutil.which("runuser")
        if not runuser:
            raise PostgresUnavailableError("as root the server must run as 'postgres': runuser is missing")
        run_as = [runuser, "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    log = folder / "server.log"
    init = subprocess.run(
        [*run_as, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailableError(f"initdb failed: {init.stderr.strip()[-500:]}")
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
        capture_output=True, text=True, check=False, timeout=90,
    )  # fmt: skip
    if started.returncode != 0:
        text = ""
        with contextlib.suppress(OSError):
            text = log.read_text(errors="replace")[-800:]
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailableError(f"the test server did not start: {started.stderr.strip()} {text}")
    stop = [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
    return Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", stop=stop, folder=folder)
