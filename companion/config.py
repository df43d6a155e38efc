"""Where things live and the user's preferences that the CLI needs too.

Preferences are a small JSON file so that hooks and the CLI can read them without Qt
(window geometry and such stay in QSettings). ``COMPANION_CONFIG`` points elsewhere (tests,
portable installs). The database: ``--db``, then ``COMPANION_DB``, then ``team_database``, then
the file in the data folder (``paths.default_database``). The file may hold the team
database's password: it is written readable by its owner only.
"""

from __future__ import annotations

import getpass
import json
import locale
import os
import sys
from dataclasses import asdict, dataclass, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from companion.i18n import LANGUAGES

# re-exported: the rest of the package takes these from here
from companion.paths import APP_AUTHOR as APP_AUTHOR
from companion.paths import APP_NAME as APP_NAME
from companion.paths import DB_FILE as DB_FILE
from companion.paths import DEMO_FILE as DEMO_FILE
from companion.paths import config_path as config_path
from companion.paths import data_dir as data_dir
from companion.paths import default_database as default_database
from companion.paths import is_team_url, settings_data


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "me"


def locale_region() -> str:
    """The region of the OS locale (``ru_RU`` → ``RU``), or ``US`` when none can be found."""
    candidates: list[str] = []
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            candidates.append(os.environ[var])
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        buf = ctypes.create_unicode_buffer(85)
        if ctypes.windll.kernel32.GetUserDefaultLocaleName(buf, 85):
            candidates.insert(0, buf.value)
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    if loc:
        candidates.append(loc)
    for text in candidates:
        code = text.split(".")[0].split("@")[0].replace("-", "_")
        parts = code.split("_")
        if len(parts) >= 2 and len(parts[-1]) == 2 and parts[-1].isalpha():
            return parts[-1].upper()
    return "US"


def locale_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value.lower().startswith("ru"):
            return "ru"
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "en"
    return "en"


@dataclass(frozen=True)
class Settings:
    region: str = ""
    rep: str = ""
    lang: str = ""
    calling_start: str = "09:00"
    calling_end: str = "20:00"
    callback_delay_minutes: int = 60
    #: keep the window above others while a call is active / all the time
    on_top_during_calls: bool = True
    pinned: bool = False
    #: after a phone link's card: hand the number to this softphone ("none", "microsip",
    #: "linphone", "custom"), its program (empty: found on this computer), a custom command
    dial_handoff: str = "none"
    dial_program: str = ""
    dial_template: str = ""
    #: the loopback HTTP endpoint for softphones that can only open a URL (off by default);
    #: port 0 is the default port; the token is made the first time it is turned on
    http_hook: bool = False
    http_port: int = 0
    http_token: str = ""
    #: a phone number copied anywhere shows its card
    clipboard_watch: bool = False
    #: the team's shared history: a ``postgresql://`` address (password included); empty: the
    #: file of this computer. Read by ``paths.default_database`` (a hook's fast path) as well
    team_database: str = ""

    @property
    def hours(self) -> tuple[time, time]:
        return time.fromisoformat(self.calling_start), time.fromisoformat(self.calling_end)

    def resolved(self) -> Settings:
        """With the blanks filled from the OS (region and language from the locale)."""
        return replace(
            self,
            region=(self.region or locale_region()).upper(),
            rep=self.rep or os_user(),
            lang=self.lang or locale_language(),
        )


def load_settings(path: Path | None = None) -> Settings:
    """The saved preferences; a missing or damaged file gives the defaults."""
    raw = settings_data(path or config_path())
    # a value of the wrong type (hand-edited file, older version) falls back to its default
    # rather than crashing later: "region": 7 or "callback_delay_minutes": "soon"
    known = {f.name: type(f.default) for f in fields(Settings)}
    values: dict[str, Any] = {k: v for k, v in raw.items() if k in known and _fits(v, known[k])}
    if values.get("lang") not in (None, "", *LANGUAGES):
        del values["lang"]
    if values.get("team_database") and not is_team_url(values["team_database"]):
        del values["team_database"]  # as paths.team_database: never taken for a file name
    settings = Settings(**values)
    try:
        settings.hours  # noqa: B018 - validates the times
    except ValueError:
        settings = replace(settings, calling_start="09:00", calling_end="20:00")
    return settings


def _fits(value: object, kind: type) -> bool:
    if kind is int:  # bool is an int in Python, not in a settings file
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the preferences in one step (a new file moved over the old one), readable and
    writable by this user only: it may hold the team database's password."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)  # a leftover may have been made with wider rights
    text = json.dumps(asdict(settings), indent=2, ensure_ascii=False).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # 0o600 whatever the umask (Windows: the folder's ACL)
                os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
