"""Light and dark palettes (Fusion style), following the system unless the user forces one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#26282b",
    QPalette.ColorRole.ToolTipBase: "#303134",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#8a8d91",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2b2d30",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.Mid: "#3c4043",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Light: "#3c4043",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f3f3f4",
    QPalette.ColorRole.WindowText: "#1f1f21",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f5f6f8",
    QPalette.ColorRole.ToolTipBase: "#ffffee",
    QPalette.ColorRole.ToolTipText: "#1f1f21",
    QPalette.ColorRole.PlaceholderText: "#8a8d91",
    QPalette.ColorRole.Text: "#1f1f21",
    QPalette.ColorRole.Button: "#ececee",
    QPalette.ColorRole.ButtonText: "#1f1f21",
    QPalette.ColorRole.BrightText: "#c00000",
    QPalette.ColorRole.Highlight: "#b7d3f7",
    QPalette.ColorRole.HighlightedText: "#000000",
    QPalette.ColorRole.Link: "#1a5fb4",
}


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        return bool(scheme() == Qt.ColorScheme.Dark)
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, mode: str = "system") -> bool:
    """Apply ``mode`` (system, light, dark); return True when the result is dark."""
    app.setStyle("Fusion")
    dark = system_is_dark() if mode == "system" else mode == "dark"
    palette = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        muted = QColor(palette.color(role))
        muted.setAlpha(120)
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    app.setPalette(palette)
    return dark
