"""The hand-over protocol and the quick command-line reader of softphone hooks (no Qt)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from companion import ipc
from companion.launch import hook_event


def test_an_event_survives_the_wire_unchanged() -> None:
    event = ipc.Event("incoming", number="+7 499 322-46-85", name="Иван", db="/x/y.sqlite3", sent_ns=42)
    assert ipc.Event.from_line(event.to_line().rstrip(b"\n")) == event
    link = ipc.Event("outgoing", number="tel:+74993224685", link=True, sent_ns=7)
    assert ipc.Event.from_line(link.to_line()) == link


def test_every_event_is_one_line_of_utf8_json() -> None:
    line = ipc.Event("incoming", number="104", name="Пётр").to_line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    data = json.loads(line.decode("utf-8"))
    assert data["v"] == ipc.PROTOCOL and data["name"] == "Пётр" and data["sent_ns"] > 0


def _line(**fields: object) -> bytes:
    return json.dumps({"v": 1, "event": "incoming", "number": "104", **fields}).encode()


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"", "not a JSON line"),
        (b"\xff\xfe\x00junk", "not a JSON line"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"event": "incoming"}', "protocol version"),
        (_line(v=2), "protocol version"),
        (_line(event="format_disk"), "unknown event"),
        (_line(number=12345), "number is not text"),
        (_line(number="1" * (ipc.MAX_NUMBER + 1)), "number is longer"),
        (_line(name="x" * (ipc.MAX_NAME + 1)), "name is longer"),
        (_line(number="104\n{}"), "control characters"),
        (_line(name="Ivan\x1b[31m"), "control characters"),
        (_line(db=["a"]), "db is not"),
        (_line(link="yes"), "wrong type"),
        (_line(sent_ns=True), "wrong type"),
        (b"{" + b" " * ipc.MAX_MESSAGE + b"}", "longer than"),
    ],
)
def test_messages_that_are_not_ours_are_refused_with_a_reason(line: bytes, why: str) -> None:
    with pytest.raises(ipc.MessageError, match=why):
        ipc.Event.from_line(line)


def test_line_breaks_and_escape_codes_from_a_softphone_travel_as_spaces() -> None:
    event = ipc.Event("incoming", number="104\n", name="Ivan\ntouch x\x1b[31m", sent_ns=1)
    assert (event.number, event.name) == ("104", "Ivan touch x [31m")
    assert ipc.Event.from_line(event.to_line()) == event


def test_an_overlong_name_or_number_is_cut_not_refused() -> None:
    event = ipc.Event("incoming", number="1" * 1000, name="X" * 1000)
    assert (len(event.number), len(event.name)) == (ipc.MAX_NUMBER, ipc.MAX_NAME)
    assert ipc.Event.from_line(event.to_line()).name == event.name
    assert len(event.caller) < 120 + ipc.MAX_NUMBER
    assert hook_event(["incoming", "104", "--name", "X" * 5000]) == ipc.Event(
        "incoming", number="104", name="X" * ipc.MAX_NAME
    )


def test_a_message_too_long_for_the_channel_is_refused_before_sending() -> None:
    event = ipc.Event("incoming", number="1" * 200, name="x" * 200, db="d" * (ipc.MAX_MESSAGE))
    with pytest.raises(ipc.MessageError):
        event.to_line()


def test_a_separate_display_name_travels_with_the_number_as_a_sip_header_would() -> None:
    assert ipc.Event("incoming", number="104", name="Ivan Petrov").caller == '"Ivan Petrov" <104>'
    # quotes and brackets in a hostile name cannot break the header apart
    assert ipc.Event("incoming", number="104", name='a" <sip:1@x> "b').caller == '"a sip:1@x b" <104>'
    assert ipc.Event("incoming", number="104").caller == "104"
    assert ipc.Event("incoming", number='"Anna" <sip:105@pbx>', name="X").caller == '"Anna" <sip:105@pbx>'


def test_each_settings_file_has_its_own_channel(tmp_path: Path) -> None:
    a = ipc.instance_key(tmp_path / "a" / "settings.json")
    b = ipc.instance_key(tmp_path / "b" / "settings.json")
    assert a != b and len(a) == 16
    assert ipc.instance_key(tmp_path / "a" / "settings.json") == a


def test_with_no_window_there_is_no_reply() -> None:
    assert ipc.deliver(ipc.Event("incoming", number="104"), timeout=1) is None


def test_a_socket_file_left_by_a_crashed_window_counts_as_no_window() -> None:
    ipc.channel_dir(create=True)
    path = ipc.server_name()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # the file stays, nobody listens: what a kill -9 leaves behind
    try:
        assert os.path.exists(path)
        assert ipc.deliver(ipc.Event("incoming", number="104"), timeout=1) is None
    finally:
        os.unlink(path)


def test_a_channel_folder_others_can_enter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = tmp_path / f"call-companion-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(ipc.ChannelError):
        ipc.channel_dir()
    # a hook then finds no window rather than talking to a socket someone else may own
    assert ipc.deliver(ipc.Event("incoming", number="104"), timeout=1) is None
    folder.chmod(0o700)
    assert ipc.channel_dir() == folder


def test_the_channel_folder_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = ipc.channel_dir(create=True)
    assert folder.parent == tmp_path
    assert folder.stat().st_mode & 0o777 == 0o700


# --- the quick reader of hook command lines ------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ipc.Event("show")),
        (["--db", "/d.sqlite3"], ipc.Event("show", db="/d.sqlite3")),
        (["incoming", "+74993224685"], ipc.Event("incoming", number="+74993224685")),
        (["incoming"], ipc.Event("incoming")),
        (["outgoing", "8 (499) 322-46-85"], ipc.Event("outgoing", number="8 (499) 322-46-85")),
        (["answered", "104"], ipc.Event("answered", number="104")),
        (["ended", "104"], ipc.Event("ended", number="104")),
        (["ended"], ipc.Event("ended")),
        (["incoming", "104", "--name", "Ivan"], ipc.Event("incoming", number="104", name="Ivan")),
        (["incoming", "--name", "Ivan", "104"], ipc.Event("incoming", number="104", name="Ivan")),
        (["--db=/d", "--rep", "anna", "incoming", "1"], ipc.Event("incoming", number="1", db="/d")),
        (["tel:+74993224685"], ipc.Event("outgoing", number="tel:+74993224685", link=True)),
        # the softphone hooks put "--" before the caller id, which may start with "-"
        (["incoming", "--", "--db=/x"], ipc.Event("incoming", number="--db=/x")),
        (["incoming", "--", "104"], ipc.Event("incoming", number="104")),
        (["incoming", "--"], ipc.Event("incoming")),
        (["callto://+442079460000/"], ipc.Event("outgoing", number="callto://+442079460000/", link=True)),
        (["--lang", "ru", "SIP:+7@pbx"], ipc.Event("outgoing", number="SIP:+7@pbx", link=True)),
    ],
)
def test_hook_command_lines_are_read_without_the_full_cli(argv: list[str], expected: ipc.Event) -> None:
    assert hook_event(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["incoming", "104", "--json"],  # prints a card here: the full CLI's job
        ["lookup", "104"],
        ["incoming", "104", "extra"],
        ["--help"],
        ["--db"],
        ["--verbose", "incoming", "104"],
        ["tel:+7", "more"],
        ["incoming", "--", "104", "more"],
    ],
)
def test_anything_else_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert hook_event(argv) is None


def test_the_windows_pipe_name_has_a_secret_only_the_user_can_read(tmp_path: Path) -> None:
    first = ipc.channel_secret(tmp_path, "abc")
    assert len(first) == 32 and int(first, 16) >= 0
    assert ipc.channel_secret(tmp_path, "abc") == first  # the hook finds the window's
    assert ipc.channel_secret(tmp_path, "other") != first
    (tmp_path / "abc.secret").write_text("not a secret", encoding="ascii")
    assert ipc.channel_secret(tmp_path, "abc") != "not a secret"
