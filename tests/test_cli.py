"""The command line of DESIGN.md §4, end to end: what scripts and softphones rely on.

Subprocess tests run the real entry point (``python -m companion``) with ``COMPANION_DB`` and
``COMPANION_CONFIG`` in the test's tmp_path; tests that would learn nothing more from a
process call ``companion.cli.main`` in-process. The settings file says region US, so every
Russian national number needs ``--region RU`` to be understood.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from companion.cli import main

IVAN = "+74993224685"
OLGA = "+79161234567"
RECEPTION = "+74951112233"
OS_USER = "olga.k"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = Path(os.environ["COMPANION_CONFIG"])
    path.write_text(json.dumps({"region": "US", "lang": "en"}), encoding="utf-8")
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # what getpass.getuser() reads
        monkeypatch.setenv(name, OS_USER)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8")
    monkeypatch.delenv("COMPANION_TRACE", raising=False)
    return path


@pytest.fixture
def env_db() -> Path:
    """The database ``COMPANION_DB`` points to (in tmp_path, set by conftest)."""
    return Path(os.environ["COMPANION_DB"])


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """``companion ARGS…`` as a process, in tmp_path, with the test's environment."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "companion", *args],
            cwd=tmp_path,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
            check=False,
        )

    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(result))


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """Bad input: non-zero exit, exactly one line on stderr, no traceback anywhere."""
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("companion")
    return result.stderr.strip()


def cli(*args: str) -> tuple[int, str]:
    """``main`` in-process: exit code and standard output."""
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def cli_ok(*args: str) -> str:
    code, out = cli(*args)
    assert code == 0
    return out


def cli_json(*args: str) -> Any:
    return json.loads(cli_ok(*args, "--json"))


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = ("contact", "phone", "contact_phone", "call", "callback")
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def files(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` with its bytes: no change may hide anywhere."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def write_contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Name,PHONE,Company,Familiarity,Status\n"
        "Ivan Petrov,8 (499) 322-46-85,Acme,none,\n"  # a bought list: does not know us
        "Olga Smirnova,+7 916 123-45-67,Beta,,client\n"
        "Reception,+7 495 111-22-33,Beta,,\n",
        encoding="utf-8",
    )
    return path


def noon_in_moscow_tomorrow() -> str:
    """A callback time inside the person's calling hours (a Moscow number), whenever the test runs."""
    moscow = ZoneInfo("Europe/Moscow")
    day = (datetime.now(moscow) + timedelta(days=1)).date()
    return datetime.combine(day, time(12, 0), tzinfo=moscow).isoformat()


def iso_in(days: float) -> str:
    return (datetime.now().astimezone() + timedelta(days=days)).isoformat(timespec="seconds")


# --- the whole story ---------------------------------------------------------------------


def test_the_done_when_story_through_the_command_line(run: Run, tmp_path: Path) -> None:
    assert ok(run("--region", "RU", "import", str(write_contacts(tmp_path)))) == (
        "3 created, 0 updated, 0 unchanged, 0 skipped.\n"
    )

    # one person, whatever shape the number arrives in
    for args in (
        ("--region", "RU", "lookup", "8 (499) 322-46-85"),
        ("lookup", "+7 499 322 46 85"),
        ("lookup", "tel:+7-499-322-46-85"),
        ("lookup", "sip:+74993224685@pbx;user=phone"),
    ):
        card = ok_json(run(*args, "--direction", "out", "--json"))
        assert card["number"]["e164"] == IVAN, args
        assert card["contact"]["name"] == "Ivan Petrov", args
        assert (card["kind"], card["temperature"]) == ("cold", "cold"), args
    assert ok_json(run("lookup", IVAN, "--json"))["kind"] == "first_time"
    assert ok_json(run("lookup", OLGA, "--json"))["kind"] == "repeat"  # imported as a client

    # a conversation: cold → hot, first_time → returning
    ok(run("log", IVAN, "--direction", "out", "--outcome", "talked", "--note", "wants a quote"))
    assert ok_json(run("lookup", IVAN, "--direction", "out", "--json"))["kind"] == "hot"
    assert ok_json(run("lookup", IVAN, "--json"))["kind"] == "returning"

    # a deal: → repeat
    out = ok(run("log", IVAN, "--direction", "out", "--outcome", "deal"))
    assert out == "Logged: Deal (Outgoing · hot). Status: client.\n"
    assert ok_json(run("lookup", IVAN, "--json"))["kind"] == "repeat"

    # a promised callback: outgoing → callback, and back once the call is made
    due = noon_in_moscow_tomorrow()
    promise = ["--callback-at", due, "--promise", "the contract"]
    ok(run("log", IVAN, "--direction", "in", "--outcome", "callback", *promise))
    card = ok_json(run("lookup", IVAN, "--direction", "out", "--json"))
    assert card["kind"] == "callback"
    assert card["callback"]["promise"] == "the contract"
    assert datetime.fromisoformat(card["callback"]["due"]) == datetime.fromisoformat(due)
    ok(run("log", IVAN, "--direction", "out", "--outcome", "talked"))
    card = ok_json(run("lookup", IVAN, "--direction", "out", "--json"))
    assert (card["kind"], card["callback"]) == ("hot", None)
    assert [(h["direction"], h["outcome"]) for h in card["history"]] == [
        ("out", "talked"),
        ("in", "callback"),
        ("out", "deal"),
        ("out", "talked"),
    ]

    # export: UTF-8 with a BOM; the contacts come back unchanged
    ok(run("export", "calls", "calls.csv"))
    ok(run("export", "contacts", "people.csv"))
    calls = (tmp_path / "calls.csv").read_bytes()
    people = (tmp_path / "people.csv").read_bytes()
    assert calls.startswith(b"\xef\xbb\xbf") and people.startswith(b"\xef\xbb\xbf")
    call_rows = calls.decode("utf-8-sig").splitlines()
    assert call_rows[0].split(",")[:3] == ["started", "direction", "number"]
    assert len(call_rows) == 1 + 4
    assert "wants a quote" in call_rows[1] and "Ivan Petrov" in call_rows[1]
    assert ok(run("import", "people.csv")) == "0 created, 0 updated, 3 unchanged, 0 skipped.\n"


# --- lookup ------------------------------------------------------------------------------


def test_lookup_json_has_every_field_of_the_contract(run: Run, env_db: Path) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(env_db.parent)))
    cli_ok(
        "log", IVAN, "--direction", "in", "--outcome", "callback", "--note", "busy", "--promise", "a quote"
    )
    card = ok_json(run("lookup", "8 (499) 322-46-85", "--region", "RU", "--json"))
    assert {
        "input",
        "number",
        "direction",
        "kind",
        "temperature",
        "reminder",
        "contact",
        "history",
    } <= card.keys()
    assert {"callback", "warnings"} <= card.keys()
    assert card["input"] == "8 (499) 322-46-85"
    number = card["number"]
    assert {k: number[k] for k in ("e164", "international", "valid", "type", "place", "timezones")} == {
        "e164": IVAN,
        "international": "+7 499 322-46-85",
        "valid": True,
        "type": "fixed_line",
        "place": "Moscow",
        "timezones": ["Europe/Moscow"],
    }
    assert datetime.fromisoformat(number["local_time"]).utcoffset() == timedelta(hours=3)
    assert (card["direction"], card["kind"], card["temperature"]) == (
        "in",
        "returning",
        "hot",
    )  # they talked to this rep
    assert card["reminder"]
    contact = card["contact"]
    assert {k: contact[k] for k in ("name", "company", "status", "referred_by")} == {
        "name": "Ivan Petrov",
        "company": "Acme",
        "status": "prospect",
        "referred_by": None,
    }
    [call] = card["history"]
    assert {k: call[k] for k in ("direction", "rep", "kind", "outcome", "note")} == {
        "direction": "in",
        "rep": OS_USER,
        "kind": "first_time",
        "outcome": "callback",
        "note": "busy",
    }
    assert datetime.fromisoformat(call["at"]).tzinfo is not None
    assert card["callback"]["promise"] == "a quote"
    assert datetime.fromisoformat(card["callback"]["due"]) > datetime.fromisoformat(call["at"])
    assert isinstance(card["warnings"], list)


def test_lookup_of_an_unknown_number_has_no_contact_and_no_history() -> None:
    card = cli_json("lookup", "+49 30 1234567")
    assert (card["contact"], card["history"], card["callback"]) == (None, [], None)
    assert (card["kind"], card["number"]["place"]) == ("first_time", "Berlin")


def test_lookup_prints_a_card_for_people(run: Run, env_db: Path) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(env_db.parent)))
    cli_ok("log", OLGA, "--direction", "out", "--outcome", "talked", "--note", "asked about prices")
    lines = ok(run("lookup", OLGA)).splitlines()
    assert lines[0] == "Incoming · repeat (our client)  [HOT]"
    assert lines[1].startswith("  Our client is back")
    assert lines[2] == "  Olga Smirnova · Beta · client"
    assert lines[3].startswith("  +7 916 123-45-67 · ")
    assert any("Talked — asked about prices" in line and OS_USER in line for line in lines)


def test_lookup_never_writes(run: Run, env_db: Path) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(env_db.parent)))
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "callback")
    before, rows = env_db.read_bytes(), counts(env_db)
    ok(run("lookup", IVAN, "--direction", "out"))
    ok(run("lookup", "+7 812 123-45-67", "--json"))  # unknown: still nothing recorded
    ok(run("lookup", "anonymous", "--json"))
    assert counts(env_db) == rows
    assert env_db.read_bytes() == before
    assert not Path(f"{env_db}-wal").exists()


# --- log ---------------------------------------------------------------------------------


def test_log_records_the_note_and_the_time_given() -> None:
    logged = cli_json(
        "log", IVAN, "--direction", "out", "--outcome", "talked", "--note", "sent the offer",
        "--at", "2026-11-20T10:15:00+03:00",
    )  # fmt: skip
    call = logged["call"]
    assert (call["outcome"], call["note"], call["direction"]) == ("talked", "sent the offer", "out")
    assert datetime.fromisoformat(call["at"]) == datetime.fromisoformat("2026-11-20T07:15:00+00:00")


def test_a_callback_in_the_persons_night_is_moved_to_their_morning_and_says_so() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    day = (datetime.now(moscow) + timedelta(days=2)).date()
    night = datetime.combine(day, time(3, 30), tzinfo=moscow)
    args = ["log", IVAN, "--direction", "in", "--outcome", "callback", "--callback-at", night.isoformat()]
    logged = cli_json(*args)["callback"]
    morning = datetime.combine(day, time(9, 0), tzinfo=moscow)
    assert datetime.fromisoformat(logged["due"]) == morning
    assert datetime.fromisoformat(logged["shifted_from"]) == night
    text = cli_ok(*args)
    assert f"It would be 03:30 there, outside calling hours: moved to {day:%d.%m} 09:00 their time." in text


def test_log_a_callback_with_its_time_and_promise() -> None:
    due = noon_in_moscow_tomorrow()
    logged = cli_json(
        "log", IVAN, "--direction", "in", "--outcome", "callback", "--callback-at", due,
        "--promise", "send the price list",
    )  # fmt: skip
    assert logged["status_after"] == "prospect"
    assert logged["callback"]["promise"] == "send the price list"
    assert datetime.fromisoformat(logged["callback"]["due"]) == datetime.fromisoformat(due)


def test_the_rep_is_the_os_user_unless_given() -> None:
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "no_answer")
    cli_ok("--rep", "anna", "log", IVAN, "--direction", "out", "--outcome", "no_answer")
    history = cli_json("lookup", IVAN)["history"]
    assert [h["rep"] for h in history] == ["anna", OS_USER]


def test_a_withheld_number_can_be_logged() -> None:
    logged = cli_json(
        "log", "anonymous", "--direction", "in", "--outcome", "talked", "--note", "asked for hours"
    )
    assert logged["call"]["outcome"] == "talked"
    assert logged["status_after"] is None  # nobody to give a status to
    card = cli_json("lookup", "anonymous")
    assert [w["code"] for w in card["warnings"]] == ["withheld"]
    assert "0 open callbacks" in cli_ok("status")
    assert "1 calls" in cli_ok("status")


def test_an_unparseable_number_is_looked_up_and_logged_as_invalid(run: Run, env_db: Path) -> None:
    card = ok_json(run("lookup", "call me maybe", "--json"))
    assert card["number"]["valid"] is False
    assert "invalid_number" in [w["code"] for w in card["warnings"]]
    logged = ok_json(run("log", "call me maybe", "--direction", "in", "--outcome", "wrong_number", "--json"))
    assert logged["call"]["outcome"] == "wrong_number"
    assert counts(env_db)["call"] == 1


def test_a_softphone_url_is_an_outgoing_call_waiting_for_its_outcome() -> None:
    card = cli_json("tel:+7-499-322-46-85")
    assert (card["direction"], card["number"]["e164"]) == ("out", IVAN)
    assert card["call_id"] is not None
    assert "To log:" in cli_ok("status")


def test_a_softphone_url_after_global_options(tmp_path: Path) -> None:
    team = tmp_path / "team.sqlite3"
    card = cli_json("--db", str(team), "--rep", "anna", "callto:+74993224685")
    assert (card["direction"], card["number"]["e164"]) == ("out", IVAN)
    assert counts(team)["call"] == 1


def test_a_console_that_cannot_show_cyrillic_still_gets_its_card(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"name,phone\nИван Петров,{IVAN}\n", encoding="utf-8")
    cli_ok("import", str(path))
    monkeypatch.setenv("PYTHONIOENCODING", "cp1252")  # a Windows pipe in a legacy code page
    assert ok_json(run("lookup", IVAN, "--json"))["contact"]["name"] == "Иван Петров"  # \u escapes
    assert "Traceback" not in ok(run("lookup", IVAN))


# --- callbacks ---------------------------------------------------------------------------


def test_callbacks_lists_the_open_ones_overdue_first_and_due_filters(run: Run) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(Path(os.environ["COMPANION_DB"]).parent)))
    cli_ok(
        "log", OLGA, "--direction", "in", "--outcome", "callback", "--at", "2020-01-10T10:00:00+00:00",
        "--callback-at", "2020-01-11T10:00:00+00:00", "--promise", "the invoice",
    )  # fmt: skip
    cli_ok(
        "log", IVAN, "--direction", "out", "--outcome", "callback", "--callback-at", iso_in(30)
    )  # shifted or not, later
    everything = ok_json(run("callbacks", "--json"))
    assert [(c["name"], c["overdue"]) for c in everything] == [
        ("Olga Smirnova", True),
        ("Ivan Petrov", False),
    ]
    due = ok_json(run("callbacks", "--due", "--json"))
    assert [(c["name"], c["promise"]) for c in due] == [("Olga Smirnova", "the invoice")]
    lines = cli_ok("callbacks").splitlines()
    assert lines[0].startswith("! ") and "Olga Smirnova" in lines[0] and lines[0].endswith("— the invoice")
    assert lines[1].startswith("  ") and "Ivan Petrov" in lines[1]


def test_no_callbacks_says_so() -> None:
    assert cli_ok("callbacks", "--due") == "No open callbacks.\n"
    assert cli_json("callbacks") == []


# --- import and export -------------------------------------------------------------------


def test_import_then_lookup_shows_the_person_and_the_kind(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"ФИО;Телефон\nИван Петров;{IVAN}\n", encoding="cp1251")
    out = ok(run("import", str(path), "--familiarity", "none", "--json"))
    assert json.loads(out) == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "problems": []}
    card = cli_json("lookup", IVAN, "--direction", "out")
    assert (card["contact"]["name"], card["kind"]) == ("Иван Петров", "cold")


def test_import_reports_the_rows_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"Client,Tel\nIvan,{IVAN}\nNobody,no number here\n", encoding="utf-8")
    out = cli_ok("import", str(path), "--map", "name=Client,phone=Tel")
    assert out == (
        "1 created, 0 updated, 0 unchanged, 1 skipped.\n"
        "  line 3: not a usable number: 'no number here'\n"
        "  line 3: skipped: no usable number\n"
    )


def test_a_header_only_file_is_refused(
    tmp_path: Path, env_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,phone\n", encoding="utf-8")
    assert cli("import", str(path)) == (2, "")
    assert capsys.readouterr().err == "companion: list.csv has a header row and nothing under it.\n"
    assert counts(env_db)["contact"] == 0


def test_export_contacts_imports_back_with_nothing_changed(tmp_path: Path) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(tmp_path)))
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "deal")
    assert (
        cli_ok("export", "contacts", str(tmp_path / "out.csv"))
        == f"Exported 3 rows to {tmp_path / 'out.csv'}.\n"
    )
    assert cli_ok("import", str(tmp_path / "out.csv")) == "0 created, 0 updated, 3 unchanged, 0 skipped.\n"


# --- which database ----------------------------------------------------------------------


def test_companion_db_is_used_when_there_is_no_db_flag(tmp_path: Path, env_db: Path) -> None:
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "talked")
    assert counts(env_db)["call"] == 1


def test_the_db_flag_wins_over_companion_db(tmp_path: Path, env_db: Path) -> None:
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "talked")
    before = env_db.read_bytes()
    other = tmp_path / "elsewhere" / "team.sqlite3"
    cli_ok("--db", str(other), "log", IVAN, "--direction", "out", "--outcome", "talked")
    cli_ok("--db", str(other), "log", OLGA, "--direction", "out", "--outcome", "talked")
    assert counts(other)["call"] == 2
    assert env_db.read_bytes() == before


# --- bad input: one line, non-zero, nothing changed ----------------------------------------


LONG = "7" * 5000
CALLBACK_BEFORE_CALL = ["--at", "2026-11-20T10:00", "--callback-at", "2026-11-19T10:00"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", IVAN, "--direction", "in", "--outcome", "maybe"], "Unknown outcome 'maybe'"),
        (["log", IVAN, "--direction", "sideways", "--outcome", "talked"], "Unknown direction 'sideways'"),
        (["log", IVAN, "--direction", "in", "--outcome", "talked", "--at", "yesterday"], "--at: 'yesterday'"),
        (
            ["log", IVAN, "--direction", "in", "--outcome", "talked", "--callback-at", "2030-01-01T10:00"],
            "only with the outcome callback",
        ),
        (
            ["log", IVAN, "--direction", "in", "--outcome", "callback", *CALLBACK_BEFORE_CALL],
            "before the call",
        ),
        (["lookup", LONG], "more than 256 characters"),
        (["--region", "XX", "lookup", IVAN], "Unknown region XX"),
        (["log", IVAN, "--direction", "in"], "required: --outcome"),
        (["import", "junk.csv"], "not a CSV file"),
        (["import", "empty.csv"], "is empty"),
        (["import", "unterminated.csv"], "line 3: broken CSV"),
        (["import", "nophone.csv"], "no phone column"),
        (["import", "good.csv", "--map", "phone=Mobile"], "no column 'Mobile'"),
        (["import", "good.csv", "--map", "birthday=Born"], "unknown field 'birthday'"),
        (["export", "calls", "no-such-folder/calls.csv"], "Cannot write"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    run: Run, tmp_path: Path, env_db: Path, args: list[str], message: str
) -> None:
    cli_ok("--region", "RU", "import", str(write_contacts(tmp_path)))
    cli_ok("log", OLGA, "--direction", "out", "--outcome", "callback")
    (tmp_path / "junk.csv").write_bytes(bytes(range(256)) * 16)
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "unterminated.csv").write_text(f'name,phone\nIvan,{IVAN}\n"Olga,{OLGA}\nPavel,{RECEPTION}\n')
    (tmp_path / "nophone.csv").write_text("name,company\nIvan,Acme\n")
    (tmp_path / "good.csv").write_text(f"name,phone\nNew Person,{RECEPTION}\n")
    before = files(tmp_path)
    line = refused(run(*args))
    assert message in line
    assert files(tmp_path) == before


def _text(path: Path) -> None:
    path.write_text("this is not a database\n", encoding="utf-8")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("keep me")


def _foreign_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO notes (text) VALUES ('not ours')")
    con.commit()
    con.close()


def _newer_schema(path: Path) -> None:
    code, _ = cli("--db", str(path), "log", IVAN, "--direction", "out", "--outcome", "talked")
    assert code == 0
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = delete")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_text, "not a Call Companion database"),
        (_png, "not a Call Companion database"),
        (_folder, "is a folder"),
        (_foreign_sqlite, "an SQLite file of another program"),
        (_newer_schema, "written by a newer Call Companion (schema 99"),
    ],
    ids=["text", "png", "folder", "foreign-sqlite", "newer-schema"],
)
def test_a_db_that_is_not_ours_is_refused_untouched(
    run: Run, tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    target = tmp_path / "data" / "thing.sqlite3"
    target.parent.mkdir()
    make(target)
    before = {p.relative_to(target.parent): p.read_bytes() for p in target.parent.rglob("*") if p.is_file()}
    line = refused(run("--db", str(target), "log", IVAN, "--direction", "in", "--outcome", "talked"))
    assert message in line
    after = {p.relative_to(target.parent): p.read_bytes() for p in target.parent.rglob("*") if p.is_file()}
    assert after == before


def test_a_damaged_database_is_reported_in_one_line(run: Run, env_db: Path) -> None:
    cli_ok("log", IVAN, "--direction", "out", "--outcome", "talked")
    con = sqlite3.connect(env_db)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'phone'").fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(env_db.read_bytes())
    data[(root - 1) * size : root * size] = b"\xab" * size  # the table of numbers is garbage now
    env_db.write_bytes(bytes(data))
    line = refused(run("lookup", IVAN))
    assert "cannot use this database (database disk image is malformed)" in line


# --- settings --------------------------------------------------------------------------


def test_global_options_work_after_the_command_too() -> None:
    card = cli_json("lookup", "8 (499) 322-46-85", "--region", "RU", "--rep", "anna")
    assert card["number"]["e164"] == IVAN
    assert cli_json("--region", "RU", "lookup", "8 (499) 322-46-85")["number"]["e164"] == IVAN
    assert cli_json("lookup", "8 (499) 322-46-85")["number"]["valid"] is False  # region US from the settings


def test_a_hand_edited_settings_file_with_wrong_values_falls_back_to_defaults(settings_file: Path) -> None:
    settings_file.write_text(
        json.dumps({"region": 7, "lang": "de", "callback_delay_minutes": "soon", "rep": ["x"]}),
        encoding="utf-8",
    )
    logged = cli_json("log", IVAN, "--direction", "in", "--outcome", "callback")
    wanted = logged["callback"]["shifted_from"] or logged["callback"]["due"]  # at night: moved on
    due = datetime.fromisoformat(wanted) - datetime.fromisoformat(logged["call"]["at"])
    assert due == timedelta(minutes=60)
    assert logged["call"]["rep"] == OS_USER


def test_lookup_on_a_database_that_does_not_exist_creates_no_file(tmp_path: Path) -> None:
    from companion.cli import main

    missing = tmp_path / "typo.sqlite3"
    out = io.StringIO()
    assert main(["--db", str(missing), "lookup", "+7 495 123-45-67", "--json"], out=out) == 0
    assert json.loads(out.getvalue())["kind"] == "first_time"
    assert not missing.exists() and not list(tmp_path.glob("typo*"))


def test_callbacks_show_the_persons_own_time_when_it_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as system_time

    monkeypatch.setenv("TZ", "UTC")
    system_time.tzset()
    try:
        due = noon_in_moscow_tomorrow()  # 12:00 in Moscow is 09:00 here
        cli_ok("log", IVAN, "--direction", "in", "--outcome", "callback", "--callback-at", due)
        (line,) = cli_ok("callbacks").splitlines()
        assert f"{datetime.fromisoformat(due).astimezone():%Y-%m-%d} 09:00" in line
        assert line.endswith("(12:00 their time)")
    finally:
        monkeypatch.delenv("TZ")
        system_time.tzset()


# --- the command line in Russian --------------------------------------------------------------


def test_help_is_in_the_language_asked_for(run: Run) -> None:
    text = ok(run("--lang", "ru", "log", "--help"))
    assert text.startswith("использование: companion log")
    assert "показать эту справку и выйти" in text
    assert "когда был звонок (ISO 8601; по умолчанию сейчас)" in text
    assert "show this help" not in text and "positional arguments" not in text


def test_help_follows_the_settings_language(run: Run, settings_file: Path) -> None:
    settings_file.write_text(json.dumps({"region": "RU", "lang": "ru"}), encoding="utf-8")
    assert "показать карточку номера (ничего не записывает)" in ok(run("--help"))
    assert "show the card for a number" in ok(run("--help", "--lang", "en"))


def test_a_usage_mistake_is_said_in_russian_in_one_line(run: Run) -> None:
    line = refused(run("log", "+74993224685", "--outcome", "talked", "--lang=ru"))
    assert line == "companion log: не хватает обязательных аргументов: --direction (см. --help)"
    line = refused(run("--lang", "ru", "frobnicate"))
    assert line.startswith("companion: аргумент COMMAND: нет такого варианта: 'frobnicate'")
    assert refused(run("lookup")) == (
        "companion lookup: the following arguments are required: number (see --help)"
    )


def test_a_number_that_looks_like_lang_is_not_read_as_the_language(run: Run) -> None:
    # `--` ends the options: what follows is the caller, even when it looks like "--lang=ru",
    # so a usage mistake after it is still said in the settings' language
    line = refused(run("lookup", "--", "--lang=ru", "extra"))  # the settings say English
    assert line == "companion: unrecognized arguments: extra (see --help)"


def test_the_demo_is_written_in_the_language_of_the_person(run: Run, tmp_path: Path) -> None:
    russian = ok(run("--lang", "ru", "--db", str(tmp_path / "ru.sqlite3"), "demo", "--print"))
    assert "Создана демобаза" in russian
    assert "Обсудили весенний заказ" in russian and "коллега Марина" in russian
    assert "Discussed" not in russian and "Marina" not in russian
    english = ok(run("--lang", "en", "--db", str(tmp_path / "en.sqlite3"), "demo", "--print"))
    assert "Discussed the spring order" in english and "Обсудили" not in english
