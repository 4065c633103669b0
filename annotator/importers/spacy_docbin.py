"""spaCy DocBin (``.spacy``) reader.

Spans: ``doc.ents`` (offsets in code points, label ``ent.label_``) and every ``doc.spans``
group. A span present twice (same offsets and label, e.g. as an entity and in a group) is kept
once and counted; which group a span came from is not kept. ``doc.user_data``
keys that are plain strings/numbers go to ``meta``. spaCy is imported here, lazily; the vocab is a
bare ``spacy.blank("xx")`` (no model needed).

DocBins written by this tool's own exporter carry the exact annotations (code-point spans with
attributes, registry names and relations, the document id, layer and metadata) in
``doc.spans["sc"].attrs["annotator"]``; when that record is present and consistent it is used
instead, so an export reads back without loss. A file spaCy cannot read (corrupt, or written by an
incompatible version) gives an ImportFailed naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.importers import ReadOptions
from annotator.importers._common import UniqueIds, files_with_suffix, rel_name
from annotator.model import DocData, RelationData, SpanData

OWN_RECORD = "annotator"  # key of annotator.exporters.spacy's record in the span group attrs


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    import spacy
    from spacy.tokens import DocBin

    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    vocab = spacy.blank("xx").vocab
    for file in files_with_suffix(path, (".spacy",)):
        name = str(file)
        stem = rel_name(file, root)
        try:
            docbin = DocBin().from_bytes(file.read_bytes())
            for n, doc in enumerate(docbin.get_docs(vocab), start=1):
                yield _doc(doc, ids(f"{stem}:{n}"), name, options)
        except (KeyError, ValueError, TypeError, OSError, IndexError) as exc:
            raise ImportFailed(
                f"cannot read this spaCy DocBin (corrupt, or written by an incompatible spaCy "
                f"version): {type(exc).__name__}: {str(exc)[:120]}",
                path=name,
            ) from None
        except ImportFailed:
            raise
        except Exception as exc:  # msgpack/zlib errors have no common base class
            raise ImportFailed(f"cannot read this spaCy DocBin: {type(exc).__name__}",
                               path=name) from None


def _doc(doc: Any, doc_id: str, name: str, options: ReadOptions) -> DocData:
    text = doc.text
    for group in doc.spans.values():
        record = group.attrs.get(OWN_RECORD)
        if isinstance(record, dict):
            own = _own_record(record, text, doc_id, name)
            if own is not None:
                options.report.add("spaCy exact annotations read from this tool's own record")
                return own
            options.report.add("spaCy inconsistent annotator record ignored")
    sources: list[tuple[str, Any]] = [("ents", doc.ents)]
    sources += [(key, group) for key, group in doc.spans.items()]
    nonempty = [(key, group) for key, group in sources if len(group)]
    seen: set[tuple[int, int, str]] = set()
    spans: list[SpanData] = []
    for _key, group in nonempty:
        for sp in group:
            k = (sp.start_char, sp.end_char, sp.label_)
            if k in seen:
                options.report.add("spaCy span repeated (same offsets and label) kept once")
                continue
            seen.add(k)
            if not sp.label_:
                options.report.add("spaCy span without a label skipped")
                continue
            spans.append(SpanData(f"s{len(spans) + 1}", sp.start_char, sp.end_char, sp.label_,
                                  {}, sp.kb_id_ or None))
    meta = {str(k): v for k, v in doc.user_data.items()
            if isinstance(k, str) and isinstance(v, str | int | float | bool)}
    return DocData(doc_id, text, meta, tuple(spans), source_path=name)


def _own_record(record: dict[str, Any], text: str, doc_id: str, name: str) -> DocData | None:
    """DocData from the record our exporter stores; None when it does not fit the text."""
    try:
        spans = tuple(
            SpanData(str(sid), int(a), int(b), str(label), dict(attrs or {}),
                     entity or None, etype or None)
            for sid, a, b, label, attrs, entity, etype in record.get("spans", [])
        )
        rels = tuple(RelationData(str(rid), str(label), str(head), str(tail))
                     for rid, label, head, tail in record.get("relations", []))
        meta = dict(record.get("meta") or {})
        ids = {sp.id for sp in spans}
    except (TypeError, ValueError):
        return None
    if any(not 0 <= sp.start < sp.end <= len(text) for sp in spans) or any(
        r.head not in ids or r.tail not in ids for r in rels
    ):
        return None
    layer = record.get("layer")
    return DocData(str(record.get("id") or doc_id), text, meta, spans, rels,
                   layer=str(layer) if layer else None, source_path=name)
