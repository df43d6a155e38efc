"""The tables. One ``DatabaseProxy``; ``companion.store.open_database`` binds it.

Times are stored as naive UTC. Enumerated values (status, kind, outcome, …) are stored as
the string values of the enums in ``companion.method``.
"""

from __future__ import annotations

from peewee import (
    BooleanField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    Model,
    TextField,
)

db = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Contact(BaseModel):
    name = TextField(default="")
    company = TextField(default="")
    email = TextField(default="")
    notes = TextField(default="")
    status = TextField(default="person")
    referred_by = TextField(default="")
    #: how they found us, for incoming first-time callers (method.Source) or ""
    source = TextField(default="")
    familiarity = TextField(default="none")
    #: the rep who knows them personally ("" = the rep who owns this database)
    known_by = TextField(default="")
    do_not_call = BooleanField(default=False)
    created = DateTimeField()
    updated = DateTimeField()


class Phone(BaseModel):
    #: E.164 where the input parsed, else the cleaned dial string (extensions, invalid numbers)
    number = TextField(unique=True)
    raw = TextField(default="")
    valid = BooleanField(default=False)
    #: for a number several contacts share: the person the rep said it is
    chosen = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="chosen_for")


class ContactPhone(BaseModel):
    contact = ForeignKeyField(Contact, on_delete="CASCADE", backref="phones")
    phone = ForeignKeyField(Phone, on_delete="CASCADE", backref="owners")
    raw = TextField(default="")
    label = TextField(default="")

    class Meta:
        indexes = ((("contact", "phone"), True),)


class Call(BaseModel):
    phone = ForeignKeyField(Phone, null=True, on_delete="SET NULL", backref="calls")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL", backref="calls")
    raw = TextField(default="")
    direction = TextField()
    rep = TextField(default="")
    started = DateTimeField()
    ended = DateTimeField(null=True)
    #: the kind in force for this call (the rep's override if any)
    kind = TextField()
    #: what classify() said at the time; differs from ``kind`` when the rep overrode it
    kind_auto = TextField()
    temperature = TextField()
    outcome = TextField(null=True)
    logged = DateTimeField(null=True)
    note = TextField(default="")
    #: who logged it gives each logged call a unique id of its own (an outbox replaying what it
    #: logged offline): ``Desk.log`` with a uid already here writes nothing (schema 3)
    uid = TextField(null=True, unique=True)

    class Meta:
        indexes = (
            (("phone", "started"), False),
            (("contact", "started"), False),
            (("outcome", "started"), False),
            (("started",), False),
        )


class Callback(BaseModel):
    contact = ForeignKeyField(Contact, null=True, on_delete="CASCADE", backref="callbacks")
    phone = ForeignKeyField(Phone, null=True, on_delete="CASCADE", backref="callbacks")
    call = ForeignKeyField(Call, null=True, on_delete="SET NULL", backref="callbacks")
    due = DateTimeField()
    promise = TextField(default="")
    #: "asked" (they asked us to call) or "promised" (we said we would)
    reason = TextField(default="asked")
    #: the rep who owes it (the rep who logged the call that asked for it); "" = nobody named,
    #: a callback from before schema 2 without its call: every rep's list shows it
    rep = TextField(default="")
    created = DateTimeField()
    done = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("contact", "done"), False),
            (("phone", "done"), False),
            (("done", "due"), False),
        )


MODELS: tuple[type[BaseModel], ...] = (Contact, Phone, ContactPhone, Call, Callback)

__all__ = [
    "MODELS",
    "BaseModel",
    "Call",
    "Callback",
    "Contact",
    "ContactPhone",
    "Phone",
    "db",
]
