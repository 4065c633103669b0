"""What a work file holds: its meta keys, the hash of a document's layer, and reading one back.

A work file is an ordinary project file; ``project_meta['workfile_for']`` names the annotator whose
layer it carries and ``workfile_baseline`` the hash of each document's layer as packaged, which
merging compares to tell what was edited offline.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.errors import DatabaseFailed, ForeignSchema, MergeRefused, ProjectError
from annotator.project import Project
from annotator.transfer.importing import text_sha256
from storage.records import AssignmentRecord, EntityRecord, RelationRecord, SpanRecord
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

WORKFILE_FOR = "workfile_for"
WORKFILE_SOURCE = "workfile_source"
WORKFILE_CREATED = "workfile_created"
WORKFILE_BASELINE = "workfile_baseline"  # JSON {text sha256: hash of the layer when packaged}
WORKFILE_STATUSES = "workfile_statuses"  # JSON {text sha256: the owner's status when packaged}

SpanKey = tuple[int, int, str]


# ---------------------------------------------------------------- layer hashing


def layer_hash(
    spans: Iterable[SpanRecord],
    relations: Iterable[RelationRecord],
    entities: dict[int, EntityRecord],
) -> str:
    """Content hash of one document's layer, independent of ids (actors by name and type)."""
    spans = list(spans)
    key_of = {s.id: (s.start, s.end, s.label) for s in spans}

    def ent(eid: int | None) -> tuple[str, str] | None:
        rec = entities.get(eid) if eid is not None else None
        return (rec.name, rec.type) if rec else None

    body = (
        sorted(
            (s.start, s.end, s.label, repr(sorted(s.attrs.items())), repr(ent(s.entity_id)))
            for s in spans
        ),
        sorted(
            (key_of[r.head_id], key_of[r.tail_id], r.label)
            for r in relations
            if r.head_id in key_of and r.tail_id in key_of
        ),
    )
    return hashlib.sha256(repr(body).encode()).hexdigest()[:16]


def spans_per_doc(spans: Iterable[SpanRecord]) -> dict[int, list[SpanRecord]]:
    out: dict[int, list[SpanRecord]] = defaultdict(list)
    for s in spans:
        out[s.document_id].append(s)
    return out


def relations_per_doc(
    relations: Iterable[RelationRecord], doc_of_span: dict[int, int]
) -> dict[int, list[RelationRecord]]:
    out: dict[int, list[RelationRecord]] = defaultdict(list)
    for r in relations:
        if r.head_id in doc_of_span:
            out[doc_of_span[r.head_id]].append(r)
    return out


def workfile_owner(session: Session) -> str | None:
    """The annotator a work file was made for (None for an ordinary project). The app should
    annotate as this name when it opens a work file."""
    return doc_repo.get_meta(session, WORKFILE_FOR)


# ---------------------------------------------------------------- reading a work file


@dataclass
class WorkContent:
    path: Path
    owner: str
    fingerprint: str
    docs: dict[int, tuple[str, str]]  # work doc id -> (sha256, external id)
    lengths: dict[int, int]  # work doc id -> length of its text
    spans: list[SpanRecord]
    relations: list[RelationRecord]
    entities: list[EntityRecord]
    assignments: list[AssignmentRecord]
    baseline: dict[str, str]
    other_layers: dict[str, int]  # layers present in the file that are not brought back
    # text sha256 -> the owner's status when packaged (empty for files packaged before it)
    packaged_statuses: dict[str, str]
    # documents of the file not brought back (``checks.keep_hers``): external id -> why
    skipped: dict[str, str] = field(default_factory=dict)


def _meta_strings(session: Session, key: str, path: Path) -> dict[str, str]:
    """A JSON object of strings kept in the work file's metadata (empty when absent)."""
    try:
        value = json.loads(doc_repo.get_meta(session, key) or "{}")
    except (json.JSONDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise MergeRefused(
            f"damaged work file: its '{key}' is not a JSON object of strings", path=str(path)
        )
    return value


def read_workfile(path: Path) -> WorkContent:
    if not path.exists():
        raise MergeRefused("no such work file", path=str(path))
    try:
        work = Project.open(path)
    except ForeignSchema as exc:
        raise MergeRefused(f"{exc.message}; nothing was merged", path=str(path)) from None
    except ProjectError as exc:
        raise MergeRefused(f"not a work file ({exc.message})", path=str(path)) from None
    try:
        with work.session() as w:
            owner = doc_repo.get_meta(w, WORKFILE_FOR)
            if not owner:
                raise MergeRefused(
                    "is a project but not a work file (make one with 'annotator package')",
                    path=str(path),
                )
            docs: dict[int, tuple[str, str]] = {}
            lengths: dict[int, int] = {}
            for d in doc_repo.get_documents(w):
                lengths[d.id] = len(d.text)
                if text_sha256(d.text) != d.sha256:
                    raise MergeRefused(
                        f"document '{d.external_id}': its text was changed in "
                        "the work file (hash mismatch)",
                        path=str(path),
                    )
                docs[d.id] = (d.sha256, d.external_id)
            all_spans = span_repo.spans_of(w)
            spans = [sp for sp in all_spans if sp.annotator == owner]
            others: dict[str, int] = defaultdict(int)
            for sp in all_spans:
                if sp.annotator != owner:
                    others[sp.annotator] += 1
            content = WorkContent(
                path=path,
                owner=owner,
                fingerprint=work.scheme.fingerprint,
                docs=docs,
                lengths=lengths,
                spans=spans,
                relations=span_repo.relations_of(w, annotator=owner),
                entities=registry_repo.list_entities(w),
                assignments=ann_repo.assignments(w, annotator=owner),
                baseline=_meta_strings(w, WORKFILE_BASELINE, path),
                other_layers=dict(others),
                packaged_statuses=_meta_strings(w, WORKFILE_STATUSES, path),
            )
    except DatabaseFailed as exc:  # e.g. a stored value that is not JSON (a damaged file)
        raise MergeRefused(
            f"cannot read the work file: {exc.message}; nothing was merged", path=str(path)
        ) from None
    except (ValueError, TypeError) as exc:  # a row the storage cannot read (e.g. attrs not JSON)
        raise MergeRefused(
            f"damaged work file: cannot read its layer ({type(exc).__name__})", path=str(path)
        ) from None
    finally:
        work.close()
    return content
