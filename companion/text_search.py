"""Text search as the contact book and the call journal do it.

A query is split into words, and every word must be found (``search_terms``). Finding is
case-insensitive for every alphabet, not only ASCII: SQLite's ``LIKE`` and ``LOWER`` fold ASCII
alone, so on SQLite each letter of a word becomes a ``GLOB`` character class (``петр`` →
``*[Пп][ЕеЁё][Тт][Рр]*``), which runs at native speed over a large table and needs no extra
column. Other databases use ``ILIKE`` (Unicode-aware there) with ё read as е. A word of digits also matches a
stored number, with the region's trunk prefix read as the country code (``number_variants``).
"""

from __future__ import annotations

import re

import phonenumbers
from peewee import ColumnBase, Expression, SqliteDatabase, fn

from companion import numbers
from companion.store.models import db

#: letters people use interchangeably when they search (Russian е/ё)
_SAME_LETTERS = dict.fromkeys("ЕеЁё", "ЕеЁё")
_PHONE_PUNCTUATION = re.compile(r"[\s+()\-./\u00a0\u2010-\u2015]")
_GLOB_SPECIAL = set("*?[]")


def search_terms(text: str) -> list[str]:
    """Search words; a whole query that looks like a phone number is one word of digits."""
    text = numbers.clean_text(text or "")
    if not text:
        return []
    compact = _PHONE_PUNCTUATION.sub("", text)
    if compact.isdigit():
        return [compact]
    return text.split()


def contains(column: ColumnBase, word: str) -> Expression:
    """``column`` holds ``word``, case-insensitively in every alphabet."""
    if isinstance(db.obj, SqliteDatabase):
        return Expression(column, "GLOB", f"*{_glob_word(word)}*")
    # ILIKE is case-insensitive for every alphabet there; ё is read as е on both sides
    folded = fn.REPLACE(fn.REPLACE(column, "ё", "е"), "Ё", "Е")
    return folded.contains(word.replace("ё", "е").replace("Ё", "Е"))


def number_variants(word: str, region: str) -> list[str]:
    """The digits of a search word that is a (part of a) phone number, as typed and with the
    region's trunk prefix read as its country code (``8 499…`` in Russia is ``+7 499…``),
    since numbers are stored as E.164; [] for a word that is not digits."""
    digits = _PHONE_PUNCTUATION.sub("", word)
    if not digits.isdigit():
        return []
    variants = [digits]
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region.upper()) if region else None
    prefix = getattr(meta, "national_prefix", None) if meta is not None else None
    if prefix and len(digits) > len(prefix) + 2 and digits.startswith(prefix):
        variants.append(f"{meta.country_code}{digits[len(prefix) :]}")
    return variants


def _glob_word(word: str) -> str:
    """``word`` as a case-insensitive GLOB fragment: each letter a class of its cases."""
    parts = []
    for ch in word:
        cases = _SAME_LETTERS.get(ch) or "".join(
            dict.fromkeys(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1)
        )
        if len(cases) > 1:
            parts.append(f"[{cases}]")
        elif ch in _GLOB_SPECIAL:
            parts.append(f"[{ch}]")
        else:
            parts.append(ch)
    return "".join(parts)
