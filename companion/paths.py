"""Where things live: the data folder, the database, the preferences file.

Kept apart from ``config`` so the hand-over client of a softphone hook (``companion.ipc``)
finds the running window without importing anything heavier than platformdirs.

The database without ``--db``: ``COMPANION_DB``, then the team database of the settings file
(``team_database``, a ``postgresql://`` address), then ``companion.sqlite3`` in the data folder.
The window, the CLI and a hook's fast path (``launch``) all ask ``default_database()``, so a
hook hands its call to the window that is open on the same database.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "Call Companion"
APP_AUTHOR = "CallCompanion"
DB_FILE = "companion.sqlite3"
DEMO_FILE = "demo.sqlite3"

#: the addresses a team database may have (what ``open_database`` opens as PostgreSQL)
TEAM_SCHEMES = ("postgresql://", "postgres://")
#: a hook sends its database to the window in its event (``ipc.MAX_DB``)
MAX_TEAM_URL = 1024
#: a settings file is a few hundred bytes; a bigger one is not read (it is not ours)
MAX_SETTINGS_FILE = 1 << 20


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def default_database() -> str:
    """``COMPANION_DB``, else the settings' team database, else the file in the data folder."""
    return os.environ.get("COMPANION_DB") or team_database() or str(data_dir() / DB_FILE)


def config_path() -> Path:
    env = os.environ.get("COMPANION_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "settings.json"


def settings_data(path: Path | None = None) -> dict[str, object]:
    """The settings file's JSON object; ``{}`` for a missing, unreadable, damaged or oversized
    file. ``config.load_settings`` reads it through here too, so both see the same values."""
    try:
        with open(path or config_path(), "rb") as fh:
            data = fh.read(MAX_SETTINGS_FILE + 1)
        if len(data) > MAX_SETTINGS_FILE:
            return {}
        raw = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return {}
    return raw if isinstance(raw, dict) else {}


def is_team_url(value: object) -> bool:
    """A ``postgresql://`` address that a hook can send to the window (short, one line)."""
    return (
        isinstance(value, str)
        and value.lower().startswith(TEAM_SCHEMES)
        and len(value) <= MAX_TEAM_URL
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
    )


def team_database(path: Path | None = None) -> str:
    """The team database's address from the settings file; "" for none (no file, a damaged
    one, or a value that is not a ``postgresql://`` address: never read as a file name)."""
    value = settings_data(path).get("team_database")
    return value if isinstance(value, str) and is_team_url(value) else ""


_USERINFO_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:@]*):(.*)@")
_QUERY_PASSWORD = re.compile(r"(?i)([?&;]password=)[^&;#]*")


def without_password(target: str) -> str:
    """``target`` fit to show or log: a URL's password (``user:secret@``, ``?password=…``)
    as ``***``; a file path as it is. Greedy to the last ``@``: an unencoded ``@`` or ``/`` in
    a password is hidden too, never half shown."""
    if "://" not in target:
        return target
    shown = _USERINFO_PASSWORD.sub(r"\1:***@", target, count=1)
    return _QUERY_PASSWORD.sub(r"\1***", shown)
