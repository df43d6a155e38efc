"""One window per user: how a ``companion …`` process hands its event to the running window.

A softphone hook (``companion incoming 104``), a phone link (``companion tel:+7…``) or a second
start connects to the window's local channel, writes one JSON line and reads one line back,
then exits. The softphone waits for that process (MicroSIP freezes meanwhile), so this module
imports nothing heavier than the standard library and platformdirs: no Qt on POSIX, no
database, no geocoder. The window's end of the channel is ``companion.instance``.

The channel is private to the OS user: on POSIX a Unix socket inside a folder only the user
may enter (created 0700, refused if anyone else owns it or can enter it); on Windows a named
pipe whose name carries a hash of the user's name, opened with Qt's user-only access option.
Each settings file (``COMPANION_CONFIG``) has its own channel, so tests and portable installs
never meet the user's own window.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import socket
import stat
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from companion.paths import config_path

PROTOCOL = 1
#: one message, newline included; a longer one is refused by the window
MAX_MESSAGE = 8 * 1024
MAX_NUMBER = 256
MAX_NAME = 256
MAX_DB = 1024
#: what of a display name travels with the number to the card
MAX_SHOWN_NAME = 100
#: the longest text ``numbers.parse`` takes (its MAX_INPUT; not imported: a hook stays light)
MAX_CALLER = 256
#: events the window understands: the softphone's four, and "show" (a second plain start)
EVENTS = ("incoming", "outgoing", "answered", "ended", "show")
#: how long a hook waits for the window's answer (the window records the call first, and the
#: database may make it wait up to its 5 s busy timeout); MicroSIP gives a hook 10 s
REPLY_TIMEOUT = 8.0


class MessageError(ValueError):
    """A message on the channel that is not one of ours (too long, not JSON, wrong fields)."""


class ChannelError(OSError):
    """The channel's folder is not safe to use (someone else owns it or can enter it)."""


@dataclass(frozen=True)
class Event:
    """What one ``companion`` process tells the window."""

    event: str
    number: str = ""
    #: the caller's display name when the softphone gives one separately
    name: str = ""
    #: the database the sender was told to use (``--db``), None when it used the default
    db: str | None = None
    #: it came from a ``tel:``/``sip:``/``callto:`` link: after the card, dial it
    link: bool = False
    #: ``time.monotonic_ns()`` when the sender started handing it over (for the trace)
    sent_ns: int = 0
    #: with "show": a call the sender recorded itself, to be shown
    call: int | None = None

    def __post_init__(self) -> None:
        # a softphone's text may carry line breaks or escape codes: spaces travel instead; a
        # caller's display name is theirs to choose, so an overlong one is cut, never a reason
        # to lose the call
        object.__setattr__(self, "number", _printable(_unicode(self.number))[:MAX_NUMBER])
        object.__setattr__(self, "name", _printable(_unicode(self.name))[:MAX_NAME])

    @property
    def caller(self) -> str:
        """The number with a display name given apart from it, as a SIP header carries both
        (``"Ivan" <104>``), so the card can offer the name when saving an unknown caller."""
        room = min(MAX_SHOWN_NAME, MAX_CALLER - len(self.number) - len('"" <>'))
        name = " ".join(self.name.replace('"', "").replace("<", "").replace(">", "").split())[: max(room, 0)]
        if not name.strip() or not self.number or "<" in self.number:
            return self.number
        return f'"{name.strip()}" <{self.number}>'

    def to_line(self) -> bytes:
        data = {"v": PROTOCOL, "event": self.event, "number": self.number, "name": self.name}
        if self.db is not None:
            data["db"] = self.db
        if self.link:
            data["link"] = True
        if self.call is not None:
            data["call"] = self.call
        data["sent_ns"] = self.sent_ns or time.monotonic_ns()
        try:
            line = json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"
        except UnicodeEncodeError:  # a --db path of bytes that are not UTF-8
            raise MessageError("the database path is not UTF-8 text") from None
        if len(line) > MAX_MESSAGE:
            raise MessageError(f"message of {len(line)} bytes is longer than {MAX_MESSAGE}")
        return line

    @classmethod
    def from_line(cls, line: bytes) -> Event:
        """The event in one line from the channel; ``MessageError`` says what is wrong with it."""
        if len(line) > MAX_MESSAGE:
            raise MessageError(f"message of {len(line)} bytes is longer than {MAX_MESSAGE}")
        try:
            data = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise MessageError(f"not a JSON line ({exc.__class__.__name__})") from None
        if not isinstance(data, dict):
            raise MessageError("not a JSON object")
        if data.get("v") != PROTOCOL:
            raise MessageError(f"protocol version {data.get('v')!r}, expected {PROTOCOL}")
        event = data.get("event")
        if event not in EVENTS:
            raise MessageError(f"unknown event {event!r}")
        number = _text(data, "number", MAX_NUMBER)
        name = _text(data, "name", MAX_NAME)
        db = data.get("db")
        if db is not None and (not isinstance(db, str) or len(db) > MAX_DB or _unicode(_printable(db)) != db):
            raise MessageError("db is not a short path without control characters")
        link = data.get("link", False)
        sent = data.get("sent_ns", 0)
        call = data.get("call")
        if not isinstance(link, bool) or not isinstance(sent, int) or isinstance(sent, bool):
            raise MessageError("link or sent_ns of the wrong type")
        if call is not None and (not isinstance(call, int) or isinstance(call, bool) or call < 1):
            raise MessageError("call is not a call number")
        return cls(event=event, number=number, name=name, db=db, link=link, sent_ns=sent, call=call)


def _unicode(text: str) -> str:
    """``text`` with each lone surrogate (a command-line byte that was not UTF-8, or a ``\\udcff``
    escape in JSON) as U+FFFD: it cannot be encoded, sent, logged or stored otherwise."""
    if text.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _printable(text: str) -> str:
    if not any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return text
    return " ".join("".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text).split())


def _text(data: dict[str, object], key: str, limit: int) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise MessageError(f"{key} is not text")
    if len(value) > limit:
        raise MessageError(f"{key} is longer than {limit} characters")
    # control characters have no business in a number or a name (and would reach the log)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise MessageError(f"{key} has control characters")
    return value


@dataclass(frozen=True)
class Reply:
    ok: bool
    error: str = ""
    #: the event was sent but no answer came: the window may still record it, so it must not
    #: be sent again nor recorded elsewhere
    unanswered: bool = False
    #: the window runs on another database: the sender records the call in its own
    elsewhere: bool = False

    def to_line(self) -> bytes:
        data: dict[str, object] = {"ok": self.ok}
        if self.error:
            data["error"] = self.error
        if self.elsewhere:
            data["elsewhere"] = True
        return json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> Reply:
        try:
            data = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls(False, "the window answered something unreadable")
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            return cls(False, "the window answered something unreadable")
        error = data.get("error", "")
        return cls(
            data["ok"], error if isinstance(error, str) else "", elsewhere=data.get("elsewhere") is True
        )


# --- where the channel is -----------------------------------------------------------------


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def instance_key(config: Path | None = None) -> str:
    """One window per OS user and settings file: a short hash of both."""
    target = config or config_path()
    with contextlib.suppress(OSError):
        target = target.resolve()
    return hashlib.sha256(f"{_user()}\0{target}".encode()).hexdigest()[:16]


def channel_dir(create: bool = False) -> Path:
    """The user's private folder for the socket and the lock (POSIX and Windows)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        base = Path(os.environ.get("LOCALAPPDATA") or _temp_dir()) / "Call Companion"
        if create:
            base.mkdir(parents=True, exist_ok=True)
        return base
    folder = Path(_runtime_dir()) / f"call-companion-{os.getuid()}"
    if create:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    _check_private(folder)
    return folder


def _runtime_dir() -> str:
    """The user's own runtime folder where there is one (no other user can create ours there
    first); the temp folder, where the ownership check below must do, otherwise."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return runtime
    if sys.platform != "win32":
        run_user = f"/run/user/{os.getuid()}"
        with contextlib.suppress(OSError):
            info = os.stat(run_user)
            if info.st_uid == os.getuid() and not info.st_mode & 0o077:
                return run_user
    return _temp_dir()


def _temp_dir() -> str:
    """``tempfile.gettempdir()`` without importing tempfile (a hook's start time counts): the
    per-user ``TMPDIR`` on macOS, else ``/tmp``."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.environ.get(name)
        if value and os.path.isdir(value):
            return value
    return "/tmp"


def _check_private(folder: Path) -> None:
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return  # nobody listens there yet
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ChannelError(f"{folder} is not a private folder of this user; refusing to use it")


def server_name(config: Path | None = None) -> str:
    """What ``QLocalServer.listen`` and the client take: a socket path, or a pipe name."""
    key = instance_key(config)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return f"call-companion-{channel_secret(channel_dir(create=True), key)}"
    return str(channel_dir() / f"{key}.sock")


def channel_secret(folder: Path, key: str) -> str:
    """A random part of the pipe name, kept in the user's own folder (on Windows pipe names are
    one namespace for all users: a name others can work out, they could take first)."""
    path = folder / f"{key}.secret"
    found = _read_secret(path)
    if found:
        return found
    import secrets

    secret = secrets.token_hex(16)
    try:
        with open(path, "x", encoding="ascii") as fh:  # the first one to write it wins
            fh.write(secret)
        return secret
    except FileExistsError:
        for _ in range(20):  # another process made it just now: wait for its write
            found = _read_secret(path)
            if found:
                return found
            time.sleep(0.01)
    except OSError:
        return hashlib.sha256(f"{_user()}\0{key}".encode()).hexdigest()[:32]
    with contextlib.suppress(OSError):  # damaged: a new one
        path.write_text(secret, encoding="ascii")
    return secret


def _read_secret(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 32 and all(c in "0123456789abcdef" for c in text) else None


def lock_path(config: Path | None = None) -> Path:
    return channel_dir() / f"{instance_key(config)}.lock"


# --- the client ---------------------------------------------------------------------------


def deliver(event: Event, *, timeout: float = REPLY_TIMEOUT, config: Path | None = None) -> Reply | None:
    """Hand ``event`` to the running window: its reply, or None when no window listens."""
    if not event.sent_ns:
        event = replace(event, sent_ns=time.monotonic_ns())
    line = event.to_line()
    try:
        name = server_name(config)
    except ChannelError:
        return None
    if sys.platform == "win32":  # pragma: no cover - Windows only
        _let_the_window_take_focus()
    if sys.platform == "win32" or os.environ.get("COMPANION_IPC_TRANSPORT") == "qt":
        return _deliver_qt(name, line, timeout)
    return _deliver_unix(name, line, timeout)


def _let_the_window_take_focus() -> None:  # pragma: no cover - Windows only
    """Windows lets only the foreground process (and what it started: the softphone runs us)
    bring a window forward; pass that right on, so the card gets the keyboard and 1–7 log."""
    with contextlib.suppress(OSError, AttributeError, ValueError, IndexError):
        import ctypes

        pid = int(lock_path().read_text(encoding="utf-8").split()[0])  # the window's (QLockFile)
        ctypes.windll.user32.AllowSetForegroundWindow(pid)  # type: ignore[attr-defined]


def _deliver_unix(path: str, line: bytes, timeout: float) -> Reply | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            return None  # no window, or a socket file left by one that crashed
        except OSError:
            return None
        try:
            sock.sendall(line)
            return Reply.from_line(_read_line(sock))
        except OSError as exc:  # the window went away mid-way, or did not answer in time
            return Reply(False, f"the window did not answer ({exc.__class__.__name__})", unanswered=True)
    finally:
        sock.close()


def _read_line(sock: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data and len(data) <= MAX_MESSAGE:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0]


def _deliver_qt(name: str, line: bytes, timeout: float) -> Reply | None:
    """Windows' named pipes through Qt (the same code as the window's end)."""
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(int(min(timeout, 1.0) * 1000)):
        return None
    sock.write(line)
    sock.flush()
    sock.waitForBytesWritten(int(timeout * 1000))
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data and time.monotonic() < deadline:
        if not sock.waitForReadyRead(int(max(deadline - time.monotonic(), 0.01) * 1000)):
            break
        data += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    if b"\n" not in data:
        return Reply(False, "the window did not answer", unanswered=True)
    return Reply.from_line(data.split(b"\n", 1)[0])


def usable() -> bool:
    """Can a window of this user be reached at all (is the channel's folder safe)?"""
    try:
        server_name()
    except ChannelError:
        return False
    return True


def window_starting(config: Path | None = None) -> bool:
    """A live process holds the window's lock: a window that is starting (or listens)."""
    if _deaf_marker(config).exists():
        return False  # the window holds the lock but cannot listen: do not wait for it
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:  # Qt keeps its lock file open without write sharing while it holds it
            with open(lock_path(config), "r+b"):
                return False
        except PermissionError:
            return True
        except OSError:
            return False
    try:
        pid = int(lock_path(config).read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError, ChannelError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _deaf_marker(config: Path | None = None) -> Path:
    try:
        return channel_dir() / f"{instance_key(config)}.deaf"
    except ChannelError:
        return Path(os.devnull + ".none")


def mark_deaf(deaf: bool, config: Path | None = None) -> None:
    """The window says whether it holds the lock without listening (hooks then do not wait)."""
    marker = _deaf_marker(config)
    with contextlib.suppress(OSError):
        if deaf:
            marker.write_text("1", encoding="ascii")
        else:
            marker.unlink(missing_ok=True)


def deliver_with_retry(event: Event, *, seconds: float, config: Path | None = None) -> Reply | None:
    """Keep trying while a window that holds the lock is still starting up."""
    deadline = time.monotonic() + seconds
    while True:
        reply = deliver(event, config=config)
        if reply is not None or time.monotonic() >= deadline:
            return reply
        time.sleep(0.05)
