"""The app icons from resources/icons/app.svg (tools/icons.py): every size right, the .ico and
.icns well-formed and readable by Qt's own plugins, a broken SVG a one-line error."""

from __future__ import annotations

import importlib.util
import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage, QImageReader

ROOT = Path(__file__).resolve().parent.parent.parent
TOOL = ROOT / "tools" / "icons.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_TYPES = {
    b"icp4": 16,
    b"icp5": 32,
    b"icp6": 64,
    b"ic07": 128,
    b"ic08": 256,
    b"ic09": 512,
    b"ic10": 1024,
    b"ic11": 32,
    b"ic12": 64,
    b"ic13": 256,
    b"ic14": 512,
}


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icons_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


icons = _load_tool()


@pytest.fixture(scope="module")
def built(qapp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    return icons.generate(tmp_path_factory.mktemp("icons"))


def ihdr_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE, png[:8]
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def alphas(image: QImage) -> list[int]:
    return [image.pixelColor(x, y).alpha() for y in range(image.height()) for x in range(image.width())]


def test_generate_lists_every_file_it_wrote(built: dict[str, Path]) -> None:
    expected = {f"png/call-companion-{n}.png" for n in PNG_SIZES} | {
        "call-companion.ico",
        "call-companion.icns",
    }
    assert set(built) == expected
    outdir = built["call-companion.ico"].parent
    assert {str(p.relative_to(outdir)) for p in outdir.rglob("*") if p.is_file()} == expected
    assert all(path.stat().st_size > 0 for path in built.values())


def test_every_png_is_the_size_its_name_says(built: dict[str, Path]) -> None:
    pngs = sorted(built["call-companion.ico"].parent.glob("png/*.png"))
    found = {}
    for path in pngs:
        match = re.fullmatch(r"call-companion-(\d+)\.png", path.name)
        assert match, path.name
        image = QImage(str(path))
        assert not image.isNull(), path
        found[int(match.group(1))] = (image.width(), image.height())
    assert found == {n: (n, n) for n in PNG_SIZES}


@pytest.mark.parametrize("size", PNG_SIZES)
def test_every_png_is_drawn_on_transparency_with_a_solid_centre(built: dict[str, Path], size: int) -> None:
    image = QImage(str(built[f"png/call-companion-{size}.png"]))
    assert image.hasAlphaChannel()
    every = alphas(image)
    assert max(every) == 255, "fully transparent"
    assert image.pixelColor(0, 0).alpha() == 0, "the rounded corner is not transparent"
    assert image.pixelColor(size // 2, size // 2).alpha() >= 230, "the centre is not opaque"
    assert sum(a >= 230 for a in every) > 0.6 * size * size


def test_the_16_px_icon_shows_a_handset_on_its_background(built: dict[str, Path]) -> None:
    """Not blank, not a smudge: at 16 px there is still white (the handset), blue (the
    background) and amber (the card)."""
    image = QImage(str(built["png/call-companion-16.png"]))
    colours = [image.pixelColor(x, y) for y in range(16) for x in range(16)]
    solid = [c for c in colours if c.alpha() == 255]
    white = [c for c in solid if min(c.red(), c.green(), c.blue()) >= 200]
    blue = [c for c in solid if c.blue() - c.red() >= 60]
    amber = [c for c in solid if c.red() - c.blue() >= 60]
    assert len(solid) >= 150
    assert len(white) >= 12, "no handset"
    assert len(blue) >= 60, "no background"
    assert len(amber) >= 4, "no card"


def test_the_ico_holds_every_size_as_png(built: dict[str, Path]) -> None:
    data = built["call-companion.ico"].read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    sizes, end = [], 6 + 16 * count
    for i in range(count):
        width, height, palette, zero, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        size = width or 256
        assert height == width, "not square"
        assert (palette, zero, planes, bits) == (0, 0, 1, 32)
        assert offset == end, "images not packed one after the other"
        png = data[offset : offset + length]
        assert len(png) == length
        assert ihdr_size(png) == (size, size)
        sizes.append(size)
        end = offset + length
    assert end == len(data)
    assert sizes == ICO_SIZES
    assert data[6 + 16 * (count - 1)] == 0, "256 is stored as 0"


def test_qt_reads_every_image_of_the_ico(built: dict[str, Path]) -> None:
    reader = QImageReader(str(built["call-companion.ico"]))
    assert reader.canRead(), reader.errorString()
    assert bytes(reader.format().data()) == b"ico"
    assert reader.imageCount() == len(ICO_SIZES)
    sizes = []
    for i in range(reader.imageCount()):
        assert reader.jumpToImage(i)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        sizes.append(image.width())
    assert sorted(sizes) == ICO_SIZES


def test_the_icns_holds_every_png_type_at_its_pixel_size(built: dict[str, Path]) -> None:
    data = built["call-companion.icns"].read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found, at = {}, 8
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack(">I", data[at + 4 : at + 8])[0]
        assert length > 8 and at + length <= len(data), (kind, length)
        png = data[at + 8 : at + length]
        found[kind] = ihdr_size(png)
        image = QImage.fromData(png, "PNG")
        assert (image.width(), image.height()) == found[kind]
        at += length
    assert at == len(data)
    assert found == {kind: (size, size) for kind, size in ICNS_TYPES.items()}


def test_qt_reads_the_icns(built: dict[str, Path]) -> None:
    reader = QImageReader(str(built["call-companion.icns"]))
    assert reader.canRead(), reader.errorString()
    assert reader.imageCount() == len(ICNS_TYPES)
    image = reader.read()
    assert not image.isNull() and image.width() in ICNS_TYPES.values()


def test_the_same_svg_gives_the_same_bytes(built: dict[str, Path], tmp_path: Path) -> None:
    again = icons.generate(tmp_path)
    assert {name: path.read_bytes() for name, path in again.items()} == {
        name: path.read_bytes() for name, path in built.items()
    }


def test_the_app_svg_uses_nothing_qtsvg_warns_about(qapp, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    png = icons.render(icons.SVG, 48)
    assert ihdr_size(png) == (48, 48)
    assert capfd.readouterr().err == ""


def test_the_ico_writer_refuses_a_size_it_cannot_store(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="1…256"):
        icons.write_ico({512: icons.render(icons.SVG, 512)}, tmp_path / "x.ico")


def run_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_command_writes_the_icons(tmp_path: Path) -> None:
    result = run_tool(tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "call-companion.icns").is_file()
    assert len(list((tmp_path / "out" / "png").glob("*.png"))) == len(PNG_SIZES)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no SVG at"),
        ("this is not svg", "does not render"),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8"', "does not render"),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"/>', "renders nothing"),
    ],
    ids=["missing", "not-xml", "truncated", "empty"],
)
def test_a_broken_svg_is_one_line_and_exit_1(tmp_path: Path, content: str | None, says: str) -> None:
    svg = tmp_path / "broken.svg"
    if content is not None:
        svg.write_text(content, encoding="utf-8")
    result = run_tool(tmp_path / "out", "--svg", svg)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("icons: ") and str(svg) in lines[0] and says in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists(), "wrote something from a broken SVG"
