"""A demo database: realistic people and a few days of calls, so that every kind of card
can be seen within a minute of the first start. Written through the same ``Desk`` the
window uses; added only to a database without contacts."""

from __future__ import annotations

from datetime import timedelta

from companion.desk import Desk
from companion.i18n import translator
from companion.importers import ImportReport, Row
from companion.importers.apply import apply_rows
from companion.method import QT_TRANSLATE_NOOP, Direction
from companion.store.models import Contact

COLLEAGUE = QT_TRANSLATE_NOOP("demo", "Marina")  # the rep's colleague

CONTACTS = (
    # name, phone, company, status, familiarity, referred_by, notes
    (
        "Ирина Соколова",
        "+7 495 123-45-67",
        "ООО «Вектор»",
        "client",
        "personal",
        "",
        QT_TRANSLATE_NOOP("demo", "Buys every quarter"),
    ),
    ("Michael Brown", "+1 212 555 0143", "Brown & Sons Logistics", "person", "company", "", ""),
    ("Олег Кузнецов", "+7 812 555 12 34", "Балтик Трейд", "person", "none", "Ирина Соколова", ""),
    (
        "Анна Белова",
        "+7 343 210 55 66",
        "Стройснаб-Урал",
        "person",
        "none",
        "",
        QT_TRANSLATE_NOOP("demo", "From the trade-fair list"),
    ),
    ("Евгений", "+7 499 322-46-85", "", "person", "none", "", ""),
    ("Peter Schmidt", "+49 30 901820", "Schmidt GmbH", "person", "company", "", ""),
    ("Дмитрий Орлов", "+7 383 212 34 56", "Сибирь-Агро", "person", "none", "", ""),
    ("Sarah Lee", "+1 646 555 0199", "Northwind Traders", "prospect", "company", "", ""),
)

#: (number, direction): a card of every kind, for ``companion demo --show``
DEMO_TOUR = (
    ("+7 495 123-45-67", Direction.OUT),  # hot: the rep's own client
    ("+7 495 123-45-67", Direction.IN),  # repeat
    ("+1 212 555 0143", Direction.OUT),  # warm: a colleague talked to him
    ("+1 212 555 0143", Direction.IN),  # returning
    ("+7 812 555 12 34", Direction.IN),  # referral
    ("+7 343 210 55 66", Direction.OUT),  # cold
    ("8 (499) 322-46-85", Direction.OUT),  # callback expected
    ("+44 20 7946 0958", Direction.IN),  # first-time, unknown number
    ("+7 916 555-01-23", Direction.OUT),  # wrong number last time
)


def fill_demo(desk: Desk) -> int:
    """Add the demo contacts and calls; returns how many contacts, 0 if any existed."""
    if Contact.select().exists():
        return 0
    translate = translator(desk.settings.lang)  # the sample notes in the rep's language
    rows = [
        Row(
            line=i + 1,
            name=name,
            phones=[phone],
            company=company,
            status=status,
            familiarity=familiarity,
            referred_by=referred_by,
            notes=translate("demo", notes) if notes else "",
        )
        for i, (name, phone, company, status, familiarity, referred_by, notes) in enumerate(CONTACTS)
    ]
    apply_rows(desk, rows, ImportReport(), familiarity="company")
    Contact.update(do_not_call=True).where(Contact.name == "Peter Schmidt").execute()

    now = desk.clock()
    day = timedelta(days=1)
    me = desk
    colleague = Desk(
        desk.settings.__class__(**{**desk.settings.__dict__, "rep": translate("demo", COLLEAGUE)}), desk.clock
    )
    # The rep's own client: two calls, the last a deal.
    me.log(
        "+7 495 123-45-67",
        "out",
        "talked",
        at=now - 6 * day,
        note=translate("demo", "Discussed the spring order"),
    )
    me.log(
        "+7 495 123-45-67",
        "in",
        "deal",
        at=now - 2 * day - timedelta(hours=3),
        note=translate("demo", "50 units, invoice sent"),
    )
    # A colleague talked to Michael; he is warm for us.
    colleague.log(
        "+1 212 555 0143",
        "out",
        "interested",
        at=now - 4 * day,
        note=translate("demo", "Wants a quote for Q1"),
    )
    # Cold list: one unanswered try by us.
    me.log("+7 343 210 55 66", "out", "no_answer", at=now - 1 * day - timedelta(hours=2))
    # The chapter's caller: waited 40 minutes, we promised to call back with the price.
    me.log(
        "8 (499) 322-46-85",
        "in",
        "callback",
        at=now - timedelta(minutes=50),
        callback_at=now - timedelta(minutes=40),
        promise=translate("demo", "the price for 50 units, as promised"),
        note=translate("demo", "Waited 40 minutes to get through"),
    )
    # A number that was not who we thought.
    me.log("+7 916 555-01-23", "out", "wrong_number", at=now - 3 * day)
    # Sarah: talked twice; not interested lately.
    colleague.log("+1 646 555 0199", "in", "talked", at=now - 5 * day)
    me.log(
        "+1 646 555 0199",
        "out",
        "not_interested",
        at=now - 1 * day,
        note=translate("demo", "Budget frozen until March"),
    )
    # A call that rang today and was never logged (it waits in the to-log list).
    missed = me.begin_call("+7 921 765 43 21", "in")
    del missed
    return len(CONTACTS)
