"""The base of every dashboard plot: a titled card that owns one ``pg.PlotWidget`` and a
"Save as PNG" button, follows the palette, and shows a note instead of an empty plot; plus
reusable value labels and a legend that survives its view box being deleted."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTransform
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


# Line styles of the annotators' lines, in turn: lines that run together (two annotators with
# the same progress) still show both colours, the dashes of one over the other.
ANNOTATOR_LINES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
)


def annotator_pen(index: int, width: float = 2.5) -> Any:
    """The pen of an annotator's line: her colour, and a style of its own among the first
    four (wider for the solid line drawn first, so a dashed one on top leaves it visible)."""
    style = ANNOTATOR_LINES[index % len(ANNOTATOR_LINES)]
    wide = width + 1.5 if style == Qt.PenStyle.SolidLine else width
    return pg.mkPen(annotator_colour(index), width=wide, style=style)


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
    """A legend in its own row under the plot (below the x axis), so it never covers the data or
    the value labels; its entries flow into as many columns as the plot's width holds.

    pyqtgraph's own legend floats over the view box and is anchored to it, which hides data and
    queries a view box that may already be deleted (closing a window); this one is an item of
    the plot's layout and sizes itself."""

    ROW = 4  # PlotItem layout rows: 0 title, 1 top axis, 2 view box, 3 bottom axis

    def __init__(self, **kwargs: object) -> None:
        super().__init__(offset=None, **kwargs)
        self._plot: pg.PlotItem | None = None

    def attach(self, plot: pg.PlotItem) -> None:
        plot.legend = self
        self._plot = plot
        plot.layout.addItem(self, self.ROW, 0, 1, 3)
        plot.layout.setAlignment(self, Qt.AlignmentFlag.AlignHCenter)
        plot.getViewBox().sigResized.connect(self.fit)
        self.fit()

    def entry_widths(self) -> list[float]:
        spacing = 2 * self.layout.horizontalSpacing() + 4
        return [
            sample.boundingRect().width() + label.minimumWidth() + spacing
            for sample, label in self.items
        ]

    def fit(self) -> None:
        """Choose the column count for the plot's width and reserve the legend's height."""
        try:
            plot = self._plot
            if plot is None:
                return
            widths = self.entry_widths()
            room = plot.width() - 12
            columns = max(len(widths), 1)
            while columns > 1:
                per_column = [max(widths[c::columns]) for c in range(columns)]
                if sum(per_column) <= room:
                    break
                columns -= 1
            if columns != self.columnCount:
                self.setColumnCount(columns)
            self.updateSize()
        except RuntimeError:  # the plot is being deleted
            return

    def updateSize(self) -> None:
        """Reserve the entries' height in the plot's layout; the width may shrink (a narrower
        plot then gets fewer columns from :meth:`fit`), so the legend never widens the plot."""
        if not self.items:
            self.setMinimumSize(0, 0)
            self.setMaximumSize(0, 0)
            return
        self.layout.setContentsMargins(2, 0, 2, 0)
        self.layout.invalidate()
        hint = self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
        self.setMinimumSize(0, hint.height())
        self.setPreferredSize(hint)
        self.setMaximumSize(hint)
        self.resize(hint)

    def addItem(self, item: object, name: str) -> None:
        super().addItem(item, name)
        self.fit()

    def removeItem(self, item: object) -> None:
        super().removeItem(item)
        self.fit()


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


class CategoryAxis(pg.AxisItem):
    """A bottom axis naming categories; names that do not fit side by side are drawn slanted
    (45 degrees, ending at their tick) with the axis as tall as the longest name needs, so a
    name is never cut short while the plot has a usable width."""

    SLANT = 45.0

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.slanted = False
        self.names: list[tuple[float, str]] = []

    def set_names(self, names: Sequence[tuple[float, str]], slanted: bool) -> None:
        self.names = list(names)
        self.setTicks([self.names])
        if slanted != self.slanted or slanted:
            self.slanted = slanted
            self.setHeight(self.slanted_height() if slanted else None)
        self.picture = None
        self.update()

    def _metrics(self) -> QFontMetrics:
        return QFontMetrics(self.style.get("tickFont") or QFont())

    def _text_top(self) -> float:
        return float(self.style["tickTextOffset"][1] + max(0, self.style["tickLength"]))

    def slanted_height(self) -> int:
        metrics = self._metrics()
        widest = max((metrics.horizontalAdvance(n) for _v, n in self.names), default=0)
        sin = math.sin(math.radians(self.SLANT))
        return math.ceil(self._text_top() + sin * (widest + metrics.height()) + 4)

    def boundingRect(self) -> QRectF:
        rect = QRectF(super().boundingRect())
        if not self.slanted:
            return rect
        # The first name runs down to the left of the axis' start (into the empty corner).
        metrics = self._metrics()
        widest = max((metrics.horizontalAdvance(n) for _v, n in self.names), default=0)
        cos = math.cos(math.radians(self.SLANT))
        return QRectF(rect.adjusted(-cos * (widest + metrics.height()), 0, 0, 0))

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """Each drawn name with its bounding rectangle in scene coordinates."""
        view = self.linkedView()
        if view is None:
            return []
        metrics = self._metrics()
        out = []
        for value, text in self.names:
            x = self.mapFromScene(view.mapViewToScene(QPointF(value, 0))).x()
            width = metrics.horizontalAdvance(text)
            if self.slanted:
                transform = self._slant(x)
                local = QRectF(-width - 2, -metrics.height() / 2, width, metrics.height())
                rect = transform.mapRect(local)
            else:
                rect = QRectF(x - width / 2, self._text_top(), width, metrics.height())
            out.append((text, self.mapRectToScene(rect)))
        return out

    def _slant(self, x: float) -> QTransform:
        transform = QTransform()
        transform.translate(x + self._metrics().height() / 3, self._text_top())
        transform.rotate(-self.SLANT)
        return transform

    def drawPicture(
        self, p: QPainter, axisSpec: object, tickSpecs: object, textSpecs: object
    ) -> None:
        if not self.slanted:
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        super().drawPicture(p, axisSpec, tickSpecs, [])
        view = self.linkedView()
        if view is None:
            return
        metrics = self._metrics()
        p.setClipRect(self.boundingRect())
        p.setFont(self.style.get("tickFont") or QFont())
        p.setPen(self.textPen())
        for value, text in self.names:
            x = self.mapFromScene(view.mapViewToScene(QPointF(value, 0))).x()
            width = metrics.horizontalAdvance(text)
            p.save()
            p.setTransform(self._slant(x), True)
            p.drawText(
                QRectF(-width - 2, -metrics.height() / 2, width + 1, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            p.restore()


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
        axes: dict[str, pg.AxisItem] = {"bottom": CategoryAxis("bottom"), **(axis_items or {})}
        self.plot_widget = pg.PlotWidget(self, background=self.background, axisItems=axes)
        self.plot_widget.setMinimumSize(200, 170)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        self._categories: dict[str, tuple[list[str], float]] = {}
        self.plot.getViewBox().sigResized.connect(self._fit_categories)
        self.plot.getViewBox().sigXRangeChanged.connect(self._fit_categories)
        self._headroom: tuple[float, float, int] | None = None
        self.plot.getViewBox().sigResized.connect(self._fit_headroom)
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

    def add_legend(self) -> Legend:
        """A legend in a row of its own under the plot (see :class:`Legend`)."""
        bg = self.background
        legend = Legend(
            labelTextColor=self.foreground,
            brush=pg.mkBrush(bg.red(), bg.green(), bg.blue(), 200),
        )
        legend.attach(self.plot)
        return legend

    def category_axis(
        self, names: Sequence[str], axis: str = "bottom", offset: float = 0.0
    ) -> None:
        """Name the categories at 0, 1, … (+ ``offset``); on the bottom axis names that do not
        fit side by side are slanted (and only shortened when even slanted ones would collide)."""
        self._categories[axis] = (list(names), offset)
        self._fit_categories()

    def _fit_categories(self) -> None:
        try:
            categories = self.__dict__.get("_categories", {})
            for axis, (names, offset) in categories.items():
                item = self.plot.getAxis(axis)
                shown = list(names)
                slanted = False
                if axis == "bottom" and names:
                    view = self.plot.getViewBox()
                    x0, x1 = view.viewRange()[0]
                    per = view.width() / max(x1 - x0, 1e-9)  # pixels per category
                    metrics = QFontMetrics(item.style.get("tickFont") or self.font())
                    fits = all(metrics.horizontalAdvance(n) <= per - 6 for n in names)
                    slanted = not fits and isinstance(item, CategoryAxis)
                    # Slanted names need about 1.5 lines of room each; below that, shorten.
                    if not fits and (not slanted or per < 1.5 * metrics.height()):
                        slanted = False
                        shown = elide_all(names, metrics, per - 6)
                ticks = [(i + offset, n) for i, n in enumerate(shown)]
                if isinstance(item, CategoryAxis):
                    item.set_names(ticks, slanted)
                else:
                    item.setTicks([ticks])
        except RuntimeError:  # the plot is being deleted
            return

    def set_y_range_with_labels(self, low: float, top: float, lines: int) -> None:
        """Show ``low``..``top`` plus room above ``top`` for value labels of ``lines`` lines,
        measured in pixels (kept on resize), so a label over the highest bar is never cut."""
        self._headroom = (low, top, lines)
        self._fit_headroom()

    def _fit_headroom(self) -> None:
        try:
            headroom = self.__dict__.get("_headroom")
            if headroom is None:
                return
            low, top, lines = headroom
            height = self.plot.getViewBox().height()
            room = lines * QFontMetrics(self.font()).lineSpacing() + 10  # + the label's margins
            share = min(room / height, 0.6) if height > 0 else 0.3
            self.plot.setYRange(low, low + (top - low) / (1 - share), padding=0)
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
