"""Cold start: from process start to the first paint of the window (``ready`` trace line).

    python3 bench/cold_start.py [RUNS]      (default 5; offscreen)

Target (DESIGN.md §5): ≤ 0.6 s median. Prints one JSON line and a human line.
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


def one_run(folder: Path, db: Path) -> float:
    trace = folder / f"trace-{time.monotonic_ns()}.jsonl"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COMPANION_TRACE": str(trace)}
    env["COMPANION_CONFIG"] = str(folder / "settings.json")
    start = time.monotonic_ns()
    process = subprocess.Popen([sys.executable, "-m", "companion", "--db", str(db)], env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if trace.exists():
                for line in trace.read_text().splitlines():
                    event = json.loads(line)
                    if event["event"] == "ready":
                        return (event["monotonic_ns"] - start) / 1e9
            time.sleep(0.005)
        raise RuntimeError("the window never became ready")
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "companion", "--db", str(db), "demo", "--print"],
            check=True,
            capture_output=True,
            env={**os.environ, "COMPANION_CONFIG": str(folder / "settings.json")},
        )
        times = [one_run(folder, db) for _ in range(runs)]
    median = statistics.median(times)
    print(
        json.dumps(
            {"bench": "cold_start", "runs": runs, "median_s": round(median, 3), "max_s": round(max(times), 3)}
        )
    )
    print(f"cold start to first paint: median {median:.3f} s over {runs} runs (target ≤ 0.6 s)")


if __name__ == "__main__":
    main()
