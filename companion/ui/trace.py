"""``COMPANION_TRACE=FILE``: one JSON line per milestone, so anyone can measure the window
from outside (DESIGN.md §5). ``time.monotonic_ns()`` is one clock for all processes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


class Tracer:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        target = path if path is not None else os.environ.get("COMPANION_TRACE")
        self.path = Path(target) if target else None

    def mark(self, event: str, **fields: object) -> None:
        if self.path is None:
            return
        line = json.dumps({"event": event, **fields, "monotonic_ns": time.monotonic_ns()})
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError:
            self.path = None  # a trace must never break the window
