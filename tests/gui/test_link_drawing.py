"""The link lines drawn in the text: each link's name stays readable (no name box covers
another's), whatever the order and place of the arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_helpers import open_doc, open_test_window

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData

pytestmark = pytest.mark.gui

# The shape of a real news sentence (GUM, "awarded"): an event whose target and time sit left
# of it, close together, and whose place is further right on the next line.
TEXT = (
    "A group of Afghan teenagers was awarded a silver medal on Tuesday in the FIRST Global "
    "Challenge Robot Olympics in the Daughters of the American Revolution Constitution Hall "
    "in Washington D.C. on a warm evening, before hundreds of guests from many countries.\n"
)


def _span(sid: str, needle: str, label: str, attrs: dict[str, str] | None = None) -> SpanData:
    start = TEXT.index(needle)
    return SpanData(sid, start, start + len(needle), label, attrs or {})


def _project(path: Path) -> Path:
    spans = (
        _span("e", "awarded", "EVENT", {"type": "other"}),
        _span("t", "A group of Afghan teenagers", "ACTOR", {"type": "organisation"}),
        _span("w", "Tuesday", "TIME"),
        _span("p", "the Daughters of the American Revolution Constitution Hall", "PLACE"),
        _span("g", "hundreds of guests", "ACTOR", {"type": "person"}),
    )
    relations = (
        RelationData("r1", "target", "e", "t"),
        RelationData("r2", "time", "e", "w"),
        RelationData("r3", "place", "e", "p"),
        RelationData("r4", "agent", "e", "g"),
    )
    doc = DocData("awarded", TEXT, {"title": "Robotics"}, spans, relations, layer="tester")
    with Project.create(path, "news") as project:
        import_documents(project, [doc], layer="tester", origin="test")
    return path


def _overlaps(boxes: list[Any]) -> list[tuple[str, str]]:
    out = []
    for i, (a_text, a) in enumerate(boxes):
        for b_text, b in boxes[i + 1 :]:
            if a.intersects(b):
                out.append((a_text, b_text))
    return out


@pytest.mark.parametrize("width", [1300, 1000])
def test_link_names_never_cover_each_other(qtbot: Any, tmp_path: Path, width: int) -> None:
    window = open_test_window(qtbot, _project(tmp_path / "links.annproj"))
    try:
        window.resize(width, 800)
        open_doc(qtbot, window, "awarded")
        view = window.view
        event = next(
            sid for sid, s in window.context.doc_state.spans().items() if s.label == "EVENT"
        )
        view.select_span(event)
        qtbot.wait(50)
        shapes = view.link_geometry()
        assert sorted(s.text for s in shapes) == ["agent", "place", "target", "time"]
        boxes = [(s.text, s.box) for s in shapes]
        assert _overlaps(boxes) == []
        # each name still sits on its own arc (within a few pixels of it)
        for shape in shapes:
            centre = shape.box.center()
            near = min(
                (shape.path.pointAtPercent(t / 50) - centre).manhattanLength() for t in range(51)
            )
            assert near <= 4, (shape.text, near)
        # and inside the view
        area = view.viewport().rect()
        for shape in shapes:
            assert shape.box.top() >= 0 and shape.box.right() <= area.right() + 1, shape.text
    finally:
        window.close()
