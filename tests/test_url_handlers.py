"""Phone links: the Linux desktop entry and mimeapps.list, the Windows registry entries (checked
against a registry kept in a dict), the round trip on this machine's XDG folders (tmp_path)."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

import pytest

from companion.integrations import autostart, softphones, url_handlers
from companion.integrations.url_handlers import (
    CAPABILITIES_KEY,
    DESKTOP_FILE,
    MIME_TYPES,
    PHONE_LINKS_KEY,
    PROG_ID,
    SCHEMES,
    RegValue,
    default_handlers,
    desktop_entry,
    exec_argument,
    remove_defaults,
    scheme_on_unregister,
    set_defaults,
    windows_entries,
    windows_is_registered,
    windows_register,
    windows_removals,
    windows_unregister,
)

WIN_EXE = r"C:\Users\anna\AppData\Local\Programs\Call Companion\Call Companion.exe"
COMMAND = f'"{WIN_EXE}" "%1"'
ICON = f"{WIN_EXE},0"
MICROSIP = r'"C:\Program Files\MicroSIP\microsip.exe" "%1"'


# --- the desktop entry ----------------------------------------------------------------------------


def read_entry(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


def unescape_string(value: str) -> str:
    """The key file's string rule (``\\s \\n \\t \\r \\\\``)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[value[i + 1]])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """``Exec`` as a launcher reads it (the Desktop Entry spec): string rule, then the quoting
    rule, then field codes (``%%`` is a percent sign; other codes stay as written)."""
    text = unescape_string(value)
    args: list[str] = []
    current: list[str] = []
    quoted = in_arg = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = in_arg = True
        elif c == " ":
            if in_arg:
                args.append("".join(current))
            current, in_arg = [], False
        else:
            current.append(c)
            in_arg = True
        i += 1
    assert not quoted, f"unbalanced quotes in {value!r}"
    if in_arg:
        args.append("".join(current))
    return [arg.replace("%%", "\0").replace("\0", "%") if arg != "%u" else arg for arg in args]


def test_the_desktop_entry_parses_and_declares_the_three_schemes() -> None:
    entry = read_entry(desktop_entry(["/usr/bin/companion"], "call-companion"))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Call Companion"
    assert entry["Terminal"] == "false"
    assert entry["NoDisplay"] == "false"
    assert entry["Icon"] == "call-companion"
    assert entry["StartupWMClass"] == "Call Companion"
    assert "Telephony" in entry["Categories"].split(";")
    assert set(filter(None, entry["MimeType"].split(";"))) == {
        "x-scheme-handler/tel",
        "x-scheme-handler/callto",
        "x-scheme-handler/sip",
    }
    assert entry["Exec"] == "/usr/bin/companion %u"
    for key in ("Name[ru]", "GenericName[ru]", "Comment[ru]", "Keywords[ru]"):
        assert entry[key]
    assert any("а" <= c <= "я" for c in entry["Comment[ru]"])


def test_exec_quotes_a_path_with_spaces_and_escapes_percent() -> None:
    entry = read_entry(desktop_entry(["/opt/My Apps/100% sure/companion"], "x"))
    assert entry["Exec"] == '"/opt/My Apps/100%% sure/companion" %u'
    assert split_exec(entry["Exec"]) == ["/opt/My Apps/100% sure/companion", "%u"]


@pytest.mark.parametrize(
    "argv",
    [
        ["/home/a b/.venv/bin/python3", "-m", "companion"],
        ['/opt/we "quote"/$HOME/`x`/back\\slash/companion'],
        ["/opt/50%off/companion", "--lang", "ru"],
        ["/opt/it's/companion", ""],
    ],
)
def test_exec_reads_back_as_the_same_argv(argv: list[str]) -> None:
    assert split_exec(read_entry(desktop_entry(argv, "x"))["Exec"]) == [*argv, "%u"]


def test_exec_refuses_a_line_break() -> None:
    with pytest.raises(ValueError):
        exec_argument("/opt/a\nb")


# --- mimeapps.list --------------------------------------------------------------------------------

MIMEAPPS = """# written by hand, keep me
[Added Associations]
x-scheme-handler/tel=org.gnome.Calls.desktop;
text/plain=org.gnome.TextEditor.desktop;

[Default Applications]
text/html=firefox.desktop
x-scheme-handler/tel = org.gnome.Calls.desktop;
# and this comment
x-scheme-handler/sip=linphone.desktop;call-companion.desktop;

[Removed Associations]
x-scheme-handler/callto=skype.desktop;
"""


def test_set_defaults_puts_ours_first_and_keeps_everything_else() -> None:
    text = set_defaults(MIMEAPPS)
    assert default_handlers(text, "x-scheme-handler/tel") == [DESKTOP_FILE, "org.gnome.Calls.desktop"]
    assert default_handlers(text, "x-scheme-handler/sip") == [DESKTOP_FILE, "linphone.desktop"]
    assert default_handlers(text, "x-scheme-handler/callto") == [DESKTOP_FILE]
    for line in MIMEAPPS.splitlines():
        if "x-scheme-handler/tel =" not in line and "x-scheme-handler/sip=" not in line:
            assert line in text.splitlines()
    # the new line goes into [Default Applications], not [Removed Associations]
    sections = text.split("[Removed Associations]")
    assert "x-scheme-handler/callto=call-companion.desktop;" in sections[0]
    assert sections[1] == "\nx-scheme-handler/callto=skype.desktop;\n"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    assert parser["Default Applications"]["text/html"] == "firefox.desktop"


def test_set_defaults_twice_is_the_same_file() -> None:
    once = set_defaults(MIMEAPPS)
    assert set_defaults(once) == once


def test_remove_defaults_gives_the_links_back_and_touches_nothing_else() -> None:
    text = remove_defaults(set_defaults(MIMEAPPS))
    assert default_handlers(text, "x-scheme-handler/tel") == ["org.gnome.Calls.desktop"]
    assert default_handlers(text, "x-scheme-handler/sip") == ["linphone.desktop"]
    assert default_handlers(text, "x-scheme-handler/callto") == []
    assert "# written by hand, keep me" in text and "# and this comment" in text
    assert "[Added Associations]\nx-scheme-handler/tel=org.gnome.Calls.desktop;\n" in text
    assert "x-scheme-handler/callto=skype.desktop;" in text
    assert remove_defaults(text) == text


def test_remove_defaults_leaves_a_file_without_ours_byte_for_byte() -> None:
    text = MIMEAPPS.replace("linphone.desktop;call-companion.desktop;", "linphone.desktop;")
    assert remove_defaults(text) == text


def test_a_missing_file_and_a_missing_section_are_made() -> None:
    made = set_defaults("")
    assert made.startswith("[Default Applications]\n")
    assert all(default_handlers(made, mime) == [DESKTOP_FILE] for mime in MIME_TYPES)
    other = "[Added Associations]\ntext/plain=gedit.desktop;"  # no line break at the end
    made = set_defaults(other)
    assert made.startswith("[Added Associations]\ntext/plain=gedit.desktop;\n\n[Default Applications]\n")
    assert (
        remove_defaults(made) == "[Added Associations]\ntext/plain=gedit.desktop;\n\n[Default Applications]\n"
    )


def test_a_type_named_twice_ends_up_on_one_line() -> None:
    text = "[Default Applications]\nx-scheme-handler/tel=a.desktop;\nx-scheme-handler/tel=b.desktop;\n"
    made = set_defaults(text)
    assert made.count("x-scheme-handler/tel=") == 1
    assert default_handlers(made, "x-scheme-handler/tel") == [DESKTOP_FILE, "a.desktop", "b.desktop"]


def test_a_second_defaults_section_gets_nothing_new() -> None:
    text = (
        "[Default Applications]\ntext/html=firefox.desktop;\n\n[Added Associations]\n"
        "text/plain=gedit.desktop;\n\n[Default Applications]\nx-scheme-handler/sip=linphone.desktop;\n"
    )
    made = set_defaults(text)
    first, rest = made.split("[Added Associations]")
    assert "x-scheme-handler/tel=call-companion.desktop;" in first
    assert "x-scheme-handler/callto=call-companion.desktop;" in first
    assert rest.endswith(
        "[Default Applications]\nx-scheme-handler/sip=call-companion.desktop;linphone.desktop;\n"
    )
    assert remove_defaults(made) == text


# --- the round trip on Linux ----------------------------------------------------------------------


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    ran: list[Path] = []
    monkeypatch.setattr(url_handlers, "_update_desktop_database", ran.append)
    monkeypatch.setattr(url_handlers, "_linux_icon", lambda: "call-companion")
    return {
        "desktop": tmp_path / "xdg-data" / "applications" / DESKTOP_FILE,
        "mimeapps": tmp_path / "xdg-config" / "mimeapps.list",
        "config": tmp_path / "xdg-config",
        "ran": ran,  # type: ignore[dict-item]
    }


@pytest.mark.skipif(os.name == "nt" or os.uname().sysname == "Darwin", reason="the XDG round trip")
def test_register_is_registered_unregister_round_trip(xdg: dict[str, Path]) -> None:
    xdg["mimeapps"].parent.mkdir(parents=True)
    own = MIMEAPPS.replace("call-companion.desktop;", "").replace("tel = ", "tel=")
    xdg["mimeapps"].write_text(own, encoding="utf-8")
    before = xdg["mimeapps"].read_text(encoding="utf-8")
    assert not url_handlers.is_registered()

    assert url_handlers.register() is None
    assert url_handlers.is_registered()
    entry = read_entry(xdg["desktop"].read_text(encoding="utf-8"))
    assert split_exec(entry["Exec"]) == [*softphones.launcher_argv(), "%u"]
    after = xdg["mimeapps"].read_text(encoding="utf-8")
    assert all(default_handlers(after, mime)[0] == DESKTOP_FILE for mime in MIME_TYPES)
    assert xdg["ran"] == [xdg["desktop"].parent]  # type: ignore[comparison-overlap]

    assert url_handlers.register() is None
    assert xdg["mimeapps"].read_text(encoding="utf-8") == after

    url_handlers.unregister()
    assert not url_handlers.is_registered()
    assert not xdg["desktop"].exists()
    assert xdg["mimeapps"].read_text(encoding="utf-8") == before


@pytest.mark.skipif(os.name == "nt" or os.uname().sysname == "Darwin", reason="the XDG round trip")
def test_register_makes_mimeapps_list_when_there_is_none(xdg: dict[str, Path]) -> None:
    url_handlers.register()
    assert xdg["mimeapps"].is_file() and url_handlers.is_registered()
    xdg["desktop"].unlink()
    assert not url_handlers.is_registered()  # the file is half of it
    url_handlers.unregister()
    assert xdg["mimeapps"].read_text(encoding="utf-8") == "[Default Applications]\n"


@pytest.mark.skipif(os.name == "nt" or os.uname().sysname == "Darwin", reason="the XDG round trip")
def test_a_desktops_own_file_is_read_first_and_edited_too(
    xdg: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    xdg["config"].mkdir(parents=True)
    gnome = xdg["config"] / "gnome-mimeapps.list"
    gnome.write_text(
        "[Default Applications]\nx-scheme-handler/tel=org.gnome.Calls.desktop;\n", encoding="utf-8"
    )
    ubuntu = xdg["config"] / "ubuntu-mimeapps.list"
    ubuntu.write_text("[Default Applications]\ntext/html=firefox.desktop;\n", encoding="utf-8")
    url_handlers.register()
    assert url_handlers.is_registered()
    assert default_handlers(gnome.read_text(encoding="utf-8"), "x-scheme-handler/tel")[0] == DESKTOP_FILE
    assert ubuntu.read_text(encoding="utf-8") == "[Default Applications]\ntext/html=firefox.desktop;\n"

    gnome.write_text(
        "[Default Applications]\nx-scheme-handler/tel=org.gnome.Calls.desktop;\n", encoding="utf-8"
    )
    assert not url_handlers.is_registered()  # the desktop's own file says otherwise
    url_handlers.unregister()
    assert (
        gnome.read_text(encoding="utf-8")
        == "[Default Applications]\nx-scheme-handler/tel=org.gnome.Calls.desktop;\n"
    )


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_symlinked_mimeapps_list_stays_a_symlink(xdg: dict[str, Path], tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "mimeapps.list"
    dotfiles.parent.mkdir()
    dotfiles.write_text("[Default Applications]\n", encoding="utf-8")
    xdg["config"].mkdir(parents=True)
    xdg["mimeapps"].symlink_to(dotfiles)
    url_handlers.linux_register(["/usr/bin/companion"], "call-companion")
    assert xdg["mimeapps"].is_symlink()
    assert default_handlers(dotfiles.read_text(encoding="utf-8"), "x-scheme-handler/sip") == [DESKTOP_FILE]


def test_a_refused_write_says_where(xdg: dict[str, Path]) -> None:
    xdg["config"].parent.mkdir(parents=True, exist_ok=True)
    xdg["config"].write_text("not a folder", encoding="utf-8")  # mimeapps.list cannot be made
    with pytest.raises(OSError, match="mimeapps.list"):
        url_handlers.linux_register(["/usr/bin/companion"], "call-companion")


# --- Windows: the values ------------------------------------------------------------------------


def values(entries: list[RegValue]) -> dict[tuple[str, str], str]:
    return {(e.key.lower(), e.name.lower()): e.value for e in entries}


def test_every_scheme_is_a_url_protocol_that_runs_our_command() -> None:
    found = values(windows_entries(COMMAND, ICON))
    for scheme in SCHEMES:
        key = rf"software\classes\{scheme}"
        assert found[(key, "url protocol")] == ""
        assert found[(key, "")] == f"URL:{scheme}"
        assert found[(key + r"\shell\open\command", "")] == COMMAND
        assert '"%1"' in found[(key + r"\shell\open\command", "")]


def test_the_prog_id_capabilities_and_registered_applications() -> None:
    found = values(windows_entries(COMMAND, ICON))
    prog = rf"software\classes\{PROG_ID}".lower()
    assert found[(prog + r"\shell\open\command", "")] == COMMAND
    assert found[(prog + r"\defaulticon", "")] == ICON
    assert found[(prog, "friendlytypename")] == found[(prog, "")] == "Call Companion phone link"
    capabilities = CAPABILITIES_KEY.lower()
    assert found[(capabilities, "applicationname")] == "Call Companion"
    assert found[(capabilities, "applicationicon")] == ICON
    assert found[(capabilities, "applicationdescription")]
    for scheme in SCHEMES:
        assert found[(capabilities + r"\urlassociations", scheme)] == PROG_ID
    assert found[(r"software\registeredapplications", "call companion")] == CAPABILITIES_KEY
    assert all(e.key.lower().startswith("software\\") for e in windows_entries(COMMAND, ICON))


def test_windows_removals_are_ours_alone() -> None:
    removals = [key.lower() for key in windows_removals()]
    assert rf"software\classes\{PROG_ID}".lower() in removals
    assert CAPABILITIES_KEY.lower() in removals
    for scheme in SCHEMES:
        assert not any(
            key == rf"software\classes\{scheme}" or key.startswith(rf"software\classes\{scheme}" + "\\")
            for key in removals
        )
    assert r"software\registeredapplications" not in removals
    assert all(url_handlers.scheme_of(key) is None for key in removals)


def test_scheme_on_unregister_decides_from_what_is_there() -> None:
    assert scheme_on_unregister(COMMAND, [COMMAND], None) == "delete"
    assert scheme_on_unregister(COMMAND.upper(), [COMMAND], None) == "delete"  # Windows ignores case
    assert scheme_on_unregister(COMMAND, [COMMAND], MICROSIP) == "restore"
    assert scheme_on_unregister(MICROSIP, [COMMAND], None) == "keep"
    assert scheme_on_unregister(None, [COMMAND], MICROSIP) == "keep"
    assert scheme_on_unregister("", [COMMAND, None], None) == "keep"


def test_the_command_comes_from_the_launcher_with_the_link_quoted() -> None:
    assert url_handlers.windows_command([WIN_EXE]) == COMMAND
    assert url_handlers.windows_icon([WIN_EXE]) == ICON
    pip = [r"C:\Python311\Scripts\companion-gui.exe"]
    assert url_handlers.windows_command(pip) == r'C:\Python311\Scripts\companion-gui.exe "%1"'
    assert softphones.command_line([WIN_EXE], windows=True) + ' "%1"' == COMMAND


def test_default_apps_opens_at_our_page() -> None:
    assert url_handlers.default_apps_uri() == "ms-settings:defaultapps?registeredAppUser=Call%20Companion"


def test_bundle_id_and_autostart_label_agree() -> None:
    assert url_handlers.BUNDLE_ID == autostart.LABEL == "com.callcompanion.app"


# --- Windows: register and unregister, on a registry kept in a dict -----------------------------


class FakeRegistry:
    """HKEY_CURRENT_USER: keys and value names ignore case, as in Windows."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}

    def read(self, key: str, name: str) -> str | None:
        return self.keys.get(key.lower(), {}).get(name.lower())

    def write(self, key: str, name: str, value: str) -> None:
        parts = key.lower().split("\\")
        for depth in range(1, len(parts) + 1):
            self.keys.setdefault("\\".join(parts[:depth]), {})
        self.keys[key.lower()][name.lower()] = value

    def delete_value(self, key: str, name: str) -> None:
        self.keys.get(key.lower(), {}).pop(name.lower(), None)

    def delete_tree(self, key: str) -> None:
        prefix = key.lower()
        for name in [k for k in self.keys if k == prefix or k.startswith(prefix + "\\")]:
            del self.keys[name]

    def is_empty(self, key: str) -> bool:
        prefix = key.lower()
        if prefix not in self.keys:
            return False
        return not self.keys[prefix] and not any(k.startswith(prefix + "\\") for k in self.keys)


def scheme_command(reg: FakeRegistry, scheme: str) -> str | None:
    return reg.read(rf"Software\Classes\{scheme}\shell\open\command", "")


def test_register_on_a_fresh_registry_and_back() -> None:
    reg = FakeRegistry()
    reg.write(r"Software\RegisteredApplications", "Firefox-308046B0AF4A39CB", r"Software\Clients\Firefox")
    assert not windows_is_registered(reg, COMMAND)
    assert windows_register(reg, COMMAND, ICON) is None
    assert windows_is_registered(reg, COMMAND)
    assert not windows_is_registered(reg, COMMAND.replace("anna", "boris"))  # another install
    assert all(reg.read(e.key, e.name) == e.value for e in windows_entries(COMMAND, ICON))

    windows_unregister(reg, COMMAND)
    assert not windows_is_registered(reg, COMMAND)
    assert all(scheme_command(reg, scheme) is None for scheme in SCHEMES)
    assert not any(key.startswith(r"software\callcompanion") for key in reg.keys)
    assert reg.read(r"Software\Classes\CallCompanion.PhoneLink\shell\open\command", "") is None
    assert reg.read(r"Software\RegisteredApplications", "Call Companion") is None
    assert (
        reg.read(r"Software\RegisteredApplications", "Firefox-308046B0AF4A39CB")
        == r"Software\Clients\Firefox"
    )


def test_a_softphones_handler_is_kept_and_given_back() -> None:
    reg = FakeRegistry()
    for scheme in ("tel", "sip"):
        reg.write(rf"Software\Classes\{scheme}", "", f"URL:{scheme} Protocol")
        reg.write(rf"Software\Classes\{scheme}", "URL Protocol", "")
        reg.write(rf"Software\Classes\{scheme}\shell\open\command", "", MICROSIP)
    windows_register(reg, COMMAND, ICON)
    assert scheme_command(reg, "tel") == COMMAND
    assert reg.read(PHONE_LINKS_KEY, "tel.previous") == MICROSIP
    windows_register(reg, COMMAND, ICON)  # again: ours is not taken for MicroSIP's
    assert reg.read(PHONE_LINKS_KEY, "tel.previous") == MICROSIP

    windows_unregister(reg, COMMAND)
    assert scheme_command(reg, "tel") == scheme_command(reg, "sip") == MICROSIP
    assert reg.read(r"Software\Classes\tel", "URL Protocol") == ""
    assert scheme_command(reg, "callto") is None


def test_a_handler_that_took_the_scheme_since_is_left_alone() -> None:
    reg = FakeRegistry()
    windows_register(reg, COMMAND, ICON)
    reg.write(r"Software\Classes\tel\shell\open\command", "", MICROSIP)  # MicroSIP installed later
    windows_unregister(reg, COMMAND)
    assert scheme_command(reg, "tel") == MICROSIP
    assert scheme_command(reg, "sip") is None


def test_a_moved_install_still_takes_back_what_it_wrote() -> None:
    reg = FakeRegistry()
    old = COMMAND.replace("Programs", "Old Programs")
    windows_register(reg, old, ICON)
    windows_register(reg, COMMAND, ICON)  # the old command was ours: nothing to give back
    assert reg.read(PHONE_LINKS_KEY, "tel.previous") is None
    windows_unregister(reg, COMMAND)
    assert scheme_command(reg, "tel") is None


def test_the_persons_choice_of_another_app_asks_them_to_choose() -> None:
    reg = FakeRegistry()
    choice = r"Software\Microsoft\Windows\Shell\Associations\UrlAssociations\tel\UserChoice"
    reg.write(choice, "ProgId", "TeamsURL")
    note = windows_register(reg, COMMAND, ICON)
    assert note and "Default apps" in note
    assert not windows_is_registered(reg, COMMAND)
    reg.write(choice, "ProgId", PROG_ID)  # the person chose us in Settings
    assert windows_register(reg, COMMAND, ICON) is None
    assert windows_is_registered(reg, COMMAND)


def test_open_os_settings_has_nothing_to_open_here() -> None:
    if os.name != "nt":
        assert url_handlers.open_os_settings() is False
