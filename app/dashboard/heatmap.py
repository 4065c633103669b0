"""The annotator x annotator kappa heatmap: an ``ImageItem`` with a colour bar, the values
written in the cells and the annotators' names on both axes."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QWidget

from annotator.reports.dashboard import KappaMatrix
from app.dashboard.plot_card import PlotCard, TextPool, fmt


class KappaHeatmap(PlotCard):
    """Annotator x annotator Cohen's kappa as an image with a colour bar and named axes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Cohen's kappa between annotators", parent)
        self.colour_map = pg.colormap.get("viridis")
        self.image = pg.ImageItem(np.full((1, 1), np.nan), levels=(0.0, 1.0))
        self.image.setColorMap(self.colour_map)
        self.plot.addItem(self.image)
        self.plot.invertY(True)
        self.plot.setAspectLocked(False)
        self.colour_bar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=self.colour_map, interactive=False, width=14
        )
        self.colour_bar.setImageItem(self.image, insert_in=self.plot)
        bar_axis = self.colour_bar.axis
        bar_axis.setPen(pg.mkPen(self.foreground))
        bar_axis.setTextPen(pg.mkPen(self.foreground))
        bar_axis.setLabel("Cohen's κ", color=self.foreground.name())
        self.cells = TextPool(self.plot, self.foreground, (0.5, 0.5))
        self.matrix = np.zeros((0, 0))
        self.kappa: KappaMatrix | None = None

    def extra_axes(self) -> list[pg.AxisItem]:
        return [self.colour_bar.axis] if hasattr(self, "colour_bar") else []

    def restyle(self) -> None:
        super().restyle()
        kappa = self.__dict__.get("kappa")
        if kappa is not None:
            self.set_matrix(kappa)

    def set_matrix(self, kappa: KappaMatrix) -> None:
        self.kappa = kappa
        n = len(kappa.annotators)
        m = np.asarray(kappa.values, dtype=float).reshape(n, n)
        self.matrix = m
        self.set_empty(None if n >= 2 else "Kappa needs at least two annotators.")
        if n == 0:
            self.image.setImage(np.full((1, 1), np.nan), levels=(0.0, 1.0))
            self.cells.show([])
            return
        # ImageItem indexes [x, y]: column j at x = j, row i at y = i.
        self.image.setImage(m.T, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(0, 0, n, n)
        entries = []
        colours = []
        for i in range(n):
            for j in range(n):
                v = m[i, j]
                entries.append((j + 0.5, i + 0.5, fmt(v)))
                colours.append(self._text_colour(v))
        self.cells.show(entries, colours)
        self.category_axis(kappa.annotators, "bottom", 0.5)
        self.category_axis(kappa.annotators, "left", 0.5)
        metrics = QFontMetrics(self.plot.getAxis("left").style.get("tickFont") or self.font())
        widest = max(metrics.horizontalAdvance(name) for name in kappa.annotators)
        self.plot.getAxis("left").setWidth(widest + 16)
        self.plot.setXRange(0, n, padding=0)
        self.plot.setYRange(0, n, padding=0)

    def _text_colour(self, value: float) -> QColor:
        if math.isnan(value):
            return self.foreground
        c = self.colour_map.map(min(max(value, 0.0), 1.0), mode="qcolor")
        luminance = 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF()
        return QColor(Qt.GlobalColor.black if luminance > 0.55 else Qt.GlobalColor.white)
