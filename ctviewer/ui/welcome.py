"""The first thing an empty archive shows in place of the reader: what ctviewer is for and the
three ways to get documents in (the bundled sample, files, a folder) or open another archive."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePane(QWidget):
    """Shown while the archive holds no documents; buttons only emit, the window acts."""

    sample_activated = Signal()
    import_files_activated = Signal()
    import_folder_activated = Signal()
    open_archive_activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePane")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel("This archive is empty")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title)
        intro = QLabel(
            "ctviewer keeps your documents (PDF, Word, HTML, Markdown, text) searchable offline and "
            "finds the people, organisations and places they mention.\n\n"
            "Start with the bundled sample archive (UN documents and speeches), or import your own "
            "files: drop them on this window or use the buttons below."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro.setMaximumWidth(520)
        layout.addWidget(intro, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        self.sample_button = self._button("Open the sample archive", self.sample_activated, layout)
        self.sample_button.setDefault(True)
        self.import_files_button = self._button("Import files…", self.import_files_activated, layout)
        self.import_folder_button = self._button("Import a folder…", self.import_folder_activated, layout)
        self.open_button = self._button("Open another archive…", self.open_archive_activated, layout)
        self.status = QLabel()  # "Building the sample archive…" while it runs
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.status)
        layout.addStretch(3)

    def _button(self, text: str, signal: SignalInstance, layout: QVBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumWidth(260)
        button.clicked.connect(signal.emit)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        return button

    def set_busy(self, message: str) -> None:
        """While the sample is being built or files imported: say so, and keep buttons from
        starting a second job."""
        self.status.setText(message)
        for button in (self.sample_button, self.import_files_button, self.import_folder_button):
            button.setEnabled(not message)
