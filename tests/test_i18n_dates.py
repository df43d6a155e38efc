"""Dates and times in the language's own forms (Qt's locale), with a fixed form before Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QLocale

from companion import i18n

EVENING = datetime(2026, 11, 29, 20, 51)


@pytest.fixture
def locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the locale dates are written in, as ``install`` does; put the default back after."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))
        monkeypatch.setattr(i18n, "_dates", True)

    yield use
    QLocale.setDefault(before)


def test_before_any_language_is_installed_the_form_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_dates", False)
    assert i18n.when(EVENING) == "29.11.2026 20:51"
    assert i18n.when(EVENING, year=False) == "29.11 20:51"
    assert i18n.clock(time(9, 5)) == "09:05"
    assert i18n.day(date(2026, 3, 1)) == "01.03.2026"


def test_russian_writes_day_month_year_and_24_hours(locale) -> None:  # type: ignore[no-untyped-def]
    locale("ru_RU")
    assert i18n.when(EVENING) == "29.11.2026 20:51"
    assert i18n.when(EVENING, year=False) == "29.11 20:51"


def test_american_english_writes_month_first_and_12_hours(locale) -> None:  # type: ignore[no-untyped-def]
    locale("en_US")
    text = i18n.when(EVENING)
    assert text.startswith("11/29/2026 8:51") and text.endswith("PM")  # Qt puts a narrow space before PM
    assert i18n.when(EVENING, year=False).startswith("11/29 8:51")


def test_british_english_writes_day_first_and_24_hours(locale) -> None:  # type: ignore[no-untyped-def]
    locale("en_GB")
    assert i18n.when(EVENING) == "29/11/2026 20:51"
    assert i18n.when(EVENING, year=False) == "29/11 20:51"


@pytest.mark.parametrize(
    ("pattern", "without"),
    [("dd.MM.yyyy", "dd.MM"), ("M/d/yy", "M/d"), ("yyyy-MM-dd", "MM-dd"), ("d. M. yyyy", "d. M")],
)
def test_the_year_is_taken_out_of_a_date_pattern_with_its_separator(pattern: str, without: str) -> None:
    assert i18n._year_dropped(pattern) == without


def test_english_without_an_english_locale_keeps_the_fixed_form(qapp) -> None:  # type: ignore[no-untyped-def]
    before = QLocale()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(QLocale, "system", staticmethod(lambda: QLocale(QLocale.Language.C)))
            assert i18n.install("en")
            assert i18n.when(EVENING) == "29.11.2026 20:51"
            patch.setattr(QLocale, "system", staticmethod(lambda: QLocale("en_US")))
            assert i18n.install("en")
            assert i18n.when(EVENING).startswith("11/29/2026")
    finally:
        i18n.install("en")  # the real system locale again (C here: the fixed form)
        QLocale.setDefault(before)
