"""The bundled demo project: a few original news-style articles with annotations of every label.

``ensure_demo_project()`` creates it in the user's data folder on first use. Three annotators'
layers are made: ``alice`` (complete), ``bob`` (with realistic differences, so review mode and
agreement have something to show) and ``gold`` for the first two articles. The current user
starts with an empty layer: every article assigned to do, and model-style suggestions (actors,
events, places, times and their links) on the articles without gold, to accept or reject.
Nobody's work is copied into the user's layer (that would show agreement the user never had).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from annotator.errors import AnnotatorError
from annotator.settings import data_dir
from annotator.values import DocData, RelationData, SpanData

DEMO_FILE = "demo.annproj"
DEMO_MODEL = "demo-suggestions"
SUGGESTED_LABELS = ("ACTOR", "EVENT", "PLACE", "TIME")  # claims are left to the user


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
        import_documents(project, docs, layer="alice", origin="demo")
        import_documents(project, [_variant(d, 1) for d in docs], layer="bob", origin="demo")
        import_documents(project, docs[:2], layer="gold", origin="demo")
        by_ext = _doc_ids(project)
        with project.session() as s:
            for doc in docs[2:]:
                spans = [sp for sp in doc.spans if sp.label in SUGGESTED_LABELS]
                kept = {sp.id for sp in spans}
                rels = [r for r in doc.relations if r.head in kept and r.tail in kept]
                add_suggestions(s, by_ext[doc.id], spans, rels, DEMO_MODEL)
            if user and user not in ("alice", "bob", "gold"):
                for doc in docs:
                    set_status(s, by_ext[doc.id], user, "todo")
    finally:
        project.close()
    return path


def _doc_ids(project: Any) -> Mapping[str, int]:
    from storage import repository as repo

    with project.session() as s:
        return repo.external_ids(s)


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
