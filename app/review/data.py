"""Plain records for review mode, read in the worker (no Qt here).

:func:`load_review` is :func:`annotator.team.adjudication.queue` plus what the panel needs to draw
the lanes (each document's text and layers), read in the same pass so the layers are loaded
once. Decided items are kept (state ``decided``) so the reviewer sees them greyed and can undo.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from annotator.reads import documents
from annotator.team import review_queue
from annotator.team.disagreements import Disagreement, disagreements
from annotator.values import DocData

OPEN, CHANGED, DECIDED = "open", "changed", "decided"
DECIDING = "deciding"  # shown while the worker writes the decision


@dataclass(frozen=True, slots=True)
class ReviewDoc:
    doc_id: int
    external_id: str
    title: str
    text: str
    layers: Mapping[str, DocData]  # annotator -> her layer of this document
    gold: DocData | None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    item: Disagreement
    state: str  # open, changed (decided, then its inputs changed), deciding or decided
    choice: str | None = None  # the standing decision: an annotator, reject, keep, unanimous
    reviewer: str | None = None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def doc_id(self) -> int:
        return self.item.doc_id

    @property
    def pending(self) -> bool:
        return self.state in (OPEN, CHANGED)


@dataclass(frozen=True, slots=True)
class ReviewData:
    rows: tuple[ReviewRow, ...]
    docs: Mapping[int, ReviewDoc]
    doc_ids: frozenset[int] | None  # the documents this load covers (None: the whole corpus)


def load_review(session: Session, doc_ids: Collection[int] | None = None) -> ReviewData:
    """Every disagreement (open, changed and decided) of the documents with >= 2 annotators."""
    layers, gold = review_queue.load_for_review(session, doc_ids)
    standing = review_queue.decisions(session, list(layers))
    rows: list[ReviewRow] = []
    for item in disagreements(layers, gold):
        info = standing.get(item.key)
        if info is None:
            rows.append(ReviewRow(item, OPEN))
        else:
            state = DECIDED if info.inputs == item.inputs else CHANGED
            rows.append(ReviewRow(item, state, info.choice, info.reviewer))
    docs: dict[int, ReviewDoc] = {}
    for rec in documents(session, list(layers)):
        docs[rec.id] = ReviewDoc(
            rec.id,
            rec.external_id,
            rec.title or rec.external_id,
            rec.text,
            dict(sorted(layers[rec.id].items())),
            gold.get(rec.id),
        )
    return ReviewData(tuple(rows), docs, frozenset(doc_ids) if doc_ids is not None else None)


KIND_TITLES = {
    "missing": "Missing span",
    "label": "Different label",
    "boundaries": "Different boundaries",
    "attribute": "Different attribute",
    "relation": "Different relation",
}


def _quote(text: str, start: int, end: int, limit: int = 40) -> str:
    piece = " ".join(text[start:end].split())
    return f"“{piece[: limit - 1]}…”" if len(piece) > limit else f"“{piece}”"


def describe_version(item: Disagreement, value: object, text: str) -> str:
    """One line saying what a version (or gold's current value) of ``item`` is."""
    if item.kind in ("missing", "label", "boundaries"):
        views = value if isinstance(value, tuple) else ()
        if not views:
            return "(no span)"
        parts = []
        for v in views:
            where = _quote(text, v.start, v.end)
            extra = (
                "" if item.kind == "label" or item.kind == "missing" else f" [{v.start}–{v.end}]"
            )
            parts.append(f"{v.label} {where}{extra}")
        return "; ".join(parts)
    if item.kind == "attribute":
        return "(empty)" if value is None else f"{item.attribute} = {value}"
    labels = value if isinstance(value, tuple) else ()
    return ", ".join(str(x) for x in labels) if labels else "(no relation)"


def describe_item(item: Disagreement, text: str) -> str:
    """Where the item is, in words: the text it concerns."""
    if item.kind == "relation" and item.head and item.tail:
        return (
            f"{item.head[2]} {_quote(text, item.head[0], item.head[1], 28)} → "
            f"{item.tail[2]} {_quote(text, item.tail[0], item.tail[1], 28)}"
        )
    if item.kind == "attribute":
        return f"{item.label} {_quote(text, item.start, item.end)} · {item.attribute}"
    return _quote(text, item.start, item.end)
