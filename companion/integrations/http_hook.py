"""A loopback HTTP endpoint for softphones that can only "open a URL" on a call.

3CX, Zoiper and others can open (or fetch) a URL when a call rings; this turns such a request into
``eventReceived(event, number, name)`` inside the running window::

    GET /incoming?token=…&number=%2B74993224685&name=Ivan%20Petrov HTTP/1.1
    Host: 127.0.0.1:28470

Events are the path: ``/incoming``, ``/outgoing``, ``/answered``, ``/ended``. GET, HEAD (checks
only, never an event) and POST with an ``application/x-www-form-urlencoded`` body.

Safety, because every program and every web page on the machine can reach a loopback port:

- listens on 127.0.0.1 only, never on the network;
- a per-install random token is required (compared in constant time), else 403;
- the ``Host`` header must name 127.0.0.1 or localhost and our port (DNS rebinding), else 403;
- an ``Origin`` header from anywhere but ourselves is refused (a script on a web page), else 403;
- limits: head and body 8 KiB each, number 64 and name 200 characters, 3 s for the whole
  request (slowloris), 16 connections at once;
- anything malformed gets a short status, ``Connection: close`` and one warning line on the
  ``companion.http_hook`` logger; nothing raises into Qt's event loop.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote, unquote_to_bytes

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QTcpServer, QTcpSocket

from companion.i18n import translate

log = logging.getLogger("companion.http_hook")

# Below both ephemeral ranges (Linux 32768–60999, Windows/macOS 49152–65535, where Hyper-V also
# reserves blocks), so a fixed listener never races an outgoing connection for its port.
DEFAULT_PORT = 28470
EVENTS = ("incoming", "outgoing", "answered", "ended")
NUMBER_REQUIRED = frozenset({"incoming", "outgoing"})  # `ended [NUMBER]`, as on the command line

MAX_HEAD = 8 * 1024
MAX_BODY = 8 * 1024
MAX_NUMBER = 64
MAX_NAME = 200
TIMEOUT_MS = 3000
MAX_CONNECTIONS = 16
MIN_TOKEN = 16

# Parameter names compared after lower-casing and dropping "_", "-", ".": CallerNumber,
# caller_id and Caller-ID are the same name. The first name present wins, in this order.
_NUMBER_KEYS = ("number", "phone", "phonenumber", "tel", "num", "remote", "remoteparty", "remotenumber")
_CALLER_KEYS = ("caller", "callernumber", "callernum", "callerid", "cid", "cidnum", "from")
_CALLEE_KEYS = ("callee", "called", "callednumber", "dialed", "dialled", "destination", "to")
_NAME_KEYS = (
    "name",
    "callerdisplayname",
    "callername",
    "displayname",
    "cidname",
    "remotename",
    "remotealias",
    "displayremote",
    "contactname",
)
_ALL_NUMBER_KEYS = frozenset(_NUMBER_KEYS + _CALLER_KEYS + _CALLEE_KEYS)

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LINE_END = re.compile(rb"\r?\n")
_METHOD = re.compile(rb"[A-Z]{1,16}")
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
_TOKEN_CHARS = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_ALLOWED_METHODS = ("GET", "HEAD", "POST")


def new_token() -> str:
    """A fresh per-install secret for the hook URL."""
    return secrets.token_urlsafe(24)


class _RequestError(Exception):
    """A request answered with ``status``; ``why`` goes to the log (never the token or number)."""

    def __init__(self, status: int, why: str, *, quiet: bool = False) -> None:
        super().__init__(why)
        self.status = status
        self.why = why
        self.quiet = quiet


@dataclass(frozen=True)
class _Head:
    method: str
    path: str
    query: bytes
    headers: dict[str, str]  # lower-case names
    size: int  # bytes up to and including the blank line


def _request_line(line: bytes) -> tuple[str, bytes]:
    """The method and target of ``METHOD SP TARGET SP HTTP/1.x``."""
    parts = line.split(b" ")
    # A sloppy client may leave spaces in the target ("number=+7 499 …"): method first, version last.
    if len(parts) < 3 or _CONTROL.search(line) or not _METHOD.fullmatch(parts[0]):
        raise _RequestError(400, "not an HTTP request")
    version = _VERSION.fullmatch(parts[-1])
    if version is None:
        raise _RequestError(400, "not an HTTP request")
    if version.group(1) != b"1":
        raise _RequestError(505, "not HTTP/1.x")
    target = b" ".join(parts[1:-1])
    if not target.startswith(b"/"):
        raise _RequestError(400, "the target is not a path")
    return parts[0].decode("ascii"), target


def _parse_head(data: bytes) -> _Head | None:
    """The request line and headers, or None while the blank line has not arrived yet."""
    first = _LINE_END.search(data)
    if first is None:
        if len(data) > MAX_HEAD:
            raise _RequestError(431, "request head over 8 KiB")
        if data and not data[:1].isalpha():
            raise _RequestError(400, "not an HTTP request")
        return None
    method, target = _request_line(data[: first.start()])  # junk is refused without waiting
    end = _HEAD_END.search(data)
    if end is None or end.end() > MAX_HEAD:
        if len(data) > MAX_HEAD:
            raise _RequestError(431, "request head over 8 KiB")
        return None
    lines = _LINE_END.split(data[first.end() : end.start()]) if end.start() > first.start() else []
    headers: dict[str, str] = {}
    for raw in lines:
        name, colon, value = raw.partition(b":")
        if not colon or not _TOKEN_CHARS.fullmatch(name) or _CONTROL.search(value):
            raise _RequestError(400, "a malformed header line")
        key = name.decode("ascii").lower()
        text = value.decode("latin-1").strip()
        if key in headers:
            if key in ("host", "origin", "content-length", "content-type", "transfer-encoding"):
                raise _RequestError(400, f"a repeated {key} header")
            headers[key] += ", " + text
        else:
            headers[key] = text
    path, _, query = target.partition(b"#")[0].partition(b"?")
    return _Head(method, path.decode("latin-1"), query, headers, end.end())


def _normal_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "").replace(".", "")


def _form_decode(raw: bytes) -> str:
    """``application/x-www-form-urlencoded`` decoding: ``+`` is a space, ``%XX`` a byte, UTF-8."""
    if _BAD_PERCENT.search(raw):
        raise _RequestError(400, "bad percent-encoding (an unfilled placeholder such as %CallerNumber%?)")
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise _RequestError(400, "a parameter that is not UTF-8") from None


def _form(raw: bytes) -> list[tuple[str, str]]:
    """(normalised name, value) pairs. A number sent raw as ``+7499…`` decodes to `` 7499…`` under
    form rules; a value that starts with one space and a digit gets its ``+`` back (``%2B`` keeps it
    anyway; no real number starts with a space)."""
    pairs = []
    for item in raw.split(b"&"):
        if not item:
            continue
        key_raw, _, value_raw = item.partition(b"=")
        key = _normal_key(_form_decode(key_raw))
        value = _form_decode(value_raw)
        if key in _ALL_NUMBER_KEYS and value[:1] == " " and value[1:2].isdigit():
            value = "+" + value[1:]
        pairs.append((key, value))
    return pairs


def _first(pairs: list[tuple[str, str]], keys: tuple[str, ...]) -> str | None:
    found = dict(reversed(pairs))  # the first occurrence of each name
    for key in keys:
        if key in found:
            return found[key]
    return None


def _clean(value: str, limit: int, what: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise _RequestError(400, f"the {what} is longer than {limit} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        raise _RequestError(400, f"control characters in the {what}")
    return value


def _response(status: int, *, head_only: bool = False, allow: bool = False) -> bytes:
    phrase = HTTPStatus(status).phrase
    body = b"ok\n" if status == 200 else f"{status} {phrase}\n".encode("ascii")
    lines = [
        f"HTTP/1.1 {status} {phrase}",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Cache-Control: no-store",
        "X-Content-Type-Options: nosniff",
        "Connection: close",
    ]
    if allow:
        lines.append("Allow: " + ", ".join(_ALLOWED_METHODS))
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    return head if head_only else head + body


class _Connection:
    """One accepted socket: gather one request, answer it, close."""

    def __init__(self, hook: HttpHook, socket: QTcpSocket) -> None:
        self.hook = hook
        self.socket = socket
        self.buffer = bytearray()
        self.head: _Head | None = None
        self.answered = False
        self.gone = False
        self.timer = QTimer(socket)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.on_timeout)
        socket.setReadBufferSize(MAX_HEAD + MAX_BODY)  # Qt buffers no more than one request's worth
        socket.readyRead.connect(self.on_ready_read)
        socket.disconnected.connect(self.on_disconnected)
        self.timer.start(hook.timeout_ms)

    # Slots: nothing may escape them into Qt's event loop.

    def on_ready_read(self) -> None:
        try:
            data = bytes(self.socket.readAll().data())
            if self.answered or self.gone:
                return  # the answer is out; the rest is discarded
            self.buffer += data
            self._advance()
        except _RequestError as refused:
            self._refuse(refused)
        except Exception:
            log.exception("http hook: unexpected failure while reading a request")
            self._answer(500)

    def on_timeout(self) -> None:
        try:
            if self.answered:
                self.socket.abort()  # the peer did not let go after the answer
            elif not self.buffer:
                log.debug("http hook: closed an idle connection")
                self.answered = True
                self.socket.abort()
            else:
                self._refuse(
                    _RequestError(408, f"the request was not complete within {self.hook.timeout_ms} ms")
                )
        except Exception:
            log.exception("http hook: unexpected failure on a timeout")

    def on_disconnected(self) -> None:
        try:
            self.close()
        except Exception:
            log.exception("http hook: unexpected failure on disconnect")

    def close(self) -> None:
        if self.gone:
            return
        self.gone = True
        self.timer.stop()
        self.hook._connections.discard(self)
        self.socket.deleteLater()

    # The request.

    def _advance(self) -> None:
        if self.head is None:
            self.head = _parse_head(bytes(self.buffer))
            if self.head is None:
                return
            self._check_head(self.head)
        head = self.head
        body = b""
        if head.method == "POST":
            length = self._body_length(head)
            if len(self.buffer) - head.size < length:
                return  # more body to come
            body = bytes(self.buffer[head.size : head.size + length])
        self._handle(head, body)

    def _check_head(self, head: _Head) -> None:
        port = self.hook.port
        host = head.headers.get("host", "").lower()
        if host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            raise _RequestError(403, "the Host header is not 127.0.0.1 or localhost with our port")
        origin = head.headers.get("origin")
        if origin is not None and origin.lower() not in (
            f"http://127.0.0.1:{port}",
            f"http://localhost:{port}",
        ):
            raise _RequestError(403, "an Origin header from a web page")
        if head.method not in _ALLOWED_METHODS:
            raise _RequestError(405, f"method {head.method}")
        if head.path.rstrip("/") == "/favicon.ico":
            raise _RequestError(404, "favicon", quiet=True)  # a browser tab opened by the softphone asks
        if head.path.rstrip("/") not in tuple(f"/{event}" for event in EVENTS):
            raise _RequestError(404, "unknown path")
        if head.method == "POST":
            self._body_length(head)

    @staticmethod
    def _body_length(head: _Head) -> int:
        if "transfer-encoding" in head.headers:
            raise _RequestError(501, "a chunked body")
        text = head.headers.get("content-length")
        if text is None:
            raise _RequestError(411, "POST without Content-Length")
        if not text.isascii() or not text.isdigit():
            raise _RequestError(400, "a malformed Content-Length")
        length = int(text)
        if length > MAX_BODY:
            raise _RequestError(413, "a body over 8 KiB")
        kind = head.headers.get("content-type", "").partition(";")[0].strip().lower()
        if length and kind != "application/x-www-form-urlencoded":
            raise _RequestError(415, "a body that is not application/x-www-form-urlencoded")
        return length

    def _handle(self, head: _Head, body: bytes) -> None:
        event = head.path.rstrip("/")[1:]
        pairs = _form(head.query) + _form(body)
        token = _first(pairs, ("token",))
        if token is None:
            raise _RequestError(403, "no token")
        if not hmac.compare_digest(token.encode("utf-8"), self.hook._token.encode("utf-8")):
            raise _RequestError(403, "a wrong token")
        callee_first = event == "outgoing"
        keys = _NUMBER_KEYS + (_CALLEE_KEYS + _CALLER_KEYS if callee_first else _CALLER_KEYS + _CALLEE_KEYS)
        number = _clean(_first(pairs, keys) or "", MAX_NUMBER, "number")
        name = _clean(_first(pairs, _NAME_KEYS) or "", MAX_NAME, "name")
        if not number and event in NUMBER_REQUIRED:
            raise _RequestError(400, f"{event} without a number")
        if head.method == "HEAD":
            self._answer(200, head_only=True)  # a check: HEAD never makes a call event
            return
        self._answer(200)
        log.debug("http hook: %s event", event)
        self.hook.eventReceived.emit(event, number, name)

    def _refuse(self, refused: _RequestError) -> None:
        where = f"{self.head.method} {self.head.path}" if self.head else "a request"
        (log.debug if refused.quiet else log.warning)(
            "http hook: %d for %s: %s", refused.status, where, refused.why
        )
        head_only = self.head is not None and self.head.method == "HEAD"
        self._answer(refused.status, head_only=head_only, allow=refused.status == 405)

    def _answer(self, status: int, *, head_only: bool = False, allow: bool = False) -> None:
        if self.answered or self.gone:
            return
        self.answered = True
        self.socket.write(_response(status, head_only=head_only, allow=allow))
        self.socket.disconnectFromHost()
        if not self.gone:
            self.timer.start(self.hook.timeout_ms)  # then abort if the peer never lets go


class HttpHook(QObject):
    """The endpoint. ``start()`` to listen, ``stop()`` to close; events arrive as a signal."""

    eventReceived = Signal(str, str, str)  # noqa: N815 - event, number, display name ("" if none)

    def __init__(
        self,
        token: str,
        port: int = DEFAULT_PORT,
        parent: QObject | None = None,
        *,
        timeout_ms: int = TIMEOUT_MS,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        super().__init__(parent)
        self._token = token
        self._port = port
        self.timeout_ms = timeout_ms
        self.max_connections = max_connections
        self.error_text = ""
        self._connections: set[_Connection] = set()
        self._server = QTcpServer(self)
        self._server.newConnection.connect(self._on_new_connection)

    @property
    def port(self) -> int:
        """The port listened on (the one asked for while not listening)."""
        return self._server.serverPort() if self._server.isListening() else self._port

    @property
    def host(self) -> str:
        """The address listened on: always 127.0.0.1 ("" while not listening)."""
        return self._server.serverAddress().toString() if self._server.isListening() else ""

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def url(self, event: str = "incoming") -> str:
        """What to paste into the softphone; its number placeholder goes at the end."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r} (known: {', '.join(EVENTS)})")
        return f"http://127.0.0.1:{self.port}/{event}?token={quote(self._token, safe='')}&number="

    def start(self) -> bool:
        """Listen on 127.0.0.1; False with ``error_text`` set when that is impossible."""
        if self._server.isListening():
            return True
        self.error_text = ""
        if len(self._token) < MIN_TOKEN:
            self.error_text = translate(
                "http_hook", "The softphone link has no valid token: generate a new link in the settings."
            )
        elif not 0 <= self._port <= 65535:
            self.error_text = translate(
                "http_hook", "Port {port} is not valid: choose a number from 1024 to 65535."
            ).format(port=self._port)
        elif not self._server.listen(QHostAddress(QHostAddress.SpecialAddress.LocalHost), self._port):
            error = self._server.serverError()
            if error == QAbstractSocket.SocketError.AddressInUseError:
                self.error_text = translate(
                    "http_hook",
                    "Port {port} is already used by another program: choose another port in the settings.",
                ).format(port=self._port)
            elif error == QAbstractSocket.SocketError.SocketAccessError:
                self.error_text = translate(
                    "http_hook", "Port {port} is not allowed for this user: choose a port from 1024 to 65535."
                ).format(port=self._port)
            else:
                self.error_text = translate(
                    "http_hook", "Cannot listen on 127.0.0.1:{port}: {reason}"
                ).format(port=self._port, reason=self._server.errorString())
        if self.error_text:
            log.warning("http hook not started: %s", self.error_text)
            return False
        log.info("http hook listening on 127.0.0.1:%d", self.port)
        return True

    def stop(self) -> None:
        """Stop listening and drop every open connection."""
        self._server.close()
        for connection in list(self._connections):
            connection.answered = True
            connection.socket.abort()
            connection.close()

    def _on_new_connection(self) -> None:
        try:
            while self._server.hasPendingConnections():
                socket = self._server.nextPendingConnection()
                if socket is None:
                    break
                if len(self._connections) >= self.max_connections:
                    log.warning("http hook: 503: more than %d connections at once", self.max_connections)
                    socket.disconnected.connect(socket.deleteLater)
                    socket.write(_response(503))
                    socket.disconnectFromHost()
                    continue
                self._connections.add(_Connection(self, socket))
        except Exception:
            log.exception("http hook: unexpected failure while accepting a connection")
