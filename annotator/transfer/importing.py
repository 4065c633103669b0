"""Importing documents and annotations into a project: atomic, idempotent and fast, in memory
that does not grow with the input.

Files are streamed: documents are read, mapped onto the scheme, checked and inserted a batch at a
time (``BATCH_DOCS``) inside one write transaction, so only one batch of records is held at a
time. The first batch is read and checked before the transaction starts. A bad document anywhere
rolls the transaction back, so nothing is written (all or nothing), and the error is the one the
whole input gives: once a batch is bad the rest of the input is read, keeping nothing, to find
a reader's error first, then the label map's, then every unknown name, then the first structural
problem.

What an import must know of its earlier batches it asks the database, inside the transaction:
which texts are there (one document per text), which external ids are taken, the spans and
relations of a document met again. Across batches it keeps only runs of row ids (the rows it
inserted, the documents it met), never records.

The same text twice is one document; the same annotation twice (same start, end and label in the
same layer) is one span, except that two such spans within one record stay two (brat events
sharing a trigger). A record annotated with no span (``DocData.annotated``) puts its document in
the layer all the same (annotated-empty).
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.cancel import Progress, quiet
from annotator.errors import ImportFailed, ValidationError
from annotator.project import Project
from annotator.scheme import Scheme
from annotator.settings import current_user
from annotator.validation import UnknownName, unknown_vocabulary, validate_doc
from annotator.values import DocData, is_annotated
from annotator.vocabulary import AssignmentStatus, EventAction, Origin
from annotator.wording import count_of
from storage.db import stored_json
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

if TYPE_CHECKING:
    from annotator.formats.reading import ReadOptions

# A batch ends at whichever comes first; the rest of an import keeps nothing per record.
BATCH_DOCS = 1000
BATCH_SPANS = 50_000
BATCH_CHARS = 8_000_000
_NO_RELATIONS: frozenset[tuple[str, Any]] = frozenset()


@dataclass
class ImportReport:
    documents_read: int = 0
    documents_new: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    spans_repeated: int = 0  # the same span more than once in the input, imported once
    # of spans_existing: those the input has with other attributes (kept, or updated when
    # ``attrs_updated``), and a few of them described for the summary
    spans_other_attrs: int = 0
    attrs_updated: bool = False
    other_attrs_examples: list[str] = field(default_factory=list)
    relations_added: int = 0
    relations_existing: int = 0
    suggestions_added: int = 0
    entities_added: int = 0
    renamed_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layers: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        # the same text twice in the input is one document: the counts add up to what was read
        repeated = self.documents_read - self.documents_new - self.documents_existing
        out = [
            f"documents: {self.documents_read} read, {self.documents_new} new, "
            f"{self.documents_existing} already in the project"
            + (f", {repeated} repeated in the input (one document each)" if repeated else ""),
            f"spans: {self.spans_added} added, {self.spans_existing} already there"
            + (
                f" ({self.spans_other_attrs} of them with other attributes: "
                + ("updated to the file's)" if self.attrs_updated else "kept the project's)")
                if self.spans_other_attrs
                else ""
            )
            + (
                f", {self.spans_repeated} repeated in the input (imported once)"
                if self.spans_repeated
                else ""
            ),
            f"relations: {self.relations_added} added, {self.relations_existing} already there",
        ]
        if self.suggestions_added:
            out.append(f"suggestions: {self.suggestions_added} added")
        if self.entities_added:
            out.append(f"actors: {self.entities_added} added to the registry")
        if self.layers:
            out.append(
                "layers: "
                + ", ".join(
                    f"{k} ({count_of(v, 'document')})" for k, v in sorted(self.layers.items())
                )
            )
        if self.renamed_ids:
            out.append(f"ids already used by another text, renamed: {len(self.renamed_ids)}")
        if self.spans_other_attrs:
            n = count_of(self.spans_other_attrs, "span")
            what = (
                f"updated the attributes of {n} already there to the file's"
                if self.attrs_updated
                else f"kept the project's attributes of {n} the file has with other attributes "
                "(--update-attributes, or the Import dialog's attributes box, takes the file's)"
            )
            out.append(f"{what}, e.g. {'; '.join(self.other_attrs_examples)}")
        out.extend(self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents_read": self.documents_read,
            "documents_new": self.documents_new,
            "documents_existing": self.documents_existing,
            "spans_added": self.spans_added,
            "spans_existing": self.spans_existing,
            "spans_repeated": self.spans_repeated,
            "spans_other_attributes": self.spans_other_attrs,
            "attributes_updated": self.spans_other_attrs if self.attrs_updated else 0,
            "relations_added": self.relations_added,
            "relations_existing": self.relations_existing,
            "suggestions_added": self.suggestions_added,
            "entities_added": self.entities_added,
            "notes": list(self.notes),
        }


@contextmanager
def _bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of small acyclic values
    are created (it would rescan them all many times); reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _IdRuns:
    """A set of integers kept as sorted runs of consecutive values. The row ids one import
    inserts or meets come (almost) in order, so a few runs hold them whatever their number."""

    __slots__ = ("_hi", "_lo", "_n")

    def __init__(self) -> None:
        self._lo: list[int] = []
        self._hi: list[int] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def __contains__(self, value: int) -> bool:
        k = bisect_right(self._lo, value) - 1
        return k >= 0 and value <= self._hi[k]

    def add(self, value: int) -> bool:
        """Add ``value``; False when it was there already."""
        lo, hi = self._lo, self._hi
        k = bisect_right(lo, value) - 1
        if k >= 0 and value <= hi[k]:
            return False
        left = k >= 0 and hi[k] == value - 1
        right = k + 1 < len(lo) and lo[k + 1] == value + 1
        if left and right:
            hi[k] = hi[k + 1]
            del lo[k + 1], hi[k + 1]
        elif left:
            hi[k] = value
        elif right:
            lo[k + 1] = value
        else:
            lo.insert(k + 1, value)
            hi.insert(k + 1, value)
        self._n += 1
        return True

    def update(self, values: Sequence[int]) -> None:
        """Add ``values``, distinct ids new to the set (ids just allocated: usually one run
        past every other)."""
        if not values:
            return
        first, last = values[0], values[-1]
        if last - first == len(values) - 1 and (not self._hi or first > self._hi[-1]):
            if self._hi and first == self._hi[-1] + 1:
                self._hi[-1] = last
            else:
                self._lo.append(first)
                self._hi.append(last)
            self._n += len(values)
            return
        for value in values:
            self.add(value)


def iter_documents(
    paths: Sequence[Path],
    fmt: str = "auto",
    options: ReadOptions | None = None,
    progress: Progress | None = None,
) -> Iterator[DocData]:
    """The documents of every path, as the readers yield them (nothing is written); raise when
    there is none. ``progress.check()`` runs every 200 documents (cancelling raises
    ``Cancelled``)."""
    from annotator.formats.reading import read_documents

    n = 0
    for path in paths:
        for doc in read_documents(Path(path), fmt, options):
            n += 1
            if progress is not None and n % 200 == 0:
                progress.check()
            yield doc
    if not n:
        raise ImportFailed("found no document to import", path=", ".join(str(p) for p in paths))


def read_paths(
    paths: Sequence[Path],
    fmt: str = "auto",
    tsv_feature: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    predictions: bool = False,
    span_keys: Sequence[str] | None = None,
) -> tuple[list[DocData], list[str]]:
    """Read every document of every path into a list (nothing is written); return docs and
    reader notes. An import streams instead (:func:`import_paths`)."""
    options = _read_options(tsv_feature, encoding, predictions, span_keys)
    docs = list(iter_documents(paths, fmt, options, progress))
    return docs, options.report.lines()


def _read_options(
    tsv_feature: str | None,
    encoding: str | None,
    predictions: bool,
    span_keys: Sequence[str] | None,
) -> ReadOptions:
    from annotator.formats.reading import ReadOptions

    return ReadOptions(
        tsv_feature=tsv_feature,
        encoding=encoding,
        predictions=predictions,
        span_keys=tuple(span_keys) if span_keys else None,
    )


def advise_encoding(exc: ImportFailed, how: str) -> ImportFailed:
    """``exc`` with a front end's words for naming the text encoding added (``how``, e.g. "with
    --encoding NAME (e.g. {example})"; ``{example}`` becomes the likeliest candidate) when
    naming it would let the file be read (``exc.encodings`` is set); else ``exc`` itself."""
    if exc.encodings is None:
        return exc
    example = exc.encodings[0] if exc.encodings else "cp1252"
    return ImportFailed(
        f"{exc.message} {how.format(example=example)}",
        path=exc.path,
        line=exc.line,
        encodings=exc.encodings,
    )


def _chunks(docs: Iterable[DocData]) -> Iterator[list[DocData]]:
    """``docs`` in batches of at most ``BATCH_DOCS`` documents, ``BATCH_SPANS`` spans and
    ``BATCH_CHARS`` characters of text (a batch holds one document at least)."""
    batch: list[DocData] = []
    spans = chars = 0
    for doc in docs:
        batch.append(doc)
        spans += len(doc.spans)
        chars += len(doc.text)
        if len(batch) >= BATCH_DOCS or spans >= BATCH_SPANS or chars >= BATCH_CHARS:
            yield batch
            batch = []
            spans = chars = 0
    if batch:
        yield batch


def _all_labels_known(scheme: Scheme, docs: Iterable[DocData]) -> bool:
    labels = set(scheme.label_names)
    relations = set(scheme.relation_names)
    return all(sp.label in labels for d in docs for sp in d.spans) and all(
        r.label in relations for d in docs for r in d.relations
    )


def _merge_unknown(into: dict[str, UnknownName], found: Iterable[UnknownName]) -> None:
    """Add names found in a later batch: counts add up, the first place stays."""
    for name in found:
        have = into.get(name.problem)
        into[name.problem] = name if have is None else replace(have, count=have.count + name.count)


class _Checker:
    """Maps the input onto the scheme and checks it, a batch at a time.

    With a label map or ``skip_unmapped`` every batch is mapped; otherwise a batch is mapped only
    to name its foreign labels (which stops the import). When a batch is bad, the rest of the
    input is read (a reader's error stops there) and checked for names, keeping nothing, so the
    error is the one the whole input gives: the label map's (unmapped labels, counted over the
    whole input), else every unknown name, else the first structural problem."""

    def __init__(self, project: Project, label_map: Path | None, skip_unmapped: bool) -> None:
        from annotator.transfer import label_map as lm

        self.scheme = project.scheme
        mapping = lm.load_label_map(label_map) if label_map is not None else {}
        self.mapper = lm.LabelMapper(self.scheme, mapping, skip_unmapped)
        self.map_all = bool(mapping) or skip_unmapped
        self.mapped_any = False
        known = set(self.scheme.label_names) | set(self.scheme.relation_names) | set(mapping)
        self._known_or_mapped = known
        self.unknown: dict[str, UnknownName] = {}  # names unknown to the scheme, once mapped
        self.raw_unknown: dict[str, UnknownName] = {}  # ... as the files give them
        self.first_foreign: DocData | None = None  # first document with an unmapped label
        self.structural: ImportFailed | None = None

    def notes(self) -> list[str]:
        return self.mapper.report.lines() if self.mapped_any else []

    def batches(self, docs: Iterable[DocData]) -> Iterator[list[DocData]]:
        """Checked batches of ``docs``, ready to insert; raise the input's error."""
        rest = iter(docs)
        for batch in _chunks(rest):
            checked = self._check(batch)
            del batch  # one batch alive at a time (here, and in the reader and the inserter)
            if checked is None:
                raise self._error_of_whole_input(rest)
            yield checked
            del checked

    def _map(self, batch: list[DocData]) -> list[DocData] | None:
        """``batch`` on the scheme (itself when it needs no mapping); None when the label map
        cannot place it (what was wrong is counted in the mapper)."""
        if not self.map_all and _all_labels_known(self.scheme, batch):
            return batch
        self.mapped_any = True
        _merge_unknown(self.raw_unknown, unknown_vocabulary(self.scheme, batch))
        if self.first_foreign is None:
            known = self._known_or_mapped
            self.first_foreign = next(
                (
                    d
                    for d in batch
                    if any(sp.label not in known for sp in d.spans)
                    or any(r.label not in known for r in d.relations)
                ),
                None,
            )
        self.mapper.scan(batch)
        if self.mapper.error() is not None:
            return None
        return self.mapper.map(batch)

    def _names(self, batch: list[DocData], mapped: list[DocData]) -> bool:
        """Note the names of ``mapped`` unknown to the scheme; True when there is none."""
        unknown = unknown_vocabulary(self.scheme, mapped)
        if not unknown:
            return True
        _merge_unknown(self.unknown, unknown)
        if mapped is batch:  # not mapped: the files' own names
            _merge_unknown(self.raw_unknown, unknown)
        return False

    def _check(self, batch: list[DocData]) -> list[DocData] | None:
        mapped = self._map(batch)
        if mapped is None or not self._names(batch, mapped):
            return None
        self.structural = _structural_error(self.scheme, mapped)
        return mapped if self.structural is None else None

    def _error_of_whole_input(self, rest: Iterator[DocData]) -> ImportFailed:
        for batch in _chunks(rest):
            mapped = self._map(batch)
            if mapped is not None:
                self._names(batch, mapped)
        problem = self.mapper.error()
        if problem is not None:
            return self._placed(problem)
        if self.unknown:
            return _vocabulary_error(self.scheme, list(self.unknown.values()))
        assert self.structural is not None
        return self.structural

    def _placed(self, exc: ImportFailed) -> ImportFailed:
        """The label map's error, placed at the first foreign label, with the other unknown
        names of the files (attributes and values) after it."""
        if exc.path is not None:
            return exc
        first = self.first_foreign
        attrs = [
            u.describe()
            for u in self.raw_unknown.values()
            if not u.problem.startswith(("unknown label", "unknown relation"))
        ]
        return ImportFailed(
            exc.message + (f"; also unknown: {'; '.join(attrs)}" if attrs else ""),
            path=first.source_path if first else None,
            line=first.source_line if first else None,
        )


def _unstorable(doc: DocData) -> str | None:
    """What of ``doc`` cannot be stored as UTF-8 text (a lone surrogate, as JSON's "\\ud800"
    gives), or None."""
    fields: list[tuple[str, Any]] = [("text", doc.text), ("id", doc.id), ("layer", doc.layer)]
    fields += [(key, doc.meta.get(key)) for key in ("title", "source", "url", "published")]
    for sp in doc.spans:
        fields += [(f"span '{sp.id}' entity", sp.entity), (f"span '{sp.id}' label", sp.label)]
    for what, value in fields:
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return (
                    f"{what} holds a lone surrogate (U+{ord(value[exc.start]):04X}) at {exc.start}"
                )
    return None


def _vocabulary_error(scheme: Scheme, unknown: Sequence[UnknownName]) -> ImportFailed:
    first = unknown[0]
    if len(unknown) == 1:
        message = first.describe(with_place=False)
    else:
        message = (
            f"{len(unknown)} names unknown to scheme '{scheme.name}': "
            + "; ".join(u.describe() for u in unknown)
            + " (fix the files, or use --label-map / --skip-unmapped)"
        )
    return ImportFailed(message, path=first.path, line=first.line)


def _structural_error(scheme: Scheme, docs: Iterable[DocData]) -> ImportFailed | None:
    """The first broken offset, relation or unstorable text of ``docs``, or None."""
    for doc in docs:
        try:
            validate_doc(scheme, doc)
            problem = _unstorable(doc)
            if problem is not None:
                raise ValidationError(f"{problem}, which cannot be stored as text")
        except ValidationError as exc:
            name = f"document '{doc.id}': " if doc.id else ""
            return ImportFailed(f"{name}{exc.message}", path=doc.source_path, line=doc.source_line)
    return None


def validate_all(project: Project, docs: Sequence[DocData]) -> None:
    """Refuse ``docs`` when anything breaks the scheme: every unknown label, attribute and value
    in one error (not one per run), then the first structural problem (offsets, relations)."""
    unknown = unknown_vocabulary(project.scheme, docs)
    if unknown:
        raise _vocabulary_error(project.scheme, unknown)
    problem = _structural_error(project.scheme, docs)
    if problem is not None:
        raise problem


def import_paths(
    project: Project,
    paths: Sequence[Path],
    fmt: str = "auto",
    layer: str | None = None,
    as_suggestions: bool = False,
    label_map: Path | None = None,
    skip_unmapped: bool = False,
    tsv_feature: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    span_keys: Sequence[str] | None = None,
    update_attributes: bool = False,
) -> ImportReport:
    """Read, map, check and import ``paths`` a batch at a time in one transaction; an error or a
    cancel (``progress.check()``) anywhere changes nothing. A span already in the layer (same
    start, end and label) keeps the project's attributes unless ``update_attributes``; either
    way the report counts those the input has with other attributes."""
    options = _read_options(tsv_feature, encoding, as_suggestions, span_keys)
    origin = ("import:" + ",".join(Path(p).name for p in paths))[:250]
    with _bulk_allocation():
        checker = _Checker(project, label_map, skip_unmapped)
        batches = checker.batches(iter_documents(paths, fmt, options, progress))
        first = list(itertools.islice(batches, 1))  # checked before the write transaction
        report = _insert(
            project,
            itertools.chain(_taken(first), batches),
            None,
            layer,
            as_suggestions,
            origin,
            progress,
            update_attributes,
        )
    report.notes = [*options.report.lines(), *checker.notes(), *report.notes]
    return report


def _taken(items: list[list[DocData]]) -> Iterator[list[DocData]]:
    """The items, each let go as it is taken (so the first batch is not kept to the end)."""
    while items:
        yield items.pop(0)


def import_documents(
    project: Project,
    docs: Sequence[DocData],
    layer: str | None = None,
    as_suggestions: bool = False,
    origin: str = Origin.IMPORT,
    progress: Progress | None = None,
    update_attributes: bool = False,
) -> ImportReport:
    """Validate then insert ``docs`` in one transaction. Raise before writing anything (also
    ``Cancelled``, from ``progress.check()``, changes nothing). ``update_attributes`` as in
    :func:`import_paths`."""
    validate_all(project, docs)
    step = BATCH_DOCS
    batches = (list(docs[i : i + step]) for i in range(0, len(docs), step))
    return _insert(
        project, batches, len(docs), layer, as_suggestions, origin, progress, update_attributes
    )


def _insert(
    project: Project,
    batches: Iterable[list[DocData]],
    total: int | None,
    layer: str | None,
    as_suggestions: bool,
    origin: str,
    progress: Progress | None,
    update_attributes: bool = False,
) -> ImportReport:
    """Insert checked batches in one write transaction (rolled back on any error)."""
    progress = progress or quiet()
    report = ImportReport(attrs_updated=update_attributes)
    with project.session(write=True) as s:
        importer = _Importer(s, layer, as_suggestions, origin, report)
        for batch in batches:
            importer.add(batch)
            report.documents_read += len(batch)
            del batch
            gc.collect(1)  # the batch's cycles (the collector is paused: ``_bulk_allocation``)
            progress.report(report.documents_read, total or 0)
            progress.check()
        event_repo.log_event(
            s, importer.default_layer, EventAction.IMPORT, None, origin[:64], None, report.as_dict()
        )
        progress.report(report.documents_read, total or report.documents_read)
    return report


class _Importer:
    """Inserts checked batches into one write session. Across batches it keeps runs of ids and
    what is small per layer or actor; anything else it asks the database (which holds the earlier
    batches, inside the same transaction)."""

    def __init__(
        self, s: Any, layer: str | None, as_suggestions: bool, origin: str, report: ImportReport
    ) -> None:
        self.s = s
        self.default_layer = layer or current_user()
        self.layer_forced = layer is not None
        self.as_suggestions = as_suggestions
        self.origin = origin
        self.report = report
        self.new_docs = _IdRuns()  # documents this import inserted
        self.met_docs = _IdRuns()  # documents already in the project that the input brings
        self.new_spans = _IdRuns()  # spans this import inserted
        self.layer_docs: dict[str, _IdRuns] = {}  # documents this import put in each layer
        self.annotator_ids: dict[str, int] = {}
        self.entity_ids: dict[tuple[str, str], int] = {}

    def ann(self, name: str) -> int:
        if name not in self.annotator_ids:
            self.annotator_ids[name] = ann_repo.ensure_annotator(self.s, name)
        return self.annotator_ids[name]

    def entity(self, name: str, type_: str) -> int:
        key = (name, type_)
        if key not in self.entity_ids:
            found = registry_repo.find_entity(self.s, name, type_)
            if found is None:
                found = registry_repo.add_entity(self.s, name, type_)
                self.report.entities_added += 1
            self.entity_ids[key] = found
        return self.entity_ids[key]

    def add(self, docs: list[DocData]) -> None:
        doc_ids, before = self._documents(docs)
        if not self.as_suggestions:
            self._annotations(docs, doc_ids, before)
            return
        from annotator.services import add_suggestions

        for doc, doc_id in zip(docs, doc_ids, strict=True):
            if doc.spans:
                self.report.suggestions_added += add_suggestions(
                    self.s, doc_id, doc.spans, doc.relations, model=self.origin
                )

    def _documents(self, docs: list[DocData]) -> tuple[list[int], set[int]]:
        """Insert the batch's new texts; return each document's id and the ids of those that
        were in the project before this batch (their spans are in the database)."""
        s, report = self.s, self.report
        shas = [text_sha256(doc.text) for doc in docs]
        known = doc_repo.ids_of_hashes(s, shas)
        before = set(known.values())
        wanted = {
            doc.id or sha[:16] for doc, sha in zip(docs, shas, strict=True) if sha not in known
        }
        taken = doc_repo.hashes_of_external_ids(s, list(wanted)) if wanted else {}
        new_rows: list[dict[str, Any]] = []
        new_shas: dict[str, None] = {}
        for doc, sha in zip(docs, shas, strict=True):
            if sha in known or sha in new_shas:
                continue
            ext = doc.id or sha[:16]
            owner = taken.get(ext)
            if owner is not None and owner != sha:
                ext = f"{ext}@{sha[:8]}"
                report.renamed_ids.append(doc.id)
            taken[ext] = sha
            new_rows.append(_document_row(doc, ext, sha))
            new_shas[sha] = None
        ids = doc_repo.insert_documents(s, new_rows)
        del new_rows
        self.new_docs.update(ids)
        known.update(zip(new_shas, ids, strict=True))
        report.documents_new += len(ids)
        for doc_id in sorted(before):
            if doc_id not in self.new_docs and self.met_docs.add(doc_id):
                report.documents_existing += 1
        return [known[sha] for sha in shas], before

    def _layer(self, doc: DocData) -> str:
        return self.default_layer if self.layer_forced else (doc.layer or self.default_layer)

    def _known_spans(
        self, doc_ids: Sequence[int], ann_ids: Sequence[int], attrs: dict[int, Any]
    ) -> tuple[dict[tuple[int, int], dict[Any, int]], dict[tuple[int, int], dict[Any, int]]]:
        """The spans of ``doc_ids`` in the layers ``ann_ids`` in the database, by (document,
        annotator) then (start, end, label, n): the n-th alike span, in id order. Those in the
        project before this import, and those an earlier batch inserted (a record again).
        ``attrs`` receives the attributes of those before, by span id."""
        before: dict[tuple[int, int], dict[Any, int]] = {}
        again: dict[tuple[int, int], dict[Any, int]] = {}
        alike: Counter[tuple[int, int, int, int, str]] = Counter()
        rows = span_repo.span_keys_of_documents(self.s, doc_ids, ann_ids, attrs=True)
        parsed: dict[Any, Any] = {}  # few distinct attribute sets: each parsed once
        for sid, doc, ann, start, end, label, raw in rows:
            n = alike[(doc, ann, start, end, label)]
            alike[(doc, ann, start, end, label)] = n + 1
            if sid in self.new_spans:
                again.setdefault((doc, ann), {})[(start, end, label, n)] = sid
                continue
            before.setdefault((doc, ann), {})[(start, end, label, n)] = sid
            value = parsed.get(raw)
            if value is None:
                value = parsed[raw] = _stored_attrs(raw, sid)
            attrs[sid] = value
        return before, again

    def _annotations(  # noqa: C901 - spans, relations, actor links share id maps
        self, docs: list[DocData], doc_ids: list[int], before: set[int]
    ) -> None:
        s, report, origin = self.s, self.report, self.origin
        # Documents met before, in the layers this batch brings spans to: what to compare with.
        met = [i for i, d in enumerate(docs) if d.spans and doc_ids[i] in before]
        met_docs = sorted({doc_ids[i] for i in met})
        met_layers = sorted({self.ann(self._layer(docs[i])) for i in met})
        stored_attrs: dict[int, Any] = {}  # span id -> its attributes in the project
        existing, again = self._known_spans(met_docs, met_layers, stored_attrs) if met else ({}, {})
        existing_rels: set[tuple[int, int, str]] = set()
        if met:
            existing_rels = set(span_repo.relation_keys_of_documents(s, met_docs, met_layers))
        span_values: list[tuple[Any, ...]] = []
        row_of: dict[tuple[int, str], int] = {}  # (input doc, span id) -> index into span_values
        resolved: dict[tuple[int, str], int] = {}  # (input doc, span id) -> database id
        # The same span twice in one import is one span: a repeated record matches by
        # (doc, layer) -> (start, end, label, n); within one record, a span alike in offsets,
        # label and outgoing relations is a twin (``aliases``). Alike spans with different
        # relations (two events on one trigger) stay apart.
        aliases: dict[tuple[int, str], tuple[int, str]] = {}
        batch_seen: dict[tuple[int, int], dict[tuple[int, int, str, int], int]] = {}
        new_in_layer: list[tuple[int, int]] = []  # (document, annotator)
        # (database id, input doc, span): spans already there that the input has with other
        # attributes (or attributes that read back alike: checked in ``_other_attributes``)
        differing: list[tuple[int, int, Any]] = []
        annotated_empty: dict[int, list[int]] = {}  # annotator -> documents
        for i, doc in enumerate(docs):
            if not doc.spans and not is_annotated(doc):
                continue
            name = self._layer(doc)
            doc_id = doc_ids[i]
            ann_id = self.ann(name)
            if self.layer_docs.setdefault(name, _IdRuns()).add(doc_id):
                report.layers[name] += 1
                new_in_layer.append((doc_id, ann_id))
            if not doc.spans:
                annotated_empty.setdefault(ann_id, []).append(doc_id)
                continue
            have = existing.get((doc_id, ann_id), {})
            had = again.get((doc_id, ann_id), {})
            seen = batch_seen.setdefault((doc_id, ann_id), {})
            track = bool(doc.relations)  # span ids are only needed to resolve relations
            outgoing = _outgoing(doc)
            twins: dict[Any, str] = {}
            alike: Counter[tuple[int, int, str]] = Counter()
            compare = bool(have or had or seen)  # a record met before: its spans may be there
            for sp in doc.spans:
                plain = (sp.start, sp.end, sp.label)
                # Without relations every alike span is a twin, so each is the first (n = 0).
                sig = (plain, outgoing.get(sp.id, _NO_RELATIONS)) if track else plain
                twin = twins.get(sig)
                if twin is not None:  # the same span twice in one record: one span
                    aliases[(i, sp.id)] = (i, twin)
                    report.spans_repeated += 1
                    continue
                twins[sig] = sp.id
                n = 0
                if track:
                    n = alike[plain]
                    alike[plain] = n + 1
                key = (sp.start, sp.end, sp.label, n)
                if compare:
                    found = have.get(key)
                    if found is not None:
                        if track:
                            resolved[(i, sp.id)] = found
                        report.spans_existing += 1
                        if sp.attrs != stored_attrs[found]:
                            differing.append((found, i, sp))
                        continue
                    found = had.get(key)
                    if found is not None:  # an earlier batch inserted it: a record again
                        if track:
                            resolved[(i, sp.id)] = found
                        report.spans_repeated += 1
                        continue
                    first = seen.get(key)
                    if first is not None:
                        if track:
                            row_of[(i, sp.id)] = first
                        report.spans_repeated += 1
                        continue
                seen[key] = len(span_values)
                ent = None
                if sp.entity:
                    etype = sp.entity_type or str(sp.attrs.get("type", "") or "")
                    ent = self.entity(sp.entity, etype)
                if track:
                    row_of[(i, sp.id)] = len(span_values)
                span_values.append(
                    (doc_id, ann_id, sp.start, sp.end, sp.label, sp.attrs, ent, origin)
                )
        if differing:
            self._other_attributes(docs, differing, stored_attrs)
        new_ids = span_repo.insert_span_values(s, span_values)
        self.new_spans.update(new_ids)
        report.spans_added += len(span_values)
        del span_values
        for ref, row in row_of.items():
            resolved[ref] = new_ids[row]
        for ref, twin_ref in aliases.items():
            if twin_ref in resolved:
                resolved[ref] = resolved[twin_ref]
        # Documents imported into a layer belong to it even without spans; one annotated with
        # no span finishes an assignment still to do (``repository.documents_in_layer``).
        ann_repo.add_assignments(
            s,
            [
                {"document_id": doc_id, "annotator_id": ann_id, "status": AssignmentStatus.DONE}
                for doc_id, ann_id in new_in_layer
            ],
        )
        for ann_id, empty_docs in annotated_empty.items():
            ann_repo.finish_assignments(s, ann_id, empty_docs)
        rel_rows: list[dict[str, Any]] = []
        for i, doc in enumerate(docs):
            for rel in doc.relations:
                head, tail = resolved.get((i, rel.head)), resolved.get((i, rel.tail))
                if head is None or tail is None:
                    continue
                rel_key = (head, tail, rel.label)
                if rel_key in existing_rels:
                    report.relations_existing += 1
                    continue
                existing_rels.add(rel_key)
                rel_rows.append(
                    {"head_id": head, "tail_id": tail, "label": rel.label, "origin": origin}
                )
        span_repo.insert_relations(s, rel_rows)
        report.relations_added += len(rel_rows)

    def _other_attributes(
        self, docs: list[DocData], met: list[tuple[int, int, Any]], stored: dict[int, Any]
    ) -> None:
        """Count the spans met again that the input has with other attributes; update them to
        the input's when the report says so (``attrs_updated``), else keep the project's."""
        report = self.report
        updates: dict[int, dict[str, Any]] = {}
        for sid, i, sp in met:
            old, new = stored[sid], dict(sp.attrs)
            if _as_json(new) == old:  # e.g. a tuple in the input, a list in the project
                continue
            report.spans_other_attrs += 1
            if len(report.other_attrs_examples) < OTHER_ATTRS_SHOWN:
                report.other_attrs_examples.append(_attrs_difference(docs[i], sp, old, new))
            if report.attrs_updated:
                updates[sid] = {"attrs": new}
        if updates:
            span_repo.update_spans(self.s, updates)


OTHER_ATTRS_SHOWN = 3  # spans with other attributes described in the summary


def _stored_attrs(raw: Any, span_id: int) -> dict[str, Any]:
    """A span's attributes as the database hands them back (JSON text, or None); text that is
    not JSON (a damaged file) is a ``StorageError`` naming the span."""
    value = stored_json(raw, f"the attributes of span {span_id}") if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


def _as_json(value: dict[str, Any]) -> Any:
    """``value`` as it reads back from the database (tuples become lists, and so on)."""
    return json.loads(json.dumps(value, default=str))


def _attrs_difference(doc: DocData, sp: Any, old: dict[str, Any], new: dict[str, Any]) -> str:
    """One span met again with other attributes, for the summary: where, and what differs."""
    new = _as_json(new)
    keys = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))

    def value(attrs: dict[str, Any], key: str) -> str:
        return json.dumps(attrs[key], ensure_ascii=False) if key in attrs else "none"

    shown = ", ".join(
        f"{k} {value(old, k)} in the project, {value(new, k)} in the file" for k in keys[:2]
    ) + (", …" if len(keys) > 2 else "")
    return f"{doc.id or 'a document'} {sp.label} [{sp.start}, {sp.end}): {shown}"


def _document_row(doc: DocData, ext: str, sha: str) -> dict[str, Any]:
    meta = {k: v for k, v in doc.meta.items() if k != "doc_id"}
    published = meta.pop("published", None)
    return {
        "external_id": ext,
        "title": str(meta.pop("title", "") or ""),
        "source": str(meta.pop("source", "") or ""),
        "url": str(meta.pop("url", "") or ""),
        "published": str(published) if published else None,
        "text": doc.text,
        "sha256": sha,
        "meta": meta,
    }


def _outgoing(doc: DocData) -> dict[str, frozenset[tuple[str, Any]]]:
    """Each span's outgoing relations as (label, tail id): what tells two alike spans of one
    record apart (two events on one trigger have different roles). A span that is the tail of
    a relation gets a signature of its own: merging it would merge the events pointing at it."""
    if not doc.relations:
        return {}
    out: dict[str, set[tuple[str, Any]]] = {}
    for rel in doc.relations:
        out.setdefault(rel.head, set()).add((rel.label, rel.tail))
        out.setdefault(rel.tail, set()).add(("<tail>", rel.tail))
    return {k: frozenset(v) for k, v in out.items()}
