"""packaging/metadata.py: what the installers say, read back the way each tool reads it."""

from __future__ import annotations

import ast
import importlib.util
import plistlib
import re
import sys
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest

from companion.integrations import autostart, url_handlers

ROOT = Path(__file__).resolve().parents[2]
EXE = r"{app}\Call Companion.exe"
COMMAND = rf'"{EXE}" "%1"'


@pytest.fixture(scope="module")
def metadata() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("packaging_metadata", ROOT / "packaging" / "metadata.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_version_is_pyprojects(metadata: Any) -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        assert metadata.version() == tomllib.load(handle)["project"]["version"]
    assert metadata.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert metadata.numeric_version("2.10rc1") == (2, 10, 0, 0)
    assert metadata.numeric_version("1.2.3.4") == (1, 2, 3, 4)
    with pytest.raises(ValueError):
        metadata.numeric_version("latest")


# --- macOS ---------------------------------------------------------------------------------------


def test_info_plist_survives_plistlib_and_declares_the_schemes(metadata: Any) -> None:
    plist = plistlib.loads(plistlib.dumps(metadata.info_plist("1.4.2")))
    assert plist["CFBundleIdentifier"] == url_handlers.BUNDLE_ID == autostart.LABEL
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "1.4.2"
    assert plist["CFBundleName"] == plist["CFBundleDisplayName"] == "Call Companion"
    schemes = {scheme for kind in plist["CFBundleURLTypes"] for scheme in kind["CFBundleURLSchemes"]}
    assert schemes == {"tel", "callto", "sip"}
    assert all(kind["CFBundleTypeRole"] in ("Viewer", "Editor") for kind in plist["CFBundleURLTypes"])
    assert all(kind["CFBundleURLName"] for kind in plist["CFBundleURLTypes"])
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleLocalizations"] == ["en", "ru"]
    assert plist["LSApplicationCategoryType"] == "public.app-category.business"
    assert "LSUIElement" not in plist  # a Dock icon: the window is switched to like any other
    assert "LSBackgroundOnly" not in plist
    assert tuple(int(p) for p in plist["LSMinimumSystemVersion"].split(".")) >= (11, 0)


def test_the_minimum_macos_follows_qt(metadata: Any) -> None:
    assert metadata.macos_minimum("6.7.3") == "11.0"
    assert metadata.macos_minimum("6.8.3") == "12.0"
    assert metadata.macos_minimum("6.11.1") == "13.0"
    assert metadata.info_plist("1.0", minimum_macos="14.0")["LSMinimumSystemVersion"] == "14.0"


# --- Windows: the version resource ----------------------------------------------------------------


def keyword(tree: ast.AST, name: str) -> Any:
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no {name}=")


def test_the_version_file_is_python_with_the_four_numbers(metadata: Any) -> None:
    tree = ast.parse(metadata.windows_version_info("2.5.13"), mode="eval")
    assert keyword(tree, "filevers") == keyword(tree, "prodvers") == (2, 5, 13, 0)
    strings = {
        node.args[0].value: node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"
    }
    assert strings["OriginalFilename"] == "Call Companion.exe"
    assert strings["FileVersion"] == "2.5.13.0" and strings["ProductVersion"] == "2.5.13"
    for name in ("CompanyName", "FileDescription", "InternalName", "LegalCopyright", "ProductName"):
        assert strings[name]


def test_pyinstaller_reads_the_version_file(
    metadata: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyInstaller's own reader; its module wants pefile and win32api, used only for executables."""
    compat = pytest.importorskip("PyInstaller.compat")
    monkeypatch.setitem(sys.modules, "pefile", sys.modules.get("pefile") or types.ModuleType("pefile"))
    if not hasattr(compat, "win32api"):
        monkeypatch.setattr(compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    import PyInstaller.utils.win32.versioninfo as versioninfo

    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo")
    path = tmp_path / "version.txt"
    path.write_text(metadata.windows_version_info("0.1.0"), encoding="utf-8")
    info = versioninfo.load_version_info_from_text_file(str(path))
    assert isinstance(info, versioninfo.VSVersionInfo)
    assert (info.ffi.fileVersionMS, info.ffi.fileVersionLS) == (0x00000001, 0x00000000)
    raw = info.toRaw()
    assert "Copyright © CallCompanion".encode("utf-16-le") in raw
    assert "Call Companion.exe".encode("utf-16-le") in raw


# --- Windows: the Inno Setup script ---------------------------------------------------------------


def inno_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        header = re.fullmatch(r"\[(\w+)\]", line.strip())
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        elif current == "Code":
            sections[current].append(line)
        elif line.strip() and not line.lstrip().startswith(";"):
            sections.setdefault(current, []).append(line)
    return sections


def inno_params(line: str) -> dict[str, str]:
    """``Name: value; Name: "a ""quoted"" value; with a semicolon"``, as Inno Setup reads it."""
    params: dict[str, str] = {}
    i = 0
    while i < len(line):
        colon = line.index(":", i)
        name = line[i:colon].strip()
        i = colon + 1
        while i < len(line) and line[i] == " ":
            i += 1
        if i < len(line) and line[i] == '"':
            value, i = [], i + 1
            while True:
                if line[i] == '"':
                    if i + 1 < len(line) and line[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(line[i])
                i += 1
            text = "".join(value)
        else:
            end = line.find(";", i)
            end = len(line) if end < 0 else end
            text, i = line[i:end].strip(), end
        assert name not in params, f"{name} twice in {line!r}"
        params[name] = text
        while i < len(line) and line[i] in " ;":
            i += 1
    return params


def constants(value: str) -> list[str]:
    """The ``{constants}`` Inno Setup expands in ``value`` (``{{`` is a literal brace)."""
    found, i = [], 0
    while i < len(value):
        if value.startswith("{{", i):
            i += 2
        elif value[i] == "{":
            end = value.index("}", i)
            found.append(value[i + 1 : end])
            i = end + 1
        else:
            i += 1
    return found


@pytest.fixture(scope="module")
def script(metadata: Any) -> dict[str, list[str]]:
    return inno_sections(metadata.inno_script("3.2.1"))


@pytest.fixture(scope="module")
def registry(script: dict[str, list[str]]) -> list[dict[str, str]]:
    return [inno_params(line) for line in script["Registry"]]


def test_setup_is_per_user_with_a_fixed_escaped_app_id(script: dict[str, list[str]]) -> None:
    setup = dict(line.split("=", 1) for line in script["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert constants(setup["AppId"]) == []
    assert setup["AppName"] == "Call Companion" and setup["AppVersion"] == "3.2.1"
    assert "3.2.1" in setup["OutputBaseFilename"] and setup["OutputBaseFilename"].startswith(
        "CallCompanion-Setup"
    )
    assert setup["DefaultDirName"] == r"{autopf}\Call Companion"
    assert setup["UninstallDisplayIcon"] == EXE
    assert setup["SetupIconFile"].endswith("call-companion.ico")
    assert setup["SourceDir"] == r"..\.."  # the .iss sits in build\packaging\
    for key, value in {
        "DisableProgramGroupPage": "yes",
        "WizardStyle": "modern",
        "ArchitecturesAllowed": "x64compatible",
        "ArchitecturesInstallIn64BitMode": "x64compatible",
        "ChangesAssociations": "yes",
    }.items():
        assert setup[key] == value


def test_english_and_russian_with_the_startup_task_in_both(script: dict[str, list[str]]) -> None:
    languages = {p["Name"]: p["MessagesFile"] for p in map(inno_params, script["Languages"])}
    assert languages == {"english": "compiler:Default.isl", "russian": r"compiler:Languages\Russian.isl"}
    messages = dict(line.split("=", 1) for line in script["CustomMessages"])
    assert messages["english.StartAtLogin"] == "Start Call Companion when I log in"
    assert re.search("[а-я]", messages["russian.StartAtLogin"])
    tasks = {p["Name"]: p for p in map(inno_params, script["Tasks"])}
    assert set(tasks) == {"desktopicon", "startup"}
    assert all("unchecked" in task["Flags"].split() for task in tasks.values())
    assert tasks["startup"]["Description"] == "{cm:StartAtLogin}"


def test_files_icons_and_run(script: dict[str, list[str]]) -> None:
    (files,) = map(inno_params, script["Files"])
    assert files["Source"] == r"dist\Call Companion\*" and files["DestDir"] == "{app}"
    assert set(files["Flags"].split()) == {"ignoreversion", "recursesubdirs", "createallsubdirs"}
    icons = {p["Name"]: p for p in map(inno_params, script["Icons"])}
    assert icons[r"{autoprograms}\Call Companion"]["Filename"] == EXE
    assert icons[r"{autodesktop}\Call Companion"]["Tasks"] == "desktopicon"
    (run,) = map(inno_params, script["Run"])
    assert run["Filename"] == EXE
    assert set(run["Flags"].split()) == {"nowait", "postinstall", "skipifsilent"}


def test_every_registry_line_is_the_users_and_expands_only_known_constants(
    registry: list[dict[str, str]],
) -> None:
    for line in registry:
        assert line["Root"] in ("HKCU", "HKA"), line
        for value in line.values():
            assert set(constants(value)) <= {"app"}, line


def test_each_scheme_runs_the_installed_program_with_the_link(registry: list[dict[str, str]]) -> None:
    for scheme in url_handlers.SCHEMES:
        key = rf"Software\Classes\{scheme}"
        own = [line for line in registry if line["Subkey"] == key or line["Subkey"].startswith(key + "\\")]
        assert {"ValueName": "URL Protocol", "ValueData": ""}.items() <= next(
            line for line in own if line.get("ValueName") == "URL Protocol"
        ).items()
        (command,) = [line for line in own if line["Subkey"] == key + r"\shell\open\command"]
        assert command["ValueData"] == COMMAND
        assert command["ValueType"] == "string" and command["ValueName"] == ""
        for line in own:  # written only where free, never deleted blindly by the uninstaller
            assert line["Check"] == f"SchemeIsFree('{scheme}')"
            assert "uninsdeletekey" not in line.get("Flags", "").split()
            assert "uninsdeletevalue" not in line.get("Flags", "").split()


def test_the_registry_section_is_windows_entries(registry: list[dict[str, str]]) -> None:
    written = {
        (line["Subkey"], line["ValueName"], line["ValueData"]) for line in registry if "ValueData" in line
    }
    expected = {(e.key, e.name, e.value) for e in url_handlers.windows_entries(COMMAND, EXE + ",0")}
    assert expected <= written
    assert len(written - expected) == 1  # the autostart value


def test_capabilities_and_registered_applications_go_with_the_uninstall(
    registry: list[dict[str, str]],
) -> None:
    capabilities = url_handlers.CAPABILITIES_KEY
    associations = {
        line["ValueName"]: line["ValueData"]
        for line in registry
        if line["Subkey"] == capabilities + r"\URLAssociations"
    }
    assert associations == {scheme: url_handlers.PROG_ID for scheme in url_handlers.SCHEMES}
    assert all(
        "uninsdeletekey" in line["Flags"].split()
        for line in registry
        if line["Subkey"].startswith(capabilities)
    )
    (registered,) = [line for line in registry if line["Subkey"] == r"Software\RegisteredApplications"]
    assert registered["ValueName"] == "Call Companion" and registered["ValueData"] == capabilities
    assert registered["Flags"] == "uninsdeletevalue"
    prog = [
        line for line in registry if line["Subkey"].startswith(rf"Software\Classes\{url_handlers.PROG_ID}")
    ]
    assert prog and all("uninsdeletekey" in line["Flags"].split() for line in prog)


def test_the_run_value_is_autostarts_and_only_with_the_startup_task(registry: list[dict[str, str]]) -> None:
    run_key = r"Software\Microsoft\Windows\CurrentVersion\Run"
    runs = [line for line in registry if line["Subkey"] == run_key]
    assert len(runs) == 1
    (run,) = runs
    assert run["Root"] == "HKCU"  # where autostart.is_enabled() looks
    assert run["ValueName"] == autostart.NAME
    assert run["ValueData"] == f'"{EXE}"'
    assert run["Tasks"] == "startup"
    assert run["Flags"] == "uninsdeletevalue"
    assert all("Tasks" not in line for line in registry if line is not run)


def test_the_code_section_defines_what_the_registry_lines_call(script: dict[str, list[str]]) -> None:
    code = "\n".join(script["Code"])
    assert "function SchemeIsFree(const Scheme: String): Boolean;" in code
    assert "procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);" in code
    assert f"'{url_handlers.PHONE_LINKS_KEY}'" in code and f"'{autostart.NAME}'" in code
    assert f"'{COMMAND}'" in code
    words = re.findall(r"\b(begin|end)\b", code)
    assert words.count("begin") == words.count("end") > 0


def test_inno_escape_doubles_braces_and_quotes(metadata: Any) -> None:
    assert metadata.inno_escape('a{b"c') == '"a{{b""c"'
    assert metadata.inno_escape(metadata.APP_COMMAND) == '"""{app}\\Call Companion.exe"" ""%1"""'
    escaped = metadata.inno_escape('x; {y} "z"')
    assert inno_params("Name: " + escaped) == {"Name": 'x; {{y} "z"'}  # a closing brace stays single
    assert constants(inno_params("Name: " + escaped)["Name"]) == []


# --- Linux ---------------------------------------------------------------------------------------


def test_the_bundles_desktop_entry(metadata: Any) -> None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(metadata.linux_desktop_entry("/opt/call-companion/call-companion"))
    entry = parser["Desktop Entry"]
    assert entry["Exec"] == "/opt/call-companion/call-companion %u"
    assert entry["Icon"] == "call-companion"
    assert "x-scheme-handler/tel" in entry["MimeType"]
