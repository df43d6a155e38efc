"""The command line: the front door for softphone hooks, scripts and people.

Every command goes through ``Desk``, as the window does. Bad input exits with status 2
and one line on stderr; nothing is written in that case.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from companion import i18n
from companion.card import CallbackInfo, CallInfo, Card
from companion.config import DB_FILE, DEMO_FILE, Settings, data_dir, default_database, load_settings
from companion.desk import BadInput, Desk
from companion.i18n import translate
from companion.ipc import Event, MessageError, usable
from companion.launch import HOOK_COMMANDS, URL_SCHEMES
from companion.method import (
    KIND_TITLES,
    OUTCOME_NAMES,
    QT_TRANSLATE_NOOP,
    STATUS_NAMES,
    TEMPERATURE_NAMES,
    Outcome,
    Status,
)

EXIT_BAD_INPUT = 2
#: commands that only read: they never create a database file
READ_ONLY_COMMANDS = ("lookup", "callbacks", "export", "status")
#: what works with the team database away: cards from this computer's last knowledge, outcomes
#: kept in its outbox (companion.offline)
OFFLINE_COMMANDS = (None, "window", "lookup", "log", "incoming", "outgoing", "answered", "ended")
DB_ACTIONS = ("backup", "restore", "migrate-to")


#: argparse's own words (usage, headings, its error messages), in the context lupdate files them
#: under; argparse looks them up through its module's ``_``/``ngettext`` at the time it speaks
ARGPARSE_TEXTS = (
    QT_TRANSLATE_NOOP("argparse", "usage: "),
    QT_TRANSLATE_NOOP("argparse", "positional arguments"),
    QT_TRANSLATE_NOOP("argparse", "options"),
    QT_TRANSLATE_NOOP("argparse", "show this help message and exit"),
    QT_TRANSLATE_NOOP("argparse", "the following arguments are required: %s"),
    QT_TRANSLATE_NOOP("argparse", "unrecognized arguments: %s"),
    QT_TRANSLATE_NOOP("argparse", "invalid choice: %(value)r (choose from %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "argument %(argument_name)s: %(message)s"),
    QT_TRANSLATE_NOOP("argparse", "expected one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at most one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at least one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s argument"),
    QT_TRANSLATE_NOOP("argparse", "expected %s arguments"),
    QT_TRANSLATE_NOOP("argparse", "invalid %(type)s value: %(value)r"),
    QT_TRANSLATE_NOOP("argparse", "ambiguous option: %(option)s could match %(matches)s"),
    QT_TRANSLATE_NOOP("argparse", "ignored explicit argument %r"),
    QT_TRANSLATE_NOOP("argparse", "not allowed with argument %s"),
    QT_TRANSLATE_NOOP("argparse", "one of the arguments %s is required"),
    QT_TRANSLATE_NOOP("argparse", "unexpected option string: %s"),
)


def _argparse_text(text: str) -> str:
    return translate("argparse", text)


def _argparse_plural(singular: str, plural: str, n: int) -> str:
    return translate("argparse", singular if n == 1 else plural)


class _UsageError(Exception):
    """A mistake on the command line, raised instead of exiting so that it can be said again
    in the person's language (the language is only loaded when there is something to say)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message} " + translate("cli", "(see --help)"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="companion",
        description=translate("cli", "Call Companion: what kind of call this is, and one click to log it."),
    )
    _global_options(parser, default=None)
    # the global options work after the command too (`companion lookup 8499… --region RU`):
    # there they default to SUPPRESS, so they never reset a value given before the command
    common = _Parser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    p = command("lookup", help=translate("cli", "show the card for a number (writes nothing)"))
    p.add_argument("number")
    p.add_argument(
        "--direction", default="in", help=translate("cli", "in (ringing) or out (dialling); default in")
    )
    p.add_argument("--json", action="store_true", help=translate("cli", "print one JSON object"))

    p = command("log", help=translate("cli", "record a complete call with its outcome"))
    p.add_argument("number")
    p.add_argument("--direction", required=True, help=translate("cli", "in or out"))
    p.add_argument("--outcome", required=True, help=", ".join(o.value for o in Outcome))
    p.add_argument("--note", default="")
    p.add_argument("--at", help=translate("cli", "when the call was (ISO 8601; default now)"))
    p.add_argument(
        "--callback-at", help=translate("cli", "with --outcome callback: when to call back (ISO 8601)")
    )
    p.add_argument(
        "--promise", default="", help=translate("cli", "with --outcome callback: what was promised")
    )
    p.add_argument("--kind", help=translate("cli", "override the kind of call (e.g. referral)"))
    p.add_argument("--referred-by", help=translate("cli", "who recommended us (makes the caller a referral)"))
    p.add_argument("--json", action="store_true")

    for name, text in (
        ("incoming", translate("cli", "the number is ringing in (softphone hook): the card in the window")),
        (
            "outgoing",
            translate("cli", "the number is being dialled (softphone hook): the card in the window"),
        ),
    ):
        p = command(name, help=text)
        p.add_argument("number", nargs="?", default="")
        p.add_argument(
            "--name",
            default="",
            help=translate("cli", "the caller's display name, if the softphone gives one"),
        )
        p.add_argument(
            "--from-linphone",
            action="store_true",
            help=translate("cli", "take the caller from Linphone's command (its hook)"),
        )
        p.add_argument(
            "--json",
            action="store_true",
            help=translate("cli", "record the call and print its card here, not in the window"),
        )

    p = command("answered", help=translate("cli", "the call was answered (softphone hook)"))
    p.add_argument("number", nargs="?", default="")
    p.add_argument("--name", default="", help=argparse.SUPPRESS)

    p = command("ended", help=translate("cli", "the call ended (records its duration)"))
    p.add_argument("number", nargs="?", default=None)
    p.add_argument("--name", default="", help=argparse.SUPPRESS)

    # how a hook that found no window starts one showing its call (not for people)
    p = command("window")
    p.add_argument("--call", type=int, default=None)

    # how a packaged window writes its place-name tables (companion.places), not for people
    p = command("places-cache")
    p.add_argument("file")

    p = command("callbacks", help=translate("cli", "open callbacks, overdue first"))
    p.add_argument("--due", action="store_true", help=translate("cli", "only those due now or overdue"))
    p.add_argument("--json", action="store_true")

    p = command(
        "import", help=translate("cli", "import contacts (CSV, Excel, vCard) or a call history from a file")
    )
    p.add_argument("file")
    p.add_argument(
        "--format",
        choices=("csv", "xlsx", "vcard", "calls"),
        default=None,
        help=translate("cli", "what the file is (default: read from its contents)"),
    )
    p.add_argument(
        "--familiarity",
        choices=("personal", "company", "none"),
        default="company",
        help=translate(
            "cli", "how well people in the file know you, where a row does not say (default company)"
        ),
    )
    p.add_argument(
        "--map", help=translate("cli", "FIELD=COLUMN,… for columns with other names (e.g. phone=Tel)")
    )
    p.add_argument("--json", action="store_true")

    p = command(
        "export",
        help=translate("cli", "export calls or contacts to CSV (contacts to vCard: a FILE ending in .vcf)"),
    )
    p.add_argument("what", choices=("calls", "contacts"))
    p.add_argument("file")

    p = command(
        "demo",
        help=translate("cli", "open the demo database (created with sample people and calls if none exists)"),
    )
    p.add_argument(
        "--print",
        action="store_true",
        help=translate("cli", "print a card of every kind instead of the window"),
    )

    command("status", help=translate("cli", "what is in the database, and the calls still to log"))

    p = command(
        "db",
        help=translate(
            "cli",
            "back up the database to FILE, restore it from a backup FILE, or copy it into a team "
            "database (migrate-to URL)",
        ),
    )
    p.add_argument("action", choices=DB_ACTIONS, help=translate("cli", "backup, restore or migrate-to"))
    p.add_argument(
        "file",
        metavar="FILE|URL",
        help=translate(
            "cli",
            "the backup file; for migrate-to, the team database "
            "(postgresql://user:password@host:5432/name) or another database file",
        ),
    )
    return parser


def _language(argv: Sequence[str], settings: Settings) -> str:
    """The language asked for on the command line (``--lang ru``, ``--lang=ru``), else the
    settings', else the OS's: read by hand, because it is needed before argparse speaks."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in i18n.LANGUAGES:
            return value
    return settings.resolved().lang


def _speak(lang: str) -> bool:
    """Install ``lang`` for the command line's own words too; False for English or none."""
    if lang == "en" or not i18n.install(lang):
        return False
    argparse._ = _argparse_text  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_plural  # type: ignore[attr-defined]
    return True


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        default=default,
        help=translate(
            "cli",
            "database file or URL (default: $COMPANION_DB, then the team database in Settings, "
            "then the data folder)",
        ),
    )
    parser.add_argument(
        "--region", default=default, help=translate("cli", "default region for national numbers, e.g. RU, US")
    )
    parser.add_argument(
        "--rep", default=default, help=translate("cli", "your name as the rep (default: the OS user name)")
    )
    parser.add_argument(
        "--lang", default=default, choices=i18n.LANGUAGES, help=translate("cli", "language of the output")
    )


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    *,
    offered: bool = False,
    alone: bool = False,
) -> int:
    """``offered``: the quick path of ``launch`` has just offered this event to a window and
    none took it (it is not offered, nor waited for, twice); ``alone``: the window that is open
    runs on another database, so a call is recorded and printed here, with no window."""
    out = out or sys.stdout
    args_list = list(sys.argv[1:] if argv is None else argv)
    url_args = _url_as_command(args_list)
    settings = load_settings()
    if any(a in ("-h", "--help") for a in url_args):  # help is read: say it in the person's language
        _speak(_language(url_args, settings))
    try:
        args = build_parser().parse_args(url_args)
    except _UsageError as first:
        message = str(first)
        if _speak(_language(url_args, settings)):
            try:
                build_parser().parse_args(url_args)
            except _UsageError as again:
                message = str(again)
        print(message, file=sys.stderr)
        return EXIT_BAD_INPUT
    args.link = url_args != args_list
    args.alone = alone
    overrides = {k: v for k, v in (("region", args.region), ("rep", args.rep), ("lang", args.lang)) if v}
    settings = Settings(**{**settings.__dict__, **overrides}).resolved()
    if args.region and not _known_region(args.region):
        return _fail(
            translate("cli", "Unknown region {code}: use a two-letter country code such as RU or US.").format(
                code=args.region
            )
        )
    wants_window = args.command in HOOK_COMMANDS and not getattr(args, "json", False)
    if (wants_window or args.command is None) and not offered:
        handed = _hand_over(args)
        if handed is not None:
            return handed
    window = args.command in (None, "window") or (args.command == "demo" and not args.print)
    if settings.lang != "en" and not window:
        i18n.install(settings.lang)
    target = args.db or (str(data_dir() / DEMO_FILE) if args.command == "demo" else default_database())
    from peewee import DatabaseError

    from companion.store import StoreError, is_url, open_database

    if args.command == "db":  # before opening: a restore may replace a damaged or newer file
        return _db(args, target, out, settings)
    if args.command == "places-cache":
        from companion import places

        try:
            places.build(Path(args.file))
        except (OSError, sqlite3.Error) as exc:
            return _fail(translate("cli", "Cannot write {file}: {why}.").format(file=args.file, why=exc))
        return 0
    if args.command in READ_ONLY_COMMANDS and not is_url(target) and not Path(target).exists():
        target = ":memory:"  # nothing recorded yet: answer as an empty database, create no file
    reopen = None
    try:
        database = open_database(target)
    except StoreError as exc:
        from companion.offline import is_unreachable

        if not (is_url(target) and args.command in OFFLINE_COMMANDS and is_unreachable(exc)):
            return _fail(str(exc))
        from companion.store.models import db

        database = db.obj  # bound, not connected: every use tries the server again

        def reopen() -> object:
            return open_database(target)

    try:
        desk = _desk(settings, target, reopen)
        return _run(args, desk, out, target)
    except (BadInput, StoreError) as exc:
        return _fail(str(exc))
    except DatabaseError as exc:  # locked, disk full, damaged: any transaction was rolled back
        return _fail(translate("cli", "{db}: cannot use this database ({why}).").format(db=target, why=exc))
    finally:
        database.close()


def _run(args: argparse.Namespace, desk: Desk, out: TextIO, target: str) -> int:
    command = args.command
    if command == "lookup":
        card = desk.lookup(args.number, args.direction)
        _print_card(card, out, as_json=args.json)
    elif command in ("incoming", "outgoing"):
        windowed = not args.json and not args.alone and usable()
        if args.link and windowed:  # a phone link with no window: this process becomes it
            return _window(desk, target, pending=_event(args))
        # recorded here and now, so the call is kept whatever becomes of the window
        card = desk.begin_call(_event(args).caller, "in" if command == "incoming" else "out")
        # a window in its own process shows it: the softphone waits for this one to exit
        if windowed and card.call_id is not None and _start_window(args, card.call_id):
            return 0
        # the team database is away, so there is no record to show: start the window and hand
        # it the call itself (it shows the offline card and keeps the outcome)
        offline = windowed and card.call_id is None and getattr(desk, "offline", False)
        if offline and _start_window(args, None) and _hand_over_when_up(args):
            return 0
        _print_card(card, out, as_json=args.json)
    elif command == "answered":
        print(translate("cli", "No window is open: nothing to show."), file=out)
    elif command == "ended":
        call = desk.end_call(args.number)
        if call is None:
            return _fail(translate("cli", "No call in progress to end."))
        print(translate("cli", "Call ended after {s} s.").format(s=call.duration_seconds or 0), file=out)
    elif command == "log":
        logged = desk.log(
            args.number,
            args.direction,
            args.outcome,
            note=args.note,
            at=_time(args.at, "--at"),
            callback_at=_time(args.callback_at, "--callback-at"),
            promise=args.promise,
            kind=args.kind,
            referred_by=args.referred_by,
        )
        if args.json:
            _print_json(logged.to_json(), out)
        elif logged.queued:
            waiting = desk.waiting() if hasattr(desk, "waiting") else 1
            print(
                translate(
                    "cli",
                    "Saved on this computer: the team database cannot be reached. It is sent when "
                    "the server is back ({n} waiting; the window sends them, or the next log).",
                ).format(n=waiting),
                file=out,
            )
        else:
            _print_logged(logged.call, logged.status_after, logged.callback, out)
    elif command == "callbacks":
        items = desk.callbacks(due_only=args.due)
        if args.json:
            _print_json([c.to_json() for c in items], out)
        else:
            _print_callbacks(items, out)
    elif command == "import":
        return _import(args, desk, out)
    elif command == "export":
        from companion.transfer import export_calls, export_contacts

        path = Path(args.file)
        if args.what == "calls" and path.suffix.lower() in (".vcf", ".vcard"):
            return _fail(translate("cli", "Calls are exported to CSV only; name the file .csv."))
        count = (export_calls if args.what == "calls" else export_contacts)(desk, path)
        print(translate("cli", "Exported {n} rows to {path}.").format(n=count, path=path), file=out)
    elif command == "demo":
        from companion.demo import DEMO_TOUR, fill_demo

        if fill_demo(desk):
            print(translate("cli", "Demo database created with sample people and calls."), file=out)
        if not args.print:
            return _window(desk, target, demo=True)
        for raw, direction in DEMO_TOUR:
            print(file=out)
            _print_card(desk.lookup(raw, direction), out, as_json=False)
    elif command == "status":
        _print_status(desk, out)
    elif command == "window":
        return _window(desk, target, call_id=args.call)
    else:
        return _window(desk, target)
    return 0


def _desk(settings: Settings, target: str, reopen: Callable[[], object] | None) -> Desk:
    """The plain desk; for a team database, the one that keeps clicks while it is away."""
    from companion.store import is_url

    if not is_url(target):
        return Desk(settings)
    from companion.offline import TeamDesk
    from companion.outbox import Outbox, file_for

    return TeamDesk(settings, Outbox(file_for(target, data_dir())), reopen=reopen)


def _window(
    desk: Desk, database: str, demo: bool = False, pending: Event | None = None, call_id: int | None = None
) -> int:
    """Open the window on this desk (the database stays open until it closes); when another
    window of this user is already open, hand it the event instead."""
    try:
        from companion.ui.app import run_window
    except ImportError as exc:  # Qt's libraries missing on this machine
        return _fail(translate("cli", "The window cannot start: {why}.").format(why=exc))
    from companion.config import save_settings
    from companion.store.backups import daily_task

    return run_window(
        desk,
        load_settings(),
        save_settings,
        database=database,
        demo=demo,
        pending=pending,
        call_id=call_id,
        backup=None if demo else daily_task(database),  # the demo's sample data needs none
    )


# --- handing events to the window ----------------------------------------------------------


def _event(args: argparse.Namespace) -> Event:
    command = "show" if args.command is None else args.command
    number, name = getattr(args, "number", None) or "", getattr(args, "name", "")
    if getattr(args, "from_linphone", False):
        from companion.launch import linphone_caller

        number, name = linphone_caller()
    db = None
    if args.db:
        from companion.launch import absolute

        db = absolute(args.db)
    return Event(command, number=number, name=name, db=db, link=args.link)


def _hand_over(args: argparse.Namespace) -> int | None:
    """Give the event to the running window: an exit status, or None when none runs."""
    from companion.launch import hand_over

    try:
        reply = hand_over(_event(args))
    except MessageError as exc:
        return _fail(str(exc))
    if reply is None:
        return None
    if reply.elsewhere and args.command in HOOK_COMMANDS:
        args.alone = True  # the open window is on another database: the call is ours to keep
        return None
    return 0 if reply.ok else _fail(reply.error)


def _hand_over_when_up(args: argparse.Namespace, seconds: float = 5.0) -> bool:
    """Hand the event to a window this hook has just started, once it listens."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _hand_over(args) == 0:
            return True
        time.sleep(0.1)
    return False


def _start_window(args: argparse.Namespace, call_id: int | None) -> bool:
    """Start the window in its own process (showing this call, if it was recorded), and leave
    it running: the softphone that runs this hook waits for us to exit."""
    import subprocess

    from companion.integrations.dial import detached

    argv = [*_self_command()]
    for option in ("db", "region", "rep", "lang"):
        value = getattr(args, option)
        if value:
            argv += [f"--{option}", value]
    argv += ["window"] if call_id is None else ["window", "--call", str(call_id)]
    try:
        subprocess.Popen(argv, **detached())
    except OSError:
        return False
    return True


def _self_command() -> list[str]:
    """This program: the frozen executable, or this Python (windowless on Windows) and ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    python = Path(sys.executable)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        windowless = python.with_name("pythonw.exe")
        if windowless.exists():
            python = windowless
    return [str(python), "-m", "companion"]


def _db(args: argparse.Namespace, target: str, out: TextIO, settings: Settings) -> int:
    """``db backup FILE`` / ``db restore FILE``: a database file only, through SQLite's backup
    API; the database is not opened as the other commands open it (nor created, nor migrated
    in place before a restore). ``db migrate-to URL``: see ``_migrate_to``."""
    from companion.store import StoreError, is_url
    from companion.store.backups import backup_to, restore

    if args.action == "migrate-to":  # from the rep's own file, even once the settings name a team's
        return _migrate_to(args.db or personal_database(), args.file, out, settings)
    if is_url(target):
        return _fail(
            translate(
                "cli", "db {action} works on a database file; back up a team database on its server."
            ).format(action=args.action)
        )
    try:
        if args.action == "backup":
            made = backup_to(target, Path(args.file))
            print(translate("cli", "Backed up {db} to {file}.").format(db=target, file=made), file=out)
            return 0
        done = restore(target, Path(args.file))
    except StoreError as exc:
        return _fail(str(exc))
    if done.kept is not None:
        text = translate("cli", "Restored {db} from {file}; the database it replaced is kept in {kept}.")
    else:
        text = translate("cli", "Restored {db} from {file}.")
    print(text.format(db=target, file=args.file, kept=done.kept), file=out)
    return 0


def personal_database() -> str:
    """The rep's own history: ``COMPANION_DB``, else the file in the data folder; not the team
    database of the settings (``default_database``), which is where a migration goes."""
    return os.environ.get("COMPANION_DB") or str(data_dir() / DB_FILE)


def _migrate_to(source: str, url: str, out: TextIO, settings: Settings) -> int:
    """``db migrate-to URL``: the history in the database file (``--db``, else
    ``personal_database``) copied into the database at URL, in one transaction there; the file
    is only read. A second run finds everything there and copies nothing."""
    from companion.paths import without_password
    from companion.store import StoreError, is_url
    from companion.store.merge import copy_into

    if is_url(source):
        return _fail(
            translate(
                "cli", "db migrate-to copies a database file into URL; {db} is a team database already."
            ).format(db=without_password(source))
        )
    try:
        report = copy_into(Path(source), url, rep=settings.rep)
    except StoreError as exc:
        return _fail(str(exc))
    print(
        translate(
            "cli",
            "Copied {db} into {target}. New: contacts {contacts}, numbers {numbers}, calls {calls}, "
            "callbacks {callbacks}.",
        ).format(
            db=source,
            target=report.target,
            contacts=report.contacts.created,
            numbers=report.phones.created,
            calls=report.calls.created,
            callbacks=report.callbacks.created,
        ),
        file=out,
    )
    if report.matched or report.skipped:
        print(
            translate(
                "cli",
                "Already there: contacts {contacts}, numbers {numbers}, calls {calls}, callbacks "
                "{callbacks}; rows completed: {filled}; duplicates joined: {joined}.",
            ).format(
                contacts=report.contacts.matched,
                numbers=report.phones.matched,
                calls=report.calls.matched,
                callbacks=report.callbacks.matched,
                filled=report.updated,
                joined=report.skipped,
            ),
            file=out,
        )
    return 0


def _import(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    from companion.importers import ImportFileError, import_file, parse_mapping

    try:
        mapping = parse_mapping(args.map) if args.map else {}
        report = import_file(
            desk, Path(args.file), familiarity=args.familiarity, fmt=args.format, columns=mapping
        )
    except ImportFileError as exc:
        return _fail(str(exc))
    if args.json:
        _print_json(report.to_json(), out)
    else:
        print(report.summary(), file=out)
        for line in report.problems:
            print(f"  {line}", file=out)
    return 0


# --- printing ----------------------------------------------------------------------------


def _print_card(card: Card, out: TextIO, *, as_json: bool) -> None:
    if as_json:
        _print_json(card.to_json(), out)
        return
    temp = translate("method", TEMPERATURE_NAMES[card.temperature]).upper()
    print(f"{card.title}  [{temp}]", file=out)
    print(f"  {card.reminder}", file=out)
    if card.contact is not None:
        c = card.contact
        parts = [c.name or translate("cli", "(no name)")]
        if c.company:
            parts.append(c.company)
        parts.append(translate("method", STATUS_NAMES[Status(c.status)]))
        print("  " + " · ".join(parts), file=out)
    elif card.candidates:
        names = ", ".join(c.display_name for c in card.candidates)
        print("  " + translate("cli", "Shared by: {names}").format(names=names), file=out)
    else:
        print("  " + translate("cli", "Not in your contacts."), file=out)
    n = card.number
    line = [n.human or n.input or translate("cli", "(no number)")]
    if n.place:
        line.append(n.place)
    if n.local_time is not None:
        line.append(translate("cli", "their time {t}").format(t=n.local_time.strftime("%H:%M")))
    print("  " + " · ".join(line), file=out)
    for w in card.warnings:
        print(f"  ! {w.text}", file=out)
    for text in card.context:
        print(f"  · {text}", file=out)
    if card.history:
        print("  " + translate("cli", "Last calls:"), file=out)
        for call in card.history[:5]:
            print("    " + _call_line(call), file=out)


def _call_line(call: CallInfo) -> str:
    outcome = (
        translate("method", OUTCOME_NAMES[Outcome(call.outcome)])
        if call.outcome
        else translate("cli", "not logged")
    )
    arrow = "→" if call.direction.value == "out" else "←"
    text = f"{call.at.astimezone():%Y-%m-%d %H:%M} {arrow} {call.rep}: {outcome}"
    return text + (f" — {call.note}" if call.note else "")


def _print_logged(call: CallInfo, status: str | None, callback: CallbackInfo | None, out: TextIO) -> None:
    outcome = translate("method", OUTCOME_NAMES[Outcome(call.outcome or "talked")])
    text = translate("cli", "Logged: {outcome} ({kind}).").format(
        outcome=outcome, kind=translate("method", KIND_TITLES[call.kind])
    )
    if status:
        text += " " + translate("cli", "Status: {status}.").format(
            status=translate("method", STATUS_NAMES[Status(status)])
        )
    print(text, file=out)
    if callback is not None:
        print(
            translate("cli", "Callback due {due}.").format(due=f"{callback.due.astimezone():%Y-%m-%d %H:%M}"),
            file=out,
        )
        if callback.shifted_from is not None:
            print(callback.shift_note, file=out)


def _print_callbacks(items: list[CallbackInfo], out: TextIO) -> None:
    if not items:
        print(translate("cli", "No open callbacks."), file=out)
        return
    for cb in items:
        mark = "!" if cb.overdue else " "
        who = cb.contact_name or cb.number or ""
        line = f"{mark} {cb.due.astimezone():%Y-%m-%d %H:%M}  {who}  {cb.number or ''}"
        if cb.local_due is not None and cb.local_due.utcoffset() != cb.due.astimezone().utcoffset():
            line += "  " + translate("cli", "({time} their time)").format(time=f"{cb.local_due:%H:%M}")
        if cb.promise:
            line += f" — {cb.promise}"
        print(line.rstrip(), file=out)


def _print_status(desk: Desk, out: TextIO) -> None:
    counts = desk.counts()
    print(
        translate("cli", "{contacts} contacts, {calls} calls, {open_callbacks} open callbacks.").format(
            **counts
        ),
        file=out,
    )
    todo = desk.unlogged(limit=10)
    if todo:
        print(translate("cli", "To log:"), file=out)
        for call in todo:
            print("  " + _call_line(call), file=out)
    print(translate("cli", "Try: companion lookup NUMBER · companion --help"), file=out)


# --- parsing helpers ---------------------------------------------------------------------


GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--region", "--rep", "--lang")


def _url_as_command(argv: list[str]) -> list[str]:
    """``companion [--db X …] tel:+7…`` is an outgoing call: rewrite it as ``outgoing tel:+7…``."""
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            skip = arg in GLOBAL_OPTIONS_WITH_VALUE  # its value comes next, not the command
            continue
        if arg.lower().startswith(URL_SCHEMES):
            return [*argv[:i], "outgoing", *argv[i:]]
        break
    return argv


def _time(text: str | None, flag: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(
            translate("cli", "{flag}: {text!r} is not a date and time like 2026-11-28T15:30.").format(
                flag=flag, text=text
            )
        ) from None


def _known_region(code: str) -> bool:
    import phonenumbers

    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def _fail(message: str) -> int:
    """One line on stderr, whatever the message (driver errors can span several lines)."""
    print("companion: " + " ".join(message.split()), file=sys.stderr)
    return EXIT_BAD_INPUT


def _print_json(value: object, out: TextIO) -> None:
    """One JSON value per line: UTF-8 where the stream takes it, else \\u escapes (lossless)."""
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        utf = codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32")
    except LookupError:
        utf = False
    text = json.dumps(value, ensure_ascii=not utf)
    if utf and not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (bytes of the command line that were not UTF-8)
            text = json.dumps(value, ensure_ascii=True)
    print(text, file=out)


def entry(*, offered: bool = False, alone: bool = False) -> None:
    # a console or pipe in a legacy code page (cp1252, cp866) cannot show every name: show a
    # replacement character rather than fail after the work is done
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        code = main(offered=offered, alone=alone)
        sys.stdout.flush()
    except BrokenPipeError:  # `companion … | head`: the reader has what it wanted
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the process ends here
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    entry()
