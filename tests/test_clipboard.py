"""companion.integrations.clipboard: a phone number copied anywhere brings up its card.

The watch runs on the real (offscreen) QClipboard where it can; the polling mode and bursts of
repeated announcements use a small fake clipboard. No sleeps: each step waits until the watch
has looked at the clipboard (its injectable own-copy check, or the fake's read count).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from companion.integrations.clipboard import ClipboardWatch, mac_change_count, phone_in_text

MOSCOW = "8 (499) 322-46-85"
SENTINEL = "+1 415-555-0100"

# --- what counts as a copied phone number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        (MOSCOW, "RU", MOSCOW),
        ("+1 415-555-0100", "RU", "+1 415-555-0100"),
        ("tel:+74993224685", "RU", "+74993224685"),
        ("TEL:+7-499-322-46-85", "RU", "+7-499-322-46-85"),
        ("sip:+74993224685", "RU", "+74993224685"),
        ("callto://+14155550100", "US", "+14155550100"),
        ("  8 (499) 322-46-85\r\n", "RU", MOSCOW),  # a spreadsheet cell
        ("\u200e+7 499 322\u00a046\u00a085\u200f", "RU", "+7 499 322 46 85"),  # from a web page
        ("８ (４９９) ３２２-４６-８５", "RU", MOSCOW),  # full-width
        ("+7 499 322\u201346\u201385", "RU", "+7 499 322-46-85"),  # en dashes
        ("8  (499)   322-46-85", "RU", MOSCOW),
        ("415.555.0100", "US", "415.555.0100"),
        ("612 345 678", "ES", "612 345 678"),
        ("01.23.45.67.89", "FR", "01.23.45.67.89"),
        ("+49 30 1234567", "DE", "+49 30 1234567"),
    ],
)
def test_a_copied_phone_number_is_recognised(text: str, region: str, expected: str) -> None:
    assert phone_in_text(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("", "RU"),
        ("   ", "RU"),
        ("Call me at 8 (499) 322-46-85", "RU"),
        ("8 (499) 322-46-85, ask for Anna", "RU"),
        ("8 (499) 322-46-85 ext. 104", "RU"),
        ("8 (499) 322-46-85\n8 (499) 322-46-86", "RU"),  # two numbers
        ("+7 499 322 46 85 +7 499 322 46 86", "RU"),
        ("8 (499)\n322-46-85", "RU"),  # one number over two lines: not a clean copy
        ("2026-11-30", "DE"),  # a date that Germany's numbering plan would accept
        ("30.11.2026", "DE"),
        ("20261130", "DE"),
        ("11/30/2026", "US"),
        ("12.30.45", "DE"),
        ("12:30", "RU"),
        ("09:00-18:00", "RU"),
        ("1 250 000,00", "RU"),
        ("1 250 000.00", "AT"),  # an amount that Austria's numbering plan would accept
        ("1 250 000", "AT"),
        ("1.250.000", "AT"),
        ("DE89 3704 0044 0532 0130 00", "DE"),  # an IBAN
        ("Order 12345678", "RU"),
        ("№ 12345678", "RU"),
        ("12345678", "RU"),  # an order number that is no Russian phone number
        ("322-46", "RU"),  # too few digits
        ("104", "RU"),  # an extension
        ("sip:104@pbx.local", "RU"),
        ("https://example.com/8-499-322-46-85", "RU"),
        ("1" * 41, "RU"),
        ("+7 (499) 322-46-85 " + " " * 30 + "x", "RU"),
        ("7+499 322 46 85", "RU"),
        ("4993224685", "ZZ"),  # no region: a national number cannot be read
    ],
)
def test_anything_else_is_not_a_copied_phone_number(text: str, region: str) -> None:
    assert phone_in_text(text, region) is None


def test_the_region_decides_whether_a_national_number_is_valid() -> None:
    assert phone_in_text("020 7946 0000", "GB") == "020 7946 0000"
    assert phone_in_text("020 7946 0000", "RU") is None


# --- the watch on the real clipboard --------------------------------------------------------


class Looks:
    """The watch's own-copy check, spied on: it is asked once for each new clipboard content."""

    def __init__(self, board: QClipboard | FakeClipboard, ours: bool = False) -> None:
        self.board = board
        self.ours = ours
        self.seen: list[str] = []

    def __call__(self) -> bool:
        self.seen.append(self.board.text())
        return self.ours


class Copied:
    """Every number the watch reported, in order."""

    def __init__(self, w: ClipboardWatch) -> None:
        self.numbers: list[str] = []
        w.numberCopied.connect(self.numbers.append)


@pytest.fixture
def clipboard(qapp: QGuiApplication) -> Iterator[QClipboard]:
    board = QGuiApplication.clipboard()
    board.setText("something copied before the app started")
    yield board
    board.clear()


@pytest.fixture
def looks(clipboard: QClipboard) -> Looks:
    return Looks(clipboard)


@pytest.fixture
def watch(clipboard: QClipboard, looks: Looks) -> Iterator[ClipboardWatch]:
    w = ClipboardWatch("RU", clipboard, poll=False, owns=looks)
    yield w
    w.stop()


def copy_and_wait(qtbot: QtBot, looks: Looks, text: str) -> None:
    """Copy ``text`` (new content) elsewhere and wait until the watch has looked at it."""
    looks.board.setText(text)
    qtbot.waitUntil(lambda: looks.seen[-1:] == [text], timeout=2000)


def test_the_offscreen_clipboard_really_holds_text(clipboard: QClipboard) -> None:
    clipboard.setText(MOSCOW)
    assert clipboard.text() == MOSCOW
    assert clipboard.ownsClipboard() is False  # so the default own-copy check does not hide test copies


def test_the_watch_uses_the_clipboards_own_answer_by_default(qtbot: QtBot, clipboard: QClipboard) -> None:
    w = ClipboardWatch("RU", clipboard, poll=False)
    w.start()
    with qtbot.waitSignal(w.numberCopied, timeout=2000) as signal:
        clipboard.setText(MOSCOW)
    assert signal.args == [MOSCOW]
    w.stop()


def test_a_number_copied_elsewhere_is_reported(
    qtbot: QtBot, watch: ClipboardWatch, clipboard: QClipboard
) -> None:
    watch.start()
    with qtbot.waitSignal(watch.numberCopied, timeout=2000) as signal:
        clipboard.setText(MOSCOW)
    assert signal.args == [MOSCOW]


def test_each_new_number_is_reported_once(qtbot: QtBot, watch: ClipboardWatch, looks: Looks) -> None:
    copied = Copied(watch)
    watch.start()
    copy_and_wait(qtbot, looks, MOSCOW)
    copy_and_wait(qtbot, looks, "tel:+74993224685")
    copy_and_wait(qtbot, looks, MOSCOW)  # the first number again, after another one
    assert copied.numbers == [MOSCOW, "+74993224685", MOSCOW]


def test_what_was_on_the_clipboard_before_start_is_not_reported(
    qtbot: QtBot, clipboard: QClipboard, looks: Looks
) -> None:
    clipboard.setText(MOSCOW)
    w = ClipboardWatch("RU", clipboard, poll=False, owns=looks)
    copied = Copied(w)
    w.start()
    clipboard.dataChanged.emit()  # the platform repeats itself: still the same content
    copy_and_wait(qtbot, looks, SENTINEL)
    assert looks.seen == [SENTINEL]
    assert copied.numbers == [SENTINEL]
    w.stop()


def test_text_that_is_not_a_number_is_not_reported(qtbot: QtBot, watch: ClipboardWatch, looks: Looks) -> None:
    copied = Copied(watch)
    watch.start()
    for text in ("Call me at 8 (499) 322-46-85", "2026-11-30", "1 250 000,00", "12345678", ""):
        copy_and_wait(qtbot, looks, text)
    assert copied.numbers == []
    copy_and_wait(qtbot, looks, MOSCOW)
    assert copied.numbers == [MOSCOW]


def test_a_copy_the_clipboard_says_is_ours_is_not_reported(
    qtbot: QtBot, watch: ClipboardWatch, looks: Looks
) -> None:
    copied = Copied(watch)
    watch.start()
    looks.ours = True  # Ctrl+C in one of our own fields
    copy_and_wait(qtbot, looks, MOSCOW)
    assert copied.numbers == []
    looks.ours = False
    copy_and_wait(qtbot, looks, SENTINEL)
    assert copied.numbers == [SENTINEL]


def test_nothing_is_reported_while_stopped(
    qtbot: QtBot, watch: ClipboardWatch, clipboard: QClipboard, looks: Looks
) -> None:
    copied = Copied(watch)
    assert not watch.is_running()
    watch.start()
    watch.start()  # twice is once
    assert watch.is_running()
    watch.stop()
    assert not watch.is_running()
    with qtbot.assertNotEmitted(watch.numberCopied, wait=100):
        clipboard.setText(MOSCOW)
    assert looks.seen == []
    watch.start()  # the number copied while stopped is old news now
    copy_and_wait(qtbot, looks, SENTINEL)
    assert looks.seen == [SENTINEL]
    assert copied.numbers == [SENTINEL]


def test_a_copy_just_before_stop_is_dropped(
    qtbot: QtBot, watch: ClipboardWatch, clipboard: QClipboard, looks: Looks
) -> None:
    watch.start()
    with qtbot.assertNotEmitted(watch.numberCopied, wait=100):
        clipboard.setText(MOSCOW)  # looked at once the event loop is back: by then we are stopped
        watch.stop()
    assert looks.seen == []


def test_the_region_can_change_while_watching(qtbot: QtBot, watch: ClipboardWatch, looks: Looks) -> None:
    copied = Copied(watch)
    watch.start()
    copy_and_wait(qtbot, looks, "020 7946 0000")  # not a Russian number
    watch.set_region("GB")
    copy_and_wait(qtbot, looks, "020 7946 0001")
    assert copied.numbers == ["020 7946 0001"]


# --- repeats, own copies and polling, on a fake clipboard -----------------------------------


class FakeClipboard(QObject):
    """QClipboard's text side, counting how often the watch reads it."""

    dataChanged = Signal()  # noqa: N815 - QClipboard's name

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text
        self.reads = 0

    def text(self) -> str:
        self.reads += 1
        return self._text

    def setText(self, text: str, *, announce: bool = True) -> None:  # noqa: N802 - QClipboard's name
        self._text = text
        if announce:
            self.dataChanged.emit()  # inside setText, as Qt does

    def ownsClipboard(self) -> bool:  # noqa: N802 - QClipboard's name
        return False


def wait_for_a_read(qtbot: QtBot, board: FakeClipboard, action: Callable[[], object]) -> None:
    before = board.reads
    action()
    qtbot.waitUntil(lambda: board.reads > before, timeout=2000)


def test_the_same_content_announced_again_is_not_reported_again(qtbot: QtBot) -> None:
    board = FakeClipboard()
    w = ClipboardWatch("RU", board, poll=False)  # type: ignore[arg-type]
    copied = Copied(w)
    w.start()
    wait_for_a_read(qtbot, board, lambda: board.setText(MOSCOW))
    wait_for_a_read(qtbot, board, board.dataChanged.emit)  # Windows and X11 may say it again
    wait_for_a_read(qtbot, board, lambda: board.setText(MOSCOW))  # copied again, unchanged
    assert copied.numbers == [MOSCOW]
    w.stop()


@pytest.mark.parametrize("note_first", [True, False])
def test_the_apps_own_copy_is_not_reported(qtbot: QtBot, note_first: bool) -> None:
    board = FakeClipboard()
    w = ClipboardWatch("RU", board, poll=False)  # type: ignore[arg-type]
    copied = Copied(w)
    w.start()

    def own_copy() -> None:
        if note_first:
            w.note_own_copy(MOSCOW)
            board.setText(MOSCOW)
        else:  # dataChanged is emitted inside setText: noting it right after must still count
            board.setText(MOSCOW)
            w.note_own_copy(MOSCOW)

    wait_for_a_read(qtbot, board, own_copy)
    wait_for_a_read(qtbot, board, lambda: board.setText(SENTINEL))
    assert copied.numbers == [SENTINEL]
    w.stop()


class Pasteboard(FakeClipboard):
    """Like macOS: no dataChanged for other apps' copies, a change count instead."""

    def __init__(self) -> None:
        super().__init__("before")
        self.count = 41
        self.count_reads = 0

    def copy(self, text: str) -> None:
        self.setText(text, announce=False)
        self.count += 1

    def change_count(self) -> int:
        self.count_reads += 1
        return self.count


def polling(board: Pasteboard, **options: object) -> ClipboardWatch:
    options.setdefault("change_count", board.change_count)
    return ClipboardWatch("RU", board, poll=True, poll_ms=5, **options)  # type: ignore[arg-type]


def test_polling_reports_a_copy_when_the_change_count_moves(qtbot: QtBot) -> None:
    board = Pasteboard()
    w = polling(board)
    copied = Copied(w)
    w.start()
    wait_for_a_read(qtbot, board, lambda: board.copy(MOSCOW))
    wait_for_a_read(qtbot, board, lambda: board.copy(MOSCOW))  # copied again: the count moves, not the text
    wait_for_a_read(qtbot, board, lambda: board.copy("not a number"))
    wait_for_a_read(qtbot, board, lambda: board.copy(SENTINEL))
    assert copied.numbers == [MOSCOW, SENTINEL]
    w.stop()
    assert not w.is_running()


def test_polling_reads_only_the_count_until_it_moves(qtbot: QtBot) -> None:
    board = Pasteboard()
    w = polling(board)
    w.start()
    board.setText(MOSCOW, announce=False)  # the text swapped without a change count: not a copy
    reads, asked = board.reads, board.count_reads
    with qtbot.assertNotEmitted(w.numberCopied):
        qtbot.waitUntil(lambda: board.count_reads >= asked + 5, timeout=2000)
    assert board.reads == reads
    w.stop()


def test_polling_falls_back_to_comparing_the_text(qtbot: QtBot) -> None:
    board = Pasteboard()
    board.copy(MOSCOW)
    w = polling(board, change_count=lambda: None)
    copied = Copied(w)
    w.start()  # MOSCOW was there before: not reported
    wait_for_a_read(qtbot, board, lambda: None)  # a few polls of the unchanged text
    wait_for_a_read(qtbot, board, lambda: None)
    wait_for_a_read(qtbot, board, lambda: board.copy(SENTINEL))
    qtbot.waitUntil(lambda: bool(copied.numbers), timeout=2000)
    assert copied.numbers == [SENTINEL]
    w.stop()


def test_polling_ignores_the_apps_own_copy(qtbot: QtBot) -> None:
    board = Pasteboard()
    w = polling(board)
    copied = Copied(w)
    w.start()

    def own_copy() -> None:
        board.copy(MOSCOW)
        w.note_own_copy(MOSCOW)

    wait_for_a_read(qtbot, board, own_copy)
    wait_for_a_read(qtbot, board, lambda: board.copy(SENTINEL))
    assert copied.numbers == [SENTINEL]
    w.stop()


def test_polling_stops(qtbot: QtBot) -> None:
    board = Pasteboard()
    w = polling(board)
    w.start()
    qtbot.waitUntil(lambda: board.count_reads >= 3, timeout=2000)
    w.stop()
    asked = board.count_reads
    board.copy(MOSCOW)
    with qtbot.assertNotEmitted(w.numberCopied, wait=50):
        pass
    assert board.count_reads == asked  # the timer is off, not merely ignored
    assert board.reads == 1  # the one at start


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS has a pasteboard change count")
def test_there_is_no_change_count_off_macos() -> None:
    assert mac_change_count() is None


@pytest.mark.skipif(sys.platform != "darwin", reason="macOS only")
def test_the_macos_change_count_can_be_read(qapp: QGuiApplication) -> None:  # pragma: no cover - macOS only
    read = mac_change_count()
    assert read is not None
    first = read()
    assert isinstance(first, int)
    QGuiApplication.clipboard().setText("Call Companion test")
    assert read() != first
