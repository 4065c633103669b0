"""Start-up: launch to first painted window on a 10,000-document project, against a bare script.

The bare script creates a QApplication, opens the same SQLite file with SQLAlchemy (one query)
and shows an empty QMainWindow. Both run as fresh processes (offscreen), alternated, 5 times;
medians are reported. Also reports "ready" (document list filled and a document shown) and
whether spaCy or pyqtgraph were imported by then.

    python bench/bench_startup.py [--docs 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BARE = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from sqlalchemy import create_engine, text

app = QApplication(sys.argv[:1])
engine = create_engine("sqlite:///" + sys.argv[1])
with engine.connect() as conn:
    conn.execute(text("select count(*) from document")).scalar()
window = QMainWindow()

class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps({"event": "painted", "time": time.time()}), flush=True)
            QTimer.singleShot(0, app.quit)
        return False

probe = Probe()
window.installEventFilter(probe)
window.resize(1400, 860)
window.show()
app.exec()
"""


def build_project(path: Path, n_docs: int) -> None:
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData, SpanData

    words = (
        "government officials said the ministry would respond to protests in the capital "
        "after forces attacked a convoy near the border on Monday"
    ).split()
    docs = []
    for i in range(n_docs):
        body = " ".join(words[(i + k) % len(words)] for k in range(400))
        text = f"Article {i}: {body}."
        spans = tuple(
            SpanData(f"s{j}", k * 40, k * 40 + 10, "ACTOR") for j, k in enumerate(range(0, 10))
        )
        docs.append(
            DocData(
                f"doc-{i}",
                text,
                {
                    "title": f"Article number {i}",
                    "source": f"Source {i % 17}",
                    "published": f"2024-{i % 12 + 1:02d}-01",
                },
                spans,
            )
        )
    with Project.create(path, "news") as project:
        import_documents(project, docs, layer="bench", origin="bench")


def run(cmd: list[str], env: dict[str, str]) -> dict[str, float | bool]:
    start = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    out: dict[str, float | bool] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            out[rec["event"]] = rec["time"] - start
            for key in ("spacy", "pyqtgraph"):
                if key in rec:
                    out[f"{key}_at_{rec['event']}"] = rec[key]
    if "painted" not in out:
        raise SystemExit(f"no paint reported by {cmd}:\n{proc.stdout}\n{proc.stderr[-2000:]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        project = tmpdir / "bench.annproj"
        t = time.perf_counter()
        build_project(project, args.docs)
        print(f"built a project of {args.docs:,} documents in {time.perf_counter() - t:.1f} s")
        bare = tmpdir / "bare.py"
        bare.write_text(BARE, "utf-8")
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "NEWS_ANNOTATOR_CONFIG_DIR": str(tmpdir / "config"),
            "NEWS_ANNOTATOR_DATA_DIR": str(tmpdir / "data"),
            "NEWS_ANNOTATOR_USER": "bench",
            "NEWS_ANNOTATOR_BENCH_STARTUP": "1",
            "PYTHONPATH": str(REPO),
        }
        ours: list[dict[str, float | bool]] = []
        base: list[dict[str, float | bool]] = []
        run([sys.executable, str(bare), str(project)], env)  # warm the file cache
        for _ in range(args.runs):
            base.append(run([sys.executable, str(bare), str(project)], env))
            ours.append(run([sys.executable, "-m", "app", str(project)], env))
        app_paint = statistics.median(float(r["painted"]) for r in ours)
        app_ready = statistics.median(float(r.get("ready", float("nan"))) for r in ours)
        bare_paint = statistics.median(float(r["painted"]) for r in base)
        print(
            f"bare script (QApplication + SQLAlchemy + empty QMainWindow): "
            f"{bare_paint * 1000:.0f} ms to first paint"
        )
        print(
            f"annotator-gui: {app_paint * 1000:.0f} ms to first paint "
            f"({app_paint / bare_paint:.2f} x bare; goal <= 1.5)"
        )
        print(
            f"annotator-gui: {app_ready * 1000:.0f} ms until the list of {args.docs:,} "
            "documents is loaded and a document is shown"
        )
        print(
            "spaCy imported at start-up:",
            any(r.get("spacy_at_ready") for r in ours),
            "| pyqtgraph imported at start-up:",
            any(r.get("pyqtgraph_at_ready") for r in ours),
        )


if __name__ == "__main__":
    main()
