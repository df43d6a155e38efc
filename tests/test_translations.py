"""Russian everywhere: every source string translated, placeholders intact, sources current."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import translations  # noqa: E402

TS = ROOT / "resources" / "translations" / "companion_ru.ts"
PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rs])?\}")


def test_every_source_string_has_a_russian_translation() -> None:
    missing = [
        f"[{c}] {s!r}" for c, s, forms, done in translations.messages(TS) if not done or not all(forms)
    ]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    wrong = []
    for context, source, forms, _done in translations.messages(TS):
        wanted = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            if sorted(PLACEHOLDER.findall(form)) != wanted or (("%n" in source) != ("%n" in form)):
                wrong.append(f"[{context}] {source!r} → {form!r}")
    assert wrong == []


def test_the_translation_source_lists_every_string_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    translations.lupdate(fresh, "ru")
    committed = {(c, s) for c, s, _f, _d in translations.messages(TS)}
    current = {(c, s) for c, s, _f, _d in translations.messages(fresh)}
    assert sorted(current - committed) == [], "run: python3 tools/translations.py update"


def test_the_check_finds_an_untranslated_string(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ts"
    broken.write_text(
        '<TS version="2.1" language="ru"><context><name>x</name><message><source>Hello</source>'
        '<translation type="unfinished"/></message></context></TS>',
        encoding="utf-8",
    )
    assert [done for _c, _s, _f, done in translations.messages(broken)] == [False]


@pytest.fixture
def russian(qapp):  # type: ignore[no-untyped-def]
    from companion import i18n

    assert i18n.install("ru")
    yield
    i18n.install("en")


def test_russian_kinds_use_the_chapter_vocabulary(russian) -> None:  # type: ignore[no-untyped-def]
    from companion.i18n import translate
    from companion.method import KIND_TITLES, Kind

    titles = {kind: translate("method", KIND_TITLES[kind]).lower() for kind in Kind}
    assert "впервые" in titles[Kind.FIRST_TIME]
    assert "возвратившийся" in titles[Kind.RETURNING]
    assert "рекомендации" in titles[Kind.REFERRAL]
    assert "повторный" in titles[Kind.REPEAT]
    assert "горячий" in titles[Kind.HOT]
    assert "тёплый" in titles[Kind.WARM]
    assert "холодный" in titles[Kind.COLD]
