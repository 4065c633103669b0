"""Light and dark palettes (Fusion style), following the system unless the user forces one."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
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


def undo_icon(palette: QPalette, redo: bool = False) -> QIcon:
    """A curved arrow drawn in the palette's text colour (the style's arrows are dark grey and
    nearly invisible on a dark toolbar)."""
    icon = QIcon()
    for size in (16, 24, 32):
        for mode, group in (
            (QIcon.Mode.Normal, QPalette.ColorGroup.Active),
            (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
        ):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if redo:  # mirror the undo arrow
                painter.translate(size, 0)
                painter.scale(-1, 1)
            u = size / 16
            pen = QPen(palette.color(group, QPalette.ColorRole.ButtonText), 1.8 * u)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            path = QPainterPath(QPointF(4 * u, 6 * u))
            path.lineTo(10 * u, 6 * u)
            path.arcTo(QRectF(6 * u, 6 * u, 8 * u, 7 * u), 90, -180)
            path.lineTo(6 * u, 13 * u)
            painter.drawPath(path)
            head = QPainterPath(QPointF(7 * u, 3 * u))
            head.lineTo(4 * u, 6 * u)
            head.lineTo(7 * u, 9 * u)
            painter.drawPath(head)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon
