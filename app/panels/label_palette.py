"""The label palette: each label of the scheme with its colour and key; click to apply."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.scheme import Scheme


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QWidget):
    """Buttons for the scheme's labels; emits ``label_chosen(name)``."""

    label_chosen = Signal(str)

    def __init__(self, scheme: Scheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for lab in scheme.labels:
            key = f"{lab.key}  " if lab.key else ""
            button = QPushButton(swatch(lab.color), f"{key}{lab.name.capitalize()}")
            button.setToolTip(
                f"{lab.description}\nKey: {lab.key or '—'} (Alt+key keeps the exact selection)"
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, name=lab.name: self.label_chosen.emit(name))
            layout.addWidget(button)
            self.buttons[lab.name] = button
        hint = QLabel(
            "Select text, press a key.\nTab: next span · L: link\n"
            "A/R: accept/reject suggestion\nF1: all shortcuts"
        )
        hint.setEnabled(False)
        layout.addWidget(hint)
        layout.addStretch(1)
