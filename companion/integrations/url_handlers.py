"""Call Companion as the person's own handler of ``tel:``, ``callto:`` and ``sip:`` links — per
user, no admin rights. Settings ("Use Call Companion for phone links") calls :func:`register` and
:func:`unregister`; the installers reuse the pure parts (``packaging/metadata.py``).

**Linux** (the XDG specs): ``$XDG_DATA_HOME/applications/call-companion.desktop`` declares the
three ``x-scheme-handler/*`` types, and ``[Default Applications]`` in
``$XDG_CONFIG_HOME/mimeapps.list`` names it first for each. The handler it replaces stays listed
after ours, so removing ours hands the links back to it. A desktop's own
``$XDG_CONFIG_HOME/<desktop>-mimeapps.list``, which is read before ``mimeapps.list``, is edited
too when it names a handler for one of the schemes. Every other line, comment and section stays.

**macOS**: ``LSSetDefaultHandlerForURLScheme`` for the bundle identifier. Launch Services knows
only a bundled app whose ``Info.plist`` declares the schemes (``CFBundleURLTypes``), so a copy
started from Python is refused with a sentence saying so. macOS has no "no handler": unregister
hands ``tel:`` back to FaceTime; ``callto:`` and ``sip:`` stay ours until another app claims them.

**Windows** (``HKEY_CURRENT_USER`` only; :func:`windows_entries` lists every value):

- the ProgID ``Software\\Classes\\CallCompanion.PhoneLink`` (name, icon, ``shell\\open\\command``);
- ``Software\\CallCompanion\\Capabilities`` with ``URLAssociations`` (each scheme → the ProgID) and
  ``Software\\RegisteredApplications`` pointing at it: what lists Call Companion in Settings →
  Default apps, where ``ms-settings:defaultapps?registeredAppUser=Call%20Companion`` opens it;
- ``Software\\Classes\\<scheme>`` (``URL Protocol``, ``URL:<scheme>``, ``shell\\open\\command``).

The decision on the scheme keys: Windows 10/11 opens a link with the app in the user's
``UserChoice``, which carries a hash that only Settings may write, so no program can make itself
the choice. Where no choice was made (the usual case for ``tel:`` on a desk computer, or a
softphone such as MicroSIP that registered the scheme the same old way) the shell runs
``HKCR\\<scheme>\\shell\\open\\command``, and ``HKCU\\Software\\Classes\\<scheme>`` is what it reads
first. The person asked for it in Settings, so :func:`register` writes that key even when another
program's command is there, and keeps that command in ``Software\\CallCompanion\\PhoneLinks``
(``<scheme>.previous``): :func:`unregister` puts it back. A scheme key is deleted only when its
command is still ours and nothing was there before; one another program has taken since is left
alone. When a ``UserChoice`` names another app, :func:`register` returns the sentence that sends
the person to Default apps (:func:`open_os_settings`). The installer writes a scheme key only where
it is free or already ours (see ``packaging/metadata.py``).

Standard library only, no Qt. Sentences for a person go through ``translate("url_handlers", …)``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from companion.i18n import translate
from companion.integrations import softphones
from companion.integrations.autostart import LABEL

#: ``launch.URL_SCHEMES`` also reads ``sips:`` links (with their colons); these are the ones we claim
SCHEMES = ("tel", "callto", "sip")
APP_NAME = "Call Companion"
DESCRIPTION = "Shows who is calling and logs the call; opens tel:, callto: and sip: links."
PROG_ID = "CallCompanion.PhoneLink"
PROG_ID_NAME = "Call Companion phone link"
COMPANY_KEY = r"Software\CallCompanion"
CAPABILITIES_KEY = COMPANY_KEY + r"\Capabilities"
#: what register() found and wrote in each scheme key: ``<scheme>`` (ours), ``<scheme>.previous``
PHONE_LINKS_KEY = COMPANY_KEY + r"\PhoneLinks"
REGISTERED_APPLICATIONS_KEY = r"Software\RegisteredApplications"
#: the same identifier as the LaunchAgent's label (``autostart.LABEL``)
BUNDLE_ID = LABEL
DESKTOP_FILE = "call-companion.desktop"
MIME_TYPES = tuple(f"x-scheme-handler/{scheme}" for scheme in SCHEMES)
DEFAULTS_SECTION = "Default Applications"
#: macOS's own handler of ``tel:`` links, given them back on unregister
MAC_TEL_HANDLER = "com.apple.FaceTime"


# --- Windows: what is written ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegValue:
    """One string value under ``HKEY_CURRENT_USER``; ``name`` "" is the key's default value."""

    key: str
    name: str
    value: str


def prog_id_key() -> str:
    return rf"Software\Classes\{PROG_ID}"


def scheme_key(scheme: str) -> str:
    return rf"Software\Classes\{scheme}"


def command_key(key: str) -> str:
    return key + r"\shell\open\command"


def user_choice_key(scheme: str) -> str:
    return rf"Software\Microsoft\Windows\Shell\Associations\UrlAssociations\{scheme}\UserChoice"


def scheme_of(key: str) -> str | None:
    """The scheme whose own key ``key`` is or lies under, or None."""
    for scheme in SCHEMES:
        own = scheme_key(scheme).lower()
        if key.lower() == own or key.lower().startswith(own + "\\"):
            return scheme
    return None


def windows_entries(command: str, icon: str) -> list[RegValue]:
    """Every value that makes Call Companion a handler of the schemes, in the order written.

    ``command`` is the whole command line with ``"%1"`` for the link, e.g.
    ``"C:\\…\\Call Companion.exe" "%1"``; ``icon`` is ``path,index``. The scheme keys come last
    (:func:`scheme_of` tells them apart): they are the only ones another program may own too.
    """
    prog = prog_id_key()
    entries = [
        RegValue(prog, "", PROG_ID_NAME),
        RegValue(prog, "FriendlyTypeName", PROG_ID_NAME),
        RegValue(prog + r"\DefaultIcon", "", icon),
        RegValue(command_key(prog), "", command),
        RegValue(CAPABILITIES_KEY, "ApplicationName", APP_NAME),
        RegValue(CAPABILITIES_KEY, "ApplicationDescription", DESCRIPTION),
        RegValue(CAPABILITIES_KEY, "ApplicationIcon", icon),
        *(RegValue(CAPABILITIES_KEY + r"\URLAssociations", scheme, PROG_ID) for scheme in SCHEMES),
        RegValue(REGISTERED_APPLICATIONS_KEY, APP_NAME, CAPABILITIES_KEY),
    ]
    for scheme in SCHEMES:
        key = scheme_key(scheme)
        entries += [
            RegValue(key, "", f"URL:{scheme}"),
            RegValue(key, "URL Protocol", ""),
            RegValue(command_key(key), "", command),
        ]
    return entries


def windows_removals() -> list[str]:
    """The keys that are ours alone, deleted with all below them on unregister.

    Never a scheme key: whether ``Software\\Classes\\<scheme>`` goes, gets its old command back or
    stays is :func:`scheme_on_unregister`'s decision, made from what is in it. The value under
    ``Software\\RegisteredApplications`` is deleted on its own (the key is shared), and
    ``Software\\CallCompanion`` at the end when nothing else is left in it.
    """
    return [prog_id_key(), PHONE_LINKS_KEY, CAPABILITIES_KEY]


def windows_command(argv: Sequence[str] | None = None) -> str:
    """The command line the shell runs for a link: this install, then the quoted link."""
    argv = softphones.launcher_argv() if argv is None else argv
    return f'{softphones.command_line(list(argv), windows=True)} "%1"'


def windows_icon(argv: Sequence[str] | None = None) -> str:
    """The program's own icon: the frozen executable (or the launcher), index 0."""
    argv = softphones.launcher_argv() if argv is None else argv
    return f"{argv[0]},0"


def same_command(a: str | None, b: str | None) -> bool:
    """Two command lines are the same for Windows (paths ignore case; outer spaces do not count)."""
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


def scheme_on_unregister(current: str | None, ours: Iterable[str | None], previous: str | None) -> str:
    """What unregister does with a scheme key: ``"delete"`` it, ``"restore"`` the ``previous``
    program's command, or ``"keep"`` it (not ours, or nothing of ours left in it)."""
    if not any(same_command(current, mine) for mine in ours):
        return "keep"
    return "restore" if previous else "delete"


def windows_note(user_choices: Mapping[str, str | None]) -> str | None:
    """The sentence for the person when Windows has another app chosen for one of the schemes."""
    if all(choice is None or choice.casefold() == PROG_ID.casefold() for choice in user_choices.values()):
        return None
    return translate(
        "url_handlers",
        "Windows has another app chosen for phone links, and only you can change that: in Settings, "
        "Default apps, open Call Companion and choose it for TEL, CALLTO and SIP.",
    )


class Registry(Protocol):
    """``HKEY_CURRENT_USER`` as far as this module needs it (tests use one kept in a dict)."""

    def read(self, key: str, name: str) -> str | None: ...

    def write(self, key: str, name: str, value: str) -> None: ...

    def delete_value(self, key: str, name: str) -> None: ...

    def delete_tree(self, key: str) -> None: ...

    def is_empty(self, key: str) -> bool: ...


def windows_register(reg: Registry, command: str, icon: str) -> str | None:
    """Write :func:`windows_entries`, keeping each scheme's foreign command for unregister."""
    for scheme in SCHEMES:
        current = reg.read(command_key(scheme_key(scheme)), "")
        recorded = reg.read(PHONE_LINKS_KEY, scheme)
        if current and not same_command(current, command) and not same_command(current, recorded):
            reg.write(PHONE_LINKS_KEY, f"{scheme}.previous", current)
        reg.write(PHONE_LINKS_KEY, scheme, command)
    for entry in windows_entries(command, icon):
        reg.write(entry.key, entry.name, entry.value)
    return windows_note({scheme: reg.read(user_choice_key(scheme), "ProgId") for scheme in SCHEMES})


def windows_unregister(reg: Registry, command: str) -> None:
    """Take back what :func:`windows_register` (or the installer, with the same command) wrote."""
    for scheme in SCHEMES:
        key = scheme_key(scheme)
        current = reg.read(command_key(key), "")
        recorded = reg.read(PHONE_LINKS_KEY, scheme)
        previous = reg.read(PHONE_LINKS_KEY, f"{scheme}.previous")
        action = scheme_on_unregister(current, (command, recorded), previous)
        if action == "delete":
            reg.delete_tree(key)
        elif action == "restore" and previous:
            reg.write(command_key(key), "", previous)
    for key in windows_removals():
        reg.delete_tree(key)
    if same_command(reg.read(REGISTERED_APPLICATIONS_KEY, APP_NAME), CAPABILITIES_KEY):
        reg.delete_value(REGISTERED_APPLICATIONS_KEY, APP_NAME)
    if reg.is_empty(COMPANY_KEY):
        reg.delete_tree(COMPANY_KEY)


def windows_is_registered(reg: Registry, command: str) -> bool:
    """Our entries are there for this install, and a ``tel:`` link comes to us: the person's
    choice names our ProgID, or there is no choice and the scheme's command is ours."""
    if not same_command(reg.read(command_key(prog_id_key()), ""), command):
        return False
    if not same_command(reg.read(REGISTERED_APPLICATIONS_KEY, APP_NAME), CAPABILITIES_KEY):
        return False
    choice = reg.read(user_choice_key("tel"), "ProgId")
    if choice:
        return choice.casefold() == PROG_ID.casefold()
    return same_command(reg.read(command_key(scheme_key("tel")), ""), command)


class _WinRegistry:  # pragma: no cover - Windows only
    """:class:`Registry` on ``HKEY_CURRENT_USER`` through winreg."""

    def __init__(self) -> None:
        import winreg

        self.winreg = winreg
        self.root = winreg.HKEY_CURRENT_USER

    def read(self, key: str, name: str) -> str | None:
        try:
            with self.winreg.OpenKey(self.root, key) as handle:
                value, kind = self.winreg.QueryValueEx(handle, name)
        except OSError:
            return None
        return value if isinstance(value, str) else None

    def write(self, key: str, name: str, value: str) -> None:
        with self.winreg.CreateKeyEx(self.root, key, 0, self.winreg.KEY_SET_VALUE) as handle:
            self.winreg.SetValueEx(handle, name, 0, self.winreg.REG_SZ, value)

    def delete_value(self, key: str, name: str) -> None:
        try:
            with self.winreg.OpenKey(self.root, key, 0, self.winreg.KEY_SET_VALUE) as handle:
                self.winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass

    def delete_tree(self, key: str) -> None:
        try:
            with self.winreg.OpenKey(self.root, key, 0, self.winreg.KEY_READ) as handle:
                children = []
                with contextlib.suppress(OSError):
                    for index in range(10_000):
                        children.append(self.winreg.EnumKey(handle, index))
        except FileNotFoundError:
            return
        for child in children:
            self.delete_tree(f"{key}\\{child}")
        with contextlib.suppress(FileNotFoundError):
            self.winreg.DeleteKey(self.root, key)

    def is_empty(self, key: str) -> bool:
        try:
            with self.winreg.OpenKey(self.root, key) as handle:
                subkeys, values, _ = self.winreg.QueryInfoKey(handle)
        except OSError:
            return False
        return subkeys == 0 and values == 0


def _windows_changed() -> None:  # pragma: no cover - Windows only
    """Tell the shell that associations changed (SHCNE_ASSOCCHANGED), as installers do."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.windll.shell32.SHChangeNotify(0x08000000, 0x0000, None, None)  # type: ignore[attr-defined]


def _windows_refused(error: OSError) -> OSError:  # pragma: no cover - Windows only
    return OSError(
        translate("url_handlers", "Windows did not save the settings for phone links: {reason}").format(
            reason=error.strerror or error
        )
    )


# --- Linux: the desktop entry and mimeapps.list ---------------------------------------------------

#: characters that make the Desktop Entry spec's Exec rules ask for a quoted argument
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def exec_argument(arg: str) -> str:
    """One argument for ``Exec=`` (before the string escapes of the key file itself)."""
    if "\n" in arg or "\r" in arg or "\0" in arg:
        raise ValueError(f"an Exec argument cannot hold a line break: {arg!r}")
    text = arg.replace("%", "%%")
    if text and not any(c in _EXEC_RESERVED for c in text):
        return text
    return '"' + re.sub(r'(["`$\\])', r"\\\1", text) + '"'


def _string_value(text: str) -> str:
    """A key file's string value: a backslash written twice; a line break cannot be written."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"a desktop entry value cannot hold a line break: {text!r}")
    return text.replace("\\", "\\\\")


def exec_line(argv: Sequence[str]) -> str:
    """The ``Exec`` value for ``argv`` and the link (``%u``), as written in the file: the spec
    applies the string rule (``\\\\`` for a backslash) over the quoting rule."""
    if not argv:
        raise ValueError("empty argv")
    return _string_value(" ".join(exec_argument(arg) for arg in argv)) + " %u"


def desktop_entry(exec_argv: Sequence[str], icon: str) -> str:
    """The text of ``call-companion.desktop``: the program that opens phone links."""
    mime = "".join(f"{mime_type};" for mime_type in MIME_TYPES)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        f"Name={APP_NAME}",
        f"Name[ru]={APP_NAME}",
        "GenericName=Call Assistant",
        "GenericName[ru]=Помощник для звонков",
        "Comment=Shows who is calling and logs the call; opens tel:, callto: and sip: links",
        "Comment[ru]=Показывает, кто звонит, и записывает звонок; открывает ссылки tel:, callto: и sip:",
        f"Exec={exec_line(exec_argv)}",
        f"Icon={_string_value(icon)}",
        "Terminal=false",
        "Categories=Office;Network;Telephony;",  # Telephony asks for Network beside it (the spec)
        f"MimeType={mime}",
        f"StartupWMClass={APP_NAME}",
        "NoDisplay=false",
        "Keywords=phone;call;caller;telephony;CRM;tel;sip;callto;",
        "Keywords[ru]=телефон;звонок;клиент;телефония;CRM;",
    ]
    return "\n".join(lines) + "\n"


def _section_of(line: str) -> str | None:
    text = line.strip()
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1].strip()
    return None


def _entry_of(line: str) -> tuple[str, str] | None:
    text = line.strip()
    if not text or text.startswith("#") or "=" not in text:
        return None
    key, _, value = text.partition("=")
    return key.strip(), value.strip()


def _handlers(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _line_for(key: str, handlers: Sequence[str]) -> str:
    return f"{key}={''.join(f'{h};' for h in handlers)}\n"


def default_handlers(text: str, mime_type: str) -> list[str]:
    """The desktop files ``[Default Applications]`` names for ``mime_type``, first one first."""
    section = None
    for line in text.splitlines():
        name = _section_of(line)
        if name is not None:
            section = name
            continue
        entry = _entry_of(line)
        if section == DEFAULTS_SECTION and entry and entry[0].lower() == mime_type.lower():
            return _handlers(entry[1])
    return []


def _edit_defaults(
    text: str, mime_types: Sequence[str], change: Callable[[list[str]], list[str]], *, add: bool
) -> str:
    """``text`` with each type's list of handlers in ``[Default Applications]`` passed through
    ``change``. A type named on several lines ends up on its first one; a list left empty loses
    its line; with ``add``, a type not named yet goes after the last line of the first such
    section (made at the end when there is none). Every other line stays byte for byte."""
    wanted = {mime_type.lower(): mime_type for mime_type in mime_types}
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    places: dict[str, list[int]] = {}
    header: int | None = None
    end = 0  # after the last line of the first such section that is not blank
    section = None
    in_first = False
    for index, line in enumerate(lines):
        name = _section_of(line)
        if name is not None:
            section = name
            in_first = name == DEFAULTS_SECTION and header is None
            if in_first:
                header, end = index, index + 1
            continue
        if section != DEFAULTS_SECTION:
            continue
        if in_first and line.strip():
            end = index + 1
        entry = _entry_of(line)
        if entry and entry[0].lower() in wanted:
            places.setdefault(entry[0].lower(), []).append(index)
    out = list(lines)
    for indexes in places.values():
        entries = [_entry_of(lines[i]) or ("", "") for i in indexes]
        old: list[str] = []
        for _, value in entries:
            old += [h for h in _handlers(value) if h not in old]
        new = change(old)
        if len(indexes) == 1 and new == _handlers(entries[0][1]):
            continue
        out[indexes[0]] = _line_for(entries[0][0], new) if new else ""
        for other in indexes[1:]:
            out[other] = ""
    additions = [_line_for(wanted[key], change([])) for key in wanted if key not in places] if add else []
    additions = [line for line in additions if _handlers(line.partition("=")[2])]
    if additions and header is None:
        if out and out[-1].strip():
            out.append("\n")
        out += [f"[{DEFAULTS_SECTION}]\n", *additions]
    elif additions:
        out[end:end] = additions
    return "".join(out)


def set_defaults(text: str, desktop_file: str = DESKTOP_FILE, mime_types: Sequence[str] = MIME_TYPES) -> str:
    """``mimeapps.list`` text with ``desktop_file`` first for each type; the handlers that were
    there stay after it (a fallback, and what :func:`remove_defaults` gives the links back to)."""
    return _edit_defaults(
        text, mime_types, lambda old: [desktop_file, *(h for h in old if h != desktop_file)], add=True
    )


def remove_defaults(
    text: str, desktop_file: str = DESKTOP_FILE, mime_types: Sequence[str] = MIME_TYPES
) -> str:
    """``mimeapps.list`` text with ``desktop_file`` taken out of each type's defaults, the other
    handlers left as they were."""
    return _edit_defaults(text, mime_types, lambda old: [h for h in old if h != desktop_file], add=False)


def _xdg_dir(variable: str, default: str) -> Path:
    value = os.environ.get(variable, "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / default


def desktop_path() -> Path:
    return _xdg_dir("XDG_DATA_HOME", ".local/share") / "applications" / DESKTOP_FILE


def mimeapps_paths() -> list[Path]:
    """The person's mimeapps files in the order they are read: each current desktop's own, then
    ``mimeapps.list`` (always, even when it does not exist yet)."""
    config = _xdg_dir("XDG_CONFIG_HOME", ".config")
    desktops = [d.strip().lower() for d in os.environ.get("XDG_CURRENT_DESKTOP", "").split(":") if d.strip()]
    return [*(config / f"{desktop}-mimeapps.list" for desktop in desktops), config / "mimeapps.list"]


def _linux_icon() -> str:
    try:
        from importlib import resources

        path = Path(str(resources.files("companion.resources") / "icons" / "app.svg"))
    except (ImportError, OSError):
        return "call-companion"
    return str(path) if path.is_file() else "call-companion"


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s text in one step (a symlinked file: its target), keeping its mode."""
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if target.exists():
            shutil.copymode(target, temporary)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def _linux_refused(path: Path, error: OSError) -> OSError:
    return OSError(
        translate("url_handlers", "Could not save the settings for phone links in {path}: {reason}").format(
            path=path, reason=error.strerror or error
        )
    )


def _update_desktop_database(folder: Path) -> None:
    exe = shutil.which("update-desktop-database")
    if exe is None:
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([exe, str(folder)], capture_output=True, timeout=5, check=False)


def linux_register(argv: Sequence[str] | None = None, icon: str | None = None) -> None:
    desktop = desktop_path()
    text = desktop_entry(softphones.launcher_argv() if argv is None else argv, icon or _linux_icon())
    try:
        _write_atomically(desktop, text)
    except OSError as error:
        raise _linux_refused(desktop, error) from error
    *own_files, main = mimeapps_paths()
    for path in [*own_files, main]:
        old = _read(path)
        if path != main and not any(default_handlers(old, mime_type) for mime_type in MIME_TYPES):
            continue  # a desktop's own file that says nothing about phone links: left alone
        new = set_defaults(old)
        if new != old or not path.exists():
            try:
                _write_atomically(path, new)
            except OSError as error:
                raise _linux_refused(path, error) from error
    _update_desktop_database(desktop.parent)


def linux_unregister() -> None:
    for path in mimeapps_paths():
        old = _read(path)
        new = remove_defaults(old)
        if new != old:
            try:
                _write_atomically(path, new)
            except OSError as error:
                raise _linux_refused(path, error) from error
    desktop = desktop_path()
    try:
        desktop.unlink(missing_ok=True)
    except OSError as error:
        raise _linux_refused(desktop, error) from error
    _update_desktop_database(desktop.parent)


def linux_is_registered() -> bool:
    """Our desktop file is there and the first file that names a ``tel:`` handler names ours."""
    if not desktop_path().is_file():
        return False
    for path in mimeapps_paths():
        handlers = default_handlers(_read(path), MIME_TYPES[0])
        if handlers:
            return handlers[0] == DESKTOP_FILE
    return False


# --- macOS: Launch Services -----------------------------------------------------------------------


class _LaunchServices:  # pragma: no cover - macOS only
    """CoreFoundation strings and the Launch Services calls, through ctypes."""

    UTF8 = 0x08000100

    def __init__(self) -> None:
        import ctypes

        try:
            self.cf = ctypes.cdll.LoadLibrary(
                "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
            )
            self.ls = ctypes.cdll.LoadLibrary(
                "/System/Library/Frameworks/CoreServices.framework/CoreServices"
            )
        except OSError as error:
            raise OSError(
                translate("url_handlers", "macOS's Launch Services could not be reached: {reason}").format(
                    reason=error
                )
            ) from error
        void_p = ctypes.c_void_p
        self.cf.CFStringCreateWithCString.restype = void_p
        self.cf.CFStringCreateWithCString.argtypes = [void_p, ctypes.c_char_p, ctypes.c_uint32]
        self.cf.CFStringGetCString.restype = ctypes.c_bool
        self.cf.CFStringGetCString.argtypes = [void_p, ctypes.c_char_p, ctypes.c_long, ctypes.c_uint32]
        self.cf.CFRelease.restype = None
        self.cf.CFRelease.argtypes = [void_p]
        self.ls.LSSetDefaultHandlerForURLScheme.restype = ctypes.c_int32
        self.ls.LSSetDefaultHandlerForURLScheme.argtypes = [void_p, void_p]
        self.ls.LSCopyDefaultHandlerForURLScheme.restype = void_p
        self.ls.LSCopyDefaultHandlerForURLScheme.argtypes = [void_p]
        self.ctypes = ctypes

    def _string(self, text: str) -> int:
        return int(self.cf.CFStringCreateWithCString(None, text.encode("utf-8"), self.UTF8))

    def set_default(self, scheme: str, bundle_id: str) -> int:
        cf_scheme, cf_bundle = self._string(scheme), self._string(bundle_id)
        try:
            return int(self.ls.LSSetDefaultHandlerForURLScheme(cf_scheme, cf_bundle))
        finally:
            self.cf.CFRelease(cf_scheme)
            self.cf.CFRelease(cf_bundle)

    def default(self, scheme: str) -> str | None:
        cf_scheme = self._string(scheme)
        try:
            handler = self.ls.LSCopyDefaultHandlerForURLScheme(cf_scheme)
        finally:
            self.cf.CFRelease(cf_scheme)
        if not handler:
            return None
        try:
            buffer = self.ctypes.create_string_buffer(1024)
            ok = self.cf.CFStringGetCString(handler, buffer, len(buffer), self.UTF8)
            return buffer.value.decode("utf-8") if ok else None
        finally:
            self.cf.CFRelease(handler)


def _mac_register() -> None:  # pragma: no cover - macOS only
    if not getattr(sys, "frozen", False):
        raise OSError(
            translate(
                "url_handlers",
                "On macOS phone links can open only the installed Call Companion app, not a copy "
                "started from Python. Install the app from its disk image and turn this on there.",
            )
        )
    services = _LaunchServices()
    for scheme in SCHEMES:
        status = services.set_default(scheme, BUNDLE_ID)
        if status != 0:
            raise OSError(
                translate(
                    "url_handlers",
                    "macOS did not make Call Companion the app for {scheme}: links (error {code}).",
                ).format(scheme=scheme, code=status)
            )


def _mac_is_ours(services: _LaunchServices, scheme: str) -> bool:  # pragma: no cover - macOS only
    handler = services.default(scheme)
    return handler is not None and handler.casefold() == BUNDLE_ID.casefold()


def _mac_unregister() -> None:  # pragma: no cover - macOS only
    services = _LaunchServices()
    if _mac_is_ours(services, "tel"):
        services.set_default("tel", MAC_TEL_HANDLER)


def _mac_is_registered() -> bool:  # pragma: no cover - macOS only
    try:
        return _mac_is_ours(_LaunchServices(), "tel")
    except OSError:
        return False


# --- the OS at hand -------------------------------------------------------------------------------


def is_registered() -> bool:
    """Whether a ``tel:`` link opens this install of Call Companion."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return windows_is_registered(_WinRegistry(), windows_command())
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return _mac_is_registered()
    return linux_is_registered()


def register() -> str | None:
    """Make Call Companion the handler of the schemes for this user.

    Returns a sentence for the person when the OS wants a further step of theirs (Windows with
    another app chosen: see :func:`open_os_settings`), None when done. OSError, with a sentence
    for the person, when the OS refuses.
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            note = windows_register(_WinRegistry(), windows_command(), windows_icon())
        except OSError as error:
            raise _windows_refused(error) from error
        _windows_changed()
        return note
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        _mac_register()
        return None
    linux_register()
    return None


def unregister() -> None:
    """Stop handling the schemes; what another program set is left, or given back to it."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            windows_unregister(_WinRegistry(), windows_command())
        except OSError as error:
            raise _windows_refused(error) from error
        _windows_changed()
        return
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        _mac_unregister()
        return
    linux_unregister()


def default_apps_uri() -> str:
    """Settings → Default apps at Call Companion's page (Windows 11; Windows 10 opens the list)."""
    return f"ms-settings:defaultapps?registeredAppUser={quote(APP_NAME)}"


def open_os_settings() -> bool:
    """Open the OS's page for choosing the app for phone links; False where there is none to open."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        os.startfile(default_apps_uri())  # type: ignore[attr-defined]
        return True
    return False
