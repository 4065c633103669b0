"""Checks before a merge: every work file is read and checked before anything is written (scheme
fingerprint, owner, document texts known to the project by sha256, and each span and relation
against the scheme's rules, the same rules as import and editing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from annotator.errors import MergeRefused, ValidationError
from annotator.project import Project
from annotator.scheme import Scheme
from annotator.team.workfile.content import WorkContent, read_workfile
from annotator.validation import check_relation_labels, check_span_values
from annotator.vocabulary import Layer
from storage.repository import documents as doc_repo


def check_workfiles(project: Project, paths: Sequence[Path]) -> list[WorkContent]:
    """Read and check every work file; raise MergeRefused before anything is written."""
    contents = [read_workfile(Path(p)) for p in paths]
    with project.session() as s:
        known = doc_repo.document_hashes(s)
    seen: dict[str, Path] = {}
    for c in contents:
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
        if c.owner in seen:
            raise MergeRefused(
                f"two work files for '{c.owner}' ({seen[c.owner].name} and "
                f"{c.path.name}); merge them one at a time",
                path=str(c.path),
            )
        seen[c.owner] = c.path
        _validate_content(project.scheme, c)
        missing = [ext for sha, ext in c.docs.values() if sha not in known]
        if missing:
            raise MergeRefused(
                f"{len(missing)} document(s) do not match any text of the project (hash "
                f"mismatch), e.g. '{missing[0]}'; nothing was merged",
                path=str(c.path),
            )
    return contents


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
