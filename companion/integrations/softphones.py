"""How each softphone is set up to call us: the exact lines to paste, and MicroSIP's ini written for us.

What each softphone does with its hook, read from its source (docs/softphones.md has the details):

- **MicroSIP** (3.19, 3.20) reads ``cmdIncomingCall``, ``cmdOutgoingCall``, ``cmdCallStart``,
  ``cmdCallEnd`` and ``cmdCallBusy`` from ``[Settings]`` in ``microsip.ini`` (255 characters at
  most). It splits the value with ``CommandLineToArgvW``, joins every part after the program again
  with single spaces (unquoted), appends one space and the caller's SIP user part, and starts the
  program with ``ShellExecuteEx`` (hidden window, no shell), waiting up to 10 s for it to exit.
  It writes all of these keys back when it quits, so the ini is only edited while it is closed.
- **Linphone** (desktop 6) runs ``[ui] command_line`` on an incoming call only, after replacing
  ``$1`` by the caller's user name and ``$2`` by the display name *as text*, through
  ``/bin/sh -c`` (``cmd.exe /C`` on Windows). Nothing the caller sends can be made safe inside a
  shell command, so the values go where the shell never reads them: a comment after ``exit``.
  The command we run reads them back from its parent shell's command line.
- **Jitsi** replaces ``${caller.uri}`` (and ``${caller.address}``, ``${caller.name}``,
  ``${caller.id}``) in its "Execute program" action and runs it with Java's
  ``Runtime.exec(String)``: no shell, split at every space, quotes not understood.

Pure Python: no Qt, no peewee. Every message for a person goes through ``translate("softphones", …)``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from companion.i18n import translate

#: MicroSIP's ini keys, and the event each one hands us. ``cmdCallBusy`` runs *instead of*
#: ``cmdCallEnd`` when a call ends as busy or declined (SIP 486, 600, 603), so it is "ended" too.
MICROSIP_EVENTS: dict[str, str] = {
    "cmdIncomingCall": "incoming",
    "cmdOutgoingCall": "outgoing",
    "cmdCallStart": "answered",
    "cmdCallEnd": "ended",
    "cmdCallBusy": "ended",
}
MICROSIP_SECTION = "Settings"
#: MicroSIP reads each value into a 256-character buffer (with its terminating NUL)
MICROSIP_MAX_VALUE = 255

#: where Linphone's substituted caller starts and how user name and display name are told apart
LINPHONE_MARK = "call-companion:"
LINPHONE_SEPARATOR = " <|> "
#: what the Linphone hook runs: ``companion incoming --from-linphone`` reads the caller from its
#: parent shell with :func:`linphone_caller_from_parent`
LINPHONE_FLAG = "--from-linphone"

#: Jitsi's placeholders for an incoming call (the only event it fills them for)
JITSI_PLACEHOLDERS = ("${caller.uri}", "${caller.address}", "${caller.name}", "${caller.id}")

#: placeholders of softphones that open a URL, as their own manuals name them
URL_PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "Ringotel": ("$caller$", "$caller_name$"),
}

HOOK_EVENTS = ("incoming", "outgoing", "answered", "ended")


class SoftphoneSetupError(Exception):
    """A setup that cannot be done; the message is for the person, already translated."""


# --- the command line that starts this install ---------------------------------------------------


def _is_windows(windows: bool | None) -> bool:
    return os.name == "nt" if windows is None else windows


def script_dirs(executable: str, *, windows: bool | None = None) -> list[Path]:
    """Where pip puts this install's console scripts: beside the interpreter first."""
    here = Path(executable).parent
    found = [here, here / "Scripts"] if _is_windows(windows) else [here]
    for scheme in (None, f"{os.name}_user"):
        try:
            path = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        if path and Path(path) not in found:
            found.append(Path(path))
    return found


def launcher_argv(
    *,
    frozen: bool | None = None,
    executable: str | None = None,
    windows: bool | None = None,
    dirs: Sequence[Path] | None = None,
    is_file: Callable[[Path], bool] = Path.is_file,
) -> list[str]:
    """The argv a softphone hook runs to reach this install.

    Frozen: the executable itself. Otherwise the console script beside this Python (on Windows
    ``companion-gui.exe`` first, which opens no console window, then ``companion.exe``; elsewhere
    ``companion``), else this Python with ``-m companion`` (``pythonw.exe`` on Windows when there).
    """
    exe = executable or sys.executable
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        return [exe]
    win = _is_windows(windows)
    names = ("companion-gui.exe", "companion.exe") if win else ("companion",)
    candidates = list(dirs) if dirs is not None else script_dirs(exe, windows=win)
    for name in names:
        for folder in candidates:
            if is_file(folder / name):
                return [str(folder / name)]
    if win:
        quiet = Path(exe).with_name("pythonw.exe")
        if Path(exe).name.lower() == "python.exe" and is_file(quiet):
            exe = str(quiet)
    return [exe, "-m", "companion"]


def command_line(argv: Sequence[str], *, windows: bool | None = None) -> str:
    """One command line for ``argv``, quoted as the OS splits it (``CommandLineToArgvW`` or sh)."""
    if _is_windows(windows):
        return subprocess.list2cmdline(list(argv))
    return shlex.join(argv)


def hook_command(argv: Sequence[str], event: str, placeholder: str, *, windows: bool | None = None) -> str:
    """The command for a softphone that substitutes ``placeholder`` into a program's arguments.

    The placeholder is left unquoted (the softphone replaces its text) after ``--``, so a caller
    ID that starts with ``-`` is read as the number, never as an option.
    """
    return f"{command_line([*argv, event, '--'], windows=windows)} {placeholder}"


# --- MicroSIP ------------------------------------------------------------------------------------


def microsip_value(argv: Sequence[str], event: str) -> str:
    """The ini value that makes MicroSIP run ``argv event -- CALLER``."""
    if not argv:
        raise ValueError("empty argv")
    for arg in argv[1:]:
        if not arg or any(c.isspace() or c == '"' for c in arg):
            raise SoftphoneSetupError(
                translate(
                    "softphones",
                    "MicroSIP passes every argument after the program unquoted, so '{argument}' "
                    "would not arrive whole. Use an install whose command has no spaces after the "
                    "program.",
                ).format(argument=arg)
            )
    value = command_line([*argv, event, "--"], windows=True)
    if len(value) > MICROSIP_MAX_VALUE:
        raise SoftphoneSetupError(
            translate(
                "softphones",
                "The command for this install is {length} characters long and MicroSIP reads at most "
                "{limit}. Install Call Companion in a folder with a shorter path.",
            ).format(length=len(value), limit=MICROSIP_MAX_VALUE)
        )
    return value


def microsip_lines(argv: Sequence[str]) -> list[str]:
    """The ``key=value`` lines for ``[Settings]`` in ``microsip.ini``, in MicroSIP's own order."""
    return [f"{key}={microsip_value(argv, event)}" for key, event in MICROSIP_EVENTS.items()]


def find_microsip_ini(
    env: Mapping[str, str] = os.environ, *, is_file: Callable[[Path], bool] = Path.is_file
) -> Path | None:
    """MicroSIP's settings file: ``%APPDATA%\\MicroSIP\\microsip.ini`` for the installed build,
    else beside ``microsip.exe`` of a portable copy in the usual folders; None when none exists."""
    candidates: list[Path] = []
    if env.get("APPDATA"):
        candidates.append(Path(env["APPDATA"]) / "MicroSIP" / "microsip.ini")
    for var in ("LOCALAPPDATA", "ProgramFiles", "ProgramFiles(x86)"):
        if env.get(var):
            candidates.append(Path(env[var]) / "MicroSIP" / "microsip.ini")
    return next((path for path in candidates if is_file(path)), None)


def microsip_running(
    *, windows: bool | None = None, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> bool:
    """Whether microsip.exe runs for this user (asked of ``tasklist``, no console window).

    False elsewhere than on Windows, and when tasklist cannot be asked.
    """
    if not _is_windows(windows):
        return False
    try:
        result = run(
            ["tasklist", "/FI", "IMAGENAME eq microsip.exe", "/FO", "CSV", "/NH"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return '"microsip.exe"' in (result.stdout or "").lower()


_NEWLINE = re.compile(r"(\r\n|\n|\r)")


def _decode_ini(data: bytes) -> str:
    """An ini's text, whatever it was saved as: UTF-16 with or without BOM, UTF-8, the ANSI page."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and data[0::2].count(0) == 0:
        return data.decode("utf-16-le")  # UTF-16 that lost its BOM
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # MicroSIP converts a BOM-less file from the ANSI code page when it starts
        return data.decode("mbcs" if os.name == "nt" else "cp1252", errors="replace")


def _section_name(line: str) -> str | None:
    text = line.strip()
    if text.startswith("[") and "]" in text:
        return text[1 : text.index("]")].strip()
    return None


def _key_name(line: str) -> str | None:
    text = line.lstrip()
    if not text or text[0] in ";#" or "=" not in text:
        return None
    return text.split("=", 1)[0].strip()


def set_ini_values(text: str, section: str, values: Mapping[str, str]) -> str:
    """``text`` with ``values`` set in ``section`` (names compared as Windows does: ignoring case).

    The first line of a key is replaced, later duplicates dropped (Windows reads the first only),
    missing keys added at the end of the section, a missing section appended. Every other line,
    comment and line ending stays as it was.
    """
    parts = _NEWLINE.split(text)
    lines = parts[0::2]
    ends = [*parts[1::2], ""]
    newline = next((end for end in ends if end), "\r\n")
    if lines == [""]:
        lines, ends = [], []
    elif lines[-1] == "":  # the text ended with a line break
        lines.pop()
        ends.pop()
        ends[-1] = ends[-1] or newline
    wanted = {key.lower(): (key, value) for key, value in values.items()}
    start = next(
        (i for i, line in enumerate(lines) if (_section_name(line) or "").lower() == section.lower()), None
    )
    if start is None:
        if lines and not ends[-1]:
            ends[-1] = newline
        lines.append(f"[{section}]")
        ends.append(newline)
        for key, value in values.items():
            lines.append(f"{key}={value}")
            ends.append(newline)
        return "".join(line + end for line, end in zip(lines, ends, strict=True))
    stop = next((i for i in range(start + 1, len(lines)) if _section_name(lines[i]) is not None), len(lines))
    out_lines, out_ends = lines[: start + 1], ends[: start + 1]
    done: set[str] = set()
    for line, end in zip(lines[start + 1 : stop], ends[start + 1 : stop], strict=True):
        name = (_key_name(line) or "").lower()
        if name in wanted:
            if name in done:
                continue
            done.add(name)
            key, value = wanted[name]
            line = f"{key}={value}"
        out_lines.append(line)
        out_ends.append(end)
    missing = [wanted[name] for name in wanted if name not in done]
    if missing:
        at = len(out_lines)
        while at > start + 1 and not out_lines[at - 1].strip():
            at -= 1  # keep the blank lines that separate this section from the next
        if not out_ends[at - 1]:
            out_ends[at - 1] = newline
        for offset, (key, value) in enumerate(missing):
            out_lines.insert(at + offset, f"{key}={value}")
            out_ends.insert(at + offset, newline)
    out_lines += lines[stop:]
    out_ends += ends[stop:]
    return "".join(line + end for line, end in zip(out_lines, out_ends, strict=True))


def read_ini_values(ini: Path, section: str = MICROSIP_SECTION) -> dict[str, str]:
    """The keys of ``section`` (first of each, names as written) as Windows would read them."""
    try:
        text = _decode_ini(ini.read_bytes())
    except OSError as exc:
        raise SoftphoneSetupError(_unreadable(ini, exc)) from exc
    values: dict[str, str] = {}
    inside = False
    for line in _NEWLINE.split(text)[0::2]:
        name = _section_name(line)
        if name is not None:
            inside = name.lower() == section.lower()
            continue
        key = _key_name(line)
        if inside and key is not None and key.lower() not in {k.lower() for k in values}:
            value = line.split("=", 1)[1].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]  # GetPrivateProfileString drops one pair of enclosing quotes
            values[key] = value
    return values


def _unreadable(ini: Path, exc: OSError) -> str:
    return translate("softphones", "Could not read MicroSIP's settings file {path}: {error}").format(
        path=ini, error=exc.strerror or exc
    )


def _backup_path(ini: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = ini.with_name(f"{ini.name}.{stamp}.bak")
    counter = 1
    while path.exists():
        counter += 1
        path = ini.with_name(f"{ini.name}.{stamp}-{counter}.bak")
    return path


def configure_microsip(
    ini: Path, argv: Sequence[str], *, running: Callable[[], bool] = microsip_running
) -> Path:
    """Point MicroSIP's call hooks at ``argv``; returns the backup of the file as it was.

    Refused while MicroSIP runs (it writes these keys back when it quits). The file is read in
    whatever encoding it has and written back as UTF-16LE with BOM, MicroSIP's own, atomically.
    """
    if running():
        raise SoftphoneSetupError(
            translate(
                "softphones",
                "Quit MicroSIP first (right-click its tray icon, then Exit): it saves its settings "
                "when it quits and would undo these changes. Then try again.",
            )
        )
    values = {key: microsip_value(argv, event) for key, event in MICROSIP_EVENTS.items()}
    if not ini.is_file():
        raise SoftphoneSetupError(
            translate(
                "softphones",
                "MicroSIP's settings file was not found at {path}. Start MicroSIP once, quit it, "
                "then try again.",
            ).format(path=ini)
        )
    try:
        original = ini.read_bytes()
    except OSError as exc:
        raise SoftphoneSetupError(_unreadable(ini, exc)) from exc
    text = set_ini_values(_decode_ini(original), MICROSIP_SECTION, values)
    backup = _backup_path(ini)
    tmp: str | None = None
    try:
        shutil.copy2(ini, backup)
        fd, tmp = tempfile.mkstemp(dir=ini.parent, prefix=f".{ini.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(b"\xff\xfe" + text.encode("utf-16-le"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IMODE(ini.stat().st_mode))
        os.replace(tmp, ini)
        tmp = None
    except OSError as exc:
        raise SoftphoneSetupError(
            translate("softphones", "Could not write MicroSIP's settings file {path}: {error}").format(
                path=ini, error=exc.strerror or exc
            )
        ) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return backup


# --- Linphone ------------------------------------------------------------------------------------


def linphone_setting(argv: Sequence[str], *, windows: bool | None = None) -> str:
    """The value for ``[ui] command_line`` in linphonerc (Linphone desktop 6).

    Linphone pastes the caller's user name over ``$1`` and display name over ``$2`` and hands the
    result to ``/bin/sh -c``. The shell reads the first line only as far as ``exit``; what follows
    ``#`` is a comment, and any line after it is never read. The command we run finds the caller
    in its parent shell's command line (:func:`linphone_caller_from_parent`).
    """
    if _is_windows(windows):
        raise SoftphoneSetupError(
            translate(
                "softphones",
                "On Windows Linphone runs its command through cmd.exe with the caller's text pasted "
                "in, which cannot be made safe. Use MicroSIP, or Linphone on Linux or macOS.",
            )
        )
    for arg in argv:
        if "$1" in arg or "$2" in arg or "\n" in arg or "\r" in arg:
            raise SoftphoneSetupError(
                translate(
                    "softphones", "The path of this install ({path}) cannot be used in Linphone's command."
                ).format(path=arg)
            )
    command = shlex.join([*argv, "incoming", LINPHONE_FLAG])
    return f"{command}; exit # {LINPHONE_MARK}$1{LINPHONE_SEPARATOR}$2"


def linphone_caller(shell_command: str) -> tuple[str, str] | None:
    """The (user name, display name) Linphone pasted into ``shell_command``, or None."""
    at = shell_command.find(LINPHONE_MARK)
    if at < 0:
        return None
    rest = shell_command[at + len(LINPHONE_MARK) :]
    user, _, name = rest.partition(LINPHONE_SEPARATOR)
    return user, name


def parent_shell_command(
    pid: int | None = None,
    *,
    proc: Path = Path("/proc"),
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> str | None:
    """The ``-c`` command string of process ``pid`` (default: our parent), or None."""
    pid = os.getppid() if pid is None else pid
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        raw = None
    if raw is not None:
        args = [a.decode("utf-8", errors="surrogateescape") for a in raw.split(b"\0")]
        return args[args.index("-c") + 1] if "-c" in args[:-1] else None
    try:  # no /proc (macOS, BSD): ps joins the arguments with spaces, enough to find ours
        result = run(
            ["ps", "-ww", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    _, found, command = (result.stdout or "").partition(" -c ")
    return command.rstrip("\n") if found else None


def linphone_caller_from_parent(pid: int | None = None) -> tuple[str, str] | None:
    """For ``companion incoming --from-linphone``: the caller from the shell Linphone started."""
    command = parent_shell_command(pid)
    return None if command is None else linphone_caller(command)


# --- Jitsi and URL softphones --------------------------------------------------------------------


def jitsi_command(argv: Sequence[str], event: str = "incoming") -> str:
    """The "Execute program" text for a Jitsi event (``${caller.uri}`` for an incoming call)."""
    for arg in argv:
        if not arg or any(c.isspace() for c in arg):
            raise SoftphoneSetupError(
                translate(
                    "softphones",
                    "Jitsi splits its command at every space, so it cannot start {path}. Install Call "
                    "Companion in a folder without spaces, or use the local web address instead.",
                ).format(path=arg)
            )
    words = [*argv, event, "--"]
    if event == "incoming":
        words.append("${caller.uri}")
    return " ".join(words)


def hook_url(event: str, *, port: int, token: str, number: str, name: str | None = None) -> str:
    """The loopback address a URL-opening softphone calls; ``number`` and ``name`` are its own
    placeholders (such as ``$caller$``), left as written for the softphone to replace."""
    if event not in HOOK_EVENTS:
        raise ValueError(f"unknown event {event!r}")
    url = f"http://127.0.0.1:{port}/{event}?token={quote(token, safe='')}&number={number}"
    return url if name is None else f"{url}&name={name}"


def steps(softphone: str) -> list[str]:
    """What to do, in order, for ``softphone`` (microsip, linphone, jitsi, url, generic)."""
    texts = {
        "microsip": [
            translate("softphones", "Quit MicroSIP (right-click its tray icon, then Exit)."),
            translate(
                "softphones",
                "Press Set up MicroSIP, or paste these lines under [Settings] in microsip.ini.",
            ),
            translate("softphones", "Start MicroSIP again and make a test call."),
        ],
        "linphone": [
            translate("softphones", "Quit Linphone."),
            translate("softphones", "Paste this line under [ui] in linphonerc as command_line=…"),
            translate(
                "softphones",
                "Start Linphone again. It runs the command for incoming calls only; outgoing calls "
                "and the end of a call are not reported.",
            ),
        ],
        "jitsi": [
            translate("softphones", "In Jitsi open Options, then Events, then Incoming call."),
            translate("softphones", "Tick Execute program and paste this command."),
        ],
        "url": [
            translate("softphones", "Turn on the local web address in this page (it is off by default)."),
            translate(
                "softphones",
                "In the softphone's setting for opening a web page on a call, paste the address with "
                "its own placeholder for the caller's number.",
            ),
        ],
        "generic": [
            translate(
                "softphones",
                "In the softphone's setting for running a program on a call, paste the command and "
                "put its placeholder for the caller's number at the end.",
            ),
        ],
    }
    return texts[softphone]
