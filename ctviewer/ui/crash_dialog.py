"""How errors reach the user: a plain message for the ones they can act on (``KnownError``),
a crash dialog with copyable details for bugs. Never a bare traceback on screen."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer import __version__
from ctviewer.errors import KnownError


class CrashDialog(QDialog):
    """ "Something went wrong": a short apology, the details read-only, and "Copy details"."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ctviewer: unexpected error")
        self.setObjectName("crashDialog")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "ctviewer ran into a problem it did not expect. Your archive is safe: the database "
            "commits whole changes only.<br>Please send the details below to the developers."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)  # only our own fixed text is rich
        layout.addWidget(intro)
        headline = QLabel(summary)
        headline.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote document text
        headline.setWordWrap(True)
        layout.addWidget(headline)
        self.details = QPlainTextEdit(f"ctviewer {__version__}\n\n{details}")
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


def show_known_error(message: str, parent: QWidget | None = None, title: str = "ctviewer") -> None:
    """A plain warning box for an environment problem (locked archive, unreadable file...)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote file names or document text
    box.setText(message)
    box.exec()


def report_exception(exc: BaseException, details: str | None = None, parent: QWidget | None = None) -> None:
    """Show ``exc`` the right way: KnownError as a plain message, anything else as a crash."""
    if isinstance(exc, KnownError):
        show_known_error(str(exc), parent)
        return
    if details is None:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    summary = f"{type(exc).__name__}: {exc}"
    CrashDialog(summary, details, parent).exec()


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook`` for the GUI: exceptions escaping Qt slots end up here."""
    if issubclass(exc_type, KeyboardInterrupt):
        QGuiApplication.quit()
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    try:
        report_exception(exc, details, QApplication.activeWindow())
    except Exception:  # the error handler itself must never raise: print as a last resort
        sys.__excepthook__(exc_type, exc, tb)
