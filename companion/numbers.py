"""Phone numbers in every shape people and softphones produce them.

Pure Python on top of ``phonenumbers``: no Qt, no database. ``parse()`` never raises;
whatever it is given comes back as a :class:`Number` that says what it understood.

The geocoder and time-zone tables are imported only when a place or a local time is
asked for, so that start-up and the softphone hand-over never pay for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

#: Inputs longer than this are not phone numbers; they are refused before parsing.
MAX_INPUT = 256
#: Up to this many digits without a ``+`` is a short internal extension (or a service code).
MAX_EXTENSION_DIGITS = 6

WITHHELD_WORDS = frozenset(
    {
        "anonymous",
        "anon",
        "private",
        "unknown",
        "unavailable",
        "restricted",
        "withheld",
        "blocked",
        "hidden",
        "no caller id",
        "nocallerid",
        "аноним",
        "скрыт",
        "скрытый",
        "неизвестный",
        "неизвестно",
    }
)


class Shape(StrEnum):
    """What kind of thing the input turned out to be."""

    PHONE = "phone"  # a telephone number (valid or not)
    EXTENSION = "extension"  # a short internal number, kept as it is
    WITHHELD = "withheld"  # anonymous / private / empty caller id
    INVALID = "invalid"  # no number could be found in it


@dataclass(frozen=True, slots=True)
class Number:
    """One parsed input. ``key`` is what the store indexes: E.164 where there is one."""

    input: str
    shape: Shape
    key: str | None
    e164: str | None = None
    valid: bool = False
    international: str = ""
    national: str = ""
    human: str = ""
    extension: str | None = None
    region: str | None = None
    type: str = "unknown"
    display_name: str | None = None
    too_long: bool = False
    pn: PhoneNumber | None = field(default=None, compare=False, repr=False)

    @property
    def is_withheld(self) -> bool:
        return self.shape is Shape.WITHHELD


_SCHEME = re.compile(r"^(tel|sips?|callto|phone|dial)\s*:\s*", re.IGNORECASE)
# a SIP From/To header value: display name, <URI>, then header parameters such as ;tag=…
_ANGLE = re.compile(r"^\s*(?:\"(?P<q>[^\"]*)\"|(?P<n>[^<\"]*?))\s*<(?P<uri>[^>]*)>\s*(?:;[^<>]*)?$")
#: a vertical service code dialled before the number (*67 hide my ID, #31# on GSM): not the number
_SERVICE_CODE = re.compile(r"^\s*(?:\*\d{2,3}|#\d{2}#)\s*(?=[+\d(][\d\s().\-]{6,}$)")
_VISUAL = re.compile(r"[\s\-.()\[\]/\u00a0\u2010-\u2015\u2212]")
_DIAL = re.compile(r"^\+?[0-9*#]+$")
_PLAIN = re.compile(r"^\+?[0-9]{3,17}$")
#: what most numbers in a file look like: ``+7 (916) 123-45-67``, ``8 916 123.45.67``
_PHONEISH = re.compile(r"^ *\+?[0-9 ().\-]*[0-9][0-9 ().\-]*$")
_USER_AT_HOST = re.compile(r"^[^@\s:<>\"]+@[^@\s]+$")
#: ITU-T E.164: at most 15 digits including the country code.
_E164_MAX_DIGITS = 15


def clean_text(raw: str) -> str:
    """Normalise Unicode (full-width and other script digits, odd spaces, bidi marks) and trim."""
    if raw.isascii() and raw.isprintable():
        return raw.strip()  # what almost every input is: nothing to normalise
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(_ascii_digit(ch) for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t")
    return text.strip()


def _ascii_digit(ch: str) -> str:
    # Arabic-Indic, Devanagari, … digits: phonenumbers reads them, our own checks want 0-9
    if ch.isdecimal() and not ch.isascii():
        return str(unicodedata.decimal(ch, 0))
    return ch


def split_display_name(text: str) -> tuple[str | None, str]:
    """``"Ivan" <sip:104@pbx>`` → (``Ivan``, ``sip:104@pbx``)."""
    m = _ANGLE.match(text)
    if not m:
        return None, text
    name = (m.group("q") if m.group("q") is not None else m.group("n") or "").strip()
    return (name or None), m.group("uri").strip()


def uri_user_part(text: str) -> str:
    """The dialable part of a ``tel:``/``sip:``/``callto:`` URI, or ``text`` if it is not one.

    A local number is prefixed with a global ``phone-context`` the way libphonenumber reads it:
    ``tel:863-1234;phone-context=+1-914-555`` gives ``+1-914-555863-1234`` (RFC 3966 §5.1.5 warns
    that this need not be a real number; :func:`parse` does better). ``;ext=`` is kept as
    `` ext. N`` for phonenumbers to read.
    """
    number, ext, context = _uri_parts(text)
    if context and context.startswith("+") and not number.startswith("+"):
        number = context + number
    return _with_ext(number, ext)


def _uri_parts(text: str) -> tuple[str, str | None, str | None]:
    """(number, ext, phone-context) of a URI; ``(text, None, None)`` when ``text`` is not one."""
    if "%" in text:  # an escape may hide what clean_text folds: a full-width digit, a bidi mark, NUL
        text = clean_text(unquote(text))
    m = _SCHEME.match(text)
    if m:
        scheme, rest = m.group(1).lower(), text[m.end() :]
    elif _USER_AT_HOST.match(text):
        # ``104@pbx``: a SIP caller id that lost its scheme on the way
        scheme, rest = "sip", text
    else:
        return text, None, None
    if scheme == "callto":
        rest = rest.split("?", 1)[0].strip("/")
        if _SCHEME.match(rest):
            return _uri_parts(rest)
    if scheme in ("sip", "sips"):
        rest = rest.split("?", 1)[0]
        user = rest.split("@", 1)[0] if "@" in rest else rest
        # user:password@host — the password never is part of the number
        rest = user.split(":", 1)[0]
    params = rest.split(";")
    number, ext, context = params[0], None, None
    for p in params[1:]:
        name, _, value = p.partition("=")
        name = name.strip().lower()
        if name == "ext" and value:
            ext = value
        elif name == "phone-context" and value:
            context = value
    return number, ext, context


def _with_ext(number: str, ext: str | None) -> str:
    return f"{number} ext. {ext}" if ext else number


def parse(raw: str | None, region: str | None = None) -> Number:
    """Understand ``raw`` for a user whose default region is ``region`` (ISO 3166 code).

    Never raises. An input longer than :data:`MAX_INPUT` is returned as invalid with
    ``too_long`` set so that callers can refuse it in words.
    """
    read = _read(raw, region)
    if isinstance(read, Number):
        return read
    raw, text, display_name, compact, pn, valid, region = read
    if pn is None:
        digits = re.sub(r"[^0-9+]", "", compact)
        key = digits if re.search(r"\d{3,}", digits) else None
        return Number(
            input=raw,
            shape=Shape.PHONE if key else Shape.INVALID,
            key=key,
            human=text,
            international=text,
            national=text,
            display_name=display_name,
        )
    e164 = phonenumbers.format_number(pn, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(pn, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(pn, PhoneNumberFormat.NATIONAL)
    number_region = phonenumbers.region_code_for_number(pn)
    if not valid:
        human = text
    elif number_region and number_region == region:
        human = national
    else:
        human = international
    return Number(
        input=raw,
        shape=Shape.PHONE,
        key=e164 if valid or phonenumbers.is_possible_number(pn) else _digits_key(compact),
        e164=e164 if valid else None,
        valid=valid,
        international=international,
        national=national,
        human=human,
        extension=pn.extension or None,
        region=number_region if number_region not in (None, "ZZ", "001") else None,
        type=_type_name(pn) if valid else "unknown",
        display_name=display_name,
        pn=pn,
    )


def identify(raw: str | None, region: str | None = None) -> tuple[Shape, str | None, bool]:
    """``(shape, key, valid)`` of ``parse(raw, region)`` at a third of its cost: what an
    import of many thousands of numbers needs, without the formatting a card shows."""
    read = _read(raw, region)
    if isinstance(read, Number):
        return read.shape, read.key, read.valid
    _, _, _, compact, pn, valid, _ = read
    if pn is None:
        digits = re.sub(r"[^0-9+]", "", compact)
        key = digits if re.search(r"\d{3,}", digits) else None
        return (Shape.PHONE if key else Shape.INVALID), key, False
    if valid:
        return Shape.PHONE, phonenumbers.format_number(pn, PhoneNumberFormat.E164), True
    if phonenumbers.is_possible_number(pn):
        return Shape.PHONE, phonenumbers.format_number(pn, PhoneNumberFormat.E164), False
    return Shape.PHONE, _digits_key(compact), False


_Read = tuple[str, str, str | None, str, PhoneNumber | None, bool, str | None]


def _read(raw: str | None, region: str | None) -> Number | _Read:
    """What ``parse`` and ``identify`` share: a finished Number for what is not a phone number
    (withheld, an extension, too long), else (raw, text, display name, compact dial string,
    the parsed number or None, whether it is valid, region)."""
    raw = "" if raw is None else str(raw)
    if len(raw) > MAX_INPUT:
        return Number(input=raw[:MAX_INPUT], shape=Shape.INVALID, key=None, too_long=True)
    region = (region or "").upper() or None
    if _PHONEISH.match(raw):
        # only digits, +, spaces, brackets, dots and dashes (what an address book holds): no
        # display name, URI, service code or word to look for, so straight to the number
        text = raw.strip()
        local = _VISUAL.sub("", text)
        short = len(local) <= MAX_EXTENSION_DIGITS or not local.isdigit()
        if short and _DIAL.match(local) and not local.startswith("+"):
            return Number(
                input=raw, shape=Shape.EXTENSION, key=local, international=local, national=local, human=local
            )
        plain, plain_valid = _parse_phone(text, local, region)
        return raw, text, None, local, plain, plain_valid, region
    text = clean_text(raw)
    display_name, text = split_display_name(text)
    if text.lower() in WITHHELD_WORDS or not text:
        return _withheld(raw, display_name)
    text = _SERVICE_CODE.sub("", text, count=1)
    number, ext, context = _uri_parts(text)
    number = number.strip()
    if number.lower() in WITHHELD_WORDS or not number:
        return _withheld(raw, display_name)
    user = _with_ext(number, ext)
    local = _VISUAL.sub("", user)
    pn: PhoneNumber | None = None
    valid = False
    if context and context.startswith("+") and not local.startswith("+"):
        # a local number (RFC 3966 §5.1.5) and the global number it is dialled within
        pn = _parse_in_context(_VISUAL.sub("", number), ext, context)
        valid = pn is not None
        user = _with_ext(context + number, ext)
    short = len(local) <= MAX_EXTENSION_DIGITS or not local.isdigit()
    if pn is None and short and _DIAL.match(local) and not local.startswith("+"):
        return Number(
            input=raw,
            shape=Shape.EXTENSION,
            key=local,
            international=local,
            national=local,
            human=local,
            display_name=display_name,
        )
    compact = _VISUAL.sub("", user)
    if pn is None:
        pn, valid = _parse_phone(user, compact, region)
    return raw, text, display_name, compact, pn, valid, region


def _withheld(raw: str, display_name: str | None) -> Number:
    return Number(input=raw, shape=Shape.WITHHELD, key=None, display_name=display_name)


def _digits_key(compact: str) -> str | None:
    digits = re.sub(r"[^0-9+]", "", compact)
    return digits or None


def _parse_phone(user: str, compact: str, region: str | None) -> tuple[PhoneNumber | None, bool]:
    """The number ``user`` is, and whether it is valid (the first reading that is valid wins)."""
    candidates: list[tuple[str, str | None]] = []
    if compact.startswith("00") and compact[2:3].isdigit() and compact[2:3] != "0":
        # 00 is the international prefix in most of the world, even where the region's own
        # prefix differs (Russia's 810): people write it that way.
        candidates.append((re.sub(r"^\D*0\D*0", "+", user, count=1), None))
    # the dial string without its spaces, dashes and brackets reads the same and faster
    candidates.append((compact if _PLAIN.match(compact) else user, region))
    first: PhoneNumber | None = None
    for text, reg in candidates:
        fast = _valid_international(text) if reg is None or text[:1] == "+" else _valid_national(text, reg)
        if fast is not None:
            return fast, True
        try:
            pn = phonenumbers.parse(text, reg or ("ZZ" if not text.startswith("+") else None))
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(pn):
            return pn, True
        first = first or pn
    return first, False


def _valid_international(text: str) -> PhoneNumber | None:
    """``+`` and digits read without ``phonenumbers.parse`` (which costs twice as much as the
    validity check), when the result is valid and exactly what parse would give; else None.

    parse would give something else only by stripping a national prefix or keeping a leading
    zero, so a national part that starts with either goes the long way."""
    if not _PLAIN.match(text) or text[0] != "+" or text[1] == "0":
        return None
    digits = text[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    if len(national) < 2 or national[0] == "0":
        return None
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        code, phonenumbers.region_code_for_country_code(code)
    )
    if metadata is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    if prefix and re.match(prefix, national):
        return None
    pn = PhoneNumber(country_code=code, national_number=int(national))
    return pn if _is_valid(pn) else None


def _is_valid(pn: PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, five times faster: the same patterns of the same
    metadata, compiled once, the likeliest types (mobile, fixed line) tried first, and a
    calling code shared by several regions (+7: Russia, Kazakhstan) checked once, not twice."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(pn.country_code or 0)
    if not regions or "001" in regions:
        return bool(phonenumbers.is_valid_number(pn))
    national = phonenumbers.national_significant_number(pn)
    if len(regions) == 1:
        metadata = PhoneMetadata.metadata_for_region(regions[0], None)
        return metadata is not None and _valid_in(national, metadata)
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region, None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if re.match(metadata.leading_digits, national):
                return _valid_in(national, metadata)
        elif _valid_in(national, metadata):
            return True
    return False


_Check = tuple[frozenset[int], Callable[[str], object]]
_TYPES = (
    "mobile",
    "fixed_line",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_CHECKS: dict[str, tuple[_Check | None, tuple[_Check, ...]]] = {}


def _valid_in(national: str, metadata: PhoneMetadata) -> bool:
    """Whether ``national`` is a number of some type in ``metadata``'s region: what
    ``phonenumbers``' own type check decides, without its per-call overhead."""
    checks = _CHECKS.get(metadata.id)
    if checks is None:
        general = _check(metadata.general_desc)
        types = tuple(c for c in (_check(getattr(metadata, name)) for name in _TYPES) if c is not None)
        checks = _CHECKS[metadata.id] = (general, types)
    general, types = checks
    if general is None or not _fits(national, general):
        return False
    return any(_fits(national, check) for check in types)


def _check(desc: object) -> _Check | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if not pattern:
        return None
    return frozenset(getattr(desc, "possible_length", None) or ()), re.compile(pattern).fullmatch


def _fits(national: str, check: _Check) -> bool:
    lengths, match = check
    return (not lengths or len(national) in lengths) and match(national) is not None


def _valid_national(text: str, region: str) -> PhoneNumber | None:
    """Digits dialled within ``region`` read without ``phonenumbers.parse``, when the result is
    valid and exactly what parse would give; else None.

    parse would read them otherwise after an international prefix (Russia's 810), when they
    start with the region's country code, through a carrier code or a transform rule
    (Brazil, Argentina), or by keeping a leading zero: all of those go the long way."""
    if not text.isdigit() or not 3 <= len(text) <= 17:
        return None
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.country_code is None:
        return None
    code = metadata.country_code
    if text.startswith(str(code)) or metadata.national_prefix_transform_rule:
        return None
    if metadata.international_prefix and re.match(metadata.international_prefix, text):
        return None
    national = text
    prefix = metadata.national_prefix_for_parsing
    if prefix:
        m = re.match(prefix, text)
        if m is not None:
            if m.lastindex is not None:
                return None  # a carrier code or another captured part
            national = text[m.end() :]
    if len(national) < 2 or national[0] == "0":
        return None
    pn = PhoneNumber(country_code=code, national_number=int(national))
    return pn if _is_valid(pn) else None


def _parse_in_context(local: str, ext: str | None, context: str) -> PhoneNumber | None:
    """A local number read within a global-number ``phone-context``; None unless valid.

    The context holds the leading digits of the numbers where the local number is dialled, but
    simply prepending them "cannot be relied upon" (RFC 3966 §5.1.5). The longest leading part
    of the context (at least its country code) that makes a valid number wins, so
    ``863-1234`` within ``+1-914-555`` is +1 914 863 1234, as a phone in that context dials it.
    """
    digits = re.sub(r"\D", "", context)
    if not digits or not local.isdigit():
        return None
    country = next(
        (n for n in (1, 2, 3) if phonenumbers.region_code_for_country_code(int(digits[:n])) != "ZZ"),
        None,
    )
    if country is None:
        return None
    for end in range(min(len(digits), _E164_MAX_DIGITS - len(local)), country - 1, -1):
        try:
            pn = phonenumbers.parse(_with_ext(f"+{digits[:end]}{local}", ext), None)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(pn):
            return pn
    return None


def _type_name(pn: PhoneNumber) -> str:
    t = phonenumbers.number_type(pn)
    if t == PhoneNumberType.UNKNOWN:
        return "unknown"
    return str(PhoneNumberType.to_string(t)).lower()


# --- place and time: the slow tables, loaded on first use ------------------------------


#: set while the place tables are being prepared (``companion.places``): no place names until
#: then, rather than the geocoder's own 100 MB of tables
places_pending = False


def place(number: Number, lang: str = "en") -> str | None:
    """Where the number is registered (city or country), in ``lang`` where known."""
    if number.pn is None or not number.valid or places_pending:
        return None
    from phonenumbers import geocoder

    text = geocoder.description_for_number(number.pn, lang)
    country = geocoder.country_name_for_number(number.pn, lang)
    # the tables name most places abroad in English only (the geocoder falls back to it): the
    # country in the person's language first, then the town as the tables spell it
    english = lang != "en" and text and text == geocoder.description_for_number(number.pn, "en")
    if english and country and text != country:
        return f"{country}, {text}"
    return text or country or None


def warm_up(region: str, lang: str = "en") -> None:
    """Load the slow tables before the first call needs them (the geocoder alone takes
    ~0.4 s on its first use): the window runs this in the background once it is on screen."""
    import phonenumbers

    example = phonenumbers.example_number(region.upper() if region else "US")
    if example is None:
        return
    number = parse(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164), region)
    place(number, lang)
    time_zones(number)


def time_zones(number: Number) -> tuple[str, ...]:
    """IANA time zones the number may be in; empty when unknown."""
    if number.pn is None or not number.valid:
        return ()
    from phonenumbers import timezone

    zones = timezone.time_zones_for_number(number.pn)
    return tuple(z for z in zones if z != "Etc/Unknown")


@dataclass(frozen=True, slots=True)
class LocalTime:
    """The person's wall-clock time now. ``earliest``/``latest`` differ across zones."""

    earliest: datetime
    latest: datetime

    @property
    def exact(self) -> bool:
        return self.earliest.utcoffset() == self.latest.utcoffset()


def local_time(zones: tuple[str, ...], now: datetime) -> LocalTime | None:
    """The local time now in ``zones`` (``now`` must be timezone-aware)."""
    times: list[datetime] = []
    for zone in zones:
        try:
            times.append(now.astimezone(ZoneInfo(zone)))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    if not times:
        return None
    times.sort(key=lambda t: t.replace(tzinfo=None))
    return LocalTime(earliest=times[0], latest=times[-1])


def within_hours(moment: datetime, start: time, end: time) -> bool:
    """Whether the wall-clock time of ``moment`` is inside [start, end)."""
    t = moment.time().replace(tzinfo=None)
    if start <= end:
        return start <= t < end
    return t >= start or t < end


#: how far ahead :func:`into_hours` looks for a moment inside calling hours
_SHIFT_LIMIT = timedelta(days=3)
_SHIFT_STEP = timedelta(minutes=15)


def into_hours(due: datetime, zones: tuple[str, ...], start: time, end: time) -> datetime:
    """``due``, or the first moment after it inside calling hours [start, end) in every one of
    ``zones`` (a number spanning several zones: all of them awake); ``due`` itself when the
    zones are unknown. Wall clocks are read in each zone at each moment, so a change to or from
    summer time is where it really is. Where no moment suits every zone within three days (the
    zones are too far apart), the first zone decides."""
    if due.tzinfo is None:
        raise ValueError("into_hours needs an aware datetime")
    usable: list[ZoneInfo] = []
    for zone in zones:
        try:
            usable.append(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    if not usable:
        return due
    for group in (usable, usable[:1]):
        moment = _first_awake(due, group, start, end)
        if moment is not None:
            return moment
    return due


def _first_awake(due: datetime, zones: list[ZoneInfo], start: time, end: time) -> datetime | None:
    def awake(moment: datetime) -> bool:
        return all(within_hours(moment.astimezone(z), start, end) for z in zones)

    if awake(due):
        return due
    # the start of calling hours in each zone on the next days, earliest first: the answer is
    # one of these (or, for several zones, a moment between them found by stepping)
    candidates = []
    for zone in zones:
        local = due.astimezone(zone)
        for days in range(4):
            day = (local + timedelta(days=days)).date()
            at = datetime.combine(day, start, tzinfo=zone)
            # a start that falls into a summer-time gap does not exist: the first valid minute
            at = at.astimezone(UTC).astimezone(zone)
            if at > due:
                candidates.append(at.astimezone(due.tzinfo))
    for at in sorted(candidates):
        if awake(at):
            return at
    moment = due
    while moment - due <= _SHIFT_LIMIT:
        moment += _SHIFT_STEP
        if awake(moment):
            return moment
    return None
