"""Talking to a running hand-over server from a test: a blocking client call on its own
thread, so that the server's event loop (the test's) keeps running meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Sender(threading.Thread):
    """Runs one blocking client call off the GUI thread and keeps what it returned."""

    def __init__(self, call: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.call = call
        self.result: object = None
        self.done = False

    def run(self) -> None:
        try:
            self.result = self.call()
        finally:
            self.done = True


def send(qtbot, call: Callable[[], object], timeout: int = 10_000) -> object:  # type: ignore[no-untyped-def]
    sender = Sender(call)
    sender.start()
    qtbot.waitUntil(lambda: sender.done, timeout=timeout)
    return sender.result
