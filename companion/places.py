"""Place names for numbers without the 100 MB the geocoder's tables cost in memory.

``phonenumbers.geocoder`` imports every prefix of the world in every language at once: the
window's resident size grew from 115 MB to 240 MB on its first place name. The window instead
reads the same tables, in the app's languages only, from a small SQLite file in the user's cache
folder, written once per phonenumbers version by a short-lived process (``python -m
companion.places FILE``). :func:`install` puts lookups into that file where ``phonenumbers``
expects its data modules, so the geocoder's own rules (the longest prefix, the fallback to
English, the region a user is in) still decide what a number is called.

Pure standard library plus phonenumbers: no Qt, no peewee.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import types
from collections.abc import Iterator, Mapping
from pathlib import Path

#: the languages the app speaks (and English, the geocoder's fallback)
LANGS = ("en", "ru")


def cache_file() -> Path:
    """Where the tables of this phonenumbers version live (``$COMPANION_PLACES`` overrides)."""
    import phonenumbers
    import platformdirs

    override = os.environ.get("COMPANION_PLACES")
    if override:
        return Path(override)
    folder = Path(platformdirs.user_cache_dir("call-companion", appauthor=False))
    return folder / f"places-{phonenumbers.__version__}.sqlite3"


def build(target: Path) -> Path:
    """Write the tables to ``target`` (through a temporary file: a reader never sees half)."""
    from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX
    from phonenumbers.geodata.locale import LOCALE_DATA

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE prefix (prefix TEXT PRIMARY KEY, en TEXT, ru TEXT) WITHOUT ROWID")
        con.execute("CREATE TABLE region (region TEXT PRIMARY KEY, en TEXT, ru TEXT) WITHOUT ROWID")
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.executemany(
            "INSERT INTO prefix VALUES (?, ?, ?)",
            (
                (prefix, names.get("en"), names.get("ru"))
                for prefix, names in GEOCODE_DATA.items()
                if "en" in names or "ru" in names
            ),
        )
        con.executemany(
            "INSERT INTO region VALUES (?, ?, ?)",
            ((code, _name(names, "en"), _name(names, "ru")) for code, names in LOCALE_DATA.items()),
        )
        con.execute("INSERT INTO meta VALUES ('longest_prefix', ?)", (str(GEOCODE_LONGEST_PREFIX),))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, target)
    return target


def _name(names: Mapping[str, str], lang: str) -> str | None:
    """A region's name in ``lang``; ``*xx`` in the data means "the same as in xx"."""
    name = names.get(lang)
    if name is not None and name.startswith("*"):
        name = names.get(name[1:])
    return name


def ensure(target: Path | None = None) -> Path | None:
    """The tables' file, written now by a separate process if it is missing; None when that
    fails (the card then goes without place names rather than without memory)."""
    path = target or cache_file()
    if path.exists():
        return path
    if getattr(sys, "frozen", False):  # pragma: no cover - a packaged app runs itself
        command = [sys.executable, "places-cache", str(path)]
    else:
        command = [sys.executable, "-m", "companion.places", str(path)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if path.exists() else None


class _Table(Mapping[str, dict[str, str]]):
    """One table of the file as the read-only dict phonenumbers' code looks things up in."""

    def __init__(self, con: sqlite3.Connection, table: str, key: str) -> None:
        self._con = con
        self._query = f"SELECT en, ru FROM {table} WHERE {key} = ?"
        self._count = f"SELECT COUNT(*) FROM {table}"
        self._cache: dict[str, dict[str, str] | None] = {}

    def _row(self, key: object) -> dict[str, str] | None:
        if not isinstance(key, str):
            return None
        if key not in self._cache:
            if len(self._cache) > 4096:
                self._cache.clear()
            row = self._con.execute(self._query, (key,)).fetchone()
            self._cache[key] = (
                None if row is None else {lang: text for lang, text in zip(LANGS, row, strict=True) if text}
            )
        return self._cache[key]

    def __getitem__(self, key: str) -> dict[str, str]:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        return row

    def __contains__(self, key: object) -> bool:
        return self._row(key) is not None

    def __iter__(self) -> Iterator[str]:  # pragma: no cover - phonenumbers never iterates
        raise TypeError("the place tables are looked up, not listed")

    def __len__(self) -> int:
        return int(self._con.execute(self._count).fetchone()[0])


def install(path: Path) -> bool:
    """Make ``phonenumbers.geocoder`` read ``path`` instead of its own tables. Only before the
    geocoder (or its tables) were imported in this process; False when too late or unreadable."""
    if "phonenumbers.geodata" in sys.modules or "phonenumbers.geocoder" in sys.modules:
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        longest = int(con.execute("SELECT value FROM meta WHERE key = 'longest_prefix'").fetchone()[0])
    except (sqlite3.Error, TypeError, ValueError):
        return False
    import phonenumbers

    geodata = types.ModuleType("phonenumbers.geodata")
    geodata.GEOCODE_DATA = _Table(con, "prefix", "prefix")  # type: ignore[attr-defined]
    geodata.GEOCODE_LONGEST_PREFIX = longest  # type: ignore[attr-defined]
    geodata.__path__ = []  # a package, so that ``phonenumbers.geodata.locale`` resolves
    locale = types.ModuleType("phonenumbers.geodata.locale")
    locale.LOCALE_DATA = _Table(con, "region", "region")  # type: ignore[attr-defined]
    geodata.locale = locale  # type: ignore[attr-defined]
    sys.modules["phonenumbers.geodata"] = geodata
    sys.modules["phonenumbers.geodata.locale"] = locale
    phonenumbers.geodata = geodata  # type: ignore[attr-defined]
    return True


def use_light_tables() -> bool:
    """For the window process: read place names from the small file. Installed at once when
    the file exists; otherwise place names wait (``numbers.places_pending``) until
    :func:`prepare` has written it. True when the light tables are (or will be) in use."""
    from companion import numbers

    path = cache_file()
    if path.exists() and install(path):
        return True
    if "phonenumbers.geodata" in sys.modules or "phonenumbers.geocoder" in sys.modules:
        return False
    numbers.places_pending = True
    return True


def prepare() -> None:
    """Write the file if it is missing and install it (a pool thread of the window runs this
    after the first paint); place names come back either way."""
    from companion import numbers

    if not numbers.places_pending:
        return
    path = ensure()
    if path is not None:
        install(path)
    # installed, or (the file could not be written) the geocoder's own tables after all
    numbers.places_pending = False


if __name__ == "__main__":  # python -m companion.places FILE
    build(Path(sys.argv[1]))
