"""Article view: first paint of a 50,000-word article with 5,000 spans, and adding one span by
the keyboard path there versus in a 500-word article with 50 spans (goal: ratio <= 2).

    python bench/bench_gui.py [--trials 30]

Runs offscreen unless QT_QPA_PLATFORM is set. "Add one span" is: a selection is set, the
label key is pressed (QTest.keyClick: snap to words, one transaction, incremental highlight of
the touched blocks, inspector update) and the viewport is repainted synchronously.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORDS = (
    "the minister said forces attacked a convoy near the border while officials in the "
    "capital denied any role and protesters gathered outside parliament on Monday"
).split()
LABELS = ("ACTOR", "PLACE", "TIME", "EVENT")


def make_article(n_words: int, n_spans: int, seed: int) -> tuple[str, list[tuple[int, int, str]]]:
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(n_words)]
    parts, starts = [], []
    pos = 0
    for i, w in enumerate(words):
        if i and i % 60 == 0:
            parts.append("\n\n")
            pos += 2
        elif i:
            parts.append(" ")
            pos += 1
        starts.append(pos)
        parts.append(w)
        pos += len(w)
    text = "".join(parts)
    step = n_words // n_spans
    spans = []
    for k in range(n_spans):
        i = k * step
        if k % 10 == 9 and i + 6 < n_words:  # a claim over several words, overlapping others
            spans.append((starts[i - 3], starts[i + 6] + len(words[i + 6]), "CLAIM"))
        else:
            spans.append((starts[i], starts[i] + len(words[i]), LABELS[k % len(LABELS)]))
    return text, spans


def build(path: Path) -> None:
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData, SpanData

    docs = []
    for ext, n_words, n_spans in (("big", 50_000, 5_000), ("small", 500, 50)):
        text, spans = make_article(n_words, n_spans, seed=n_words)
        docs.append(
            DocData(
                ext,
                text,
                {"title": f"{ext} article"},
                tuple(SpanData(f"s{i}", s, e, lab) for i, (s, e, lab) in enumerate(spans)),
            )
        )
    with Project.create(path, "news") as project:
        import_documents(project, docs, layer="bench", origin="bench")


def list_figures(app: object) -> None:
    """Document list with 100,000 rows: our model's sort/filter, and a proxy at 10,000."""
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtWidgets import QTableView

    from app.item_models import DocumentTableModel
    from storage.records import DocumentSummary

    rng = random.Random(0)

    def records(n: int) -> list[DocumentSummary]:
        return [
            DocumentSummary(
                i,
                f"d{i}",
                f"Title {rng.random():.6f}",
                f"src{i % 50}",
                "2020-01-01",
                1000,
                i % 37,
                rng.choice(["", "todo", "done"]),
            )
            for i in range(n)
        ]

    model = DocumentTableModel()
    view = QTableView()
    view.setModel(model)
    view.resize(600, 800)
    view.show()
    rows = records(100_000)
    t = time.perf_counter()
    model.set_records(rows)
    app.processEvents()  # type: ignore[attr-defined]
    load = time.perf_counter() - t
    t = time.perf_counter()
    model.sort(0)
    app.processEvents()  # type: ignore[attr-defined]
    sort = time.perf_counter() - t
    t = time.perf_counter()
    model.set_query("0.12")
    app.processEvents()  # type: ignore[attr-defined]
    search = time.perf_counter() - t
    print(
        f"document list, 100,000 rows: show {load * 1000:.0f} ms, sort by title "
        f"{sort * 1000:.0f} ms, text filter {search * 1000:.0f} ms"
    )
    small = DocumentTableModel()
    small.set_records(records(10_000))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(small)
    view.setModel(proxy)
    t = time.perf_counter()
    proxy.sort(0)
    app.processEvents()  # type: ignore[attr-defined]
    print(
        f"  for comparison, QSortFilterProxyModel sort of 10,000 rows: "
        f"{(time.perf_counter() - t) * 1000:.0f} ms"
    )
    view.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_gui_"))
    os.environ.update(
        {
            "NEWS_ANNOTATOR_CONFIG_DIR": str(tmp / "config"),
            "NEWS_ANNOTATOR_DATA_DIR": str(tmp / "data"),
            "NEWS_ANNOTATOR_USER": "bench",
        }
    )
    from PySide6.QtCore import QEvent, QObject, Qt, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    # The offscreen platform warns on every layout change; keep the report readable.
    qInstallMessageHandler(
        lambda _mode, _ctx, msg: (
            None if "propagateSizeHints" in msg else sys.stderr.write(msg + "\n")
        )
    )
    path = tmp / "bench.annproj"
    build(path)

    from app.launcher import open_window
    from storage.repository import documents as doc_repo

    window = open_window(path)
    assert window is not None
    window.resize(1400, 900)
    view = window.view

    class PaintProbe(QObject):
        painted = False

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    probe = PaintProbe()
    view.viewport().installEventFilter(probe)
    with window.context.project.session() as s:
        ids = doc_repo.external_ids(s)

    def wait(cond: object, timeout: float = 60.0) -> None:
        end = time.perf_counter() + timeout
        while not cond():  # type: ignore[operator]
            app.processEvents()
            if time.perf_counter() > end:
                raise SystemExit("timed out")

    wait(lambda: window.context.doc_state.content is not None and not window.context.runner.busy)

    def first_paint(doc_id: int) -> float:
        window.context.doc_state.set_content(None)
        app.processEvents()
        probe.painted = False
        t = time.perf_counter()
        window.open_document(doc_id)
        wait(lambda: window.context.doc_state.doc_id == doc_id and probe.painted)
        return time.perf_counter() - t

    def add_span_times(doc_id: int, trials: int) -> list[float]:
        first_paint(doc_id)
        content = window.context.doc_state.content
        assert content is not None
        text = content.document.text
        taken = {(sp.start, sp.end) for sp in content.spans.values()}
        covered = set()
        for sp in content.spans.values():
            covered.update(range(sp.start, sp.end))
        rng = random.Random(1)
        candidates = []
        pos = 0
        for w in text.split(" "):
            for piece in w.split("\n"):
                start = text.find(piece, pos)
                if piece and start not in covered and (start, start + len(piece)) not in taken:
                    candidates.append((start, start + len(piece)))
                pos = start + len(piece)
        times = []
        for start, end in rng.sample(candidates, trials):
            view.set_stored_selection(start, end)
            view.ensureCursorVisible()
            app.processEvents()
            t = time.perf_counter()
            QTest.keyClick(view, Qt.Key.Key_1)
            view.viewport().repaint()
            times.append(time.perf_counter() - t)
        return times

    paint_big = statistics.median(first_paint(ids["big"]) for _ in range(3))
    paint_small = statistics.median(first_paint(ids["small"]) for _ in range(3))
    big = add_span_times(ids["big"], args.trials)
    small = add_span_times(ids["small"], args.trials)
    mb, ms = statistics.median(big), statistics.median(small)
    print(
        f"first paint, 50,000 words / 5,000 spans: {paint_big * 1000:.0f} ms "
        f"(500 words / 50 spans: {paint_small * 1000:.0f} ms)"
    )
    print(
        f"add one span by keyboard, median of {args.trials}: big {mb * 1000:.2f} ms, "
        f"small {ms * 1000:.2f} ms, ratio {mb / ms:.2f} (goal <= 2)"
    )
    print(
        f"  p90: big {sorted(big)[int(0.9 * len(big))] * 1000:.2f} ms, "
        f"small {sorted(small)[int(0.9 * len(small))] * 1000:.2f} ms"
    )
    window.close()
    list_figures(app)


if __name__ == "__main__":
    main()
