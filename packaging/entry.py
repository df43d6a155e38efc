"""The frozen app's first module: the same entry as the ``companion`` console script."""

import os
import sys

if sys.stdout is None or sys.stderr is None:  # a windowed Windows exe has no console streams
    _null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stdout or _null
    sys.stderr = sys.stderr or _null

from companion.launch import entry  # noqa: E402 - after the streams exist

entry()
