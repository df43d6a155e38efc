"""``companion db migrate-to URL``: a personal history copied into a team database (PostgreSQL,
or another SQLite file), ids remapped, numbers and people deduplicated, nothing lost, the source
never written, and a second run that changes nothing."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from peewee import Database, IntegrityError, SqliteDatabase

from companion.book import Book, ContactDraft
from companion.cli import main
from companion.config import Settings
from companion.desk import Desk
from companion.method import Kind, Temperature
from companion.store import SCHEMA_VERSION, StoreError, open_database
from companion.store import merge as mg
from companion.store.models import MODELS, Call, Callback, Contact, ContactPhone, Phone, db
from companion.transfer import export_calls, export_contacts
from tests.conftest import Clock

FIXTURES = Path(__file__).parent / "fixtures"
IVAN = "+74993224685"
OLGA = "+79161234567"
RECEPTION = "+74951112233"
PETR = "+74957654321"
LIST = "+74950001122"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The target: a new SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_server").new_database())
    return str(tmp_path / "team.sqlite3")


@contextmanager
def opened(target: str | Path) -> Iterator[Database]:
    database = open_database(target)
    try:
        yield database
    finally:
        database.close()


def desk_for(rep: str, clock: Clock) -> Desk:
    return Desk(Settings(region="RU", rep=rep, lang="en"), clock=clock)


def make_history(path: Path, rep: str, clock: Clock, fill: Callable[[Desk], None]) -> Path:
    with opened(path):
        fill(desk_for(rep, clock))
    return path


def annas_week(desk: Desk) -> None:
    """Contacts, a shared number with its chosen person, every kind of row, notes, promises."""
    book = Book(desk)
    book.save(
        ContactDraft(
            name="Иван Петров",
            company="ООО Ромашка",
            email="ivan@example.ru",
            notes="любит звонки утром",
            familiarity="personal",
            numbers=[IVAN, "+7 499 111-22-33"],
        )
    )
    olga = book.save(ContactDraft(name="Olga Smirnova", company="Beta", referred_by="Иван", numbers=[OLGA]))
    book.save(ContactDraft(name="Olga Smirnova", company="Beta", numbers=[RECEPTION]))
    book.save(ContactDraft(name="Reception", company="Beta", do_not_call=True, numbers=[RECEPTION]))
    book.save(ContactDraft(name="Без номера", company="Nowhere", email="x@nowhere.ru"))
    start = desk.clock()
    desk.log(IVAN, "out", "deal", note="signed for a year", at=start - timedelta(days=3))
    desk.log(
        OLGA,
        "in",
        "callback",
        note="wants the price list",
        at=start - timedelta(days=2),
        callback_at=start + timedelta(days=1),
        promise="send the price list",
    )
    desk.log(PETR, "out", "interested", note="a new number", at=start - timedelta(days=1))
    desk.log("anonymous", "in", "talked", note="withheld", at=start - timedelta(hours=5))
    desk.begin_call(RECEPTION, "out")  # still to log
    finished = desk.log(LIST, "out", "callback", at=start - timedelta(hours=3), callback_at=start)
    assert finished.callback is not None
    desk.finish_callback(finished.callback.id)
    with db.atomic():
        phone = Phone.get(Phone.number == RECEPTION)
        phone.chosen = olga.id
        phone.save()
        Call.update(uid="anna-1").where(Call.note == "signed for a year").execute()


def colleagues_day(desk: Desk) -> None:
    """Rows already in the team database, on other numbers: the copied rows get other ids."""
    book = Book(desk)
    for i in range(3):
        book.save(ContactDraft(name=f"Colleague's {i}", numbers=[f"+7812555000{i}"]))
        desk.log(f"+7812555000{i}", "out", "talked", note=f"boris {i}")


def table_counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in MODELS}


def described() -> dict[str, Counter[tuple[Any, ...]]]:
    """Every row of the bound database as values, references as what they point to (a
    contact's name, a number, a call's number and start), so that two databases whose ids
    differ compare; every column of every model (new columns included) takes part."""

    def values(
        model: type[Any], row: dict[str, Any], refs: dict[str, Callable[[Any], Any]]
    ) -> tuple[Any, ...]:
        out = []
        for f in model._meta.sorted_fields:
            if f.primary_key:
                continue
            value = row[f.name]
            if f.name in refs:
                value = refs[f.name](value) if value is not None else None
            elif isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            out.append((f.name, value))
        return tuple(out)

    contacts = {r["id"]: r for r in Contact.select().dicts()}
    phones = {r["id"]: r for r in Phone.select().dicts()}
    calls = {r["id"]: r for r in Call.select().dicts()}
    numbers: dict[int, list[str]] = {}
    for link in ContactPhone.select().dicts():
        numbers.setdefault(link["contact"], []).append(phones[link["phone"]]["number"])

    def contact(i: int) -> tuple[str, str, tuple[str, ...]]:
        return (contacts[i]["name"], contacts[i]["company"], tuple(sorted(numbers.get(i, []))))

    def phone(i: int) -> str:
        return str(phones[i]["number"])

    def call(i: int) -> tuple[Any, ...]:
        row = calls[i]
        return (phone(row["phone"]) if row["phone"] else row["raw"], row["direction"], row["started"])

    refs = {"contact": contact, "phone": phone, "chosen": contact, "call": call}
    return {
        model.__name__: Counter(values(model, r, refs) for r in model.select().dicts())
        for model in (Contact, Phone, ContactPhone, Call, Callback)
    }


def content_of(target: str | Path) -> dict[str, Counter[tuple[Any, ...]]]:
    with opened(target):
        return described()


def exported(target: str | Path, folder: Path, name: str) -> tuple[list[str], list[str]]:
    """The database as ``companion export`` writes it: calls and contacts, line by line."""
    with opened(target):
        desk = Desk(Settings(region="RU", rep="me", lang="en"))
        export_calls(desk, folder / f"{name}-calls.csv")
        export_contacts(desk, folder / f"{name}-contacts.csv")
    read = lambda kind: (folder / f"{name}-{kind}.csv").read_text(encoding="utf-8-sig").splitlines()[1:]  # noqa: E731
    return read("calls"), read("contacts")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


@pytest.fixture
def annas(tmp_path: Path, clock: Clock) -> Path:
    return make_history(tmp_path / "anna.sqlite3", "anna", clock, annas_week)


# --- the copy ------------------------------------------------------------------------------


def test_every_table_is_copied() -> None:
    assert set(mg.COPIED) == set(MODELS)


def test_a_history_lands_whole_with_the_targets_ids(
    annas: Path, team: str, clock: Clock, tmp_path: Path
) -> None:
    with opened(team):
        colleagues_day(desk_for("boris", clock))
        already = described()
    before = content_of(annas)
    source_ids = {r.name: r.id for r in _in(annas, Contact)}

    with opened(annas):
        counts = table_counts()

    report = mg.copy_into(annas, team, rep="anna")

    assert counts == {"Contact": 7, "Phone": 6, "ContactPhone": 7, "Call": 6, "Callback": 2}
    assert [t.created for t in report.tallies()] == [6, 7, 7, 6, 2]  # phones, contacts, links, …
    assert report.matched == report.skipped == report.updated == 0
    after = content_of(team)
    for table, rows in before.items():
        assert rows - after[table] == Counter(), table  # every row, every column, every reference
        assert after[table] - rows == already[table], table  # and nothing else came in
    target_ids = {r.name: r.id for r in _in(team, Contact)}
    assert all(target_ids[name] != source_ids[name] for name in source_ids)  # the team's ids
    calls, contacts = exported(annas, tmp_path, "anna")
    team_calls, team_contacts = exported(team, tmp_path, "team")
    assert Counter(calls) - Counter(team_calls) == Counter()
    assert Counter(contacts) - Counter(team_contacts) == Counter()


def _in(target: str | Path, model: type[Any]) -> list[Any]:
    with opened(target):
        return list(model.select().order_by(model.id))


def test_a_second_run_changes_nothing(annas: Path, team: str) -> None:
    first = mg.copy_into(annas, team, rep="anna")
    with opened(team):
        counts = table_counts()
    content = content_of(team)

    again = mg.copy_into(annas, team, rep="anna")

    assert again.created == 0 and again.updated == 0 and again.skipped == 0 and not again.changed
    for mine, there in zip(first.tallies(), again.tallies(), strict=True):
        assert there.matched == mine.total
    with opened(team):
        assert table_counts() == counts
    assert content_of(team) == content


def test_the_source_file_is_only_read(annas: Path, tmp_path: Path) -> None:
    before = digest(annas)
    stamp = annas.stat().st_mtime_ns
    mg.copy_into(annas, tmp_path / "team.sqlite3", rep="anna")
    assert digest(annas) == before and annas.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in annas.parent.iterdir() if p.name.startswith("anna")) == ["anna.sqlite3"]


def test_an_open_database_is_read_where_it_is_and_the_models_stay_bound_to_it(
    annas: Path, tmp_path: Path, clock: Clock
) -> None:
    with opened(annas) as source:
        report = mg.copy_into(source, tmp_path / "team.sqlite3", rep="anna")
        assert db.obj is source and Contact.select().count() == 7  # still the source
    assert report.contacts.created == 7 and report.calls.created == 6
    with pytest.raises(StoreError, match="is the database being copied"):
        mg.copy_into(SqliteDatabase(str(annas)), annas)


def test_the_old_fixture_is_copied_through_an_upgraded_copy_and_stays_as_it_was(
    tmp_path: Path, team: str
) -> None:
    old = tmp_path / "v1.sqlite3"
    old.write_bytes((FIXTURES / "schema_v1.sqlite3").read_bytes())
    before = digest(old)
    report = mg.copy_into(old, team, rep="me")
    assert digest(old) == before
    assert {p.name for p in tmp_path.iterdir()} - {"team.sqlite3"} == {"v1.sqlite3"}  # no -wal, no .bak
    assert (report.contacts.created, report.phones.created, report.calls.created) == (3, 3, 3)
    with opened(team):
        reception = Phone.get(Phone.number == RECEPTION)
        assert sorted(c.contact.name for c in reception.owners) == ["Olga Smirnova", "Reception"]
        callback = Callback.get()
        assert (callback.promise, callback.contact.name, callback.call.note) == (
            "send the price list",
            "Olga Smirnova",
            "wants the price list",
        )
        assert Call.get(Call.note == "signed for a year").contact.name == "Иван Петров"


# --- who is the same -----------------------------------------------------------------------


def borises_week(desk: Desk) -> None:
    book = Book(desk)
    book.save(ContactDraft(name="иван  петров", notes="asked about delivery", numbers=[IVAN, OLGA]))
    book.save(ContactDraft(name="Boris's own", numbers=["+74959998877"]))
    desk.log(IVAN, "out", "no_answer", at=desk.clock() - timedelta(hours=1))
    desk.log(PETR, "out", "talked", note="boris tried too", at=desk.clock() - timedelta(hours=2))


def test_two_reps_one_after_the_other_meet_in_the_team_database(
    tmp_path: Path, team: str, clock: Clock
) -> None:
    anna = make_history(tmp_path / "anna.sqlite3", "anna", clock, annas_week)
    boris = make_history(tmp_path / "boris.sqlite3", "boris", clock, borises_week)
    mg.copy_into(anna, team, rep="anna")
    report = mg.copy_into(boris, team, rep="boris")

    assert report.phones.matched == 3  # IVAN, OLGA, PETR were in already
    assert (report.contacts.matched, report.contacts.created) == (1, 1)  # Ivan; boris's own
    with opened(team):
        assert Phone.select().where(Phone.number == IVAN).count() == 1
        ivan = Contact.get(Contact.name == "Иван Петров")
        assert Contact.select().where(Contact.name.contains("етров")).count() == 1
        assert sorted(link.phone.number for link in ivan.phones) == sorted([IVAN, OLGA, "+74991112233"])
        assert ivan.notes == "любит звонки утром\n\nasked about delivery"
        assert sorted(c.rep for c in Call.select().where(Call.contact == ivan)) == ["anna", "boris"]
        assert Call.select().where(Call.phone == Phone.get(Phone.number == PETR)).count() == 2

        card = desk_for("boris", clock).lookup(IVAN, "out")
        assert (card.kind, card.temperature) == (Kind.WARM, Temperature.WARM)
        assert any("anna on your team spoke with them" in line for line in card.context)
        assert desk_for("anna", clock).lookup(IVAN, "out").kind is Kind.HOT
        assert desk_for("boris", clock).lookup(IVAN, "in").kind is Kind.REPEAT  # anna's deal
        counts = table_counts()
    for path, rep in ((anna, "anna"), (boris, "boris")):  # both again: nothing new, nothing changed
        again = mg.copy_into(path, team, rep=rep)
        assert (again.created, again.updated, again.skipped) == (0, 0, 0)
    with opened(team):
        assert table_counts() == counts


def test_a_team_database_copies_back_into_a_file_as_it_is(tmp_path: Path, team: str, clock: Clock) -> None:
    mg.copy_into(make_history(tmp_path / "anna.sqlite3", "anna", clock, annas_week), team, rep="anna")
    mg.copy_into(make_history(tmp_path / "boris.sqlite3", "boris", clock, borises_week), team, rep="boris")
    laptop = tmp_path / "laptop.sqlite3"
    with opened(team) as database:
        whole = described()
        mg.copy_into(database, laptop)  # an open database: read where it is
        assert db.obj is database
    assert content_of(laptop) == whole


def test_a_contact_both_have_is_completed_not_overwritten(tmp_path: Path, team: str, clock: Clock) -> None:
    def target(desk: Desk) -> None:
        Book(desk).save(
            ContactDraft(
                name="Иван Петров", email="ivan@team.ru", status="client", notes="team notes", numbers=[IVAN]
            )
        )

    def mine(desk: Desk) -> None:
        Book(desk).save(
            ContactDraft(
                name="Иван Петров",
                company="ООО Ромашка",
                email="ivan@home.ru",
                status="prospect",
                do_not_call=True,
                referred_by="Olga",
                notes="my notes",
                familiarity="company",
                numbers=[IVAN],
            )
        )

    with opened(team):
        target(desk_for("boris", clock))
    source = make_history(tmp_path / "mine.sqlite3", "anna", clock, mine)
    report = mg.copy_into(source, team, rep="anna")
    assert (report.contacts.matched, report.contacts.updated, report.contacts.created) == (1, 1, 0)
    with opened(team):
        ivan = Contact.get()
        assert ivan.email == "ivan@team.ru"  # the team's value stays
        assert (ivan.company, ivan.referred_by, ivan.familiarity) == ("ООО Ромашка", "Olga", "company")
        assert ivan.status == "client"  # status only moves up
        assert ivan.do_not_call is True  # set if either says so
        assert ivan.notes == "team notes\n\nmy notes"


def test_status_moves_up_and_the_same_name_without_a_shared_number_is_another_person(
    tmp_path: Path, team: str, clock: Clock
) -> None:
    with opened(team):
        Book(desk_for("boris", clock)).save(ContactDraft(name="Иван Петров", numbers=[IVAN]))
        Book(desk_for("boris", clock)).save(ContactDraft(name="Olga", numbers=[OLGA]))

    def mine(desk: Desk) -> None:
        Book(desk).save(ContactDraft(name="Иван Петров", numbers=[IVAN]))
        desk.log(IVAN, "out", "deal")
        Book(desk).save(ContactDraft(name="Olga", numbers=[RECEPTION]))  # another Olga

    report = mg.copy_into(make_history(tmp_path / "m.sqlite3", "anna", clock, mine), team, rep="anna")
    assert (report.contacts.matched, report.contacts.created) == (1, 1)
    with opened(team):
        assert Contact.get(Contact.name == "Иван Петров").status == "client"
        assert Contact.select().where(Contact.name == "Olga").count() == 2


def test_a_personal_databases_own_people_become_known_by_its_rep(
    tmp_path: Path, team: str, clock: Clock
) -> None:
    def mine(desk: Desk) -> None:
        Book(desk).save(ContactDraft(name="Old friend", familiarity="personal", numbers=[IVAN]))
        Contact.update(known_by="").execute()  # "known by the owner of this file", as older files say

    mg.copy_into(make_history(tmp_path / "m.sqlite3", "anna", clock, mine), team, rep="anna")
    with opened(team):
        assert Contact.get().known_by == "anna"
        assert desk_for("anna", clock).lookup(IVAN, "out").kind is Kind.HOT
        assert desk_for("boris", clock).lookup(IVAN, "out").kind is Kind.WARM  # not boris's friend


def test_the_same_call_is_one_call_and_is_completed(tmp_path: Path, team: str, clock: Clock) -> None:
    started = clock() - timedelta(hours=1)

    def laptop(desk: Desk) -> None:  # the call as the other laptop has it: begun, never logged
        desk.begin_call(IVAN, "out")
        Call.update(started=started.replace(tzinfo=None, microsecond=0)).execute()

    def mine(desk: Desk) -> None:
        desk.log(IVAN, "out", "talked", note="the same call", at=started.replace(microsecond=250_000))
        desk.log(IVAN, "out", "no_answer", at=started.replace(microsecond=500_000))  # same second: another

    first = mg.copy_into(make_history(tmp_path / "laptop.sqlite3", "anna", clock, laptop), team, rep="anna")
    assert first.calls.created == 1
    report = mg.copy_into(make_history(tmp_path / "mine.sqlite3", "anna", clock, mine), team, rep="anna")
    assert (report.calls.matched, report.calls.updated, report.calls.created) == (1, 1, 1)
    with opened(team):
        calls = list(Call.select().order_by(Call.id))
        assert [(c.outcome, c.note) for c in calls] == [("talked", "the same call"), ("no_answer", "")]
    other_rep = make_history(tmp_path / "boris.sqlite3", "boris", clock, mine)
    assert mg.copy_into(other_rep, team, rep="boris").calls.created == 2  # another rep's calls


def test_a_call_with_the_same_uid_is_the_same_call(tmp_path: Path, team: str, clock: Clock) -> None:
    at = clock() - timedelta(hours=1)

    def logged(desk: Desk, uid: str, outcome: str, moment: datetime) -> None:
        call = desk.log(IVAN, "out", outcome, at=moment).call
        Call.update(uid=uid).where(Call.id == call.id).execute()

    with opened(team):
        logged(desk_for("anna", clock), "u-1", "talked", at)

    def mine(desk: Desk) -> None:
        logged(desk, "u-1", "talked", at + timedelta(seconds=2))  # its clock was off: the uid says
        logged(desk, "u-2", "no_answer", at)  # number, rep, second of u-1, but another call

    report = mg.copy_into(make_history(tmp_path / "mine.sqlite3", "anna", clock, mine), team, rep="anna")
    assert (report.calls.matched, report.calls.created) == (1, 1)
    with opened(team):
        assert sorted((c.uid, c.outcome) for c in Call.select()) == [("u-1", "talked"), ("u-2", "no_answer")]


def test_a_callback_owed_by_nobody_named_in_a_personal_file_becomes_its_reps(
    tmp_path: Path, team: str, clock: Clock
) -> None:
    def mine(desk: Desk) -> None:
        desk.log(OLGA, "in", "callback", callback_at=clock() + timedelta(days=1))
        Callback.update(rep="").execute()  # as schema 2 left one whose call was gone

    mg.copy_into(make_history(tmp_path / "mine.sqlite3", "anna", clock, mine), team, rep="anna")
    with opened(team):
        assert [c.rep for c in Callback.select()] == ["anna"]


def test_a_callback_is_the_same_when_its_call_is(tmp_path: Path, team: str, clock: Clock) -> None:
    def mine(desk: Desk) -> None:
        desk.log(
            OLGA, "in", "callback", promise="send the price list", callback_at=clock() + timedelta(days=1)
        )

    source = make_history(tmp_path / "mine.sqlite3", "anna", clock, mine)
    mg.copy_into(source, team, rep="anna")
    with opened(source):  # meanwhile, on the laptop, the promise was kept
        Callback.update(done=datetime(2026, 11, 26, 9, 0)).execute()
    report = mg.copy_into(source, team, rep="anna")
    assert (report.callbacks.matched, report.callbacks.updated, report.callbacks.created) == (1, 1, 0)
    with opened(team):
        assert [(c.promise, c.done) for c in Callback.select()] == [
            ("send the price list", datetime(2026, 11, 26, 9, 0))
        ]


# --- nothing half-written, and errors in one line -------------------------------------------


def test_a_failure_midway_leaves_the_target_as_it_was(
    annas: Path, team: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with opened(team):
        colleagues_day(desk_for("boris", clock))
    before = content_of(team)

    def broken(self: object) -> None:
        raise IntegrityError("the disk said no")

    monkeypatch.setattr(mg._Copy, "_callbacks", broken)
    with pytest.raises(StoreError, match=r"Nothing was copied into .*the disk said no"):
        mg.copy_into(annas, team, rep="anna")
    assert content_of(team) == before


def test_a_new_target_file_is_not_left_behind_by_a_failed_copy(
    annas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object) -> None:
        raise IntegrityError("no")

    monkeypatch.setattr(mg._Copy, "_calls", broken)
    with pytest.raises(StoreError):
        mg.copy_into(annas, tmp_path / "new" / "team.sqlite3")
    assert list((tmp_path / "new").iterdir()) == []


def test_through_the_command_line(
    annas: Path, team: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run_cli("--db", str(annas), "--rep", "anna", "db", "migrate-to", team)
    assert code == 0 and capsys.readouterr().err == ""
    assert out == (f"Copied {annas} into {team}. New: contacts 7, numbers 6, calls 6, callbacks 2.\n")
    code, out = run_cli("--db", str(annas), "--rep", "anna", "db", "migrate-to", team)
    assert code == 0 and out.splitlines() == [
        f"Copied {annas} into {team}. New: contacts 0, numbers 0, calls 0, callbacks 0.",
        "Already there: contacts 7, numbers 6, calls 6, callbacks 2; rows completed: 0; "
        "duplicates joined: 0.",
    ]
    with opened(team):
        assert Contact.get(Contact.name == "Иван Петров").known_by == "anna"


def test_the_command_line_takes_its_database_from_companion_db(
    annas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_DB", str(annas))
    code, out = run_cli("db", "migrate-to", str(tmp_path / "team.sqlite3"))
    assert code == 0 and "New: contacts 7" in out


def test_without_db_the_copy_is_of_the_reps_own_file_not_the_teams(
    annas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.config import DB_FILE, data_dir

    own = data_dir() / DB_FILE
    own.parent.mkdir(parents=True)
    own.write_bytes(annas.read_bytes())
    monkeypatch.delenv("COMPANION_DB")
    settings = Path(os.environ["COMPANION_CONFIG"])
    settings.write_text('{"team_database": "postgresql://team@127.0.0.1:1/calls"}', encoding="utf-8")
    code, out = run_cli("db", "migrate-to", str(tmp_path / "team.sqlite3"))
    assert code == 0 and out.startswith(f"Copied {own} into ") and "New: contacts 7" in out


def test_a_password_in_the_url_is_not_printed(
    annas: Path, postgres_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from urllib.parse import urlsplit

    url = postgres_server.new_database()
    parts = urlsplit(url)
    with_password = url.replace(f"{parts.username}@", f"{parts.username}:s3cret@", 1)  # trust: any password
    code, out = run_cli("--db", str(annas), "db", "migrate-to", with_password)
    assert code == 0 and "s3cret" not in out and ":***@" in out
    with opened(url):
        assert Contact.select().count() == 7


def _sqlite_version_set(path: Path, version: int) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(f"PRAGMA user_version = {version}")
        con.commit()
    finally:
        con.close()


def test_errors_are_one_line_and_change_nothing(
    annas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    source_digest = digest(annas)

    def refused(*args: str, says: str) -> None:
        assert run_cli(*args) == (2, "")
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("companion: ") and says in err, err

    cli = ("--db", str(annas), "db", "migrate-to")
    refused(*cli, str(annas), says="is the database being copied")
    refused(*cli, f"sqlite:///{annas}", says="is the database being copied")
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Olga,", encoding="utf-8")
    refused(*cli, str(letter), says="not a Call Companion database")
    assert letter.read_text(encoding="utf-8") == "Dear Olga,"
    refused(*cli, str(tmp_path), says="is a folder")
    newer = make_history(tmp_path / "newer.sqlite3", "boris", clock, colleagues_day)
    _sqlite_version_set(newer, SCHEMA_VERSION + 1)
    newer_digest = digest(newer)
    refused(*cli, str(newer), says="newer Call Companion")
    assert digest(newer) == newer_digest
    refused(*cli, "postgresql://nobody@127.0.0.1:1/calls", says="cannot connect to the team database")
    refused(*cli, "ftp://example.com/calls", says="no database driver")
    # the source itself: missing, not ours, newer, a team database
    team = tmp_path / "team.sqlite3"
    refused("--db", str(tmp_path / "missing.sqlite3"), "db", "migrate-to", str(team), says="no database")
    refused("--db", str(letter), "db", "migrate-to", str(team), says="not a Call Companion database")
    refused("--db", str(newer), "db", "migrate-to", str(team), says="newer Call Companion")
    refused("--db", "postgresql://u:pw@h/calls", "db", "migrate-to", str(team), says="team database already")
    assert not team.exists() and not (tmp_path / "missing.sqlite3").exists()
    assert digest(annas) == source_digest


def test_two_reps_migrating_at_the_same_moment_take_turns(
    tmp_path: Path, postgres_server: Any, clock: Clock
) -> None:
    import time

    import psycopg2

    url = postgres_server.new_database()
    anna = make_history(tmp_path / "anna.sqlite3", "anna", clock, annas_week)
    boris = make_history(tmp_path / "boris.sqlite3", "boris", clock, borises_week)
    with opened(url):
        pass  # the tables, for the lock's holder to be let in (two first runs would take turns too)
    holder = psycopg2.connect(url)  # holds the copy's lock: both runs must wait for it
    waiting = psycopg2.connect(url)
    waiting.autocommit = True
    try:
        holder.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (mg.COPY_LOCK,))
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "companion", "--db", str(path), "--rep", rep, "db", "migrate-to", url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for path, rep in ((anna, "anna"), (boris, "boris"))
        ]
        deadline = time.monotonic() + 60
        blocked = 0
        while blocked < 2 and time.monotonic() < deadline and all(r.poll() is None for r in runs):
            time.sleep(0.05)
            with waiting.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                blocked = cursor.fetchone()[0]
        assert blocked == 2, [r.communicate() for r in runs if r.poll() is not None]
    finally:
        holder.rollback()  # let them go, both at once
        holder.close()
        waiting.close()
    results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
    assert [r[2] for r in results] == [0, 0], results
    with opened(url):
        assert Phone.select().where(Phone.number == IVAN).count() == 1
        assert Contact.select().where(Contact.name.contains("етров")).count() == 1
        assert Call.select().count() == 6 + 2


def test_a_big_history_is_copied_in_one_go(tmp_path: Path, team: str) -> None:
    """2,000 contacts with 4,000 calls: the chunked look-ups on the target hold up."""
    source = tmp_path / "big.sqlite3"
    now = datetime(2026, 11, 1)
    with opened(source), db.atomic():
        for i in range(2000):
            contact = Contact.create(name=f"Person {i}", created=now, updated=now)
            phone = Phone.create(number=f"+7495{i:07d}", valid=True)
            ContactPhone.create(contact=contact, phone=phone)
            for j in range(2):
                Call.create(
                    phone=phone,
                    contact=contact,
                    direction="out",
                    rep="anna",
                    started=now + timedelta(minutes=i, seconds=j),
                    kind="cold",
                    kind_auto="cold",
                    temperature="cold",
                    outcome="talked",
                )
    seen: list[tuple[int, int]] = []
    report = mg.copy_into(source, team, rep="anna", progress=lambda done, total: seen.append((done, total)))
    assert (report.contacts.created, report.calls.created) == (2000, 4000)
    assert seen[-1] == (10000, 10000) and len(seen) > 10
    again = mg.copy_into(source, team, rep="anna")
    assert again.created == 0 and again.calls.matched == 4000
