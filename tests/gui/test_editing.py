"""Keyboard-first editing in the article view: spans, undo/redo, attributes, links, status."""

from __future__ import annotations

import pytest
from gui_helpers import db_relations, db_spans, open_doc, press, select_needle, text_of
from PySide6.QtCore import Qt

from app.panels.article_view import snap_to_words
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo

pytestmark = pytest.mark.gui
K = Qt.Key
M = Qt.KeyboardModifier


def test_snap_to_words() -> None:
    text = "Khalifa Haftar said, on Monday"
    assert snap_to_words(text, 2, 11) == (0, 14)
    assert snap_to_words(text, 0, 15) == (0, 14)  # trailing space trimmed
    assert snap_to_words(text, 3, 3) == (0, 7)  # empty selection: the word at the cursor
    assert snap_to_words(text, 16, 18) == (15, 19)  # the comma is not part of the word
    # Edge punctuation and quotes are trimmed (issue 13): no "said," next to "said".
    assert snap_to_words(text, 15, 20) == (15, 19)
    quoted = 'the "Quilliam Foundation," said a week ago, in the U.S. today'
    q = quoted.index('"Quilliam')
    assert quoted[slice(*snap_to_words(quoted, q, q + 22))] == "Quilliam Foundation"
    w = quoted.index("a week")
    assert quoted[slice(*snap_to_words(quoted, w, w + 11))] == "a week ago"
    u = quoted.index("U.S.")
    assert quoted[slice(*snap_to_words(quoted, u, u + 4))] == "U.S."
    assert snap_to_words(quoted, q, q + 1) == (q + 1, q + 1)  # only a quote: nothing left


def test_create_relabel_delete_undo_redo(qtbot, any_window) -> None:
    window = any_window
    view = window.view
    open_doc(qtbot, window, "a1")
    select_needle(view, "alifa Haft")
    press(qtbot, view, K.Key_1)
    spans = db_spans(window)
    assert [(text_of(window, s), s.label) for s in spans] == [("Khalifa Haftar", "ACTOR")]
    span_id = spans[0].id
    assert view.selected == ("s", span_id)
    assert window.inspector.label_combo.currentText() == "ACTOR"

    press(qtbot, view, K.Key_2)  # relabel the selected span
    assert db_spans(window)[0].label == "CLAIM"
    window.undo()
    assert db_spans(window)[0].label == "ACTOR"
    assert window.context.doc_state.spans()[span_id].label == "ACTOR"

    press(qtbot, view, K.Key_Delete)
    assert db_spans(window) == []
    assert ("s", span_id) not in view.highlighter.items()
    press(qtbot, view, K.Key_Z, M.ControlModifier)
    assert [s.id for s in db_spans(window)] == [span_id]  # restored with its id
    assert ("s", span_id) in view.highlighter.items()
    press(qtbot, view, K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert db_spans(window) == []
    window.redo()  # nothing left to redo: no error
    window.undo()
    window.undo()  # undo the relabel's undo chain down to the creation
    window.undo()
    assert db_spans(window) == []
    assert window.context.doc_state.spans() == {}

    # Alt + key keeps the exact selection.
    select_needle(view, "alifa")
    press(qtbot, view, K.Key_1, M.AltModifier)
    assert [text_of(window, s) for s in db_spans(window)] == ["alifa"]


def test_tab_moves_between_spans_and_attributes(qtbot, window) -> None:
    view = window.view
    open_doc(qtbot, window, "a1")
    select_needle(view, "Khalifa Haftar")
    press(qtbot, view, K.Key_1)
    select_needle(view, "Noman Benotman")
    press(qtbot, view, K.Key_1)
    first, second = sorted(db_spans(window), key=lambda s: s.start)
    press(qtbot, view, K.Key_Escape)
    assert view.selected is None
    view.moveCursor(view.textCursor().MoveOperation.Start)
    press(qtbot, view, K.Key_Tab)
    assert view.selected == ("s", first.id)
    press(qtbot, view, K.Key_Tab)
    assert view.selected == ("s", second.id)
    press(qtbot, view, K.Key_Backtab, M.ShiftModifier)
    assert view.selected == ("s", first.id)

    window.inspector.set_attribute("type", "person")
    assert db_spans(window)[0].attrs == {"type": "person"}
    window.inspector.link_new_actor("Khalifa Haftar", "person")
    linked = next(s for s in db_spans(window) if s.id == first.id)
    assert linked.entity_id is not None
    with window.context.project.session() as s:
        assert registry_repo.get_entity(s, linked.entity_id).name == "Khalifa Haftar"
    assert window.inspector.actor_edit.text() == "Khalifa Haftar (person)"
    window.undo()
    assert next(s for s in db_spans(window) if s.id == first.id).entity_id is None
    window.undo()
    assert next(s for s in db_spans(window) if s.id == first.id).attrs == {}


def test_link_claimant_and_event_roles(qtbot, any_window) -> None:
    window = any_window
    view = window.view
    open_doc(qtbot, window, "a1")
    for needle, key in (
        ("Khalifa Haftar", K.Key_1),
        ("Noman Benotman", K.Key_1),
        ("his forces", K.Key_1),
        ("the Presidential Council had lost control", K.Key_2),
        ("attacked", K.Key_3),
        ("Tripoli", K.Key_4),
    ):
        select_needle(view, needle)
        press(qtbot, view, key)
    spans = {text_of(window, s): s for s in db_spans(window)}
    claim = spans["the Presidential Council had lost control"]
    view.select_span(claim.id)
    view.begin_link("claimant")  # what L then choosing "claimant" does
    assert view.linking == "claimant"
    # Candidates are the ACTOR spans; Tab cycles until Noman Benotman, Enter links.
    for _ in range(4):
        cur = view._link_candidates[view._link_index]
        if cur == ("s", spans["Noman Benotman"].id):
            break
        press(qtbot, view, K.Key_Tab)
    press(qtbot, view, K.Key_Return)
    rels = db_relations(window)
    assert [(r.label, r.head_id, r.tail_id) for r in rels] == [
        ("claimant", claim.id, spans["Noman Benotman"].id)
    ]
    assert view.linking == ""
    # The selected claim emphasises its claimant.
    assert ("s", spans["Noman Benotman"].id) in view.highlighter._arguments
    assert window.inspector.relations.rowCount() == 1

    # Event roles: press L on the event (a menu asks the role, here chosen directly),
    # then pick the target with a click.
    event = spans["attacked"]
    view.select_span(event.id)
    view.begin_link("agent")
    item = view.highlighter.item(("s", spans["his forces"].id))
    cursor = view.textCursor()
    cursor.setPosition(item.start + 2)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    view.begin_link("place")
    press(qtbot, view, K.Key_Return)  # the only PLACE is the first candidate
    rels = {(r.label, r.tail_id) for r in db_relations(window) if r.head_id == event.id}
    assert rels == {("agent", spans["his forces"].id), ("place", spans["Tripoli"].id)}
    window.undo()
    window.undo()
    assert {r.label for r in db_relations(window)} == {"claimant"}
    window.redo()
    assert {r.label for r in db_relations(window)} == {"claimant", "agent"}
    # Deleting an actor removes its links; undo restores both.
    view.select_span(spans["Noman Benotman"].id)
    press(qtbot, view, K.Key_Delete)
    assert {r.label for r in db_relations(window)} == {"agent"}
    window.undo()
    assert {r.label for r in db_relations(window)} == {"claimant", "agent"}


def test_refused_edit_is_a_message_not_a_crash(qtbot, any_window) -> None:
    window = any_window
    view = window.view
    open_doc(qtbot, window, "a1")
    select_needle(view, "Khalifa Haftar")
    press(qtbot, view, K.Key_1)
    select_needle(view, "attacked")
    press(qtbot, view, K.Key_3)
    event = next(s for s in db_spans(window) if s.label == "EVENT")
    actor = next(s for s in db_spans(window) if s.label == "ACTOR")
    view.select_span(event.id)
    view.begin_link("agent")
    press(qtbot, view, K.Key_Return)
    view.select_span(actor.id)
    messages = []
    view.message.connect(messages.append)
    press(qtbot, view, K.Key_4)  # ACTOR -> PLACE would break the agent relation
    assert messages and "agent" in messages[-1]
    assert next(s for s in db_spans(window) if s.id == actor.id).label == "ACTOR"
    assert window.context.undo_stack.count() == 3


def test_done_and_next(qtbot, any_window) -> None:
    window = any_window
    first = open_doc(qtbot, window, "a1")
    press(qtbot, window.view, K.Key_Return, M.ControlModifier)
    qtbot.waitUntil(lambda: window.context.doc_state.doc_id not in (None, first), timeout=5000)
    with window.context.project.session() as s:
        status = {
            a.document_id: a.status for a in ann_repo.assignments(s, annotator=window.context.user)
        }
    assert status[first] == "done"
    assert window.documents.model.record(window.documents.model.row_of(first)).status == "done"
    window.undo()
    with window.context.project.session() as s:
        status = {
            a.document_id: a.status for a in ann_repo.assignments(s, annotator=window.context.user)
        }
    assert status[first] == "todo"


def test_tooltip_lists_every_span_under_the_mouse(qtbot, window) -> None:
    view = window.view
    open_doc(qtbot, window, "a1")
    select_needle(view, "Noman Benotman, an analyst, claimed")
    press(qtbot, view, K.Key_2, M.AltModifier)
    select_needle(view, "Noman Benotman")
    press(qtbot, view, K.Key_1)
    start, _ = select_needle(view, "Benotman")
    lines = view.describe_at(start + 1)
    assert len(lines) == 2
    assert lines[0].startswith("CLAIM") and lines[1].startswith("ACTOR: “Noman Benotman”")


def test_adding_a_span_reformats_only_its_blocks(qtbot, tmp_path) -> None:
    from gui_helpers import make_project, open_test_window

    long_text = "\n".join(f"Paragraph {i} mentions Khalifa Haftar and Tripoli." for i in range(400))
    path = make_project(tmp_path / "long.annproj", (("long", long_text),))
    window = open_test_window(qtbot, path)
    try:
        view = window.view
        open_doc(qtbot, window, "long")
        before = view.highlighter.blocks_formatted
        select_needle(view, "Khalifa Haftar", occurrence=200)
        press(qtbot, view, K.Key_1)
        assert len(db_spans(window)) == 1
        assert 1 <= view.highlighter.blocks_formatted - before <= 3
    finally:
        window.close()


def test_the_queue_follows_assignments(qtbot, window) -> None:
    from annotator import services

    with window.context.project.session() as s:
        ids = doc_repo.external_ids(s)
        services.set_status(s, ids["a3"], "tester", "todo")
    window.documents.reload()
    qtbot.waitUntil(lambda: any(d.status for d in window.documents.model.all_records()))
    first = open_doc(qtbot, window, "a1")
    assert window.documents.next_document(first) == ids["a3"]  # the only assigned one
    open_doc(qtbot, window, "a3")
    press(qtbot, window.view, K.Key_Return, M.ControlModifier)
    qtbot.waitUntil(lambda: not window.context.runner.busy)
    # The assigned work is finished: the queue falls back to documents nobody finished.
    assert window.documents.next_document(ids["a3"]) in {ids["a1"], ids["u1"]}


def test_link_menu_keys_are_distinct() -> None:
    from app.editing.link_mode import with_mnemonics

    texts = with_mnemonics(["agent", "target", "place", "time"])
    assert texts == ["&agent", "&target", "&place", "t&ime"]
    keys = [t[t.index("&") + 1].lower() for t in texts]
    assert len(set(keys)) == len(keys)
