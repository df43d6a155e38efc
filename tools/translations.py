"""Keep the translation sources in step with the code.

    python3 tools/translations.py update   # add new source strings to resources/translations/*.ts
    python3 tools/translations.py check    # list strings without a translation (exit 1 if any)

`update` runs pyside6-lupdate over the package (``self.tr()``, ``translate(context, text)``,
``QT_TRANSLATE_NOOP``) and keeps existing translations; translators then fill in the
``unfinished`` entries (Qt Linguist, or any editor). The ``.qm`` files are built from the
``.ts`` by pyside6-lrelease (``companion.i18n.compiled_file``), never edited by hand.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"
LANGS = ("ru",)


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "companion").rglob("*.py"))


def lupdate(ts: Path, lang: str) -> None:
    from companion.i18n import tool

    subprocess.run(
        [
            *tool("lupdate"),
            *sources(),
            "-locations",
            "none",
            "-no-obsolete",
            "-source-language",
            "en",
            "-target-language",
            lang,
            "-ts",
            str(ts),
        ],
        cwd=ROOT,
        check=True,
    )
    drop_empty(ts)


def drop_empty(ts: Path) -> None:
    """lupdate records ``translate("method", TABLE[key])`` as an empty message: drop those."""
    tree = ET.parse(ts)
    for context in tree.getroot().findall("context"):
        for message in context.findall("message"):
            if not (message.findtext("source") or "").strip():
                context.remove(message)
        if not context.findall("message"):
            tree.getroot().remove(context)
    ET.indent(tree, space="    ")
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def messages(ts: Path) -> list[tuple[str, str, list[str], bool]]:
    """(context, source, translations, finished) for every message in ``ts``."""
    result = []
    for context in ET.parse(ts).getroot().findall("context"):
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
            finished = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            result.append((name, message.findtext("source") or "", forms, finished))
    return result


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    status = 0
    for lang in LANGS:
        ts = TS_DIR / f"companion_{lang}.ts"
        if command == "update":
            lupdate(ts, lang)
        for context, source, forms, finished in messages(ts):
            if not finished or not all(f.strip() for f in forms):
                print(f"{lang}: untranslated [{context}] {source!r}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
