"""Checks before a merge: every work file is read and checked before anything is written (scheme
fingerprint, owner, document texts known to the project by sha256, and each span and relation
against the scheme's rules, the same rules as import and editing).

A merge brings back work on the annotator's own documents only: those packaged for her (the
file's baseline) or assigned to her in the project now. A document she added to her work file
(imported there) is set aside and reported, not taken in as a new assignment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.errors import MergeRefused, ValidationError
from annotator.project import Project
from annotator.scheme import Scheme
from annotator.team.workfile.content import WorkContent, read_workfile
from annotator.validation import check_relation_labels, check_span_values
from annotator.vocabulary import Layer
from annotator.wording import count_of
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

NOT_HERS = "not assigned to her"
NOT_IN_PROJECT = "not in the project"


def check_workfiles(project: Project, paths: Sequence[Path]) -> list[WorkContent]:
    """Read and check every work file; raise MergeRefused before anything is written."""
    contents = [read_workfile(Path(p)) for p in paths]
    with project.session() as s:
        known = doc_repo.document_hashes(s)
        checked = [_check_one(project, s, c, known) for c in contents]
    seen: dict[str, Path] = {}
    for c in checked:
        if c.owner in seen:
            raise MergeRefused(
                f"two work files for '{c.owner}' ({seen[c.owner].name} and "
                f"{c.path.name}); merge them one at a time",
                path=str(c.path),
            )
        seen[c.owner] = c.path
    return checked


def _check_one(
    project: Project, s: Session, c: WorkContent, known: Mapping[str, int]
) -> WorkContent:
    """One work file checked, without the documents that are not its owner's."""
    if c.fingerprint != project.scheme.fingerprint:
        raise MergeRefused(
            f"its scheme does not match the project's (fingerprint {c.fingerprint}, project "
            f"{project.scheme.fingerprint}); nothing was merged",
            path=str(c.path),
        )
    if c.owner == Layer.GOLD:
        raise MergeRefused(
            "carries the gold layer, which only adjudication writes", path=str(c.path)
        )
    c = keep_hers(s, c, known)
    _validate_content(project.scheme, c)
    missing = [ext for sha, ext in c.docs.values() if sha not in known]
    if missing:
        raise MergeRefused(
            f"{len(missing)} document(s) do not match any text of the project (hash "
            f"mismatch), e.g. '{missing[0]}'; nothing was merged",
            path=str(c.path),
        )
    return c


def keep_hers(s: Session, content: WorkContent, known: Mapping[str, int]) -> WorkContent:
    """``content`` without the documents that are not the owner's (neither packaged for her nor
    assigned to her in the project now), listed in ``skipped`` with the reason. A text of hers
    changed in the work file (a document id of hers with a text the project does not have) is
    left in, for the check that refuses it."""
    sha_of = {doc_id: sha for sha, doc_id in known.items()}
    ext_of = doc_repo.external_ids(s)
    mine = {a.document_id for a in ann_repo.assignments(s, annotator=content.owner)}
    mine |= span_repo.documents_in_layer(s, content.owner)
    hers = set(content.baseline) | {sha_of[i] for i in mine if i in sha_of}
    her_exts = {ext for ext, doc_id in ext_of.items() if sha_of.get(doc_id) in hers}
    skipped: dict[str, str] = {}
    gone: set[int] = set()  # work document ids set aside
    for wid, (sha, ext) in content.docs.items():
        if sha in hers or (sha not in known and ext in her_exts):
            continue
        skipped[ext] = NOT_HERS if sha in known else NOT_IN_PROJECT
        gone.add(wid)
    if not gone:
        return content
    spans = [sp for sp in content.spans if sp.document_id not in gone]
    kept = {sp.id for sp in spans}
    left = {sp.id for sp in content.spans} - kept
    return replace(
        content,
        docs={wid: d for wid, d in content.docs.items() if wid not in gone},
        spans=spans,
        relations=[r for r in content.relations if r.head_id not in left and r.tail_id not in left],
        assignments=[a for a in content.assignments if a.document_id not in gone],
        skipped=skipped,
    )


def skipped_notes(content: WorkContent) -> list[str]:
    """The documents a merge set aside, one line per reason (the first few named)."""
    hints = {
        NOT_HERS: "assign them to her and merge again to bring that work back",
        NOT_IN_PROJECT: "import them into the project and assign them to her first",
    }
    out: list[str] = []
    for reason, hint in hints.items():
        exts = [ext for ext, why in content.skipped.items() if why == reason]
        if exts:
            verb = "is" if len(exts) == 1 else "are"
            shown = ", ".join(exts[:5]) + (", …" if len(exts) > 5 else "")
            out.append(
                f"{count_of(len(exts), 'document')} in {content.owner}'s work file {verb} "
                f"{reason}: skipped ({shown}); {hint}"
            )
    return out


def _validate_content(scheme: Scheme, content: WorkContent) -> None:
    """Refuse a work file whose spans or relations break the scheme's rules (the same rules as
    import and editing), naming the first offending item."""

    def refuse(doc_id: int, what: str, message: str) -> MergeRefused:
        ext = content.docs.get(doc_id, ("", f"#{doc_id}"))[1]
        return MergeRefused(
            f"document '{ext}': {what}: {message}; nothing was merged", path=str(content.path)
        )

    span_doc: dict[int, int] = {}
    labels: dict[int, str] = {}
    for sp in content.spans:
        what = f"span {sp.id} [{sp.start}, {sp.end}) {sp.label}"
        if sp.document_id not in content.lengths:
            raise refuse(sp.document_id, what, "its document is not in the work file")
        if not isinstance(sp.attrs, Mapping):
            raise refuse(sp.document_id, what, "its attributes are not a mapping")
        try:
            check_span_values(
                scheme, content.lengths[sp.document_id], sp.start, sp.end, sp.label, sp.attrs
            )
        except ValidationError as exc:
            raise refuse(sp.document_id, what, exc.message) from None
        span_doc[sp.id] = sp.document_id
        labels[sp.id] = sp.label
    for r in content.relations:
        head_doc, tail_doc = span_doc.get(r.head_id), span_doc.get(r.tail_id)
        what = f"relation {r.id} {r.label}"
        if head_doc is None or tail_doc is None:
            missing = r.head_id if head_doc is None else r.tail_id
            raise refuse(
                head_doc if head_doc is not None else (tail_doc or 0),
                what,
                f"points to span {missing}, which is not in {content.owner}'s layer",
            )
        if head_doc != tail_doc:
            ext = content.docs.get(tail_doc, ("", f"#{tail_doc}"))[1]
            raise refuse(head_doc, what, f"links to a span of another document ('{ext}')")
        try:
            check_relation_labels(scheme, r.label, labels[r.head_id], labels[r.tail_id])
        except ValidationError as exc:
            raise refuse(head_doc, what, exc.message) from None
