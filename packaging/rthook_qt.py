"""Replaces PyInstaller's PySide6 run-time hook, which imports ``PySide6.QtCore`` on every start.

A softphone hook starts the program for each call and hands the call over without Qt; loading
Qt's libraries first doubled its start (80 → 167 ms). This sets the same environment as
PyInstaller's hook at once and registers its embedded ``qt.conf`` (Qt's prefix inside the
bundle) when ``PySide6.QtCore`` is first imported, before any Qt code runs.
"""

import importlib.abc
import importlib.machinery
import os
import sys


def _setup() -> None:
    base = os.path.join(sys._MEIPASS, "PySide6")  # type: ignore[attr-defined]
    qt = base if sys.platform.startswith("win") else os.path.join(base, "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt, "qml")
    if sys.platform.startswith("win"):  # QtNetwork finds the OpenSSL DLLs beside the program
        os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")  # type: ignore[attr-defined]

    class _Loader(importlib.abc.Loader):
        def __init__(self, inner: importlib.abc.Loader) -> None:
            self.inner = inner

        def create_module(self, spec):  # type: ignore[no-untyped-def]
            return self.inner.create_module(spec)

        def exec_module(self, module) -> None:  # type: ignore[no-untyped-def]
            self.inner.exec_module(module)
            from _pyi_rth_utils import qt as qt_rth_utils

            qt_rth_utils.create_embedded_qt_conf("PySide6", qt)

    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader)
            return spec

    sys.meta_path.insert(0, _Finder())


_setup()
del _setup
