"""Show the card when the rep copies a phone number anywhere (optional; off by default).

:func:`phone_in_text` decides whether a copied text *is* one phone number and nothing else;
:class:`ClipboardWatch` tells when such a text lands on the clipboard.

How a change is noticed: ``QClipboard.dataChanged`` on Windows and Linux. On macOS Qt only
notices another application's copy when it asks the pasteboard, so there the watch polls
``NSPasteboard.generalPasteboard.changeCount`` (through the Objective-C runtime with ctypes,
no pyobjc), falling back to comparing the text when that cannot be read.

Our own copies are not news: :meth:`ClipboardWatch.note_own_copy` for what the app copies on
purpose, and ``QClipboard.ownsClipboard()`` for the rest (Ctrl+C in one of our fields). Qt
answers that from the platform (OleIsCurrentClipboard, the X11 selection owner, the Wayland data
source, the macOS pasteboard's change count); the check is injectable (``owns=``) for tests and
for a platform where it lies. The offscreen platform, where tests run, always answers False.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from companion import numbers

#: Longer than this is a paragraph, not a copied number.
MAX_COPIED = 40
MIN_DIGITS = 6

_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_PREFIX = re.compile(r"^(?:tel|sip|callto):(?://)?", re.IGNORECASE)
_SHAPE = re.compile(r"^\+?[0-9 ()\-./]+$")
_DATE = re.compile(r"^(\d{1,4})([-./])(\d{1,2})\2(\d{2,4})$")
_ISO_BASIC_DATE = re.compile(r"^(19|20)\d{6}$")
_AMOUNT = re.compile(r"^\d+(?:[ .]\d{3})*\.\d{2}$|^\d{1,2}(?:[ .]\d{3}){2,}$")

ChangeCount = Callable[[], int | None]


def phone_in_text(text: str, region: str) -> str | None:
    """The number to look up if ``text`` is one phone number and nothing else, else None.

    Trimmed, at most :data:`MAX_COPIED` characters, only digits, spaces and ``( ) + - . /``
    (``+`` first) after an optional ``tel:``/``sip:``/``callto:``, at least :data:`MIN_DIGITS`
    digits, not shaped like a date or an amount, and a valid number for ``region``. Returned
    without the URI prefix, spaces collapsed.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > 2 * MAX_COPIED or any(ch in _LINE_BREAKS for ch in stripped):
        return None
    # NFKC (full-width digits, no-break and thin spaces), bidi marks dropped, Unicode dashes as '-'
    cleaned = numbers.clean_text(stripped).translate(_DASHES)
    cleaned = " ".join(_PREFIX.sub("", cleaned, count=1).split())
    if len(cleaned) > MAX_COPIED or not _SHAPE.match(cleaned) or "+" in cleaned[1:]:
        return None
    if sum(ch.isdigit() for ch in cleaned) < MIN_DIGITS:
        return None
    if _looks_like_date(cleaned) or _AMOUNT.match(cleaned):
        return None
    parsed = numbers.parse(cleaned, region)
    if parsed.shape is not numbers.Shape.PHONE or not parsed.valid:
        return None
    return cleaned


def _looks_like_date(text: str) -> bool:
    """``2026-11-30``, ``30.11.2026``, ``11/30/26``, ``20261130``: some regions' numbering plans
    (Germany's, Austria's) would take them for phone numbers."""
    compact = text.replace(" ", "")
    if _ISO_BASIC_DATE.match(compact):
        return _is_date(int(compact[:4]), int(compact[4:6]), int(compact[6:]))
    m = _DATE.match(compact)
    if not m:
        return False
    first, middle, last = m.group(1), int(m.group(3)), m.group(4)
    if len(first) == 4:
        return _is_date(int(first), middle, int(last))
    if len(first) > 2:
        return False
    year = int(last) + (2000 if len(last) == 2 else 0)
    return _is_date(year, middle, int(first)) or _is_date(year, int(first), middle)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2199


def mac_change_count() -> ChangeCount | None:
    """A reader of ``[[NSPasteboard generalPasteboard] changeCount]``; None off macOS or when the
    Objective-C runtime cannot be loaded."""
    if sys.platform != "darwin":
        return None
    import ctypes
    import ctypes.util

    try:
        objc = ctypes.CDLL(ctypes.util.find_library("objc") or "/usr/lib/libobjc.A.dylib")
        ctypes.CDLL("/System/Library/Frameworks/AppKit.framework/AppKit")  # defines NSPasteboard
    except OSError:
        return None
    objc.objc_getClass.restype = ctypes.c_void_p
    objc.objc_getClass.argtypes = [ctypes.c_char_p]
    objc.sel_registerName.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = [ctypes.c_char_p]
    # objc_msgSend must be called through a prototype of the method's own signature (arm64)
    send_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(("objc_msgSend", objc))
    send_long = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)(("objc_msgSend", objc))
    pasteboard_class = objc.objc_getClass(b"NSPasteboard")
    general = objc.sel_registerName(b"generalPasteboard")
    change_count = objc.sel_registerName(b"changeCount")
    if not pasteboard_class:
        return None

    def read() -> int | None:
        board = send_object(pasteboard_class, general)
        return int(send_long(board, change_count)) if board else None

    return read


class ClipboardWatch(QObject):
    """Emits :attr:`numberCopied` with the number when another application copies one.

    Not on :meth:`start` for what was already there, not twice for the same content, not for
    the app's own copies, not while stopped.
    """

    numberCopied = Signal(str)  # noqa: N815 - Qt's signal naming

    def __init__(
        self,
        region: str,
        clipboard: QClipboard | None = None,
        *,
        poll_ms: int = 700,
        poll: bool | None = None,
        change_count: ChangeCount | None = None,
        owns: Callable[[], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._region = region
        self._clipboard = clipboard if clipboard is not None else QGuiApplication.clipboard()
        self._poll = sys.platform == "darwin" if poll is None else poll
        self._change_count = change_count
        self._owns = owns if owns is not None else self._clipboard.ownsClipboard
        self._running = False
        self._last_text: str | None = None
        self._last_count: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._tick)
        # dataChanged can come in bursts, and before note_own_copy() is called for the same copy:
        # look once the event loop is back
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._look)

    def start(self) -> None:
        if self._running:
            return
        self._last_text = self._clipboard.text()
        if self._poll:
            if self._change_count is None:
                self._change_count = mac_change_count()
            self._last_count = self._change_count() if self._change_count is not None else None
            self._timer.start()
        else:
            self._clipboard.dataChanged.connect(self._soon.start)
        self._running = True

    def stop(self) -> None:
        if not self._running:
            return
        if self._poll:
            self._timer.stop()
        else:
            self._clipboard.dataChanged.disconnect(self._soon.start)
        self._soon.stop()
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def set_region(self, region: str) -> None:
        self._region = region

    def note_own_copy(self, text: str) -> None:
        """The app itself put ``text`` on the clipboard (call it just before or after doing so)."""
        self._last_text = text

    def _tick(self) -> None:
        if self._change_count is not None:
            count = self._change_count()
            if count is not None:
                if count == self._last_count:
                    return
                self._last_count = count
        self._look()

    def _look(self) -> None:
        if not self._running:
            return
        text = self._clipboard.text()
        if text == self._last_text:
            return
        self._last_text = text
        if self._owns():
            return
        number = phone_in_text(text, self._region)
        if number is not None:
            self.numberCopied.emit(number)
