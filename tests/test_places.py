"""Place names from the small tables file (companion.places) are the geocoder's own.

Each check runs in a fresh Python process: the tables are put where phonenumbers imports its
data from, which can only happen before anything in the process imported the geocoder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = r"""
import json, sys
from pathlib import Path
mode, path = sys.argv[1], sys.argv[2]
if mode == "light":
    from companion import places
    assert places.install(Path(path))
pending = None
if mode == "window":
    from companion import numbers, places
    assert places.use_light_tables()
    pending = numbers.places_pending
    if pending:
        assert numbers.place(numbers.parse("+74993224685", "RU"), "ru") is None  # not yet
    places.prepare()
    assert not numbers.places_pending
import phonenumbers
from phonenumbers import PhoneNumberType as T, geocoder
names = []
for region in ("RU", "US", "GB", "DE", "KZ", "BY", "UA", "CA", "IT", "BR", "CN", "JP", "IN", "IL"):
    for kind in (T.FIXED_LINE, T.MOBILE, T.TOLL_FREE):
        pn = phonenumbers.example_number_for_type(region, kind)
        if pn is None:
            continue
        for lang in ("en", "ru"):
            for user in (None, "RU", region):
                names.append(geocoder.description_for_number(pn, lang, region=user))
            names.append(geocoder.country_name_for_number(pn, lang))
real = hasattr(sys.modules["phonenumbers.geodata"], "__file__")
print(json.dumps({"names": names, "real_tables": real, "pending": pending}))
"""


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("places") / "places.sqlite3"
    subprocess.run([sys.executable, "-m", "companion.places", str(path)], check=True, timeout=120)
    return path


def names(mode: str, path: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SAMPLE, mode, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_small_tables_give_the_geocoders_own_names(tables: Path) -> None:
    real, light = names("real", tables), names("light", tables)
    assert real["real_tables"] is True and light["real_tables"] is False
    assert light["names"] == real["names"]
    assert sum(bool(name) for name in light["names"]) > 50  # names, not empty strings


def test_the_window_writes_the_tables_on_first_use_and_then_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "places.sqlite3"
    first = names("window", path, {"COMPANION_PLACES": str(path)})
    assert (first["pending"], first["real_tables"], path.exists()) == (True, False, True)
    again = names("window", path, {"COMPANION_PLACES": str(path)})
    assert (again["pending"], again["real_tables"]) == (False, False)
    assert again["names"] == first["names"]


def test_the_command_line_writes_the_tables_as_a_packaged_window_asks_it_to(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "companion", "places-cache", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert names("light", path)["real_tables"] is False


def test_tables_that_cannot_be_written_are_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    target = folder / "x.sqlite3"
    target.mkdir()  # a folder where the file should go
    done = subprocess.run(
        [sys.executable, "-m", "companion", "places-cache", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("companion: Cannot write ") and done.stderr.count("\n") == 1
