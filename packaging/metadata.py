"""What the installers say about Call Companion: the macOS ``Info.plist`` entries, the Windows
version resource and Inno Setup script, the Linux desktop entry. Pure functions, no Qt.

``packaging/`` is not a package: ``packaging/build.py`` (and the tests) load this file by its
path. It puts the repository on ``sys.path`` so that ``companion`` is the one beside it; the
phone-link registry values and the autostart value's name come from ``companion.integrations``,
so the installer and the app's own Settings write the same things.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata as _distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from companion.integrations import autostart, url_handlers  # noqa: E402
from companion.paths import APP_AUTHOR  # noqa: E402

APP_NAME = url_handlers.APP_NAME
#: the program's file name on Windows (``.exe``) and the bundle's on macOS (``.app``)
EXE_NAME = "Call Companion"
LINUX_NAME = "call-companion"
PUBLISHER = APP_AUTHOR
BUNDLE_ID = url_handlers.BUNDLE_ID
DESCRIPTION = "Call Companion — the caller's card beside the phone"
COPYRIGHT = f"Copyright © {PUBLISHER}"
#: Inno Setup's AppId: the same for every version, or upgrades install beside the old one
APP_GUID = "BE740696-2AB0-44E1-9434-FF9BB57F5556"
#: Inno Setup reads a script without a byte-order mark in the ANSI code page: write it with this
INNO_ENCODING = "utf-8-sig"


def version() -> str:
    """``[project].version`` of ``pyproject.toml``."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def numeric_version(text: str) -> tuple[int, int, int, int]:
    """The four numbers Windows and macOS want: ``0.1.0`` → (0, 1, 0, 0), ``1.2rc1`` → (1, 2, 0, 0)."""
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?", text)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    parts = tuple(int(part or 0) for part in match.groups())
    if any(part > 0xFFFF for part in parts):
        raise ValueError(f"a version part above 65535 does not fit a Windows version: {text!r}")
    return parts[0], parts[1], parts[2], parts[3]


# --- macOS ---------------------------------------------------------------------------------------


def macos_minimum(qt_version: str | None = None) -> str:
    """The oldest macOS the bundled Qt runs on (Qt's "supported configurations": 6.5–6.7 need
    macOS 11, 6.8–6.9 macOS 12, 6.10 and later macOS 13). ``qt_version`` defaults to the
    PySide6 that is installed (read from its distribution, Qt itself is not loaded)."""
    if qt_version is None:
        for name in ("PySide6-Essentials", "PySide6"):
            try:
                qt_version = _distributions.version(name)
                break
            except _distributions.PackageNotFoundError:
                continue
    if qt_version is None:
        return "12.0"  # what pyproject.toml's oldest PySide6 (6.8.3) needs
    major, minor, _, _ = numeric_version(qt_version)
    if (major, minor) >= (6, 10):
        return "13.0"
    if (major, minor) >= (6, 8):
        return "12.0"
    return "11.0"


def info_plist(version: str, *, minimum_macos: str | None = None) -> dict[str, object]:
    """The entries PyInstaller's ``BUNDLE(info_plist=…)`` merges into the bundle's ``Info.plist``.

    The schemes make Launch Services offer the app for phone links
    (``url_handlers.register`` then makes it the default); a link reaches the running app as a
    ``QFileOpenEvent``, so nothing emulates argv. The app keeps its Dock icon (no ``LSUIElement``):
    it is a window the person switches to, with a tray icon besides.
    """
    short = ".".join(str(part) for part in numeric_version(version)[:3])
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": short,
        "CFBundleVersion": short,
        "CFBundleURLTypes": [
            {
                "CFBundleURLName": f"{BUNDLE_ID}.phone-link",
                "CFBundleURLSchemes": list(url_handlers.SCHEMES),
                # it opens the link, it does not edit it
                "CFBundleTypeRole": "Viewer",
            }
        ],
        "LSMinimumSystemVersion": minimum_macos or macos_minimum(),
        "NSHighResolutionCapable": True,
        "LSApplicationCategoryType": "public.app-category.business",
        "CFBundleDevelopmentRegion": "en",
        "CFBundleLocalizations": ["en", "ru"],
        "NSHumanReadableCopyright": COPYRIGHT,
    }


# --- Windows: the version resource ----------------------------------------------------------------


def windows_version_info(version: str) -> str:
    """A PyInstaller version file (``EXE(version=…)``): Python text PyInstaller ``eval``s with
    ``PyInstaller.utils.win32.versioninfo``'s names. Write it as UTF-8."""
    numbers = numeric_version(version)
    dotted = ".".join(str(part) for part in numbers)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": APP_NAME,
        "FileVersion": dotted,
        "InternalName": EXE_NAME,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{EXE_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    kids = ",\n".join(f"          StringStruct({name!r}, {value!r})" for name, value in strings.items())
    return (
        "# -*- coding: utf-8 -*-\n"
        f"# The version resource of {EXE_NAME}.exe (written by packaging/metadata.py)\n"
        "VSVersionInfo(\n"
        "  ffi=FixedFileInfo(\n"
        f"    filevers={numbers!r},\n"
        f"    prodvers={numbers!r},\n"
        "    mask=0x3f,\n"
        "    flags=0x0,\n"
        "    OS=0x40004,\n"
        "    fileType=0x1,\n"
        "    subtype=0x0,\n"
        "    date=(0, 0)\n"
        "  ),\n"
        "  kids=[\n"
        "    StringFileInfo(\n"
        "      [\n"
        "        StringTable(\n"
        "          '040904B0',\n"
        "          [\n"
        f"{kids}\n"
        "          ]\n"
        "        )\n"
        "      ]\n"
        "    ),\n"
        "    VarFileInfo([VarStruct('Translation', [1033, 1200])])\n"
        "  ]\n"
        ")\n"
    )


# --- Windows: the Inno Setup script ---------------------------------------------------------------

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def _constant(name: str) -> str:
    """Stands for the Inno Setup constant ``{name}`` until the text around it is escaped."""
    return f"\0{name}\0"


_APP = _constant("app")
#: the installed program, the command a link runs, its icon and the autostart command
#: (with :func:`_constant` placeholders, for :func:`inno_escape`)
APP_EXE = f"{_APP}\\{EXE_NAME}.exe"
APP_COMMAND = f'"{APP_EXE}" "%1"'
APP_ICON = f"{APP_EXE},0"
APP_START = f'"{APP_EXE}"'


def inno_escape(text: str) -> str:
    """A parameter's value for Inno Setup: in quotes, quotes doubled, a literal ``{`` doubled;
    the :func:`_constant` placeholders become the constants themselves."""
    escaped = text.replace("{", "{{").replace('"', '""')
    return '"' + re.sub("\0([a-z]+)\0", r"{\1}", escaped) + '"'


def inno_expanded(text: str) -> str:
    """``text`` with its placeholders as constants, for ``ExpandConstant`` in ``[Code]``."""
    return re.sub("\0([a-z]+)\0", r"{\1}", text)


def _pascal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def inno_registry_lines() -> list[str]:
    """``[Registry]`` from ``url_handlers.windows_entries`` (``HKA``: the user's keys in a per-user
    install, the machine's when someone chooses to install for all users).

    The keys that are ours alone go with the uninstall. A scheme's key is written only where
    ``SchemeIsFree`` (no command yet, or ours already) and taken back by ``[Code]`` on uninstall,
    only while the command in it is still ours: another softphone's link handler is never
    overwritten nor deleted by the installer. The autostart value is the user's own (``HKCU``, the
    key and name ``autostart.py`` reads), only with the "startup" task.
    """
    own_keys = [url_handlers.prog_id_key(), url_handlers.CAPABILITIES_KEY]
    lines = []
    for entry in url_handlers.windows_entries(APP_COMMAND, APP_ICON):
        scheme = url_handlers.scheme_of(entry.key)
        line = (
            f"Root: HKA; Subkey: {inno_escape(entry.key)}; ValueType: string; "
            f"ValueName: {inno_escape(entry.name)}; ValueData: {inno_escape(entry.value)}"
        )
        if scheme is not None:
            line += f"; Check: SchemeIsFree({_pascal(scheme)})"
        elif any(entry.key.lower().startswith(key.lower()) for key in own_keys):
            line += "; Flags: uninsdeletekey"
        else:  # Software\RegisteredApplications is everyone's: only our value goes
            line += "; Flags: uninsdeletevalue"
        lines.append(line)
    lines.append(f"Root: HKA; Subkey: {inno_escape(url_handlers.COMPANY_KEY)}; Flags: uninsdeletekeyifempty")
    lines.append(
        f"Root: HKCU; Subkey: {inno_escape(RUN_KEY)}; ValueType: string; "
        f"ValueName: {inno_escape(autostart.NAME)}; ValueData: {inno_escape(APP_START)}; "
        "Flags: uninsdeletevalue; Tasks: startup"
    )
    return lines


def _inno_code() -> str:
    """``SchemeIsFree`` for the scheme keys, and on uninstall the same taking back as
    ``url_handlers.windows_unregister``: for the install's root and the user's own keys (the
    app's Settings write those), the old command put back where the app replaced one."""
    schemes = "".join(f"  ForgetScheme(Root, {_pascal(s)});\n" for s in url_handlers.SCHEMES)
    command, start = _pascal(inno_expanded(APP_COMMAND)), _pascal(inno_expanded(APP_START))
    return f"""[Code]
const
  OurCommand = {command};
  OurStart = {start};
  PhoneLinksKey = {_pascal(url_handlers.PHONE_LINKS_KEY)};
  CapabilitiesKey = {_pascal(url_handlers.CAPABILITIES_KEY)};
  CompanyKey = {_pascal(url_handlers.COMPANY_KEY)};
  ProgIdKey = {_pascal(url_handlers.prog_id_key())};
  RegisteredKey = {_pascal(url_handlers.REGISTERED_APPLICATIONS_KEY)};
  AppName = {_pascal(APP_NAME)};
  RunKey = {_pascal(RUN_KEY)};
  RunName = {_pascal(autostart.NAME)};

function InstallRoot: Integer;
begin
  if IsAdminInstallMode then
    Result := HKLM
  else
    Result := HKCU;
end;

function SchemeCommandKey(const Scheme: String): String;
begin
  Result := 'Software\\Classes\\' + Scheme + '\\shell\\open\\command';
end;

function IsOurCommand(const Root: Integer; const Scheme, Command: String): Boolean;
var
  Recorded: String;
begin
  Result := CompareText(Trim(Command), ExpandConstant(OurCommand)) = 0;
  if (not Result) and RegQueryStringValue(Root, PhoneLinksKey, Scheme, Recorded) then
    Result := CompareText(Trim(Command), Trim(Recorded)) = 0;
end;

function SchemeIsFree(const Scheme: String): Boolean;
var
  Command: String;
begin
  if RegQueryStringValue(InstallRoot, SchemeCommandKey(Scheme), '', Command) and (Trim(Command) <> '') then
    Result := IsOurCommand(InstallRoot, Scheme, Command)
  else
    Result := True;
end;

procedure ForgetScheme(const Root: Integer; const Scheme: String);
var
  Command, Previous: String;
begin
  if not RegQueryStringValue(Root, SchemeCommandKey(Scheme), '', Command) then
    Exit;
  if not IsOurCommand(Root, Scheme, Command) then
    Exit;
  if RegQueryStringValue(Root, PhoneLinksKey, Scheme + '.previous', Previous) and (Previous <> '') then
    RegWriteStringValue(Root, SchemeCommandKey(Scheme), '', Previous)
  else
    RegDeleteKeyIncludingSubkeys(Root, 'Software\\Classes\\' + Scheme);
end;

procedure ForgetPhoneLinks(const Root: Integer);
var
  Value: String;
begin
{schemes}  RegDeleteKeyIncludingSubkeys(Root, ProgIdKey);
  RegDeleteKeyIncludingSubkeys(Root, PhoneLinksKey);
  RegDeleteKeyIncludingSubkeys(Root, CapabilitiesKey);
  if RegQueryStringValue(Root, RegisteredKey, AppName, Value) and
     (CompareText(Value, CapabilitiesKey) = 0) then
    RegDeleteValue(Root, RegisteredKey, AppName);
  RegDeleteKeyIfEmpty(Root, CompanyKey);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Value: String;
begin
  if CurUninstallStep = usUninstall then
  begin
    ForgetPhoneLinks(InstallRoot);
    if InstallRoot <> HKCU then
      ForgetPhoneLinks(HKCU);
    if RegQueryStringValue(HKCU, RunKey, RunName, Value) and
       (CompareText(Trim(Value), ExpandConstant(OurStart)) = 0) then
      RegDeleteValue(HKCU, RunKey, RunName);
  end;
end;
"""


def inno_script(
    version: str,
    source_dir: str = r"dist\Call Companion",
    *,
    icon: str = r"build\icons\call-companion.ico",
    output_dir: str = "dist",
    source_root: str = r"..\..",
) -> str:
    """An Inno Setup 6 script for a per-user install (no admin rights; all users on request).

    The script is meant to be saved as ``build\\packaging\\CallCompanion.iss`` (with
    :data:`INNO_ENCODING`). ``SourceDir`` (``source_root``, relative to that file: the repository)
    is where Inno Setup looks for every other relative path, so ``source_dir`` (PyInstaller's
    folder), ``icon`` and ``output_dir`` are all relative to the repository's top folder.
    """
    numbers = ".".join(str(part) for part in numeric_version(version))
    setup = {
        "AppId": f"{{{{{APP_GUID}}}",
        "AppName": APP_NAME,
        "AppVersion": version,
        "AppVerName": f"{APP_NAME} {version}",
        "AppPublisher": PUBLISHER,
        "AppCopyright": COPYRIGHT,
        "VersionInfoVersion": numbers,
        "VersionInfoProductVersion": numbers,
        "SourceDir": source_root,
        "OutputDir": output_dir,
        "OutputBaseFilename": f"CallCompanion-Setup-{version}",
        "DefaultDirName": rf"{{autopf}}\{APP_NAME}",
        "DisableProgramGroupPage": "yes",
        "PrivilegesRequired": "lowest",
        "PrivilegesRequiredOverridesAllowed": "dialog",
        "SetupIconFile": icon,
        "UninstallDisplayIcon": inno_expanded(APP_EXE),
        "UninstallDisplayName": APP_NAME,
        "WizardStyle": "modern",
        "ArchitecturesAllowed": "x64compatible",
        "ArchitecturesInstallIn64BitMode": "x64compatible",
        "ChangesAssociations": "yes",
        "Compression": "lzma2",
        "SolidCompression": "yes",
    }
    exe = inno_escape(APP_EXE)
    files = inno_escape(source_dir + "\\*")
    programs = inno_escape(f"{_constant('autoprograms')}\\{APP_NAME}")
    desktop = inno_escape(f"{_constant('autodesktop')}\\{APP_NAME}")
    sections = [
        "; Call Companion's installer, written by packaging/metadata.py: edit that, not this.",
        "; Relative paths are relative to SourceDir (the repository's top folder).",
        "",
        "[Setup]",
        *(f"{key}={value}" for key, value in setup.items()),
        "",
        "[Languages]",
        'Name: "english"; MessagesFile: "compiler:Default.isl"',
        'Name: "russian"; MessagesFile: "compiler:Languages\\Russian.isl"',
        "",
        "[CustomMessages]",
        f"english.StartAtLogin=Start {APP_NAME} when I log in",
        f"russian.StartAtLogin=Запускать {APP_NAME} при входе в систему",
        "english.StartGroup=Starting:",
        "russian.StartGroup=Запуск:",
        "",
        "[Tasks]",
        'Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; '
        'GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked',
        'Name: "startup"; Description: "{cm:StartAtLogin}"; GroupDescription: "{cm:StartGroup}"; '
        "Flags: unchecked",
        "",
        "[Files]",
        f'Source: {files}; DestDir: "{{app}}"; Flags: ignoreversion recursesubdirs createallsubdirs',
        "",
        "[Icons]",
        f"Name: {programs}; Filename: {exe}",
        f"Name: {desktop}; Filename: {exe}; Tasks: desktopicon",
        "",
        "[Registry]",
        *inno_registry_lines(),
        "",
        "[Run]",
        f'Filename: {exe}; Description: "{{cm:LaunchProgram,{APP_NAME}}}"; '
        "Flags: nowait postinstall skipifsilent",
        "",
        _inno_code(),
    ]
    return "\n".join(sections)


# --- Linux ---------------------------------------------------------------------------------------


def linux_desktop_entry(exec_path: str) -> str:
    """The bundle's ``call-companion.desktop`` (the icon from the theme: ``call-companion``)."""
    return url_handlers.desktop_entry([exec_path], icon=LINUX_NAME)
