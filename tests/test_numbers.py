"""companion.numbers: every shape a person or a softphone gives us a number in (DESIGN.md §2).

Pure tests: no Qt, no database, no real clock (every "now" is a fixed aware datetime).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from companion.numbers import (
    MAX_INPUT,
    LocalTime,
    Number,
    Shape,
    clean_text,
    identify,
    local_time,
    parse,
    place,
    split_display_name,
    time_zones,
    uri_user_part,
    within_hours,
)

MOSCOW = "+74993224685"
NEW_YORK = "+12125550100"
LONDON = "+442079460000"
BERLIN = "+49301234567"


def assert_moscow(n: Number) -> None:
    assert n.shape is Shape.PHONE
    assert n.valid
    assert n.e164 == MOSCOW
    assert n.key == MOSCOW


# --- national formats with the default region -------------------------------------------


def test_russian_trunk_prefix_8_is_read_with_region_ru() -> None:
    n = parse("8 (499) 322-46-85", "RU")
    assert_moscow(n)
    assert n.region == "RU"
    assert n.type == "fixed_line"
    assert place(n) == "Moscow"


def test_the_region_code_may_come_in_lower_case() -> None:
    assert parse("8 (499) 322-46-85", "ru").e164 == MOSCOW


def test_us_national_number_is_read_with_region_us() -> None:
    n = parse("(212) 555-0100", "US")
    assert n.valid
    assert n.e164 == NEW_YORK
    assert n.region == "US"


def test_a_national_number_without_a_region_is_kept_but_not_guessed() -> None:
    n = parse("8 (499) 322-46-85", None)
    assert n.shape is Shape.PHONE
    assert not n.valid
    assert n.e164 is None
    assert n.key == "84993224685"


# --- international prefixes ---------------------------------------------------------------


@pytest.mark.parametrize("region", ["RU", "US", "DE", None])
def test_00_international_prefix_is_read_in_any_region(region: str | None) -> None:
    n = parse("00 49 30 1234567", region)
    assert n.valid
    assert n.e164 == BERLIN
    assert n.region == "DE"


def test_russian_810_international_prefix_is_read_with_region_ru() -> None:
    assert parse("810 49 30 1234567", "RU").e164 == BERLIN


def test_us_011_international_prefix_is_read_with_region_us() -> None:
    assert parse("011 49 30 1234567", "US").e164 == BERLIN


def test_plus_prefix_ignores_the_default_region() -> None:
    for region in ("RU", "US", "GB", None):
        assert parse("+7 499 322 46 85", region).e164 == MOSCOW


# --- extensions ---------------------------------------------------------------------------


def test_extension_is_split_off_and_the_key_is_e164_without_it() -> None:
    n = parse("+1 415-555-0100 ext. 12", "RU")
    assert n.valid
    assert n.extension == "12"
    assert n.e164 == "+14155550100"
    assert n.key == "+14155550100"
    assert n.key == parse("+1 415-555-0100", "RU").key


def test_russian_extension_word_is_understood() -> None:
    n = parse("+7 499 322-46-85 доб. 12", "RU")
    assert n.key == MOSCOW
    assert n.extension == "12"


def test_a_number_without_extension_has_none() -> None:
    assert parse("+7 499 322 46 85", "RU").extension is None


# --- tel: URIs (RFC 3966) -----------------------------------------------------------------


def test_tel_uri_global_number_with_visual_separators() -> None:
    n = parse("tel:+1-201-555-0123", "RU")
    assert n.valid
    assert n.e164 == "+12015550123"


def test_tel_uri_russian_number() -> None:
    assert_moscow(parse("tel:+7-499-322-46-85", "US"))


def test_tel_uri_scheme_is_case_insensitive() -> None:
    assert_moscow(parse("TEL:+7-499-322-46-85", "US"))


def test_tel_uri_with_percent_encoded_spaces() -> None:
    assert parse("tel:+1%20201%20555%200123", None).e164 == "+12015550123"


def test_tel_uri_ext_parameter_becomes_the_extension() -> None:
    n = parse("tel:+1-201-555-0123;ext=1234", "RU")
    assert n.e164 == "+12015550123"
    assert n.key == "+12015550123"
    assert n.extension == "1234"


def test_tel_uri_other_parameters_are_ignored() -> None:
    assert parse("tel:+1-201-555-0123;isub=1134", None).e164 == "+12015550123"


def test_tel_uri_local_number_in_a_domain_context_is_kept_as_an_extension() -> None:
    n = parse("tel:7042;phone-context=example.com", "US")
    assert n.shape is Shape.EXTENSION
    assert n.key == "7042"
    assert n.human == "7042"


def test_tel_uri_local_number_is_read_as_dialled_within_its_global_context() -> None:
    # RFC 3966 §6 example; §5.1.5: prepending the context "cannot be relied upon" — a phone
    # in +1 914 555 dialling 863-1234 reaches +1 914 863 1234.
    n = parse("tel:863-1234;phone-context=+1-914-555", "RU")
    assert n.valid
    assert n.e164 == "+19148631234"


def test_tel_uri_local_number_whose_context_completes_it() -> None:
    assert_moscow(parse("tel:322-46-85;phone-context=+7-499", "US"))


def test_tel_uri_service_code_in_a_country_context_stays_a_short_number() -> None:
    # RFC 3966 §5.1.5: "911" is labelled with the context "+1"
    n = parse("tel:911;phone-context=+1", "US")
    assert n.shape is Shape.EXTENSION
    assert n.key == "911"


def test_uri_user_part_prefixes_a_global_context_like_libphonenumber() -> None:
    assert uri_user_part("tel:863-1234;phone-context=+1-914-555") == "+1-914-555863-1234"
    assert uri_user_part("tel:+1-201-555-0123;ext=1234") == "+1-201-555-0123 ext. 1234"
    assert uri_user_part("8 499 322 46 85") == "8 499 322 46 85"


# --- sip: / sips: -------------------------------------------------------------------------


def test_sip_uri_with_user_phone() -> None:
    assert_moscow(parse("sip:+74993224685@pbx.example;user=phone", "RU"))


def test_sips_uri_with_user_phone() -> None:
    assert_moscow(parse("sips:+74993224685@pbx.example;user=phone", "US"))


def test_sip_uri_password_is_not_part_of_the_number() -> None:
    # RFC 3261 §19.1.3
    n = parse("sip:+1-212-555-1212:1234@gateway.com;user=phone", "RU")
    assert n.valid
    assert n.e164 == "+12125551212"
    assert n.extension is None
    assert "1234" not in n.human


def test_sip_uri_headers_are_ignored() -> None:
    assert_moscow(parse("sip:+74993224685@pbx.example;user=phone?subject=hello", "RU"))


def test_sip_uri_with_percent_encoded_plus() -> None:
    assert_moscow(parse("sip:%2B74993224685@pbx.example", "RU"))


def test_sip_uri_with_a_national_number_uses_the_default_region() -> None:
    assert_moscow(parse("sip:84993224685@pbx.example", "RU"))


def test_sip_caller_id_without_its_scheme() -> None:
    assert_moscow(parse("+74993224685@pbx.example", "RU"))
    n = parse("104@pbx", "RU")
    assert n.shape is Shape.EXTENSION
    assert n.key == "104"


def test_sip_uri_with_a_user_name_is_shown_as_given_and_invalid() -> None:
    n = parse("sip:ivan@pbx.example", "RU")
    assert n.shape is Shape.INVALID
    assert n.key is None
    assert n.human == "sip:ivan@pbx.example"


# --- callto: ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "callto://+442079460000/",
        "callto://+442079460000",
        "callto:+442079460000",
        "callto:+44 20 7946 0000",
        "callto:tel:+442079460000",
        "callto://+442079460000/?call",
    ],
)
def test_callto_forms(raw: str) -> None:
    n = parse(raw, "RU")
    assert n.valid
    assert n.e164 == LONDON
    assert n.region == "GB"


# --- caller id with a display name --------------------------------------------------------


def test_quoted_display_name_and_sip_extension() -> None:
    n = parse('"Ivan" <sip:104@pbx>', "RU")
    assert n.shape is Shape.EXTENSION
    assert n.key == "104"
    assert n.display_name == "Ivan"
    assert n.human == "104"


def test_unquoted_cyrillic_display_name_and_sip_number() -> None:
    n = parse("Иван <sip:+74993224685@host>", "RU")
    assert_moscow(n)
    assert n.display_name == "Иван"


def test_display_name_around_a_plain_number() -> None:
    n = parse('"Ivan" <+7 499 322 46 85>', "RU")
    assert_moscow(n)
    assert n.display_name == "Ivan"


def test_split_display_name() -> None:
    assert split_display_name('"Ivan Petrov" <sip:104@pbx>') == ("Ivan Petrov", "sip:104@pbx")
    assert split_display_name("<sip:104@pbx>") == (None, "sip:104@pbx")
    assert split_display_name("+7 499 322 46 85") == (None, "+7 499 322 46 85")


# --- withheld -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "anonymous",
        "Anonymous",
        "ANONYMOUS",
        "private",
        "withheld",
        "unknown",
        "",
        None,
        "   ",
        "\t\n",
        "sip:anonymous@anonymous.invalid",
        "sip:Anonymous@anonymous.invalid",
        "anonymous@anonymous.invalid",
        "tel:",
        "<>",
    ],
)
def test_anonymous_private_and_empty_callers_are_withheld(raw: str | None) -> None:
    n = parse(raw, "RU")
    assert n.shape is Shape.WITHHELD
    assert n.is_withheld
    assert n.key is None
    assert n.e164 is None


def test_withheld_caller_keeps_its_display_name() -> None:
    n = parse('"Anonymous" <sip:anonymous@anonymous.invalid>', "RU")
    assert n.is_withheld
    assert n.display_name == "Anonymous"


def test_a_number_is_not_withheld() -> None:
    assert not parse(MOSCOW, "RU").is_withheld


# --- short internal extensions ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["104", "2001", "12", "999999"])
def test_short_internal_extensions_stay_as_they_are(raw: str) -> None:
    n = parse(raw, "RU")
    assert n.shape is Shape.EXTENSION
    assert n.key == raw
    assert n.human == raw
    assert n.e164 is None


def test_extension_with_separators_is_keyed_by_its_digits() -> None:
    assert parse("20-01", "RU").key == "2001"


def test_star_codes_are_kept_as_dialled() -> None:
    n = parse("*67", "US")
    assert n.shape is Shape.EXTENSION
    assert n.key == "*67"


def test_seven_digits_are_no_longer_an_extension() -> None:
    assert parse("1234567", "RU").shape is Shape.PHONE


# --- garbage and invalid numbers ----------------------------------------------------------


@pytest.mark.parametrize("raw", ["hello", "!!!", "😀", "☎️📞", "sip:", "+", "((()))"])
def test_garbage_is_invalid_or_withheld_never_an_exception(raw: str) -> None:
    n = parse(raw, "RU")
    assert n.shape in (Shape.INVALID, Shape.WITHHELD)
    assert n.key is None
    assert n.e164 is None


@pytest.mark.parametrize("raw", ["hello", "!!!", "😀"])
def test_garbage_is_shown_as_typed(raw: str) -> None:
    n = parse(raw, "RU")
    assert n.shape is Shape.INVALID
    assert n.human == raw


def test_an_invalid_number_is_still_kept_for_logging_and_shown_as_typed() -> None:
    n = parse("+1 123 456 7890", "RU")  # no North American area code starts with 1
    assert n.shape is Shape.PHONE
    assert not n.valid
    assert n.e164 is None
    assert n.key == "+11234567890"
    assert n.human == "+1 123 456 7890"
    assert n.type == "unknown"
    assert place(n) is None
    assert time_zones(n) == ()


@pytest.mark.parametrize(
    "raw",
    ["x" * 5000, "1" * 5000, "+7" + "9" * 4998, " " * 5000],
    ids=["letters", "digits", "plus-and-digits", "spaces"],
)
def test_a_5000_character_input_is_refused_as_too_long(raw: str) -> None:
    n = parse(raw, "RU")
    assert n.too_long
    assert n.shape is Shape.INVALID
    assert n.key is None
    assert len(n.input) == MAX_INPUT


def test_an_input_of_exactly_max_input_is_not_too_long() -> None:
    assert not parse("1" * MAX_INPUT, "RU").too_long


# --- Unicode ------------------------------------------------------------------------------


def test_full_width_digits_and_plus() -> None:
    assert_moscow(parse("＋７ ４９９ ３２２－４６－８５", "US"))
    assert_moscow(parse("８ ４９９ ３２２ ４６ ８５", "RU"))


def test_full_width_extension_is_keyed_by_ascii_digits() -> None:
    n = parse("１０４", "RU")
    assert n.shape is Shape.EXTENSION
    assert n.key == "104"


def test_arabic_indic_digits() -> None:
    assert_moscow(parse("+٧ ٤٩٩ ٣٢٢ ٤٦ ٨٥", "RU"))
    assert parse("١٠٤", "RU").key == "104"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000"])
def test_non_breaking_and_other_spaces(space: str) -> None:
    assert_moscow(parse(space.join(["+7", "499", "322", "46", "85"]), "US"))


def test_bidi_marks_and_zero_width_spaces_from_copied_text_are_dropped() -> None:
    assert_moscow(parse("\u200e+7\u200b 499 322\u2011 46 85\u200f", "US"))


def test_clean_text_normalises_and_trims() -> None:
    assert clean_text("\u00a0＋７\u200b４９９\u00a0") == "+7499"


# --- human ------------------------------------------------------------------------------


def test_human_is_national_for_a_number_in_the_users_region() -> None:
    assert parse(MOSCOW, "RU").human == "8 (499) 322-46-85"
    assert parse(NEW_YORK, "US").human == "(212) 555-0100"


def test_human_is_international_for_a_number_abroad() -> None:
    assert parse(MOSCOW, "US").human == "+7 499 322-46-85"
    assert parse("8 (499) 322-46-85", "RU").international == "+7 499 322-46-85"


def test_human_is_international_without_a_region() -> None:
    assert parse(MOSCOW, None).human == "+7 499 322-46-85"


def test_human_shows_the_extension() -> None:
    assert parse("+1 415-555-0100 ext. 12", "US").human == "(415) 555-0100 ext. 12"


def test_human_of_an_invalid_number_is_the_input_text() -> None:
    assert parse("8 (499) 322-46", "RU").human == "8 (499) 322-46"
    assert parse("tel:+7-499-322", None).human == "tel:+7-499-322"


# --- place, type --------------------------------------------------------------------------


def test_place_in_russian() -> None:
    n = parse("8 (499) 322-46-85", "RU")
    assert "Москва" in (place(n, "ru") or "")


def test_place_of_a_mobile_number_is_its_country() -> None:
    n = parse("+7 916 123-45-67", "RU")
    assert n.type == "mobile"
    assert place(n) == "Russia"
    assert place(n, "ru") == "Россия"


def test_place_of_an_extension_is_unknown() -> None:
    assert place(parse("104", "RU")) is None


# --- time zones and the person's local time ----------------------------------------------


def test_time_zones_of_a_moscow_number() -> None:
    assert time_zones(parse(MOSCOW)) == ("Europe/Moscow",)


def test_time_zones_of_an_extension_or_withheld_caller_are_unknown() -> None:
    assert time_zones(parse("104", "RU")) == ()
    assert time_zones(parse("anonymous")) == ()


def test_local_time_in_moscow_is_exact() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    local = local_time(time_zones(parse(MOSCOW)), now)
    assert isinstance(local, LocalTime)
    assert local.exact
    assert local.earliest.replace(tzinfo=None) == datetime(2026, 11, 25, 11, 0)
    assert local.earliest == now


def test_local_time_of_a_russian_mobile_spans_several_zones() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    zones = time_zones(parse("+7 916 123-45-67", "RU"))
    assert "Europe/Moscow" in zones
    assert "Asia/Vladivostok" in zones
    local = local_time(zones, now)
    assert local is not None
    assert not local.exact
    assert local.earliest.replace(tzinfo=None) < local.latest.replace(tzinfo=None)


def test_local_time_is_none_without_known_zones() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert local_time((), now) is None
    assert local_time(("Nowhere/Atlantis", ""), now) is None


def test_local_time_skips_unknown_zones() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    local = local_time(("Nowhere/Atlantis", "Europe/Moscow"), now)
    assert local is not None
    assert local.earliest.hour == 11


def ny_local(now: datetime) -> datetime:
    local = local_time(time_zones(parse(NEW_YORK)), now)
    assert local is not None
    assert local.exact
    return local.earliest


def test_new_york_springs_forward_on_2026_03_08() -> None:
    before = ny_local(datetime(2026, 3, 8, 6, 59, tzinfo=UTC))
    after = ny_local(datetime(2026, 3, 8, 7, 0, tzinfo=UTC))
    assert (before.hour, before.minute, before.utcoffset()) == (1, 59, timedelta(hours=-5))
    assert (after.hour, after.minute, after.utcoffset()) == (3, 0, timedelta(hours=-4))


def test_new_york_falls_back_on_2026_11_01() -> None:
    before = ny_local(datetime(2026, 11, 1, 5, 59, tzinfo=UTC))
    after = ny_local(datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
    assert (before.hour, before.minute, before.utcoffset()) == (1, 59, timedelta(hours=-4))
    assert (after.hour, after.minute, after.utcoffset()) == (1, 0, timedelta(hours=-5))


def test_calling_hours_follow_daylight_saving_time_in_new_york() -> None:
    nine, eight_pm = time(9), time(20)
    # 13:30 UTC is 09:30 in New York after the spring change, 08:30 before it
    assert within_hours(ny_local(datetime(2026, 3, 8, 13, 30, tzinfo=UTC)), nine, eight_pm)
    assert not within_hours(ny_local(datetime(2026, 3, 7, 13, 30, tzinfo=UTC)), nine, eight_pm)
    # and 08:30 again after the autumn change
    assert within_hours(ny_local(datetime(2026, 10, 31, 13, 30, tzinfo=UTC)), nine, eight_pm)
    assert not within_hours(ny_local(datetime(2026, 11, 1, 13, 30, tzinfo=UTC)), nine, eight_pm)


# --- calling hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "inside"),
    [(time(8, 59), False), (time(9, 0), True), (time(19, 59), True), (time(20, 0), False)],
)
def test_calling_hours_default_window_includes_start_and_excludes_end(clock: time, inside: bool) -> None:
    moment = datetime.combine(datetime(2026, 11, 25).date(), clock, tzinfo=UTC)
    assert within_hours(moment, time(9), time(20)) is inside


@pytest.mark.parametrize(
    ("clock", "inside"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(23, 30), True),
        (time(0, 0), True),
        (time(5, 59), True),
        (time(6, 0), False),
        (time(12, 0), False),
    ],
)
def test_calling_hours_window_may_wrap_midnight(clock: time, inside: bool) -> None:
    moment = datetime.combine(datetime(2026, 11, 25).date(), clock, tzinfo=UTC)
    assert within_hours(moment, time(22), time(6)) is inside


def test_calling_hours_use_the_wall_clock_of_the_moment_not_utc() -> None:
    eleven_in_moscow = datetime(2026, 11, 25, 8, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Moscow"))
    assert within_hours(eleven_in_moscow, time(10), time(12))
    assert not within_hours(eleven_in_moscow, time(7), time(9))


# --- properties ---------------------------------------------------------------------------

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
]
user_regions = st.one_of(st.none(), st.sampled_from(REGIONS))
phoneish = st.lists(
    st.sampled_from(
        [*"0123456789+-() .;=:@<>\"'/%*#xX", "tel:", "sip:", "callto:", "ext=", "ext. ", "phone-context=+"]
    ),
    max_size=40,
).map("".join)
anything = st.one_of(
    st.text(),
    phoneish,
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=300),  # control characters
    st.text(min_size=MAX_INPUT - 5, max_size=MAX_INPUT + 5),
    st.text(min_size=1000, max_size=6000),
)


def check_invariants(n: Number) -> None:
    assert isinstance(n, Number)
    assert len(n.input) <= MAX_INPUT
    if n.shape in (Shape.WITHHELD, Shape.INVALID):
        assert n.key is None
    else:
        assert n.key
    if n.valid:
        assert n.shape is Shape.PHONE
        assert n.e164 is not None
        assert n.key == n.e164
    else:
        assert n.e164 is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything, region=user_regions)
def test_parse_never_raises_for_any_text_in_any_region(text: str, region: str | None) -> None:
    check_invariants(parse(text, region))


@settings(max_examples=100, deadline=None)
@given(text=anything, region=st.text(max_size=4))
def test_parse_never_raises_for_a_nonsense_region(text: str, region: str) -> None:
    check_invariants(parse(text, region))


@st.composite
def example_numbers(draw: st.DrawFn) -> phonenumbers.PhoneNumber:
    region = draw(st.sampled_from(REGIONS))
    kind = draw(st.sampled_from(TYPES))
    pn = phonenumbers.example_number_for_type(region, kind)
    assume(pn is not None and phonenumbers.is_valid_number(pn))
    assert pn is not None
    return pn


@settings(max_examples=200, deadline=None)
@given(pn=example_numbers(), user_region=user_regions)
def test_e164_round_trips_through_parse(pn: phonenumbers.PhoneNumber, user_region: str | None) -> None:
    e164 = phonenumbers.format_number(pn, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(pn, PhoneNumberFormat.INTERNATIONAL)
    tel = phonenumbers.format_number(pn, PhoneNumberFormat.RFC3966)
    for text in (e164, international, tel):
        n = parse(text, user_region)
        assert n.valid, text
        assert n.e164 == e164, text
        assert n.key == e164, text


@settings(max_examples=200, deadline=None)
@given(pn=example_numbers())
def test_national_format_round_trips_in_its_own_region(pn: phonenumbers.PhoneNumber) -> None:
    region = phonenumbers.region_code_for_number(pn)
    national = phonenumbers.format_number(pn, PhoneNumberFormat.NATIONAL)
    digits = "".join(ch for ch in national if ch.isdigit())
    # up to MAX_EXTENSION_DIGITS digits typed without "+" is an internal extension by design
    assume(len(digits) > 6)
    n = parse(national, region)
    assert n.e164 == phonenumbers.format_number(pn, PhoneNumberFormat.E164)
    assert n.human == national


def test_a_sip_header_with_a_tag_keeps_the_display_name() -> None:
    number = parse('"Ivan" <sip:+74993224685@pbx.example>;tag=a73kszlfl', "RU")
    assert (number.e164, number.display_name) == ("+74993224685", "Ivan")


@pytest.mark.parametrize("raw", ["*67 +7 499 322 46 85", "#31#+74993224685", "*67 8 (499) 322-46-85"])
def test_a_caller_id_service_code_before_the_number_is_not_part_of_it(raw: str) -> None:
    assert parse(raw, "RU").e164 == "+74993224685"


@pytest.mark.parametrize("raw", ["*67", "*97", "#31#"])
def test_a_service_code_alone_stays_as_dialled(raw: str) -> None:
    assert parse(raw, "RU").key == raw


# --- identify: parse's key at import speed --------------------------------------------

IMPORT_INPUTS = [
    "+7 (499) 322-46-85",
    "8 499 322 46 85",
    "84993224685",
    "00 44 20 7946 0000",
    "+1-212-555-0100 ext. 12",
    "tel:863-1234;phone-context=+1-914-555",
    "104",
    "*21#",
    "Anonymous",
    "",
    "   ",
    "Иван <sip:+74993224685@pbx.example>",
    "+7 916 123 45 6",  # too short: possible? no — digits kept
    "+999 123",
    "１２３４５６７８９０",
    "abc",
    "x" * 300,
]


@pytest.mark.parametrize("text", IMPORT_INPUTS)
@pytest.mark.parametrize("region", ["RU", "US", None])
def test_identify_gives_the_key_parse_gives(text: str, region: str | None) -> None:
    n = parse(text, region)
    assert identify(text, region) == (n.shape, n.key, n.valid)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything, region=user_regions)
def test_identify_agrees_with_parse_on_any_text(text: str, region: str | None) -> None:
    n = parse(text, region)
    assert identify(text, region) == (n.shape, n.key, n.valid)


@settings(max_examples=400, deadline=None)
@given(digits=st.text("0123456789", min_size=2, max_size=17))
def test_the_fast_reading_of_plus_digits_is_what_phonenumbers_reads(digits: str) -> None:
    from companion.numbers import _valid_international

    text = "+" + digits
    fast = _valid_international(text)
    if fast is not None:
        assert phonenumbers.is_valid_number(fast)
        assert fast == phonenumbers.parse(text, None)


@settings(max_examples=300, deadline=None)
@given(pn=example_numbers())
def test_valid_numbers_take_the_fast_reading_and_it_agrees(pn: phonenumbers.PhoneNumber) -> None:
    from companion.numbers import _valid_international

    text = phonenumbers.format_number(pn, PhoneNumberFormat.E164)
    reference = phonenumbers.parse(text, None)
    fast = _valid_international(text)
    assert fast is None or fast == reference
    national = phonenumbers.national_significant_number(reference)
    prefix = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        reference.country_code, phonenumbers.region_code_for_country_code(reference.country_code)
    ).national_prefix_for_parsing
    if not national.startswith("0") and not (prefix and re.match(prefix, national)):
        assert fast == reference  # the fast path is taken whenever it may be


@settings(max_examples=600, deadline=None)
@given(digits=st.text("0123456789", min_size=3, max_size=17), region=st.sampled_from(REGIONS))
def test_the_fast_reading_of_national_digits_is_what_phonenumbers_reads(digits: str, region: str) -> None:
    from companion.numbers import _valid_national

    fast = _valid_national(digits, region)
    if fast is not None:
        assert phonenumbers.is_valid_number(fast)
        assert fast == phonenumbers.parse(digits, region)


@settings(max_examples=300, deadline=None)
@given(pn=example_numbers())
def test_national_forms_of_valid_numbers_agree_with_phonenumbers(pn: phonenumbers.PhoneNumber) -> None:
    from companion.numbers import _valid_national

    region = phonenumbers.region_code_for_number(pn)
    digits = re.sub(r"\D", "", phonenumbers.format_number(pn, PhoneNumberFormat.NATIONAL))
    assume(region is not None and digits)
    fast = _valid_national(digits, region)
    assert fast is None or fast == phonenumbers.parse(digits, region)


def test_a_russian_national_number_takes_the_fast_reading() -> None:
    from companion.numbers import _valid_national

    assert _valid_national("89161234567", "RU") == phonenumbers.parse("89161234567", "RU")
    assert _valid_national("81049301234567", "RU") is None  # 810: the international prefix


@settings(max_examples=400, deadline=None)
@given(pn=example_numbers(), tail=st.integers(0, 999))
def test_the_validity_check_is_phonenumbers_own(pn: phonenumbers.PhoneNumber, tail: int) -> None:
    from companion.numbers import _is_valid

    changed = phonenumbers.PhoneNumber(
        country_code=pn.country_code,
        national_number=pn.national_number // 1000 * 1000 + tail,
        italian_leading_zero=pn.italian_leading_zero,
        number_of_leading_zeros=pn.number_of_leading_zeros,
    )
    for number in (pn, changed):
        assert _is_valid(number) == phonenumbers.is_valid_number(number)


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(" +0123456789().-", min_size=1, max_size=24)
    | example_numbers().map(lambda pn: phonenumbers.format_number(pn, PhoneNumberFormat.INTERNATIONAL)),
    region=user_regions,
)
def test_the_short_way_for_plain_numbers_reads_what_the_long_way_reads(text: str, region: str | None) -> None:
    # a zero-width space (removed by clean_text) sends the same text the long way
    short, long = parse(text, region), parse("\u200b" + text, region)
    fields = ("shape", "key", "valid", "e164", "international", "national", "human", "extension", "region")
    assert [getattr(short, f) for f in fields] == [getattr(long, f) for f in fields]


def test_a_place_abroad_named_only_in_english_gets_its_country_in_russian() -> None:
    berlin = parse("+49 30 123456", "RU")
    assert place(berlin) == "Berlin"
    assert place(berlin, "ru") == "Германия, Berlin"
    assert place(parse("+1 212 555 0123", "RU"), "ru") == "Соединенные Штаты, New York, NY"
    assert place(parse("+7 7172 123456", "RU"), "ru") == "Астана"  # named in Russian: as it is
