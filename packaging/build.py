"""Build the Call Companion bundle for this OS with PyInstaller.

    python3 -m pip install -e ".[package]" && python3 packaging/build.py
    python3 packaging/build.py --smoke-only   # check an existing bundle again
    python3 packaging/build.py --out DIR      # build/ and dist/ in DIR (the test suite does)

Steps, all into ``build/`` (scratch) and ``dist/`` (the result), never into the source tree:

1. the ``.qm`` translations, compiled from ``resources/translations/*.ts`` by pyside6-lrelease;
2. the icons (PNG sizes, ``.ico``, ``.icns``) from ``resources/icons/app.svg`` (``tools/icons.py``);
3. the metadata: Windows version info, the Inno Setup script, the Linux ``.desktop`` file
   (``packaging/metadata.py``; the macOS Info.plist goes straight into the spec);
4. PyInstaller with ``packaging/companion.spec``;
5. a smoke test of the frozen program: ``lookup --json`` (phonenumbers' data inside), the
   Russian card (translations inside) and an offscreen window that shows a call's card (Qt's
   plugins inside). Exit 1 with the reason when any of it fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
SMOKE_NUMBER = "+74993224685"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def translations() -> list[Path]:
    from companion.i18n import tool

    target = BUILD / "qm"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    built = []
    for ts in sorted((ROOT / "resources" / "translations").glob("*.ts")):
        qm = target / ts.with_suffix(".qm").name
        subprocess.run([*tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        if not qm.is_file() or qm.stat().st_size == 0:
            raise SystemExit(f"build: lrelease wrote no {qm.name}")
        built.append(qm)
    if not built:
        raise SystemExit("build: no translations in resources/translations")
    return built


def icons() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _load("icons", ROOT / "tools" / "icons.py").generate(BUILD / "icons")


def metadata_files() -> ModuleType:
    metadata = _load("metadata", ROOT / "packaging" / "metadata.py")
    folder = BUILD / "packaging"
    folder.mkdir(parents=True, exist_ok=True)
    version = metadata.version()
    (folder / "version_info.txt").write_text(metadata.windows_version_info(version), encoding="utf-8")
    # Inno Setup reads a script with a BOM as UTF-8 (the Russian messages)
    (folder / "companion.iss").write_text(metadata.inno_script(version), encoding="utf-8-sig")
    (folder / "call-companion.desktop").write_text(
        metadata.linux_desktop_entry("call-companion"), encoding="utf-8"
    )
    return metadata


def pyinstaller() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "pyinstaller"),
            str(ROOT / "packaging" / "companion.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def linux_extras() -> None:
    """The desktop entry and icons beside the Linux program, for a menu entry or a package."""
    bundle = DIST / "call-companion"
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUILD / "packaging" / "call-companion.desktop", share / "applications")
    for png in sorted((BUILD / "icons" / "png").glob("call-companion-*.png")):
        size = png.stem.rsplit("-", 1)[1]
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, folder / "call-companion.png")


def program() -> Path:
    if sys.platform == "win32":
        return DIST / "Call Companion" / "companion.exe"
    if sys.platform == "darwin":
        return DIST / "Call Companion.app" / "Contents" / "MacOS" / "Call Companion"
    return DIST / "call-companion" / "call-companion"


class SmokeError(Exception):
    pass


def _run(exe: Path, args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SmokeError(f"`{' '.join(args)}` exited {result.returncode}: {result.stderr.strip()[-800:]}")
    return result.stdout


def smoke(exe: Path) -> None:
    """What a user does first, with the frozen program and a scratch home."""
    if not exe.is_file():
        raise SmokeError(f"no program at {exe}: build first")
    with tempfile.TemporaryDirectory(prefix="companion-smoke-") as tmp:
        home = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("COMPANION_", "PYTHON"))},
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(home / "run"),
            "COMPANION_CONFIG": str(home / "config" / "settings.json"),
            "COMPANION_DB": str(home / "calls.sqlite3"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        (home / "run").mkdir(mode=0o700)

        card = json.loads(_run(exe, ["lookup", SMOKE_NUMBER, "--json", "--lang", "en"], env))
        if card.get("number", {}).get("e164") != SMOKE_NUMBER or not card.get("number", {}).get("place"):
            raise SmokeError(f"lookup --json lost the number or its place (phonenumbers data?): {card}")
        print(f"    lookup --json: {card['number']['e164']} · {card['number']['place']}")

        russian = _run(exe, ["lookup", SMOKE_NUMBER, "--lang", "ru"], env)
        if "Входящий" not in russian or "Москва" not in russian:
            raise SmokeError(f"the Russian card is not Russian (translations inside?):\n{russian}")
        print(f"    --lang ru: {russian.splitlines()[0]}")

        # a team database needs the PostgreSQL driver inside: a closed port must be "cannot
        # connect", not "no database driver"
        team = subprocess.run(
            [str(exe), "--db", "postgresql://nobody@127.0.0.1:9/none", "status"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if team.returncode == 0 or "driver" in team.stderr or "team database" not in team.stderr:
            raise SmokeError(f"the PostgreSQL driver is not in the bundle: {team.stderr.strip()}")
        print("    PostgreSQL driver: inside (a closed port says it cannot connect)")

        internal = exe.parent / "_internal" if (exe.parent / "_internal").is_dir() else exe.parent.parent
        for plugin in ("platforms/*offscreen*", "imageformats/*qsvg*", "iconengines/*qsvgicon*"):
            if not list(internal.rglob(plugin)):
                raise SmokeError(f"no Qt plugin {plugin} in the bundle (the window's icons need it)")
        trace = home / "trace.jsonl"
        window = subprocess.Popen(
            [str(exe)],
            env={**env, "COMPANION_TRACE": str(trace)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(trace, lambda e: e["event"] == "ready", window, "the window never became ready")
            _run(exe, ["incoming", "--", SMOKE_NUMBER], env)
            _wait_for(
                trace,
                lambda e: e["event"] == "card_painted" and e.get("e164") == SMOKE_NUMBER,
                window,
                "the window did not paint the call's card",
            )
        finally:
            window.terminate()
            try:
                window.wait(10)
            except subprocess.TimeoutExpired:
                window.kill()
        print("    offscreen window: ready, and painted the card of an incoming call")


def _wait_for(trace: Path, wanted, window: subprocess.Popen[str], failure: str) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if window.poll() is not None:
            output = window.stdout.read() if window.stdout else ""
            raise SmokeError(f"{failure}: it exited {window.returncode}\n{output[-1500:]}")
        if trace.exists():
            for line in trace.read_text(encoding="utf-8").splitlines():
                if wanted(json.loads(line)):
                    return
        time.sleep(0.05)
    raise SmokeError(failure + " within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke-only", action="store_true", help="only check the bundle already in dist/")
    parser.add_argument("--no-smoke", action="store_true", help="build without the smoke test")
    parser.add_argument("--out", help="put build/ and dist/ in this folder (default: the repository)")
    args = parser.parse_args(argv)
    if args.out:
        global BUILD, DIST
        BUILD, DIST = Path(args.out).resolve() / "build", Path(args.out).resolve() / "dist"
    os.environ["COMPANION_BUILD_DIR"] = str(BUILD)  # where the spec finds what was written
    if not args.smoke_only:
        started = time.monotonic()
        step("translations (pyside6-lrelease)")
        for qm in translations():
            print(f"    {qm}")
        step("icons (tools/icons.py)")
        icons()
        step("metadata (version info, installer script, desktop entry)")
        metadata_files()
        step("PyInstaller (packaging/companion.spec)")
        pyinstaller()
        if sys.platform.startswith("linux"):
            linux_extras()
        print(f"    built {program()} in {time.monotonic() - started:.0f} s")
    if args.no_smoke:
        return 0
    step("smoke test of the frozen program")
    try:
        smoke(program())
    except (SmokeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        print(f"build: smoke test failed: {exc}", file=sys.stderr)
        return 1
    print("    ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
