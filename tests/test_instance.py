"""The window's end of the hand-over channel, in this process: the sender runs in a thread
while the Qt event loop serves it (``qtbot.waitUntil``), as a hook process would."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from companion import instance, ipc
from companion.instance import InstanceServer, Start
from tests.channel import send


def raw_exchange(data: bytes, *, close_write: bool = False) -> Callable[[], bytes]:
    def call() -> bytes:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        sock.connect(ipc.server_name())
        try:
            if data:
                sock.sendall(data)
            if close_write:
                sock.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
            return answer
        except OSError as exc:  # reset by the server: what a refused sender sees
            return f"closed: {exc.__class__.__name__}".encode()
        finally:
            sock.close()

    return call


@pytest.fixture
def server(qtbot, db_path: Path) -> Iterator[InstanceServer]:  # type: ignore[no-untyped-def]
    srv = InstanceServer(str(db_path))
    assert srv.start() is Start.LISTENING
    yield srv
    srv.stop()


def test_a_hook_event_reaches_the_window_and_is_acknowledged(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    event = ipc.Event("incoming", number="+7 499 322-46-85", name="Иван")
    with qtbot.waitSignal(server.eventReceived, timeout=5000) as got:
        reply = send(qtbot, lambda: ipc.deliver(event))
    assert reply == ipc.Reply(True)
    received = got.args[0]
    assert (received.event, received.number, received.name) == ("incoming", "+7 499 322-46-85", "Иван")
    assert received.sent_ns > 0


def test_the_same_events_arrive_through_qts_own_client(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Windows client (QLocalSocket) against the same server, from another process (Qt's
    blocking socket calls hold Python's lock: in a thread of this process they would wait on
    the server's own slots)."""
    monkeypatch.setenv("COMPANION_IPC_TRANSPORT", "qt")
    code = (
        "from companion import ipc; r = ipc.deliver(ipc.Event('ended', number='104')); "
        "print(r.ok, repr(r.error))"
    )
    with qtbot.waitSignal(server.eventReceived, timeout=10000) as got:
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=10000)
    assert child.stdout is not None and child.stdout.read().strip() == "True ''"
    assert got.args[0].event == "ended"


def test_only_one_window_per_user_holds_the_channel(qtbot, server: InstanceServer, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = InstanceServer(str(db_path))
    assert second.start() is Start.TAKEN
    second.stop()


def test_the_socket_is_private_to_the_user(server: InstanceServer) -> None:
    mode = os.stat(server.name).st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & 0o077 == 0, oct(mode)
    assert os.stat(Path(server.name).parent).st_mode & 0o077 == 0


def test_a_socket_left_by_a_crashed_window_is_taken_over(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ipc.channel_dir(create=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(ipc.server_name())
    stale.close()
    srv = InstanceServer(str(db_path))
    try:
        assert srv.start() is Start.LISTENING
        with qtbot.waitSignal(srv.eventReceived, timeout=5000):
            assert send(qtbot, lambda: ipc.deliver(ipc.Event("show"))) == ipc.Reply(True)
    finally:
        srv.stop()


def test_a_lock_left_by_a_dead_process_is_taken_over(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ipc.channel_dir(create=True)
    # QLockFile's format: pid, application name, host name; this pid cannot exist
    ipc.lock_path().write_text(f"999999999\npython3\n{socket.gethostname()}\n", encoding="utf-8")
    srv = InstanceServer(str(db_path))
    try:
        assert srv.start() is Start.LISTENING
    finally:
        srv.stop()


def test_an_event_for_another_database_is_refused_with_the_reason(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    event = ipc.Event("incoming", number="104", db="/somewhere/else.sqlite3")
    with qtbot.assertNotEmitted(server.eventReceived):
        reply = send(qtbot, lambda: ipc.deliver(event))
    assert isinstance(reply, ipc.Reply) and not reply.ok
    assert "already open on" in reply.error and "else.sqlite3" in reply.error


def test_the_same_database_under_another_spelling_is_accepted(
    qtbot, server: InstanceServer, db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    spelled = str(db_path.parent / "." / db_path.name)
    with qtbot.waitSignal(server.eventReceived, timeout=5000):
        reply = send(qtbot, lambda: ipc.deliver(ipc.Event("show", db=spelled)))
    assert reply == ipc.Reply(True)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage \x80\n",
        b"not json at all\n",
        b'{"v": 1, "event": "rm -rf", "number": "1"}\n',
        b'{"v": 1, "event": "incoming", "number": {"$gt": ""}}\n',
        b"[]\n",
    ],
)
def test_garbage_is_answered_and_dropped_and_the_window_keeps_listening(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    data: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with qtbot.assertNotEmitted(server.eventReceived):
        answer = send(qtbot, raw_exchange(data))
    assert isinstance(answer, bytes)
    assert ipc.Reply.from_line(answer.strip()).ok is False
    assert any("dropped" in r.getMessage() for r in caplog.records)
    with qtbot.waitSignal(server.eventReceived, timeout=5000):
        assert send(qtbot, lambda: ipc.deliver(ipc.Event("show"))) == ipc.Reply(True)


def test_an_oversized_message_is_cut_off(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(server.eventReceived):
        answer = send(qtbot, raw_exchange(b"1" * (ipc.MAX_MESSAGE * 4)))
    assert isinstance(answer, bytes)
    assert b"too long" in answer or answer.startswith(b"closed")


def test_a_sender_that_says_nothing_is_closed_in_time(
    qtbot,  # type: ignore[no-untyped-def]
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instance, "CONNECTION_TIMEOUT_MS", 200)
    srv = InstanceServer(str(db_path))
    assert srv.start() is Start.LISTENING
    try:
        with qtbot.assertNotEmitted(srv.eventReceived):
            answer = send(qtbot, raw_exchange(b'{"v": 1, "event": "incom'))
        assert not answer.startswith(b'{"ok": true')  # type: ignore[union-attr]
        assert srv._buffers == {}
    finally:
        srv.stop()


def test_a_sender_that_hangs_up_half_way_changes_nothing(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(server.eventReceived, wait=100):
        send(qtbot, raw_exchange(b'{"v": 1, "event": "incoming", "num', close_write=True))
    with qtbot.waitSignal(server.eventReceived, timeout=5000):
        assert send(qtbot, lambda: ipc.deliver(ipc.Event("show"))) == ipc.Reply(True)


def test_once_the_window_quits_hooks_find_no_window(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv = InstanceServer(str(db_path))
    assert srv.start() is Start.LISTENING
    srv.stop()
    assert send(qtbot, lambda: ipc.deliver(ipc.Event("show"), timeout=1)) is None
    again = InstanceServer(str(db_path))
    assert again.start() is Start.LISTENING
    again.stop()


def test_a_start_for_another_database_brings_this_window_forward(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    server.on_other_database = asked.append
    reply = send(qtbot, lambda: ipc.deliver(ipc.Event("show", db="/elsewhere/demo.sqlite3")))
    assert isinstance(reply, ipc.Reply) and reply.elsewhere and not reply.ok
    assert asked == ["/elsewhere/demo.sqlite3"]
