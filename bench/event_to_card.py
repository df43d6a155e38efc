"""Event → card: a softphone hook process starting → the running window has painted its card.

    python3 bench/event_to_card.py [RUNS]      (default 50; offscreen)

The window runs on a demo database; each run starts ``companion incoming NUMBER`` (the command
Settings → Softphone gives the softphone, a different number each time) as a new process, as a
softphone would, and reads the window's ``COMPANION_TRACE`` lines. Target (DESIGN.md §5):
median ≤ 100 ms, p95 ≤ 200 ms. The split:

- start: the hook process starting, up to the moment it sends (interpreter, imports);
- hand-over: sent → received by the window (local socket);
- card: received → card ready (recording the call, lookup, classification, widgets);
- paint: card ready → painted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from companion.integrations.softphones import launcher_argv


def read(trace: Path) -> list[dict[str, object]]:
    if not trace.exists():
        return []
    return [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines() if line]


def wait_for(trace: Path, predicate, timeout: float = 30) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = read(trace)
        if any(predicate(line) for line in lines):
            return lines
        time.sleep(0.002)
    raise RuntimeError("the window did not get there in time")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    # a second argument: a frozen program to measure instead (dist/call-companion/call-companion)
    hook = [sys.argv[2]] if len(sys.argv) > 2 else launcher_argv()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trace = folder / "trace.jsonl"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "COMPANION_CONFIG": str(folder / "settings.json"),
            "COMPANION_DB": str(folder / "bench.sqlite3"),
        }
        (folder / "settings.json").write_text('{"region": "RU", "rep": "bench"}', encoding="utf-8")
        subprocess.run([*hook, "demo", "--print"], check=True, capture_output=True, env=env)
        window = subprocess.Popen([*hook], env={**env, "COMPANION_TRACE": str(trace)})
        try:
            wait_for(trace, lambda line: line["event"] == "ready")
            time.sleep(2)  # the window warms its number tables up after the first paint
            rows = []
            for i in range(runs):
                number = f"+7 499 {300 + i:03d}-{i % 100:02d}-{(7 * i) % 100:02d}"
                e164 = "+7499" + number[7:].replace("-", "").replace(" ", "")
                start = time.monotonic_ns()
                subprocess.run([*hook, "incoming", "--", number], env=env, check=True)
                lines = wait_for(
                    trace, lambda line, e=e164: line.get("e164") == e and line["event"] == "card_painted"
                )
                got = {line["event"]: line for line in lines if line.get("e164") == e164}
                received = [line for line in lines if line["event"] == "event_received"][-1]
                sent = int(received["sent_ns"])  # type: ignore[call-overload]
                rows.append(
                    {
                        "total": int(got["card_painted"]["monotonic_ns"]) - start,  # type: ignore[call-overload]
                        "start": sent - start,
                        "hand_over": int(received["monotonic_ns"]) - sent,  # type: ignore[call-overload]
                        "card": int(got["card_shown"]["monotonic_ns"]) - int(received["monotonic_ns"]),  # type: ignore[call-overload]
                        "paint": int(got["card_painted"]["monotonic_ns"])
                        - int(got["card_shown"]["monotonic_ns"]),  # type: ignore[call-overload]
                    }
                )
        finally:
            window.terminate()
            window.wait(10)
    ms = {key: [row[key] / 1e6 for row in rows] for key in rows[0]}
    result = {
        "bench": "event_to_card",
        "runs": runs,
        "hook": " ".join(hook),
        "median_ms": round(statistics.median(ms["total"]), 1),
        "p95_ms": round(percentile(ms["total"], 0.95), 1),
        "split_median_ms": {
            key: round(statistics.median(ms[key]), 1) for key in ("start", "hand_over", "card", "paint")
        },
    }
    print(json.dumps(result))
    split = result["split_median_ms"]
    print(
        f"event → card: median {result['median_ms']} ms, p95 {result['p95_ms']} ms over {runs} runs "
        f"(target ≤ 100 / 200 ms); median split: hook start {split['start']} ms, hand-over "  # type: ignore[index]
        f"{split['hand_over']} ms, card {split['card']} ms, paint {split['paint']} ms"  # type: ignore[index]
    )


if __name__ == "__main__":
    main()
