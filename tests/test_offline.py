"""The network fails: a click is never lost (companion/offline.py), on a real PostgreSQL server
behind a TCP forwarder that the tests cut and restore as a network would."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from companion.cli import main
from companion.config import Settings
from companion.desk import BadInput
from companion.method import Kind
from companion.offline import TeamDesk, is_unreachable
from companion.outbox import Outbox
from companion.store import close_database, open_database
from companion.store.models import Call, Contact
from tests.conftest import Clock
from tests.tcp_proxy import Proxy

IVAN = "+74993224685"


@pytest.fixture
def network(postgres_server) -> Iterator[tuple[str, Proxy]]:  # type: ignore[no-untyped-def]
    """A fresh team database, reached through a forwarder: (its URL through it, the forwarder)."""
    direct = urlsplit(postgres_server.new_database())
    proxy = Proxy(direct.hostname or "127.0.0.1", direct.port or 5432)
    through = urlunsplit(direct._replace(netloc=f"{direct.username}@127.0.0.1:{proxy.port}"))
    yield through, proxy
    proxy.close()
    close_database()


@pytest.fixture
def team(network: tuple[str, Proxy], tmp_path: Path, clock: Clock) -> TeamDesk:
    url, _ = network
    open_database(url)
    return TeamDesk(Settings(region="RU", rep="me", lang="en"), Outbox(tmp_path / "team.sqlite3"), clock)


def calls() -> list[tuple[str, str | None, str]]:
    return [(c.direction, c.outcome, c.rep) for c in Call.select().order_by(Call.id)]


def test_offline_outcomes_wait_and_land_once_in_order_when_the_server_is_back(
    team: TeamDesk, network: tuple[str, Proxy], clock: Clock
) -> None:
    _, proxy = network
    team.log(IVAN, "in", "talked", note="asked for prices")
    proxy.cut()
    first = team.log(IVAN, "out", "no_answer")
    clock.advance(minutes=5)
    second = team.log(IVAN, "out", "deal", note="50 units")
    assert first.queued and second.queued and team.offline and team.waiting() == 2
    assert team.check_link() == 0 and team.waiting() == 2  # still away: nothing is lost or sent

    proxy.restore()
    assert team.check_link() == 2
    assert team.waiting() == 0 and not team.offline
    assert calls() == [("in", "talked", "me"), ("out", "no_answer", "me"), ("out", "deal", "me")]
    [contact] = Contact.select()  # the deal made the unknown caller a contact, and a client
    assert contact.status == "client"
    assert team.check_link() == 0 and len(calls()) == 3  # exactly once


def test_offline_the_card_is_what_this_computer_last_knew_marked_as_such(
    team: TeamDesk, network: tuple[str, Proxy]
) -> None:
    _, proxy = network
    team.log(IVAN, "in", "talked", note="asked for prices")
    online = team.lookup(IVAN, "in")
    assert online.kind is Kind.RETURNING and not any(w.code == "offline" for w in online.warnings)
    proxy.cut()
    offline = team.lookup(IVAN, "in")
    assert offline.kind is Kind.RETURNING and offline.history == online.history
    assert offline.warnings[0].code == "offline" and "this computer knew" in offline.warnings[0].text
    ringing = team.begin_call("+7 916 555-01-23", "in")  # never seen here: a stranger, said so
    assert ringing.kind is Kind.FIRST_TIME and ringing.call_id is None
    assert "has not seen this number" in ringing.warnings[0].text


def test_a_queued_outcome_can_be_undone_until_it_is_sent(team: TeamDesk, network: tuple[str, Proxy]) -> None:
    _, proxy = network
    proxy.cut()
    logged = team.log(IVAN, "out", "interested")
    team.undo(logged)
    assert team.waiting() == 0
    proxy.restore()
    assert team.check_link() == 0 and calls() == []


def test_a_new_click_after_the_server_came_back_goes_after_the_waiting_ones(
    team: TeamDesk, network: tuple[str, Proxy]
) -> None:
    _, proxy = network
    proxy.cut()
    team.log(IVAN, "out", "no_answer")
    proxy.restore()
    team.offline = False  # as the window's regular check finds it
    team.log(IVAN, "out", "deal")
    assert calls() == [("out", "no_answer", "me"), ("out", "deal", "me")] and team.waiting() == 0


def test_the_command_line_keeps_a_log_while_the_server_is_away_and_sends_it_later(
    network: tuple[str, Proxy], tmp_path: Path
) -> None:
    url, proxy = network
    open_database(url)  # the schema exists; then the network goes
    close_database()
    proxy.cut()
    out = io.StringIO()
    assert (
        main(["--db", url, "--rep", "me", "log", IVAN, "--direction", "out", "--outcome", "deal"], out=out)
        == 0
    )
    assert "Saved on this computer" in out.getvalue() and "1 waiting" in out.getvalue()
    out = io.StringIO()
    assert main(["--db", url, "lookup", IVAN], out=out) == 0
    assert "Offline" in out.getvalue()
    proxy.restore()
    out = io.StringIO()
    assert (
        main(["--db", url, "--rep", "me", "log", IVAN, "--direction", "in", "--outcome", "talked"], out=out)
        == 0
    )
    assert "Logged: Talked" in out.getvalue()
    open_database(url)
    assert calls() == [("out", "deal", "me"), ("in", "talked", "me")]


def test_only_a_missing_server_counts_as_offline() -> None:
    import psycopg2

    assert is_unreachable(psycopg2.OperationalError('connection to server at "x" failed: Connection refused'))
    refused = psycopg2.errors.UniqueViolation("duplicate key")  # the server answered: not offline
    assert not is_unreachable(refused)
    assert not is_unreachable(ValueError("not a number"))


def test_a_connection_broken_while_nobody_used_it_is_made_again_not_taken_for_offline(
    team: TeamDesk, network: tuple[str, Proxy]
) -> None:
    _, proxy = network
    team.log(IVAN, "in", "talked")
    proxy.cut()  # the line drops while the window is idle...
    proxy.restore()  # ...and is back before the next call
    card = team.lookup(IVAN, "in")
    assert not team.offline and not any(w.code == "offline" for w in card.warnings)
    assert not team.log(IVAN, "out", "deal").queued
    assert calls() == [("in", "talked", "me"), ("out", "deal", "me")]


def test_a_click_the_server_would_refuse_is_refused_offline_too(
    team: TeamDesk, network: tuple[str, Proxy]
) -> None:
    _, proxy = network
    proxy.cut()
    team.lookup(IVAN, "in")  # finds the server gone
    with pytest.raises(BadInput, match="Unknown outcome"):
        team.log(IVAN, "in", "bogus")
    with pytest.raises(BadInput, match="only with the outcome callback"):
        team.log(IVAN, "in", "talked", promise="the price")
    assert team.waiting() == 0
    assert team.log(IVAN, "out", "No-Answer").queued  # spelled as the command line allows
