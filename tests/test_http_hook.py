"""The loopback HTTP hook, over real TCP: a softphone's URL becomes a call event, nothing else does.

The client is a plain non-blocking socket polled while ``qtbot.waitUntil`` spins Qt's event loop,
so the server (on the same thread) keeps running while the test waits.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtNetwork import QHostAddress
from pytestqt.qtbot import QtBot

from companion.integrations.http_hook import (
    DEFAULT_PORT,
    EVENTS,
    MAX_BODY,
    MAX_HEAD,
    HttpHook,
    new_token,
)

TOKEN = "k3y-for-tests_0123456789abcdef"
Events = list[tuple[str, str, str]]


class Client:
    """A raw HTTP client that never blocks: every step is a poll inside ``qtbot.waitUntil``."""

    def __init__(self, qtbot: QtBot, port: int, host: str = "127.0.0.1") -> None:
        self.qtbot = qtbot
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.connect_error = self.sock.connect_ex((host, port))
        self.outgoing = b""
        self.received = b""
        self.closed = False
        self.error = 0  # errno of the failure that closed it, if any

    def send(self, data: bytes) -> Client:
        self.outgoing += data
        self.poll()
        return self

    def poll(self) -> None:
        if self.closed:
            return
        try:
            if self.outgoing:
                sent = self.sock.send(self.outgoing)
                self.outgoing = self.outgoing[sent:]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as exc:
            self.closed, self.error = True, exc.errno or 0
            return
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    self.closed = True
                    return
                self.received += chunk
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as exc:  # refused, or reset by the peer
            self.closed, self.error = True, exc.errno or 0

    def wait_closed(self, timeout: int = 3000) -> bytes:
        self.qtbot.waitUntil(lambda: self.poll() or self.closed, timeout=timeout)
        return self.received

    def status(self) -> int:
        response = self.wait_closed()
        assert response.startswith(b"HTTP/1.1 "), response
        return int(response.split(b" ", 2)[1])

    def close(self) -> None:
        self.sock.close()


MakeClient = Callable[..., Client]


@pytest.fixture
def hook(qtbot: QtBot) -> Iterator[HttpHook]:
    hook = HttpHook(TOKEN, port=0, timeout_ms=500)
    assert hook.start(), hook.error_text
    yield hook
    hook.stop()


@pytest.fixture
def events(hook: HttpHook) -> Events:
    seen: Events = []
    hook.eventReceived.connect(lambda *args: seen.append(args))
    return seen


@pytest.fixture
def client(qtbot: QtBot, hook: HttpHook) -> Iterator[MakeClient]:
    made: list[Client] = []

    def make(port: int | None = None, host: str = "127.0.0.1") -> Client:
        made.append(Client(qtbot, hook.port if port is None else port, host))
        return made[-1]

    yield make
    for c in made:
        c.close()


def get(
    hook: HttpHook, target: str, *, host: str | None = None, extra: str = "", method: str = "GET"
) -> bytes:
    host = f"127.0.0.1:{hook.port}" if host is None else host
    return f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()


def body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


def header(response: bytes, name: str) -> str | None:
    for line in response.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


# The happy path: each event, with a number and a name


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_with_the_token_emits_the_number_and_name(
    qtbot: QtBot, hook: HttpHook, client: MakeClient, event: str
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/{event}?token={TOKEN}&number=%2B74993224685&name=Ivan%20Petrov"))
    assert signal.args == [event, "+74993224685", "Ivan Petrov"]
    response = c.wait_closed()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert body_of(response) == b"ok\n"
    assert header(response, "Connection") == "close"


def test_the_url_it_hands_out_works_once_the_softphone_appends_a_number(
    qtbot: QtBot, hook: HttpHook, client: MakeClient
) -> None:
    url = hook.url("outgoing")
    assert url == f"http://127.0.0.1:{hook.port}/outgoing?token={TOKEN}&number="
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, url.removeprefix(f"http://127.0.0.1:{hook.port}") + "84993224685"))
    assert signal.args == ["outgoing", "84993224685", ""]
    assert c.status() == 200


def test_a_name_is_optional_and_a_number_is_trimmed(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&number=%20%208%20(499)%20322-46-85%20"))
    assert signal.args == ["incoming", "8 (499) 322-46-85", ""]


# "+": %2B is a plus, a raw "+" is a space by form rules, except the leading "+" of a number


@pytest.mark.parametrize(
    ("query", "number", "name"),
    [
        ("number=%2B74993224685", "+74993224685", ""),
        ("number=+74993224685", "+74993224685", ""),  # sent raw, as 3CX's %CallerNumber% is
        ("number=+7+499+322-46-85", "+7 499 322-46-85", ""),
        ("number=8+499+322-46-85", "8 499 322-46-85", ""),
        ("number=%2B7%20499%20322%2046%2085", "+7 499 322 46 85", ""),
        ("number=%2B74993224685&name=Ivan+Petrov", "+74993224685", "Ivan Petrov"),
        ("number=%2B74993224685&name=+Ivan", "+74993224685", "Ivan"),  # a name never gains a plus
        ("number=%2B74993224685&name=C%2B%2B+Ltd", "+74993224685", "C++ Ltd"),
        ("number=%2B74993224685&name=%D0%98%D0%B2%D0%B0%D0%BD", "+74993224685", "Иван"),
    ],
)
def test_plus_signs_and_percent_encoding(
    qtbot: QtBot, hook: HttpHook, client: MakeClient, query: str, number: str, name: str
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&{query}"))
    assert signal.args == ["incoming", number, name]


def test_raw_utf8_in_the_target_is_read_as_utf8(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&number=%2B74993224685&name=Иван"))  # UTF-8 bytes
    assert signal.args == ["incoming", "+74993224685", "Иван"]


def test_raw_spaces_in_the_target_are_tolerated(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&number=+7 499 322-46-85"))
    assert signal.args == ["incoming", "+7 499 322-46-85", ""]


# Other names softphones use for the number and the name


@pytest.mark.parametrize(
    ("query", "number", "name"),
    [
        ("phone=%2B111&name=A", "+111", "A"),
        ("caller=%2B111&callername=A", "+111", "A"),
        ("callerid=%2B111&CallerName=A", "+111", "A"),
        ("caller_id=%2B111&display_name=A", "+111", "A"),
        ("CallerNumber=+111&CallerDisplayName=A", "+111", "A"),  # 3CX: %CallerNumber%, %CallerDisplayName%
        ("phoneNumber=%2B111&displayName=A", "+111", "A"),
        ("from=%2B111&cid_name=A", "+111", "A"),
        ("num=111", "111", ""),
        ("tel=111", "111", ""),
        ("cid=111&remote_name=A", "111", "A"),
        ("remote=111&display_remote=A", "111", "A"),
        ("from=%2B111&number=%2B222", "+222", ""),  # "number" beats every alias
    ],
)
def test_number_and_name_aliases(
    qtbot: QtBot, hook: HttpHook, client: MakeClient, query: str, number: str, name: str
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&{query}"))
    assert signal.args == ["incoming", number, name]


def test_an_outgoing_call_takes_the_callee_before_the_caller(
    qtbot: QtBot, hook: HttpHook, client: MakeClient
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/outgoing?token={TOKEN}&from=101&to=%2B74993224685"))
    assert signal.args == ["outgoing", "+74993224685", ""]
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&from=%2B74993224685&to=101"))
    assert signal.args == ["incoming", "+74993224685", ""]


def test_ended_and_answered_need_no_number_but_incoming_does(
    qtbot: QtBot, hook: HttpHook, client: MakeClient, events: Events
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/ended?token={TOKEN}"))
    assert signal.args == ["ended", "", ""]
    c = client().send(get(hook, f"/incoming?token={TOKEN}&number="))
    assert c.status() == 400
    assert events == [("ended", "", "")]


# POST with a form body


def post(hook: HttpHook, target: str, body: bytes, kind: str = "application/x-www-form-urlencoded") -> bytes:
    extra = f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
    return get(hook, target, extra=extra, method="POST") + body


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("/incoming", f"token={TOKEN}&number=%2B74993224685&name=Ivan+Petrov".encode()),
        (f"/incoming?token={TOKEN}", b"number=+74993224685&name=Ivan+Petrov"),
    ],
)
def test_post_with_a_form_body(
    qtbot: QtBot, hook: HttpHook, client: MakeClient, target: str, body: bytes
) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(post(hook, target, body))
    assert signal.args == ["incoming", "+74993224685", "Ivan Petrov"]
    assert c.status() == 200


def test_a_post_body_may_arrive_in_pieces(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    request = post(hook, "/incoming", f"token={TOKEN}&number=%2B74993224685".encode())
    c = client().send(request[:-10])
    qtbot.waitUntil(lambda: c.poll() or not c.outgoing, timeout=2000)
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(request[-10:])
    assert signal.args == ["incoming", "+74993224685", ""]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (lambda h: post(h, "/incoming", f"token={TOKEN}&number=1".encode(), "application/json"), 415),
        (lambda h: get(h, f"/incoming?token={TOKEN}&number=1", method="POST"), 411),
        (lambda h: get(h, "/incoming", method="POST", extra="Content-Length: ten\r\n"), 400),
        (lambda h: get(h, "/incoming", method="POST", extra="Transfer-Encoding: chunked\r\n"), 501),
        (lambda h: get(h, "/incoming", method="POST", extra=f"Content-Length: {MAX_BODY + 1}\r\n"), 413),
    ],
)
def test_a_post_body_must_be_a_small_form(
    hook: HttpHook,
    client: MakeClient,
    events: Events,
    request_bytes: Callable[[HttpHook], bytes],
    status: int,
) -> None:
    assert client().send(request_bytes(hook)).status() == status
    assert events == []


def test_head_checks_without_making_an_event(hook: HttpHook, client: MakeClient, events: Events) -> None:
    response = client().send(get(hook, f"/incoming?token={TOKEN}&number=1", method="HEAD")).wait_closed()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert body_of(response) == b""
    assert header(response, "Content-Length") == "3"
    assert events == []
    response = client().send(get(hook, "/incoming?token=wrong&number=1", method="HEAD")).wait_closed()
    assert response.startswith(b"HTTP/1.1 403 ")


# The token


@pytest.mark.parametrize(
    "query",
    [
        "number=1",
        "token=&number=1",
        "token=wrong&number=1",
        f"token={TOKEN[:-1]}&number=1",
        f"token={TOKEN}x&number=1",
        f"token={TOKEN.upper()}&number=1",
        "token=%D0%AF%D0%AF&number=1",  # not ASCII: compared as bytes, never a TypeError
    ],
)
def test_a_missing_or_wrong_token_is_forbidden_and_silent(
    hook: HttpHook, client: MakeClient, events: Events, query: str
) -> None:
    assert client().send(get(hook, f"/incoming?{query}")).status() == 403
    assert events == []


def test_the_first_token_counts(hook: HttpHook, client: MakeClient, events: Events) -> None:
    assert client().send(get(hook, f"/incoming?token=wrong&token={TOKEN}&number=1")).status() == 403
    assert events == []


def test_a_short_token_is_refused_at_start(qtbot: QtBot) -> None:
    hook = HttpHook("", port=0)
    assert not hook.start()
    assert hook.error_text
    assert not hook.listening


def test_new_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert len(token) >= 32
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


# Host and Origin: a web page in the user's browser must not get through


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "127.0.0.1:1", "127.0.0.1", "localhost", "attacker.127.0.0.1.nip.io:{port}", ""],
)
def test_a_foreign_host_header_is_forbidden(
    hook: HttpHook, client: MakeClient, events: Events, host: str
) -> None:
    request = get(hook, f"/incoming?token={TOKEN}&number=1", host=host.format(port=hook.port))
    assert client().send(request).status() == 403
    assert events == []


def test_a_missing_host_header_is_forbidden(hook: HttpHook, client: MakeClient, events: Events) -> None:
    assert client().send(f"GET /incoming?token={TOKEN}&number=1 HTTP/1.0\r\n\r\n".encode()).status() == 403
    assert events == []


def test_localhost_in_any_case_is_fine(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000):
        c.send(get(hook, f"/incoming?token={TOKEN}&number=1", host=f"LocalHost:{hook.port}"))
    assert c.status() == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:1", "http://localhost"])
def test_a_request_from_a_web_page_script_is_forbidden(
    hook: HttpHook, client: MakeClient, events: Events, origin: str
) -> None:
    request = get(hook, f"/incoming?token={TOKEN}&number=1", extra=f"Origin: {origin}\r\n")
    assert client().send(request).status() == 403
    assert events == []


def test_our_own_origin_is_fine(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000):
        c.send(
            get(hook, f"/incoming?token={TOKEN}&number=1", extra=f"Origin: http://127.0.0.1:{hook.port}\r\n")
        )
    assert c.status() == 200


def test_responses_never_invite_cross_origin_reads(hook: HttpHook, client: MakeClient) -> None:
    response = client().send(get(hook, f"/incoming?token={TOKEN}&number=1")).wait_closed()
    assert header(response, "Access-Control-Allow-Origin") is None
    assert header(response, "Cache-Control") == "no-store"


# Paths, methods, sizes


def test_an_unknown_path_is_not_found(hook: HttpHook, client: MakeClient, events: Events) -> None:
    for path in ("/", "/ringing", "/incoming/x", "/Incoming", "/favicon.ico"):
        assert client().send(get(hook, f"{path}?token={TOKEN}&number=1")).status() == 404, path
    assert events == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"])
def test_other_methods_are_not_allowed(
    hook: HttpHook, client: MakeClient, events: Events, method: str
) -> None:
    response = client().send(get(hook, f"/incoming?token={TOKEN}&number=1", method=method)).wait_closed()
    assert response.startswith(b"HTTP/1.1 405 ")
    assert header(response, "Allow") == "GET, HEAD, POST"
    assert events == []


def test_an_oversized_head_is_refused_without_waiting_for_its_end(
    hook: HttpHook, client: MakeClient, events: Events
) -> None:
    request = get(hook, f"/incoming?token={TOKEN}&number=1", extra="X-Pad: " + "a" * MAX_HEAD + "\r\n")
    c = client().send(request[: MAX_HEAD + 100])  # never sends the blank line
    assert c.status() == 431
    assert events == []


def test_an_oversized_target_is_refused(hook: HttpHook, client: MakeClient, events: Events) -> None:
    request = get(hook, f"/incoming?token={TOKEN}&number=1&pad={'x' * MAX_HEAD}")
    assert client().send(request).status() == 431
    assert events == []


def test_a_head_just_under_the_limit_is_fine(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    request = get(hook, f"/incoming?token={TOKEN}&number=1", extra="X-Pad: \r\n")
    request = request.replace(b"X-Pad: ", b"X-Pad: " + b"a" * (MAX_HEAD - len(request)))
    assert len(request) == MAX_HEAD
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000):
        c.send(request)
    assert c.status() == 200


@pytest.mark.parametrize(
    "query",
    [
        "number=" + "1" * 65,
        "number=1&name=" + "n" * 201,
        "number=1%0A2",
        "number=1&name=a%0D%0AX-Injected:%201",
        "number=1&name=a%00b",
    ],
)
def test_overlong_or_control_values_are_bad_requests(
    hook: HttpHook, client: MakeClient, events: Events, query: str
) -> None:
    assert client().send(get(hook, f"/incoming?token={TOKEN}&{query}")).status() == 400
    assert events == []


def test_values_at_their_limits_are_fine(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    c = client()
    with qtbot.waitSignal(hook.eventReceived, timeout=2000) as signal:
        c.send(get(hook, f"/incoming?token={TOKEN}&number={'1' * 64}&name={'n' * 200}"))
    assert signal.args == ["incoming", "1" * 64, "n" * 200]


# Malformed input: a short status, one warning line, no event, no exception


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),  # a TLS hello
        (b"\x00\xff\xfe\xfd garbage\r\n\r\n", 400),
        (b"hello there\r\n\r\n", 400),
        (b"GET\r\n\r\n", 400),
        (b"get /incoming HTTP/1.1\r\n\r\n", 400),
        (b"GET incoming HTTP/1.1\r\n\r\n", 400),
        (b"GET http://127.0.0.1/incoming HTTP/1.1\r\n\r\n", 400),
        (b"GET /incoming HTTP/2.0\r\n\r\n", 505),
        (b"GET /incoming FTP/1.0\r\n\r\n", 400),
        (b"GET /incoming\x00 HTTP/1.1\r\n\r\n", 400),
        (b"GET /incoming HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET /incoming HTTP/1.1\r\n folded: header\r\n\r\n", 400),
        (b"GET /incoming HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ],
)
def test_garbage_gets_a_short_status_and_one_warning(
    hook: HttpHook,
    client: MakeClient,
    events: Events,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
    status: int,
) -> None:
    with caplog.at_level(logging.WARNING, logger="companion.http_hook"):
        assert client().send(data).status() == status
    assert events == []
    warnings = [r for r in caplog.records if r.name == "companion.http_hook"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelno == logging.WARNING


@pytest.mark.parametrize(
    "query",
    [
        "number=%CallerNumber%",  # an unfilled placeholder
        "number=%2",
        "number=%zz1",
        "number=1&name=%FF%FE",  # not UTF-8
        "number=1&name=%C3",
        "number=1&%FF=1",
    ],
)
def test_bad_encoding_is_a_bad_request(
    hook: HttpHook, client: MakeClient, events: Events, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="companion.http_hook"):
        assert client().send(get(hook, f"/incoming?token={TOKEN}&{query}")).status() == 400
    assert events == []
    assert len([r for r in caplog.records if r.name == "companion.http_hook"]) == 1


def test_the_log_never_holds_the_token_or_the_number(
    hook: HttpHook, client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="companion.http_hook"):
        client().send(get(hook, f"/incoming?token={TOKEN}&number=74993224685", host="evil:1")).status()
        client().send(get(hook, f"/incoming?token={TOKEN}&number=74993224685")).status()
        client().send(get(hook, f"/incoming?token={TOKEN}&number=74993224685&name=%FF")).status()
    assert caplog.records
    assert all(TOKEN not in r.getMessage() and "74993224685" not in r.getMessage() for r in caplog.records)


def test_a_failing_receiver_does_not_break_the_server(
    qtbot: QtBot, hook: HttpHook, client: MakeClient
) -> None:
    def fail(*_args: str) -> None:
        raise RuntimeError("a receiver failed")

    hook.eventReceived.connect(fail)
    with qtbot.capture_exceptions() as exceptions:
        c = client()
        with qtbot.waitSignal(hook.eventReceived, timeout=2000):
            c.send(get(hook, f"/incoming?token={TOKEN}&number=1"))
        assert c.status() == 200
    assert [str(e[1]) for e in exceptions] == ["a receiver failed"]
    hook.eventReceived.disconnect(fail)
    assert client().send(get(hook, f"/ended?token={TOKEN}")).status() == 200


# Slow and idle clients, too many connections


def test_a_slow_client_is_cut_off_after_the_timeout(
    hook: HttpHook, client: MakeClient, events: Events
) -> None:
    c = client().send(
        f"GET /incoming?token={TOKEN}&number=1 HTTP/1.1\r\nHost: 127.0.0.1:{hook.port}\r\n".encode()
    )
    response = c.wait_closed(timeout=2000)  # the hook's timeout is 500 ms in these tests
    assert response.startswith(b"HTTP/1.1 408 ")
    assert events == []


def test_an_idle_connection_is_closed_quietly(
    hook: HttpHook, client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="companion.http_hook"):
        assert client().wait_closed(timeout=2000) == b""
    assert not [r for r in caplog.records if r.name == "companion.http_hook"]


def test_a_full_request_is_not_cut_off_by_the_timeout(qtbot: QtBot, client: MakeClient) -> None:
    hook = HttpHook(TOKEN, port=0, timeout_ms=60_000)
    assert hook.start()
    try:
        c = client(hook.port)
        with qtbot.waitSignal(hook.eventReceived, timeout=2000):
            c.send(get(hook, f"/incoming?token={TOKEN}&number=1"))
        assert c.status() == 200
    finally:
        hook.stop()


def test_connections_beyond_the_cap_are_turned_away(qtbot: QtBot, client: MakeClient, events: Events) -> None:
    hook = HttpHook(TOKEN, port=0, timeout_ms=60_000, max_connections=2)
    assert hook.start()
    try:
        idle = [client(hook.port), client(hook.port)]
        qtbot.waitUntil(lambda: len(hook._connections) == 2, timeout=2000)
        assert client(hook.port).send(get(hook, f"/incoming?token={TOKEN}&number=1")).status() == 503
        idle[0].close()
        qtbot.waitUntil(lambda: len(hook._connections) == 1, timeout=2000)
        c = client(hook.port)
        with qtbot.waitSignal(hook.eventReceived, timeout=2000):
            c.send(get(hook, f"/incoming?token={TOKEN}&number=1"))
        assert c.status() == 200
    finally:
        hook.stop()


# Listening: loopback only, ports, start and stop


def test_it_listens_on_loopback_only(qtbot: QtBot, hook: HttpHook, client: MakeClient) -> None:
    assert hook.host == "127.0.0.1"
    assert hook._server.serverAddress() == QHostAddress(QHostAddress.SpecialAddress.LocalHost)
    # Bound to the wildcard address it would also answer on 127.0.0.2 (all of 127/8 is lo on Linux).
    other = client(host="127.0.0.2")
    if other.connect_error not in (0, errno.EINPROGRESS):
        return  # refused (or unroutable) at once
    qtbot.waitUntil(lambda: other.poll() or other.closed, timeout=2000)
    assert other.error in (errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH)


def test_port_zero_picks_a_free_port_and_the_url_names_it(hook: HttpHook) -> None:
    assert 0 < hook.port < 65536
    assert f":{hook.port}/" in hook.url()
    assert hook.url() == f"http://127.0.0.1:{hook.port}/incoming?token={TOKEN}&number="


def test_the_url_of_an_unknown_event_is_an_error(hook: HttpHook) -> None:
    with pytest.raises(ValueError):
        hook.url("ringing")


def test_the_default_port_is_fixed_and_outside_the_ephemeral_ranges(qtbot: QtBot) -> None:
    assert 1024 < DEFAULT_PORT < 32768
    assert HttpHook(TOKEN).port == DEFAULT_PORT


def test_a_port_in_use_makes_start_fail_with_a_message(qtbot: QtBot, hook: HttpHook) -> None:
    second = HttpHook(TOKEN, port=hook.port)
    assert not second.start()
    assert str(hook.port) in second.error_text
    assert not second.listening


def test_a_port_held_by_another_program_makes_start_fail(qtbot: QtBot) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        hook = HttpHook(TOKEN, port=port)
        assert not hook.start()
        assert str(port) in hook.error_text


@pytest.mark.parametrize("port", [-1, 65536])
def test_an_impossible_port_makes_start_fail(qtbot: QtBot, port: int) -> None:
    hook = HttpHook(TOKEN, port=port)
    assert not hook.start()
    assert str(port) in hook.error_text


def test_stop_closes_the_port_and_open_connections(qtbot: QtBot, client: MakeClient) -> None:
    hook = HttpHook(TOKEN, port=0, timeout_ms=60_000)
    assert hook.start()
    port = hook.port
    waiting = client(port)
    qtbot.waitUntil(lambda: len(hook._connections) == 1, timeout=2000)
    hook.stop()
    assert not hook.listening
    assert waiting.wait_closed(timeout=2000) == b""
    late = client(port)
    if late.connect_error in (0, errno.EINPROGRESS):
        qtbot.waitUntil(lambda: late.poll() or late.closed, timeout=2000)
        assert late.error == errno.ECONNREFUSED
    else:
        assert late.connect_error == errno.ECONNREFUSED


def test_start_twice_is_harmless_and_restart_works(qtbot: QtBot, client: MakeClient) -> None:
    hook = HttpHook(TOKEN, port=0)
    assert hook.start()
    port = hook.port
    assert hook.start()
    assert hook.port == port
    hook.stop()
    assert hook.start()
    try:
        c = client(hook.port)
        with qtbot.waitSignal(hook.eventReceived, timeout=2000):
            c.send(get(hook, f"/incoming?token={TOKEN}&number=1"))
    finally:
        hook.stop()
