"""The window's end of the hand-over channel (``companion.ipc`` is the sender's end).

``InstanceServer.start()`` takes the per-user lock (a ``QLockFile``: on Windows two servers
could otherwise listen on one pipe name; a lock left by a crashed window is taken over, as its
process is gone), removes a socket file a crashed window left behind, and listens with
user-only access. Each connection may send one line of at most ``ipc.MAX_MESSAGE`` bytes
within a few seconds; it is answered with one line and closed. Anything else is dropped with
a log line — never an exception into the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from companion import ipc
from companion.paths import without_password

log = logging.getLogger("companion.ipc")

#: a sender that has not finished its line by then is cut off
CONNECTION_TIMEOUT_MS = 3000
MAX_CONNECTIONS = 64


class Start(Enum):
    LISTENING = "listening"
    #: another window holds the lock: hand the event to it instead
    TAKEN = "taken"
    #: this window runs, but nothing can reach it (the reason is in the log)
    DEAF = "deaf"


class InstanceServer(QObject):
    eventReceived = Signal(object)  # noqa: N815 - Qt signal name; ipc.Event

    def __init__(
        self,
        database: str,
        config: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.config = config
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.setMaxPendingConnections(MAX_CONNECTIONS)
        self.server.newConnection.connect(self._accept)
        self._lock: QLockFile | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self.name = ""
        #: why hooks cannot reach this window, when they cannot
        self.problem = ""
        #: takes each event before it is acknowledged; returns why it was not taken, or None
        self.handler: Callable[[ipc.Event], str | None] | None = None
        #: told when a second start asked for another database than this window's
        self.on_other_database: Callable[[str], None] | None = None

    def start(self) -> Start:
        """``lock()`` and, when it is ours, ``listen()``."""
        started = self.lock()
        if started is Start.LISTENING and not self.listen():
            return Start.DEAF
        return started

    def lock(self) -> Start:
        """Take the one-window lock: LISTENING (ours: call ``listen()`` once the window can take
        events; until then hooks wait for it), TAKEN (another window's), or DEAF."""
        try:
            folder = ipc.channel_dir(create=True)
            self.name = ipc.server_name(self.config)
            lock = QLockFile(str(folder / f"{ipc.instance_key(self.config)}.lock"))
        except OSError as exc:
            self.problem = str(exc)
            log.error("hand-over channel unavailable: %s", exc)
            return Start.DEAF
        lock.setStaleLockTime(0)  # stale only when its process is gone, however old
        if not lock.tryLock(0):
            if lock.error() == QLockFile.LockError.LockFailedError:
                return Start.TAKEN
            self.problem = f"cannot take the instance lock ({lock.error()})"
            log.error("%s", self.problem)
            return Start.DEAF
        self._lock = lock
        return Start.LISTENING

    def listen(self) -> bool:
        QLocalServer.removeServer(self.name)  # a socket file left by a window that crashed
        if not self.server.listen(self.name):
            self.problem = f"cannot listen on {self.name}: {self.server.errorString()}"
            log.error("%s", self.problem)
            return False
        return True

    def stop(self) -> None:
        self.server.close()
        for sock in list(self._buffers):
            sock.abort()
        self._buffers.clear()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # --- connections ---------------------------------------------------------------------

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            if sock is None:
                return
            if len(self._buffers) >= MAX_CONNECTIONS:
                log.warning("hand-over: too many connections at once, one dropped")
                sock.abort()
                sock.deleteLater()
                continue
            if not _same_user(sock):
                log.warning("hand-over: a connection from another user was refused")
                sock.abort()
                sock.deleteLater()
                continue
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(self._read)
            sock.disconnected.connect(self._gone)
            timer = QTimer(sock)
            timer.setSingleShot(True)
            timer.timeout.connect(self._expire)
            timer.start(CONNECTION_TIMEOUT_MS)
            if sock.bytesAvailable():
                self._read_from(sock)

    def _expire(self) -> None:
        timer = self.sender()
        sock = timer.parent() if timer is not None else None
        if not isinstance(sock, QLocalSocket) or sock not in self._buffers:
            return
        # a window that was busy (an import saving, a storm of hooks) may not have read what
        # came in time: take what is there before giving up on the connection
        sock.waitForReadyRead(0)
        if sock.bytesAvailable():
            self._read_from(sock)
        if self._buffers.pop(sock, None) is not None:
            log.warning("hand-over: a connection sent no complete message in time and was closed")
            sock.abort()
            sock.deleteLater()

    def _read(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket):
            self._read_from(sock)

    def _read_from(self, sock: QLocalSocket) -> None:
        buffer = self._buffers.get(sock)
        if buffer is None:
            return
        buffer += bytes(sock.readAll().data())
        end = buffer.find(b"\n")
        if end < 0:
            if len(buffer) > ipc.MAX_MESSAGE:
                log.warning("hand-over: a message over %d bytes was dropped", ipc.MAX_MESSAGE)
                self._answer(sock, ipc.Reply(False, "message too long"))
            return
        line = bytes(buffer[:end])
        try:
            event = ipc.Event.from_line(line)
        except ipc.MessageError as exc:
            log.warning("hand-over: a message was dropped: %s", exc)
            self._answer(sock, ipc.Reply(False, f"bad message: {exc}"))
            return
        if event.db is not None and not same_database(event.db, self.database):
            why = (
                f"Call Companion is already open on {without_password(self.database)}; "
                f"close it to use {without_password(event.db)}."
            )
            self._answer(sock, ipc.Reply(False, why, elsewhere=True))
            if event.event == "show" and self.on_other_database is not None:
                try:  # someone opened the app for another database: this window says why not
                    self.on_other_database(event.db)
                except Exception:
                    log.exception("hand-over: the window failed to show a start on another database")
            return
        # taken (the call recorded) before "ok" goes back: an acknowledged call is never lost
        error = None
        if self.handler is not None:
            try:
                error = self.handler(event)
            except Exception:  # the window's failure must not take the channel down
                log.exception("hand-over: the window failed on %s", event.event)
                error = "the window could not take the event (see companion.log)"
        self._answer(sock, ipc.Reply(error is None, error or ""))
        if error is None:
            self.eventReceived.emit(event)

    def _answer(self, sock: QLocalSocket, reply: ipc.Reply) -> None:
        self._buffers.pop(sock, None)
        # deleted once the answer has gone out (a Windows pipe would cancel a pending write)
        sock.disconnected.connect(sock.deleteLater)
        sock.write(reply.to_line())
        sock.flush()
        sock.disconnectFromServer()

    def _gone(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket) and self._buffers.pop(sock, None) is not None:
            sock.deleteLater()


def same_database(a: str, b: str) -> bool:
    if a == b:
        return True
    if "://" in a or "://" in b:
        return False
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except OSError:
        return False


def _same_user(sock: QLocalSocket) -> bool:
    """On Linux, ask the kernel who is on the other end (the folder's rights already keep
    others out; this is the second lock on the door)."""
    if not sys.platform.startswith("linux"):
        return True
    descriptor = int(sock.socketDescriptor())
    if descriptor < 0:
        return True
    try:
        peer = socket.socket(fileno=os.dup(descriptor))
    except OSError:
        return True
    with contextlib.closing(peer):
        try:
            raw = peer.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        except OSError:
            return True
    _pid, uid, _gid = struct.unpack("3i", raw)
    return uid == os.getuid()
