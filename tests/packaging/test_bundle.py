"""The packaged program, built as a user builds it (packaging/build.py) and run frozen.

The build ends with its smoke test (``lookup --json`` with phonenumbers' data, the Russian card,
the PostgreSQL driver, Qt's plugins, an offscreen window that paints the card of a call handed
over by a second frozen process); this test fails when any of that fails. The bundle goes to a
temporary folder, never into the repository. About a minute: this is the CI's packaging check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_linux_bundle_builds_and_its_frozen_program_works(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    program = tmp_path / "dist" / "call-companion" / "call-companion"
    assert program.is_file() and os.access(program, os.X_OK)
    for step in (
        "lookup --json: +74993224685",
        "--lang ru: Входящий",
        "PostgreSQL driver: inside",
        "painted",
    ):
        assert step in result.stdout, result.stdout[-3000:]
    assert (
        tmp_path / "dist" / "call-companion" / "share" / "applications" / "call-companion.desktop"
    ).is_file()
