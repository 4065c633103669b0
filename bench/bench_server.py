"""A team on one PostgreSQL server: concurrent editing, then import against a bare COPY.

1. Ten annotator processes add, relabel and delete spans in their own layers through the
   services (``Project.transact``) as fast as they can for ``--seconds`` while a reviewer
   process accepts unanimous items into gold. Reports edits per second (total and per
   process), p50/p95/p99 latency of one edit, and checks afterwards that every acknowledged
   edit is in the database (each process keeps the layer it believes it wrote; the database
   must hold exactly that) and that ``annotator check`` finds no error.
2. Import of ``--docs`` articles x 20 spans from native JSONL with ``annotator import`` into a
   server project, against a bare script that parses the same file and loads the same rows
   into the same schema with psycopg ``COPY``, in the same run.

Uses ``--url`` (an administrator URL of a server), else ``NEWS_ANNOTATOR_TEST_PG_URL``, else
starts a throw-away cluster with ``scripts/pg_test_cluster.sh`` (Unix socket only) and removes
it afterwards. Each part runs in a new database, dropped at the end.

    python bench/bench_server.py [--seconds 20] [--annotators 10] [--docs 10000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import articles, document_row  # noqa: E402

N_DOCS_EDITED = 40


# ---------------------------------------------------------------- the server


@contextmanager
def server(url: str | None):
    """An administrator URL: the one given, the test server's, or a throw-away cluster."""
    url = url or os.environ.get("NEWS_ANNOTATOR_TEST_PG_URL")
    if url:
        yield url
        return
    script = ROOT / "scripts" / "pg_test_cluster.sh"
    out = subprocess.run([str(script), "start"], check=True, capture_output=True, text=True)
    env = dict(
        line.removeprefix("export ").split("=", 1) for line in out.stdout.split("\n") if line
    )
    try:
        yield env["NEWS_ANNOTATOR_TEST_PG_URL"].strip("'")
    finally:
        subprocess.run([str(script), "stop", env["PG_TEST_DIR"]], check=False)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def database(admin: str, prefix: str):
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(admin), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------- part 1: concurrent editing


def annotator_worker(url: str, name: str, seconds: float, seed: int, out: mp.Queue) -> None:
    from annotator.project import Project
    from annotator.services import add_span, delete_span, update_span
    from storage.repository import documents as doc_repo
    from storage.repository import spans as span_repo

    rnd = random.Random(seed)
    labels = ["ACTOR", "PLACE", "TIME"]
    mine: dict[int, tuple[int, int, int, str]] = {}  # acknowledged state of my layer
    latencies: list[float] = []
    failures: list[str] = []
    with Project.open(url) as proj:
        with proj.session() as s:
            lengths = doc_repo.text_lengths(s)
            for sp in span_repo.spans_of(s, annotator=name):  # the shared starting point
                mine[sp.id] = (sp.document_id, sp.start, sp.end, sp.label)
        added: list[int] = []  # what this process relabels and deletes
        docs = sorted(lengths)
        scheme = proj.scheme
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            op = rnd.random()
            t0 = time.perf_counter()
            try:
                if op < 0.6 or not added:
                    doc = rnd.choice(docs)
                    start = rnd.randrange(0, lengths[doc] - 12)
                    end = start + rnd.randint(3, 10)
                    label = rnd.choice(labels)

                    def add(s, d=doc, a=start, b=end, lab=label):
                        return add_span(s, scheme, d, name, a, b, lab, user=name)

                    new_id = proj.transact(add)
                    mine[new_id] = (doc, start, end, label)
                    added.append(new_id)
                elif op < 0.85:
                    sid = rnd.choice(added)
                    label = rnd.choice([x for x in labels if x != mine[sid][3]])
                    proj.transact(
                        lambda s, i=sid, lab=label: update_span(s, scheme, i, name, label=lab)
                    )
                    doc, a, b, _ = mine[sid]
                    mine[sid] = (doc, a, b, label)
                else:
                    sid = added.pop(rnd.randrange(len(added)))
                    try:
                        proj.transact(lambda s, i=sid: delete_span(s, i, name))
                    except Exception:
                        added.append(sid)
                        raise
                    del mine[sid]
            except Exception as exc:  # not acknowledged: reported, state unchanged
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)
    out.put(("annotator", name, latencies, mine, failures))


def reviewer_worker(url: str, seconds: float, seed: int, out: mp.Queue) -> None:
    from annotator.project import Project
    from annotator.team.unanimous import accept_unanimous
    from storage.repository import documents as doc_repo

    rnd = random.Random(seed)
    latencies: list[float] = []
    failures: list[str] = []
    with Project.open(url) as proj:
        with proj.session() as s:
            docs = sorted(doc_repo.external_ids(s).values())
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            chosen = rnd.sample(docs, 4)
            t0 = time.perf_counter()
            try:
                proj.transact(lambda s, d=chosen: accept_unanimous(s, proj.scheme, d, "gold"))
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)
            time.sleep(0.05)
    out.put(("reviewer", "gold", latencies, {}, failures))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def editing(admin: str, n_annotators: int, seconds: float) -> None:
    from annotator.project import Project
    from annotator.reports.check import check_project
    from annotator.transfer.importing import import_paths
    from storage.repository import spans as span_repo

    with database(admin, "bench_edit") as url:
        names = [f"ann{i:02d}" for i in range(n_annotators)]
        with tempfile.TemporaryDirectory() as tmp, Project.create(url) as proj:
            src = Path(tmp) / "start.jsonl"  # every annotator starts from the same 20 spans
            src.write_text("".join(json.dumps(a) + "\n" for a in articles(N_DOCS_EDITED)))
            for name in names:
                import_paths(proj, [src], "jsonl", layer=name)
        ctx = mp.get_context("spawn")
        queue: mp.Queue = ctx.Queue()
        procs = [
            ctx.Process(target=annotator_worker, args=(url, n, seconds, i, queue))
            for i, n in enumerate(names)
        ]
        procs.append(ctx.Process(target=reviewer_worker, args=(url, seconds, 99, queue)))
        for p in procs:
            p.start()
        results = [queue.get(timeout=seconds + 120) for _ in procs]
        for p in procs:
            p.join()
        lost = 0
        with Project.open(url) as proj, proj.session() as s:
            for kind, name, _lat, mine, _f in results:
                if kind != "annotator":
                    continue
                stored = {
                    sp.id: (sp.document_id, sp.start, sp.end, sp.label)
                    for sp in span_repo.spans_of(s, annotator=name)
                }
                lost += sum(1 for k, v in mine.items() if stored.get(k) != v)
                lost += sum(1 for k in stored if k not in mine)  # a delete that did not hold
            problems = check_project(s, proj.scheme)
            gold = len(span_repo.spans_of(s, annotator="gold"))
    edits = [r for r in results if r[0] == "annotator"]
    all_lat = [x for r in edits for x in r[2]]
    failures = [f for r in results for f in r[4]]
    review = next(r for r in results if r[0] == "reviewer")
    per = [len(r[2]) / seconds for r in edits]
    errors = [p for p in problems if p[1].severity == "error"]
    print(f"concurrent editing: {n_annotators} annotator processes + 1 reviewer, {seconds:.0f} s")
    print(f"  edits/s total          : {len(all_lat) / seconds:8.1f}")
    print(
        f"  edits/s per process    : min {min(per):.1f}  median {statistics.median(per):.1f}"
        f"  max {max(per):.1f}"
    )
    print(
        f"  edit latency (ms)      : p50 {_pct(all_lat, 0.50):.1f}  p95 {_pct(all_lat, 0.95):.1f}"
        f"  p99 {_pct(all_lat, 0.99):.1f}"
    )
    print(
        f"  reviewer accept-unanimous calls: {len(review[2])} "
        f"(p50 {_pct(review[2], 0.5):.0f} ms), {gold} gold spans"
    )
    print(f"  failed (not acknowledged) edits: {len(failures)} {failures[:2]}")
    print(f"  lost acknowledged edits: {lost};  annotator check: {len(errors)} errors")


# ---------------------------------------------------------------- part 2: import vs COPY


def bare_copy(admin: str, src: Path) -> float:
    """Parse with json and load the same rows into the same schema with psycopg COPY."""
    import psycopg

    from annotator.project import Project

    with database(admin, "bench_copy") as url:
        Project.create(url).close()  # the same tables and indexes as a project
        t0 = time.perf_counter()
        with psycopg.connect(_libpq(url)) as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO annotator (id, name, role) VALUES (1000, 'g2', 'annotator')")
            with (
                cur.copy(
                    "COPY document (id, external_id, title, source, url, published, text, sha256, "
                    "meta, imported_at) FROM STDIN"
                ) as doc_copy,
                src.open(encoding="utf-8") as fh,
            ):
                spans = []
                for i, line in enumerate(fh, start=1):
                    rec = json.loads(line)
                    doc_copy.write_row(document_row(i, rec))
                    spans.extend(
                        (i, s["start"], s["end"], s["label"], json.dumps(s["attrs"]))
                        for s in rec["spans"]
                    )
            with cur.copy(
                'COPY span (document_id, annotator_id, start, "end", label, attrs, origin, '
                "created_at, updated_at) FROM STDIN"
            ) as span_copy:
                for d, a, b, lab, attrs in spans:
                    span_copy.write_row(
                        (d, 1000, a, b, lab, attrs, "import", "2026-01-01", "2026-01-01")
                    )
            conn.commit()
        return time.perf_counter() - t0


def ours_import(admin: str, src: Path) -> float:
    from annotator.project import Project
    from annotator.transfer.importing import import_paths

    with database(admin, "bench_import") as url, Project.create(url) as project:
        t0 = time.perf_counter()
        report = import_paths(project, [src], "jsonl")
        elapsed = time.perf_counter() - t0
        assert report.spans_added > 0
    return elapsed


def importing(admin: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for rec in articles(n):
                fh.write(json.dumps(rec) + "\n")
        t_bare = bare_copy(admin, src)
        t_ours = ours_import(admin, src)
    print(f"import {n} articles x 20 spans into PostgreSQL")
    print(f"  bare json + psycopg COPY : {t_bare:6.2f} s  {n / t_bare:8.0f} docs/s")
    print(f"  annotator import         : {t_ours:6.2f} s  {n / t_ours:8.0f} docs/s")
    print(f"  throughput ratio (ours / bare): {t_bare / t_ours:.2f}  (goal >= 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="administrator URL of a PostgreSQL server")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--docs", type=int, default=10_000, help="articles for the import part")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    with server(args.url) as admin:
        editing(admin, args.annotators, args.seconds)
        if not args.skip_import:
            importing(admin, args.docs)


if __name__ == "__main__":
    main()
