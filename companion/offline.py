"""The team database's desk, for when the network fails: a click is never lost.

:class:`TeamDesk` is the :class:`~companion.desk.Desk` of a team database (PostgreSQL) with an
:class:`~companion.outbox.Outbox` of this computer's. While the server answers it is the plain
desk, and it keeps the card of every number it shows as this computer's last knowledge. When the
server cannot be reached:

- an outcome goes to the outbox (with a uid) and the answer says it waits there;
- a lookup or a ringing call shows the last card this computer had of the number, marked
  "offline" with the time it was known (or, for a number it never saw, the card of a stranger,
  marked the same way); the call itself is logged complete, later;
- :meth:`TeamDesk.send_waiting` (the window calls it every few seconds while anything waits)
  sends them in order, exactly once, when the server is back.

No Qt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from companion.card import CallbackInfo, CallInfo, Card, Logged, Notice
from companion.config import Settings
from companion.desk import BadInput, Desk, _direction, is_unreachable, utc_now
from companion.i18n import translate, when
from companion.method import (
    KIND_TITLES,
    REMINDERS,
    Direction,
    Facts,
    Outcome,
    classify,
    temperature,
)
from companion.outbox import Outbox, replay

log = logging.getLogger("companion.offline")
_T = TypeVar("_T")

#: what an open connection that broke says (as opposed to a new one that could not be made)
_BROKEN = (
    "server closed the connection",
    "connection already closed",
    "terminating connection",
    "could not receive data",
    "could not send data",
    "ssl syscall error",
)


class TeamDesk(Desk):
    def __init__(
        self,
        settings: Settings,
        outbox: Outbox,
        clock: Callable[[], datetime] = utc_now,
        *,
        reopen: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(settings, clock)
        self.outbox = outbox
        #: True since the last attempt found the server gone, until one reaches it again
        self.offline = reopen is not None
        #: opens the database again (its migrations) when it was not reachable at the start
        self._reopen = reopen

    # --- while the server answers, remember; when it does not, recall ------------------------

    def lookup(self, raw: str | None, direction: Direction | str = Direction.IN) -> Card:
        return self._card_or_last(lambda: super(TeamDesk, self).lookup(raw, direction), raw, direction)

    def begin_call(self, raw: str | None, direction: Direction | str) -> Card:
        return self._card_or_last(lambda: super(TeamDesk, self).begin_call(raw, direction), raw, direction)

    def _card_or_last(self, read: Callable[[], Card], raw: str | None, direction: Direction | str) -> Card:
        """The server's card, kept as this computer's last knowledge; offline, that knowledge."""
        if self.offline:  # known to be away: no wait for a connect timeout on every card
            return self._went_offline_card(raw, direction)
        try:
            card = self._fresh(read)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            return self._went_offline_card(raw, direction)
        return self._online(card)

    def _fresh(self, work: Callable[[], _T]) -> _T:
        """``work``; once more on a new connection when this thread's one was broken (the
        server came back after a restart or a network cut, which another thread noticed)."""
        try:
            return work()
        except Exception as exc:
            # only a connection that was open and broke: a server that does not answer a new
            # connection is not asked twice (a connect timeout waited for once is enough)
            if not is_unreachable(exc) or not any(w in str(exc).lower() for w in _BROKEN):
                raise
            self._drop_connection()
            return work()

    @staticmethod
    def _drop_connection() -> None:
        from companion.store.models import db

        with contextlib.suppress(Exception):
            db.obj.close()

    def log(
        self, raw: str | None, direction: Direction | str, outcome: Outcome | str, **kwargs: Any
    ) -> Logged:
        if not self.offline and self.outbox.count():
            self.send_waiting()  # what waits goes first: the order of the clicks is kept
        if self.offline or self.outbox.count():  # (a desk opened offline stays so until check_link)
            return self._queued(raw, direction, outcome, kwargs)
        try:
            logged = self._fresh(lambda: super(TeamDesk, self).log(raw, direction, outcome, **kwargs))
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            self._gone()
            return self._queued(raw, direction, outcome, kwargs)
        self.offline = False
        return logged

    def undo(self, logged: Logged) -> None:
        if not logged.queued:
            super().undo(logged)
            return
        if not self.outbox.withdraw(logged.uid or ""):
            raise BadInput(
                translate("offline", "It was sent to the team database already: undo it there, from History.")
            )

    # the lists beside the card: empty while the server is away (what waits is in the banner)

    def unlogged(self, limit: int = 50) -> list[CallInfo]:
        return self._or_nothing(lambda: super(TeamDesk, self).unlogged(limit), [])

    def callbacks(self, due_only: bool = False) -> list[CallbackInfo]:
        return self._or_nothing(lambda: super(TeamDesk, self).callbacks(due_only), [])

    def _or_nothing(self, read: Callable[[], Any], nothing: Any) -> Any:
        if self.offline:
            return nothing
        try:
            return read()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            self._gone()
            return nothing

    # --- the outbox ------------------------------------------------------------------------

    def waiting(self) -> int:
        """How many outcomes wait to be sent."""
        return self.outbox.count()

    def refused(self) -> int:
        """How many sent outcomes the server refused (kept aside in the outbox file)."""
        return len(self.outbox.refused())

    def check_link(self) -> int:
        """The window's regular look (off its GUI thread): is the server back? Then send what
        waits. How many were sent."""
        if self.offline and self._reopen is None:
            from companion.store.models import db

            try:
                db.obj.connect(reuse_if_open=True)
                db.obj.execute_sql("SELECT 1")
            except Exception as exc:
                if not is_unreachable(exc):
                    raise
                self._gone()
                return 0
            self.offline = False
        return self.send_waiting()

    def send_waiting(self) -> int:
        """Send what waits, oldest first; how many went. Quiet while the server is away."""
        if self._reopen is not None and not self._try_reopen():
            return 0
        if not self.outbox.count():
            self.offline = False
            return 0
        # the plain desk's log: an error must reach replay(), not go back into the outbox
        before = len(self.outbox.refused())
        sent = replay(self.outbox, lambda **kw: Desk.log(self, **kw), is_unreachable)
        for uid, why in self.outbox.refused()[before:]:
            log.warning("the team database refused outcome %s: %s (kept in %s)", uid, why, self.outbox.path)
        if self.outbox.count():
            self._gone()
        else:
            self.offline = False
        return sent

    def _try_reopen(self) -> bool:
        """The database was unreachable at the start: open it (migrations included) now."""
        assert self._reopen is not None
        try:
            self._reopen()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            self.offline = True
            return False
        self._reopen = None
        self.offline = False
        return True

    # --- what is said offline -------------------------------------------------------------

    def _online(self, card: Card) -> Card:
        self.offline = False
        with contextlib.suppress(OSError, ValueError):  # the cache must never stop a card
            self.outbox.remember(card)
        return card

    def _gone(self) -> None:
        """The server is away: note it, and drop this thread's connection so that the next
        attempt makes a new one."""
        self.offline = True
        self._drop_connection()

    def _went_offline_card(self, raw: str | None, direction: Direction | str) -> Card:
        self._gone()
        number = self.parse(raw)
        direction = _direction(direction)
        now = self.clock()
        known = self.outbox.recall(number.key, direction.value) if number.key else None
        if known is not None:
            card, at = known
            text = translate(
                "offline",
                "Offline: the team database cannot be reached. This is what this computer knew on {when}.",
            ).format(when=when(at.astimezone()))
            card = dataclasses.replace(card, number=self._number_info(number, now))
        else:
            facts = Facts()
            kind = classify(direction, facts)
            card = Card(
                input=number.input,
                number=self._number_info(number, now),
                direction=direction,
                kind=kind,
                temperature=temperature(facts),
                title=translate("method", KIND_TITLES[kind]),
                reminder=translate("method", REMINDERS[kind]),
                facts=facts,
                contact=None,
            )
            text = translate(
                "offline",
                "Offline: the team database cannot be reached, and this computer has not seen this "
                "number before. Ask who is calling.",
            )
        return dataclasses.replace(card, warnings=(Notice("offline", text), *card.warnings), call_id=None)

    def _queued(
        self, raw: str | None, direction: Direction | str, outcome: Outcome | str, kwargs: dict[str, Any]
    ) -> Logged:
        at = kwargs.get("at") or self.clock()
        # checked as log() checks it, before it is kept: a click the server would refuse is
        # refused now, not after hours in the outbox
        direction, outcome, override, number = self.checked_log(
            raw,
            direction,
            outcome,
            at=at,
            callback_at=kwargs.get("callback_at"),
            promise=kwargs.get("promise", ""),
            kind=kwargs.get("kind"),
        )
        arguments = {**kwargs, "raw": raw, "direction": direction, "outcome": outcome, "at": at}
        uid = self.outbox.put(arguments, kwargs.get("uid"))
        known = self.outbox.recall(number.key, direction.value) if number.key else None
        card = known[0] if known else None
        kind = card.kind if card else classify(direction, Facts())
        call = CallInfo(
            id=kwargs.get("call_id") or 0,
            at=at,
            direction=direction,
            rep=self.rep,
            kind=override or kind,
            kind_auto=kind,
            temperature=card.temperature if card else temperature(Facts()),
            outcome=outcome.value,
            note=kwargs.get("note", ""),
            number=number.e164 or number.input,
            contact_name=card.contact.display_name if card and card.contact else "",
        )
        return Logged(call=call, status_before=None, status_after=None, queued=True, uid=uid)
