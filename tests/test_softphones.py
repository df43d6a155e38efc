"""Softphone setup: each softphone is emulated as its source code runs our command."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion.cli import build_parser
from companion.integrations import softphones
from companion.integrations.softphones import (
    MICROSIP_EVENTS,
    SoftphoneSetupError,
    command_line,
    configure_microsip,
    find_microsip_ini,
    launcher_argv,
    linphone_caller,
    linphone_setting,
    microsip_lines,
    microsip_running,
    read_ini_values,
)

ROOT = Path(__file__).resolve().parent.parent
WIN_EXE = r"C:\Program Files\Call Companion\Call Companion.exe"
NUMBERS = ["+74993224685", "104", "anonymous"]


# --- Windows command lines, as CommandLineToArgvW splits them --------------------------------------


def command_line_to_argv(line: str) -> list[str]:
    """``CommandLineToArgvW``: the program name by its own rule, then the MSVC argument rules."""
    args: list[str] = []
    i, n = 0, len(line)
    while i < n and line[i] in " \t":
        i += 1
    if i == n:
        return args
    first = []
    if line[i] == '"':  # quotes delimit the program name; backslashes are plain characters
        i += 1
        while i < n and line[i] != '"':
            first.append(line[i])
            i += 1
        i += 1
    while i < n and line[i] not in " \t":
        first.append(line[i])
        i += 1
    args.append("".join(first))
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg: list[str] = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                slashes = 0
                while i < n and line[i] == "\\":
                    slashes += 1
                    i += 1
                if i < n and line[i] == '"':
                    arg.append("\\" * (slashes // 2))
                    if slashes % 2:
                        arg.append('"')
                        i += 1
                else:
                    arg.append("\\" * slashes)
            elif line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                else:
                    quoted = not quoted
                    i += 1
            else:
                arg.append(line[i])
                i += 1
        args.append("".join(arg))


def microsip_runs(value: str, caller_id: str) -> list[str]:
    """The argv our program gets when MicroSIP 3.19/3.20 runs ``value`` for ``caller_id``.

    ``RunCmd``: ``CommandLineToShell`` splits the value with CommandLineToArgvW; the program goes to
    ``lpFile``, the other parts are joined back with spaces, unquoted; then ``" " + caller_id`` is
    appended and the start trimmed. ``ShellExecuteEx`` starts ``"lpFile" lpParameters``.
    """
    parts = command_line_to_argv(value.strip())
    params = (" ".join(parts[1:]) + " " + caller_id).lstrip()
    return command_line_to_argv(f'"{parts[0]}" {params}')


def test_the_splitter_knows_windows_quoting() -> None:
    assert command_line_to_argv(r'"C:\a b\x.exe" one "two three" a\\"b c" d\"e') == [
        r"C:\a b\x.exe",
        "one",
        "two three",
        "a\\b c",
        'd"e',
    ]


# --- the command that starts this install -------------------------------------------------------


def test_a_path_with_spaces_is_one_argument_on_windows() -> None:
    line = command_line([WIN_EXE, "incoming"], windows=True)
    assert line == f'"{WIN_EXE}" incoming'
    assert command_line_to_argv(line) == [WIN_EXE, "incoming"]


def test_a_path_with_spaces_is_one_argument_for_sh() -> None:
    argv = ["/home/me/Call Companion/bin/companion", "incoming", "it's"]
    assert shlex.split(command_line(argv, windows=False)) == argv


def test_frozen_app_is_started_as_itself() -> None:
    assert launcher_argv(frozen=True, executable=WIN_EXE) == [WIN_EXE]


def test_windows_prefers_the_script_without_a_console(tmp_path: Path) -> None:
    (tmp_path / "companion.exe").touch()
    assert launcher_argv(frozen=False, executable="python.exe", windows=True, dirs=[tmp_path]) == [
        str(tmp_path / "companion.exe")
    ]
    (tmp_path / "companion-gui.exe").touch()
    assert launcher_argv(frozen=False, executable="python.exe", windows=True, dirs=[tmp_path]) == [
        str(tmp_path / "companion-gui.exe")
    ]


def test_windows_scripts_folder_beside_a_system_python_is_searched(tmp_path: Path) -> None:
    (tmp_path / "Scripts").mkdir()
    (tmp_path / "Scripts" / "companion-gui.exe").touch()
    python = str(tmp_path / "python.exe")
    assert launcher_argv(frozen=False, executable=python, windows=True) == [
        str(tmp_path / "Scripts" / "companion-gui.exe")
    ]


def test_posix_uses_the_console_script_beside_python(tmp_path: Path) -> None:
    (tmp_path / "companion").touch()
    python = str(tmp_path / "python3")
    assert launcher_argv(frozen=False, executable=python, windows=False) == [str(tmp_path / "companion")]


def test_without_a_script_python_runs_the_module(tmp_path: Path) -> None:
    python = str(tmp_path / "python3")
    assert launcher_argv(frozen=False, executable=python, windows=False, dirs=[tmp_path]) == [
        python,
        "-m",
        "companion",
    ]
    (tmp_path / "pythonw.exe").touch()
    assert launcher_argv(frozen=False, executable=str(tmp_path / "python.exe"), windows=True, dirs=[]) == [
        str(tmp_path / "pythonw.exe"),
        "-m",
        "companion",
    ]


# --- MicroSIP ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("argv", [[WIN_EXE], [r"C:\Python 3.12\pythonw.exe", "-m", "companion"]])
def test_microsip_hands_us_the_event_and_the_number(argv: list[str], number: str) -> None:
    for line in microsip_lines(argv):
        key, value = line.split("=", 1)
        ran = microsip_runs(value, number)
        assert ran == [*argv, MICROSIP_EVENTS[key], "--", number]
        # the simpler reading of MicroSIP's docs (value + " " + caller id) gives the same argv
        assert command_line_to_argv(f"{value} {number}") == ran
        args = build_parser().parse_args(ran[len(argv) :])
        assert (args.command, args.number) == (MICROSIP_EVENTS[key], number)


def test_a_caller_id_that_looks_like_an_option_stays_the_number() -> None:
    _, value = microsip_lines([WIN_EXE])[0].split("=", 1)
    ran = microsip_runs(value, "--db=/tmp/other")
    args = build_parser().parse_args(ran[1:])
    assert (args.db, args.number) == (None, "--db=/tmp/other")


def test_microsip_lines_cover_every_call_event_busy_included() -> None:
    keys = [line.split("=", 1)[0] for line in microsip_lines([WIN_EXE])]
    assert keys == ["cmdIncomingCall", "cmdOutgoingCall", "cmdCallStart", "cmdCallEnd", "cmdCallBusy"]


def test_microsip_refuses_arguments_it_would_split() -> None:
    with pytest.raises(SoftphoneSetupError, match="unquoted"):
        microsip_lines([WIN_EXE, "--db", r"C:\My Data\calls.sqlite3"])


def test_microsip_refuses_a_command_longer_than_it_reads() -> None:
    with pytest.raises(SoftphoneSetupError, match="255"):
        microsip_lines(["C:\\" + "x" * 250 + "\\companion.exe"])


def test_microsip_ini_of_the_installed_build_is_found_first(tmp_path: Path) -> None:
    roaming = tmp_path / "Roaming" / "MicroSIP"
    portable = tmp_path / "Local" / "MicroSIP"
    for folder in (roaming, portable):
        folder.mkdir(parents=True)
        (folder / "microsip.ini").write_bytes(b"")
    env = {"APPDATA": str(tmp_path / "Roaming"), "LOCALAPPDATA": str(tmp_path / "Local")}
    assert find_microsip_ini(env) == roaming / "microsip.ini"
    (roaming / "microsip.ini").unlink()
    assert find_microsip_ini(env) == portable / "microsip.ini"
    (portable / "microsip.ini").unlink()
    assert find_microsip_ini(env) is None
    assert find_microsip_ini({}) is None


def test_microsip_running_asks_tasklist_on_windows_only() -> None:
    calls: list[list[str]] = []

    def tasklist(output: str) -> object:
        def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
            calls.append(cmd)
            return subprocess.CompletedProcess(cmd, 0, stdout=output, stderr="")

        return run

    found = '"microsip.exe","5124","Console","1","24 120 K"\r\n'
    none = "INFO: No tasks are running which match the specified criteria.\r\n"
    assert microsip_running(windows=True, run=tasklist(found)) is True  # type: ignore[arg-type]
    assert microsip_running(windows=True, run=tasklist(none)) is False  # type: ignore[arg-type]
    assert calls[0][0] == "tasklist"
    assert microsip_running(windows=False, run=tasklist(found)) is False  # type: ignore[arg-type]
    assert len(calls) == 2


# realistic microsip.ini as MicroSIP 3.20 writes it (keys abridged, order and spelling its own)
SETTINGS = [
    "[Settings]",
    "accountId=1",
    "singleMode=1",
    "ringingSound=",
    "volumeRing=100",
    'audioRingDevice=""',
    "audioCodecs=opus/48000/2 G722/16000/1 PCMA/8000/1 PCMU/8000/1",
    "denyIncoming=",
    "cmdOutgoingCall=",
    r"cmdIncomingCall=C:\CRM\popup.exe",
    "cmdCallRing=",
    "cmdCallAnswer=",
    "cmdCallBusy=",
    "cmdCallStart=",
    r'cmdCallEnd="C:\Old Tools\log.bat" end',
    "silent=0",
    "mainX=1021",
    "alwaysOnTop=1",
]
ACCOUNT = [
    "[Account1]",
    "label=Офис (Москва)",
    "server=sip.example.ru",
    "domain=sip.example.ru",
    "username=104",
    "password=8f2ac0de",
    "displayName=Анна",
    "transport=udp",
]


def write_ini(path: Path, lines: list[str], *, encoding: str = "utf-16", newline: str = "\r\n") -> bytes:
    text = newline.join(lines) + newline
    data = (b"\xff\xfe" + text.encode("utf-16-le")) if encoding == "utf-16" else text.encode(encoding)
    path.write_bytes(data)
    return data


def ini_text(path: Path) -> str:
    data = path.read_bytes()
    assert data[:2] == b"\xff\xfe", "MicroSIP's ini is UTF-16LE with a BOM"
    return data[2:].decode("utf-16-le")


def expected_values(argv: list[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in microsip_lines(argv))


def test_configure_sets_the_keys_and_keeps_every_other_line(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    original = write_ini(ini, [*SETTINGS, "", "; the office account", *ACCOUNT])
    backup = configure_microsip(ini, [WIN_EXE], running=lambda: False)

    assert backup.read_bytes() == original
    values = expected_values([WIN_EXE])
    expected = [values.get(line.split("=", 1)[0], None) for line in SETTINGS]
    lines = ini_text(ini).split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF kept, final line break kept
    for line, new_value, new_line in zip(SETTINGS, expected, lines, strict=False):
        key = line.split("=", 1)[0]
        assert new_line == (f"{key}={new_value}" if new_value is not None else line)
    assert lines[len(SETTINGS) : -1] == ["", "; the office account", *ACCOUNT]
    assert {k: v for k, v in read_ini_values(ini).items() if k in values} == values
    assert read_ini_values(ini, "Account1")["label"] == "Офис (Москва)"


def test_configure_twice_changes_nothing_more(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(ini, [*SETTINGS, *ACCOUNT])
    configure_microsip(ini, [WIN_EXE], running=lambda: False)
    once = ini.read_bytes()
    second_backup = configure_microsip(ini, [WIN_EXE], running=lambda: False)
    assert ini.read_bytes() == once
    assert second_backup.read_bytes() == once
    assert len(list(tmp_path.glob("microsip.ini.*.bak"))) == 2


def test_configure_adds_missing_keys_at_the_end_of_the_section(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(ini, ["[Settings]", "accountId=1", "silent=0", "", *ACCOUNT])
    configure_microsip(ini, [WIN_EXE], running=lambda: False)
    assert ini_text(ini).split("\r\n") == [
        "[Settings]",
        "accountId=1",
        "silent=0",
        *microsip_lines([WIN_EXE]),
        "",
        *ACCOUNT,
        "",
    ]


def test_configure_creates_the_settings_section(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(ini, ACCOUNT)
    configure_microsip(ini, [WIN_EXE], running=lambda: False)
    assert ini_text(ini).split("\r\n") == [*ACCOUNT, "[Settings]", *microsip_lines([WIN_EXE]), ""]


def test_configure_reads_names_as_windows_does_and_drops_duplicates(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(
        ini,
        ["[settings]", "CMDINCOMINGCALL = old.exe", "accountId=1", "cmdIncomingCall=older.exe", *ACCOUNT],
    )
    configure_microsip(ini, [WIN_EXE], running=lambda: False)
    lines = ini_text(ini).split("\r\n")
    assert lines[:3] == ["[settings]", microsip_lines([WIN_EXE])[0], "accountId=1"]
    assert sum("older.exe" in line or "old.exe" in line for line in lines) == 0
    assert read_ini_values(ini)["cmdIncomingCall"] == expected_values([WIN_EXE])["cmdIncomingCall"]


@pytest.mark.parametrize(("encoding", "newline"), [("utf-8", "\r\n"), ("utf-8-sig", "\r\n"), ("utf-8", "\n")])
def test_configure_tolerates_an_ini_saved_as_utf8(tmp_path: Path, encoding: str, newline: str) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(ini, [*SETTINGS, *ACCOUNT], encoding=encoding, newline=newline)
    configure_microsip(ini, [WIN_EXE], running=lambda: False)
    text = ini_text(ini)
    assert text.count(newline) == len(SETTINGS) + len(ACCOUNT)
    assert "label=Офис (Москва)" in text.split(newline)
    assert read_ini_values(ini)["cmdCallStart"] == expected_values([WIN_EXE])["cmdCallStart"]


def test_configure_refuses_while_microsip_runs(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    original = write_ini(ini, [*SETTINGS, *ACCOUNT])
    with pytest.raises(SoftphoneSetupError, match="Quit MicroSIP first"):
        configure_microsip(ini, [WIN_EXE], running=lambda: True)
    assert ini.read_bytes() == original
    assert list(tmp_path.iterdir()) == [ini]


def test_configure_explains_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SoftphoneSetupError, match="was not found"):
        configure_microsip(tmp_path / "microsip.ini", [WIN_EXE], running=lambda: False)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_configure_explains_an_unreadable_file(tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    write_ini(ini, SETTINGS)
    ini.chmod(0)
    with pytest.raises(SoftphoneSetupError, match="Could not read"):
        configure_microsip(ini, [WIN_EXE], running=lambda: False)


def test_a_failed_write_leaves_the_ini_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini = tmp_path / "microsip.ini"
    original = write_ini(ini, [*SETTINGS, *ACCOUNT])

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(SoftphoneSetupError, match="No space left"):
        configure_microsip(ini, [WIN_EXE], running=lambda: False)
    assert ini.read_bytes() == original
    assert not list(tmp_path.glob(".microsip.ini.*"))


# --- Linphone ------------------------------------------------------------------------------------

HOSTILE = [
    ("+74993224685", '"; touch {marker}; "'),
    ('"; touch {marker}; "', "Ivan Petrov"),
    ("$(touch {marker})", "`touch {marker}`"),
    ("';touch$IFS{marker};'", "a\\"),
    ("104\ntouch {marker}\n", "x\n$(touch {marker})"),
    ("anonymous", "' || touch {marker} #"),
]


def shells() -> list[str]:
    found = [path for path in ("/bin/sh", shutil.which("bash"), shutil.which("dash")) if path]
    return list(dict.fromkeys(found))


def fake_companion(folder: Path) -> Path:
    """A `companion` that records its argv and the caller it reads back, as the CLI will."""
    folder.mkdir(parents=True)
    script = folder / "companion"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from companion.integrations.softphones import linphone_caller_from_parent\n"
        f"with open({str(folder / 'record.json')!r}, 'w', encoding='utf-8') as out:\n"
        "    json.dump({'argv': sys.argv[1:], 'caller': linphone_caller_from_parent()}, out)\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def linphone_runs(template: str, user: str, name: str, shell: str) -> None:
    """Linphone 6 ``CoreModel::onCallStateChanged`` + ``Utils::runCommandLine`` on Linux/macOS:
    text replacement of $1 then $2, then ``QProcess::startDetached("/bin/sh", {"-c", command})``."""
    command = template.replace("$1", user).replace("$2", name)
    subprocess.run([shell, "-c", command], timeout=30, check=False, capture_output=True)


@pytest.mark.skipif(os.name == "nt", reason="Linphone uses /bin/sh on Linux and macOS")
@pytest.mark.parametrize("shell", shells())
@pytest.mark.parametrize(("user", "name"), HOSTILE)
def test_linphone_hostile_caller_runs_nothing_and_still_arrives(
    tmp_path: Path, shell: str, user: str, name: str
) -> None:
    marker = tmp_path / "pwned"
    user, name = user.format(marker=marker), name.format(marker=marker)
    script = fake_companion(tmp_path / "Call Companion")
    linphone_runs(linphone_setting([str(script)], windows=False), user, name, shell)
    assert not marker.exists()
    record = json.loads((script.parent / "record.json").read_text(encoding="utf-8"))
    assert record == {"argv": ["incoming", "--from-linphone"], "caller": [user, name]}


@pytest.mark.skipif(os.name == "nt", reason="Linphone uses /bin/sh on Linux and macOS")
def test_linphone_emulation_catches_the_quoted_form(tmp_path: Path) -> None:
    """The control: "$1" in double quotes is what Linphone's text replacement breaks open."""
    marker = tmp_path / "pwned"
    script = fake_companion(tmp_path / "Call Companion")
    naive = shlex.join([str(script), "incoming"]) + ' "$1" --name "$2"'
    linphone_runs(naive, "+74993224685", f"$(touch {marker})", "/bin/sh")
    assert marker.exists()


def test_linphone_caller_is_read_back_from_the_shell_command() -> None:
    template = linphone_setting(["/usr/bin/companion"], windows=False)
    command = template.replace("$1", "+74993224685").replace("$2", "Анна <|> Петрова")
    assert linphone_caller(command) == ("+74993224685", "Анна <|> Петрова")
    assert linphone_caller("/usr/bin/companion incoming 104") is None


def test_linphone_on_windows_is_refused() -> None:
    with pytest.raises(SoftphoneSetupError, match=r"cmd\.exe"):
        linphone_setting([WIN_EXE], windows=True)


# --- Jitsi and URL softphones --------------------------------------------------------------------


def test_jitsi_command_survives_its_split_at_spaces() -> None:
    line = softphones.jitsi_command(["/opt/companion/bin/companion"])
    substituted = line.replace("${caller.uri}", "sip:+74993224685@sip.example.ru")
    args = build_parser().parse_args(substituted.split()[1:])  # Runtime.exec(String): StringTokenizer
    assert (args.command, args.number) == ("incoming", "sip:+74993224685@sip.example.ru")


def test_jitsi_refuses_a_path_with_spaces() -> None:
    with pytest.raises(SoftphoneSetupError, match="every space"):
        softphones.jitsi_command([WIN_EXE])


def test_hook_url_keeps_the_softphones_placeholders() -> None:
    url = softphones.hook_url("incoming", port=28470, token="a/b+c", number="$caller$", name="$caller_name$")
    assert url == "http://127.0.0.1:28470/incoming?token=a%2Fb%2Bc&number=$caller$&name=$caller_name$"


def test_every_softphone_has_steps() -> None:
    for name in ("microsip", "linphone", "jitsi", "url", "generic"):
        assert all(isinstance(text, str) and text for text in softphones.steps(name))


def test_generic_hook_command_leaves_the_placeholder_for_the_softphone() -> None:
    line = softphones.hook_command([WIN_EXE], "incoming", "%NUMBER%", windows=True)
    assert line == f'"{WIN_EXE}" incoming -- %NUMBER%'
    posix = softphones.hook_command(["/opt/Call Companion/companion"], "ended", "{number}", windows=False)
    assert shlex.split(posix.replace("{number}", "104")) == [
        "/opt/Call Companion/companion",
        "ended",
        "--",
        "104",
    ]
