"""When the team database cannot be reached, a click is never lost.

A small SQLite file of this computer's own (beside the settings' data, one per team database)
keeps two things, through the standard library's ``sqlite3`` so that it never touches the models'
database binding:

- the **outbox**: every outcome logged while the server was unreachable, in order, each with a
  ``uid``; :func:`replay` sends them when the server is back, oldest first, through
  ``Desk.log(…, uid=…)``, which stores the uid with the call and treats a uid it has already
  stored as done. So an outcome is sent exactly once, even when the connection drops after the
  server committed it and before this file forgot it;
- the **last cards**: the card of every number this computer looked up or was called from while
  online (per number and direction), so that offline it shows what it last knew, marked as such.

No Qt, no peewee.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import types
import typing
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from companion import card as card_module
from companion import method
from companion.card import Card

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    -- 1 while a replay is sending it: an undo then is too late
    sending INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS refused (
    uid TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    why TEXT NOT NULL,
    refused_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
    e164 TEXT NOT NULL,
    direction TEXT NOT NULL,
    card TEXT NOT NULL,
    known_at TEXT NOT NULL,
    PRIMARY KEY (e164, direction)
);
"""

#: what a log() offline keeps: the arguments a complete call needs later
#: (``call_id``: the record a ringing call made on the server before it went away, if it did)
LOG_FIELDS = (
    "raw",
    "direction",
    "outcome",
    "note",
    "at",
    "callback_at",
    "promise",
    "kind",
    "referred_by",
    "call_id",
)


def file_for(url: str, folder: Path) -> Path:
    """This computer's outbox for the team database at ``url`` (the password is not part of
    its name: the same server and database with a new password is the same outbox)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    user, name = unquote(parts.username or ""), unquote(parts.path.lstrip("/"))
    identity = f"{(parts.hostname or '').lower()}:{parts.port or 5432}/{name}:{user}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    return folder / f"team-{digest}.sqlite3"


@dataclasses.dataclass(frozen=True, slots=True)
class Queued:
    seq: int
    uid: str
    arguments: dict[str, Any]
    queued_at: datetime


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def _connection(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = wal")
            # a queued click survives a power cut; the last cards are a cache
            con.execute("PRAGMA synchronous = full" if durable else "PRAGMA synchronous = normal")
            yield con
        finally:
            con.close()

    # --- the outbox --------------------------------------------------------------------------

    def put(self, arguments: dict[str, Any], uid: str | None = None) -> str:
        """Keep a log() for later; its uid (made here when not given)."""
        uid = uid or uuid.uuid4().hex
        payload = json.dumps({k: _plain(v) for k, v in arguments.items() if k in LOG_FIELDS})
        with self._connection() as con:
            con.execute(
                "INSERT OR IGNORE INTO outbox (uid, payload, queued_at) VALUES (?, ?, ?)",
                (uid, payload, datetime.now(UTC).isoformat()),
            )
        return uid

    def pending(self) -> list[Queued]:
        with self._connection() as con:
            rows = con.execute("SELECT seq, uid, payload, queued_at FROM outbox ORDER BY seq").fetchall()
        return [
            Queued(seq, uid, _arguments(payload), datetime.fromisoformat(at))
            for seq, uid, payload, at in rows
        ]

    def count(self) -> int:
        with self._connection() as con:
            return int(con.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def withdraw(self, uid: str) -> bool:
        """Take back an outcome not sent yet (undo); False when it is sent or being sent."""
        with self._connection() as con:
            return con.execute("DELETE FROM outbox WHERE uid = ? AND sending = 0", (uid,)).rowcount > 0

    def claim(self, seq: int) -> bool:
        """Mark an outcome as being sent; False when it was withdrawn (or another sender has it)."""
        with self._connection() as con:
            return (
                con.execute("UPDATE outbox SET sending = 1 WHERE seq = ? AND sending = 0", (seq,)).rowcount
                > 0
            )

    def release(self, seq: int) -> None:
        """The send did not reach the server: it waits again (and can be undone again)."""
        with self._connection() as con:
            con.execute("UPDATE outbox SET sending = 0 WHERE seq = ?", (seq,))

    def refuse(self, queued: Queued, why: str) -> None:
        """The server refused it (not a network failure): kept aside with the reason, so that it
        does not hold up the outcomes after it."""
        with self._connection() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT OR REPLACE INTO refused (uid, payload, why, refused_at) VALUES (?, ?, ?, ?)",
                (queued.uid, json.dumps({k: _plain(v) for k, v in queued.arguments.items()}), why,
                 datetime.now(UTC).isoformat()),
            )  # fmt: skip
            con.execute("DELETE FROM outbox WHERE seq = ?", (queued.seq,))
            con.execute("COMMIT")

    def refused(self) -> list[tuple[str, str]]:
        """The outcomes the server refused: (uid, why)."""
        with self._connection() as con:
            return [(u, w) for u, w in con.execute("SELECT uid, why FROM refused ORDER BY refused_at")]

    def sent(self, seq: int) -> None:
        with self._connection() as con:
            con.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    # --- the last cards -----------------------------------------------------------------------

    def remember(self, card: Card, now: datetime | None = None) -> None:
        """Keep ``card`` as this computer's last knowledge of its number."""
        if not card.number.key:
            return
        with self._connection(durable=False) as con:  # a cache: no fsync on the call's path
            con.execute(
                "INSERT OR REPLACE INTO cards (e164, direction, card, known_at) VALUES (?, ?, ?, ?)",
                (
                    card.number.key,
                    card.direction.value,
                    json.dumps(_encode(dataclasses.replace(card, call_id=None))),
                    (now or datetime.now(UTC)).isoformat(),
                ),
            )

    def recall(self, key: str, direction: str) -> tuple[Card, datetime] | None:
        """The last card of the number ``key`` in that direction, and when it was known."""
        with self._connection() as con:
            row = con.execute(
                "SELECT card, known_at FROM cards WHERE e164 = ? AND direction = ?", (key, direction)
            ).fetchone()
        if row is None:
            return None
        try:
            return _decode(Card, json.loads(row[0])), datetime.fromisoformat(row[1])
        except (ValueError, TypeError, KeyError):  # written by another version: not known
            return None


def replay(outbox: Outbox, log: Callable[..., object], is_offline: Callable[[BaseException], bool]) -> int:
    """Send what waits, oldest first, through ``log`` (``Desk.log``); how many were sent.

    Stops at the first error that says the server is still unreachable (the rest wait, in
    order). Any other error is the outcome's own (the server refuses it): it is kept aside in
    ``refused`` with the reason, and the ones after it go on."""
    done = 0
    for queued in outbox.pending():
        if not outbox.claim(queued.seq):  # undone meanwhile, or another sender has it
            continue
        try:
            log(**queued.arguments, uid=queued.uid)
        except Exception as exc:
            if is_offline(exc):
                outbox.release(queued.seq)
                break
            outbox.refuse(queued, str(exc) or type(exc).__name__)
            continue
        outbox.sent(queued.seq)
        done += 1
    return done


# --- plain JSON for the values desk hands out -------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, Enum):
        return value.value
    return value


def _arguments(payload: str) -> dict[str, Any]:
    values = json.loads(payload)
    return {
        k: datetime.fromisoformat(v["$datetime"]) if isinstance(v, dict) and "$datetime" in v else v
        for k, v in values.items()
    }


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


_NAMESPACE = {**vars(card_module), **vars(method)}


def _decode(kind: Any, value: Any) -> Any:
    """``value`` (from :func:`_encode`) back as ``kind``: dataclasses, enums, datetimes, tuples."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value)
    if origin is tuple:
        args = typing.get_args(kind)
        item = args[0] if args else Any
        return tuple(_decode(item, v) for v in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, globalns=_NAMESPACE)
        return kind(**{f.name: _decode(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value


__all__ = ["LOG_FIELDS", "Outbox", "Queued", "file_for", "replay"]
