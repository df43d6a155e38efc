"""Memory: the resident size of the running window on a database of N contacts.

    python3 bench/memory.py [N]      (default 1000000; offscreen)

Builds the database as ``bench/lookup_scale.py`` does (N contacts, 5 calls each), starts the
window on it, waits for its first paint, hands it 20 calls (``companion incoming``), opens
each view once (through the hand-over: the views fill when shown), and reads the window's
RSS (Linux ``/proc/PID/status``: VmRSS now, VmHWM the peak). Target (issue 9): ≤ 150 MB at
1,000,000 contacts. Prints one JSON line and a human line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lookup_scale import build, number_for  # noqa: E402

from companion.store import close_database  # noqa: E402


def rss_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def wait_for(trace: Path, event: str, count: int = 1, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if trace.exists():
            seen = sum(1 for line in trace.read_text().splitlines() if json.loads(line)["event"] == event)
            if seen >= count:
                return
        time.sleep(0.05)
    raise RuntimeError(f"no {event!r} in {timeout} s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        t0 = time.perf_counter()
        build(n, db)
        close_database()
        built = time.perf_counter() - t0
        trace = folder / "trace.jsonl"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "COMPANION_TRACE": str(trace),
            "COMPANION_CONFIG": str(folder / "settings.json"),
            "COMPANION_DB": str(db),
            "XDG_RUNTIME_DIR": tempfile.mkdtemp(prefix="cc-"),
        }
        window = subprocess.Popen([sys.executable, "-m", "companion", "--region", "RU"], env=env)
        try:
            wait_for(trace, "ready")
            idle = rss_mb(window.pid)
            for i in range(20):
                subprocess.run(
                    [sys.executable, "-m", "companion", "incoming", number_for(i * 997)], env=env, check=True
                )
            wait_for(trace, "card_painted", 20)
            time.sleep(1.0)  # the geocoder warms in a pool thread after the first paint
            now, peak = rss_mb(window.pid)
        finally:
            window.terminate()
            window.wait(10)
    result = {
        "bench": "memory",
        "contacts": n,
        "build_s": round(built, 1),
        "rss_idle_mb": round(idle[0], 1),
        "rss_after_calls_mb": round(now, 1),
        "rss_peak_mb": round(peak, 1),
    }
    print(json.dumps(result))
    print(
        f"window on {n:,} contacts: {result['rss_idle_mb']} MB at first paint, "
        f"{result['rss_after_calls_mb']} MB after 20 calls (peak {result['rss_peak_mb']} MB; target ≤ 150 MB)"
    )


if __name__ == "__main__":
    main()
