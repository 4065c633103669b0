"""Import N news-length articles with 20 spans each from native JSONL.

Compares, in the same run, `annotator.transfer.importing.import_paths` into a new project with a
bare
script that parses the same file with `json` and inserts the same rows (documents and spans, all
columns) into the same schema (a fresh project file: same tables and indexes) with
`sqlite3.executemany` in one transaction. The bare script does no validation, no deduplication
and no id bookkeeping. Prints both throughputs and their ratio (goal >= 0.5).

``--memory 5000,50000`` also measures the peak memory (maximum resident set size, from
``wait4``) of ``annotator import`` as a whole process at each size (goal: the largest at most
1.2 x the smallest, all under 200 MB); ``--compare DIR`` measures another checkout (e.g. a
worktree of ``main``) the same way, alternated with this one.

    python bench/bench_import.py [--docs 10000] [--memory 5000,50000 [--compare DIR]]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import articles, document_row


def bare(path: Path, db: Path) -> tuple[float, float]:
    """Parse with json and insert the same rows into the same schema with sqlite3.executemany."""
    from annotator.project import Project

    Project.create(db).close()  # the same tables and indexes as a project
    t0, c0 = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    now = "2026-01-01 00:00:00"
    docs, spans = [], []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            rec = json.loads(line)
            docs.append(document_row(i, rec))
            spans.extend(
                (
                    i,
                    2,
                    s["start"],
                    s["end"],
                    s["label"],
                    json.dumps(s["attrs"]),
                    None,
                    "import",
                    now,
                    now,
                )
                for s in rec["spans"]
            )
    with con:
        con.execute("INSERT INTO annotator (id, name, role) VALUES (2, 'gold2', 'annotator')")
        con.executemany(
            "INSERT INTO document (id, external_id, title, source, url, published, "
            "text, sha256, meta, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            docs,
        )
        con.executemany(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, '
            "attrs, entity_id, origin, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            spans,
        )
    con.close()
    return time.perf_counter() - t0, time.process_time() - c0


def ours(path: Path, project_path: Path) -> tuple[float, float]:
    from annotator.project import Project
    from annotator.transfer.importing import import_paths

    with Project.create(project_path) as project:
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_paths(project, [path], "jsonl")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert report.spans_added > 0
    return elapsed, cpu


def peak_rss(repo: Path, *args: str) -> float:
    """Peak RSS (MB) of one ``annotator`` command run with ``repo``'s code."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, "-m", "annotator.cli", *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return usage.ru_maxrss / 1024


def memory(sizes: list[int], repos: dict[str, Path]) -> None:
    table: dict[str, list[float]] = {name: [] for name in repos}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src = Path(tmp) / f"in-{n}.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for rec in articles(n, words=711):
                    fh.write(json.dumps(rec) + "\n")
            for name, repo in repos.items():
                project = Path(tmp) / f"{name}-{n}.annproj"
                peak_rss(repo, "init", str(project))
                table[name].append(
                    peak_rss(repo, "import", str(project), str(src), "-f", "jsonl", "--as", "gold")
                )
                project.unlink()
            src.unlink()
    print("peak RSS of `annotator import` (MB), whole processes, 711-word articles x 20 spans")
    print(f"  {'':10s}" + "".join(f"{n:>10d}" for n in sizes) + "   last/first")
    for name, values in table.items():
        row = "".join(f"{v:10.0f}" for v in values)
        print(f"  {name:10s}{row}   {values[-1] / values[0]:6.2f}")
    print("  goal: last/first <= 1.2 and every figure < 200 MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--memory", help="sizes for the peak-memory run, e.g. 5000,50000")
    parser.add_argument("--compare", type=Path, help="another checkout to measure alike")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if args.memory:
        repos = {"this": Path(__file__).resolve().parents[1]}
        if args.compare:
            repos = {"compared": args.compare.resolve(), **repos}
        memory([int(x) for x in args.memory.split(",")], repos)
    if args.skip_speed:
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        src = base / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for rec in articles(args.docs):
                fh.write(json.dumps(rec) + "\n")
        size = src.stat().st_size / 1e6
        t_bare = bare(src, base / "bare.annproj")
        t_ours = ours(src, base / "ours.annproj")
    n = args.docs
    print(f"import {n} articles x 20 spans ({size:.0f} MB JSONL)")
    (t_bare, c_bare), (t_ours, c_ours) = t_bare, t_ours
    print(
        f"  bare json + sqlite3.executemany: {t_bare:6.2f} s wall {c_bare:6.2f} s cpu "
        f"{n / t_bare:8.0f} docs/s"
    )
    print(
        f"  annotator import               : {t_ours:6.2f} s wall {c_ours:6.2f} s cpu "
        f"{n / t_ours:8.0f} docs/s"
    )
    print(
        f"  throughput ratio (ours / bare) : {t_bare / t_ours:.2f} wall, "
        f"{c_bare / c_ours:.2f} cpu  (goal >= 0.5)"
    )


if __name__ == "__main__":
    main()
