"""A label in a secondary text colour: counts and hints that are quieter than the content but
as readable as it (a disabled label's grey is for controls that cannot be used, and too faint
for text one reads).

The colour is mixed from the palette's text and window colours, so it follows light and dark
themes, and is mixed again whenever the palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

# Share of the text colour in the mix: clearly quieter than text, well above WCAG's 4.5:1 on
# the usual light and dark window colours.
TEXT_SHARE = 0.68


def secondary_colour(palette: QPalette) -> QColor:
    """The palette's text colour moved towards its window colour."""
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)

    def mix(a: int, b: int) -> int:
        return round(TEXT_SHARE * a + (1 - TEXT_SHARE) * b)

    return QColor(mix(text.red(), window.red()), mix(text.green(), window.green()), mix(text.blue(), window.blue()))


class SecondaryLabel(QLabel):
    """A plain-text label drawn in :func:`secondary_colour`."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._recolour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()

    def _recolour(self) -> None:
        palette = self.palette()
        # Mixed from the parent's (or application's) colours, not our own already-mixed ones.
        parent = self.parentWidget()
        source = parent.palette() if parent is not None else QPalette()
        wanted = secondary_colour(source)
        if palette.color(QPalette.ColorRole.WindowText) != wanted:  # also ends the PaletteChange loop
            palette.setColor(QPalette.ColorRole.WindowText, wanted)
            self.setPalette(palette)
