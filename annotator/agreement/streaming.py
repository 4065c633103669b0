"""The agreement report of a project, read from the database one batch of documents at a time.

``project_agreement`` reads, per batch, the documents' texts once and each annotator's spans and
relations as plain tuples, feeds them to ``AgreementAccumulator`` and drops them: memory holds
one batch, whatever the corpus size. The documents of a layer, their spans (in document, start,
end, id order) and relations are those ``annotator.layers.load_layer`` gives, so the report is
the one ``agreement_report`` makes of the loaded layers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from annotator.agreement.report import BATCH, AgreementAccumulator, AgreementReport
from annotator.values import AttrValue, DocData, RelationData, SpanData
from storage.db import stored_json
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

_ATTR_SETS = 10_000  # parsed attribute sets (JSON text -> dict) kept between batches


def used_labels(session: Session, names: Sequence[str]) -> set[str]:
    """The span labels the layers ``names`` use (counted in the database, nothing loaded)."""
    counts = span_repo.span_counts(session)
    return {label for name in names for label, n in counts.get(name, {}).items() if n}


def _sorted_ids(ids: Iterable[int] | npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    if isinstance(ids, np.ndarray):
        return np.unique(ids)
    return np.unique(np.fromiter(ids, dtype=np.int64))


def _member(chunk: list[int], ids: npt.NDArray[np.int64]) -> list[bool]:
    """Which of ``chunk`` are in the sorted array ``ids``."""
    if len(ids) == 0:
        return [False] * len(chunk)
    at = np.minimum(np.searchsorted(ids, chunk), len(ids) - 1)
    hit: list[bool] = (ids[at] == np.asarray(chunk, dtype=np.int64)).tolist()
    return hit


def _covered(session: Session, names: Sequence[str]) -> list[npt.NDArray[np.int64]]:
    # the documents of each layer as sorted arrays (a set of 100,000 ids takes 7 MB, this 0.8)
    return [_sorted_ids(span_repo.documents_in_layer(session, name)) for name in names]


def shared_documents(
    session: Session, names: Sequence[str]
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The documents two or more of the layers ``names`` cover (a sorted array) and the layers
    that cover at least one of them."""
    covered = _covered(session, names)
    if not covered:
        return [], np.zeros(0, dtype=np.int64)
    ids, counts = np.unique(np.concatenate(covered), return_counts=True)
    shared = ids[counts >= 2]
    active = [
        name
        for name, mine in zip(names, covered, strict=True)
        if any(_member(mine.tolist(), shared))
    ]
    return active, shared


def labels_in(
    session: Session, names: Sequence[str], documents: npt.NDArray[np.int64]
) -> list[str]:
    """The span labels the layers ``names`` use in ``documents``, sorted (read in batches)."""
    labels: set[str] = set()
    step = span_repo.SQL_BATCH - 1  # one parameter is the layer
    for lo in range(0, len(documents), step):
        chunk = documents[lo : lo + step].tolist()
        for name in names:
            labels |= span_repo.layer_labels(session, name, chunk)
    return sorted(labels)


def _batches(
    session: Session,
    names: Sequence[str],
    batch: int,
    documents: npt.NDArray[np.int64] | None = None,
) -> Iterator[dict[str, list[DocData]]]:
    covered = _covered(session, names)
    if documents is not None:
        every = documents
    else:
        every = _sorted_ids(np.concatenate(covered)) if covered else np.zeros(0, dtype=np.int64)
    entities = {e.id: (e.name, e.type) for e in registry_repo.list_entities(session)}
    attrs_of: dict[str | None, dict[str, AttrValue]] = {None: {}}
    for lo in range(0, len(every), batch):
        if len(attrs_of) > _ATTR_SETS:  # attribute sets repeat; a corpus of unique ones
            attrs_of = {None: {}}  # must not fill memory
        chunk = every[lo : lo + batch].tolist()
        texts = {row[0]: (row[1], row[6]) for row in doc_repo.document_rows(session, chunk)}
        out: dict[str, list[DocData]] = {}
        for name, mine in zip(names, covered, strict=True):
            ids = [d for d, hit in zip(chunk, _member(chunk, mine), strict=True) if hit]
            spans: dict[int, list[SpanData]] = {d: [] for d in ids}
            for did, sid, start, end, label, raw, ent_id in span_repo.layer_span_rows(
                session, name, ids
            ):
                attrs = attrs_of.get(raw)
                if attrs is None:
                    what = f"the attributes of span {sid}"
                    attrs = attrs_of[raw] = stored_json(raw, what) if raw and raw != "null" else {}
                ent = entities.get(ent_id) if ent_id else None
                spans[did].append(
                    SpanData(
                        f"s{sid}",
                        start,
                        end,
                        label,
                        dict(attrs),
                        ent[0] if ent else None,
                        ent[1] if ent else None,
                    )
                )
            rels: dict[int, list[RelationData]] = {d: [] for d in ids}
            for did, rid, head, tail, label in span_repo.layer_relation_rows(session, name, ids):
                rels[did].append(RelationData(f"r{rid}", label, f"s{head}", f"s{tail}"))
            out[name] = [
                DocData(texts[d][0], texts[d][1], spans=tuple(spans[d]), relations=tuple(rels[d]))
                for d in ids
            ]
        yield out


def project_agreement(
    session: Session,
    names: Sequence[str],
    labels: Sequence[str],
    batch: int | None = None,
    documents: npt.NDArray[np.int64] | None = None,
) -> AgreementReport:
    """The agreement report of the layers ``names`` on the span labels ``labels``, read and
    computed ``batch`` (default ``BATCH``) documents at a time; over ``documents`` (a sorted
    array of database ids, e.g. ``shared_documents``) instead of every document a layer covers
    when given."""
    acc = AgreementAccumulator(names, labels)
    for part in _batches(session, names, max(1, batch or BATCH), documents):
        acc.add(part)
    return acc.report()
