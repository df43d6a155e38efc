"""companion.integrations.dial: a clicked tel: link reaches the rep's softphone, and nothing else does.

No Qt. A fake softphone (a Python script with a shebang) is really started and writes down the
arguments it was given.
"""

from __future__ import annotations

import json
import ntpath
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from companion.integrations import dial
from companion.integrations.dial import (
    MODES,
    DialError,
    dial_argv,
    dialable,
    find_program,
    hand_off,
    split_command,
)

MOSCOW = "+74993224685"
HOSTILE = [
    "--help",
    "-1",
    "1;touch x",
    "$(id)",
    "`id`",
    "+7499\n3224685",
    "+74993224685\n",
    "/exit",
    "+7499;3224685",  # ';' starts tel: URI parameters
    "1|2",
    "1&2",
    "1>2",
    "1^2",
    "1%2",
    "1\t2",
    "12 & calc",
    "+7499'3224685",
    '"+74993224685"',
    "%2B74993224685",
    "+7 499 322\u200946 85",  # a thin space is not a separator we strip: refuse rather than guess
    "٤٩٩٣٢٢٤٦٨٥",  # Arabic-Indic digits: not what a softphone dials
]

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the fake softphone is a shebang script")


# --- the fake softphone ---------------------------------------------------------------------


def fake_softphone(folder: Path, name: str = "softphone") -> tuple[Path, Path]:
    """An executable that appends its argv (without argv[0]) as one JSON line to ``calls.jsonl``."""
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "calls.jsonl"
    program = folder / name
    program.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"with open({str(record)!r}, 'a', encoding='utf-8') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    program.chmod(0o755)
    return program, record


def calls_made(record: Path, expected: int = 1, timeout: float = 10.0) -> list[list[str]]:
    """The argument lists the fake softphone got, once it has written ``expected`` of them."""
    deadline = time.monotonic() + timeout
    while True:
        lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        if len(lines) >= expected or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.02)  # polling a file another process writes; the deadline bounds the test


class NoPopen:
    """A popen that fails the test if anything is started."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str], **options: Any) -> None:
        self.calls.append(argv)
        raise AssertionError(f"nothing should be started, got {argv!r}")


class RecordingPopen:
    def __init__(self) -> None:
        self.argv: list[str] | None = None
        self.options: dict[str, Any] = {}

    def __call__(self, argv: list[str], **options: Any) -> object:
        self.argv, self.options = argv, options
        return object()  # no wait(): hand_off must not need one


# --- dialable -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+74993224685", MOSCOW),
        ("+7 (499) 322-46-85", MOSCOW),
        ("+1.415.555.0100", "+14155550100"),
        ("8 499 322\u00a046 85", "84993224685"),
        ("*67#", "*67#"),
        ("+74993224685,,104", "+74993224685,,104"),
        ("104", "104"),
    ],
)
def test_a_phone_number_is_dialable_without_its_visual_separators(raw: str, expected: str) -> None:
    assert dialable(raw) == expected


@pytest.mark.parametrize("raw", HOSTILE)
def test_anything_but_a_phone_number_is_refused(raw: str) -> None:
    with pytest.raises(DialError, match="not a phone number"):
        dialable(raw)


@pytest.mark.parametrize("raw", ["", "   ", "+", ",123", "12+3", "++7499", "1" * 41])
def test_empty_and_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(DialError):
        dialable(raw)


def test_the_refusal_shows_the_link_on_one_line() -> None:
    with pytest.raises(DialError) as caught:
        dialable("+7499\n`reboot`")
    assert "\n" not in str(caught.value)
    assert "`reboot`" in str(caught.value)


# --- splitting the user's command -----------------------------------------------------------


def test_a_windows_template_keeps_backslashes_and_drops_the_quotes() -> None:
    assert split_command(r'"C:\Apps\Soft Phone\phone.exe" --dial {number}', windows=True) == [
        r"C:\Apps\Soft Phone\phone.exe",
        "--dial",
        "{number}",
    ]


def test_a_windows_program_folder_may_end_in_a_backslash_inside_its_quotes() -> None:
    assert split_command(r'"C:\Soft Phone\"phone.exe /dial', windows=True) == [
        r"C:\Soft Phone\phone.exe",
        "/dial",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [  # the CommandLineToArgvW examples Microsoft documents, after a program name
        ('"abc" d e', ["abc", "d", "e"]),
        (r'a\\\b d"e f"g h', [r"a\\\b", "de fg", "h"]),
        (r"a\\\"b c d", [r"a\"b", "c", "d"]),
        (r'a\\\\"b c" d e', [r"a\\b c", "d", "e"]),
        ('a"b"" c d" e', ['ab" c d', "e"]),  # documented unclosed; we ask for the closing quote
        ('""', [""]),
    ],
)
def test_windows_arguments_follow_the_c_runtime_rules(line: str, expected: list[str]) -> None:
    assert split_command("p.exe " + line, windows=True) == ["p.exe", *expected]


def test_a_posix_template_follows_shell_quoting_without_a_shell() -> None:
    assert split_command("'/opt/Soft Phone/phone' --to=\"{number}\" $HOME ~ *", windows=False) == [
        "/opt/Soft Phone/phone",
        "--to={number}",
        "$HOME",
        "~",
        "*",
    ]


@pytest.mark.parametrize("windows", [True, False])
def test_an_unclosed_quote_is_a_clear_error(windows: bool) -> None:
    with pytest.raises(DialError, match="check its quotes"):
        split_command('"C:\\Apps\\phone.exe --dial {number}', windows=windows)


# --- the argument lists ---------------------------------------------------------------------


def test_none_hands_nothing_over() -> None:
    assert dial_argv("none", "--help") is None
    assert hand_off("none", MOSCOW, popen=NoPopen()) is None


def test_microsip_gets_the_number_as_its_only_argument() -> None:
    assert dial_argv("microsip", "+7 (499) 322-46-85", program=r"C:\MicroSIP\microsip.exe") == [
        r"C:\MicroSIP\microsip.exe",
        MOSCOW,
    ]


def test_a_quoted_program_path_from_copy_as_path_is_unquoted() -> None:
    argv = dial_argv("microsip", MOSCOW, program='"C:\\Program Files\\MicroSIP\\microsip.exe"')
    assert argv == ["C:\\Program Files\\MicroSIP\\microsip.exe", MOSCOW]


def test_linphone_gets_a_tel_uri_as_its_command_argument() -> None:
    assert dial_argv("linphone", MOSCOW, program="/usr/bin/linphone") == [
        "/usr/bin/linphone",
        "tel:" + MOSCOW,
    ]
    assert dial_argv("linphone", "*67#", program="linphone") == ["linphone", "tel:*67%23"]


def test_custom_substitutes_the_number_inside_arguments() -> None:
    argv = dial_argv("custom", MOSCOW, template="phone --dial={number} --again {number}")
    assert argv == ["phone", f"--dial={MOSCOW}", "--again", MOSCOW]


def test_custom_without_a_placeholder_appends_the_number() -> None:
    assert dial_argv("custom", MOSCOW, template="phone --call") == ["phone", "--call", MOSCOW]


def test_custom_never_puts_the_number_into_the_program_name() -> None:
    assert dial_argv("custom", MOSCOW, template="phone{number}") == ["phone{number}", MOSCOW]


@pytest.mark.parametrize("template", ["", "   ", '""'])
def test_an_empty_template_is_an_error(template: str) -> None:
    with pytest.raises(DialError, match="empty"):
        dial_argv("custom", MOSCOW, template=template)


def test_an_unknown_mode_is_an_error() -> None:
    with pytest.raises(DialError, match="Unknown softphone setting “skype”"):
        dial_argv("skype", MOSCOW)
    assert "skype" not in MODES


@pytest.mark.parametrize("mode", ["microsip", "linphone"])
def test_a_softphone_that_is_not_installed_is_named_in_the_error(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dial, "find_program", lambda mode: None)
    with pytest.raises(DialError, match="(MicroSIP|Linphone) was not found on this computer") as caught:
        dial_argv(mode, MOSCOW)
    assert ("MicroSIP" if mode == "microsip" else "Linphone") in str(caught.value)


def test_the_installed_softphone_is_used_when_no_program_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dial, "find_program", lambda mode: f"/found/{mode}")
    assert dial_argv("microsip", MOSCOW) == ["/found/microsip", MOSCOW]
    assert dial_argv("linphone", MOSCOW, program="/chosen/linphone") == ["/chosen/linphone", "tel:" + MOSCOW]


# --- finding the program --------------------------------------------------------------------

WINDOWS_ENV = {
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "ProgramFiles": r"C:\Program Files",
    "LOCALAPPDATA": r"C:\Users\rep\AppData\Local",
    "PATH": r"C:\Windows;C:\Tools",
}


@pytest.mark.parametrize(
    "installed",
    [
        r"C:\Program Files (x86)\MicroSIP\microsip.exe",
        r"C:\Program Files\MicroSIP\microsip.exe",
        r"C:\Users\rep\AppData\Local\MicroSIP\microsip.exe",
        r"C:\Tools\microsip.exe",
    ],
)
def test_microsip_is_found_where_its_installers_put_it(installed: str) -> None:
    assert find_program("microsip", env=WINDOWS_ENV, exists=lambda p: p == installed, platform="win32") == (
        installed
    )


def test_program_files_wins_over_path() -> None:
    both = {r"C:\Program Files\MicroSIP\microsip.exe", r"C:\Tools\microsip.exe"}
    found = find_program("microsip", env=WINDOWS_ENV, exists=both.__contains__, platform="win32")
    assert found == r"C:\Program Files\MicroSIP\microsip.exe"


@pytest.mark.parametrize(
    ("platform", "env", "installed"),
    [
        ("linux", {"PATH": "/usr/local/bin:/usr/bin"}, "/usr/bin/linphone"),
        ("darwin", {"PATH": "/usr/bin"}, "/Applications/Linphone.app/Contents/MacOS/linphone"),
        ("darwin", {"HOME": "/Users/rep"}, "/Users/rep/Applications/Linphone.app/Contents/MacOS/linphone"),
        ("win32", WINDOWS_ENV, r"C:\Program Files\Linphone\bin\linphone.exe"),
        ("win32", WINDOWS_ENV, r"C:\Tools\linphone.exe"),
    ],
)
def test_linphone_is_found_where_it_is_installed(platform: str, env: dict[str, str], installed: str) -> None:
    assert find_program("linphone", env=env, exists=lambda p: p == installed, platform=platform) == installed


def test_nothing_installed_finds_nothing() -> None:
    for mode in MODES:
        assert find_program(mode, env=WINDOWS_ENV, exists=lambda p: False, platform="win32") is None
    assert find_program("custom", env=WINDOWS_ENV, exists=lambda p: True, platform="win32") is None


def test_windows_candidates_are_windows_paths() -> None:
    seen: list[str] = []
    find_program("microsip", env=WINDOWS_ENV, exists=lambda p: seen.append(p) or False, platform="win32")
    assert seen and all(ntpath.isabs(p) and "/" not in p for p in seen)


# --- really starting it ---------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize(
    ("mode", "expected"),
    [("microsip", [MOSCOW]), ("linphone", ["tel:" + MOSCOW])],
)
def test_the_softphone_is_really_started_with_the_number(
    mode: str, expected: list[str], tmp_path: Path
) -> None:
    program, record = fake_softphone(tmp_path / "bin")
    argv = hand_off(mode, "+7 (499) 322-46-85", program=str(program))
    assert argv == [str(program), *expected]
    assert calls_made(record) == [expected]


@posix_only
def test_a_custom_command_with_spaces_and_quotes_is_really_started(tmp_path: Path) -> None:
    program, record = fake_softphone(tmp_path / "Soft Phone", name="the phone")
    template = f'"{program}" --dial "{{number}}" --from \'Call Companion\''
    hand_off("custom", MOSCOW, template=template)
    assert calls_made(record) == [["--dial", MOSCOW, "--from", "Call Companion"]]


@posix_only
def test_a_custom_command_without_a_placeholder_really_gets_the_number_last(tmp_path: Path) -> None:
    program, record = fake_softphone(tmp_path / "bin")
    hand_off("custom", "*67#", template=f"{program} call")
    assert calls_made(record) == [["call", "*67#"]]


@pytest.mark.parametrize("mode", ["microsip", "linphone", "custom"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_link_starts_nothing(mode: str, hostile: str) -> None:
    popen = NoPopen()
    with pytest.raises(DialError):
        hand_off(mode, hostile, program="/bin/phone", template="/bin/phone {number}", popen=popen)
    assert popen.calls == []


@posix_only
def test_a_hostile_link_really_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program, record = fake_softphone(tmp_path / "bin")
    witness = tmp_path / "x"
    monkeypatch.chdir(tmp_path)
    for hostile in ["--help", "1;touch x", "$(touch x)", "`touch x`", "1\ntouch x"]:
        with pytest.raises(DialError):
            hand_off("custom", hostile, template=f"{program} {{number}}")
    hand_off("custom", MOSCOW, template=f"{program} {{number}}")  # the one real call, to wait for
    assert calls_made(record) == [[MOSCOW]]
    assert not witness.exists()


def test_the_softphone_is_detached_from_us() -> None:
    popen = RecordingPopen()
    hand_off("microsip", MOSCOW, program="microsip.exe", popen=popen)
    assert popen.argv == ["microsip.exe", MOSCOW]
    options = popen.options
    assert "shell" not in options
    assert options["stdin"] == options["stdout"] == options["stderr"] == dial.subprocess.DEVNULL
    assert options["close_fds"] is True
    if sys.platform == "win32":
        assert options["creationflags"] & dial.subprocess.DETACHED_PROCESS
    else:
        assert options["start_new_session"] is True


def test_a_program_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no such phone.exe"
    with pytest.raises(DialError, match="The softphone could not be started") as caught:
        hand_off("microsip", MOSCOW, program=str(missing))
    assert str(missing) in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)


@posix_only
def test_a_program_that_is_not_executable_is_a_clear_error(tmp_path: Path) -> None:
    program, _record = fake_softphone(tmp_path / "bin")
    program.chmod(0o644)
    with pytest.raises(DialError, match="could not be started"):
        hand_off("linphone", MOSCOW, program=str(program))


def test_the_module_never_opens_urls_through_the_os() -> None:
    source = Path(dial.__file__).read_text(encoding="utf-8")
    code = source.split('"""', 2)[2]  # below the module docstring, which names them to forbid them
    for forbidden in (
        "QDesktopServices",
        "xdg-open",
        "webbrowser",
        "os.startfile",
        "shell=True",
        "os.system",
    ):
        assert forbidden not in code
