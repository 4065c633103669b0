"""Suggested claimants and roles in the window (issue 10, item 5): drawn dashed in the text,
listed in the inspector with Accept / Reject, accepted with their claim or event as one undo
step, rejectable one by one, and never a link the window does not show.

docs/screenshots/suggested-links.png is written by ``scripts/screenshots.py suggested-links``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest

pytest.importorskip("pytestqt")

from gui_helpers import open_doc, open_test_window, suggest
from PySide6.QtCore import Qt

from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

pytestmark = pytest.mark.gui

EVENT_ITEMS = [
    ("e", "attacked", "EVENT", {"type": "attack", "status": "occurred"}),
    ("a", "his forces", "ACTOR", {"type": "armed_group"}),
    ("p", "Tripoli", "PLACE", {}),
]
EVENT_RELS = [("agent", "e", "a"), ("place", "e", "p")]
CLAIM_ITEMS = [
    ("c", "his forces attacked the airport in Tripoli", "CLAIM", {"form": "reported"}),
    ("k", "Khalifa Haftar", "ACTOR", {"type": "person"}),
]
CLAIM_RELS = [("claimant", "c", "k")]


def _key(win: Any, label: str) -> tuple[str, int]:
    """The pending suggestion of ``label`` shown in the article."""
    (sid,) = [k for k, g in win.context.doc_state.suggestions().items() if g.label == label]
    return ("g", sid)


def _text(win: Any, key: tuple[str, int]) -> str:
    state = win.context.doc_state
    rec = state.spans()[key[1]] if key[0] == "s" else state.suggestions()[key[1]]
    return state.content.document.text[rec.start : rec.end]


def _rows(win: Any) -> list[str]:
    return [row.text for row in win.inspector.suggested_rows]


def _row(win: Any, label: str) -> Any:
    (row,) = [r for r in win.inspector.suggested_rows if f" {label} " in r.text]
    return row


def _click(qtbot: Any, button: Any) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _assert_window_matches_database(win: Any) -> None:
    """The article, inspector and status bar show what the database holds (a fresh read)."""
    from app.editing.doc_state import load_content
    from app.main_window import _n

    ctx = win.context
    with ctx.project.session() as s:
        fresh = load_content(s, ctx.doc_state.doc_id, ctx.layer)
    shown = ctx.doc_state.content
    assert shown.spans == fresh.spans
    assert shown.relations == fresh.relations
    assert set(shown.suggestions) == set(fresh.suggestions)
    assert shown.links == fresh.links
    # every suggested link of the database is drawn at its ends (no hidden link)
    assert len(ctx.doc_state.shown_links()) == len(fresh.links)
    counts = f"{_n(len(fresh.spans), 'span')} · {_n(len(fresh.relations), 'link')}"
    assert counts in win._status_counts.text()
    if fresh.links:
        assert _n(len(fresh.links), "suggested link") in win._status_counts.text()
    else:
        assert "suggested link" not in win._status_counts.text()
    # the inspector lists the selected span's relations and suggested links as stored
    key = win.view.selected
    if key is not None and key[0] == "s":
        listed = sorted(
            win.inspector.relations.record(i).id for i in range(win.inspector.relations.rowCount())
        )
        expected = sorted(
            r.id for r in fresh.relations.values() if key[1] in (r.head_id, r.tail_id)
        )
        assert listed == expected
    if key is not None:
        listed_links = sorted(r.link_id for r in win.inspector.suggested_rows)
        expected_links = sorted(
            link.id for link, head, tail in ctx.doc_state.shown_links() if key in (head, tail)
        )
        assert listed_links == expected_links


def _db(win: Any) -> tuple[list[tuple[str, str]], list[str], dict[str, str]]:
    """(label, text) of the user's spans, their relation labels, suggested relation states."""
    ctx = win.context
    doc_id = ctx.doc_state.doc_id
    text = ctx.doc_state.content.document.text
    with ctx.project.session() as s:
        spans = span_repo.spans_of(s, document_id=doc_id, annotator=ctx.user)
        rels = span_repo.relations_of(s, document_id=doc_id, annotator=ctx.user)
        srels = sugg_repo.suggestion_relations_of_document(s, doc_id, state=None)
    return (
        sorted((sp.label, text[sp.start : sp.end]) for sp in spans),
        sorted(r.label for r in rels),
        {r.label: r.state for r in srels},
    )


def test_a_suggested_claim_shows_its_claimant_dashed_and_listed(qtbot, gui_project) -> None:
    suggest(gui_project, "a1", CLAIM_ITEMS, CLAIM_RELS)
    win = open_test_window(qtbot, gui_project)
    try:
        view = win.view
        open_doc(qtbot, win, "a1")
        claim, claimant = _key(win, "CLAIM"), _key(win, "ACTOR")
        view.select_item(claim)
        # drawn: a dashed claimant link from the claim to the suggested actor
        drawn = [(d.label, d.head, d.tail, d.suggested) for d in view.drawn_links()]
        assert drawn == [("claimant", claim, claimant, True)]
        assert view.highlighter.suggested_arguments() == {claimant}
        view.viewport().grab()  # the link lines paint
        # listed: one row with Accept and Reject
        assert _rows(win) == ["suggested: claimant → Khalifa Haftar"]
        assert win.inspector.accept_button.text().startswith("Accept with 1 suggested link")
        assert "missing: claimant — suggested below" in win.inspector._relations_label.text()
        # the tooltip says it too
        assert view.describe_at(view.highlighter.item(claim).start)[1:] == [
            "    suggested claimant: “Khalifa Haftar”"
        ]
        # the actor shows where it is claimed from
        view.select_item(claimant)
        assert [(d.head, d.tail) for d in view.drawn_links()] == [(claim, claimant)]
        assert _rows(win)[0].startswith("suggested: claimant ← his forces attacked")
        assert "1 suggested link" in win._status_counts.text()
    finally:
        win.close()


def test_a_suggested_link_to_the_users_own_span_is_shown_and_accepted(qtbot, gui_project) -> None:
    """The claimant was drawn by the annotator already: the suggestion is hidden, and the
    suggested claim links to her span; accepting makes that link, undo keeps her span."""
    from annotator import services
    from annotator.project import Project
    from storage.repository import documents as doc_repo

    with Project.open(gui_project) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)["a1"]
        own = services.add_span(s, project.scheme, doc_id, "tester", 0, 14, "ACTOR").id
    suggest(gui_project, "a1", CLAIM_ITEMS, CLAIM_RELS)
    win = open_test_window(qtbot, gui_project)
    try:
        view = win.view
        open_doc(qtbot, win, "a1")
        assert [g.label for g in win.context.doc_state.suggestions().values()] == ["CLAIM"]
        claim = _key(win, "CLAIM")
        view.select_item(claim)
        qtbot.keyClick(view, Qt.Key.Key_A)
        assert _db(win)[:2] == (
            [
                ("ACTOR", "Khalifa Haftar"),
                ("CLAIM", "his forces attacked the airport in Tripoli"),
            ],
            ["claimant"],
        )
        assert view.selected[0] == "s" and _text(win, view.selected).startswith("his forces")
        assert [(d.label, d.tail, d.suggested) for d in view.drawn_links()] == [
            ("claimant", ("s", own), False)
        ]
        _assert_window_matches_database(win)
        win.undo()
        assert _db(win)[:2] == ([("ACTOR", "Khalifa Haftar")], [])  # her span is kept
        view.select_item(claim)
        assert [(d.tail, d.suggested) for d in view.drawn_links()] == [(("s", own), True)]
        assert _rows(win) == ["suggested: claimant → Khalifa Haftar"]
        _assert_window_matches_database(win)
        win.redo()
        assert _db(win)[1] == ["claimant"]
        _assert_window_matches_database(win)
    finally:
        win.close()


def test_accepting_an_event_accepts_its_roles_in_one_undo_step(qtbot, gui_project) -> None:
    suggest(gui_project, "a1", EVENT_ITEMS, EVENT_RELS)
    win = open_test_window(qtbot, gui_project)
    try:
        ctx, view = win.context, win.view
        open_doc(qtbot, win, "a1")
        event = _key(win, "EVENT")
        view.select_item(event)
        depth = ctx.undo_stack.count()
        qtbot.keyClick(view, Qt.Key.Key_A)
        assert ctx.undo_stack.count() == depth + 1  # one step
        accepted = (
            [("ACTOR", "his forces"), ("EVENT", "attacked"), ("PLACE", "Tripoli")],
            ["agent", "place"],
            {"agent": "accepted", "place": "accepted"},
        )
        assert _db(win) == accepted
        assert ctx.doc_state.suggestions() == {}
        # the event span is selected, with its two roles drawn solid and listed
        assert view.selected[0] == "s" and _text(win, view.selected) == "attacked"
        event_span = view.selected
        assert sorted((d.label, d.suggested) for d in view.drawn_links()) == [
            ("agent", False),
            ("place", False),
        ]
        assert _rows(win) == []
        assert "3 spans · 2 links" in win._status_counts.text()
        _assert_window_matches_database(win)
        span_ids = sorted(ctx.doc_state.spans())

        win.undo()
        assert _db(win) == ([], [], {"agent": "pending", "place": "pending"})
        assert len(ctx.doc_state.suggestions()) == 3
        view.select_item(_key(win, "EVENT"))
        assert sorted(d.label for d in view.drawn_links() if d.suggested) == ["agent", "place"]
        assert sorted(_rows(win)) == [
            "suggested: agent → his forces",
            "suggested: place → Tripoli",
        ]
        _assert_window_matches_database(win)

        win.redo()
        assert _db(win) == accepted
        assert sorted(ctx.doc_state.spans()) == span_ids  # the same spans come back
        view.select_item(event_span)
        assert sorted(d.label for d in view.drawn_links()) == ["agent", "place"]
        _assert_window_matches_database(win)
    finally:
        win.close()


def test_one_role_rejected_alone_stays_out_of_the_accept(qtbot, gui_project) -> None:
    suggest(gui_project, "a1", EVENT_ITEMS, EVENT_RELS)
    win = open_test_window(qtbot, gui_project)
    try:
        ctx, view = win.context, win.view
        open_doc(qtbot, win, "a1")
        view.select_item(_key(win, "EVENT"))
        _click(qtbot, _row(win, "place").reject_button)
        # only the role is rejected: Tripoli stays a pending suggestion, the agent stays listed
        assert _db(win) == ([], [], {"agent": "pending", "place": "rejected"})
        assert {g.label for g in ctx.doc_state.suggestions().values()} == {
            "EVENT",
            "ACTOR",
            "PLACE",
        }
        assert _rows(win) == ["suggested: agent → his forces"]
        assert [d.label for d in view.drawn_links()] == ["agent"]
        _assert_window_matches_database(win)

        qtbot.keyClick(view, Qt.Key.Key_A)
        assert _db(win) == (
            [("ACTOR", "his forces"), ("EVENT", "attacked")],
            ["agent"],
            {"agent": "accepted", "place": "rejected"},
        )
        assert [g.label for g in ctx.doc_state.suggestions().values()] == ["PLACE"]
        _assert_window_matches_database(win)

        win.undo()  # the accept
        win.undo()  # the rejected role comes back
        assert _db(win) == ([], [], {"agent": "pending", "place": "pending"})
        view.select_item(_key(win, "EVENT"))
        assert sorted(_rows(win)) == [
            "suggested: agent → his forces",
            "suggested: place → Tripoli",
        ]
        _assert_window_matches_database(win)
    finally:
        win.close()


def test_one_role_accepted_alone_then_the_other_from_the_new_span(qtbot, gui_project) -> None:
    suggest(gui_project, "a1", EVENT_ITEMS, EVENT_RELS)
    win = open_test_window(qtbot, gui_project)
    try:
        ctx, view = win.context, win.view
        open_doc(qtbot, win, "a1")
        view.select_item(_key(win, "EVENT"))
        _click(qtbot, _row(win, "place").accept_button)
        assert _db(win) == (
            [("EVENT", "attacked"), ("PLACE", "Tripoli")],
            ["place"],
            {"agent": "pending", "place": "accepted"},
        )
        # the event became a span, selected; its agent is still suggested, from the span
        assert view.selected[0] == "s" and _text(win, view.selected) == "attacked"
        assert sorted((d.label, d.suggested) for d in view.drawn_links()) == [
            ("agent", True),
            ("place", False),
        ]
        assert _rows(win) == ["suggested: agent → his forces"]
        _assert_window_matches_database(win)
        _click(qtbot, _row(win, "agent").accept_button)
        assert _db(win)[1] == ["agent", "place"]
        assert ctx.doc_state.suggestions() == {}
        _assert_window_matches_database(win)
        # after the accept, one role is still removed alone (an ordinary, undoable edit)
        rows = win.inspector.relations
        agent_row = next(i for i in range(rows.rowCount()) if rows.record(i).label == "agent")
        win.inspector.relation_view.selectRow(agent_row)
        _click(qtbot, win.inspector.unlink_relation_button)
        assert _db(win)[:2] == (
            [("ACTOR", "his forces"), ("EVENT", "attacked"), ("PLACE", "Tripoli")],
            ["place"],
        )
        _assert_window_matches_database(win)
        win.undo()
        win.undo()
        assert _db(win)[1] == ["place"]
        assert _rows(win) == ["suggested: agent → his forces"]
        _assert_window_matches_database(win)
    finally:
        win.close()


def test_the_accept_button_counts_the_links_pressing_a_accepts(qtbot, gui_project) -> None:
    """Two agents and a target: "Accept with 3 suggested links", and A accepts the three (the
    count is of links, not of role names); an incoming link counts when it comes along."""
    suggest(
        gui_project,
        "a1",
        [
            ("e", "attacked", "EVENT", {"type": "attack", "status": "occurred"}),
            ("a", "Khalifa Haftar", "ACTOR", {"type": "person"}),
            ("b", "his forces", "ACTOR", {"type": "armed_group"}),
            ("t", "Presidential Council", "ACTOR", {"type": "organisation"}),
        ],
        [("agent", "e", "a"), ("agent", "e", "b"), ("target", "e", "t")],
    )
    win = open_test_window(qtbot, gui_project)
    try:
        view = win.view
        open_doc(qtbot, win, "a1")
        (agent,) = [
            k for k in win.context.doc_state.suggestions() if _text(win, ("g", k)) == "his forces"
        ]
        # from an agent, the link of a pending event does not come along
        view.select_item(("g", agent))
        assert _rows(win) == ["suggested: agent ← attacked"]
        assert win.inspector.accept_button.text() == "Accept (A)"
        view.select_item(_key(win, "EVENT"))
        assert len(_rows(win)) == 3
        assert win.inspector.accept_button.text() == "Accept with 3 suggested links (A)"
        qtbot.keyClick(view, Qt.Key.Key_A)
        assert _db(win)[1] == ["agent", "agent", "target"]
        _assert_window_matches_database(win)
        win.undo()
        qtbot.waitUntil(lambda: not win.context.runner.busy)
        # the target accepted alone: the event is a span, its agents' links now come along
        view.select_item(_key(win, "EVENT"))
        _click(qtbot, _row(win, "target").accept_button)
        assert view.selected[0] == "s"
        assert win.inspector.accept_button.text() == "Accept (A)"
        view.select_item(("g", agent))
        assert _rows(win) == ["suggested: agent ← attacked"]
        assert win.inspector.accept_button.text() == "Accept with 1 suggested link (A)"
        qtbot.keyClick(view, Qt.Key.Key_A)
        assert _db(win)[1] == ["agent", "target"]
        _assert_window_matches_database(win)
    finally:
        win.close()
