"""The team dashboard: progress, label distribution, agreement, kappa heatmap and pace.

The numbers are computed by :func:`annotator.reports.dashboard.load_dashboard` in the context's
worker; the plots are updated in place. Edits (``context.document_changed``) schedule a refresh
at most once per :data:`THROTTLE_MS`; a refresh asked for while one runs is run after it, and a
hidden dashboard waits until it is shown.
"""

from __future__ import annotations

import math
import time
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.project import Project
from annotator.reports.dashboard import DashboardData, load_dashboard
from annotator.wording import count_of
from app.context import AppContext
from app.dashboard.plots import (
    AgreementPlot,
    KappaHeatmap,
    LabelBarsPlot,
    PacePlot,
    PlotCard,
    ProgressPlot,
)
from app.tasks import TaskState

THROTTLE_MS = 1500
WIDE = 900  # pixels: below this the cards go in two columns


def compute_dashboard(
    project: Project, labels: tuple[str, ...], previous: DashboardData | None, state: TaskState
) -> DashboardData:
    """Worker side: one session, plain values out (``previous`` lets it reuse agreement)."""
    with project.session() as session:
        return load_dashboard(session, labels, progress=state, previous=previous)


class DashboardPanel(QWidget):
    """Five plots and a summary; call :meth:`refresh` or let edits trigger it."""

    refreshed = Signal()  # the plots show new data
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardPanel")
        self.setWindowTitle("Dashboard")
        self.context = context
        self.data: DashboardData | None = None
        self._running = False
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._on_timer)

        self.progress = ProgressPlot(self)
        self.labels = LabelBarsPlot(self)
        self.pace = PacePlot(self)
        self.agreement = AgreementPlot(self)
        self.kappa = KappaHeatmap(self)
        self.summary_card = QFrame(self)
        self.summary_card.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary = QLabel(self.summary_card)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setMinimumWidth(220)
        card_layout = QVBoxLayout(self.summary_card)
        card_layout.setContentsMargins(8, 6, 8, 6)
        card_layout.addWidget(self.summary, 1)
        self.status = QLabel("Not loaded yet", self)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Recompute every plot now")
        self.refresh_button.clicked.connect(self.refresh)

        grid = QGridLayout()
        grid.setSpacing(6)
        self.grid = grid
        self.columns = 0
        self._arrange(3)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        # The plots scroll rather than widen the window past a 1,366 x 768 screen.
        plots = QWidget(self)
        plots.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(plots)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

        context.document_changed.connect(self._on_document_changed)
        context.project_changed.connect(self.refresh)

    def _arrange(self, columns: int) -> None:
        """Lay the cards out in ``columns`` columns (3 when wide, 2 beside the docks of a
        1,366 px screen; the rest scrolls vertically)."""
        if columns == self.columns:
            return
        self.columns = columns
        order = (
            self.progress,
            self.labels,
            self.pace,
            self.agreement,
            self.kappa,
            self.summary_card,
        )
        for widget in order:
            self.grid.removeWidget(widget)
        for i, widget in enumerate(order):
            self.grid.addWidget(widget, i // columns, i % columns)
        for col in range(3):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(3 if event.size().width() >= WIDE else 2)

    @property
    def cards(self) -> tuple[PlotCard, ...]:
        return (self.progress, self.labels, self.pace, self.agreement, self.kappa)

    # ----------------------------------------------------------------- refresh scheduling

    def refresh(self) -> None:
        """Recompute now (or right after the refresh that is running)."""
        self._timer.stop()
        if self._running:
            self._dirty = True
            return
        self._running = True
        self._dirty = False
        self.status.setText("Updating…")
        labels = tuple(self.context.project.scheme.label_names)
        self.context.runner.run(
            partial(compute_dashboard, self.context.project, labels, self.data),
            self._on_data,
            self._on_error,
            title="Dashboard",
        )

    def _on_document_changed(self, _doc_id: int) -> None:
        self._dirty = True
        if self.isVisible() and not self._timer.isActive() and not self._running:
            self._timer.start()

    def _on_timer(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty and not self._running:
            self._timer.start(0)

    def _finish(self) -> None:
        self._running = False
        if self._dirty and self.isVisible():
            self._timer.start()

    def _on_data(self, data: DashboardData) -> None:
        self._finish()
        self.apply(data)

    def _on_error(self, exc: Exception) -> None:
        self._finish()
        message = exc.one_line() if isinstance(exc, AnnotatorError) else f"{exc}"
        self.status.setText(f"Could not update the dashboard: {message}")
        self.failed.emit(message)

    # ----------------------------------------------------------------- drawing

    def apply(self, data: DashboardData) -> None:
        """Show ``data`` (updates every plot item in place)."""
        self.data = data
        self.progress.set_series(data.progress, data.generated_at)
        self.labels.set_distribution(data.labels)
        self.pace.set_pace(data.pace)
        self.agreement.set_agreement(data.agreement)
        self.kappa.set_matrix(data.kappa)
        self.summary.setText(_summary_html(data))
        stamp = time.strftime("%H:%M:%S", time.localtime(data.generated_at))
        self.status.setText(
            f"{count_of(data.documents, 'document')} · "
            f"{count_of(len(data.annotators), 'annotator')} · updated {stamp}"
        )
        self.refreshed.emit()

    def save_all(self, folder: str | Path) -> list[Path]:
        """Save every plot as a PNG in ``folder``; return the paths."""
        folder = Path(folder)
        return [
            card.save_png(folder / f"{card.objectName().lower().replace(' ', '_')}.png")
            for card in self.cards
        ]


def _num(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"


def _summary_html(data: DashboardData) -> str:
    done = sum(s.current for s in data.progress)
    assigned = sum(s.assigned for s in data.progress)
    spans = sum(sum(row) for row in data.labels.counts)
    rows = [
        ("Documents", str(data.documents)),
        ("Annotators", ", ".join(data.annotators) or "–"),
        ("Shared documents", str(data.shared_documents)),
        ("Assignments done", f"{done} / {assigned}" if assigned else str(done)),
        ("Spans (all annotators)", str(spans)),
    ]
    metric_rows = [
        ("F1 exact", "span_f1_exact"),
        ("F1 overlap", "span_f1_overlap"),
        ("Cohen's κ (mean)", "cohen_kappa"),
        ("Fleiss' κ", "fleiss_kappa"),
        ("Krippendorff's α", "krippendorff_alpha"),
    ]
    rows += [(name, _num(float(data.overall.get(key, math.nan)))) for name, key in metric_rows]
    body = "".join(f"<tr><td>{k}</td><td align='right'><b>{v}</b></td></tr>" for k, v in rows)
    return (
        f"<p><b>Overview</b></p><table cellspacing='0' cellpadding='3' width='100%'>{body}</table>"
    )
