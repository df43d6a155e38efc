"""Translation for every layer.

Source strings are English, marked with ``QT_TRANSLATE_NOOP`` (tables) or passed to
:func:`tr` (sentences) below the widgets, ``self.tr()`` in widgets. The Russian text lives in
``resources/translations/companion_ru.ts``; the compiled ``.qm`` is built from it by
``pyside6-lrelease`` — by the package build when there is one, else on first use into the
user's cache folder (keyed by the source's hash, so it is never stale). Qt is imported only
when a non-English language is installed, so English command-line use never loads it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as dtime
from importlib import resources
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ru")

_translate: Any = None
_keep: list[Any] = []
_keep_alone: dict[str, Any] = {}  # one loaded translator per language


def source_file(lang: str) -> Path:
    return Path(str(resources.files("companion.resources") / "translations" / f"companion_{lang}.ts"))


def tool(name: str) -> list[str]:
    """The command line of PySide6's ``lrelease``/``lupdate`` beside this Python, or on PATH."""
    candidate = Path(sys.executable).with_name(f"pyside6-{name}")
    if candidate.exists():
        return [str(candidate)]
    exe = shutil.which(f"pyside6-{name}")
    if exe:
        return [exe]
    raise FileNotFoundError(f"pyside6-{name} is not installed")


def compiled_file(lang: str) -> Path | None:
    """The ``.qm`` for ``lang``: shipped beside the source, or built from it once."""
    ts = source_file(lang)
    shipped = ts.with_suffix(".qm")
    if shipped.is_file() and (not ts.is_file() or shipped.stat().st_mtime >= ts.stat().st_mtime):
        return shipped
    if not ts.is_file():
        return None
    import platformdirs

    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    cache = Path(platformdirs.user_cache_dir("Call Companion", "CallCompanion")) / "translations"
    target = cache / f"companion_{lang}-{digest}.qm"
    if target.is_file():
        return target
    try:
        command = tool("lrelease")
    except FileNotFoundError:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [*command, "-silent", str(ts), "-qm", str(target)], capture_output=True, text=True, check=False
    )
    return target if result.returncode == 0 and target.is_file() else None


def install(lang: str) -> bool:
    """Load the translation for ``lang`` (and Qt's own); False when there is none."""
    global _translate
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    app = QCoreApplication.instance() or QCoreApplication([])
    # dates, numbers and country names in the same language: the person's own locale when it
    # speaks it (en_GB writes 29/11/2026 and 20:51, en_US 11/29/26 and 8:51 PM), else the language's
    system = QLocale.system()
    own = system.language() == QLocale(lang).language()
    QLocale.setDefault(system if own else QLocale(lang))
    global _dates  # English with no English locale of the person's (C, POSIX): 29.11.2026 20:51
    _dates = own or lang != "en"
    for old in _keep[1:]:
        app.removeTranslator(old)
    _keep[:] = [app]
    if lang == "en":
        _translate = None
        return True
    qm = compiled_file(lang)
    if qm is None:
        return False
    ours = QTranslator(app)
    if not ours.load(str(qm)):
        return False
    app.installTranslator(ours)
    _keep.append(ours)
    qt = QTranslator(app)  # Qt's own strings: standard buttons, context menus
    if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _keep.append(qt)
    _translate = QCoreApplication.translate
    return True


def translator(lang: str) -> Callable[[str, str], str]:
    """``translate`` for ``lang`` without installing it: for words written before the window's
    application exists (the demo data), when a Qt application must not be made yet."""
    if lang == "en" or lang not in LANGUAGES:
        return lambda context, text: text
    qm = compiled_file(lang)
    if qm is None:
        return lambda context, text: text
    from PySide6.QtCore import QTranslator

    loaded = _keep_alone.get(lang)
    if loaded is None:
        loaded = QTranslator()
        if not loaded.load(str(qm)):
            return lambda context, text: text
        _keep_alone[lang] = loaded
    return lambda context, text: loaded.translate(context, text) or text


_dates = False  # True once install() has chosen the locale that dates are written in


def _year_dropped(pattern: str) -> str:
    """A short date pattern without its year: ``dd.MM.yyyy`` → ``dd.MM``, ``M/d/yy`` → ``M/d``."""
    kept = re.sub(r"y+", "", pattern)
    kept = re.sub(r"([^A-Za-z'])\1+", r"\1", kept)  # the separators the year stood between
    return kept.strip(" ./-,'") or pattern


def clock(moment: datetime | dtime) -> str:
    """A time of day as the language writes it: ``20:51``, or ``8:51 PM`` in American English."""
    if not _dates:
        return moment.strftime("%H:%M")
    from PySide6.QtCore import QLocale, QTime

    return QLocale().toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


def day(moment: datetime | date, *, year: bool = True) -> str:
    """A date in the language's short form (``29.11.2026``; ``29.11`` without the year)."""
    if not _dates:
        return moment.strftime("%d.%m.%Y" if year else "%d.%m")
    from PySide6.QtCore import QDate, QLocale

    locale = QLocale()
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if year and "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")  # a four-digit year: 11/29/2026, not 11/29/26
    elif not year:
        pattern = _year_dropped(pattern)
    return locale.toString(QDate(moment.year, moment.month, moment.day), pattern)


def when(moment: datetime, *, year: bool = True) -> str:
    """A date and time of day, as :func:`day` and :func:`clock` write them."""
    return f"{day(moment, year=year)} {clock(moment)}"


def translate(context: str, text: str) -> str:
    """``text`` in the installed language (English when none is installed)."""
    if _translate is None:
        return text
    return str(_translate(context, text))
