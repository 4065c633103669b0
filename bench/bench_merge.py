"""Benchmark: merging a work file of 2,000 documents with ~20 spans each.

Builds (in a temporary folder) a project with N news-length documents assigned to alice, packages
her work file, fills it offline with ~20 spans per document (5 labels, attributes, a relation per
document), then times:

1. the first merge (every span new),
2. merging the same file again (nothing changes),
3. a merge after editing 10% of the documents offline (labels' attributes changed, spans removed
   and added).

    .venv/bin/python bench/bench_merge.py [--docs 2000] [--spans 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import merge, package
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData
from storage.repository import spans as span_repo

WORDS = (
    "the government said forces attacked the city on monday while officials in the capital "
    "denied any role and protesters gathered near the ministry before police arrested "
    "several people according to local media reports"
).split()


def make_text(rng: random.Random, words: int = 600) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" {rng.random():.12f}."


def make_spans(rng: random.Random, text: str, n: int) -> tuple[list[SpanData], list[RelationData]]:
    step = len(text) // (n + 1)
    spans: list[SpanData] = []
    for i in range(n):
        start = i * step + rng.randrange(0, step // 2)
        end = start + rng.randrange(3, step // 2)
        label = rng.choice(["ACTOR", "EVENT", "PLACE", "TIME", "CLAIM"])
        attrs: dict[str, str] = {}
        if label == "ACTOR":
            attrs = {"type": rng.choice(["person", "organisation", "government"])}
        elif label == "EVENT":
            attrs = {"type": rng.choice(["attack", "arrest", "protest"]), "status": "occurred"}
        elif label == "CLAIM":
            attrs = {"form": "reported", "stance": rng.choice(["support", "oppose"])}
        spans.append(SpanData(f"s{i}", start, end, label, attrs))
    relations: list[RelationData] = []
    events = [s for s in spans if s.label == "EVENT"]
    actors = [s for s in spans if s.label == "ACTOR"]
    if events and actors:
        relations.append(RelationData("r1", "agent", events[0].id, actors[0].id))
    return spans, relations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--spans", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = [make_text(rng) for _ in range(args.docs)]
        docs = [DocData(f"doc-{i}", t, {"title": f"Story {i}"}) for i, t in enumerate(texts)]
        with Project.create(folder / "main.annproj") as project:
            import_documents(project, docs, layer="importer")
            with project.session() as s:
                assign(s, ["alice"], per_doc=1)
            t0 = time.perf_counter()
            package(project, "alice", folder / "alice.annwork")
            t_package = time.perf_counter() - t0

            with Project.open(folder / "alice.annwork") as work:
                filled = []
                for i, t in enumerate(texts):
                    spans, rels = make_spans(rng, t, args.spans)
                    filled.append(DocData(f"doc-{i}", t, {}, tuple(spans), tuple(rels)))
                import_documents(work, filled, layer="alice")
                n_spans = sum(len(d.spans) for d in filled)

            t0 = time.perf_counter()
            [first] = merge(project, [folder / "alice.annwork"])
            t_first = time.perf_counter() - t0
            t0 = time.perf_counter()
            [second] = merge(project, [folder / "alice.annwork"])
            t_second = time.perf_counter() - t0
            t0 = time.perf_counter()
            package(project, "alice", folder / "alice-full.annwork")
            t_package_full = time.perf_counter() - t0

            with Project.open(folder / "alice.annwork") as work, work.session() as w:
                edited = rng.sample(range(1, args.docs + 1), max(1, args.docs // 10))
                spans = span_repo.spans_of(w, annotator="alice", doc_ids=edited)
                by_doc: dict[int, list[int]] = {}
                for sp in spans:
                    by_doc.setdefault(sp.document_id, []).append(sp.id)
                changes = {}
                drop = []
                for ids in by_doc.values():
                    changes[ids[0]] = {"attrs": {}}
                    drop.append(ids[1])
                span_repo.update_spans(w, changes)
                span_repo.delete_spans(w, drop)
            t0 = time.perf_counter()
            [third] = merge(project, [folder / "alice.annwork"])
            t_third = time.perf_counter() - t0

    print(
        f"work file: {args.docs} documents, {n_spans} spans "
        f"({n_spans / args.docs:.1f} per document)"
    )
    print(f"package (empty layer):            {t_package:7.2f} s")
    print(
        f"merge 1 (all spans new):          {t_first:7.2f} s   "
        f"+{first.total('added')} spans, +{first.total('relations_added')} relations"
    )
    print(
        f"merge 2 (same file again):        {t_second:7.2f} s   "
        f"{len(second.changes)} documents changed"
    )
    print(f"package (the merged layer):       {t_package_full:7.2f} s")
    print(
        f"merge 3 (10% documents edited):   {t_third:7.2f} s   "
        f"{len(third.changes)} documents, ~{third.total('changed')} -{third.total('removed')}"
    )


if __name__ == "__main__":
    main()
