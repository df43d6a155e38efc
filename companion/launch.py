"""The ``companion`` executable's first steps: the quick way for softphone hooks.

A softphone waits for our process (MicroSIP freezes until it exits), so a hook event for a
running window is handed over before anything heavy is imported: this module reads the
command line by hand, asks ``ipc.deliver`` and exits. Everything else — a first start, a
``--json`` card, any other command, an argument list this reader does not know — goes to
``companion.cli``, which understands the full command line and gets there too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from companion import ipc

HOOK_COMMANDS = ("incoming", "outgoing", "answered", "ended")
URL_SCHEMES = ("tel:", "callto:", "sip:", "sips:")
#: ``companion incoming --from-linphone`` (see ``integrations/softphones.py``)
LINPHONE_FLAG = "--from-linphone"
GLOBAL_OPTIONS = ("--db", "--region", "--rep", "--lang")


def hook_event(argv: Sequence[str]) -> ipc.Event | None:
    """The event that ``argv`` asks to hand over, or None when the full CLI must read it.

    ``[--db X] [--region R] [--rep N] [--lang L]`` then nothing (raise the window), a hook
    command with at most a number and ``--name TEXT``, or one phone link.
    """
    db: str | None = None
    i = 0
    args = list(argv)
    while i < len(args) and args[i].startswith("--"):
        option, has_value, value = args[i].partition("=")
        if option not in GLOBAL_OPTIONS:
            return None
        if not has_value:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        if option == "--db":
            db = absolute(value)
        i += 1
    rest = args[i:]
    if not rest:
        return ipc.Event("show", db=db)
    command = rest[0]
    if command.lower().startswith(URL_SCHEMES):
        return ipc.Event("outgoing", number=command, db=db, link=True) if len(rest) == 1 else None
    if command not in HOOK_COMMANDS:
        return None
    number, name = "", ""
    tail = rest[1:]
    if tail == [LINPHONE_FLAG]:  # Linphone's hostile $1/$2 are read back from its shell
        number, name = linphone_caller()
        tail = []
    if tail and tail[0] == "--":  # what follows is the number, even if it starts with "-"
        if len(tail) > 2:
            return None
        number, tail = (tail[1] if len(tail) == 2 else ""), []
    if tail and tail[0] == "--name" and len(tail) >= 2:
        name, tail = tail[1], tail[2:]
    if tail and not tail[0].startswith("--"):
        number, tail = tail[0], tail[1:]
    if tail and tail[0] == "--name" and len(tail) >= 2:
        name, tail = tail[1], tail[2:]
    if tail:
        return None
    return ipc.Event(command, number=number, name=name, db=db)


def absolute(db: str) -> str:
    """The window may run in another folder: a relative database path is sent absolute."""
    if "://" in db:
        return db
    try:
        return os.path.abspath(os.path.expanduser(db))
    except ValueError:  # a NUL in "~user…": no such user; the window refuses the path in words
        return os.path.abspath(db)


def hand_over(event: ipc.Event) -> ipc.Reply | None:
    """``ipc.deliver``, waiting for a window that is still starting up; None: no window.
    The event names the database it is for (the default one unless ``--db`` said otherwise),
    so a window open on another one (the demo) does not take calls meant for this one."""
    if event.db is None:
        from companion.paths import default_database

        event = replace(event, db=absolute(default_database()))
    reply = ipc.deliver(event)
    if reply is None and ipc.window_starting():
        reply = ipc.deliver_with_retry(event, seconds=3)
    return reply


def linphone_caller() -> tuple[str, str]:
    from companion.integrations.softphones import linphone_caller_from_parent

    return linphone_caller_from_parent() or ("", "")


def entry() -> None:
    event = hook_event(sys.argv[1:])
    if event is not None:
        try:
            reply = hand_over(event)
        except ipc.MessageError:
            reply = None
        if reply is not None and reply.elsewhere and event.event != "show":
            from companion.cli import entry as full_entry

            full_entry(offered=True, alone=True)  # recorded in its own database, here
        if reply is not None:  # sent: never sent again, nor recorded here (it would be twice)
            if not reply.ok:
                print(f"companion: {reply.error}", file=sys.stderr)
            sys.exit(0 if reply.ok else 2)
    from companion.cli import entry as full_entry

    full_entry(offered=event is not None)  # no window took it: the full CLI does not ask again
