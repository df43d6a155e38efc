"""A team on one database: several reps (and several of their programs) at the same moment.

The tests that take ``database`` (``desk`` is the rep "me", ``colleague`` is "anna") run on SQLite
and on the session's PostgreSQL server (``conftest.BOTH_DATABASES``). The races are real: every
thread of :func:`at_once` has a connection of its own (peewee keeps one per thread; on PostgreSQL
each is a server process of its own, which the tests check by its pid) and they start together
behind a ``threading.Barrier``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

from companion import desk as desk_module
from companion import numbers
from companion.config import Settings
from companion.desk import BadInput, Desk, close_thread_connection, to_db
from companion.method import Kind
from companion.store import SCHEMA_VERSION
from companion.store.migrations import STEPS, migrate, schema_version
from companion.store.models import MODELS, Call, Callback, Contact, ContactPhone, Phone, db
from tests import postgres
from tests.conftest import Clock

MOSCOW = "+7 495 123-45-67"
ROUNDS = 20
TABLES = {"call", "callback", "contact", "contact_phone", "phone"}


def at_once(*jobs: Callable[[], Any], connection: Database | None = None) -> list[Any]:
    """Run every job in a thread of its own, all released at the same moment; each thread works
    on its own connection (``connection``, or the models' database) and closes it at its end.
    Returns the jobs' results in order; the first failure is raised."""
    database = connection or db.obj
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    failures: list[BaseException] = []
    pids: list[int] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            database.connect(reuse_if_open=True)
            if isinstance(database, PostgresqlDatabase):
                pids.append(int(database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]))
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)
            barrier.abort()
        finally:
            if connection is None:
                close_thread_connection()
            elif not database.is_closed():
                database.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if failures:
        raise failures[0]
    if isinstance(database, PostgresqlDatabase):
        assert len(set(pids)) == len(jobs), f"the threads shared connections: {pids}"
    return results


def new_contact(number: str, name: str = "Ivan Petrov", clock: Clock | None = None) -> Contact:
    now = to_db(clock()) if clock else "2026-11-25 08:00:00"
    contact = Contact.create(name=name, created=now, updated=now)
    phone = Phone.create(number=numbers.parse(number, "RU").key, raw=number, valid=True)
    ContactPhone.create(contact=contact, phone=phone, raw=number)
    return contact


def status_of(contact: Contact) -> str:
    return str(Contact.get_by_id(contact.id).status)


def a_number(index: int) -> str:
    return f"+7 495 123-{index // 100:02d}-{index % 100:02d}"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    if os.environ.get(postgres.ENV, "").lower() == "off":
        pytest.skip(f"{postgres.ENV}=off")
    server: postgres.Server = request.getfixturevalue("postgres_server")
    return server.new_database()


# --- migrations: several reps start the new version at the same moment ----------------------------


def tables_on_postgres(database: Database) -> list[str]:
    rows = database.execute_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def columns_on_postgres(database: Database, table: str) -> dict[str, tuple[str, str]]:
    rows = database.execute_sql(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s",
        (table,),
    ).fetchall()
    return {name: (kind, nullable) for name, kind, nullable in rows}


def indexes_on_postgres(database: Database) -> dict[str, str]:
    rows = database.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    ).fetchall()
    return {name: definition for name, definition in rows}


def test_eight_reps_opening_a_new_team_database_at_once_make_the_schema_once(postgres_url: str) -> None:
    database = connect(postgres_url)
    try:
        before = at_once(*[lambda: migrate(database)] * 8, connection=database)
        # one of them made it; the seven that waited for the lock found it done
        assert sorted(before) == [0] + [SCHEMA_VERSION] * 7
        database.connect(reuse_if_open=True)
        assert schema_version(database) == SCHEMA_VERSION
        assert database.execute_sql("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert tables_on_postgres(database) == sorted({*TABLES, "schema_version"})
        assert "rep" in columns_on_postgres(database, "callback")
        assert columns_on_postgres(database, "call")["uid"] == ("text", "YES")
        assert "UNIQUE" in indexes_on_postgres(database)["call_uid"]
    finally:
        database.close()


def test_reps_upgrading_a_team_database_at_once_run_each_step_once_and_keep_the_data(
    postgres_url: str,
) -> None:
    database = connect(postgres_url)
    try:
        database.connect()
        migrate(database, steps=STEPS[:1])  # a team database of schema 1, with a callback in it
        database.execute_sql(
            "INSERT INTO contact (name, company, email, notes, status, referred_by, source, familiarity, "
            "known_by, do_not_call, created, updated) VALUES "
            "('Olga', '', '', '', 'prospect', '', '', 'none', '', false, now(), now())"
        )
        database.execute_sql(
            'INSERT INTO "call" (contact_id, raw, direction, rep, started, kind, kind_auto, temperature, '
            "outcome, note) VALUES (1, '', 'in', 'anna', now(), 'first_time', 'first_time', 'cold', "
            "'callback', '')"
        )
        database.execute_sql(
            "INSERT INTO callback (contact_id, call_id, due, promise, reason, created) VALUES "
            "(1, 1, now(), 'the price', 'asked', now()), (1, NULL, now(), 'orphan', 'asked', now())"
        )
        database.close()

        before = at_once(*[lambda: migrate(database)] * 8, connection=database)
        assert sorted(before) == [1] + [SCHEMA_VERSION] * 7
        database.connect(reuse_if_open=True)
        assert database.execute_sql("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert database.execute_sql("SELECT promise, rep FROM callback ORDER BY id").fetchall() == [
            ("the price", "anna"),
            ("orphan", ""),
        ]
        assert database.execute_sql('SELECT count(*) FROM "call"').fetchone()[0] == 1
    finally:
        database.close()


def test_the_steps_make_on_postgresql_what_the_models_say(
    postgres_url: str, postgres_server: postgres.Server
) -> None:
    """Step 1 is frozen: the later steps must bring it to the models' shape (a model changed
    without a step that makes the same change fails here)."""
    stepped = connect(postgres_url)
    modelled = connect(postgres_server.new_database())
    try:
        migrate(stepped, steps=STEPS[:1])
        migrate(stepped)
        with modelled.bind_ctx(MODELS):
            modelled.create_tables(MODELS)
        for table in TABLES:
            assert columns_on_postgres(stepped, table) == columns_on_postgres(modelled, table), table
        assert indexes_on_postgres(stepped) == indexes_on_postgres(modelled)
    finally:
        stepped.close()
        modelled.close()


def test_a_callback_nobody_is_named_for_is_on_every_list(desk: Desk, colleague: Desk, clock: Clock) -> None:
    logged = desk.log(MOSCOW, "in", "callback", promise="the price")
    assert logged.callback is not None
    Callback.update(rep="").execute()  # as schema 2 leaves one whose call is gone
    assert [c.id for c in desk.callbacks()] == [c.id for c in colleague.callbacks()] == [logged.callback.id]
    colleague.finish_callback(logged.callback.id)
    assert desk.callbacks() == []


# --- callbacks belong to the rep who owes them ------------------------------------------------------


def test_a_callback_belongs_to_the_rep_who_logged_it(desk: Desk, colleague: Desk, clock: Clock) -> None:
    mine = desk.log(MOSCOW, "in", "callback", promise="the price")
    theirs = colleague.log("+7 495 765-43-21", "in", "callback", promise="a visit")
    assert mine.callback is not None and theirs.callback is not None
    assert Callback.get_by_id(mine.callback.id).rep == "me"
    assert Callback.get_by_id(theirs.callback.id).rep == "anna"
    assert [c.promise for c in desk.callbacks()] == ["the price"]
    assert [c.promise for c in colleague.callbacks()] == ["a visit"]
    clock.advance(hours=2)
    assert [c.promise for c in desk.callbacks(due_only=True)] == ["the price"]
    assert [c.promise for c in colleague.callbacks(due_only=True)] == ["a visit"]


def test_the_card_says_whose_callback_it_is(desk: Desk, colleague: Desk, clock: Clock) -> None:
    colleague.log(MOSCOW, "in", "callback", callback_at=clock.now + timedelta(hours=1), promise="the price")
    due = (clock.now + timedelta(hours=1)).astimezone().strftime("%d.%m %H:%M")

    out = desk.lookup(MOSCOW, "out")
    assert out.kind is Kind.CALLBACK  # the person waits for a call from us all the same
    assert out.callback is None  # not one this rep owes: nothing to reschedule or to promise here
    assert f"anna owes them a callback (due {due}): the price" in out.context
    assert not any("you owe" in line for line in out.context)

    incoming = desk.lookup(MOSCOW, "in")
    assert f"They are calling about the callback anna owes them (due {due}): the price" in incoming.context

    clock.advance(hours=2)
    assert f"anna owes them a callback, overdue since {due}: the price" in desk.lookup(MOSCOW, "out").context

    # anna's own card is as it always was
    hers = colleague.lookup(MOSCOW, "in")
    assert hers.callback is not None and hers.callback.promise == "the price"
    assert any(line.startswith("They are calling about the callback you owe them") for line in hers.context)
    assert not any("anna owes" in line for line in hers.context)


def test_when_both_owe_them_a_callback_the_card_shows_mine_and_says_hers(
    desk: Desk, colleague: Desk, clock: Clock
) -> None:
    colleague.log(MOSCOW, "in", "callback", promise="a visit")
    clock.advance(minutes=1)
    mine = desk.log(MOSCOW, "in", "callback", promise="the price")
    assert mine.callback is not None
    assert mine.closed_callbacks == ()  # anna's promise is not mine to close
    card = desk.lookup(MOSCOW, "out")
    assert card.callback is not None and card.callback.id == mine.callback.id
    assert any(line.startswith("Callback due") and "the price" in line for line in card.context)
    assert any(line.startswith("anna owes them a callback") and "a visit" in line for line in card.context)


def test_my_call_leaves_a_colleagues_callback_open(desk: Desk, colleague: Desk, clock: Clock) -> None:
    theirs = colleague.log(MOSCOW, "in", "callback", promise="the contract")
    assert theirs.callback is not None
    clock.advance(minutes=30)
    mine = desk.log(MOSCOW, "out", "talked")
    assert mine.closed_callbacks == ()
    assert [c.promise for c in colleague.callbacks()] == ["the contract"]
    no_answer = desk.log(MOSCOW, "out", "no_answer")
    assert no_answer.still_open is None  # the next try is offered for my own callbacks only
    kept = colleague.log(MOSCOW, "out", "talked")
    assert kept.closed_callbacks == (theirs.callback.id,)


@pytest.mark.parametrize(
    "change",
    [
        lambda d, i: d.finish_callback(i),
        lambda d, i: d.reopen_callback(i),
        lambda d, i: d.reschedule_callback(i, d.clock() + timedelta(hours=3)),
        lambda d, i: d.snooze_callback(i, 15),
        lambda d, i: d.set_promise(i, "something else"),
        lambda d, i: d.callback_choices(i),
    ],
    ids=["finish", "reopen", "reschedule", "snooze", "promise", "choices"],
)
def test_a_colleagues_callback_is_theirs_to_change(
    desk: Desk, colleague: Desk, change: Callable[[Desk, int], object]
) -> None:
    theirs = colleague.log(MOSCOW, "in", "callback", promise="the price")
    assert theirs.callback is not None
    row = Callback.get_by_id(theirs.callback.id)
    before = (row.due, row.promise, row.done, row.rep)
    with pytest.raises(BadInput, match="anna owes this callback"):
        change(desk, theirs.callback.id)
    row = Callback.get_by_id(theirs.callback.id)
    assert (row.due, row.promise, row.done, row.rep) == before
    assert desk.callback(theirs.callback.id).promise == "the price"  # reading it is fine
    change(colleague, theirs.callback.id)  # and anna may


def test_a_renamed_rep_keeps_the_callbacks_they_owe(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "callback", promise="the price")
    desk.rename_rep("me", "maria")
    maria = Desk(Settings(region="RU", rep="maria", lang="en"), clock=desk.clock)
    assert [c.promise for c in maria.callbacks()] == ["the price"]
    assert desk.callbacks() == []


# --- the status only moves up, whoever logs at the same moment ------------------------------------


def test_a_deal_and_an_interested_at_the_same_moment_never_lose_the_deal(
    desk: Desk, colleague: Desk, clock: Clock
) -> None:
    for round_ in range(ROUNDS):
        number = a_number(round_)
        contact = new_contact(number, clock=clock)
        deal, interested = at_once(
            lambda n=number: desk.log(n, "out", "deal"),
            lambda n=number: colleague.log(n, "out", "interested"),
        )
        calls = Call.select().where(Call.contact == contact.id)
        assert sorted((c.rep, c.outcome) for c in calls) == [("anna", "interested"), ("me", "deal")]
        assert status_of(contact) == "client", f"round {round_}: the deal was overwritten"
        assert deal.status_after == "client"
        # each log saw the status the other left, or the one before both: one of two orders
        orders = {
            ("person", "prospect", "prospect", "client"),  # anna first
            ("client", "client", "person", "client"),  # me first
        }
        assert (interested.status_before, interested.status_after, deal.status_before, deal.status_after) in (
            orders
        )
        anna_first = deal.status_before == "prospect"
        if round_ % 2 == 0:  # undone in the opposite order to logging: exactly as before
            if anna_first:
                desk.undo(deal)
                assert status_of(contact) == "prospect"  # her call still stands
                colleague.undo(interested)
            else:
                colleague.undo(interested)
                assert status_of(contact) == "client"
                desk.undo(deal)
            assert status_of(contact) == "person"
        else:  # anna takes hers back first: my deal stands whatever the order was
            colleague.undo(interested)
            assert status_of(contact) == "client"
            desk.undo(deal)
            assert status_of(contact) == deal.status_before
        assert Call.select().where(Call.contact == contact.id).count() == 0


def test_undoing_a_deal_keeps_what_a_colleagues_call_since_proves(
    desk: Desk, colleague: Desk, clock: Clock
) -> None:
    contact = new_contact(MOSCOW, clock=clock)
    deal = desk.log(MOSCOW, "out", "deal")
    interested = colleague.log(MOSCOW, "out", "interested")
    assert (interested.status_before, interested.status_after) == ("client", "client")
    desk.undo(deal)
    assert status_of(contact) == "prospect"  # anna's call still stands
    clock.advance(minutes=1)
    again = desk.log(MOSCOW, "out", "deal")
    Contact.update(status="prospect").where(Contact.id == contact.id).execute()  # the rep's own edit
    desk.undo(again)
    assert status_of(contact) == "prospect"


def test_a_referrer_and_a_deal_at_the_same_moment_both_stay(
    desk: Desk, colleague: Desk, clock: Clock
) -> None:
    for round_ in range(ROUNDS):
        number = a_number(100 + round_)
        contact = new_contact(number, clock=clock)
        at_once(
            lambda n=number: desk.log(n, "out", "deal"),
            lambda n=number: colleague.log(n, "in", "talked", referred_by="Olga"),
        )
        row = Contact.get_by_id(contact.id)
        assert (row.status, row.referred_by, row.name) == ("client", "Olga", "Ivan Petrov"), round_


def test_two_reps_logging_an_unknown_number_at_once_make_one_contact(
    desk: Desk, colleague: Desk, clock: Clock
) -> None:
    for round_ in range(ROUNDS):
        number = a_number(200 + round_)
        first, second = at_once(
            lambda n=number: desk.log(n, "in", "interested"),
            lambda n=number: colleague.log(n, "out", "deal"),
        )
        key = desk.parse(number).key
        owners = Contact.select().join(ContactPhone).join(Phone).where(Phone.number == key)
        assert [c.status for c in owners] == ["client"], round_
        assert first.contact_id == second.contact_id
        assert first.created_contact != second.created_contact
        assert desk.lookup(number, "in").kind is Kind.REPEAT


# --- exactly-once logging ------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.select().count() for model in (Call, Callback, Contact, ContactPhone, Phone)
    }


def test_the_same_uid_logged_twice_is_one_call(desk: Desk, clock: Clock) -> None:
    first = desk.log(MOSCOW, "in", "callback", promise="the price", uid="outbox-1")
    counts = row_counts()
    clock.advance(minutes=5)
    again = desk.log(MOSCOW, "in", "callback", promise="the price", uid="outbox-1")
    assert row_counts() == counts
    assert again.call.id == first.call.id
    assert again.callback is not None and first.callback is not None
    assert again.callback.id == first.callback.id
    assert (again.status_before, again.status_after) == ("prospect", "prospect")
    # whatever else the second one says, it is the call that happened
    other = desk.log("+7 495 765-43-21", "out", "deal", uid="outbox-1")
    assert other.call.id == first.call.id and row_counts() == counts
    assert Call.get_by_id(first.call.id).uid == "outbox-1"


def test_calls_without_a_uid_are_never_the_same(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "talked")
    desk.log(MOSCOW, "in", "talked", uid="")
    desk.log(MOSCOW, "in", "talked", uid="   ")
    assert Call.select().count() == 3
    assert {c.uid for c in Call.select()} == {None}


def test_a_uid_on_a_call_event_fills_in_that_call_once(desk: Desk) -> None:
    card = desk.begin_call(MOSCOW, "out")
    first = desk.log(MOSCOW, "out", "talked", call_id=card.call_id, uid="outbox-2")
    again = desk.log(MOSCOW, "out", "talked", call_id=card.call_id, uid="outbox-2")
    assert first.call.id == again.call.id == card.call_id
    assert Call.select().count() == 1
    desk.undo(first)
    assert Call.get_by_id(card.call_id).outcome is None


def test_undoing_a_replayed_log_takes_the_outcome_and_its_callback_back(desk: Desk) -> None:
    desk.log(MOSCOW, "in", "callback", uid="outbox-3")
    replayed = desk.log(MOSCOW, "in", "callback", uid="outbox-3")
    desk.undo(replayed)
    assert Call.get().outcome is None
    assert Callback.select().count() == 0
    assert Contact.get().status == "prospect"  # what it was before is not known: it stays


def test_the_same_uid_from_two_connections_at_once_is_one_call(desk: Desk, colleague: Desk) -> None:
    for round_ in range(ROUNDS):
        uid = f"outbox-race-{round_}"
        number = a_number(300 + round_)
        first, second = at_once(
            lambda n=number, u=uid: desk.log(n, "in", "callback", promise="p", uid=u),
            lambda n=number, u=uid: desk.log(n, "in", "callback", promise="p", uid=u),
        )
        assert first.call.id == second.call.id
        assert Call.select().where(Call.uid == uid).count() == 1
        assert Callback.select().where(Callback.call == first.call.id).count() == 1
    assert Call.select().count() == ROUNDS


def test_a_uid_race_the_lock_misses_still_lands_once(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the uid's lock both look, find nothing and write: the unique index refuses the
    second, and its log answers with the first one's call instead of failing."""
    looked: list[str] = []

    def unlocked(uid: str) -> Call | None:
        looked.append(uid)
        return None  # as if the other connection's call were not there yet

    monkeypatch.setattr(desk_module, "_logged_with", unlocked)
    first = desk.log(MOSCOW, "in", "talked", uid="outbox-4")
    again = desk.log(MOSCOW, "in", "interested", uid="outbox-4")  # the quick look finds it
    assert again.call.id == first.call.id
    monkeypatch.setattr(desk_module.Call, "get_or_none", _missing_once(desk_module.Call.get_or_none))
    third = desk.log(MOSCOW, "in", "deal", uid="outbox-4")  # now only the unique index stops it
    assert third.call.id == first.call.id
    assert Call.select().count() == 1
    assert Contact.select().count() == 0  # the deal's new contact went with its transaction
    assert looked == ["outbox-4", "outbox-4"]


def _missing_once(real: Callable[..., Any]) -> Callable[..., Any]:
    """``Call.get_or_none`` that misses the first look (the quick one before the transaction)."""
    calls = iter(range(1_000_000))

    def get_or_none(*args: Any, **kwargs: Any) -> Any:
        return None if next(calls) == 0 else real(*args, **kwargs)

    return get_or_none


def test_sqlite_and_postgresql_both_run_here(database: Database, on_postgres: bool) -> None:
    """The parametrisation of this module really gives both (conftest.BOTH_DATABASES)."""
    assert isinstance(database, PostgresqlDatabase if on_postgres else SqliteDatabase)
