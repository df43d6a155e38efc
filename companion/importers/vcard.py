"""vCard files: 2.1, 3.0 and 4.0 read into rows; one contact written as a vCard 3.0.

What phones and address books really write: 2.1 from old phones and Android (quoted-printable
values in a ``CHARSET``, bare type parameters, base64 photos that end with a blank line), 3.0 from
iOS, macOS and Google (``item1.`` groups, backslash escapes, folded lines), 4.0 with ``tel:`` URIs.
Only the name, numbers, company, e-mail and note are read; every other property is passed over
without being parsed, folded photo lines included. A value that is not valid UTF-8 is read as
windows-1251 (or its own ``CHARSET``), one value at a time, so a file that mixes both still reads.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from companion.i18n import translate
from companion.importers import ImportFileError, Row
from companion.numbers import uri_user_part

#: the properties a row is made of; all others are skipped unread
_WANTED = frozenset({"FN", "N", "ORG", "TEL", "EMAIL", "NOTE"})
#: what Call Companion writes beyond a plain card (so an export imports back to the same data)
#: → the Row field it is read into
EXTRA = {
    "X-CALLCOMPANION-STATUS": "status",
    "X-CALLCOMPANION-FAMILIARITY": "familiarity",
    "X-CALLCOMPANION-REFERRED-BY": "referred_by",
    "X-CALLCOMPANION-DO-NOT-CALL": "do_not_call",
    "X-CALLCOMPANION-SOURCE": "source",
}
_READ = _WANTED | EXTRA.keys()
#: TEL types that are no use to a salesperson's phone
_NOT_CALLABLE = re.compile(r"\b(?:FAX|PAGER)\b")
_BEGIN = re.compile(r"^[ \t]*begin[ \t]*:[ \t]*vcard[ \t]*$", re.IGNORECASE | re.MULTILINE)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPE = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";", ":": ":"}
_BAD_QP = re.compile(r"=(?![0-9A-Fa-f]{2})")
#: bytes that were not UTF-8, kept by the ``surrogateescape`` error handler
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_FOLD = (" ", "\t")
#: "BEGIN" in UTF-16 without a byte order mark, little- and big-endian
_UTF16_BEGIN = {b"b\x00e\x00g\x00i\x00n\x00": "utf-16-le", b"\x00b\x00e\x00g\x00i\x00n": "utf-16-be"}
#: a vCard 3.0 line is at most this many octets before its CRLF (RFC 2425 §5.8.1)
LINE_OCTETS = 75


@dataclass(slots=True)
class _Card:
    line: int
    v21: bool = False
    fn: str = ""
    n: list[str] = field(default_factory=list)
    org: str = ""
    phones: list[str] = field(default_factory=list)
    email: str = ""
    notes: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def row(self) -> Row:
        return Row(
            line=self.line,
            name=self.fn or _name_from_n(self.n),
            phones=self.phones,
            company=self.org,
            email=self.email,
            notes="\n".join(self.notes),
            **self.extra,
        )


def read_vcards(data: bytes, filename: str, problems: Callable[[int, str], None]) -> Iterator[Row]:
    """One row per card of ``data`` (``Row.line`` is the card's ``BEGIN:VCARD`` line).

    Raises :class:`ImportFileError` at once when the file is empty, binary or has no card at
    all; the rows themselves are read as they are asked for. A card that is unfinished or has a
    damaged value is reported to ``problems(line, text)`` and kept as far as it could be read.
    """
    text, mixed = _text(data, filename)
    if not _BEGIN.search(text):
        raise ImportFileError(
            translate("import", "{file} is not a vCard file (there is no BEGIN:VCARD in it).").format(
                file=filename
            )
        )
    return _cards(text.split("\n"), mixed, problems)


def _text(data: bytes, filename: str) -> tuple[str, bool]:
    """The file as text with LF line ends, and whether some values in it are not UTF-8 (those
    bytes are kept as surrogate escapes for :func:`_decoded` to read one value at a time)."""
    mixed = False
    utf16 = _UTF16_BEGIN.get(data[:10].lower())
    if utf16 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode(utf16 or "utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                translate("import", "{file}: damaged UTF-16 text.").format(file=filename)
            ) from None
    elif b"\x00" in data:
        text = "\x00"  # binary: refused below
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
            mixed = True
    if "\x00" in text:
        raise ImportFileError(
            translate("import", "{file} is not a vCard file (it looks binary).").format(file=filename)
        )
    if not text.strip():
        raise ImportFileError(translate("import", "{file} is empty.").format(file=filename))
    if "\r" in text:
        text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    return text, mixed


def _cards(lines: list[str], mixed: bool, problems: Callable[[int, str], None]) -> Iterator[Row]:
    card: _Card | None = None
    count = len(lines)
    i = 0
    while i < count:
        line = lines[i]
        i += 1
        if not line or line[0] in _FOLD:
            continue  # a blank line, or the folded rest of a property that is not read
        at = i  # the 1-based number of this line
        colon = line.find(":")
        if colon < 0 or '"' in line[:colon]:
            if i < count and lines[i].startswith(_FOLD):  # folded before its value even began
                line, i = _unfolded(line, lines, i, card is not None and card.v21)
            colon = _value_colon(line)
            if colon < 0:
                continue  # not a property: base64 of a 2.1 photo, or junk
        head = line[:colon]
        semi = head.find(";")
        name = head[:semi] if semi >= 0 else head
        dot = name.rfind(".")
        if dot >= 0:
            name = name[dot + 1 :]  # ``item1.TEL``: the group does not matter
        name = name.strip().upper()
        upper_params = head[semi:].upper() if semi >= 0 else ""
        qp = "QUOTED-PRINTABLE" in upper_params
        if name == "BEGIN" or name == "END":
            kind = line[colon + 1 :].strip().upper()
            if kind != "VCARD":
                continue  # AGENT's or some other nested object's edge
            if name == "BEGIN":
                if card is not None:
                    yield from _unfinished(card, problems, last=False)
                card = _Card(at)
            elif card is not None:
                yield card.row()
                card = None
            continue
        if card is None:
            continue
        if name == "VERSION":
            card.v21 = line[colon + 1 :].strip().startswith("2")
            continue
        if name == "TEL" and _NOT_CALLABLE.search(upper_params):
            continue  # a fax or a pager: nobody to talk to
        if name not in _READ:
            if qp:  # soft line breaks of a skipped value may look like anything: pass them too
                while line.endswith("=") and i < count and not _is_edge(lines[i]):
                    line = lines[i]
                    i += 1
            continue
        if i < count and (qp or lines[i].startswith(_FOLD)):
            line, i = _unfolded(line, lines, i, card.v21, qp=qp)
        value = line[colon + 1 :]
        if upper_params and (
            qp or "ENCODING" in upper_params or "CHARSET" in upper_params or "BASE64" in upper_params
        ):
            value = _decoded_param_value(value, head[semi + 1 :], name, at, problems)
        elif mixed and _NOT_UTF8.search(value):
            value = _bytes_text(value.encode("utf-8", "surrogateescape"), None, name, at, problems)
        _take(card, name, value)
    if card is not None:
        yield from _unfinished(card, problems, last=True)


def _unfolded(line: str, lines: list[str], i: int, v21: bool, *, qp: bool = False) -> tuple[str, int]:
    """``line`` with the physical lines that continue it from ``lines[i]`` on, and the index of
    the line after them. RFC 6350 folding drops the CRLF and one space or tab; vCard 2.1 folding
    keeps the white space. A quoted-printable value ending in ``=`` goes on to the next line,
    indented or not."""
    parts = [line]
    count = len(lines)
    while i < count:
        nxt = lines[i]
        if qp and parts[-1].endswith("="):
            if _is_edge(nxt):
                break
            parts[-1] = parts[-1][:-1]
            parts.append(nxt.lstrip(" \t"))
        elif nxt.startswith(_FOLD):
            parts.append(nxt if v21 else nxt[1:])
        else:
            break
        i += 1
    return "".join(parts), i


def _is_edge(line: str) -> bool:
    head = line[:11].upper().replace(" ", "")
    return head.startswith(("END:VCARD", "BEGIN:VCARD"))


def _value_colon(line: str) -> int:
    """Where the value starts: the first colon not inside a quoted parameter value."""
    colon = line.find(":")
    while colon >= 0 and line.count('"', 0, colon) % 2:
        colon = line.find(":", colon + 1)
    return colon


def _unfinished(card: _Card, problems: Callable[[int, str], None], *, last: bool) -> Iterator[Row]:
    """A card cut short: kept as far as it goes when it has a number, else skipped."""
    if last and card.phones:
        problems(
            card.line, translate("import", "the last card is not finished (no END:VCARD); kept as it is")
        )
    elif last:
        problems(
            card.line,
            translate("import", "the last card is not finished (no END:VCARD) and has no number; skipped"),
        )
    elif card.phones:
        problems(
            card.line, translate("import", "this card has no END:VCARD before the next one; kept as it is")
        )
    else:
        problems(
            card.line,
            translate("import", "this card has no END:VCARD before the next one and has no number; skipped"),
        )
    if card.phones:
        yield card.row()


def _decoded_param_value(
    value: str, params: str, name: str, line: int, problems: Callable[[int, str], None]
) -> str:
    """``value`` read by its ENCODING and CHARSET parameters (2.1 may name them bare)."""
    encoding = charset = None
    for param in params.split(";"):
        key, eq, given = param.partition("=")
        key = key.strip().upper()
        if not eq:
            if key in ("QUOTED-PRINTABLE", "BASE64", "8BIT"):
                encoding = key
        elif key == "ENCODING":
            encoding = given.strip().strip('"').upper()
        elif key == "CHARSET":
            charset = given.strip().strip('"')
    if encoding == "QUOTED-PRINTABLE":
        if _BAD_QP.search(value):
            problems(
                line,
                translate("import", "{field}: damaged quoted-printable text; read as far as it goes").format(
                    field=name
                ),
            )
        raw = binascii.a2b_qp(value.encode("utf-8", "surrogateescape"))
        return _bytes_text(raw, charset, name, line, problems)
    if encoding in ("B", "BASE64"):
        try:
            raw = base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            problems(line, translate("import", "{field}: damaged base64 text; skipped").format(field=name))
            return ""
        return _bytes_text(raw, charset, name, line, problems)
    if _NOT_UTF8.search(value):
        return _bytes_text(value.encode("utf-8", "surrogateescape"), charset, name, line, problems)
    return value


def _bytes_text(
    raw: bytes, charset: str | None, name: str, line: int, problems: Callable[[int, str], None]
) -> str:
    """``raw`` in its declared character set, else UTF-8, else windows-1251."""
    if charset:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeError):  # unknown, or a name that is not text itself
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError:
        problems(line, translate("import", "{field}: some characters could not be read").format(field=name))
        return raw.decode("cp1251", "replace")


def _take(card: _Card, name: str, value: str) -> None:
    """Keep ``value`` (as it stands in the file, escapes and all) in ``card``."""
    if name == "TEL":
        phone = _unescape(value).strip()
        if phone[:4].lower() == "tel:":
            phone = uri_user_part(phone).strip()
        if phone and phone not in card.phones:
            card.phones.append(phone)
    elif name == "FN":
        if not card.fn:
            card.fn = _one_line(_unescape(value))
    elif name == "N":
        if not card.n:
            # 3.0 and 4.0 list several middle names or suffixes with commas; 2.1 has no lists
            parts = _split(value, ";")
            if card.v21:
                card.n = [_one_line(_unescape(p)) for p in parts]
            else:
                card.n = [
                    " ".join(_one_line(_unescape(w)) for w in _split(p, ",") if w.strip()) for p in parts
                ]
    elif name == "ORG":
        if not card.org:
            card.org = _one_line(_unescape(_split(value, ";")[0]))
    elif name == "EMAIL":
        if not card.email:
            card.email = _unescape(value).strip()
    elif name in EXTRA:
        card.extra[EXTRA[name]] = _one_line(_unescape(value))
    elif name == "NOTE":
        note = _unescape(value)
        if "\r" in note:
            note = note.replace("\r\n", "\n").replace("\r", "\n")
        note = note.strip()
        if note:
            card.notes.append(note)


def _name_from_n(parts: list[str]) -> str:
    """``Family;Given;Middle;Prefix;Suffix`` the way a person writes it: "Prefix Given Middle
    Family Suffix"."""
    parts = (parts + [""] * 5)[:5]
    family, given, middle, prefix, suffix = parts
    return " ".join(p for p in (prefix, given, middle, family, suffix) if p)


def _one_line(text: str) -> str:
    text = text.strip()
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(0)), text)


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` that is not escaped; the parts keep their escapes."""
    if "\\" not in text:
        return text.split(sep)
    parts: list[str] = []
    start = i = 0
    end = len(text)
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == sep:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def write_vcard(
    *,
    name: str,
    phones: Sequence[str],
    company: str = "",
    email: str = "",
    notes: str = "",
    extra: dict[str, str] | None = None,
) -> str:
    """One contact as a vCard 3.0 (CRLF line ends, folded at 75 octets) that
    :func:`read_vcards` reads back to the same name, numbers, company, e-mail and note.
    ``extra`` (Row field → value: status, familiarity, referred_by, do_not_call, source) is
    written as ``X-CALLCOMPANION-…`` properties, which other address books keep or ignore."""
    words = name.split()
    family, given = (words[-1], " ".join(words[:-1])) if words else ("", "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + _escape(name), f"N:{_escape(family)};{_escape(given)};;;"]
    if company:
        lines.append("ORG:" + _escape(company))
    lines.extend("TEL;TYPE=VOICE:" + _escape(phone) for phone in phones)
    if email:
        lines.append("EMAIL;TYPE=INTERNET:" + _escape(email))
    if notes:
        lines.append("NOTE:" + _escape(notes))
    properties = {field_name: prop for prop, field_name in EXTRA.items()}
    for field_name, value in (extra or {}).items():
        if value:
            lines.append(f"{properties[field_name]}:{_escape(value)}")
    lines.append("END:VCARD")
    return "".join(_folded(line) for line in lines)


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _folded(line: str) -> str:
    """``line`` and its CRLF, folded so that no line is longer than 75 octets and no UTF-8
    character is cut in two."""
    raw = line.encode("utf-8")
    if len(raw) <= LINE_OCTETS:
        return line + "\r\n"
    chunks = []
    start, room = 0, LINE_OCTETS
    while len(raw) - start > room:
        cut = start + room
        while raw[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        chunks.append(raw[start:cut].decode("utf-8"))
        start, room = cut, LINE_OCTETS - 1  # the folded line's leading space counts
    chunks.append(raw[start:].decode("utf-8"))
    return "\r\n ".join(chunks) + "\r\n"


__all__ = ["LINE_OCTETS", "read_vcards", "write_vcard"]
