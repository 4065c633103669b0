"""The base of every dashboard plot: a titled card that owns one ``pg.PlotWidget`` and a
"Save as PNG" button, follows the palette, and shows a note instead of an empty plot; plus
reusable value labels and a legend that survives its view box being deleted."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ANNOTATOR_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)
METRIC_COLOURS = ("#4C72B0", "#55A868", "#C44E52", "#8172B2")
METRIC_NAMES = {
    "span_f1_exact": "F1 exact",
    "span_f1_overlap": "F1 overlap",
    "cohen_kappa": "Cohen κ",
    "fleiss_kappa": "Fleiss κ",
    "krippendorff_alpha": "Krippendorff α",
}


def annotator_colour(index: int) -> str:
    return ANNOTATOR_COLOURS[index % len(ANNOTATOR_COLOURS)]


def fmt(value: float, digits: int = 2) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


class TextPool:
    """Reusable text items on a plot (value labels), so refreshes create nothing new."""

    def __init__(self, plot: pg.PlotItem, colour: QColor, anchor: tuple[float, float]) -> None:
        self._plot = plot
        self._colour = colour
        self._anchor = anchor
        self.items: list[pg.TextItem] = []

    def show(
        self, entries: Sequence[tuple[float, float, str]], colours: Sequence[QColor] | None = None
    ) -> None:
        while len(self.items) < len(entries):
            item = pg.TextItem(color=self._colour, anchor=self._anchor)
            self._plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
        for i, item in enumerate(self.items):
            if i < len(entries):
                x, y, text = entries[i]
                item.setText(text, colours[i] if colours else self._colour)
                item.setPos(x, y)
                item.setVisible(True)
            else:
                item.setVisible(False)

    def recolour(self, colour: QColor) -> None:
        self._colour = colour
        for item in self.items:
            item.setColor(colour)

    def texts(self) -> list[str]:
        return [t.toPlainText() for t in self.items if t.isVisible()]


class Legend(pg.LegendItem):
    """A legend kept in the top left or right corner of its view box.

    pyqtgraph's anchored legend queries its parent view box whenever its own geometry changes,
    which raises once the view box is deleted (closing a window); this one places itself and
    ignores a parent that is gone."""

    def __init__(self, right: bool, **kwargs: object) -> None:
        super().__init__(offset=None, **kwargs)
        self._right = right

    def attach(self, plot: pg.PlotItem) -> None:
        plot.legend = self
        self.setParentItem(plot.getViewBox())
        plot.getViewBox().sigResized.connect(self.place)
        self.place()

    def place(self) -> None:
        try:
            parent = self.parentItem()
            if parent is None:
                return
            width = parent.boundingRect().width()
            x = width - self.width() - 8 if self._right else 8.0
            self.setPos(max(x, 0.0), 4.0)
        except RuntimeError:  # the view box is being deleted
            return

    def addItem(self, item: object, name: str) -> None:
        super().addItem(item, name)
        self.place()

    def setColumnCount(self, columnCount: int) -> None:
        super().setColumnCount(columnCount)
        self.place()


def elide_all(names: Sequence[str], metrics: QFontMetrics, room: float) -> list[str]:
    """``names`` shortened (with "…") to ``room`` pixels each; unchanged when they fit."""
    if room <= 0 or all(metrics.horizontalAdvance(n) <= room for n in names):
        return list(names)
    out = []
    for name in names:
        text = name
        while len(text) > 1 and metrics.horizontalAdvance(text + "…") > room:
            text = text[:-1]
        out.append(name if text == name else text + "…")
    return out


class PlotCard(QFrame):
    """A titled frame holding one plot and a "Save as PNG" button."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        axis_items: dict[str, pg.AxisItem] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(title)
        pal = self.palette()
        self.background = pal.color(QPalette.ColorRole.Base)
        self.foreground = pal.color(QPalette.ColorRole.Text)
        self.title = QLabel(title, self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)  # a long title wraps rather than widen the card
        self.save_button = QToolButton(self)
        self.save_button.setText("PNG…")
        self.save_button.setToolTip(f"Save the plot “{title}” as a PNG image")
        self.save_button.clicked.connect(self._ask_save)
        self.plot_widget = pg.PlotWidget(
            self, background=self.background, axisItems=axis_items or {}
        )
        self.plot_widget.setMinimumSize(200, 170)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        self._categories: dict[str, tuple[list[str], float]] = {}
        self.plot.getViewBox().sigResized.connect(self._fit_categories)
        self.plot.getViewBox().sigXRangeChanged.connect(self._fit_categories)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.plot.layout.setContentsMargins(4, 10, 8, 4)
        tick_font = QFont(self.font())
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(self.foreground))
            axis.setTextPen(pg.mkPen(self.foreground))
            axis.setTickFont(tick_font)
        self.empty_note = QLabel(self)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setWordWrap(True)
        self.empty_note.setEnabled(False)  # drawn in the palette's disabled (muted) colour
        self.empty_note.hide()
        head = QHBoxLayout()
        head.setContentsMargins(6, 4, 6, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.empty_note, 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.restyle()

    def restyle(self) -> None:
        """Follow the palette (light/dark switch): background, axes, legend and value texts."""
        if "plot" not in self.__dict__:
            return  # still being built
        pal = self.palette()
        self.background = pal.color(QPalette.ColorRole.Base)
        self.foreground = pal.color(QPalette.ColorRole.Text)
        self.plot_widget.setBackground(self.background)
        pen = pg.mkPen(self.foreground)
        for axis in (self.plot.getAxis("left"), self.plot.getAxis("bottom"), *self.extra_axes()):
            axis.setPen(pen)
            axis.setTextPen(pen)
            if axis.labelText:
                axis.setLabel(axis.labelText, color=self.foreground.name())
        legend = self.plot.legend
        if legend is not None:
            legend.setLabelTextColor(self.foreground)
            bg = self.background
            legend.setBrush(pg.mkBrush(bg.red(), bg.green(), bg.blue(), 200))
            for _sample, label in legend.items:
                label.setText(label.text, color=self.foreground)
        for pool in self.__dict__.values():
            if isinstance(pool, TextPool):
                pool.recolour(self.foreground)

    def extra_axes(self) -> list[pg.AxisItem]:
        return []

    def set_empty(self, message: str | None) -> None:
        """Show ``message`` instead of the plot (None: show the plot)."""
        self.empty_note.setText(message or "")
        self.empty_note.setVisible(message is not None)
        self.plot_widget.setVisible(message is None)
        self.save_button.setEnabled(message is None)

    def add_legend(self, right: bool = False) -> Legend:
        bg = self.background
        legend = Legend(
            right,
            labelTextColor=self.foreground,
            brush=pg.mkBrush(bg.red(), bg.green(), bg.blue(), 200),
        )
        legend.attach(self.plot)
        return legend

    def category_axis(
        self, names: Sequence[str], axis: str = "bottom", offset: float = 0.0
    ) -> None:
        """Name the categories at 0, 1, … (+ ``offset``); on the bottom axis the names are
        shortened to the room each category has, so neighbours never run into each other."""
        self._categories[axis] = (list(names), offset)
        self._fit_categories()

    def _fit_categories(self) -> None:
        try:
            categories = self.__dict__.get("_categories", {})
            for axis, (names, offset) in categories.items():
                item = self.plot.getAxis(axis)
                shown = list(names)
                if axis == "bottom" and names:
                    view = self.plot.getViewBox()
                    x0, x1 = view.viewRange()[0]
                    per = view.width() / max(x1 - x0, 1e-9)  # pixels per category
                    font = item.style.get("tickFont") or self.font()
                    shown = elide_all(names, QFontMetrics(font), per - 6)
                item.setTicks([[(i + offset, n) for i, n in enumerate(shown)]])
        except RuntimeError:  # the plot is being deleted
            return

    def save_png(self, path: str | Path, width: int = 1200) -> Path:
        """Write the plot as a PNG image ``width`` pixels wide; return the path."""
        path = Path(path)
        if not self.plot_widget.isVisible():  # never laid out: give the scene a size first
            size = self.plot_widget.size()
            w, h = max(size.width(), 640), max(size.height(), 400)
            self.plot.setGeometry(QRectF(0, 0, w, h))
            self.plot.layout.activate()
        exporter = ImageExporter(self.plot)
        exporter.parameters()["width"] = width
        exporter.export(str(path))
        return path

    def _ask_save(self) -> None:
        default = self.objectName().lower().replace(" ", "_") + ".png"
        name, _ = QFileDialog.getSaveFileName(
            self, "Save plot as PNG", default, "PNG image (*.png)"
        )
        if name:
            self.save_png(name if name.lower().endswith(".png") else name + ".png")
