"""Icons: every SVG in resources/icons renders, sharp at 2x, in the palette's text colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ctviewer.ui.icons import _icon, icon, icon_names


def test_the_icon_set_is_there() -> None:
    assert {"documents", "person", "organisation", "place", "search", "import", "ctviewer"} <= set(icon_names())


@pytest.mark.parametrize("name", icon_names())
def test_each_icon_renders_at_high_dpi(qapp, name: str) -> None:  # type: ignore[no-untyped-def]
    image = _icon(name, "#102030", 2.0).pixmap(QSize(24, 24), 2.0).toImage()
    assert image.width() == 48  # drawn from the vector at the device pixel ratio, not scaled up
    opaque = [image.pixelColor(x, y) for x in range(48) for y in range(48) if image.pixelColor(x, y).alpha() > 200]
    assert len(opaque) > 40, "the icon drew (almost) nothing"


def test_icons_follow_the_palette(qapp) -> None:  # type: ignore[no-untyped-def]
    old = QGuiApplication.palette()
    try:
        dark = QPalette(old)
        dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
        QGuiApplication.setPalette(dark)
        image = icon("search").pixmap(32, 32).toImage()
        inked = [
            image.pixelColor(x, y)
            for x in range(image.width())
            for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 200
        ]
        assert inked and all(c.lightness() > 200 for c in inked)  # light strokes on a dark palette
    finally:
        QGuiApplication.setPalette(old)
