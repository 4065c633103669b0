"""Long texts never widen the window: the line under the title (source · date · URL · status)
and the inspector's suggested-link rows are cut with "…" (whole text as tooltip), so a window
keeps its size when a long article or a long claim is shown and fits a 1366×768 screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from gui_helpers import ARTICLE, make_project, open_doc, open_test_window, suggest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget

pytestmark = pytest.mark.gui

LONG_URL = "https://news.example.org/" + "/".join(
    f"section-{i}-with-a-rather-long-path-segment" for i in range(8)
)


def _long_project(path: Path) -> Path:
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData

    make_project(path)
    doc = DocData(
        "long",
        ARTICLE + "A fourth paragraph, so that the text is not a duplicate.\n",
        {
            "title": "A headline",
            "source": "The Long-Named International Wire Service of Record and Repute",
            "published": "2019-04-08",
            "url": LONG_URL,
        },
    )
    with Project.open(path) as project:
        import_documents(project, [doc], layer="tester", origin="test")
    return path


def _settle(qtbot: Any) -> None:
    qtbot.wait(50)
    QApplication.processEvents()


def test_a_long_header_is_elided_and_the_window_keeps_its_size(qtbot: Any, tmp_path: Path) -> None:
    win = open_test_window(qtbot, _long_project(tmp_path / "long.annproj"))
    try:
        win.resize(1300, 760)
        _settle(qtbot)
        assert win.width() == 1300
        open_doc(qtbot, win, "long")
        _settle(qtbot)
        meta = win.article.meta
        assert LONG_URL in meta.text()
        assert win.width() == 1300, "the header widened the window"
        assert win.minimumSizeHint().width() <= 1366, "does not fit a 1366×768 screen"
        assert meta.is_elided() and meta.shown_text().endswith("…")
        assert LONG_URL in meta.toolTip()
        # back on a short article the window still resizes freely; its header is whole
        open_doc(qtbot, win, "a3")
        win.resize(1366, 768)
        _settle(qtbot)
        assert win.width() == 1366
        assert not win.article.meta.is_elided() and win.article.meta.toolTip() == ""
    finally:
        win.close()


def test_a_long_suggested_link_is_elided_in_the_inspector(qtbot: Any, gui_project: Path) -> None:
    claim = "the Presidential Council had lost control"
    suggest(
        gui_project,
        "a1",
        [
            ("c", claim, "CLAIM", {"form": "reported"}),
            ("k", "Noman Benotman", "ACTOR", {"type": "person"}),
        ],
        [("claimant", "c", "k")],
    )
    win = open_test_window(qtbot, gui_project)
    try:
        win.resize(1300, 760)
        open_doc(qtbot, win, "a1")
        _settle(qtbot)
        (actor,) = [k for k, g in win.context.doc_state.suggestions().items() if g.label == "ACTOR"]
        win.view.select_item(("g", actor))
        _settle(qtbot)
        (row,) = win.inspector.suggested_rows
        assert row.text == f"suggested: claimant ← {claim}"
        assert win.width() == 1300, "the suggested-link row widened the window"
        shown = f"claimant ← {claim}"  # under "Suggested links": no "suggested:" prefix
        (label,) = [
            w for w in win.inspector.findChildren(type(win.article.meta)) if w.text() == shown
        ]
        assert label.is_elided()
        assert label.toolTip().startswith(shown + "\n")  # whole text, then the details
        assert "score" in label.toolTip()
        win.resize(1800, 760)
        dock = win.findChild(QDockWidget, "dock_inspector")
        win.resizeDocks([dock], [900], Qt.Orientation.Horizontal)
        _settle(qtbot)
        assert not label.is_elided()  # room enough: whole, the tooltip only the details
        assert not label.toolTip().startswith(shown)
    finally:
        win.close()


LONG_TITLE = (
    "After visa snags, all-girl Afghan team honored for 'courageous achievement' at "
    "international robotics competition in Washington, with teams from 157 countries taking part"
)


@pytest.mark.parametrize("size", [(1024, 640), (1366, 768)])
def test_a_long_title_takes_at_most_three_lines(
    qtbot: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """On a small screen a long headline took ten lines, half the article's height; it is cut
    with "…" after three (the whole title is its tooltip) and comes back whole when wider."""
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData

    path = make_project(tmp_path / "title.annproj")
    with Project.open(path) as project:
        doc = DocData("t", "A text with a long headline.\n", {"title": LONG_TITLE})
        import_documents(project, [doc], layer="tester", origin="test")
    win = open_test_window(qtbot, path)
    try:
        win.resize(*size)
        open_doc(qtbot, win, "t")
        _settle(qtbot)
        title = win.article.title
        lines = title.height() / title.fontMetrics().lineSpacing()
        assert lines <= 3.5, (title.height(), title.fontMetrics().lineSpacing())
        if title.text() != LONG_TITLE:
            assert title.text().endswith("…") and title.toolTip() == LONG_TITLE
        assert win.view.height() >= 0.6 * (win.article.height() - 40)
        win.resize(2400, 900)
        _settle(qtbot)
        assert title.text() == LONG_TITLE and title.toolTip() == ""
    finally:
        win.close()


@pytest.mark.parametrize(
    ("screen", "article_share"), [((1024, 640), 0.44), ((1366, 768), 0.44), ((1920, 1080), 0.44)]
)
def test_the_first_layout_fits_the_screen_and_leaves_the_article_room(
    screen: tuple[int, int], article_share: float
) -> None:
    """The first window is no bigger than the screen's room, and the two docks take shares
    of it: on a 1024 px screen the article kept 300 px with fixed 340 + 430 px docks."""
    from app.persistence import first_layout

    width, height, (documents, inspector) = first_layout(*screen)
    assert width <= screen[0] and height <= screen[1]
    assert width - documents - inspector >= article_share * width
    assert documents >= 240 and inspector >= 300  # a title column and the inspector's buttons


def _columns(win: Any) -> dict[str, int]:
    return {d.objectName(): d.width() for d in win.findChildren(QDockWidget) if d.isVisible()}


def test_the_article_keeps_half_a_small_window(qtbot: Any, gui_project: Path) -> None:
    """At 1024×640 the article had about 300 px: the document list's filters and the actor
    buttons held the side panels at 402 + 287 px. Now the panels give the article half the
    window (the filters wrap onto more rows), on a first layout and when a large window is
    narrowed; widened again, the panels get their widths back."""
    win = open_test_window(qtbot, gui_project)
    try:
        win.first_layout(1024, 640)
        _settle(qtbot)
        assert win.width() == 1024
        assert win.view.width() >= 0.46 * win.width(), _columns(win)
        assert win.tabs.width() >= 0.49 * win.width(), _columns(win)
        assert len(win.documents.filters.rows) > 1  # the filters wrapped, none cut
        # a large window's panels keep their widths; narrowed, they give; widened, get back
        win.first_layout(1920, 1080)
        win.resize(1600, 1000)
        _settle(qtbot)
        wide = _columns(win)
        article = win.view.width()
        win.resize(1024, 640)
        _settle(qtbot)
        assert win.view.width() >= 0.46 * win.width(), _columns(win)
        assert all(_columns(win)[name] < width for name, width in wide.items())
        win.resize(1600, 1000)
        _settle(qtbot)
        assert _columns(win) == wide
        assert win.view.width() == article
        assert len(win.documents.filters.rows) <= 2
    finally:
        win.close()


def test_article_only_hides_the_side_panels_and_brings_them_back(
    qtbot: Any, gui_project: Path
) -> None:
    win = open_test_window(qtbot, gui_project)
    try:
        win.resize(1024, 640)
        _settle(qtbot)
        shown = set(_columns(win))
        win.findChild(QDockWidget, "dock_actors").hide()  # closed by the user before
        _settle(qtbot)
        action = win.actions_by_id["article_only"]
        assert action.shortcut().toString() == "Ctrl+Shift+H"
        action.trigger()
        _settle(qtbot)
        assert _columns(win) == {}
        assert win.view.width() >= 0.9 * win.width()
        action.trigger()
        _settle(qtbot)
        assert set(_columns(win)) == shown - {"dock_actors"}
    finally:
        win.close()
