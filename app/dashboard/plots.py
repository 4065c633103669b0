"""The dashboard's charts. Each creates its plot items once and updates them in place
(``setData`` / ``setOpts``) with plain values from :mod:`annotator.reports.dashboard`; they never
touch the database."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from annotator.reports.dashboard import LabelAgreement, LabelDistribution, Pace, ProgressSeries
from app.dashboard.heatmap import KappaHeatmap
from app.dashboard.plot_card import (
    METRIC_COLOURS,
    METRIC_NAMES,
    PlotCard,
    TextPool,
    annotator_colour,
    annotator_pen,
)

__all__ = ["AgreementPlot", "KappaHeatmap", "LabelBarsPlot", "PacePlot", "PlotCard", "ProgressPlot"]


class ProgressPlot(PlotCard):
    """Documents done per annotator over time (step lines)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Progress", parent, {"bottom": pg.DateAxisItem(utcOffset=0)})
        self.plot.setLabel("left", "documents done", color=self.foreground.name())
        self.plot.setLabel("bottom", "date (UTC)", color=self.foreground.name())
        self.legend = self.add_legend()
        self.curves: dict[str, pg.PlotDataItem] = {}

    def set_series(self, series: Sequence[ProgressSeries], now: float) -> None:
        keep = {s.annotator for s in series}
        for name in [n for n in self.curves if n not in keep]:
            curve = self.curves.pop(name)
            self.legend.removeItem(curve)
            self.plot.removeItem(curve)
        for i, s in enumerate(series):
            x, y = _steps(s.times, s.done, now)
            curve = self.curves.get(s.annotator)
            if curve is None:
                curve = self.plot.plot(x, y, name=s.annotator, pen=annotator_pen(i))
                self.curves[s.annotator] = curve
            else:
                curve.setData(x, y)
                curve.setPen(annotator_pen(i))
            label = self.legend.getLabel(curve)
            if label is not None:
                label.setText(f"{s.annotator}  {s.current}/{s.assigned or '?'}")
        self.legend.fit()  # the labels' widths changed
        top = max([s.assigned for s in series] + [s.current for s in series] + [1])
        self.plot.setYRange(0, top * 1.08, padding=0)
        starts = [s.times[0] for s in series if s.times]
        self.set_empty(None if starts else "No document has been marked done yet.")
        if starts:
            self.plot.setXRange(min(starts), max(now, min(starts) + 3600), padding=0.02)


def _steps(times: Sequence[float], done: Sequence[int], now: float) -> tuple[np.ndarray, ...]:
    """Step coordinates: 0 before the first event, each value held until the next event."""
    if not times:
        return np.zeros(0), np.zeros(0)
    xs = [times[0]]
    ys = [0.0]
    for i, (t, v) in enumerate(zip(times, done, strict=True)):
        xs.append(t)
        ys.append(float(v))
        end = times[i + 1] if i + 1 < len(times) else max(now, t)
        xs.append(end)
        ys.append(float(v))
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


class GroupedBars(PlotCard):
    """Bars grouped by category (x) with one bar item per series, legend and value labels."""

    HEADROOM = 1.08  # agreement scores: a little room above 1.0

    def __init__(
        self, title: str, y_label: str, parent: QWidget | None = None, value_labels: bool = True
    ) -> None:
        super().__init__(title, parent)
        self.plot.setLabel("left", y_label, color=self.foreground.name())
        self.legend = self.add_legend()
        self.value_labels = value_labels
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.values = TextPool(self.plot, self.foreground, (0.5, 1.0))

    def set_bars(
        self,
        categories: Sequence[str],
        series: Sequence[str],
        heights: Sequence[Sequence[float]],
        colours: Sequence[str],
        value_format: str = "{:.0f}",
    ) -> None:
        """``heights[s][c]``: series ``s`` in category ``c``; NaN bars are drawn empty."""
        for name in [n for n in self.bars if n not in series]:
            item = self.bars.pop(name)
            self.legend.removeItem(item)
            self.plot.removeItem(item)
        n = max(len(series), 1)
        width = 0.8 / n
        texts: list[tuple[float, float, str]] = []
        values = np.asarray(heights, dtype=float).reshape(len(series), len(categories))
        all_nan = np.all(np.isnan(values), axis=0) if len(series) else np.zeros(0, bool)
        texts += [(float(c), 0.0, "n/a") for c in np.flatnonzero(all_nan)]
        for s, name in enumerate(series):
            h = np.asarray(heights[s], dtype=float)
            x = np.arange(len(categories), dtype=float) - 0.4 + width * (s + 0.5)
            shown = np.nan_to_num(h, nan=0.0)
            item = self.bars.get(name)
            brush = pg.mkBrush(colours[s % len(colours)])
            if item is None:
                item = pg.BarGraphItem(
                    x=x, height=shown, width=width * 0.92, brush=brush, pen=pg.mkPen(None)
                )
                self.plot.addItem(item)
                self.legend.addItem(item, name)
                self.bars[name] = item
            else:
                item.setOpts(x=x, height=shown, width=width * 0.92, brush=brush)
            for c, (xi, hi) in enumerate(zip(x, h, strict=True)):
                if math.isnan(hi):
                    if not all_nan[c]:
                        texts.append((float(xi), 0.0, "–"))
                elif self.value_labels:
                    texts.append((float(xi), float(max(hi, 0.0)), value_format.format(hi)))
        self.values.show(texts)
        self.category_axis(categories)
        self.plot.setXRange(-0.6, len(categories) - 0.4, padding=0)


class LabelBarsPlot(GroupedBars):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Label distribution", "spans", parent)

    def set_distribution(self, dist: LabelDistribution) -> None:
        self.set_bars(
            dist.labels,
            dist.annotators,
            dist.counts,
            [annotator_colour(i) for i in range(len(dist.annotators))],
        )
        top = max([max(row, default=0) for row in dist.counts] + [1])
        self.set_y_range_with_labels(0.0, float(top), 1)
        self.set_empty(None if any(any(row) for row in dist.counts) else "No spans yet.")


class AgreementPlot(GroupedBars):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Agreement per label", "score", parent, value_labels=False)

    def set_agreement(self, agreement: LabelAgreement) -> None:
        names = [METRIC_NAMES.get(m, m) for m in agreement.metrics]
        self.set_bars(agreement.labels, names, agreement.values, METRIC_COLOURS, "{:.2f}")
        finite = [v for row in agreement.values for v in row if not math.isnan(v)]
        self.set_empty(
            None if finite else "Agreement needs two annotators who labelled the same documents."
        )
        low = min([0.0, *finite])
        self.plot.setYRange(low - 0.05 if low < 0 else 0.0, self.HEADROOM, padding=0)
        self.plot.getAxis("left").setTicks(
            [[(v / 5, f"{v / 5:.1f}") for v in range(-5, 6) if v / 5 >= low - 0.05]]
        )


class PacePlot(PlotCard):
    """Spans per hour of work, one bar per annotator."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pace", parent)
        self.plot.setLabel("left", "spans per hour", color=self.foreground.name())
        self.bar = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.6, pen=pg.mkPen(None))
        self.plot.addItem(self.bar)
        self.values = TextPool(self.plot, self.foreground, (0.5, 1.0))
        self._label_width = 0.0
        self.plot.getViewBox().sigResized.connect(self._fit_x)

    def _fit_x(self) -> None:
        """Widen the x range so the outer bars' value labels (wider than a bar) stay inside."""
        try:
            n = max(len(self.bar.opts["x"]), 1)
            room = self.plot.getViewBox().width()
            half = self._label_width / 2 + 4
            margin = 0.6
            if room > 2 * half:
                margin = max(margin, half * (n - 1) / (room - 2 * half))
            self.plot.setXRange(-margin, n - 1 + margin, padding=0)
        except RuntimeError:  # the plot is being deleted
            return

    def set_pace(self, pace: Pace) -> None:
        rate = np.asarray(pace.per_hour, dtype=float)
        x = np.arange(len(pace.annotators), dtype=float)
        brushes = [pg.mkBrush(annotator_colour(i)) for i in range(len(pace.annotators))]
        self.bar.setOpts(x=x, height=np.nan_to_num(rate, nan=0.0), brushes=brushes)
        self.values.show(
            [
                (
                    float(xi),
                    0.0 if math.isnan(r) else float(r),
                    "n/a" if math.isnan(r) else f"{r:.1f}/h\n{n} in {h:.1f} h",
                )
                for xi, r, n, h in zip(x, rate, pace.spans, pace.hours, strict=True)
            ]
        )
        self.category_axis(pace.annotators)
        self.set_empty(
            None
            if np.any(~np.isnan(rate))
            else "No spans added in the app yet (imported layers have no timing)."
        )
        top = float(np.nanmax(rate)) if len(rate) and not np.all(np.isnan(rate)) else 1.0
        self.set_y_range_with_labels(0.0, max(top, 1.0), 2)  # two-line values
        metrics = QFontMetrics(self.font())
        lines = [line for text in self.values.texts() for line in text.splitlines()]
        self._label_width = float(max((metrics.horizontalAdvance(t) for t in lines), default=0))
        self._fit_x()
