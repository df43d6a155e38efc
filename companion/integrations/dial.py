"""Hand a clicked ``tel:`` number on to the rep's softphone, so that the link still dials.

Call Companion is the registered ``tel:`` handler: the OS gives the link to us, we show the
outgoing card, then start the softphone with the number as one argument of a plain argument
list. Never through the OS URL handler (``QDesktopServices.openUrl``, ``xdg-open``, ``start``,
``open``): we *are* that handler, so the link would come straight back to us in a loop. And
never through a shell: no ``shell=True``, no command string; the user's command template is
split into arguments here and ``{number}`` only ever fills (part of) one of them.

A link is text from anywhere on the web, so :func:`dialable` lets through only what a phone
number is made of (``+`` first, digits, ``*``, ``#``, a ``,`` pause). ``tel:--help``,
``tel:/exit`` (a MicroSIP command), ``tel:1;touch x``, ``$(id)`` and the like are refused
before anything is started.

Modes:

- ``microsip`` — ``microsip.exe NUMBER`` (a running MicroSIP takes the call over).
- ``linphone`` — ``linphone tel:NUMBER``: the positional URI is what Linphone desktop registers
  for ``tel:`` links and what a second ``linphone`` process forwards to the running one; the
  ``--call`` option is read only when Linphone starts, so it is lost when Linphone already runs.
- ``custom`` — a command template typed in Settings, e.g.
  ``"C:\\Apps\\Soft Phone\\phone.exe" --dial {number}`` (no ``{number}``: the number is added as
  the last argument).
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from companion.i18n import translate

MODES = ("none", "microsip", "linphone", "custom")
PLACEHOLDER = "{number}"
# Longer than any phone number with its pauses and extension: not something to dial.
MAX_DIAL = 40

_VISUAL = frozenset(" -.()\u00a0")  # RFC 3966 visual separators (and spaces people type)
_DIAL_CHARS = frozenset("0123456789*#,")

_LINPHONE_MAC = ("/Applications/Linphone.app/Contents/MacOS/linphone",)


class DialError(Exception):
    """The number could not be handed to the softphone; ``str(exc)`` is a sentence for the rep."""


def dialable(number: str) -> str:
    """``number`` as the softphone should get it: ``+`` first, then digits, ``*``, ``#``, ``,``.

    Visual separators (spaces, ``-``, ``.``, brackets) are dropped; anything else — letters, a
    leading ``-`` (an option), ``/``, ``;``, quotes, ``$``, back-ticks, control characters —
    raises :class:`DialError`.
    """
    text = number.strip(" ")  # not strip(): a newline or tab is refused, never silently dropped
    if not text:
        raise DialError(translate("dial", "There is no number to dial."))
    compact = "".join(ch for ch in text if ch not in _VISUAL)
    body = compact[1:] if compact.startswith("+") else compact
    if (
        text.startswith("-")
        or not body
        or len(compact) > MAX_DIAL
        or not set(body) <= _DIAL_CHARS
        or body.startswith(",")
        or not any(ch.isdigit() for ch in body)
    ):
        raise DialError(
            translate(
                "dial", "“{number}” is not a phone number: only digits and + * # , can be dialled."
            ).format(number=_shown(text))
        )
    return compact


def _shown(text: str) -> str:
    """A hostile link's text made safe to put in a message: one line, not too long."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    return flat if len(flat) <= MAX_DIAL else flat[: MAX_DIAL - 1] + "…"


def find_program(
    mode: str,
    *,
    env: Mapping[str, str] = os.environ,
    exists: Callable[[str], bool] = os.path.exists,
    platform: str = sys.platform,
) -> str | None:
    """Where the softphone of ``mode`` is installed on this computer, or None.

    MicroSIP: ``%ProgramFiles(x86)%``, ``%ProgramFiles%``, ``%LOCALAPPDATA%`` (its per-user
    installer) ``\\MicroSIP\\microsip.exe``, then PATH. Linphone: PATH (distribution packages),
    ``/Applications/Linphone.app`` (and ``~/Applications``) on macOS, ``Program Files\\Linphone\\bin``
    on Windows. A Linphone AppImage has no fixed place: the rep chooses it in Settings.
    """
    for candidate in _candidates(mode, env, platform):
        if exists(candidate):
            return candidate
    return None


def _candidates(mode: str, env: Mapping[str, str], platform: str) -> list[str]:
    windows = platform == "win32"
    path = ntpath if windows else posixpath
    exe = ".exe" if windows else ""
    found: list[str] = []

    def under(var: str, *parts: str) -> None:
        base = env.get(var, "")
        if base:
            found.append(path.join(base, *parts))

    def on_path(name: str) -> None:
        sep = ";" if windows else ":"
        for folder in env.get("PATH", "").split(sep):
            if folder.strip():
                found.append(path.join(folder.strip().strip('"'), name + exe))

    if mode == "microsip":
        if windows:
            for var in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
                under(var, "MicroSIP", "microsip.exe")
        on_path("microsip")
    elif mode == "linphone":
        on_path("linphone")
        if platform == "darwin":
            found.extend(_LINPHONE_MAC)
            under("HOME", "Applications", "Linphone.app", "Contents", "MacOS", "linphone")
        if windows:
            for var in ("ProgramFiles", "ProgramFiles(x86)"):
                under(var, "Linphone", "bin", "linphone.exe")
    return found


def split_command(template: str, *, windows: bool | None = None) -> list[str]:
    """The argument list of a command line typed by the user (quotes removed).

    Windows rules (as ``CommandLineToArgvW``) on Windows: backslashes are kept — ``\\"`` is the
    only escape — and the program's own name ends at its closing quote. POSIX shell rules
    elsewhere (``shlex``). No variables, globs or ``~`` are expanded: nothing runs a shell.
    """
    if windows is None:
        windows = sys.platform == "win32"
    if not windows:
        try:
            return shlex.split(template, comments=False, posix=True)
        except ValueError as exc:
            raise _unreadable() from exc
    return _split_windows(template)


def _unreadable() -> DialError:
    return DialError(translate("dial", "The softphone command in Settings cannot be read: check its quotes."))


def _split_windows(line: str) -> list[str]:
    args: list[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg: list[str] = []
        quoted = False
        if not args:  # the program: quotes group, backslashes are plain path separators
            while i < n and (quoted or line[i] not in " \t"):
                if line[i] == '"':
                    quoted = not quoted
                else:
                    arg.append(line[i])
                i += 1
        else:
            while i < n and (quoted or line[i] not in " \t"):
                ch = line[i]
                if ch == "\\":
                    run = i
                    while i < n and line[i] == "\\":
                        i += 1
                    slashes = i - run
                    if i < n and line[i] == '"':
                        arg.append("\\" * (slashes // 2))
                        if slashes % 2:
                            arg.append('"')
                            i += 1
                    else:
                        arg.append("\\" * slashes)
                    continue
                if ch == '"':
                    if quoted and i + 1 < n and line[i + 1] == '"':
                        arg.append('"')  # "" inside quotes: a literal quote
                        i += 2
                        continue
                    quoted = not quoted
                else:
                    arg.append(ch)
                i += 1
        if quoted:
            raise _unreadable()
        args.append("".join(arg))


def dial_argv(mode: str, number: str, *, program: str = "", template: str = "") -> list[str] | None:
    """The argument list that makes the softphone of ``mode`` dial ``number``; None for ``none``.

    ``program`` overrides where MicroSIP/Linphone is (else :func:`find_program`); ``template`` is
    the ``custom`` command. :class:`DialError` for an unknown mode, a refused number, a softphone
    that is not installed, an empty or unreadable template.
    """
    if mode == "none":
        return None
    if mode not in MODES:
        raise DialError(translate("dial", "Unknown softphone setting “{mode}”.").format(mode=_shown(mode)))
    digits = dialable(number)
    if mode == "custom":
        args = split_command(template) if template.strip() else []
        if not args or not args[0]:
            raise DialError(
                translate("dial", "The softphone command in Settings is empty: type the command that dials.")
            )
        rest = [a.replace(PLACEHOLDER, digits) for a in args[1:]]
        if not any(PLACEHOLDER in a for a in args[1:]):
            rest.append(digits)
        return [args[0], *rest]
    name = "MicroSIP" if mode == "microsip" else "Linphone"
    exe = program.strip().strip('"') or find_program(mode)  # Explorer's "Copy as path" adds quotes
    if not exe:
        raise DialError(
            translate(
                "dial", "{name} was not found on this computer: choose its program file in Settings."
            ).format(name=name)
        )
    if mode == "microsip":
        return [exe, digits]
    return [exe, "tel:" + digits.replace("#", "%23")]  # RFC 3966: '#' is escaped in a tel: URI


def detached() -> dict[str, Any]:
    """``Popen`` options for a program that outlives us: no console, no inherited handles, its
    own session or process group (a softphone we hand a number to; a window a hook starts)."""
    options: dict[str, Any] = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "close_fds": True,
    }
    if sys.platform == "win32":  # pragma: no cover - Windows only
        options["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True
    return options


def hand_off(
    mode: str,
    number: str,
    *,
    program: str = "",
    template: str = "",
    popen: Callable[..., Any] = subprocess.Popen,
) -> list[str] | None:
    """Start the softphone dialling ``number``, detached from us; return its argv (None: ``none``).

    The child gets no console, no inherited handles and its own session/process group, so it
    outlives Call Companion and never writes into our output. A thread reaps it when it exits.
    """
    argv = dial_argv(mode, number, program=program, template=template)
    if argv is None:
        return None
    try:
        process = popen(argv, **detached())
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DialError(
            translate("dial", "The softphone could not be started ({program}): {why}.").format(
                program=argv[0], why=why
            )
        ) from exc
    wait = getattr(process, "wait", None)
    if callable(wait):  # no zombie, no "still running" ResourceWarning when it is collected
        threading.Thread(target=wait, name="softphone-reaper", daemon=True).start()
    return argv
