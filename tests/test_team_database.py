"""Which database the app uses, and the team database in the settings file.

``--db`` > ``COMPANION_DB`` > ``team_database`` of the settings > the file in the data folder,
the same for the window, the CLI and a hook's fast path (``paths.default_database``); the
settings file that holds the password is its owner's only.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from companion import launch, paths
from companion.config import Settings, load_settings, save_settings

TEAM = "postgresql://anna:s3cret@db.office.lan:5432/calls"


@pytest.fixture
def settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The test's settings file, with no COMPANION_DB: the settings decide."""
    monkeypatch.delenv("COMPANION_DB", raising=False)
    return Path(os.environ["COMPANION_CONFIG"])


def write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")


# --- the order ---------------------------------------------------------------------------------


def test_with_nothing_set_it_is_this_computers_file(settings_file: Path) -> None:
    assert paths.default_database() == str(paths.data_dir() / paths.DB_FILE)


def test_the_team_database_of_the_settings_comes_next(settings_file: Path) -> None:
    write(settings_file, {"rep": "anna", "team_database": TEAM})
    assert paths.default_database() == TEAM
    assert load_settings().team_database == TEAM  # the window's Settings page sees the same


def test_companion_db_comes_before_the_settings(settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(settings_file, {"team_database": TEAM})
    monkeypatch.setenv("COMPANION_DB", "/tmp/elsewhere.sqlite3")
    assert paths.default_database() == "/tmp/elsewhere.sqlite3"


def test_a_hooks_db_option_comes_first(settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(settings_file, {"team_database": TEAM})
    sent: list[object] = []
    monkeypatch.setattr(launch.ipc, "deliver", lambda event: sent.append(event))
    monkeypatch.setattr(launch.ipc, "window_starting", lambda: False)
    event = launch.hook_event(["--db", "mine.sqlite3", "incoming", "104"])
    assert event is not None
    launch.hand_over(event)
    launch.hand_over(launch.hook_event(["incoming", "105"]))  # type: ignore[arg-type]
    assert [e.db for e in sent] == [os.path.abspath("mine.sqlite3"), TEAM]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{",
        "[1, 2]",
        '"just text"',
        "\ufeff{}",
        "[" * 100_000,
        b"\xff\xfe{\x00}".decode("latin-1"),
        json.dumps({"team_database": 5}),
        json.dumps({"team_database": "calls.sqlite3"}),  # never read as a file name
        json.dumps({"team_database": "/home/anna/calls.sqlite3"}),
        json.dumps({"team_database": "mysql://db/calls"}),
        json.dumps({"team_database": "postgresql://db/calls\nrm -rf"}),
        json.dumps({"team_database": "postgresql://db/" + "x" * 2000}),
    ],
)
def test_a_damaged_settings_file_or_odd_value_is_no_team_database(settings_file: Path, content: str) -> None:
    write(settings_file, content)
    assert paths.default_database() == str(paths.data_dir() / paths.DB_FILE)
    assert load_settings().team_database == ""  # the window agrees: no team database


def test_a_settings_file_too_big_to_be_ours_is_not_read(settings_file: Path) -> None:
    write(settings_file, {"team_database": TEAM, "padding": "x" * (paths.MAX_SETTINGS_FILE + 1)})
    assert paths.team_database() == "" and load_settings() == Settings()


def test_a_missing_settings_folder_is_no_team_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COMPANION_DB", raising=False)
    monkeypatch.setenv("COMPANION_CONFIG", str(tmp_path / "nowhere" / "settings.json"))
    assert paths.team_database() == ""


def test_the_hooks_fast_path_reads_it_with_the_standard_library_only(settings_file: Path) -> None:
    """A softphone waits for the hook: no Qt, no peewee, not even the config module."""
    write(settings_file, {"team_database": TEAM})
    code = (
        "import sys, companion.launch as l, companion.paths as p\n"
        "print(p.default_database())\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'peewee', 'playhouse', 'psycopg2', 'phonenumbers') or m in "
        "('companion.config', 'companion.cli', 'companion.store', 'companion.i18n'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "COMPANION_DB"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    database, heavy = result.stdout.splitlines()
    assert database == TEAM and heavy == ""


# --- the settings file ------------------------------------------------------------------------


def test_the_team_database_survives_a_save_and_a_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(region="RU", rep="anna", team_database=TEAM)
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert json.loads(path.read_text(encoding="utf-8"))["team_database"] == TEAM
    save_settings(Settings(region="RU", rep="anna"), path)  # "Stop using it"
    assert load_settings(path).team_database == ""
    assert paths.team_database(path) == ""


def test_an_older_settings_file_without_it_loads(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    old = {k: v for k, v in asdict(Settings(rep="anna")).items() if k != "team_database"}
    write(path, old)
    assert load_settings(path) == Settings(rep="anna")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_settings_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    leftover = path.with_suffix(".tmp")
    leftover.write_text("{}", encoding="utf-8")
    leftover.chmod(0o644)  # a leftover from a crash, made with wider rights
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)  # written by an older version
    old_umask = os.umask(0)
    try:
        save_settings(Settings(rep="anna", team_database=TEAM), path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not leftover.exists()
    assert load_settings(path).team_database == TEAM
