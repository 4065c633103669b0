"""Helpers for import -> export -> import tests: a comparable picture of a project's layer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.layers import load_layer
from annotator.project import Project
from annotator.scheme import Scheme
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from storage.repository import documents as doc_repo

Picture = dict[str, Any]


def picture(project: Project, layer: str = "gold") -> Picture:
    """Per document text: its spans (offsets, label, attributes, actor link, each with its
    outgoing relations by label and target) and whether it is annotated-empty. Database ids
    and span ids play no part, so two projects holding the same annotations compare equal."""
    out: Picture = {}
    with project.session() as s:
        docs = load_layer(s, layer)
        for doc in docs:
            by_id = {sp.id: sp for sp in doc.spans}

            def key(span_id: str, by_id: dict[str, Any] = by_id) -> tuple[Any, ...]:
                sp = by_id[span_id]
                return (sp.start, sp.end, sp.label)

            spans = sorted(
                (
                    sp.start,
                    sp.end,
                    sp.label,
                    json.dumps(dict(sp.attrs), sort_keys=True),
                    sp.entity,
                    tuple(sorted((r.label, key(r.tail)) for r in doc.relations if r.head == sp.id)),
                )
                for sp in doc.spans
            )
            out[doc.text] = {"spans": spans, "empty": not doc.spans}
        out["<unannotated>"] = sorted(
            d.text for d in doc_repo.get_documents(s) if d.text not in out
        )
    return out


def round_trip(
    scheme: Scheme | str,
    sources: Sequence[Path],
    fmt: str,
    export_fmt: str,
    work: Path,
    read_fmt: str | None = None,
    **import_options: Any,
) -> tuple[Picture, Picture, Path]:
    """Import ``sources`` as ``fmt`` into a new project, export its gold layer as
    ``export_fmt``, import that into another new project; return both pictures and the export."""
    first = Project.create(work / "first.annproj", scheme)
    second = Project.create(work / "second.annproj", scheme)
    try:
        import_paths(first, list(sources), fmt, layer="gold", **import_options)
        out = work / f"export-{export_fmt}"
        export_documents(first, out, export_fmt)
        import_paths(second, [out], read_fmt or export_fmt, layer="gold")
        return picture(first), picture(second), out
    finally:
        first.close()
        second.close()
