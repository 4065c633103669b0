"""Write the README screenshots (docs/screenshots/*.png) from the demo project, offscreen.

    python scripts/screenshots.py               # every screenshot
    python scripts/screenshots.py review shortcuts --out /tmp/shots

It runs in a fresh temporary home folder (so the demo project is built anew, your own
settings and projects are not touched, and folders read "~/…" on every run), opens the
windows offscreen and grabs them. Each shot checks that it shows what its README caption
says, and stops with a message when it does not. The suggestion shots show the demo's own
suggestions (written as data, as a newcomer first sees them); the learning shots train a model
(minutes). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
USER = "maria"  # the demo user: an empty layer, every article to do, suggestions to try
SHOWN_LAYER = "alice"  # a demo annotator whose layer covers every article


class ShotFailed(RuntimeError):
    """A screenshot did not show what it should; nothing is written for it."""


def wait_until(condition: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    """Run the Qt event loop until ``condition()`` holds."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise ShotFailed(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


def settle() -> None:
    """Let pending layout and paint events run before a grab."""
    from PySide6.QtWidgets import QApplication

    for _ in range(10):
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: Any, out: Path, name: str) -> Path:
    settle()
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise ShotFailed(f"could not write {path}")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return path


# ------------------------------------------------------------------------- the main window


def open_demo_window() -> Any:
    from annotator.demo import ensure_demo_project
    from app.launcher import open_window

    window = open_window(ensure_demo_project(USER))
    if window is None:
        raise ShotFailed("the demo project did not open")
    window.first_layout(1440, 900)  # as on a screen of that size (offscreen's is 800 px)
    window.resize(1440, 900)
    window.show()
    wait_until(lambda: window.context.doc_state.content is not None, "the first article")
    wait_until(lambda: not window.context.runner.busy, "the window to load")
    return window


def _claim_with_claimant(window: Any) -> int | None:
    for rel in window.context.doc_state.relations().values():
        if rel.label == "claimant":
            return int(rel.head_id)
    return None


def _open_document(window: Any, doc_id: int) -> None:
    window.open_document(doc_id)
    wait_until(lambda: window.context.doc_state.doc_id == doc_id, f"document {doc_id}")
    wait_until(lambda: not window.context.runner.busy, "the document to load")


def _open_richest(window: Any) -> None:
    """Open the demo article with the most claims and events that has a claimant link."""
    best: tuple[tuple[bool, int, int], int] | None = None
    for rec in window.documents.model.records():
        _open_document(window, rec.id)
        labels = [s.label for s in window.context.doc_state.spans().values()]
        score = (
            _claim_with_claimant(window) is not None,
            labels.count("CLAIM") + labels.count("EVENT"),
            len(labels),
        )
        if best is None or score > best[0]:
            best = (score, rec.id)
    if best is None:
        raise ShotFailed("the demo project has no documents")
    _open_document(window, best[1])


def shoot_window(out: Path, names: set[str]) -> None:
    """main_window, inspector_claim, dark_mode, suggestions, shortcuts."""
    window = open_demo_window()
    try:
        window.theme_light()
        # The newcomer's own layer starts empty (issue 13): show a teammate's finished work.
        window.context.set_layer(SHOWN_LAYER)
        wait_until(lambda: not window.context.runner.busy, "the layer to load")
        _open_richest(window)
        labels = {s.label for s in window.context.doc_state.spans().values()}
        if not {"ACTOR", "CLAIM", "EVENT"} <= labels:
            raise ShotFailed(f"the richest demo article has only {sorted(labels)}")
        actors = window.actors
        wait_until(lambda: actors.model.rowCount() > 0, "the actor list")
        # The busiest actor named in the open article, so its mentions are in the text shown.
        text = window.context.doc_state.content.document.text
        busiest = max(
            range(actors.model.rowCount()),
            key=lambda r: (
                actors.model.record(r).name in text,
                actors.model.record(r).mention_count,
            ),
        )
        actors.table.selectRow(busiest)
        wait_until(lambda: actors.mentions.rowCount() > 0, "the actor's mentions")
        wait_until(lambda: not window.context.runner.busy, "the window to be idle")
        if "main_window" in names:
            save(window, out, "main_window")

        if "inspector_claim" in names:
            claim = _claim_with_claimant(window)
            if claim is None:
                raise ShotFailed("no claim with a claimant in the open article")
            window.view.select_span(claim)
            inspector = window.inspector
            wait_until(
                lambda: (
                    inspector.heading.text().startswith("Span")
                    and inspector.relations.rowCount() >= 1
                    and all(c.isVisible() for c in inspector._attr_rows.values())
                ),
                "the inspector to show the claim",
            )
            save(window, out, "inspector_claim")

        if "dark_mode" in names:
            window.theme_dark()
            wait_until(
                lambda: window.palette().window().color().lightness() < 100, "the dark palette"
            )
            save(window, out, "dark_mode")
            window.theme_light()
            wait_until(
                lambda: window.palette().window().color().lightness() > 150, "the light palette"
            )

        if "suggestions" in names:
            _shoot_suggestions(window, out)

        if "shortcuts" in names:
            window.show_shortcuts()
            sheet = window._sheet
            wait_until(sheet.isVisible, "the shortcut sheet")
            sheet.resize(900, 760)
            save(sheet, out, "shortcuts")
            sheet.close()
    finally:
        window.close()


def _shoot_suggestions(window: Any, out: Path) -> None:
    """Pending suggestions on the first to-do article: the demo's, as a newcomer sees them."""
    # Suggestions are accepted into one's own layer: the teammate's layer is all done.
    window.context.set_layer(USER)
    wait_until(lambda: not window.context.runner.busy, "the user's layer to load")
    todo = next((r for r in window.documents.model.records() if r.status != "done"), None)
    if todo is None:
        raise ShotFailed(f"{USER} has no article left to do")
    _open_document(window, todo.id)
    if not window.context.doc_state.suggestions():
        raise ShotFailed("the demo has no suggestion on the first to-do article")
    view = window.view
    view.moveCursor(view.textCursor().MoveOperation.Start)
    view.move_selection(1)
    view.move_selection(1)
    wait_until(
        lambda: window.inspector.heading.text().startswith("Suggestion"),
        "the inspector to show a suggestion",
    )
    save(window, out, "suggestions")


def shoot_suggested_links(out: Path) -> None:
    """A suggested claim selected (the demo's suggestions, on the article it opens with): its
    suggested claimant drawn dashed in the text and listed in the inspector to accept or
    reject."""
    window = open_demo_window()
    try:
        window.theme_light()
        ctx, view = window.context, window.view
        # The claim nearest its suggested claimant (the clearest picture of one), on the first
        # article that has one (the one the demo opens with).
        best: tuple[int, int, Any] | None = None
        for rec in window.documents.model.records():
            _open_document(window, rec.id)
            items = view.highlighter.items()
            for link, head, tail in ctx.doc_state.shown_links():
                if link.label == "claimant" and head[0] == "g":
                    gap = abs(items[head].start - items[tail].start)
                    if best is None or gap < best[0]:
                        best = (gap, rec.id, head)
            if best is not None:
                break
        if best is None:
            raise ShotFailed("the demo suggests no claim with a claimant")
        _open_document(window, best[1])
        window.resize(1366, 768)
        view.select_item(best[2])
        wait_until(
            lambda: (
                window.inspector.heading.text().startswith("Suggestion")
                and any(" claimant " in r.text for r in window.inspector.suggested_rows)
                and any(d.suggested and d.label == "claimant" for d in view.drawn_links())
            ),
            "the inspector to list the suggested claimant",
        )
        save(window, out, "suggested-links")
    finally:
        window.close()


# ------------------------------------------------------------------ the learning loop


def shoot_learning(out: Path, names: set[str]) -> None:
    """train-dialog, training-result, preannotate-model, uncertainty-order, uncertainty-undo:
    the demo's teammate layer (alice) trains a model in the window's worker; the
    pre-annotation dialog shows its comparison; the newcomer's queue is ordered by the model's
    uncertainty; "Done, next" and its undo (the document back in its ranked place)."""
    window = open_demo_window()
    try:
        window.theme_light()
        loop, ops = window.learning, window.operations
        window.train_model()
        dialog = loop.train_dialog
        wait_until(lambda: dialog is not None and dialog.isVisible(), "the training dialog")
        dialog.layer.setCurrentText(SHOWN_LAYER)
        # the app's own default, beside the demo project: "~/.local/share/…" (HOME is the
        # temporary folder), so the shots are the same on every run
        if not dialog.outdir.text().startswith("~/"):
            raise ShotFailed(f"the model folder is not shown under ~: {dialog.outdir.text()}")
        dialog.outdir.setCursorPosition(0)
        if "train-dialog" in names:
            save(dialog, out, "train-dialog")
        dialog.accept()
        wait_until(lambda: loop.result_dialog is not None, "training to finish", timeout=300)
        result = loop.result_dialog
        assert result is not None
        if not result.table.rows():
            raise ShotFailed("the training result shows no comparison")
        if "training-result" in names:
            save(result, out, "training-result")
        result.close()
        window.preannotate()
        pre = loop.preannotate_dialog
        wait_until(lambda: pre is not None and pre.isVisible(), "the pre-annotation dialog")
        if not pre.use_model.isChecked() or not pre.table.rows():
            raise ShotFailed("the pre-annotation dialog does not show the trained model")
        if "preannotate-model" in names:
            save(pre, out, "preannotate-model")
        pre.reject()
        if "uncertainty-order" in names:
            panel = window.documents
            panel.order_combo.setCurrentIndex(panel.order_combo.findData("uncertainty"))
            wait_until(lambda: panel.model.ranked and not ops.busy, "the uncertainty order", 300)
            window.done_and_next()
            wait_until(lambda: not window.context.runner.busy, "the next document")
            top = panel.model.record(0)
            if top is None or window.context.doc_state.doc_id != top.id:
                raise ShotFailed("Done, next did not open the most uncertain document")
            save(window, out, "uncertainty-order")
        if "uncertainty-undo" in names:
            panel = window.documents
            if not panel.model.ranked:
                panel.order_combo.setCurrentIndex(panel.order_combo.findData("uncertainty"))
                wait_until(lambda: panel.model.ranked and not ops.busy, "the uncertainty order")
                window.done_and_next()
                wait_until(lambda: not window.context.runner.busy, "the next document")
            window.context.undo_stack.undo()  # the "Done" of the document left behind
            settle()
            ranked = [r.id for r in panel.model.records() if panel.model.uncertainty(r.id)]
            if len(ranked) != len(panel.open_ids()):
                raise ShotFailed("the undone Done did not put its document back in the ranking")
            save(window, out, "uncertainty-undo")
    finally:
        window.close()


# ------------------------------------------------------------------ review and dashboard


def shoot_review(out: Path, work: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.demo import build_team_demo_project
    from app.context import AppContext
    from app.review.panel import ReviewPanel

    project = build_team_demo_project(work / "review.annproj", n_docs=30)
    context = AppContext(project, "rita")
    try:
        panel = ReviewPanel(context)
        panel.resize(1400, 900)
        _wait_loaded(panel, panel.show)
        _wait_loaded(panel, panel.accept_unanimous_corpus)
        rows = panel.model.rows()
        attribute = next((i for i, r in enumerate(rows) if r.item.kind == "attribute"), None)
        if attribute is None:
            raise ShotFailed("the team demo has no attribute disagreement")
        panel._select(attribute)
        _wait_loaded(panel, lambda: QTest.keyClick(panel.table, Qt.Key.Key_1))
        rows = panel.model.rows()
        three_way = next(
            (
                i
                for i, r in enumerate(rows)
                if len(r.item.versions) == 3 and r.item.kind == "boundaries" and r.pending
            ),
            None,
        )
        if three_way is None:
            raise ShotFailed("no pending boundary disagreement between three annotators")
        panel._select(three_way)
        save(panel, out, "review")
        panel.close()
    finally:
        context.runner.shutdown()
        project.close()


def shoot_dashboard(out: Path, work: Path) -> None:
    from annotator.demo import build_team_demo_project
    from app.context import AppContext
    from app.dashboard.panel import DashboardPanel

    project = build_team_demo_project(work / "dashboard.annproj", n_docs=30)
    context = AppContext(project, "lead")
    try:
        panel = DashboardPanel(context)
        panel.resize(1500, 850)
        done: list[bool] = []
        panel.refreshed.connect(lambda: done.append(True))
        panel.show()
        wait_until(lambda: done, "the dashboard numbers", timeout=60)
        if panel.data is None or panel.kappa.image.image is None:
            raise ShotFailed("the dashboard has no data")
        save(panel, out, "dashboard")
        panel.close()
    finally:
        context.runner.shutdown()
        project.close()


def _wait_loaded(panel: Any, trigger: Callable[[], object]) -> None:
    loaded: list[bool] = []

    def mark() -> None:
        loaded.append(True)

    panel.loaded.connect(mark)
    try:
        trigger()
        wait_until(lambda: loaded, "the review queue")
    finally:
        panel.loaded.disconnect(mark)


# ----------------------------------------------------------------------------------- main

WINDOW_SHOTS = ("main_window", "inspector_claim", "dark_mode", "suggestions", "shortcuts")
LEARNING_SHOTS = (
    "train-dialog",
    "training-result",
    "preannotate-model",
    "uncertainty-order",
    "uncertainty-undo",
)
ALL_SHOTS = (*WINDOW_SHOTS, "suggested-links", *LEARNING_SHOTS, "review", "dashboard")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shots", nargs="*", help=f"any of {', '.join(ALL_SHOTS)} (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    args = parser.parse_args(argv)
    unknown = set(args.shots) - set(ALL_SHOTS)
    if unknown:
        parser.error(f"unknown screenshot(s): {', '.join(sorted(unknown))}")
    names = set(args.shots or ALL_SHOTS)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="annotator-screenshots-") as tmp:
        work = Path(tmp)
        # a home folder of its own: paths under it are shown as "~/…" by the dialogs
        os.environ["HOME"] = str(work)
        os.environ["NEWS_ANNOTATOR_CONFIG_DIR"] = str(work / ".config" / "news-annotator")
        os.environ["NEWS_ANNOTATOR_DATA_DIR"] = str(work / ".local" / "share" / "news-annotator")
        os.environ["NEWS_ANNOTATOR_USER"] = USER
        sys.path.insert(0, str(REPO))
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName("News Annotator")
        try:
            if names & set(WINDOW_SHOTS):
                shoot_window(out, names)
            if "suggested-links" in names:
                shoot_suggested_links(out)
            if names & set(LEARNING_SHOTS):
                shoot_learning(out, names)
            if "review" in names:
                shoot_review(out, work)
            if "dashboard" in names:
                shoot_dashboard(out, work)
        except ShotFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
