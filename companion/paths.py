"""Where things live: the data folder, the database, the preferences file.

Kept apart from ``config`` so the hand-over client of a softphone hook (``companion.ipc``)
finds the running window without importing anything heavier than platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Call Companion"
APP_AUTHOR = "CallCompanion"
DB_FILE = "companion.sqlite3"
DEMO_FILE = "demo.sqlite3"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def default_database() -> str:
    return os.environ.get("COMPANION_DB") or str(data_dir() / DB_FILE)


def config_path() -> Path:
    env = os.environ.get("COMPANION_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "settings.json"
