"""spaCy DocBin (``.spacy``) reader.

Spans: ``doc.ents`` (offsets in code points, label ``ent.label_``) and the ``doc.spans["sc"]``
group; ``--span-key`` (``ReadOptions.span_keys``) chooses other groups instead of ``sc``. Groups
left out (e.g. ``incorrect_spans``, which holds known-wrong spans) are counted in the report.
Every document of a DocBin is annotated, even with no span (a negative example).
A span present twice (same offsets and label, e.g. as an entity and in a group) is kept
once and counted; which group a span came from is not kept. ``doc.user_data``
keys that are plain strings/numbers go to ``meta``. spaCy is imported here, lazily; the vocab is a
bare ``spacy.blank("xx")`` (no model needed).

DocBins written by this tool's own exporter carry the exact annotations (code-point spans with
attributes, registry names and relations, the document id, layer and metadata) in
``doc.spans["sc"].attrs["annotator"]``; when that record is present and consistent it is used
instead, so an export reads back without loss. A file spaCy cannot read (corrupt, or written by an
incompatible version) gives an ImportFailed naming the file. A folder is read whole, recursively,
file by file in name order (so an export whose splits are shard folders reads back in order).

Writing:

spaCy v3 training data: ``train.spacy``, ``dev.spacy``, ``test.spacy`` (DocBin) + ``config.cfg``.

- ``doc.spans["sc"]`` holds every span; ``doc.ents`` holds the spans of the labels that never
  overlap one another anywhere in the export (chosen most frequent first).
- Span ids and registry names ride on the spaCy spans (``span.id_``, ``span.kb_id_``); the exact
  code-point spans with their attributes, entity types and relations, and the document's id and
  metadata, are kept in the span group's attributes: ``doc.spans["sc"].attrs["annotator"]``.
- A span whose ends are not token boundaries is widened to the enclosing tokens and counted per
  label (``--strict``: left out, counted). Two entity spans that only collide after widening stay
  in ``spans["sc"]``; the shorter leaves ``doc.ents`` and is counted.
- ``config.cfg`` comes from spaCy's own ``init config`` for a blank pipeline with ``ner`` (when an
  entity label exists) and ``spancat`` on CPU, so ``python -m spacy train config.cfg
  --paths.train train.spacy --paths.dev dev.spacy`` runs as written.
- A split of more than ``SHARD_TOKENS`` tokens (1 M, some 1,400 news articles of 700 words) is
  written as a folder of shards instead of one file: ``train/train-0001.spacy``,
  ``train/train-0002.spacy``, ... (each at most that many tokens, in document order). One
  DocBin cannot hold more than about 41 M tokens (msgpack's 4 GiB binary), and spaCy loads a
  whole file at once. spaCy's ``Corpus`` reads every ``.spacy`` file of a folder (sorted by
  name), so ``--paths.train train`` trains on the same documents; ``config.cfg`` and the summary
  name the folder. Smaller splits are single files as before; import reads a folder of shards
  (or the whole export folder).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from annotator.errors import ExportFailed, ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, is_offset, rel_name
from annotator.formats.jsonl import PRIVATE_META
from annotator.formats.pipelines import RENEW_EVERY, Renewed
from annotator.formats.reading import ReadOptions, drop_repeated_spans
from annotator.formats.span_geometry import choose_non_overlapping
from annotator.formats.writing import (
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    corpus_stats,
    new_summary,
)
from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import SPANS_KEY

DEFAULT_SPAN_KEYS = ("sc",)  # span groups read besides doc.ents unless --span-key says others
OWN_RECORD = "annotator"  # key of annotator.formats.docbin's record in the span group attrs


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    import spacy
    from spacy.tokens import DocBin

    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    vocab = spacy.blank("xx").vocab
    for file in files_with_suffix(path, (".spacy",)):
        name = str(file)
        stem = rel_name(file, root)
        data = file.read_bytes()
        _check_inflated_size(data, name)
        try:
            docbin = DocBin().from_bytes(data)
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
            raise ImportFailed(
                f"cannot read this spaCy DocBin: {type(exc).__name__}", path=name
            ) from None


# A DocBin is zlib-compressed msgpack: a small file can inflate to gigabytes before spaCy looks
# at it. Its inflated size is measured first, in bounded chunks, and refused above this.
MAX_INFLATED_BYTES = 256 * 1024 * 1024


def _check_inflated_size(data: bytes, name: str) -> None:
    import zlib

    inflater = zlib.decompressobj()
    total = 0
    chunk = data
    try:
        while chunk:
            out = inflater.decompress(chunk, 16 * 1024 * 1024)
            total += len(out)
            if total > MAX_INFLATED_BYTES:
                raise ImportFailed(
                    f"this spaCy DocBin inflates to more than {MAX_INFLATED_BYTES // 2**20} MB; "
                    "refused (split it into smaller files)",
                    path=name,
                )
            chunk = inflater.unconsumed_tail
    except zlib.error:
        return  # not zlib: spaCy reports what it is not


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
    wanted = set(options.span_keys) if options.span_keys is not None else set(DEFAULT_SPAN_KEYS)
    for key, group in doc.spans.items():
        if key in wanted:
            sources.append((key, group))
        elif len(group):
            options.report.add(
                f"spans of spaCy span group '{key}' left out (read them with --span-key {key})",
                len(group),
            )
    nonempty = [(key, group) for key, group in sources if len(group)]
    found = drop_repeated_spans(
        (
            SpanData("", sp.start_char, sp.end_char, sp.label_, {}, sp.kb_id_ or None)
            for _key, group in nonempty
            for sp in group
        ),
        options.report,
        "spaCy span repeated (same offsets and label) kept once",
    )
    spans: list[SpanData] = []
    for span in found:
        if not span.label:
            options.report.add("spaCy span without a label skipped")
            continue
        spans.append(replace(span, id=f"s{len(spans) + 1}"))
    meta = {
        str(k): v
        for k, v in doc.user_data.items()
        if isinstance(k, str) and isinstance(v, str | int | float | bool)
    }
    return DocData(doc_id, text, meta, tuple(spans), source_path=name, annotated=True)


def _own_record(record: dict[str, Any], text: str, doc_id: str, name: str) -> DocData | None:
    """DocData from the record our exporter stores; None when it does not fit the text."""
    try:
        if not all(is_offset(sp[1]) and is_offset(sp[2]) for sp in record.get("spans", [])):
            return None
        spans = tuple(
            SpanData(
                str(sid),
                a,
                b,
                str(label),
                dict(attrs or {}),
                entity or None,
                etype or None,
            )
            for sid, a, b, label, attrs, entity, etype in record.get("spans", [])
        )
        rels = tuple(
            RelationData(str(rid), str(label), str(head), str(tail))
            for rid, label, head, tail in record.get("relations", [])
        )
        meta = dict(record.get("meta") or {})
        ids = {sp.id for sp in spans}
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return None
    if any(not 0 <= sp.start < sp.end <= len(text) for sp in spans) or any(
        r.head not in ids or r.tail not in ids for r in rels
    ):
        return None
    layer = record.get("layer")
    return DocData(
        str(record.get("id") or doc_id),
        text,
        meta,
        spans,
        rels,
        layer=str(layer) if layer else None,
        source_path=name,
        annotated=True,
    )


ATTRS_KEY = "annotator"
MAX_SUGGESTER = 20  # longest n-gram the span categoriser proposes


def _record(doc: DocData, layer: str) -> dict[str, Any]:
    return {
        "id": doc.id,
        "layer": doc.layer if doc.layer is not None else layer,
        "meta": {k: v for k, v in doc.meta.items() if k not in PRIVATE_META},
        "spans": [
            [s.id, s.start, s.end, s.label, dict(s.attrs), s.entity, s.entity_type]
            for s in doc.spans
        ],
        "relations": [[r.id, r.label, r.head, r.tail] for r in doc.relations],
    }


class _DocConverter:
    """Turns DocData into spaCy Docs with one tokenizer, counting changes into a summary."""

    def __init__(
        self,
        ctx: ExportContext,
        summary: ExportSummary,
        ent_labels: set[str],
        renew_every: int = RENEW_EVERY,
    ) -> None:
        import spacy

        self.pipelines = Renewed(lambda: spacy.blank(ctx.lang), renew_every)
        self.ctx = ctx
        self.summary = summary
        self.ent_labels = ent_labels
        self.lengths: Counter[int] = Counter()  # span length in tokens -> spans

    def convert(self, doc: DocData, split: str) -> Any:
        summary, strict = self.summary, self.ctx.strict
        sdoc = self.pipelines.get().tokenizer(doc.text)
        char_span = sdoc.char_span
        group = []
        ents = []
        for s in doc.spans:
            sp = char_span(s.start, s.end, s.label, s.entity or 0, None, "expand", s.id)
            if sp is None or len(sp) == 0:
                summary.skip(f"{s.label} span covers no token")
                continue
            if sp.start_char != s.start or sp.end_char != s.end:
                if strict:
                    summary.dropped[s.label] += 1
                    continue
                summary.expanded[s.label] += 1
            group.append(sp)
            if s.label in self.ent_labels:
                ents.append(sp)
        summary.spans.setdefault(split, Counter()).update(sp.label_ for sp in group)
        self.lengths.update([len(sp) for sp in group])
        sdoc.spans[SPANS_KEY] = group
        # In the span group's attrs, not doc.user_data: DocBin serialises both with msgpack, but
        # the group is packed anyway, while user data costs one more (slow) srsly call per doc.
        sdoc.spans[SPANS_KEY].attrs[ATTRS_KEY] = _record(doc, self.ctx.layer)
        if ents:
            sdoc.ents = self._no_overlap(ents)
        summary.relations.update(r.label for r in doc.relations)
        return sdoc

    def _no_overlap(self, ents: list[Any]) -> list[Any]:
        ents.sort(key=lambda sp: (sp.start, sp.end))
        if all(a.end <= b.start for a, b in pairwise(ents)):
            return ents
        kept: list[Any] = []
        for sp in sorted(ents, key=lambda sp: (-(sp.end - sp.start), sp.start)):
            if any(sp.start < k.end and k.start < sp.end for k in kept):
                self.summary.skip(
                    f"{sp.label_} span only in spans['{SPANS_KEY}'], not doc.ents: it overlaps "
                    "another entity once widened to tokens"
                )
            else:
                kept.append(sp)
        return sorted(kept, key=lambda sp: sp.start)


MAX_BIN_BYTES = (1 << 32) - 1  # msgpack's longest binary (bin 32): a DocBin's token array


def _bin_header(n: int) -> bytes:
    if n < 1 << 8:
        return b"\xc4" + n.to_bytes(1, "big")
    if n < 1 << 16:
        return b"\xc5" + n.to_bytes(2, "big")
    if n > MAX_BIN_BYTES:
        raise ExportFailed(
            f"a spaCy DocBin array of {n:,} bytes is longer than msgpack allows "
            f"({MAX_BIN_BYTES:,}); write smaller shards"
        )
    return b"\xc6" + n.to_bytes(4, "big")


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return b"\xdc" + n.to_bytes(2, "big")
    return b"\xdd" + n.to_bytes(4, "big")


def _srsly_encoders_once() -> None:
    """Look srsly's msgpack encoders up once for this process.

    Every ``srsly.msgpack_dumps`` builds a Packer that asks its encoder registry for all entries,
    which rescans every installed distribution's entry points and the whole function registry
    (about 1.5 ms); DocBin.add calls it twice per document. The registry is asked once and then
    answers with that result (the same encoders; one registered later in this process would not
    be seen, and none is: the exporter registers none)."""
    from srsly.msgpack import msgpack_encoders  # type: ignore[import-untyped]

    if not getattr(msgpack_encoders, "_annotator_frozen", False):
        found = dict(msgpack_encoders.get_all())
        msgpack_encoders.get_all = lambda: dict(found)
        msgpack_encoders._annotator_frozen = True


class StreamingDocBin:
    """A ``DocBin`` written to ``path`` without holding its documents: the same bytes as
    ``DocBin(store_user_data=False)`` with every document added and ``to_disk(path)``.

    ``DocBin.to_bytes`` is ``zlib.compress(msgpack({version, attrs, tokens, spaces, lengths,
    strings, cats, flags, span_groups}))`` with each per-document part concatenated. Here each
    document goes through ``DocBin.add`` (so the arrays and strings are spaCy's own), then its
    parts leave memory: token arrays to a temporary file (zlib level 1), spaces, cats, flags and
    span groups to others, already msgpack-encoded; only the token counts and the string set
    (bounded by the vocabulary) stay. ``close`` writes the msgpack map through one streaming
    zlib compressor, which gives the bytes ``zlib.compress`` gives for the whole message."""

    def __init__(self, path: Path) -> None:
        import tempfile

        from spacy.tokens import DocBin

        _srsly_encoders_once()
        self.path = path
        self.bin = DocBin(store_user_data=False)
        self.tmp = tempfile.TemporaryDirectory(prefix=".docbin-", dir=path.parent)
        folder = Path(self.tmp.name)
        self.parts = {
            name: (folder / name).open("w+b")
            for name in ("tokens", "spaces", "cats", "flags", "span_groups")
        }
        self.lengths: list[int] = []
        self.token_bytes = 0
        self.space_bytes = 0
        self.tokens = 0

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, doc: Any) -> None:
        import zlib

        import srsly  # type: ignore[import-untyped]

        b = self.bin
        b.add(doc)
        tokens = b.tokens.pop().tobytes("C")
        spaces = b.spaces.pop().tobytes("C")
        self.token_bytes += len(tokens)
        self.space_bytes += len(spaces)
        packed = zlib.compress(tokens, 1)
        self.parts["tokens"].write(len(packed).to_bytes(8, "little") + packed)
        self.parts["spaces"].write(spaces)
        self.parts["cats"].write(srsly.msgpack_dumps(b.cats.pop()))
        self.parts["flags"].write(srsly.msgpack_dumps(b.flags.pop()))
        self.parts["span_groups"].write(srsly.msgpack_dumps(b.span_groups.pop()))
        self.lengths.append(len(doc))
        self.tokens += len(doc)

    def close(self, path: Path | None = None) -> None:
        """Write the DocBin to ``path`` (by default the one given at the start) and drop its
        temporary parts."""
        import zlib
        from array import array

        import srsly

        comp = zlib.compressobj()
        n = len(self.lengths)
        target = self.path if path is None else path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:

                def emit(data: bytes) -> None:
                    out.write(comp.compress(data))

                def copy(name: str) -> None:
                    fh = self.parts[name]
                    fh.seek(0)
                    while chunk := fh.read(1 << 20):
                        emit(chunk)

                emit(b"\x89")  # a map of nine entries, in DocBin.to_bytes's order
                emit(srsly.msgpack_dumps("version") + srsly.msgpack_dumps(self.bin.version))
                emit(srsly.msgpack_dumps("attrs") + srsly.msgpack_dumps(self.bin.attrs))
                emit(srsly.msgpack_dumps("tokens") + _bin_header(self.token_bytes))
                fh = self.parts["tokens"]
                fh.seek(0)
                while size := fh.read(8):
                    emit(zlib.decompress(fh.read(int.from_bytes(size, "little"))))
                emit(srsly.msgpack_dumps("spaces") + _bin_header(self.space_bytes))
                copy("spaces")
                lengths = array("i", self.lengths).tobytes()
                emit(srsly.msgpack_dumps("lengths") + _bin_header(len(lengths)) + lengths)
                emit(srsly.msgpack_dumps("strings") + srsly.msgpack_dumps(sorted(self.bin.strings)))
                for name in ("cats", "flags", "span_groups"):
                    emit(srsly.msgpack_dumps(name) + _array_header(n))
                    copy(name)
                out.write(comp.flush())
        finally:
            for fh in self.parts.values():
                fh.close()
            self.tmp.cleanup()


# Tokens per .spacy file. A DocBin keeps 13 attributes of 8 bytes per token in one msgpack
# binary, which cannot pass 4 GiB (about 41 M tokens; a 100,000-article train split failed
# there), and spaCy's Corpus and this module's reader load a whole file at once (the reader
# refuses more than MAX_INFLATED_BYTES). A split of more tokens is written as shards of at most
# this many (about 110 MB inflated each; a longer document alone).
SHARD_TOKENS = 1_000_000


class ShardedDocBin:
    """One split's DocBin: ``{split}.spacy`` while it holds at most ``max_tokens`` tokens, else
    the folder ``{split}/`` of ``{split}-0001.spacy``, ``{split}-0002.spacy``, ... each of at
    most ``max_tokens`` tokens (a document longer than that alone), in document order. Each
    shard is written when the next one starts, and dropped."""

    def __init__(self, out: Path, split: str, max_tokens: int = SHARD_TOKENS) -> None:
        self.out = out
        self.split = split
        self.max_tokens = max(1, max_tokens)
        self.current = StreamingDocBin(out / f"{split}.spacy")
        self.shards = 0  # shards written so far

    def add(self, doc: Any) -> None:
        current = self.current
        if current.tokens and current.tokens + len(doc) > self.max_tokens:
            self.shards += 1
            current.close(self._shard(self.shards))
            self.current = StreamingDocBin(self.out / f"{self.split}.spacy")
        self.current.add(doc)

    def _shard(self, k: int) -> Path:
        return self.out / self.split / f"{self.split}-{k:04d}.spacy"

    @property
    def name(self) -> str:
        """The file or folder written, relative to the export folder (spaCy reads either)."""
        return self.split if self.shards else f"{self.split}.spacy"

    def close(self) -> None:
        if self.shards:
            self.shards += 1
            self.current.close(self._shard(self.shards))
        else:
            self.current.close()


def write_config(
    path: Path, ctx: ExportContext, ner: bool, max_len: int, train: str, dev: str
) -> None:
    """Write a complete training config from spaCy's own defaults (``train`` and ``dev``: the
    file or folder of each split)."""
    from spacy.cli.init_config import init_config

    pipeline = (["ner"] if ner else []) + ["spancat"]
    config = init_config(lang=ctx.lang, pipeline=pipeline, optimize="efficiency", gpu=False)
    config["paths"]["train"] = train
    config["paths"]["dev"] = dev
    config["components"]["spancat"]["spans_key"] = SPANS_KEY
    config["components"]["spancat"]["suggester"] = {
        "@misc": "spacy.ngram_range_suggester.v1",
        "min_size": 1,
        "max_size": max(1, min(max_len, MAX_SUGGESTER)),
    }
    config.to_disk(path)


def _percentile(counts: Counter[int], q: float) -> int:
    """The value at rank ``int(q * n)`` (clamped) of the ``n`` values counted in ``counts``."""
    n = sum(counts.values())
    if not n:
        return 1
    rank = min(n - 1, int(q * n))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen > rank:
            return value
    return max(counts)


NEEDS_STATS = True  # doc.ents labels are chosen from every span of the export up front


def write(
    docs: Iterable[DocData],
    out: Path,
    ctx: ExportContext,
    *,
    shard_tokens: int = SHARD_TOKENS,
    renew_every: int = RENEW_EVERY,
) -> ExportSummary:
    summary = new_summary("spacy", ctx)
    docs, stats = corpus_stats(docs, ctx)
    pairs = stats.overlaps
    ent_list = choose_non_overlapping(stats.label_counts, pairs)
    ent_labels = set(ent_list)
    others = sorted(set(stats.label_counts) - ent_labels)
    summary.notes.append(
        f"doc.ents labels: {', '.join(ent_list) or 'none'}; "
        f"only in doc.spans['{SPANS_KEY}']: {', '.join(others) or 'none'}"
    )
    for (a, b), n in sorted(pairs.items()):
        summary.notes.append(f"{n} overlap(s) between {a} and {b} spans (all kept in spans['sc'])")
    no_split_note = None  # its place in the notes
    if ctx.splits is None:
        no_split_note = len(summary.notes)
        summary.notes.append("no split given: every document is in train.spacy")
        ctx = replace(ctx, splits={})  # every document in train
    out.mkdir(parents=True, exist_ok=True)
    converter = _DocConverter(ctx, summary, ent_labels, renew_every)
    bins = {split: ShardedDocBin(out, split, shard_tokens) for split in SPLIT_NAMES}
    try:
        for doc in docs:
            split = ctx.split_of(doc)
            summary.add_doc(split)
            bins[split].add(converter.convert(doc, split))
    finally:
        for split in SPLIT_NAMES:
            bins[split].close()
    if no_split_note is not None and bins["train"].shards:
        summary.notes[no_split_note] = "no split given: every document is in the folder train/"
    for split in SPLIT_NAMES:
        written = bins[split]
        if written.shards:
            summary.files.append(f"{split}/{split}-*.spacy")
            summary.notes.append(
                f"{split} is {written.shards} DocBin files in the folder {split}/ "
                f"({split}-0001.spacy to {split}-{written.shards:04d}.spacy, at most "
                f"{shard_tokens:,} tokens each, in document order): spaCy reads the folder as "
                f"one corpus (--paths.{split} {split}), and so does import"
            )
        else:
            summary.files.append(f"{split}.spacy")
        if not summary.documents[split]:
            summary.notes.append(f"{split}.spacy is empty")
    max_len = _percentile(converter.lengths, 0.95)
    train, dev = bins["train"].name, bins["dev"].name
    write_config(out / "config.cfg", ctx, bool(ent_labels), max_len, train, dev)
    summary.files.append("config.cfg")
    summary.notes.append(
        f"spancat proposes spans of 1 to {max(1, min(max_len, MAX_SUGGESTER))} tokens "
        f"(95th percentile of span lengths, at most {MAX_SUGGESTER}); edit "
        "[components.spancat.suggester] in config.cfg to change it"
    )
    summary.notes.append(
        f"train: python -m spacy train config.cfg --paths.train {train} "
        f"--paths.dev {dev} --output model"
    )
    return summary
