"""The rules of the house, checked: one-way layers, lint, format, strict types on the core."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "companion"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(*parts: str) -> list[Path]:
    base = PACKAGE.joinpath(*parts)
    return [base] if base.is_file() else sorted(base.rglob("*.py"))


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for name in imported_modules(path):
            if name.startswith(forbidden):
                found.append(f"{path.name} imports {name}")
    return found


@pytest.mark.parametrize("module", ["numbers.py", "method.py", "card.py"])
def test_pure_modules_import_neither_qt_nor_peewee(module: str) -> None:
    assert offenders(modules_under(module), ("PySide6", "peewee", "playhouse", "companion.store")) == []


def test_desk_imports_no_qt_widgets() -> None:
    files = modules_under("desk.py") + modules_under("importers") + modules_under("store")
    assert offenders(files, ("PySide6.QtWidgets", "PySide6.QtGui")) == []


def test_store_knows_nothing_above_it() -> None:
    assert offenders(modules_under("store"), ("companion.desk", "companion.ui", "companion.cli")) == []


def test_ui_holds_no_sql() -> None:
    files = modules_under("ui") if (PACKAGE / "ui").exists() else []
    assert offenders(files, ("peewee", "playhouse", "companion.store", "sqlite3")) == []


def test_the_layer_check_catches_a_leak(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from PySide6.QtWidgets import QLabel\nimport peewee\n", encoding="utf-8")
    assert len(offenders([leaky], ("PySide6", "peewee"))) == 2


def _tool(name: str) -> list[str]:
    exe = shutil.which(name)
    return [exe] if exe else [sys.executable, "-m", name]


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "companion", "tests", "bench", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "format", "--check", "companion", "tests", "bench", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_modules_pass_strict_type_checks() -> None:
    result = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_signals_to_python_slots_keep_python_objects_alive() -> None:
    """PySide6 6.12.0 dropped a reference to the slot's result and to ``emit()``'s own on every
    signal: on Python 3.11 the window aborted ("deallocating None") after enough signals. An
    upgrade that brings it back fails here, not on a rep's desk after lunch."""
    from PySide6.QtCore import QObject, Signal

    class Sender(QObject):
        flag = Signal(bool)
        number = Signal(int)

    class Receiver(QObject):
        def slot(self, _value: object) -> None:
            pass

    sender, receiver = Sender(), Receiver()
    sender.flag.connect(receiver.slot)
    sender.number.connect(receiver.slot)
    before = (sys.getrefcount(None), sys.getrefcount(False), sys.getrefcount(True))
    for _ in range(200):
        sender.flag.emit(False)
        sender.number.emit(1)
    after = (sys.getrefcount(None), sys.getrefcount(False), sys.getrefcount(True))
    assert all(b - a < 50 for a, b in zip(after, before, strict=True)), (before, after)
