"""Start Call Companion when the user logs in — per user, no admin rights.

Linux: an XDG autostart ``.desktop`` file. Windows: ``HKCU\\…\\Run``. macOS: a LaunchAgent.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import sys
from pathlib import Path

NAME = "CallCompanion"
LABEL = "com.callcompanion.app"


def command() -> list[str]:
    """How to start the window: the frozen executable, or this Python with ``-m companion``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "companion"]


def _xdg_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / "call-companion.desktop"


def _launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def is_enabled() -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import winreg

        try:
            with winreg.OpenKey(
                winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Windows\CurrentVersion\Run"
            ) as key:
                winreg.QueryValueEx(key, NAME)
            return True
        except OSError:
            return False
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return _launch_agent().exists()
    return _xdg_file().exists()


def set_enabled(enabled: bool) -> None:
    """Turn starting with the OS on or off; OSError when the OS refuses."""
    cmd = command()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import subprocess
        import winreg

        path = r"Software\Microsoft\Windows\CurrentVersion\Run"
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, path) as key:
            if enabled:
                winreg.SetValueEx(key, NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(cmd))
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, NAME)
        return
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        agent = _launch_agent()
        if enabled:
            agent.parent.mkdir(parents=True, exist_ok=True)
            agent.write_bytes(plistlib.dumps({"Label": LABEL, "ProgramArguments": cmd, "RunAtLoad": True}))
        else:
            agent.unlink(missing_ok=True)
        return
    desktop = _xdg_file()
    if enabled:
        desktop.parent.mkdir(parents=True, exist_ok=True)
        desktop.write_text(
            "[Desktop Entry]\nType=Application\nName=Call Companion\n"
            f"Exec={shlex.join(cmd)}\nX-GNOME-Autostart-enabled=true\n",
            encoding="utf-8",
        )
    else:
        desktop.unlink(missing_ok=True)
