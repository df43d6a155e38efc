"""Real processes, as a softphone runs us: a window (offscreen) and ``companion …`` hooks.

The window's ``COMPANION_TRACE`` lines show from outside that the running window received an
event and painted its card; the database shows the call record. Every window started here is
killed at the end (its pid is in the instance lock file).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import ipc

COMPANION = [sys.executable, "-m", "companion"]
DEADLINE = 30.0


class Trace:
    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def wait_for(self, predicate, what: str, timeout: float = DEADLINE) -> dict[str, object]:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines():
                if predicate(line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no {what} in the trace: {self.lines()}")

    def count(self, event: str, **fields: object) -> int:
        return sum(
            1
            for line in self.lines()
            if line["event"] == event and all(line.get(k) == v for k, v in fields.items())
        )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        QT_QPA_PLATFORM="offscreen",
        COMPANION_TRACE=str(tmp_path / "trace.jsonl"),
        COMPANION_DB=str(tmp_path / "calls.sqlite3"),
        COMPANION_CONFIG=str(tmp_path / "settings.json"),
        LANG="en_US.UTF-8",
    )
    environment.pop("COMPANION_IPC_TRANSPORT", None)
    (tmp_path / "settings.json").write_text('{"region": "RU", "rep": "me"}', encoding="utf-8")
    return environment


@pytest.fixture
def trace(tmp_path: Path) -> Trace:
    return Trace(tmp_path / "trace.jsonl")


def window_pid() -> int | None:
    try:
        return int(ipc.lock_path().read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None


def our_processes(config: str) -> list[int]:
    """Every process started with this test's settings file (windows a hook started too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"COMPANION_CONFIG={config}".encode() in environ:
            found.append(int(entry.name))
    return found


@pytest.fixture(autouse=True)
def _no_window_left(env: dict[str, str]) -> Iterator[None]:
    yield
    pids = set(our_processes(env["COMPANION_CONFIG"]))
    pid = window_pid()
    if pid:
        pids.add(pid)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_window(env: dict[str, str], trace: Trace) -> subprocess.Popen[bytes]:
    window = subprocess.Popen([*COMPANION], env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    trace.wait_for(lambda line: line["event"] == "ready", "ready")
    return window


def hook(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMPANION, *args], env=env, capture_output=True, text=True, timeout=DEADLINE)


def calls(env: dict[str, str]) -> list[tuple[str, str]]:
    con = sqlite3.connect(env["COMPANION_DB"])
    try:
        return con.execute("SELECT raw, direction FROM call ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_hook_hands_its_call_to_the_running_window(env: dict[str, str], trace: Trace) -> None:
    start_window(env, trace)
    result = hook(env, "incoming", "8 (499) 322-46-85")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # a hook prints nothing when the window took the call
    trace.wait_for(lambda line: line.get("e164") == "+74993224685", "card for +74993224685")
    assert calls(env) == [("8 (499) 322-46-85", "in")]


def test_a_display_name_and_the_end_of_the_call_reach_the_window(env: dict[str, str], trace: Trace) -> None:
    start_window(env, trace)
    assert hook(env, "incoming", "104", "--name", "Иван Петров").returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "104", "card for 104")
    assert hook(env, "ended", "104").returncode == 0
    trace.wait_for(lambda line: line.get("kind") == "ended", "ended")
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        con = sqlite3.connect(env["COMPANION_DB"])
        row = con.execute("SELECT raw, ended FROM call").fetchone()
        con.close()
        if row[1] is not None:
            break
        time.sleep(0.05)
    assert row[0] == '"Иван Петров" <104>' and row[1] is not None


def test_a_second_start_only_raises_the_window(env: dict[str, str], trace: Trace) -> None:
    window = start_window(env, trace)
    pid = window_pid()
    second = hook(env)
    assert second.returncode == 0, second.stderr
    trace.wait_for(lambda line: line.get("kind") == "show", "show")
    assert trace.count("ready") == 1
    assert window.poll() is None and window_pid() == pid


def test_a_hook_with_no_window_records_the_call_and_starts_one_that_shows_it(
    env: dict[str, str], trace: Trace
) -> None:
    result = hook(env, "incoming", "+7 812 555-12-34")
    assert result.returncode == 0, result.stderr
    # recorded before the hook returned, and the softphone was not kept waiting for the window
    assert calls(env) == [("+7 812 555-12-34", "in")]
    assert trace.count("ready") == 0
    trace.wait_for(lambda line: line.get("e164") == "+78125551234", "card for +78125551234")
    # and the next hook goes to that window
    assert hook(env, "outgoing", "+7 812 555-12-35").returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "+78125551235", "card for +78125551235")
    assert trace.count("ready") == 1


def test_a_window_that_cannot_start_loses_no_call(env: dict[str, str], trace: Trace) -> None:
    broken = {**env, "QT_QPA_PLATFORM": "no-such-platform"}
    assert hook(broken, "incoming", "104").returncode == 0
    assert calls(env) == [("104", "in")]  # in "To log" the next time the window opens


def test_the_end_of_a_call_that_started_the_window_is_not_lost(env: dict[str, str], trace: Trace) -> None:
    assert hook(env, "incoming", "104").returncode == 0
    result = hook(env, "ended", "104")  # while that window is still starting
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        con = sqlite3.connect(env["COMPANION_DB"])
        ended = con.execute("SELECT ended FROM call").fetchone()[0]
        con.close()
        if ended is not None:
            break
        time.sleep(0.05)
    assert ended is not None


def test_a_caller_with_an_endless_display_name_is_still_recorded(env: dict[str, str], trace: Trace) -> None:
    start_window(env, trace)
    assert hook(env, "incoming", "104", "--name", "X" * 5000).returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "104", "card for 104")
    assert len(calls(env)) == 1


def test_a_phone_link_that_starts_the_app_is_not_lost(env: dict[str, str], trace: Trace) -> None:
    link = subprocess.Popen([*COMPANION, "tel:+7-499-322-46-85"], env=env, stdin=subprocess.DEVNULL)
    trace.wait_for(lambda line: line.get("e164") == "+74993224685", "card for the link")
    assert calls(env) == [("tel:+7-499-322-46-85", "out")]
    assert link.poll() is None  # that process is the window now
    assert hook(env, "callto:+74993224686").returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "+74993224686", "card for the second link")


def test_a_window_killed_outright_is_replaced_by_the_next_hook(env: dict[str, str], trace: Trace) -> None:
    window = start_window(env, trace)
    window.send_signal(signal.SIGKILL)
    window.wait(timeout=DEADLINE)
    assert os.path.exists(ipc.server_name())  # the socket file a crash leaves behind
    assert hook(env, "incoming", "105").returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "105", "card for 105")
    trace.wait_for(lambda _line: trace.count("ready") == 2, "a second window")


def test_two_windows_started_at_once_become_one(env: dict[str, str], trace: Trace) -> None:
    first = subprocess.Popen([*COMPANION], env=env, stdin=subprocess.DEVNULL)
    second = subprocess.Popen([*COMPANION], env=env, stdin=subprocess.DEVNULL)
    trace.wait_for(lambda line: line["event"] == "ready", "ready")
    deadline = time.monotonic() + DEADLINE
    while first.poll() is None and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    ended = first if first.poll() is not None else second
    assert ended.returncode == 0
    assert (first.poll() is None) != (second.poll() is None)
    assert trace.count("ready") == 1


def test_a_storm_of_hooks_loses_no_call(env: dict[str, str], trace: Trace) -> None:
    start_window(env, trace)
    numbers = [f"+7499322{n:04d}" for n in range(30)]
    hooks = [subprocess.Popen([*COMPANION, "incoming", n], env=env) for n in numbers]
    assert [h.wait(timeout=DEADLINE) for h in hooks] == [0] * len(numbers)
    trace.wait_for(lambda _line: trace.count("event_received", kind="incoming") == len(numbers), "30 events")
    assert sorted(raw for raw, _ in calls(env)) == numbers
    assert trace.count("ready") == 1


def test_a_call_for_another_database_is_kept_in_that_one(
    env: dict[str, str], trace: Trace, tmp_path: Path
) -> None:
    """The open window is the demo (or any other database): a real call is not recorded in it,
    nor lost, but kept in its own database, printed here, and in "To log" there later."""
    start_window(env, trace)
    other = tmp_path / "other.sqlite3"
    result = hook(env, "--db", str(other), "incoming", "104")
    assert result.returncode == 0, result.stderr
    assert "104" in result.stdout
    assert calls(env) == []
    assert calls({"COMPANION_DB": str(other)}) == [("104", "in")]
    assert trace.count("event_received") == 0
    second = hook(env, "--db", str(other))  # a second window on it is refused, in words
    assert second.returncode == 2 and "already open on" in second.stderr


def test_a_hook_for_the_default_database_is_not_taken_by_a_demo_window(
    env: dict[str, str], trace: Trace, tmp_path: Path
) -> None:
    demo = {**env, "COMPANION_DB": str(tmp_path / "demo-like.sqlite3")}
    start_window(demo, trace)  # a window open on another database than the hook's default
    assert hook(env, "incoming", "105").returncode == 0
    assert calls(env) == [("105", "in")]


def test_json_output_still_prints_the_card_here_without_a_window(env: dict[str, str], trace: Trace) -> None:
    result = hook(env, "incoming", "+74993224685", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["number"]["e164"] == "+74993224685"
    assert window_pid() is None and trace.lines() == []


def test_ended_without_a_window_still_records_the_end(env: dict[str, str], trace: Trace) -> None:
    assert hook(env, "incoming", "104", "--json").returncode == 0
    result = hook(env, "ended", "104")
    assert result.returncode == 0, result.stderr
    assert "Call ended" in result.stdout
    assert window_pid() is None


# --- each softphone as it really calls us, against the real window -------------------------


def test_microsip_appends_the_caller_id_and_the_window_shows_it(env: dict[str, str], trace: Trace) -> None:
    from test_softphones import microsip_runs

    from companion.integrations.softphones import microsip_value

    start_window(env, trace)
    value = microsip_value(COMPANION, "incoming")  # what "Set up MicroSIP" writes into its ini
    argv = microsip_runs(value, "+74993224685")  # how MicroSIP turns it into a process
    assert argv[-1] == "+74993224685"
    assert subprocess.run(argv, env=env, timeout=DEADLINE).returncode == 0
    trace.wait_for(lambda line: line.get("e164") == "+74993224685", "card for MicroSIP's call")


@pytest.mark.parametrize(
    ("user", "name"),
    [
        ("+74993224685", '"; touch {marker}; echo "'),
        ("$(touch {marker})", "`touch {marker}`"),
        ("104'; touch {marker}; '", "Ivan\ntouch {marker}"),
    ],
)
def test_linphones_hostile_caller_text_reaches_the_card_and_runs_nothing(
    env: dict[str, str], trace: Trace, tmp_path: Path, user: str, name: str
) -> None:
    from companion.integrations.softphones import linphone_setting

    marker = tmp_path / "pwned"
    user, name = user.format(marker=marker), name.format(marker=marker)
    start_window(env, trace)
    # Linphone pastes $1 and $2 into its command as text and gives it to /bin/sh -c
    command = linphone_setting(COMPANION).replace("$1", user).replace("$2", name)
    subprocess.run(["/bin/sh", "-c", command], env=env, timeout=DEADLINE, check=False)
    trace.wait_for(lambda line: line.get("kind") == "incoming", "Linphone's call")
    assert not marker.exists()
    trace.wait_for(lambda line: line["event"] == "card_painted", "its card")
    (raw, direction), *_ = calls(env)
    assert direction == "in" and user in raw


def test_a_hook_and_the_window_agree_on_the_team_database_of_the_settings(
    env: dict[str, str], trace: Trace, tmp_path: Path, postgres_server
) -> None:  # type: ignore[no-untyped-def]
    """No --db, no COMPANION_DB: both read ``team_database`` from the settings file (the hook
    on its fast path), so the window open on it takes the hook's call; nothing goes to a file."""
    import psycopg2

    team = postgres_server.new_database()
    team_env = {k: v for k, v in env.items() if k != "COMPANION_DB"}
    settings = {"region": "RU", "rep": "me", "team_database": team}
    (tmp_path / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    start_window(team_env, trace)
    result = hook(team_env, "incoming", "8 (499) 322-46-85")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # taken by the window, not recorded here as "elsewhere"
    trace.wait_for(lambda line: line.get("e164") == "+74993224685", "card for +74993224685")
    assert trace.count("event_received", kind="incoming") == 1
    connection = psycopg2.connect(team)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT raw, direction FROM call ORDER BY id")
            assert cursor.fetchall() == [("8 (499) 322-46-85", "in")]
    finally:
        connection.close()
    # no history of this computer's own was made (only the team database's outbox, team-….sqlite3)
    made = [p.name for p in (tmp_path / "xdg-data").rglob("*.sqlite3") if not p.name.startswith("team-")]
    assert made == []


def test_a_hook_with_no_window_and_the_team_database_away_starts_the_window_with_its_call(
    env: dict[str, str], trace: Trace
) -> None:
    """Nothing to record the call in: the hook starts the window and hands it the call, which
    shows the offline card (the outcome waits in this computer's outbox)."""
    away = {**env, "COMPANION_DB": "postgresql://nobody@127.0.0.1:9/calls"}  # a closed port
    result = hook(away, "incoming", "--", "+74993224685")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # shown in the window, not printed
    trace.wait_for(
        lambda line: line.get("e164") == "+74993224685" and line["event"] == "card_painted", "card"
    )
    assert trace.count("event_received", kind="incoming") == 1
