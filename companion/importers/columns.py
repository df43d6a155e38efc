"""Which column is what: the headers of Google, Outlook, CRM exports and hand-made tables.

A mapping is ``field → [column indexes]`` (``phone`` may take several columns, the other
fields one). :func:`guess` reads it from the header row, in English and Russian; the user
can correct it (``--map phone=Tel``, or the mapping step in the window).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from companion.i18n import translate
from companion.importers import ImportFileError, Row
from companion.method import QT_TRANSLATE_NOOP

Mapping = dict[str, list[int]]

#: fields of a contacts file, in the order the mapping step offers them
CONTACT_FIELDS = (
    "name",
    "first_name",
    "middle_name",
    "last_name",
    "phone",
    "company",
    "email",
    "notes",
    "status",
    "referred_by",
    "familiarity",
    "do_not_call",
    "source",
)
#: fields of a call-history file
CALL_FIELDS = (
    "started",
    "date",
    "time",
    "number",
    "direction",
    "outcome",
    "rep",
    "note",
    "name",
    "company",
    "duration",
    "kind",
    "temperature",
)
#: fields that take every column mapped to them
MULTI = frozenset({"phone"})

FIELD_TITLES = {
    "name": QT_TRANSLATE_NOOP("import", "Name"),
    "first_name": QT_TRANSLATE_NOOP("import", "First name"),
    "middle_name": QT_TRANSLATE_NOOP("import", "Middle name"),
    "last_name": QT_TRANSLATE_NOOP("import", "Last name"),
    "phone": QT_TRANSLATE_NOOP("import", "Phone"),
    "company": QT_TRANSLATE_NOOP("import", "Company"),
    "email": QT_TRANSLATE_NOOP("import", "Email"),
    "notes": QT_TRANSLATE_NOOP("import", "Notes"),
    "status": QT_TRANSLATE_NOOP("import", "Status"),
    "referred_by": QT_TRANSLATE_NOOP("import", "Referred by"),
    "familiarity": QT_TRANSLATE_NOOP("import", "Familiarity"),
    "do_not_call": QT_TRANSLATE_NOOP("import", "Do not call"),
    "source": QT_TRANSLATE_NOOP("import", "Source"),
    "started": QT_TRANSLATE_NOOP("import", "Date and time"),
    "date": QT_TRANSLATE_NOOP("import", "Date"),
    "time": QT_TRANSLATE_NOOP("import", "Time"),
    "number": QT_TRANSLATE_NOOP("import", "Number"),
    "direction": QT_TRANSLATE_NOOP("import", "Direction"),
    "outcome": QT_TRANSLATE_NOOP("import", "Outcome"),
    "rep": QT_TRANSLATE_NOOP("import", "Rep"),
    "note": QT_TRANSLATE_NOOP("import", "Note"),
    "duration": QT_TRANSLATE_NOOP("import", "Duration"),
    "kind": QT_TRANSLATE_NOOP("import", "Kind of call"),
    "temperature": QT_TRANSLATE_NOOP("import", "Temperature"),
}


def field_title(name: str) -> str:
    return translate("import", FIELD_TITLES[name])


def norm(header: str) -> str:
    """``"Phone 1 - Value"`` → ``phone_1_value``; ``"Адрес эл. почты"`` → ``адрес_эл_почты``."""
    return re.sub(r"[\s\-_./:,()]+", "_", header.strip().lstrip("\ufeff").lower()).strip("_")


# field → the normalised headers that mean it exactly
_CONTACT_NAMES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full_name",
        "fullname",
        "display_name",
        "contact",
        "contact_name",
        "client",
        "client_name",
        "фио",
        "ф_и_о",
        "полное_имя",
        "полное_имя_контакта",
        "имя_контакта",
        "контакт",
        "контактное_лицо",
        "клиент",
    ),
    "first_name": ("first_name", "given_name", "first", "firstname"),
    "middle_name": ("middle_name", "additional_name", "middle", "отчество"),
    "last_name": ("last_name", "family_name", "surname", "lastname", "фамилия"),
    "company": (
        "company",
        "company_name",
        "organization",
        "organisation",
        "organization_name",
        "organization_1_name",
        "account",
        "account_name",
        "компания",
        "название_компании",
        "организация",
        "фирма",
    ),
    "notes": (
        "notes",
        "note",
        "comment",
        "comments",
        "description",
        "примечание",
        "примечания",
        "заметки",
        "заметка",
        "комментарий",
        "описание",
    ),
    "status": ("status", "статус"),
    "referred_by": (
        "referred_by",
        "referrer",
        "recommended_by",
        "рекомендация",
        "рекомендовал",
        "кто_рекомендовал",
    ),
    "familiarity": ("familiarity", "знакомство"),
    "do_not_call": ("do_not_call", "dnc", "не_звонить"),
    "source": ("source", "источник"),
}
_PHONE_WORDS = frozenset(
    {"phone", "phones", "telephone", "tel", "mobile", "cell", "cellphone", "cellular", "тел", "моб"}
)
#: Russian words are inflected: "Номер телефона", "Номер мобильного", "Сотовый"
_PHONE_STEMS = ("телефон", "мобильн", "сотов")
#: "number" alone says little ("Order Number", "Number of Employees", "Улица, номер дома",
#: Outlook's "Личный номер" is an ID): a phone column only with none but these words beside it
_NUMBER_WORDS = frozenset({"number", "номер"})
_NUMBER_QUALIFIERS = frozenset(
    {"", "work", "home", "business", "main", "primary", "other", "contact", "direct", "office"}
    | {"рабочий", "домашний", "основной", "другой", "контактный", "прямой"}
)
_NOT_A_PHONE = frozenset({"label", "type", "тип", "ext", "extension", "добавочный", "id"})
#: inside any word: "Номер факса", "Telefax", "Номер пейджера" (Bitrix24) are not for calling
_NOT_A_PHONE_STEMS = ("fax", "факс", "pager", "пейджер")
_EMAIL_WORDS = frozenset({"email", "mail", "почта", "почты"})
_NOT_AN_EMAIL = frozenset({"label", "type", "тип", "display"})

_CALL_NAMES: dict[str, tuple[str, ...]] = {
    "started": (
        "started",
        "start",
        "start_time",
        "started_at",
        "datetime",
        "date_time",
        "date_and_time",
        "call_date",
        "call_start",
        "calldate",
        "дата_и_время",
        "дата_время",
        "дата_звонка",
        "начало",
        "начало_звонка",
        "время_звонка",
    ),
    "date": ("date", "дата"),
    "time": ("time", "время"),
    "number": (
        "number",
        "phone",
        "phone_number",
        "telephone",
        "tel",
        "номер",
        "телефон",
        "номер_телефона",
        "caller",
        "caller_id",
        "callee",
        "клиент_телефон",
        "src_dst",
    ),
    "direction": ("direction", "type", "call_type", "направление", "тип", "тип_звонка"),
    "outcome": ("outcome", "result", "disposition", "status", "результат", "итог", "статус", "исход"),
    "rep": (
        "rep",
        "user",
        "agent",
        "employee",
        "manager",
        "responsible",
        "operator",
        "ответственный",
        "менеджер",
        "сотрудник",
        "оператор",
        "пользователь",
    ),
    "note": ("note", "notes", "comment", "comments", "примечание", "комментарий", "заметка", "заметки"),
    "name": ("name", "contact", "contact_name", "client", "фио", "имя", "контакт", "клиент"),
    "company": ("company", "компания", "организация"),
    "duration": (
        "duration",
        "длительность",
        "продолжительность",
        "talk_time",
        "billsec",
        "duration_sec",
        "длительность_сек",
    ),
    "kind": ("kind", "kind_of_call"),
    "temperature": ("temperature", "температура"),
}


def is_call_history(headers: Sequence[str]) -> bool:
    """A call list: a date column and a direction or outcome column."""
    normed = {norm(h) for h in headers}
    when = any(h in normed for h in (*_CALL_NAMES["started"], "date", "дата"))
    what = any(h in normed for f in ("direction", "outcome", "duration") for h in _CALL_NAMES[f])
    named = any(h in normed for f in ("first_name", "last_name") for h in _CONTACT_NAMES[f])
    return when and what and not named


def profile(headers: Sequence[str]) -> str:
    """``google``, ``outlook`` or ``csv``: whose export this is, for the report."""
    normed = {norm(h) for h in headers}
    if "phone_1_value" in normed or "given_name" in normed and "family_name" in normed:
        return "google"
    if "business_phone" in normed or "mobile_phone" in normed and "e_mail_address" in normed:
        return "outlook"
    if "телефон_переносной" in normed or "адрес_эл_почты" in normed:
        return "outlook"  # a Russian Outlook
    return "csv"


def guess(headers: Sequence[str], *, calls: bool = False) -> Mapping:
    """The mapping the header row says, in the file's column order."""
    normed = [norm(h) for h in headers]
    result: Mapping = {}
    if calls:
        for field, names in _CALL_NAMES.items():
            index = next((i for i, h in enumerate(normed) if h in names and not _taken(result, i)), None)
            if index is not None:
                result[field] = [index]
        if "started" in result and "date" in result:
            del result["date"]
        return result
    has_last = any(h in _CONTACT_NAMES["last_name"] for h in normed)
    for i, h in enumerate(normed):
        if h == "имя":
            field = "first_name" if has_last else "name"
            result.setdefault(field, [i])
            continue
        for field, names in _CONTACT_NAMES.items():
            if h in names and field not in result:
                result[field] = [i]
                break
        else:
            words = {w.rstrip("0123456789") for w in h.split("_")}
            if _is_phone(words):
                result.setdefault("phone", []).append(i)
            elif (
                "email" not in result
                and (words & _EMAIL_WORDS or h.startswith("e_mail"))
                and not (words & _NOT_AN_EMAIL)
            ):
                result["email"] = [i]
    return result


def _is_phone(words: set[str]) -> bool:
    """Whether a header of these words names a column of numbers to call."""
    if words & _NOT_A_PHONE or any(stem in w for w in words for stem in _NOT_A_PHONE_STEMS):
        return False
    if words & _PHONE_WORDS or any(w.startswith(_PHONE_STEMS) for w in words):
        return True
    return bool(words & _NUMBER_WORDS) and words <= _NUMBER_WORDS | _NUMBER_QUALIFIERS


def _taken(mapping: Mapping, index: int) -> bool:
    return any(index in columns for columns in mapping.values())


def by_names(headers: Sequence[str], wanted: dict[str, str], fields: Sequence[str]) -> Mapping:
    """``--map phone=Tel,name=Client`` (field → header) as a mapping; ImportFileError names the
    header that is not there."""
    normed = [norm(h) for h in headers]
    result: Mapping = {}
    for field, column in wanted.items():
        if field not in fields:
            raise ImportFileError(
                translate("import", "--map: unknown field {key!r} (known: {known}).").format(
                    key=field, known=", ".join(fields)
                )
            )
        key = norm(column)
        indexes = [i for i, h in enumerate(normed) if h == key]
        if not indexes:
            raise ImportFileError(
                translate("import", "--map: there is no column {column!r} (columns: {columns}).").format(
                    column=column, columns=", ".join(h for h in headers if h)
                )
            )
        result[field] = indexes if field in MULTI else indexes[:1]
    return result


def merged(guessed: Mapping, given: Mapping) -> Mapping:
    """The guess with the user's choices on top: a column the user gave to a field leaves
    whatever field the guess had put it in."""
    if not given:
        return dict(guessed)
    used = {i for columns in given.values() for i in columns}
    result: Mapping = {}
    for field, columns in guessed.items():
        if field in given:
            continue
        kept = [i for i in columns if i not in used]
        if kept:
            result[field] = kept
    result.update(given)
    return result


_PHONE_SPLIT = re.compile(r"\s*:::\s*|[;\n]|,(?=\s*\+)")
_MANY = re.compile(r"[;\n]|:::|,\s*\+")
#: several addresses in one e-mail cell: the first is kept
_EMAILS = re.compile(r"\s*(?::::|[;,\n])\s*")


def cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def contact_row(line: int, cells: Sequence[str], mapping: Mapping) -> Row:
    return contact_reader(mapping)(line, cells)


_VALUE = re.compile(r"^phone_(\d+)_value$")
_NOT_CALLABLE_LABEL = re.compile(r"fax|pager|факс|пейджер", re.IGNORECASE)


def phone_labels(headers: Sequence[str]) -> dict[int, int]:
    """Google's ``Phone N - Value`` column → its ``Phone N - Label`` (or ``- Type``) column, which
    says per row whether the number is a fax."""
    normed = [norm(h) for h in headers]
    labels: dict[int, int] = {}
    for i, h in enumerate(normed):
        m = _VALUE.match(h)
        if m is not None:
            for name in (f"phone_{m[1]}_label", f"phone_{m[1]}_type"):
                if name in normed:
                    labels[i] = normed.index(name)
                    break
    return labels


def missing(mapping: Mapping, content: str) -> list[str]:
    """The fields a file of ``content`` cannot be imported without, that ``mapping`` lacks."""
    if content == "calls":
        needed = [f for f in ("number", "direction") if f not in mapping]
        if "started" not in mapping and "date" not in mapping:
            needed.insert(1, "started")
        return needed
    return [] if "phone" in mapping else ["phone"]


def contact_reader(
    mapping: Mapping, labels: dict[int, int] | None = None
) -> Callable[[int, Sequence[str]], Row]:
    """A function that reads one row of cells as a contact, the mapping worked out once (it
    runs for every row of a file that may have a hundred thousand). ``labels``: see
    :func:`phone_labels`; a number labelled as a fax or a pager is left out."""
    phones = [(i, (labels or {}).get(i)) for i in mapping.get("phone", [])]
    simple = [
        (field, indexes[0])
        for field, indexes in mapping.items()
        if field not in ("phone", "name", "first_name", "middle_name", "last_name")
    ]
    whole = mapping["name"][0] if "name" in mapping else None
    parts = [mapping[f][0] for f in ("first_name", "middle_name", "last_name") if f in mapping]
    split = _PHONE_SPLIT.split

    def read(line: int, cells: Sequence[str]) -> Row:
        size = len(cells)
        row = Row(line=line)
        for i, label in phones:
            value = cells[i].strip() if i < size else ""
            if value and label is not None and label < size and _NOT_CALLABLE_LABEL.search(cells[label]):
                continue
            if value:
                if _MANY.search(value):
                    row.phones.extend(p for p in split(value) if p.strip())
                else:
                    row.phones.append(value)
        for field, i in simple:
            value = cells[i].strip() if i < size else ""
            if value:
                setattr(row, field, unescape(value) if value[0] == "'" else value)
        if row.email and _EMAILS.search(row.email):  # Google: "a@x.example ::: b@y.example"
            row.email = next((e for e in _EMAILS.split(row.email) if e), "")
        if "\r" in row.notes:  # Outlook's notes end their lines in CRLF, as vCards may
            row.notes = row.notes.replace("\r\n", "\n").replace("\r", "\n")
        name = cells[whole].strip() if whole is not None and whole < size else ""
        if not name and parts:
            name = " ".join(v for v in (cells[i].strip() for i in parts if i < size) if v)
        if name:
            row.name = " ".join((unescape(name) if name[0] == "'" else name).split())
        return row

    return read


#: a cell a spreadsheet would run: = @ tab CR first, + or - before anything but a plain number
#: (``+74993224685``, ``-5``; ``+7-916-…`` is a sum to Excel), or a guard already there
FORMULA = re.compile(r"^[=@\t\r]|^[+-](?!\d+$)|^'[=+\-@\t\r]")


def unescape(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas (``transfer.guarded``): ``'=SUM…``
    → ``=SUM…``. An apostrophe before anything the guard would not have guarded stays."""
    if value[:1] == "'" and FORMULA.match(value[1:]):
        return value[1:]
    return value
