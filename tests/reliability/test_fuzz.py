"""Hostile input (issue 9): whatever arrives, no exception escapes and a refusal is one clear line.

Property tests over what reaches the app from outside: the text of a number (a softphone's caller
id, a cell of a file, a phone link), a file to import, a line on the hand-over channel and a
request to the loopback HTTP endpoint. The servers run in this process on Qt's event loop
(``qtbot.waitUntil``), the senders in a thread or a non-blocking socket.

The default run is sized for CI; ``COMPANION_LONG_TESTS=1`` tries many more examples.
Every crash these found is kept below as an explicit ``@example``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import random
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from companion import instance, ipc
from companion.importers import FORMATS, ImportFileError, ImportReport, import_file, open_source
from companion.instance import InstanceServer, Start
from companion.integrations.http_hook import MAX_BODY, MAX_CONNECTIONS, MAX_HEAD, HttpHook
from companion.launch import URL_SCHEMES, hook_event
from companion.numbers import MAX_INPUT, Number, Shape, identify, parse
from tests.channel import send

LONG = os.environ.get("COMPANION_LONG_TESTS") == "1"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def fuzz(examples: int) -> Callable[..., object]:
    """Hypothesis settings: no deadline (a loaded CI machine is not a bug), fixtures shared by
    the examples of one test (each example checks against a snapshot of its own), 25 times as
    many examples with COMPANION_LONG_TESTS=1."""
    return settings(
        max_examples=examples * 25 if LONG else examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def assert_one_clear_line(message: str) -> None:
    assert message.strip(), "an empty refusal"
    assert "\n" not in message and "\r" not in message, message
    assert "Traceback" not in message, message


# --- numbers: any text, any region ---------------------------------------------------------

NASTY = [
    *"0123456789",
    *"+-() .;=:@<>\"'/%*#?&,xX",
    "\x00",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x7f",
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\ufeff",
    "\u00a0",
    "\u3000",
    *"０１２３４５６７８９＋",  # full-width
    *"٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
    "\udcff",  # a byte of the command line that was not UTF-8
    "tel:",
    "TEL:",
    "sip:",
    "sips:",
    "callto:",
    "callto://",
    "phone:",
    "dial:",
    ";ext=",
    ";phone-context=",
    ";phone-context=+",
    "%",
    "%00",
    "%0A",
    "%2B",
    "%25",
    "%3B",
    "%3A",
    "%ff",
    "%E2%80%8F",
    "ext. ",
    "anonymous",
    "*67",
    "#31#",
]
nasty_text = st.lists(st.sampled_from(NASTY), max_size=80).map("".join)
schemes = st.lists(
    st.sampled_from(["tel:", "sip:", "sips:", "callto:", "callto://", "TEL:", "Sip:"]), min_size=1
)
digits = st.text("0123456789", min_size=1, max_size=20)


@st.composite
def nested_uris(draw: st.DrawFn) -> str:
    """``tel:sip:callto:…`` around a number, percent-encoded none, once or twice."""
    user = draw(st.one_of(digits, digits.map("+".__add__), nasty_text))
    params = draw(
        st.lists(st.sampled_from([";ext=12", ";phone-context=+7495", ";user=phone", "@pbx", "?x=1"]))
    )
    text = "".join(draw(schemes)) + user + "".join(params)
    for _ in range(draw(st.integers(0, 2))):
        text = quote(text, safe=draw(st.sampled_from(["", ":", ":/@"])), errors="surrogatepass")
    return text


any_text = st.one_of(
    st.text(),
    nasty_text,
    nested_uris(),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=300),  # control characters
    st.text(min_size=MAX_INPUT - 3, max_size=MAX_INPUT + 3),
    st.text(min_size=2000, max_size=10000),
)
regions = st.one_of(
    st.none(),
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.sampled_from(["", "ZZ", "001", "xx", "ru", "RUS", "\x00", "\u200f", "Р"]),
    st.text(max_size=6),
)


def check_number(n: Number, text: str) -> None:
    assert isinstance(n, Number)
    assert len(n.input) <= MAX_INPUT
    assert n.too_long == (len(text) > MAX_INPUT)
    assert all(isinstance(v, str) for v in (n.international, n.national, n.human))
    if n.shape in (Shape.WITHHELD, Shape.INVALID):
        assert n.key is None
    else:
        assert n.key
    if n.valid:
        assert n.shape is Shape.PHONE and n.e164 is not None and n.key == n.e164
    else:
        assert n.e164 is None


@fuzz(300)
@given(text=any_text, region=regions)
@example(text="1" * 1_000_000, region="RU")
@example(text="tel:" * 100_000, region=None)
@example(text="tel:sip:callto:callto://sips:+7%20499%20322-46-85;ext=1", region="RU")
@example(text="%25252B7499" * 20, region="RU")
@example(text="\u202e58-64-223 )994( 7+\u202c", region="RU")
@example(text="＋７ ４９９ ３２２ ４６ ８５", region="")
@example(text="tel:%00%00123\x00", region="\x00")
@example(text="\udcff104", region="RU")
@example(text="tel%3A%EF%BC%90%EF%BC%91", region="AC")  # found: a PHONE without a key
def test_parse_and_identify_take_any_text_in_any_region(text: str, region: str | None) -> None:
    n = parse(text, region)
    check_number(n, text)
    assert identify(text, region) == (n.shape, n.key, n.valid)


# --- phone links and hook command lines ----------------------------------------------------

links = st.one_of(
    st.tuples(st.sampled_from(URL_SCHEMES), any_text).map("".join),
    st.tuples(st.sampled_from([s.upper() for s in URL_SCHEMES]), nested_uris()).map("".join),
)
argv_words = st.one_of(
    st.sampled_from(
        [
            "incoming",
            "outgoing",
            "answered",
            "ended",
            "lookup",
            "--",
            "--name",
            "--db",
            "--db=",
            "--region",
            "--rep",
            "--lang",
            "--from-linphone",
            "--json",
            "-x",
            "ru",
            "104",
            "~x\x00",
            "\udcff",
        ]
    ),
    links,
    any_text,
)


def check_handed_over(event: ipc.Event) -> None:
    """What a hook sends, the window either reads back unchanged or refuses in one line."""
    try:
        line = event.to_line()
    except ipc.MessageError as exc:
        assert_one_clear_line(str(exc))
        return
    assert line.endswith(b"\n") and line.count(b"\n") == 1 and len(line) <= ipc.MAX_MESSAGE
    try:
        back = ipc.Event.from_line(line)
    except ipc.MessageError as exc:
        assert_one_clear_line(str(exc))
        return
    assert (back.event, back.number, back.name, back.db, back.link) == (
        event.event,
        event.number,
        event.name,
        event.db,
        event.link,
    )


@fuzz(150)
@given(link=links)
@example(link="tel:\udcff")
@example(link="tel:" + "\x00" * 5000)
@example(link="callto:tel:sip:callto:%2B7499%3B3224685")
def test_a_phone_link_becomes_an_outgoing_number_or_a_clear_refusal(link: str) -> None:
    event = hook_event([link])
    assert event is not None and (event.event, event.link) == ("outgoing", True)
    assert len(event.number) <= ipc.MAX_NUMBER
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in event.number)
    check_handed_over(event)
    check_number(parse(event.number, "RU"), event.number)


@fuzz(120)
@given(argv=st.lists(argv_words, max_size=7))
@example(argv=["--db", "~x\x00y", "incoming", "104"])
@example(argv=["incoming", "\udcff"])
@example(argv=["--db", "/tmp/\udcff.sqlite3", "incoming", "104"])
@example(argv=["incoming", "104", "--name", "Ren\udce9"])
def test_any_command_line_is_handed_over_or_left_to_the_full_cli(argv: list[str]) -> None:
    event = hook_event(argv)
    assert event is None or isinstance(event, ipc.Event)
    if event is not None:
        check_handed_over(event)


@fuzz(25)
@given(link=links, command=st.sampled_from(["link", "lookup"]))
@example(link="tel:\x00\u202e+7 499 322-46-85", command="link")
@example(link="tel:+7 499 322-46-85\udcff", command="lookup")  # a command-line byte not UTF-8
@example(link="tel:\udcff104", command="link")
def test_the_cli_answers_a_phone_link_with_a_card_or_one_line(
    link: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion import cli

    database = str(tmp_path / "cli.sqlite3")
    # --json: a card printed here, no window started, nothing handed over
    argv = (
        ["--db", database, link, "--json"]
        if command == "link"
        else ["--db", database, "lookup", "--json", link]
    )
    try:
        status = cli.main(argv)
    except SystemExit as exc:  # argparse's refusal: its usage and one line
        status = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if status == 0:
        card = json.loads(out)
        assert isinstance(card, dict)
    else:
        assert err.strip() and "Traceback" not in err


# --- importers: random bytes, damaged real files, tables of random cells -------------------


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["ФИО", "Телефон", "Компания", "Email"])
    sheet.append(["Иван Петров", 79161234567, "ООО «Ромашка»", "petrov@romashka.example"])
    sheet.append(["John Smith", "+1 212 555 0147", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REAL_FILES: dict[str, bytes] = {p.name: p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.is_file()}
REAL_FILES["clients.xlsx"] = workbook_bytes()


def broken_deflate(data: bytes, member: bytes) -> bytes:
    """``data`` with the first deflate block of ``member`` marked as the reserved block type."""
    damaged = bytearray(data)
    damaged[data.index(member) + len(member)] = 0x07  # BFINAL=1, BTYPE=11: invalid in every inflater
    return bytes(damaged)


SUFFIXES = [".csv", ".vcf", ".xlsx", ".txt", ".tsv", ".xls", ""]
formats = st.one_of(st.none(), st.sampled_from(FORMATS))


def snapshot(database: object) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: what a refused import must leave exactly as it was."""
    tables = database.get_tables()  # type: ignore[attr-defined]
    return {t: sorted(map(repr, database.execute_sql(f'SELECT * FROM "{t}"').fetchall())) for t in tables}  # type: ignore[attr-defined]


def check_import(desk: object, database: object, path: Path, fmt: str | None) -> None:
    """The window's preview and the import itself: a report, or one sentence and no change."""
    try:
        source = open_source(path, fmt)
    except ImportFileError as exc:
        assert_one_clear_line(str(exc))
    else:
        assert source.label and source.total >= 0
        source.preview()
        source.missing()
    before = snapshot(database)
    try:
        report = import_file(desk, path, fmt=fmt)
    except ImportFileError as exc:
        assert_one_clear_line(str(exc))
        assert snapshot(database) == before
    else:
        assert isinstance(report, ImportReport)
        report.summary()
        for problem in report.problems:
            assert_one_clear_line(problem)


@fuzz(150)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.tuples(
            st.sampled_from(
                [
                    b"BEGIN:VCARD\r\n",
                    b"PK\x03\x04",
                    b"\xef\xbb\xbf",
                    b"\xff\xfe",
                    b"\xfe\xff",
                    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                    b"Name,Phone\n",
                    b"begin:vcard\nversion:2.1\n",
                ]
            ),
            st.binary(max_size=3000),
        ).map(b"".join),
    ),
    suffix=st.sampled_from(SUFFIXES),
    fmt=formats,
)
# found: a CHARSET name with a byte that is not UTF-8 made its decode raise UnicodeEncodeError
@example(
    data=b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=\xd5;ENCODING=QUOTED-PRINTABLE:=C8=E2\r\n"
    b"TEL:+74993224685\r\nEND:VCARD\r\n",
    suffix=".vcf",
    fmt=None,
)
def test_random_bytes_are_imported_or_refused_in_one_sentence(
    desk: object, database: object, tmp_path: Path, data: bytes, suffix: str, fmt: str | None
) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    check_import(desk, database, path, fmt)


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(REAL_FILES)))
    data = bytearray(REAL_FILES[name])
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["truncate", "flip", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "truncate":
            del data[at:]
        elif how == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return name, bytes(data)


@fuzz(150)
@given(damaged=damaged_files(), fmt=st.one_of(st.none(), st.none(), st.sampled_from(FORMATS)))
# found: zlib.error escaped from the workbook's reader, in load_workbook and in the rows
@example(damaged=("clients.xlsx", broken_deflate(REAL_FILES["clients.xlsx"], b"xl/workbook.xml")), fmt=None)
@example(
    damaged=("clients.xlsx", broken_deflate(REAL_FILES["clients.xlsx"], b"xl/worksheets/sheet1.xml")),
    fmt=None,
)
def test_real_files_truncated_or_with_flipped_bytes_are_imported_or_refused(
    desk: object, database: object, tmp_path: Path, damaged: tuple[str, bytes], fmt: str | None
) -> None:
    name, data = damaged
    path = tmp_path / name
    path.write_bytes(data)
    check_import(desk, database, path, fmt)


HEADERS = [
    "Name",
    "ФИО",
    "Phone",
    "Телефон",
    "Mobile Phone",
    "Company",
    "E-mail",
    "Notes",
    "Date",
    "Time",
    "Duration",
    "Direction",
    "Outcome",
    "Rep",
    "Number",
    "Status",
    "Familiarity",
    "Source",
    "",
]
cells = st.one_of(
    st.text(max_size=30),
    nasty_text,
    st.sampled_from(
        [
            "+7 499 322-46-85",
            "8 (916) 123-45-67",
            "=1+2",
            "@SUM(A1)",
            '"',
            '""',
            "\r\n",
            "2026-11-25 10:00",
            "outgoing",
            "answered",
            "12:30",
            "-",
            "x" * 5000,
        ]
    ),
)


@fuzz(100)
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)), min_size=1, max_size=8),
    rows=st.lists(st.lists(cells, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1252"]),
    fmt=formats,
)
# found: a header cell with a line break made the "no phone column" refusal two lines long
@example(
    headers=["Name\nFirst", "0\r\n1"],
    rows=[["Ivan", "x"]],
    delimiter=",",
    quoting=csv.QUOTE_MINIMAL,
    encoding="utf-8",
    fmt=None,
)
@example(
    headers=["Date\n"], rows=[["x"]], delimiter=",", quoting=csv.QUOTE_ALL, encoding="utf-8", fmt="calls"
)
def test_tables_of_random_cells_are_imported_or_refused_in_one_sentence(
    desk: object,
    database: object,
    tmp_path: Path,
    headers: list[str],
    rows: list[list[str]],
    delimiter: str,
    quoting: int,
    encoding: str,
    fmt: str | None,
) -> None:
    buffer = io.StringIO(newline="")
    if quoting == csv.QUOTE_NONE:  # written by hand: quotes and delimiters left as they are
        for row in [headers, *rows]:
            buffer.write(delimiter.join(row) + "\r\n")
    else:
        writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting)
        writer.writerows([headers, *rows])
    path = tmp_path / "table.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    check_import(desk, database, path, fmt)


# --- the hand-over channel: a running InstanceServer ---------------------------------------


def raw_exchange(pieces: list[bytes], *, pause: float = 0.0, close_write: bool = True) -> Callable[[], bytes]:
    """Write ``pieces`` one by one (``pause`` seconds apart, in the sender's thread), then read
    the answer until the window closes the connection."""

    def call() -> bytes:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(8)
        sock.connect(ipc.server_name())
        try:
            for piece in pieces:
                sock.sendall(piece)
                if pause:
                    time.sleep(pause)
            if close_write:
                sock.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
            return answer
        except OSError as exc:  # reset by the window: what a sender that was cut off sees
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


def good_event_still_arrives(qtbot, server: InstanceServer) -> None:  # type: ignore[no-untyped-def]
    event = ipc.Event("incoming", number="+7 499 322-46-85", name="Иван")
    with qtbot.waitSignal(server.eventReceived, timeout=10_000) as got:
        assert send(qtbot, lambda: ipc.deliver(event)) == ipc.Reply(True)
    assert (got.args[0].event, got.args[0].number, got.args[0].name) == ("incoming", event.number, event.name)


def no_failures_logged(caplog: pytest.LogCaptureFixture) -> None:
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []


VALID = ipc.Event("incoming", number="104", name="Ivan", sent_ns=1).to_line()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
json_fields = st.fixed_dictionaries(
    {"v": st.sampled_from([1, 1, 2, "1", None, True])},
    optional={
        "event": st.sampled_from([*ipc.EVENTS, "format", "", None, 1]),
        "number": st.one_of(st.text(max_size=300), json_values),
        "name": st.one_of(st.text(max_size=300), json_values),
        "db": st.one_of(
            st.text(max_size=40), st.sampled_from(["/a\x00b", "/\udcff", "~nobody\x00"]), json_values
        ),
        "link": json_values,
        "sent_ns": json_values,
        "call": json_values,
    },
)
channel_junk = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=200).map(lambda b: b + b"\n"),
    st.integers(0, len(VALID) - 1).map(lambda n: VALID[:n]),  # truncated JSON
    st.integers(0, len(VALID) - 2).map(lambda n: VALID[:n] + b"\n"),
    st.tuples(st.integers(0, len(VALID) - 2), st.integers(0, 255)).map(
        lambda t: VALID[: t[0]] + bytes([t[1]]) + VALID[t[0] + 1 :]
    ),
    json_fields.map(lambda d: json.dumps(d).encode() + b"\n"),
    json_values.map(lambda v: json.dumps(v).encode() + b"\n"),
)


def expected_answer(data: bytes) -> str:
    """What the window should do with ``data`` followed by the end of the connection."""
    end = data.find(b"\n")
    if end < 0:
        return "too long" if len(data) > ipc.MAX_MESSAGE else "nothing"
    try:
        event = ipc.Event.from_line(data[:end])
    except ipc.MessageError:
        return "refused"
    return "refused" if event.db is not None else "taken"


@fuzz(60)
@given(data=channel_junk)
@example(data=b'{"v": 1, "event": "show", "db": "/a\\u0000b"}\n')
@example(data=b'{"v": 1, "event": "show", "db": "/\\udcff"}\n')
@example(data=b'{"v": 1, "event": "incoming", "number": "\\udcff", "name": "\\ud800"}\n')
@example(data=b"\xff" * (ipc.MAX_MESSAGE + 1))
@example(data=VALID[:-1])
def test_junk_on_the_channel_is_refused_and_the_window_keeps_listening(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
) -> None:
    seen: list[ipc.Event] = []
    server.eventReceived.connect(seen.append)
    try:
        answer = send(qtbot, raw_exchange([data]))
    finally:
        server.eventReceived.disconnect(seen.append)
    assert isinstance(answer, bytes)
    expected = expected_answer(data)
    if expected == "nothing":
        assert not answer.startswith(b"{") and seen == []
    elif answer.startswith(b"closed"):
        assert expected == "too long" and seen == []  # cut off while it was still writing
    else:
        assert answer.count(b"\n") == 1, answer
        reply = ipc.Reply.from_line(answer.rstrip(b"\n"))
        assert reply.ok == (expected == "taken"), (reply, expected)
        if reply.ok:
            assert len(seen) == 1
        else:
            assert seen == []
            assert_one_clear_line(reply.error)
            assert reply.error != "the window answered something unreadable"
    assert server._buffers == {}
    no_failures_logged(caplog)
    good_event_still_arrives(qtbot, server)


@pytest.mark.parametrize(
    "data",
    [
        b"1" * (ipc.MAX_MESSAGE + 1),
        b"1" * (ipc.MAX_MESSAGE * 16) + b"\n",
        json.dumps({"v": 1, "event": "incoming", "number": "104", "name": "x" * ipc.MAX_MESSAGE}).encode()
        + b"\n",
        b'{"v": 1, "event": "incoming", "number": "' + b"1" * (ipc.MAX_MESSAGE - 30) + b'"}\n',
    ],
)
def test_an_oversized_line_is_refused_and_the_window_keeps_listening(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
) -> None:
    with qtbot.assertNotEmitted(server.eventReceived):
        answer = send(qtbot, raw_exchange([data], close_write=False))
    assert isinstance(answer, bytes)
    if not answer.startswith(b"closed"):
        reply = ipc.Reply.from_line(answer.strip())
        assert not reply.ok
        assert_one_clear_line(reply.error)
    no_failures_logged(caplog)
    good_event_still_arrives(qtbot, server)


@fuzz(8)
@given(cuts=st.lists(st.integers(1, len(VALID) - 1), min_size=1, max_size=30, unique=True))
@example(cuts=list(range(1, len(VALID))))  # one byte at a time
def test_a_good_message_in_tiny_writes_arrives_whole(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    cuts: list[int],
) -> None:
    bounds = [0, *sorted(cuts), len(VALID)]
    pieces = [VALID[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    with qtbot.waitSignal(server.eventReceived, timeout=10_000) as got:
        answer = send(qtbot, raw_exchange(pieces, pause=0.001, close_write=False))
    assert ipc.Reply.from_line(answer.strip()) == ipc.Reply(True)  # type: ignore[union-attr]
    assert (got.args[0].number, got.args[0].name) == ("104", "Ivan")


def test_many_connections_that_send_nothing_do_not_take_the_window_down(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instance, "CONNECTION_TIMEOUT_MS", 2000)

    def dropped() -> int:
        return sum("too many connections" in r.getMessage() for r in caplog.records)

    idle: list[socket.socket] = []
    try:
        for _ in range(instance.MAX_CONNECTIONS + 16):
            held, turned_away = len(server._buffers), dropped()
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            idle.append(sock)
            sock.connect(server.name)  # one at a time: the window takes each before the next
            qtbot.waitUntil(
                lambda h=held, t=turned_away: len(server._buffers) > h or dropped() > t, timeout=5000
            )
            assert len(server._buffers) <= instance.MAX_CONNECTIONS
        assert len(server._buffers) == instance.MAX_CONNECTIONS and dropped() == 16
        # while every place is held, a hook is turned away in words, not left hanging
        reply = send(qtbot, lambda: ipc.deliver(ipc.Event("show"), timeout=5))
        assert reply is None or not reply.ok  # type: ignore[union-attr]
        # the silent ones are let go in time, and the window takes events again
        qtbot.waitUntil(lambda: server._buffers == {}, timeout=10_000)
        good_event_still_arrives(qtbot, server)
    finally:
        for sock in idle:
            sock.close()
    no_failures_logged(caplog)
    good_event_still_arrives(qtbot, server)


def test_a_sender_that_hangs_up_in_every_way_changes_nothing(
    qtbot,  # type: ignore[no-untyped-def]
    server: InstanceServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with qtbot.assertNotEmitted(server.eventReceived):
        for cut in range(0, len(VALID) - 1, 7):
            send(qtbot, raw_exchange([VALID[:cut]], close_write=True))
    qtbot.waitUntil(lambda: server._buffers == {}, timeout=5000)
    no_failures_logged(caplog)
    good_event_still_arrives(qtbot, server)


# --- the loopback HTTP endpoint --------------------------------------------------------------

TOKEN = "fuzz-token_0123456789abcdefXYZ"


class Client:
    """A raw HTTP client that never blocks: each step is a poll inside ``qtbot.waitUntil``."""

    def __init__(self, qtbot, port: int) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex(("127.0.0.1", port))
        self.outgoing = b""
        self.received = b""
        self.closed = False

    def send(self, data: bytes) -> Client:
        self.outgoing += data
        self.poll()
        return self

    def poll(self) -> bool:
        if self.closed:
            return True
        try:
            if self.outgoing:
                self.outgoing = self.outgoing[self.sock.send(self.outgoing) :]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.closed = True
            return True
        try:
            while chunk := self.sock.recv(65536):
                self.received += chunk
            self.closed = True
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:  # reset by the server
            self.closed = True
        return self.closed

    def response(self, timeout: int = 5000) -> bytes:
        self.qtbot.waitUntil(self.poll, timeout=timeout)
        self.sock.close()
        return self.received


def status_of(response: bytes, *, head: bool = False) -> int:
    """The status of one well-formed response (whose body is as long as it says), or 0 when the
    connection was closed without one."""
    if not response:
        return 0
    top, sep, body = response.partition(b"\r\n\r\n")
    assert sep, response
    lines = top.decode("ascii").split("\r\n")
    version, status, _phrase = lines[0].split(" ", 2)
    assert version == "HTTP/1.1"
    fields = dict(line.split(": ", 1) for line in lines[1:])
    assert fields["Connection"] == "close"
    # a HEAD is answered without a body, except one refused before its head could be read
    assert len(body) in ((0, int(fields["Content-Length"])) if head else (int(fields["Content-Length"]),))
    return int(status)


@pytest.fixture
def hook(qtbot) -> Iterator[HttpHook]:  # type: ignore[no-untyped-def]
    hook = HttpHook(TOKEN, port=0, timeout_ms=250)
    assert hook.start(), hook.error_text
    yield hook
    hook.stop()


def good_request_still_works(qtbot, hook: HttpHook) -> None:  # type: ignore[no-untyped-def]
    request = (
        f"GET /incoming?token={TOKEN}&number=%2B74993224685 HTTP/1.1\r\nHost: 127.0.0.1:{hook.port}\r\n\r\n"
    )
    with qtbot.waitSignal(hook.eventReceived, timeout=5000) as got:
        response = Client(qtbot, hook.port).send(request.encode()).response()
    assert got.args == ["incoming", "+74993224685", ""]
    assert status_of(response) == 200


@st.composite
def requests(draw: st.DrawFn, port: int) -> bytes:
    method = draw(
        st.sampled_from(
            [
                "GET",
                "GET",
                "POST",
                "HEAD",
                "PUT",
                "DELETE",
                "OPTIONS",
                "TRACE",
                "CONNECT",
                "get",
                "G\x00T",
                "A" * 20,
                "",
            ]
        )
    )
    path = draw(
        st.sampled_from(
            [
                "/incoming",
                "/outgoing",
                "/ended",
                "/answered",
                "/",
                "/favicon.ico",
                "//incoming",
                "/incoming/",
                "/../incoming",
                "incoming",
                "http://127.0.0.1/incoming",
                "*",
            ]
        )
    )
    token = draw(
        st.sampled_from([TOKEN, TOKEN, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "%" + TOKEN])
    )
    params = [f"token={quote(token)}"] if draw(st.booleans()) or token == TOKEN else []
    params += draw(
        st.lists(
            st.sampled_from(
                [
                    "number=%2B74993224685",
                    "number=+7+499+322",
                    "number=%CallerNumber%",
                    "number=" + "1" * 70,
                    "name=Ivan",
                    "name=%D0%98",
                    "name=%FF",
                    "name=%00",
                    "name=" + "x" * 300,
                    "caller=104",
                    "&",
                    "=",
                    "number=%E2%80%8F1",
                ]
            ),
            max_size=4,
        )
    )
    query = "&".join(params)
    target = path + ("?" + query if query else "")
    version = draw(st.sampled_from(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1", "FOO"]))
    host = draw(
        st.sampled_from(
            [
                f"127.0.0.1:{port}",
                f"localhost:{port}",
                f"LOCALHOST:{port}",
                "127.0.0.1",
                "evil.example",
                f"127.0.0.1:{port + 1}",
                None,
            ]
        )
    )
    headers = [f"Host: {host}"] if host is not None else []
    headers += draw(
        st.lists(
            st.sampled_from(
                [
                    "Origin: http://evil.example",
                    f"Origin: http://127.0.0.1:{port}",
                    "Content-Type: application/json",
                    "Content-Type: application/x-www-form-urlencoded",
                    "Content-Length: 5",
                    "Content-Length: -1",
                    "Content-Length: ten",
                    f"Content-Length: {MAX_BODY + 1}",
                    "Transfer-Encoding: chunked",
                    f"Host: 127.0.0.1:{port}",
                    "X-Long: " + "a" * MAX_HEAD,
                    "Bad Header",
                    "X: \x01",
                    ": empty",
                ]
            ),
            max_size=4,
        )
    )
    body = draw(
        st.one_of(
            st.just(b""),
            st.sampled_from([b"token=" + TOKEN.encode() + b"&number=104", b"12345"]),
            st.binary(max_size=64),
        )
    )
    if method == "POST" and draw(st.booleans()):
        headers.append(f"Content-Length: {len(body)}")
    line_end = draw(st.sampled_from(["\r\n", "\r\n", "\n"]))
    head = f"{method} {target} {version}{line_end}" + "".join(h + line_end for h in headers) + line_end
    return head.encode("utf-8", "surrogatepass") + body


@fuzz(60)
@given(data=st.data())
def test_any_request_gets_one_short_answer_and_the_server_keeps_serving(
    qtbot,  # type: ignore[no-untyped-def]
    hook: HttpHook,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    request = data.draw(
        st.one_of(
            requests(hook.port),
            st.binary(max_size=2000),
            st.binary(min_size=MAX_HEAD + 1, max_size=MAX_HEAD + 100),
        )
    )
    seen: list[tuple[str, str, str]] = []
    hook.eventReceived.connect(lambda *args: seen.append(args))
    response = Client(qtbot, hook.port).send(request).response()
    status = status_of(response, head=request.startswith(b"HEAD "))
    assert status != 500, "an unexpected failure inside the server"
    if status == 200 and not request.startswith(b"HEAD "):
        assert len(seen) == 1 and seen[0][0] in ("incoming", "outgoing", "answered", "ended")
    else:
        assert seen == []
    no_failures_logged(caplog)
    good_request_still_works(qtbot, hook)


def test_slowloris_connections_are_cut_off_and_the_server_keeps_serving(
    qtbot,  # type: ignore[no-untyped-def]
    hook: HttpHook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    partial = (
        f"GET /incoming?token={TOKEN}&number=1 HTTP/1.1\r\nHost: 127.0.0.1:{hook.port}\r\nX-A: ".encode()
    )
    slow = [Client(qtbot, hook.port).send(partial) for _ in range(MAX_CONNECTIONS)]
    qtbot.waitUntil(lambda: len(hook._connections) == MAX_CONNECTIONS, timeout=5000)
    # one more while they hold every place: turned away at once, not queued
    assert status_of(Client(qtbot, hook.port).send(b"GET /").response()) == 503
    statuses = [status_of(c.response()) for c in slow]
    assert statuses == [408] * MAX_CONNECTIONS
    good_request_still_works(qtbot, hook)

    # a byte now and then: the limit is for the whole request, not the time between bytes
    trickle = Client(qtbot, hook.port)
    request = partial + b"b" * 10_000 + b"\r\n\r\n"
    sent = [0]

    def one_more_byte() -> bool:
        if sent[0] < len(request):
            trickle.send(request[sent[0] : sent[0] + 1])
            sent[0] += 1
        return trickle.poll()

    qtbot.waitUntil(one_more_byte, timeout=10_000)
    assert sent[0] < len(request)
    # cut off: with its 408 (or 431 once the head is too long), or, when the close overtakes
    # the answer on a busy machine, with nothing
    assert status_of(trickle.received) in (0, 408, 431)
    trickle.sock.close()
    no_failures_logged(caplog)
    good_request_still_works(qtbot, hook)


def test_oversized_heads_and_bodies_and_bad_tokens_are_refused(
    qtbot,  # type: ignore[no-untyped-def]
    hook: HttpHook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    host = f"Host: 127.0.0.1:{hook.port}\r\n"
    rng = random.Random(9)
    cases = [
        (
            b"GET /incoming?token=" + TOKEN.encode() + b"&number=" + b"1" * MAX_HEAD + b" HTTP/1.1\r\n\r\n",
            431,
        ),
        (f"GET /incoming HTTP/1.1\r\n{host}X-Pad: {'p' * MAX_HEAD}\r\n\r\n".encode(), 431),
        ((f"GET /incoming HTTP/1.1\r\n{host}" + "X-A: b\r\n" * 2000 + "\r\n").encode(), 431),
        (f"POST /incoming HTTP/1.1\r\n{host}Content-Length: {MAX_BODY * 100}\r\n\r\n".encode(), 413),
        (f"BREW /incoming?token={TOKEN} HTTP/1.1\r\n{host}\r\n".encode(), 405),
        (f"GET /incoming?token=wrong&number=1 HTTP/1.1\r\n{host}\r\n".encode(), 403),
        (f"GET /incoming?token={TOKEN[:-1]}&number=1 HTTP/1.1\r\n{host}\r\n".encode(), 403),
        (f"GET /incoming?number=1 HTTP/1.1\r\n{host}\r\n".encode(), 403),
        (f"GET /incoming?token={TOKEN}&token=x&number=1 HTTP/1.1\r\nHost: evil\r\n\r\n".encode(), 403),
        (bytes(rng.randrange(256) for _ in range(MAX_HEAD * 2)), None),
    ]
    for request, expected in cases:
        with qtbot.assertNotEmitted(hook.eventReceived):
            status = status_of(Client(qtbot, hook.port).send(request).response())
        if expected is None:
            assert status in (0, 400, 408, 431)
        else:
            assert status == expected, request[:80]
    no_failures_logged(caplog)
    good_request_still_works(qtbot, hook)
