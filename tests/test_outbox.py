"""The offline outbox and the last cards (companion/outbox.py), without a server."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.desk import Desk
from companion.outbox import Outbox, file_for, replay

IVAN = "+74993224685"


class OfflineError(Exception):
    pass


def test_outcomes_wait_in_the_order_they_were_clicked(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    uids = [box.put({"raw": IVAN, "direction": "in", "outcome": o, "at": at}) for o in ("talked", "deal")]
    assert len(set(uids)) == 2 and box.count() == 2
    assert [(q.uid, q.arguments["outcome"], q.arguments["at"]) for q in box.pending()] == [
        (uids[0], "talked", at),
        (uids[1], "deal", at),
    ]
    assert Outbox(tmp_path / "team.sqlite3").count() == 2  # kept on disk, for the next start


def test_the_same_uid_is_kept_once(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    box.put({"raw": IVAN, "direction": "in", "outcome": "talked"}, uid="u1")
    box.put({"raw": IVAN, "direction": "in", "outcome": "talked"}, uid="u1")
    assert box.count() == 1


def test_only_the_arguments_of_log_are_kept_and_an_unsent_one_can_be_taken_back(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    uid = box.put({"raw": IVAN, "direction": "in", "outcome": "talked", "call_id": 17, "flavour": "x"})
    assert box.pending()[0].arguments == {"raw": IVAN, "direction": "in", "outcome": "talked", "call_id": 17}
    assert box.withdraw(uid) and box.count() == 0
    assert not box.withdraw(uid)


def test_replay_sends_in_order_and_stops_while_the_server_is_away(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    for outcome in ("no_answer", "talked", "deal"):
        box.put({"raw": IVAN, "direction": "out", "outcome": outcome})
    sent: list[str] = []

    def log(**kwargs: Any) -> None:
        if len(sent) == 2:
            raise OfflineError
        sent.append(kwargs["outcome"])

    assert replay(box, log, lambda exc: isinstance(exc, OfflineError)) == 2
    assert sent == ["no_answer", "talked"] and [q.arguments["outcome"] for q in box.pending()] == ["deal"]
    assert replay(box, lambda **kwargs: sent.append(kwargs["outcome"]), lambda exc: False) == 1
    assert sent == ["no_answer", "talked", "deal"] and box.count() == 0


def test_an_outcome_the_server_refuses_is_kept_aside_and_the_rest_go_on(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    bad = box.put({"raw": IVAN, "direction": "out", "outcome": "talked", "note": "refuse me"})
    box.put({"raw": IVAN, "direction": "out", "outcome": "deal"})
    sent: list[str] = []

    def log(**kwargs: Any) -> None:
        if kwargs.get("note") == "refuse me":
            raise ValueError("the server says no")
        sent.append(kwargs["outcome"])

    assert replay(box, log, lambda exc: False) == 1
    assert sent == ["deal"] and box.count() == 0
    assert box.refused() == [(bad, "the server says no")]


def test_an_outcome_being_sent_can_no_longer_be_withdrawn(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    uid = box.put({"raw": IVAN, "direction": "out", "outcome": "talked"})
    withdrawn: list[bool] = []

    def log(**kwargs: Any) -> None:
        withdrawn.append(box.withdraw(uid))  # the person clicks Undo while it is on its way

    assert replay(box, log, lambda exc: False) == 1
    assert withdrawn == [False] and box.count() == 0


def test_an_outcome_withdrawn_before_its_turn_is_not_sent(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "team.sqlite3")
    first = box.put({"raw": IVAN, "direction": "out", "outcome": "no_answer"})
    second = box.put({"raw": IVAN, "direction": "out", "outcome": "deal"})
    sent: list[str] = []

    def log(**kwargs: Any) -> None:
        if kwargs["uid"] == first:
            assert box.withdraw(second)  # undone while the first one is being sent
        sent.append(kwargs["outcome"])

    assert replay(box, log, lambda exc: False) == 1 and sent == ["no_answer"]


def test_a_send_that_landed_before_the_line_dropped_is_not_sent_twice(tmp_path: Path) -> None:
    """The server keeps the uid: the second send of the same uid writes nothing."""
    box = Outbox(tmp_path / "team.sqlite3")
    box.put({"raw": IVAN, "direction": "out", "outcome": "talked"}, uid="abc")
    server: dict[str, str] = {}
    drops = iter([True, False])

    def log(**kwargs: Any) -> None:
        server.setdefault(kwargs["uid"], kwargs["outcome"])  # what Desk.log(uid=…) does
        if next(drops):
            raise OfflineError  # committed there, but the answer was lost

    assert replay(box, log, lambda exc: isinstance(exc, OfflineError)) == 0
    assert replay(box, log, lambda exc: isinstance(exc, OfflineError)) == 1
    assert server == {"abc": "talked"} and box.count() == 0


def test_the_last_card_of_a_number_comes_back_as_it_was(tmp_path: Path, desk: Desk) -> None:
    desk.log(IVAN, "in", "callback", promise="the price list", note="asked for the price")
    card = desk.lookup(IVAN, "in")
    box = Outbox(tmp_path / "team.sqlite3")
    box.remember(card)
    back, known = box.recall(card.number.key or "", "in") or (None, None)
    assert back == dataclasses.replace(card, call_id=None)
    assert back is not None and back.callback is not None and back.callback.promise == "the price list"
    assert known is not None and known.tzinfo is not None
    assert box.recall(card.number.key or "", "out") is None


def test_a_card_written_by_another_version_is_not_known(tmp_path: Path, desk: Desk) -> None:
    card = desk.lookup(IVAN, "in")
    box = Outbox(tmp_path / "team.sqlite3")
    box.remember(card)
    con = sqlite3.connect(box.path)
    con.execute("UPDATE cards SET card = ?", (json.dumps({"input": IVAN}),))
    con.commit()
    con.close()
    assert box.recall(card.number.key or "", "in") is None


def test_one_outbox_per_team_database_whatever_the_password(tmp_path: Path) -> None:
    a = file_for("postgresql://olga:old@db.example:5432/calls", tmp_path)
    assert a == file_for("postgresql://olga:new@db.example:5432/calls", tmp_path)
    assert a != file_for("postgresql://olga:old@db.example:5432/other", tmp_path)
    assert a == file_for("postgresql://olga@DB.example/calls", tmp_path)  # 5432 is the default port
    assert "old" not in a.name
