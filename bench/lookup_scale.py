"""Lookup at scale: parse + query + classify with N contacts and 5 calls each.

    python3 bench/lookup_scale.py [N ...]      (default: 10000 100000)

Prints one JSON line per size and a human line. Target (DESIGN.md §5): p99 ≤ 1 ms at
1,000,000 contacts. The database is built in a temp folder with bulk inserts.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.config import Settings
from companion.desk import Desk
from companion.store import close_database, open_database
from companion.store.models import Call, Contact, ContactPhone, Phone, db

OUTCOMES = ("no_answer", "talked", "interested", "not_interested", "deal")


def number_for(i: int) -> str:
    # valid Moscow numbers: +7 495 XXX-XX-XX
    return f"+7495{1000000 + i:07d}"[:12]


def build(n: int, path: Path) -> None:
    open_database(path)
    start = datetime(2026, 1, 1)
    batch = 2000
    with db.atomic():
        for base in range(0, n, batch):
            size = min(batch, n - base)
            Contact.insert_many(
                [
                    {
                        "name": f"Person {base + k}",
                        "company": f"Company {(base + k) % 997}",
                        "familiarity": ("none", "company", "personal")[(base + k) % 3],
                        "created": start,
                        "updated": start,
                    }
                    for k in range(size)
                ]
            ).execute()
            Phone.insert_many(
                [{"number": number_for(base + k), "raw": "", "valid": True} for k in range(size)]
            ).execute()
        db.execute_sql(
            "INSERT INTO contact_phone (contact_id, phone_id, raw, label) SELECT id, id, '', '' FROM contact"
        )
        for base in range(0, n, batch):
            size = min(batch, n - base)
            rows = []
            for k in range(size):
                cid = base + k + 1
                for j in range(5):
                    rows.append(
                        {
                            "phone": cid,
                            "contact": cid,
                            "raw": "",
                            "direction": "out" if j % 2 else "in",
                            "rep": "me" if j % 3 else "anna",
                            "started": start + timedelta(hours=cid % 5000 + j),
                            "kind": "cold",
                            "kind_auto": "cold",
                            "temperature": "cold",
                            "outcome": OUTCOMES[(cid + j) % 5],
                        }
                    )
            for i in range(0, len(rows), 2000):
                Call.insert_many(rows[i : i + 2000]).execute()
    assert ContactPhone.select().count() == n


def measure(n: int, samples: int = 2000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        build(n, path)
        built = time.perf_counter() - t0
        desk = Desk(Settings(region="RU", rep="me", lang="en"), clock=lambda: datetime.now(UTC))
        rng = random.Random(7)
        picks = [number_for(rng.randrange(n)) for _ in range(samples)]
        for raw in picks[:50]:  # warm the caches and the geocoder
            desk.lookup(raw, "out")
        times = []
        for raw in picks:
            t = time.perf_counter_ns()
            desk.lookup(raw, "out")
            times.append((time.perf_counter_ns() - t) / 1e6)
        close_database()
    times.sort()
    return {
        "contacts": n,
        "build_s": round(built, 1),
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    for n in sizes:
        result = measure(n)
        print(json.dumps({"bench": "lookup_scale", **result}))
        print(
            f"lookup at {n:,} contacts: median {result['median_ms']} ms, "
            f"p99 {result['p99_ms']} ms (target p99 ≤ 1 ms at 1,000,000)"
        )


if __name__ == "__main__":
    main()
