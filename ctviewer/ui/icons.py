"""The app's icons: SVG line drawings in ``resources/icons``, drawn in the palette's text colour.

The SVGs stroke with ``currentColor``; it is replaced by the palette's window-text colour when
an icon is made, so icons follow the system light/dark palette. Each icon is rendered from the
vector at several sizes and at the screen's device pixel ratio, so it stays sharp on high-DPI
displays. Icons are cached per (name, colour).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ctviewer.paths import resources_dir

SIZES = (16, 20, 24, 32, 48, 64)


def icon_names() -> list[str]:
    return sorted(p.stem for p in (resources_dir() / "icons").glob("*.svg"))


def icon(name: str) -> QIcon:
    """The icon ``name`` (a file stem in resources/icons) in the current palette's text colour."""
    app = QGuiApplication.instance()
    palette = QGuiApplication.palette() if app is not None else QPalette()
    colour = palette.color(QPalette.ColorRole.WindowText).name()
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if app is not None else 1.0
    return _icon(name, colour, ratio)


@lru_cache(maxsize=128)
def _icon(name: str, colour: str, ratio: float) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    svg = path.read_text(encoding="utf-8").replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG icon: {path}")
    result = QIcon()
    for size in SIZES:
        pixels = max(1, round(size * ratio))
        pixmap = QPixmap(pixels, pixels)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixels, pixels))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        result.addPixmap(pixmap)
    return result
