"""The bundled demo project: a few original news-style articles with annotations of every label.

``ensure_demo_project()`` creates it in the user's data folder on first use. Three annotators'
layers are made: ``alice`` (complete), ``bob`` (with realistic differences, so review mode and
agreement have something to show) and ``gold`` for the last :data:`GOLD_ARTICLES` articles. The
current user starts with an empty layer: every article assigned to do, and model-style
suggestions on the articles without gold, the first one shown among them, to accept or reject:
actors, claims with their claimant, events with their roles (agent, target, place, time),
places and times, the labels and links the suggester proposes (written as plain data, so the
demo needs no model). Nobody's work is copied into the user's layer (that would show
agreement the user never had).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from annotator.errors import AnnotatorError
from annotator.settings import data_dir
from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import AssignmentStatus, Layer, Origin

if TYPE_CHECKING:
    from annotator.project import Project

DEMO_FILE = "demo.annproj"
TEAM_NAMES = ("alice", "bob", "carol")  # the annotators of :func:`build_team_demo_project`
DEMO_MODEL = "demo-suggestions"
SUGGESTED_LABELS = ("ACTOR", "CLAIM", "EVENT", "PLACE", "TIME")
# The links the suggester proposes (a claim's "about" is left to the user).
SUGGESTED_LINKS = ("claimant", "agent", "target", "place", "time")
# Gold on the last articles: a suggestion that repeats a gold span is never stored, and the first
# article a newcomer sees should have suggestions to try.
GOLD_ARTICLES = 2
# A model-like confidence per label (claims and events are harder than names), lowered a little
# for later spans of a label so the scores differ; plain data, no model is run.
_SCORE = {"ACTOR": 0.93, "PLACE": 0.9, "TIME": 0.88, "EVENT": 0.78, "CLAIM": 0.71}


def _locate(text: str, needle: str, occurrence: int) -> int:
    pos = -1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise AnnotatorError(f"demo span text {needle!r} (occurrence {occurrence}) not found")
    return pos


def demo_documents() -> list[DocData]:
    """The demo articles with their reference annotations."""
    raw = yaml.safe_load(files("resources").joinpath("samples", "demo.yaml").read_text("utf-8"))
    docs: list[DocData] = []
    for art in raw["articles"]:
        text: str = art["text"]
        spans = []
        for sp in art.get("spans", []):
            start = _locate(text, sp["text"], int(sp.get("occurrence", 1)))
            attrs = dict(sp.get("attrs") or {})
            entity_type = attrs.get("type") if sp.get("entity") else None
            spans.append(
                SpanData(
                    sp["id"],
                    start,
                    start + len(sp["text"]),
                    sp["label"],
                    attrs,
                    sp.get("entity"),
                    entity_type,
                )
            )
        relations = [
            RelationData(f"r{i + 1}", r["label"], r["head"], r["tail"])
            for i, r in enumerate(art.get("relations", []))
        ]
        meta: dict[str, Any] = {k: art[k] for k in ("title", "source", "published") if k in art}
        docs.append(DocData(art["id"], text, meta, tuple(spans), tuple(relations)))
    return docs


def _variant(doc: DocData, seed: int) -> DocData:
    """A second annotator's plausible version: some spans missed, relabelled or re-bounded."""
    spans: list[SpanData] = []
    dropped: set[str] = set()
    for i, sp in enumerate(doc.spans):
        k = i + seed
        if k % 7 == 3:
            dropped.add(sp.id)
            continue
        if (
            k % 9 == 4
            and sp.label == "ACTOR"
            and doc.text[sp.start : sp.end].startswith(("The ", "the "))
        ):
            sp = SpanData(
                sp.id, sp.start + 4, sp.end, sp.label, sp.attrs, sp.entity, sp.entity_type
            )
        elif k % 5 == 2 and "stance" in sp.attrs:
            flipped = {"support": "neutral", "neutral": "oppose", "oppose": "neutral"}
            sp = SpanData(
                sp.id,
                sp.start,
                sp.end,
                sp.label,
                {**sp.attrs, "stance": flipped[str(sp.attrs["stance"])]},
                sp.entity,
                sp.entity_type,
            )
        elif k % 11 == 6 and sp.label == "EVENT":
            sp = SpanData(sp.id, sp.start, sp.end, sp.label, {**sp.attrs, "status": "alleged"})
        spans.append(sp)
    relations = tuple(r for r in doc.relations if r.head not in dropped and r.tail not in dropped)
    return DocData(doc.id, doc.text, doc.meta, tuple(spans), relations)


def build_demo_project(path: Path, user: str | None = None) -> Path:
    """Create the demo project at ``path`` (which must not exist)."""
    from annotator.project import Project
    from annotator.services import add_suggestions, set_status
    from annotator.transfer.importing import import_documents

    docs = demo_documents()
    project = Project.create(path, "news")
    try:
        import_documents(project, docs, layer="alice", origin=Origin.DEMO)
        import_documents(project, [_variant(d, 1) for d in docs], layer="bob", origin=Origin.DEMO)
        import_documents(project, docs[-GOLD_ARTICLES:], layer=Layer.GOLD, origin=Origin.DEMO)
        by_ext = _doc_ids(project)
        with project.session() as s:
            for doc in docs[:-GOLD_ARTICLES]:
                spans = [sp for sp in doc.spans if sp.label in SUGGESTED_LABELS]
                kept = {sp.id for sp in spans}
                rels = [
                    r
                    for r in doc.relations
                    if r.label in SUGGESTED_LINKS and r.head in kept and r.tail in kept
                ]
                add_suggestions(s, by_ext[doc.id], spans, rels, DEMO_MODEL, _scores(spans, rels))
            if user and user not in ("alice", "bob", Layer.GOLD):
                for doc in docs:
                    set_status(s, by_ext[doc.id], user, AssignmentStatus.TODO)
    finally:
        project.close()
    return path


def _scores(spans: list[SpanData], relations: list[RelationData]) -> dict[str, float]:
    """Scores by span id, and by relation id (a link as sure as the less sure of its ends)."""
    seen: dict[str, int] = {}
    scores: dict[str, float] = {}
    for sp in spans:
        k = seen[sp.label] = seen.get(sp.label, -1) + 1
        scores[sp.id] = round(_SCORE[sp.label] - 0.04 * (k % 4), 2)
    for r in relations:
        scores[r.id] = round(min(scores[r.head], scores[r.tail]) - 0.05, 2)
    return scores


def _doc_ids(project: Any) -> Mapping[str, int]:
    from storage.repository import documents as doc_repo

    with project.session() as s:
        return doc_repo.external_ids(s)


def ensure_demo_project(user: str | None = None) -> Path:
    """The demo project in the user's data folder, created on first call."""
    from annotator.settings import current_user

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_FILE
    if not path.exists():
        tmp = folder / f".{DEMO_FILE}.partial"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        build_demo_project(tmp, user or current_user())
        tmp.replace(path)
    return path


def build_team_demo_project(path: Path, n_docs: int = 9, seed: int = 7) -> Project:
    """A team project for the dashboard and review mode (tests, screenshots): ``n_docs`` demo
    articles given to two of the three :data:`TEAM_NAMES` each (every fourth to all three),
    with a few days of status and span events (so progress and pace have a history). Returns
    the open project; the caller closes it."""
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo
    from storage.repository import events as event_repo

    base = demo_documents()
    docs = [
        DocData(f"{d.id}-{i + 1}", f"{d.text}\n\n(Report {i + 1}.)", d.meta, d.spans, d.relations)
        for i, d in ((i, base[i % len(base)]) for i in range(n_docs))
    ]
    rng = random.Random(seed)
    plan: dict[str, list[int]] = {n: [] for n in TEAM_NAMES}
    for i in range(n_docs):
        for name in rng.sample(TEAM_NAMES, 3 if i % 4 == 1 else 2):
            plan[name].append(i)
    project = Project.create(path, "news")
    import_documents(
        project, [DocData(d.id, d.text, d.meta) for d in docs], layer="lead", origin="test"
    )
    done_count = {n: int(len(plan[n]) * (0.9 - 0.25 * k)) for k, n in enumerate(TEAM_NAMES)}
    for k, name in enumerate(TEAM_NAMES):
        mine = [docs[i] if k == 0 else _variant(docs[i], k) for i in plan[name]]
        import_documents(project, mine[: done_count[name]], layer=name, origin="test")
    rows = []
    with project.session() as s:
        ext = doc_repo.external_ids(s)
        for k, name in enumerate(TEAM_NAMES):
            ann = ann_repo.ensure_annotator(s, name)
            t = datetime(2026, 11, 20, 8, 0) + timedelta(minutes=40 * k)
            for j, i in enumerate(plan[name]):
                doc_id = ext[docs[i].id]
                done = j < done_count[name]
                ann_repo.set_assignment(
                    s,
                    doc_id,
                    ann,
                    "done" if done else "todo",
                    add_seconds=(300 + 200 * k) if done else 0,
                )
                if not done:
                    continue
                for _ in docs[i].spans:
                    t += timedelta(seconds=rng.randint(10, 40) * (1 + k))
                    rows.append(
                        {"at": t, "actor": name, "action": "span.add", "document_id": doc_id}
                    )
                rows.append(
                    {
                        "at": t,
                        "actor": name,
                        "action": "status",
                        "document_id": doc_id,
                        "target": f"status:{name}",
                        "after": {"status": "done"},
                    }
                )
                t += timedelta(minutes=rng.randint(20, 140))
                if t.hour >= 17:
                    t = (t + timedelta(days=1)).replace(hour=8 + k, minute=rng.randint(0, 50))
        event_repo.log_events(s, rows)
    return project
