"""Reliability with real processes: a logging process killed outright, and a storm of hooks.

- A process logs calls as fast as it can and says which ones ``Desk.log`` has returned for; it
  is killed with SIGKILL at a random moment, again and again, on one database file. Every call
  it said was logged is in the file, nothing else is, and the file is sound and opens again.
- One window (offscreen) and many ``companion incoming NUMBER`` hooks started at once: every
  call reaches that window, none is lost, no second window starts, and a plain second start
  only raises the window.

``COMPANION_LONG_TESTS=1`` runs the long variants (200 kills, 100 hooks); the default sizes
keep this file well inside a minute. ``COMPANION_TEST_SEED=N`` repeats a run of the kill test.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import selectors
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from companion import ipc
from companion.store import close_database, open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and Unix sockets: POSIX only")

LONG = os.environ.get("COMPANION_LONG_TESTS") == "1"
KILL_RUNS = 200 if LONG else 20
# 200 at once on this 2-core machine lose calls (see the README); COMPANION_STORM_HOOKS sets any size
STORM_HOOKS = int(os.environ.get("COMPANION_STORM_HOOKS", "100" if LONG else "50"))
COMPANION = [sys.executable, "-m", "companion"]
#: how long anything may take before the test calls it stuck (a guard against hanging, not a
#: measurement: no assertion here is about time)
STUCK = 60.0

#: logs one complete call after another and prints each one's number once ``log()`` returned
LOGGER = """
import sys
from companion.config import Settings
from companion.desk import Desk
from companion.store import open_database

open_database(sys.argv[1])
desk = Desk(Settings(region="RU", rep="me", lang="en"))
i = int(sys.argv[2])
while True:
    desk.log(f"+7499322{i % 10000:04d}", "out", "talked", note=f"n{i}")
    print(i, flush=True)
    i += 1
"""


def seed() -> int:
    return int(os.environ.get("COMPANION_TEST_SEED") or random.SystemRandom().randrange(2**32))


# --- kill -9 while logging ------------------------------------------------------------------


class Run:
    """One logging process: the numbers it printed, read as they come."""

    def __init__(self, db: Path, first: int, stderr: Path) -> None:
        self.errors = stderr.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOGGER, str(db), str(first)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        assert self.process.stdout is not None
        self.out = self.process.stdout
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.out, selectors.EVENT_READ)
        self.buffer = b""
        self.printed: list[int] = []

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False at the end of its output."""
        if not self.selector.select(timeout):
            return True
        chunk = os.read(self.out.fileno(), 65536)
        if not chunk:
            return False
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        self.printed += [int(line) for line in lines]
        return True

    def read_lines(self, count: int) -> None:
        deadline = time.monotonic() + STUCK
        while len(self.printed) < count:
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"the logger stopped after {self.printed}: {self.stderr()}")

    def kill(self) -> int:
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=STUCK)
        while self._read(STUCK):  # what it printed before it died counts too
            pass
        self.selector.close()
        self.out.close()
        self.errors.close()
        return code

    def stderr(self) -> str:
        self.errors.flush()
        return Path(self.errors.name).read_text(encoding="utf-8", errors="replace")


def logged_notes(db: Path) -> tuple[str, list[int]]:
    """``PRAGMA integrity_check`` and the numbers in the notes, read with plain sqlite3."""
    if not db.exists():
        return "ok", []  # killed before the file was made
    con = sqlite3.connect(db)
    try:
        check = "; ".join(row[0] for row in con.execute("PRAGMA integrity_check"))
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        notes = [row[0] for row in con.execute("SELECT note FROM call")] if "call" in tables else []
    finally:
        con.close()
    return check, sorted(int(note[1:]) for note in notes)


def test_a_process_killed_outright_while_logging_loses_no_logged_call(tmp_path: Path) -> None:
    chosen = seed()
    rng = random.Random(chosen)
    db = tmp_path / "killed.sqlite3"
    said: set[int] = set()
    next_i = 0
    for run in range(KILL_RUNS):
        where = f"seed {chosen} (COMPANION_TEST_SEED={chosen}), run {run + 1} of {KILL_RUNS}"
        logger = Run(db, next_i, tmp_path / f"stderr-{run}.txt")
        if rng.random() < 0.2:  # anywhere from Python starting to opening and migrating the file
            time.sleep(rng.uniform(0.0, 0.8))
        else:  # in the middle of logging: after some calls, between or inside log() calls
            logger.read_lines(rng.randint(1, 30))
            time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.002), rng.uniform(0.0, 0.05)]))
        code = logger.kill()
        assert code == -signal.SIGKILL, f"{where}: the logger ended by itself ({code}): {logger.stderr()}"
        said.update(logger.printed)

        check, notes = logged_notes(db)
        assert check == "ok", f"{where}: integrity_check says {check}"
        assert len(notes) == len(set(notes)), f"{where}: a call was recorded twice"
        missing = sorted(said - set(notes))
        assert not missing, f"{where}: calls reported logged are not in the database: {missing}"
        # the call in flight at the kill may or may not be there; nothing else may be
        expected = list(range(notes[-1] + 1)) if notes else []
        assert notes == expected, (
            f"{where}: the recorded calls have gaps: {sorted(set(expected) - set(notes))}"
        )

        try:
            database = open_database(db)
            count = database.execute_sql("SELECT count(*) FROM call").fetchone()[0]
        finally:
            close_database()
        assert count == len(notes), f"{where}: open_database sees {count} calls, sqlite3 {len(notes)}"
        next_i = len(notes)
    assert said, f"seed {chosen}: no run logged anything, so nothing was tested"


# --- a storm of hooks against one window ----------------------------------------------------


class Trace:
    """The window's ``COMPANION_TRACE`` lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()[: text.count("\n")] if line]

    def count(self, event: str, **fields: object) -> int:
        return sum(
            1
            for line in self.lines()
            if line["event"] == event and all(line.get(k) == v for k, v in fields.items())
        )

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + STUCK
        while not condition():
            if time.monotonic() > deadline:
                events = [(line["event"], line.get("kind") or line.get("e164")) for line in self.lines()]
                raise AssertionError(f"never {what}; the trace: {events}")
            time.sleep(0.05)


def our_processes(config: str) -> dict[int, tuple[int, str]]:
    """Every live process started with this test's settings file: its parent and command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"COMPANION_CONFIG={config}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = dict(
                line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if status.get("State", "").split()[:1] != ["Z"]:  # an exited hook not yet reaped is gone
            found[int(entry.name)] = (int(status.get("PPid", "0")), command.strip())
    return found


def windows(config: str) -> list[int]:
    """The ``python -m companion …`` processes of this test (not the window's helpers, which
    run other modules): once every hook has exited, only the window."""
    return sorted(
        pid
        for pid, (_parent, command) in our_processes(config).items()
        if command.split()[1:3] == ["-m", "companion"]
    )


class Watch:
    """Notes, as long as it runs, every process of this test that neither the test nor the
    window started (a second window that a hook or a second start spawned: the window's own
    helpers, such as the place tables' writer, are its children)."""

    def __init__(self, config: str, window: int) -> None:
        self.config = config
        self.parents = {os.getpid(), window}
        self.strangers: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._look, daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(STUCK)
        self._once()

    def _once(self) -> None:
        for pid, (parent, command) in our_processes(self.config).items():
            if parent not in self.parents:
                self.strangers.setdefault(pid, command)

    def _look(self) -> None:
        while not self._stop.is_set():
            self._once()
            self._stop.wait(0.01)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        QT_QPA_PLATFORM="offscreen",
        COMPANION_TRACE=str(tmp_path / "trace.jsonl"),
        COMPANION_DB=str(tmp_path / "storm.sqlite3"),
        COMPANION_CONFIG=str(tmp_path / "settings.json"),
        LANG="en_US.UTF-8",
    )
    environment.pop("COMPANION_IPC_TRANSPORT", None)
    (tmp_path / "settings.json").write_text('{"region": "RU", "rep": "me"}', encoding="utf-8")
    return environment


@pytest.fixture
def window(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    trace = Trace(Path(env["COMPANION_TRACE"]))
    process = subprocess.Popen([*COMPANION], env=env, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        trace.wait_until(lambda: trace.count("ready") == 1 or process.poll() is not None, "a ready window")
        assert process.poll() is None, f"the window exited with {process.returncode}"
        yield process
    finally:
        process.kill()
        process.wait(timeout=STUCK)
        for pid in our_processes(env["COMPANION_CONFIG"]):  # anything a hook left behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def recorded_calls(env: dict[str, str]) -> list[tuple[str, str]]:
    con = sqlite3.connect(env["COMPANION_DB"])
    try:
        return con.execute("SELECT raw, direction FROM call ORDER BY raw").fetchall()
    finally:
        con.close()


def lock_holder() -> int | None:
    try:
        return int(ipc.lock_path().read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the processes from /proc")
def test_a_storm_of_hooks_reaches_the_one_window_and_a_second_start_only_raises_it(
    env: dict[str, str], window: subprocess.Popen[bytes]
) -> None:
    trace = Trace(Path(env["COMPANION_TRACE"]))
    assert lock_holder() == window.pid
    numbers = [f"+7499555{n:04d}" for n in range(STORM_HOOKS)]
    hooks: list[subprocess.Popen[str]] = []
    with Watch(env["COMPANION_CONFIG"], window.pid) as watch:
        for number in numbers:  # all started before the first is waited for
            hooks.append(
                subprocess.Popen(
                    [*COMPANION, "incoming", number],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        results = [
            (number, *hook.communicate(timeout=STUCK), hook.returncode)
            for number, hook in zip(numbers, hooks, strict=True)
        ]
    failed = [(number, code, err.strip()) for number, _out, err, code in results if code != 0]
    # first what matters most: every call is recorded (a hook that gave up waiting for an answer
    # has still handed its call over, so the window may record it later)
    trace.wait_until(
        lambda: len(recorded_calls(env)) >= STORM_HOOKS, f"all calls recorded; failed hooks: {failed[:5]}"
    )
    assert recorded_calls(env) == [(number, "in") for number in numbers]
    # then that they all went the quick way, to this window
    assert not failed, f"{len(failed)} of {STORM_HOOKS} hooks failed: {failed[:5]}"
    # a hook that found no window records the call and prints its card itself: none did
    printed = [(number, out) for number, out, _err, _code in results if out]
    assert not printed, f"hooks that did not hand their call over: {printed[:5]}"
    assert not watch.strangers, f"processes the hooks started (a second window?): {watch.strangers}"
    trace.wait_until(lambda: trace.count("event_received", kind="incoming") >= STORM_HOOKS, "every event")
    shown = [line["e164"] for line in trace.lines() if line["event"] == "card_shown"]
    assert sorted(shown) == numbers  # each call's card, once
    trace.wait_until(lambda: trace.count("card_painted", e164=shown[-1]) == 1, "the last card painted")
    assert trace.count("event_received", kind="incoming") == STORM_HOOKS
    assert trace.count("event_received", kind="show") == 0  # no second window handed anything on
    assert trace.count("ready") == 1
    assert window.poll() is None and lock_holder() == window.pid

    with Watch(env["COMPANION_CONFIG"], window.pid) as watch:
        second = subprocess.Popen(
            [*COMPANION],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = second.communicate(timeout=STUCK)
    assert (second.returncode, out, err) == (0, "", "")
    assert not watch.strangers, f"a second start started processes: {watch.strangers}"
    trace.wait_until(lambda: trace.count("event_received", kind="show") == 1, "the window raised")
    assert trace.count("ready") == 1  # no second window painted
    assert window.poll() is None and lock_holder() == window.pid
    assert windows(env["COMPANION_CONFIG"]) == [window.pid]
