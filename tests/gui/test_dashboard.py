"""The dashboard panel: real numbers in the plot items, in-place updates, throttling, PNG export.

(docs/screenshots/dashboard.png is written by scripts/screenshots.py.)
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from annotator.demo import TEAM_NAMES as NAMES
from annotator.demo import build_team_demo_project
from storage.repository import annotators_assignments as ann_repo
from storage.repository import spans as span_repo

pytestmark = [
    pytest.mark.gui,
    # pyqtgraph inverts the transform of value labels in a plot not laid out yet (NumPy 2.5).
    pytest.mark.filterwarnings("ignore:Setting the shape on a NumPy array:DeprecationWarning"),
]


@pytest.fixture
def team_context(tmp_path: Path) -> Iterator[object]:
    from app.context import AppContext

    project = build_team_demo_project(tmp_path / "team.annproj")
    context = AppContext(project, "lead")
    yield context
    context.runner.shutdown()
    project.close()


def _refresh(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.refreshed, timeout=30_000):
        panel.refresh()


def test_dashboard_shows_the_project_numbers(qtbot, team_context) -> None:
    from app.dashboard.panel import DashboardPanel

    panel = DashboardPanel(team_context)
    qtbot.addWidget(panel)
    _refresh(qtbot, panel)
    project = team_context.project
    with project.session() as s:
        counts = span_repo.span_counts(s)
        done = {
            n: sum(a.status == "done" for a in ann_repo.assignments(s, annotator=n)) for n in NAMES
        }
    labels = list(project.scheme.label_names)
    for name in NAMES:
        bars = panel.labels.bars[name]
        expected = [counts.get(name, {}).get(lab, 0) for lab in labels]
        assert list(bars.opts["height"]) == expected
        _x, y = panel.progress.curves[name].getData()
        assert y[-1] == done[name] and y[0] == 0
    assert sum(counts["alice"].values()) > 0
    # Pace bars: spans added per tracked hour (300 + 200 k seconds per finished document).
    heights = np.asarray(panel.pace.bar.opts["height"])
    spans = np.asarray(panel.data.pace.spans, dtype=float)
    hours = np.array([done[n] * (300 + 200 * k) / 3600 for k, n in enumerate(NAMES)])
    np.testing.assert_allclose(heights, spans / hours)
    # The heatmap image holds the pairwise kappas of the agreement report.
    image = panel.kappa.image.image
    assert image.shape == (3, 3)
    np.testing.assert_allclose(np.diag(image), 1.0)
    assert 0.3 < image[0, 1] < 1.0 and image[0, 1] == image[1, 0]
    assert panel.kappa.cells.texts()[1] == f"{image[1, 0]:.2f}"
    agreement = panel.data.agreement
    f1 = panel.agreement.bars["F1 exact"].opts["height"]
    np.testing.assert_allclose(f1, np.nan_to_num(agreement.values[0]))
    assert "Documents" in panel.summary.text() and "<b>9</b>" in panel.summary.text()


def test_edits_update_the_plot_items_in_place_with_throttling(qtbot, team_context) -> None:
    from annotator.services import add_span
    from app.dashboard.panel import DashboardPanel

    panel = DashboardPanel(team_context)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    _refresh(qtbot, panel)
    bar = panel.labels.bars["carol"]
    curve = panel.progress.curves["carol"]
    before = list(bar.opts["height"])
    spans_before = panel.data.pace.spans[2]
    started: list[int] = []
    team_context.runner.started.connect(lambda handle, _title: started.append(handle))
    panel._timer.setInterval(100)
    with team_context.project.session() as s:
        doc_id = sorted(span_repo.documents_in_layer(s, "carol"))[0]
        add_span(s, team_context.project.scheme, doc_id, "carol", 0, 4, "TIME")
    with qtbot.waitSignal(panel.refreshed, timeout=30_000):
        for _ in range(25):
            team_context.document_changed.emit(doc_id)
        assert started == []  # edits only arm the timer; the refresh waits for it
    assert len(started) == 1  # 25 edits, one refresh
    qtbot.wait(300)  # three throttle intervals: no second refresh follows the first
    assert len(started) == 1
    assert panel.labels.bars["carol"] is bar and panel.progress.curves["carol"] is curve
    after = list(bar.opts["height"])
    time_ix = list(team_context.project.scheme.label_names).index("TIME")
    assert after[time_ix] == before[time_ix] + 1
    assert panel.data.pace.spans[2] == spans_before + 1  # the edit logged a span.add event


def test_hidden_dashboard_waits_until_shown(qtbot, team_context) -> None:
    from app.dashboard.panel import DashboardPanel

    panel = DashboardPanel(team_context)
    qtbot.addWidget(panel)
    panel._timer.setInterval(10)
    started: list[int] = []
    team_context.runner.started.connect(lambda handle, _title: started.append(handle))
    team_context.document_changed.emit(1)
    qtbot.wait(200)  # twenty throttle intervals: a visible panel would have refreshed
    assert started == [] and panel.data is None
    with qtbot.waitSignal(panel.refreshed, timeout=30_000):
        panel.show()
    assert len(started) == 1 and panel.data is not None


def test_save_each_plot_as_png(qtbot, team_context, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from app.dashboard.panel import DashboardPanel

    panel = DashboardPanel(team_context)
    qtbot.addWidget(panel)
    _refresh(qtbot, panel)
    paths = panel.save_all(tmp_path)
    assert {p.name for p in paths} == {
        "progress.png",
        "label_distribution.png",
        "pace.png",
        "agreement_per_label.png",
        "cohen's_kappa_between_annotators.png",
    }
    for path in paths:
        image = QImage(str(path))
        assert image.width() == 1200 and image.height() > 100
    heat = QImage(str(tmp_path / "cohen's_kappa_between_annotators.png"))
    colours = {
        heat.pixel(x, y) for x in range(0, heat.width(), 9) for y in range(0, heat.height(), 9)
    }
    assert len(colours) > 20  # the image and colour bar were drawn, not a blank plot


def test_plots_follow_a_palette_switch(qtbot, team_context) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from app.dashboard.panel import DashboardPanel

    panel = DashboardPanel(team_context)
    qtbot.addWidget(panel)
    _refresh(qtbot, panel)
    app = QApplication.instance()
    before = app.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: panel.labels.background == QColor("#202124"), timeout=2000)
        for card in panel.cards:
            assert card.plot_widget.backgroundBrush().color() == QColor("#202124")
            assert card.plot.getAxis("left").textPen().color() == QColor("#e8eaed")
        assert all(t.color == QColor("#e8eaed") for t in panel.labels.values.items)
    finally:
        app.setPalette(before)


@pytest.mark.parametrize("size", [(1400, 860), (1366, 768)])
def test_legends_values_and_category_names_stay_readable_in_the_window(
    qtbot, tmp_path: Path, size: tuple[int, int]
) -> None:
    """In the window (default size and a 1,366 x 768 screen) no legend covers the plotted data
    or a value label, every legend entry is shown whole, and the x axes name every category in
    full without two names running into each other."""
    from gui_helpers import open_test_window

    from app.dashboard.plot_card import CategoryAxis

    path = tmp_path / "team.annproj"
    build_team_demo_project(path).close()
    window = open_test_window(qtbot, path)
    try:
        window.resize(*size)
        window.show_dashboard()
        panel = window.tabs.currentWidget()
        qtbot.waitUntil(lambda: panel.data is not None, timeout=30_000)
        qtbot.wait(200)  # the layouts settle after the new data
        labels = list(window.context.project.scheme.label_names)
        for card in (panel.progress, panel.labels, panel.agreement):
            legend = card.legend
            data = card.plot.getViewBox().sceneBoundingRect()
            shown = card.plot.sceneBoundingRect()
            box = legend.sceneBoundingRect()
            assert legend.isVisible() and len(legend.items) == 3, card.objectName()
            assert not box.intersects(data), (card.objectName(), box, data)
            for sample, label in legend.items:
                rect = label.sceneBoundingRect()
                assert box.contains(rect) and shown.contains(rect), (label.text, rect, box)
                assert shown.contains(sample.sceneBoundingRect())
                assert label.width() >= label.item.boundingRect().width(), label.text
            pool = card.__dict__.get("values")
            for text in [t for t in pool.items if t.isVisible()] if pool is not None else []:
                rect = text.sceneBoundingRect()
                assert not rect.intersects(box), (text.toPlainText(), rect, box)
                assert data.contains(rect), (text.toPlainText(), rect, data)
        assert "40" in panel.labels.values.texts()  # alice's ACTOR bar
        pace = panel.pace.plot.getViewBox().sceneBoundingRect()
        for text in panel.pace.values.items:
            assert pace.contains(text.sceneBoundingRect()), (
                text.toPlainText(),
                text.sceneBoundingRect(),
                pace,
            )
        for card in (panel.labels, panel.agreement):
            axis = card.plot.getAxis("bottom")
            assert isinstance(axis, CategoryAxis)
            named = axis.label_rects()
            assert [name for name, _rect in named] == labels, card.objectName()
            plot_rect = card.plot.sceneBoundingRect()
            for (name, rect), (_next, after) in zip(named, named[1:], strict=False):
                assert not rect.intersects(after), (card.objectName(), name)
            assert all(plot_rect.contains(rect) for _name, rect in named), card.objectName()
    finally:
        window.close()


def test_the_header_says_one_annotator(qtbot, tmp_path: Path) -> None:
    """A project with one annotator read "25 documents · 1 annotators"."""
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData, SpanData
    from app.context import AppContext
    from app.dashboard.panel import DashboardPanel

    project = Project.create(tmp_path / "one.annproj")
    doc = DocData("d1", "Ahmed Said spoke.", {}, (SpanData("s1", 0, 10, "ACTOR"),))
    import_documents(project, [doc], layer="alice")
    context = AppContext(project, "lead")
    try:
        panel = DashboardPanel(context)
        qtbot.addWidget(panel)
        _refresh(qtbot, panel)
        assert panel.status.text().startswith("1 document · 1 annotator · updated ")
    finally:
        context.runner.shutdown()
        project.close()


def test_annotators_with_the_same_progress_both_show(qtbot) -> None:
    """Two annotators who marked the same documents done at the same times draw one path:
    the second line is dashed over the first (wider, solid), so both colours show."""
    from PySide6.QtGui import QColor

    from annotator.reports.dashboard import ProgressSeries
    from app.dashboard.plot_card import annotator_colour
    from app.dashboard.plots import ProgressPlot

    plot = ProgressPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 360)
    same = ((1_700_000_000.0, 1_700_003_600.0), (1, 2))
    plot.set_series(
        [ProgressSeries("alice", *same, assigned=3), ProgressSeries("bob", *same, assigned=3)],
        now=1_700_007_200.0,
    )
    plot.show()
    qtbot.waitExposed(plot)
    pens = [plot.curves[name].opts["pen"] for name in ("alice", "bob")]
    assert pens[0].style() != pens[1].style() and pens[0].widthF() > pens[1].widthF()
    image = plot.plot_widget.grab().toImage()
    seen = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }

    def shows(colour: str) -> bool:
        want = QColor(colour)
        return any(
            abs(QColor(c).red() - want.red())
            + abs(QColor(c).green() - want.green())
            + abs(QColor(c).blue() - want.blue())
            < 30
            for c in seen
        )

    assert shows(annotator_colour(0)) and shows(annotator_colour(1))
