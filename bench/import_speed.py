"""Import speed: rows per second for CSV and vCards, and the memory an import takes.

    python3 bench/import_speed.py [ROWS]      (default: 100000)

Each run (three per file; the median is reported) is a fresh process importing as a user
does (``import_file``, one core) into a new database in a temp folder, then again (a
re-import: everything unchanged). The figure is the rows in the file over the wall time of
the import itself, measured inside that process, and its peak RSS. Targets (issue 5):
≥ 20,000 CSV rows/s, ≥ 5,000 vCards/s, 100,000 rows in ≤ 200 MB. Prints one JSON line per
file and a human line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = 3
FIRST = ("Иван", "Ольга", "Pavel", "Maria", "Алексей", "Анна", "John", "Екатерина")
LAST = ("Петров", "Смирнова", "Sidorov", "Ivanova", "Кузнецов", "Popova", "Smith", "Волкова")

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from companion.config import Settings
from companion.desk import Desk
from companion.importers import import_file
from companion.store import open_database

open_database(sys.argv[1])
desk = Desk(Settings(region="RU", rep="bench"))
fmt = sys.argv[3] if len(sys.argv) > 3 else None
t = time.perf_counter()
report = import_file(desk, Path(sys.argv[2]), familiarity="company", fmt=fmt)
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "created": report.created, "skipped": report.skipped}))
"""


def phone(i: int) -> str:
    """Half international, half the national form Russian address books keep."""
    rest = f"{i // 10000 % 1000:03d}-{i // 100 % 100:02d}-{i % 100:02d}"
    return f"+7 (916) {rest}" if i % 2 else f"8 916 {rest}"


def write_generic(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("ФИО;Телефон;Компания;Email;Примечание\r\n")
        for i in range(n):
            name = f"{FIRST[i % 8]} {LAST[i // 8 % 8]} {i}"
            fh.write(f'{name};{phone(i)};"ООО ""Ромашка-{i % 500}""";p{i}@example.ru;звонить после обеда\r\n')


def write_google(path: Path, n: int) -> None:
    header = (
        "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
        "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
        "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
        "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value"
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\r\n")
        for i in range(n):
            second = (
                f"+7 495 {i // 10000 % 1000:03d}-{i // 100 % 100:02d}-{i % 100:02d}" if i % 3 == 0 else ""
            )
            fh.write(
                f"{FIRST[i % 8]},,{LAST[i // 8 % 8]} {i},,,,,,,,Acme {i % 300},,,,,,* myContacts,* Work,"
                f"p{i}@example.com,Mobile,{phone(i)},{'Work' if second else ''},{second}\r\n"
            )


def write_vcards(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i in range(n):
            name = f"{FIRST[i % 8]} {LAST[i // 8 % 8]} {i}"
            fh.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:{LAST[i // 8 % 8]} {i};{FIRST[i % 8]};;;\r\nFN:{name}\r\n"
                f"ORG:Acme {i % 300};\r\nitem1.TEL;type=CELL;type=VOICE;type=pref:{phone(i)}\r\n"
                f"item1.X-ABLabel:_$!<Mobile>!$_\r\nEMAIL;type=INTERNET;type=HOME:p{i}@example.com\r\n"
                "END:VCARD\r\n"
            )


def write_calls(path: Path, n: int) -> None:
    """A CRM's call list: 5 calls for each of n/5 people, some by this rep."""
    outcomes = ("Недозвон", "Разговор", "Интерес", "Перезвонить", "Сделка")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("Дата;Телефон;Направление;Результат;Ответственный;Комментарий;Длительность\r\n")
        for i in range(n):
            person = i // 5
            day, minute = 1 + i % 28, i % 1440
            fh.write(
                f"{day:02d}.{1 + i % 12:02d}.2026 {minute // 60:02d}:{minute % 60:02d};{phone(person)};"
                f"{'Входящий' if i % 3 else 'Исходящий'};{outcomes[i % 5]};{'bench' if i % 4 else 'Ольга'};"
                f"обсудили поставку {i};{i % 300}\r\n"
            )


def run(db: Path, file: Path, fmt: str | None = None) -> dict[str, float]:
    args = [sys.executable, "-c", CHILD, str(db), str(file)] + ([fmt] if fmt else [])
    env = dict(os.environ, COMPANION_CONFIG=str(db.parent / "config"))
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "generic CSV (;, BOM, Cyrillic)": (folder / "generic.csv", write_generic, n),
            "Google Contacts CSV": (folder / "google.csv", write_google, n),
            "vCard 3.0": (folder / "cards.vcf", write_vcards, n // 2),
            "call history CSV": (folder / "calls.csv", write_calls, n // 2),
        }
        for label, (path, writer, rows) in files.items():
            writer(path, rows)
            fresh, again = [], []
            for run_no in range(RUNS):  # a shared host is noisy: the median of fresh processes
                db = folder / f"{path.stem}-{run_no}.sqlite3"
                fresh.append(run(db, path))
                again.append(run(db, path))  # a re-import: everything unchanged
            speeds = sorted(rows / r["seconds"] for r in fresh)
            result = {
                "file": label,
                "rows": rows,
                "rows_per_s": round(statistics.median(speeds)),
                "rows_per_s_best": round(speeds[-1]),
                "reimport_rows_per_s": round(statistics.median(rows / r["seconds"] for r in again)),
                "rss_mb": round(max(r["rss_mb"] for r in fresh + again), 1),
                "created": fresh[0]["created"],
            }
            print(json.dumps(result))
            print(
                f"{label}: {rows:,} rows, {result['rows_per_s']:,} rows/s new (median of {RUNS}, best "
                f"{result['rows_per_s_best']:,}), {result['reimport_rows_per_s']:,} rows/s again, "
                f"peak RSS {result['rss_mb']} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
