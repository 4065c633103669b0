"""The warning shown when a document is marked done while a required role is missing (e.g. a
claim without its claimant): go back to the first such span, or mark it done anyway."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from annotator.scheme import Scheme
    from app.editing.doc_state import DocumentContent


def missing_role_lines(scheme: Scheme, content: DocumentContent) -> list[tuple[int, str]]:
    """(span id, "CLAIM “said …” has no claimant") for every span of the document that lacks
    a relation its scheme requires (the rule of ``annotator check``), in text order."""
    from annotator.validation import missing_roles
    from annotator.values import RelationData, SpanData

    text = content.document.text
    rels = [
        RelationData(str(r.id), r.label, str(r.head_id), str(r.tail_id))
        for r in content.relations.values()
    ]
    out = []
    for sp in sorted(content.spans.values(), key=lambda s: (s.start, s.end)):
        data = SpanData(str(sp.id), sp.start, sp.end, sp.label, dict(sp.attrs))
        problems = missing_roles(scheme, [data], rels)
        if not problems:
            continue
        roles = [p.message.rsplit("has no ", 1)[-1].strip("'") for p in problems]
        snippet = text[sp.start : sp.end]
        if len(snippet) > 50:
            snippet = snippet[:47] + "…"
        out.append((sp.id, f"{sp.label} “{snippet}” has no {', '.join(roles)}"))
    return out


class MissingRolesBox(QMessageBox):
    """Non-modal warning; ``clickedButton() is self.anyway`` when the user marks done anyway."""

    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Required roles missing")
        n = len(lines)
        self.setText(
            f"{n} span{'s' * (n != 1)} of this document lack{'s' * (n == 1)} a required role."
        )
        shown = lines[:8] + ([f"… and {n - 8} more"] if n > 8 else [])
        self.setInformativeText(
            "\n".join(f"• {line}" for line in shown)
            + "\n\nGo back to link them (L), or mark the document done anyway."
        )
        self.back = self.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        self.anyway = self.addButton("Mark &done anyway", QMessageBox.ButtonRole.AcceptRole)
        self.setDefaultButton(self.back)
        self.setEscapeButton(self.back)
