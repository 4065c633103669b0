"""What merging a work file changed: per document (:class:`DocChange`) and per file
(:class:`MergeReport`), as lines for the terminal and as JSON (``annotator merge --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.wording import count_of


@dataclass
class DocChange:
    doc_id: int
    external_id: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    status: str | None = None  # new assignment status, when it changed
    merged: bool = False  # the layer was compared (False: not edited offline, kept as is)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.relations_added
            or self.relations_removed
            or self.status
        )

    def counts(self) -> dict[str, int | str | None]:
        """What changed, as written in the JSON report and in the merge event."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "relations_added": self.relations_added,
            "relations_removed": self.relations_removed,
            "status": self.status,
        }

    def line(self) -> str:
        parts = [
            f"spans +{self.added} ~{self.changed} -{self.removed}",
            f"relations +{self.relations_added} -{self.relations_removed}",
        ]
        if self.status:
            parts.append(f"status {self.status}")
        return f"  {self.external_id}: " + ", ".join(parts)


@dataclass
class MergeReport:
    path: Path
    annotator: str
    documents: int = 0
    changes: list[DocChange] = field(default_factory=list)
    entities_added: int = 0
    aliases_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # external ids edited on both sides
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # external id -> why not merged

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.changes)

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.entities_added and not self.aliases_added

    def lines(self, per_document: bool = True) -> list[str]:
        out = [
            f"{self.path.name} ({self.annotator}): {count_of(self.documents, 'document')}, "
            f"{len(self.changes)} changed; spans {self.total('added')} added, "
            f"{self.total('changed')} changed, {self.total('removed')} removed; relations "
            f"{self.total('relations_added')} added, {self.total('relations_removed')} "
            f"removed; statuses {sum(1 for c in self.changes if c.status)} updated"
        ]
        if self.entities_added or self.aliases_added:
            out.append(
                f"  actors: {self.entities_added} added to the registry, "
                f"{self.aliases_added} aliases added"
            )
        if per_document:
            out.extend(c.line() for c in self.changes)
        if self.conflicts:
            out.append(
                f"  note: {len(self.conflicts)} documents were also edited in the project "
                f"since packaging; the work file's version was kept: "
                f"{', '.join(self.conflicts[:10])}"
            )
        out.extend(f"  note: {n}" for n in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "annotator": self.annotator,
            "documents": self.documents,
            "entities_added": self.entities_added,
            "aliases_added": self.aliases_added,
            "conflicts": list(self.conflicts),
            "notes": list(self.notes),
            "skipped": dict(self.skipped),
            "changes": [{"document": c.external_id, **c.counts()} for c in self.changes],
        }
