"""The sales method of the chapter "Виды звонков" as code.

Calls are classified by *degree of contact*: how well the person knows us (not how well we
know them). Everything here is a pure function of facts gathered elsewhere, so every rule
of DESIGN.md §1 can be pinned by a test without a database or a window.

Strings are English sources marked with ``QT_TRANSLATE_NOOP`` for Qt Linguist; the layers
above translate them at display time (``companion.i18n``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CONTEXT = "method"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate knows
    """Marks ``text`` for translation in ``context`` without translating it."""
    return text


class Direction(StrEnum):
    IN = "in"
    OUT = "out"

    @classmethod
    def parse(cls, text: str) -> Direction:
        """``in``/``incoming``/``out``/``outgoing`` (any case); ValueError otherwise."""
        value = text.strip().lower()
        aliases = {"incoming": "in", "inbound": "in", "outgoing": "out", "outbound": "out"}
        return cls(aliases.get(value, value))


class Kind(StrEnum):
    # incoming
    FIRST_TIME = "first_time"
    RETURNING = "returning"
    REFERRAL = "referral"
    REPEAT = "repeat"
    # outgoing
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"
    CALLBACK = "callback"

    @property
    def direction(self) -> Direction:
        return Direction.IN if self in INCOMING_KINDS else Direction.OUT


INCOMING_KINDS = (Kind.FIRST_TIME, Kind.RETURNING, Kind.REFERRAL, Kind.REPEAT)
OUTGOING_KINDS = (Kind.CALLBACK, Kind.HOT, Kind.WARM, Kind.COLD)


def kinds_for(direction: Direction) -> tuple[Kind, ...]:
    return INCOMING_KINDS if direction is Direction.IN else OUTGOING_KINDS


class Temperature(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


class Status(StrEnum):
    """person → prospect → client; only ever moves up by itself."""

    PERSON = "person"
    PROSPECT = "prospect"
    CLIENT = "client"

    @property
    def rank(self) -> int:
        return _STATUS_ORDER.index(self)


_STATUS_ORDER = (Status.PERSON, Status.PROSPECT, Status.CLIENT)


class Familiarity(StrEnum):
    """How well the person knows us, as far as an import or the rep can tell."""

    PERSONAL = "personal"  # knows the rep personally
    COMPANY = "company"  # has dealt with the company or a colleague
    NONE = "none"  # a bought list: does not know us at all

    @property
    def rank(self) -> int:
        """Closeness: the higher, the better the person knows us (none < company < personal)."""
        return _FAMILIARITY_ORDER.index(self)


_FAMILIARITY_ORDER = (Familiarity.NONE, Familiarity.COMPANY, Familiarity.PERSONAL)


class Source(StrEnum):
    """How an incoming first-time caller found us (the chapter's three sources)."""

    ADVERTISING = "advertising"
    RECOMMENDATION = "recommendation"
    PAST_WORK = "past_work"


class Outcome(StrEnum):
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    NOT_INTERESTED = "not_interested"
    TALKED = "talked"
    INTERESTED = "interested"
    CALLBACK = "callback"
    DEAL = "deal"

    @property
    def connected(self) -> bool:
        """Whether the person was actually reached (a conversation happened)."""
        return self not in (Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)

    @property
    def status(self) -> Status | None:
        """The status this outcome proves, if any."""
        return _OUTCOME_STATUS.get(self)

    @property
    def key(self) -> int:
        """The keyboard digit (1–7) of this outcome."""
        return OUTCOMES.index(self) + 1


OUTCOMES = tuple(Outcome)
_OUTCOME_STATUS = {
    Outcome.INTERESTED: Status.PROSPECT,
    Outcome.CALLBACK: Status.PROSPECT,  # asking to be called back is consent to talk
    Outcome.DEAL: Status.CLIENT,
}


def raised_status(current: Status, outcome: Outcome) -> Status:
    """The status after ``outcome``: the higher of the two, never lower."""
    proved = outcome.status
    if proved is None or proved.rank <= current.rank:
        return current
    return proved


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about the number at the moment of the call, for the current rep."""

    client: bool = False
    personal: bool = False
    company: bool = False
    referral: bool = False
    callback_pending: bool = False


def classify(direction: Direction, facts: Facts) -> Kind:
    """The kind of call, exactly by the rules of DESIGN.md §1."""
    if direction is Direction.IN:
        if facts.client:
            return Kind.REPEAT
        if facts.company:
            return Kind.RETURNING
        if facts.referral:
            return Kind.REFERRAL
        return Kind.FIRST_TIME
    if facts.callback_pending:
        return Kind.CALLBACK
    if facts.personal:
        return Kind.HOT
    if facts.company or facts.referral:
        return Kind.WARM
    return Kind.COLD


def temperature(facts: Facts) -> Temperature:
    """The degree of contact, whatever the direction."""
    if facts.personal:
        return Temperature.HOT
    if facts.company or facts.referral:
        return Temperature.WARM
    return Temperature.COLD


def temperature_of(kind: Kind, facts: Facts) -> Temperature:
    """Temperature once the rep has overridden the kind: the override can only add contact."""
    implied = {
        Kind.HOT: Facts(personal=True),
        Kind.WARM: Facts(company=True),
        Kind.REFERRAL: Facts(referral=True),
        Kind.RETURNING: Facts(company=True),
        Kind.REPEAT: Facts(client=True, company=True),
    }.get(kind, Facts())
    merged = Facts(
        client=facts.client or implied.client,
        personal=facts.personal or implied.personal,
        company=facts.company or implied.company,
        referral=facts.referral or implied.referral,
        callback_pending=facts.callback_pending,
    )
    return temperature(merged)


def kind_temperature(kind: Kind) -> Temperature:
    """The temperature a kind of call implies by itself, with no other facts: hot → hot;
    warm, returning, referral, repeat → warm; cold, first-time → cold.

    A callback is warm: asking to be called back (or agreeing to it) is consent to talk, as
    ``Outcome.CALLBACK`` proves a prospect. ``temperature_of`` gives a callback no contact of
    its own, since there the facts of the number decide; this is for a kind seen without
    them, such as a bar of the Today chart.
    """
    if kind is Kind.CALLBACK:
        return Temperature.WARM
    return temperature_of(kind, Facts())


# --- words ---------------------------------------------------------------------------

KIND_TITLES: dict[Kind, str] = {
    Kind.FIRST_TIME: QT_TRANSLATE_NOOP("method", "Incoming · first-time caller"),
    Kind.RETURNING: QT_TRANSLATE_NOOP("method", "Incoming · returning"),
    Kind.REFERRAL: QT_TRANSLATE_NOOP("method", "Incoming · referral"),
    Kind.REPEAT: QT_TRANSLATE_NOOP("method", "Incoming · repeat (our client)"),
    Kind.HOT: QT_TRANSLATE_NOOP("method", "Outgoing · hot"),
    Kind.WARM: QT_TRANSLATE_NOOP("method", "Outgoing · warm"),
    Kind.COLD: QT_TRANSLATE_NOOP("method", "Outgoing · cold"),
    Kind.CALLBACK: QT_TRANSLATE_NOOP("method", "Callback expected"),
}

REMINDERS: dict[Kind, str] = {
    Kind.FIRST_TIME: QT_TRANSLATE_NOOP(
        "method",
        "They have a need but don't know us yet: earn their trust before you offer anything.",
    ),
    Kind.RETURNING: QT_TRANSLATE_NOOP(
        "method",
        "They came to us before and didn't buy: they know the company — find out what held them back.",
    ),
    Kind.REFERRAL: QT_TRANSLATE_NOOP(
        "method",
        "Someone they trust sent them to us: name the referrer and live up to the recommendation.",
    ),
    Kind.REPEAT: QT_TRANSLATE_NOOP(
        "method",
        "Our client is back: they know what we deliver — thank them and make the next step easy.",
    ),
    Kind.HOT: QT_TRANSLATE_NOOP(
        "method",
        "They know you personally and will take the call: be warm, and bring a reason worth their time.",
    ),
    Kind.WARM: QT_TRANSLATE_NOOP(
        "method",
        "They know the company, not you, and don't expect you: introduce yourself and recall the earlier contact.",  # noqa: E501 - one translatable string
    ),
    Kind.COLD: QT_TRANSLATE_NOOP(
        "method",
        "They don't know us and aren't waiting for this call: in one sentence, give them a reason to listen.",
    ),
    Kind.CALLBACK: QT_TRANSLATE_NOOP(
        "method",
        "They are waiting for this call, perhaps annoyed by the wait: apologise if late, bring what was promised.",  # noqa: E501 - one translatable string
    ),
}

TEMPERATURE_NAMES: dict[Temperature, str] = {
    Temperature.HOT: QT_TRANSLATE_NOOP("method", "hot"),
    Temperature.WARM: QT_TRANSLATE_NOOP("method", "warm"),
    Temperature.COLD: QT_TRANSLATE_NOOP("method", "cold"),
}

STATUS_NAMES: dict[Status, str] = {
    Status.PERSON: QT_TRANSLATE_NOOP("method", "person"),
    Status.PROSPECT: QT_TRANSLATE_NOOP("method", "prospect"),
    Status.CLIENT: QT_TRANSLATE_NOOP("method", "client"),
}

OUTCOME_NAMES: dict[Outcome, str] = {
    Outcome.NO_ANSWER: QT_TRANSLATE_NOOP("method", "No answer"),
    Outcome.WRONG_NUMBER: QT_TRANSLATE_NOOP("method", "Wrong number"),
    Outcome.NOT_INTERESTED: QT_TRANSLATE_NOOP("method", "Not interested"),
    Outcome.TALKED: QT_TRANSLATE_NOOP("method", "Talked"),
    Outcome.INTERESTED: QT_TRANSLATE_NOOP("method", "Interested"),
    Outcome.CALLBACK: QT_TRANSLATE_NOOP("method", "Call back"),
    Outcome.DEAL: QT_TRANSLATE_NOOP("method", "Deal"),
}

SOURCE_NAMES: dict[Source, str] = {
    Source.ADVERTISING: QT_TRANSLATE_NOOP("method", "Our advertising"),
    Source.RECOMMENDATION: QT_TRANSLATE_NOOP("method", "A recommendation"),
    Source.PAST_WORK: QT_TRANSLATE_NOOP("method", "Worked with us before"),
}
