"""Render the app's icons from their one source, ``resources/icons/app.svg``.

    python3 tools/icons.py OUTDIR              # PNG set, .ico and .icns into OUTDIR
    python3 tools/icons.py OUTDIR --svg X.svg  # the same from another SVG

Writes, every size rendered straight from the SVG (QSvgRenderer, antialiased, transparent):

* ``png/call-companion-N.png`` for N in 16 24 32 48 64 128 256 512 (the Linux hicolor sizes);
* ``call-companion.ico``: Windows, one PNG per size 16…256 (ICONDIR + ICONDIRENTRY by hand);
* ``call-companion.icns``: macOS, the PNG-holding chunk types from 16 to 1024 (512@2x).

These are build outputs, never committed: the packaging build writes them to ``build/icons/``.
Only the SVG is edited. The same SVG gives the same bytes. Runs headless: with no Qt application
in the process it makes a QGuiApplication, on the ``offscreen`` platform unless QT_QPA_PLATFORM
says otherwise. A missing SVG, or one that does not render, is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMessageLogContext,
    QRectF,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
NAME = "call-companion"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns chunk type → the pixel size of the PNG it holds (the @2x types are the bigger pixel size)
ICNS_TYPES = {
    b"icp4": 16,
    b"icp5": 32,
    b"icp6": 64,
    b"ic07": 128,
    b"ic08": 256,
    b"ic09": 512,
    b"ic10": 1024,  # 512@2x
    b"ic11": 32,  # 16@2x
    b"ic12": 64,  # 32@2x
    b"ic13": 256,  # 128@2x
    b"ic14": 512,  # 256@2x
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class IconError(Exception):
    """The SVG is missing or does not render."""


def _application() -> None:
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # kept on the module: the application must outlive every renderer
        globals()["_APP"] = QGuiApplication([sys.argv[0] if sys.argv else "icons"])


def _renderer(svg: Path) -> QSvgRenderer:
    """The SVG loaded; what QtSvg says while parsing goes into the error (or, for an SVG that
    loads, to stderr as warnings) rather than into Qt's own log."""
    if not svg.is_file():
        raise IconError(f"no SVG at {svg}")
    _application()
    said: list[str] = []

    def listen(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if context.category == "qt.svg" or previous is None:
            said.append(message)
        else:
            previous(mode, context, message)

    previous = qInstallMessageHandler(listen)
    try:
        renderer = QSvgRenderer(str(svg))
    finally:
        qInstallMessageHandler(previous)
    if not renderer.isValid():
        why = said[-1].rsplit("because: ", 1)[-1] if said else "not a valid SVG"
        raise IconError(f"{svg} does not render: {why}")
    for message in said:
        print(f"icons: warning: {message}", file=sys.stderr)
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    return renderer


def _render(renderer: QSvgRenderer, size: int, svg: Path) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    if not bytes(image.constBits()).strip(b"\x00"):  # premultiplied: transparent is all zero
        raise IconError(f"{svg} renders nothing (fully transparent at {size} px)")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise IconError(f"could not encode the {size} px image as PNG")
    buffer.close()
    return bytes(data.data())


def render(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent ``size``×``size`` square, as PNG bytes."""
    return _render(_renderer(Path(svg)), size, svg)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not PNG data")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def write_ico(images: dict[int, bytes], path: Path) -> Path:
    """A Windows icon holding each PNG of ``images`` (pixel size → PNG bytes, 1…256), smallest
    first. Each entry's width and height are one byte each: 256 is stored as 0."""
    sizes = sorted(images)
    if not sizes or not all(1 <= s <= 256 for s in sizes):
        raise ValueError(f"ICO sizes must be 1…256, got {sizes}")
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        png = images[size]
        if png_size(png) != (size, size):
            raise ValueError(f"the {size} px ICO image is {png_size(png)}")
        side = 0 if size == 256 else size
        # width, height, colours in palette, reserved, colour planes, bits per pixel, length, offset
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    path = Path(path)
    path.write_bytes(header + b"".join(entries) + b"".join(blobs))
    return path


def write_icns(images: dict[int, bytes], path: Path) -> Path:
    """A macOS icon: one chunk (type, big-endian length including its 8-byte header, PNG) for
    every type in ``ICNS_TYPES`` whose pixel size ``images`` holds, after the ``icns`` header
    (magic, total file length)."""
    chunks = []
    for kind, size in ICNS_TYPES.items():
        png = images.get(size)
        if png is None:
            continue
        if png_size(png) != (size, size):
            raise ValueError(f"the {size} px ICNS image is {png_size(png)}")
        chunks.append(kind + struct.pack(">I", 8 + len(png)) + png)
    if not chunks:
        raise ValueError(f"no ICNS size among {sorted(images)}")
    body = b"".join(chunks)
    path = Path(path)
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)
    return path


def generate(outdir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Every icon into ``outdir``; returns what was written, by path relative to ``outdir``."""
    outdir = Path(outdir)
    renderer = _renderer(Path(svg))
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_TYPES.values()})
    images = {size: _render(renderer, size, svg) for size in sizes}
    (outdir / "png").mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for size in PNG_SIZES:
        name = f"png/{NAME}-{size}.png"
        (outdir / name).write_bytes(images[size])
        written[name] = outdir / name
    written[f"{NAME}.ico"] = write_ico({s: images[s] for s in ICO_SIZES}, outdir / f"{NAME}.ico")
    written[f"{NAME}.icns"] = write_icns(images, outdir / f"{NAME}.icns")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the app icons (PNG set, .ico, .icns) from one SVG.")
    parser.add_argument("outdir", type=Path, help="where to write (the packaging build uses build/icons)")
    parser.add_argument("--svg", type=Path, default=SVG, help="the source (default: resources/icons/app.svg)")
    args = parser.parse_args(argv)
    try:
        written = generate(args.outdir, args.svg)
    except (IconError, OSError) as error:
        print(f"icons: {error}", file=sys.stderr)
        return 1
    print(f"icons: {len(written)} files in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
