"""Export a layer of a project in a training-ready or analysis format (``annotator export``).

Reads everything in one session, filters labels, splits documents
(``annotator.transfer.splits``), runs the writer (``annotator.formats.writing``) into a
temporary sibling of OUT and only then renames it into place, so a failed export leaves neither
a half-written OUT nor a damaged earlier export. A folder export also gets the summary as
``README.md``.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.cancel import Progress, quiet
from annotator.errors import ExportFailed
from annotator.formats.registry import Output, format_spec
from annotator.formats.writing import (
    EntityEntry,
    ExportContext,
    ExportSummary,
    writer_module,
)
from annotator.project import Project
from annotator.values import DocData
from annotator.vocabulary import Layer

DEFAULT_TRAINING_SPLIT = (80, 10, 10)
# formats that carry suggestions and the other annotators' layers beside the exported layer
WITH_PREDICTIONS = frozenset({"labelstudio"})
_README_MARK = "# Export ("
_STEPS = 3  # read the layer, write to a temporary sibling, put it in place


def filter_labels(
    docs: Sequence[DocData], labels: Sequence[str]
) -> tuple[list[DocData], dict[str, int]]:
    """Keep only spans of ``labels`` and the relations between kept spans; count the rest."""
    wanted = set(labels)
    left_out: dict[str, int] = {}
    out: list[DocData] = []
    for doc in docs:
        spans = tuple(s for s in doc.spans if s.label in wanted)
        if len(spans) == len(doc.spans):
            out.append(doc)
            continue
        for s in doc.spans:
            if s.label not in wanted:
                key = f"{s.label} span (label not in --labels)"
                left_out[key] = left_out.get(key, 0) + 1
        kept = {s.id for s in spans}
        rels = tuple(r for r in doc.relations if r.head in kept and r.tail in kept)
        for r in doc.relations:
            if r.head not in kept or r.tail not in kept:
                key = f"{r.label} relation (one end's label not in --labels)"
                left_out[key] = left_out.get(key, 0) + 1
        out.append(replace(doc, spans=spans, relations=rels))
    return out, left_out


def canonical_ids(doc: DocData) -> DocData:
    """Spans in text order renamed ``s1, s2, ...``, relations ``r1, ...`` in (head, tail, label)
    order. Database ids differ between projects holding the same annotations; canonical ids make
    an export depend on the annotations only (export, import elsewhere, export: same bytes)."""
    order = sorted(
        range(len(doc.spans)),
        key=lambda i: (
            doc.spans[i].start,
            doc.spans[i].end,
            doc.spans[i].label,
            json.dumps(dict(doc.spans[i].attrs), sort_keys=True, default=str),
            doc.spans[i].entity or "",
            doc.spans[i].entity_type or "",
            i,
        ),
    )
    new_id = {doc.spans[i].id: f"s{k}" for k, i in enumerate(order, start=1)}
    spans = tuple(replace(doc.spans[i], id=new_id[doc.spans[i].id]) for i in order)
    rank = {f"s{k}": k for k in range(1, len(order) + 1)}
    rels = sorted(
        (
            replace(r, head=new_id.get(r.head, r.head), tail=new_id.get(r.tail, r.tail))
            for r in doc.relations
        ),
        key=lambda r: (rank.get(r.head, 0), rank.get(r.tail, 0), r.label),
    )
    relations = tuple(replace(r, id=f"r{k}") for k, r in enumerate(rels, start=1))
    return replace(doc, spans=spans, relations=relations)


def _agreement(layers: dict[str, list[DocData]]) -> dict[str, Any] | None:
    """Headline agreement over the documents two or more annotators did (only those: the
    measures need them, and tokenising the whole corpus would slow every export down)."""
    seen: dict[str, int] = {}
    for docs in layers.values():
        for doc in docs:
            seen[doc.id] = seen.get(doc.id, 0) + 1
    shared = {doc_id for doc_id, n in seen.items() if n >= 2}
    if not shared:
        return None
    from annotator.agreement.report import agreement_report

    subset = {name: [d for d in docs if d.id in shared] for name, docs in layers.items()}
    try:
        report = agreement_report({name: docs for name, docs in subset.items() if docs})
    except Exception as exc:  # an optional summary line must not stop the export
        return {"not computed": type(exc).__name__}
    out: dict[str, Any] = {"documents annotated by 2+": report.documents}
    for key, value in report.overall.items():
        out[key] = "n/a" if isinstance(value, float) and math.isnan(value) else round(value, 3)
    return out


def _load(
    project: Project, layer: str, include_unannotated: bool = False
) -> tuple[list[DocData], list[EntityEntry], list[str], dict[str, Any] | None, list[str]]:
    from annotator.layers import (
        annotator_names,
        layers_with_spans,
        load_layer,
        unannotated_documents,
    )
    from annotator.services import list_entities

    notes: list[str] = []
    with project.session() as s:
        names = annotator_names(s)
        known = set(names) | set(layers_with_spans(s)) | set(Layer)
        if layer not in known:
            raise ExportFailed(
                f"no layer '{layer}' in the project (layers: "
                f"{', '.join(sorted(known - {Layer.MAJORITY}) + [Layer.MAJORITY])})",
                path=str(project.path),
            )
        human = (
            {n: load_layer(s, n) for n in names} if layer in (Layer.GOLD, Layer.MAJORITY) else {}
        )
        if layer == Layer.MAJORITY:
            from annotator.agreement.majority import majority_layer

            if not human:
                raise ExportFailed(
                    "the majority layer needs annotators' layers; there are none",
                    path=str(project.path),
                )
            docs, ties = majority_layer(human)
            if ties:
                notes.append(
                    f"{len(ties)} majority tie(s) left out: "
                    + "; ".join(ties[:10])
                    + (" ..." if len(ties) > 10 else "")
                )
        else:
            docs = load_layer(s, layer)
        docs = [replace(d, annotated=True) for d in docs]
        if include_unannotated:
            docs += unannotated_documents(s)
        entities = [
            EntityEntry(
                e.name,
                e.type or None,
                tuple(e.aliases),
                e.external_id,
                e.mention_count,
                e.document_count,
            )
            for e in list_entities(s)
        ]
    return docs, entities, names, _agreement(human), notes


def _looks_like_export(path: Path) -> bool:
    readme = path / "README.md"
    try:
        text = readme.read_text("utf-8") if readme.is_file() else ""
        if text.startswith("---\n") and "\n---\n" in text[3:]:  # a dataset card's front matter
            text = text[text.index("\n---\n", 3) + 5 :].lstrip()
        return text.startswith(_README_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _check_target(out: Path, folder: bool) -> None:
    if out.parent.exists() and not out.parent.is_dir():
        raise ExportFailed("its parent is a file, not a folder", path=str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportFailed(
            f"cannot create its folder: {exc.strerror or exc}", path=str(out)
        ) from None
    if not out.exists():
        return
    if folder:
        if out.is_file():
            raise ExportFailed(
                "this is a file; a folder export needs a new or empty folder", path=str(out)
            )
        if any(out.iterdir()) and not _looks_like_export(out):
            raise ExportFailed(
                "the folder is not empty and holds no earlier export; choose a new folder",
                path=str(out),
            )
    elif out.is_dir():
        raise ExportFailed(
            "this is a folder; this export writes one file (or pass --split)", path=str(out)
        )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# .NAME.tmp-PID-HEX (and a SQLite journal of it: -wal, -shm, -journal)
_OURS = re.compile(
    r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{8}(?P<journal>-wal|-shm|-journal)?$"
)


def temp_sibling(out: Path, kind: str = "tmp") -> Path:
    """A hidden sibling of ``out`` named after this process, so a later run can tell a
    leftover of a killed run (its process is gone) from a run in progress."""
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def clean_leftovers(out: Path) -> list[str]:
    """Remove temporary siblings of ``out`` left by killed runs; put back an earlier export a
    run was killed while replacing (when ``out`` is missing). Returns what was done."""
    done: list[str] = []
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return done
    for sib in sorted(siblings):
        m = _OURS.match(sib.name)
        if m is None or m["name"] != out.name or _pid_alive(int(m["pid"])):
            continue
        if m["kind"] == "old" and not m["journal"] and not out.exists():
            os.replace(sib, out)
            done.append(f"restored {out.name} from an interrupted earlier run")
        else:
            _remove(sib)
            done.append(f"removed {sib.name} left by an interrupted run")
    return done


def _place(tmp: Path, out: Path) -> None:
    """Move ``tmp`` to ``out``, replacing an earlier export there only once ``tmp`` is complete.

    A file replaces a file in one atomic rename. A folder cannot replace a folder in one rename:
    the earlier one is first renamed aside; if the run is killed between the two renames, the
    next run puts it back (:func:`clean_leftovers`)."""
    if not out.exists() or (tmp.is_file() and out.is_file()):
        os.replace(tmp, out)
        return
    old = temp_sibling(out, "old")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        os.replace(old, out)
        raise
    _remove(old)


def export_documents(
    project: Project,
    out: Path,
    fmt: str,
    layer: str = Layer.GOLD,
    split: tuple[int, int, int] | None = None,
    seed: int = 0,
    labels: list[str] | None = None,
    strict: bool = False,
    include_unannotated: bool = False,
    progress: Progress | None = None,
) -> ExportSummary:
    """Export ``layer`` of ``project`` to ``out`` as ``fmt``; return what was written.

    The layer's documents include those its annotator marked done with no span (annotated-empty,
    the negative examples of training data); ``include_unannotated`` adds the documents no layer
    covers, marked ``annotated=False`` (formats that can tell write them as unannotated).
    ``progress`` hears of the three steps (read the layer, write, put in place) and is checked
    between them; a cancel leaves ``out`` as it was."""
    from annotator.transfer.splits import split_documents

    module = writer_module(fmt)
    out = Path(out)
    if labels:
        unknown = [lab for lab in labels if project.scheme.label(lab) is None]
        if unknown:
            raise ExportFailed(
                f"unknown label(s) in --labels: {', '.join(unknown)} (scheme has "
                f"{', '.join(project.scheme.label_names)})"
            )
    spec = format_spec(fmt)
    output = spec.output if spec else Output.FOLDER
    folder = output is not Output.FILE or split is not None
    cleaned = clean_leftovers(out)  # first: may put back an export a killed run moved aside
    _check_target(out, folder)
    progress = progress or quiet()
    progress.report(0, _STEPS)
    docs, entities, annotators, agreement, notes = _load(project, layer, include_unannotated)
    progress.report(1, _STEPS)
    progress.check()
    if not docs:
        raise ExportFailed(
            f"layer '{layer}' has no documents; nothing was exported", path=str(project.path)
        )
    docs = [canonical_ids(doc) for doc in docs]
    left_out: dict[str, int] = {}
    if labels:
        docs, left_out = filter_labels(docs, labels)
    if split is None and output is Output.SPLIT:
        split = DEFAULT_TRAINING_SPLIT
        notes.append("no --split given: used 80,10,10")
    splits = None
    if split is not None:
        plan = split_documents(docs, split, seed=seed)
        splits = plan.assignment
        notes.append(
            f"split {','.join(map(str, split))} by document, seed {seed}, stratified "
            "by label, duplicates kept together"
        )
        notes += plan.notes
    predictions: dict[str, DocData] = {}
    others: dict[str, dict[str, DocData]] = {}
    if fmt in WITH_PREDICTIONS and layer != "suggestions":
        from annotator.layers import load_layer

        with project.session() as s:
            predictions = {d.id: canonical_ids(d) for d in load_layer(s, Layer.SUGGESTIONS)}
            for name in annotators:  # every annotator's annotation beside the exported one
                if name != layer:
                    others[name] = {d.id: canonical_ids(d) for d in load_layer(s, name)}
    ctx = ExportContext(
        predictions=predictions,
        other_layers=others,
        scheme=project.scheme,
        entities=entities,
        annotators=annotators,
        agreement=agreement,
        strict=strict,
        labels=labels,
        splits=splits,
        layer=layer,
    )
    tmp = temp_sibling(out)
    try:
        summary: ExportSummary = module.write(docs, tmp, ctx)
        summary.notes += cleaned
        progress.report(2, _STEPS)
        progress.check()
        for reason, n in left_out.items():
            summary.skip(reason, n)
        summary.annotated_empty = sum(1 for d in docs if d.annotated and not d.spans)
        summary.unannotated = sum(1 for d in docs if d.annotated is False)
        summary.notes = notes + summary.notes
        if tmp.is_dir():
            summary.files.append("README.md")
            card = tmp / "README.md"  # a writer's dataset card keeps its front matter first
            front = card.read_text("utf-8").rstrip() + "\n\n" if card.exists() else ""
            card.write_text(front + summary.to_markdown(), encoding="utf-8")
        _place(tmp, out)
        progress.report(_STEPS, _STEPS)
    except OSError as exc:
        _remove(tmp)
        raise ExportFailed(
            f"cannot write the export: {exc.strerror or exc}", path=str(out)
        ) from None
    except BaseException:
        _remove(tmp)
        raise
    return summary
