"""Translation for the layers below the widgets.

Source strings are English, marked with ``QT_TRANSLATE_NOOP`` (tables) or passed to
:func:`tr` (sentences). Qt is imported only when a non-English language is installed, so
English command-line use and the softphone hand-over never load it.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

LANGUAGES = ("en", "ru")

_translate: Any = None
_keep: list[Any] = []


def install(lang: str) -> bool:
    """Load the translation for ``lang``; False when there is none (English stays)."""
    global _translate
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    if lang == "en":
        _translate = None
        return True
    qm = resources.files("companion") / "resources" / "translations" / f"companion_{lang}.qm"
    if not qm.is_file():
        return False
    from PySide6.QtCore import QCoreApplication, QTranslator

    app = QCoreApplication.instance() or QCoreApplication([])
    translator = QTranslator(app)
    if not translator.load(qm.read_bytes()):
        return False
    app.installTranslator(translator)
    _keep[:] = [app, translator]
    _translate = QCoreApplication.translate
    return True


def tr(context: str, text: str) -> str:
    """``text`` in the installed language (English when none is installed)."""
    if _translate is None:
        return text
    return str(_translate(context, text))
