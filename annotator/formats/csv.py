"""CSV of documents: a ``text`` column and optional ``id``, ``title``, ``date``, ``url``,
``source`` columns; other columns are kept as metadata.

Writing:

Analysts' tables: ``claims.csv``, ``events.csv`` and ``actors.csv`` (UTF-8 with a byte-order
mark so spreadsheet programs read the accents right; one row per claim, event or actor).

- claims: document, date, claim text, claimant, claimant's registry name, form, stance, then
  ``about`` (text of what the claim is about).
- events: document, date, type, status, trigger, agent, target, place, time.
- actors: registry name, type, aliases, mention count, documents (counted in this export).
Several values in one cell (two claimants, say) are joined with `` | ``. With a split, a last
``split`` column says where each document went.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annotator.errors import ImportFailed
from annotator.formats.plaintext import parse_date
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import open_text
from annotator.formats.writing import ExportContext, ExportSummary, new_summary
from annotator.values import DocData, SpanData

_KNOWN = {"id", "text", "title", "date", "published", "url", "source"}


_SHAPE = re.compile(r"\d+")


def _swallowed_row(cell: str, own_id: str, width: int) -> int | None:
    """Index (from 1) of a line inside a multi-line cell that reads as a whole row of the table
    with an id of the same shape as the record's own: the sign of an unbalanced quote that
    swallowed the rows after it. None when there is none."""
    shape = _SHAPE.sub("0", own_id)
    for n, line in enumerate(cell.split("\n")[1:], start=1):
        try:
            fields = next(csv.reader([line], strict=True))
        except (csv.Error, StopIteration):
            continue
        if len(fields) == width and fields[0].strip() and _SHAPE.sub("0", fields[0]) == shape:
            return n
    return None


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    for file in files:
        yield from _read_file(file, options)


def _read_file(file: Path, options: ReadOptions) -> Iterator[DocData]:
    """One document per row, read as the file is (the ``csv`` module over the open file); a
    malformed row or cell stops with the line where its record starts."""
    # A news article can be longer than the csv module's default cell limit (131,072): no cell
    # is longer than the file has bytes.
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(file)) from None
    csv.field_size_limit(max(csv.field_size_limit(), size + 1))
    with open_text(file, options.encoding) as fh:
        yield from _documents_of(csv.DictReader(fh, strict=True), file)


def _documents_of(reader: csv.DictReader[str], file: Path) -> Iterator[DocData]:
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportFailed(f"malformed CSV header: {exc}", path=str(file), line=1) from None
    if "text" not in header:
        raise ImportFailed("a CSV of documents needs a 'text' column", path=str(file), line=1)
    reader.fieldnames = header
    first = reader.line_num + 1  # physical line where the record being read starts
    try:
        for row in reader:
            line = first
            first = reader.line_num + 1
            yield _row_document(row, file, line, reader.line_num, len(header))
    except csv.Error as exc:
        reason = (
            "a quoted cell is never closed (unbalanced quote)"
            if "unexpected end of data" in str(exc)
            else f"malformed CSV: {exc} (an unbalanced quote?)"
        )
        raise ImportFailed(reason, path=str(file), line=first) from None


def _row_document(
    row: dict[str, str], file: Path, line: int, last_line: int, n_columns: int
) -> DocData:
    """The document of the row whose record runs from ``line`` to ``last_line``."""
    if None in row:
        raise ImportFailed("row has more cells than the header", path=str(file), line=line)
    text = row.get("text") or ""
    if not text.strip():
        raise ImportFailed("row has an empty 'text'", path=str(file), line=line)
    own_id = (row.get("id") or "").strip()
    if own_id and last_line > line:
        for key, cell in row.items():
            inner = _swallowed_row(cell or "", own_id, n_columns)
            if inner is not None:
                raise ImportFailed(
                    f"the '{key}' cell runs over line {line + inner}, which reads "
                    "as a row of its own: an unbalanced quote?",
                    path=str(file),
                    line=line,
                )
    doc_id = own_id or f"{file.stem}-{line}"
    return DocData(doc_id, text, _row_meta(row), source_path=str(file), source_line=line)


def _row_meta(row: dict[str, str]) -> dict[str, str]:
    """Title, url, source, the date (as ISO when it parses) and every unknown column."""
    meta: dict[str, str] = {}
    for key in ("title", "url", "source"):
        if row.get(key):
            meta[key] = row[key].strip()
    raw_date = (row.get("date") or row.get("published") or "").strip()
    if raw_date:
        meta["published"] = parse_date(raw_date) or raw_date
    for key, value in row.items():
        if key not in _KNOWN and value:
            meta[key] = value
    return meta


CLAIM, EVENT, ACTOR = "CLAIM", "EVENT", "ACTOR"
JOIN = " | "
CLAIM_COLUMNS = [
    "document",
    "date",
    "claim",
    "claimant",
    "claimant_registry_name",
    "form",
    "stance",
    "about",
]
EVENT_COLUMNS = [
    "document",
    "date",
    "type",
    "status",
    "trigger",
    "agent",
    "target",
    "place",
    "time",
]
ACTOR_COLUMNS = ["registry_name", "type", "aliases", "mentions", "documents"]


def _cell(values: Sequence[str]) -> str:
    return JOIN.join(v for v in values if v)


def _rows(doc: DocData) -> tuple[list[list[str]], list[list[str]]]:
    spans = {s.id: s for s in doc.spans}
    roles: dict[str, dict[str, list[SpanData]]] = defaultdict(lambda: defaultdict(list))
    for rel in doc.relations:
        if rel.tail in spans:
            roles[rel.head][rel.label].append(spans[rel.tail])

    def texts(span_id: str, role: str) -> list[str]:
        return [doc.text[t.start : t.end] for t in roles[span_id][role]]

    date = str(doc.meta.get("published") or "")
    claims, events = [], []
    for span in sorted(doc.spans, key=lambda s: (s.start, s.end)):
        if span.label == CLAIM:
            claimants = roles[span.id]["claimant"]
            claims.append(
                [
                    doc.id,
                    date,
                    doc.text[span.start : span.end],
                    _cell(texts(span.id, "claimant")),
                    _cell([c.entity or "" for c in claimants]),
                    str(span.attrs.get("form", "")),
                    str(span.attrs.get("stance", "")),
                    _cell(texts(span.id, "about")),
                ]
            )
        elif span.label == EVENT:
            events.append(
                [
                    doc.id,
                    date,
                    str(span.attrs.get("type", "")),
                    str(span.attrs.get("status", "")),
                    doc.text[span.start : span.end],
                    *(_cell(texts(span.id, role)) for role in ("agent", "target", "place", "time")),
                ]
            )
    return claims, events


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("csv", ctx)
    out.mkdir(parents=True, exist_ok=True)
    split_col = ["split"] if ctx.splits is not None else []
    mentions: Counter[str] = Counter()
    documents: dict[str, set[str]] = defaultdict(set)
    types: dict[str, str] = {}
    n_claims = n_events = unlinked = 0
    with (
        (out / "claims.csv").open("w", encoding="utf-8-sig", newline="") as claims_fh,
        (out / "events.csv").open("w", encoding="utf-8-sig", newline="") as events_fh,
    ):
        claim_out, event_out = csv.writer(claims_fh), csv.writer(events_fh)
        claim_out.writerow(CLAIM_COLUMNS + split_col)
        event_out.writerow(EVENT_COLUMNS + split_col)
        for doc in docs:
            split = ctx.split_of(doc)
            summary.add_doc(split)
            extra = [split] if split_col else []
            claims, events = _rows(doc)
            claim_out.writerows([row + extra for row in claims])
            event_out.writerows([row + extra for row in events])
            n_claims += len(claims)
            n_events += len(events)
            for span in doc.spans:
                summary.add_span(split, span.label)
                if span.label == ACTOR and not span.entity:
                    unlinked += 1
                if span.entity:
                    mentions[span.entity] += 1
                    documents[span.entity].add(doc.id)
                    if span.entity_type:
                        types.setdefault(span.entity, span.entity_type)
            summary.relations.update(r.label for r in doc.relations)
    actor_rows: list[list[str]] = []
    listed: set[str] = set()
    for entry in ctx.entities:
        listed.add(entry.name)
        actor_rows.append(
            [
                entry.name,
                entry.type or types.get(entry.name, ""),
                _cell(entry.aliases),
                str(mentions[entry.name]),
                str(len(documents[entry.name])),
            ]
        )
    for name in sorted(set(mentions) - listed):
        actor_rows.append(
            [name, types.get(name, ""), "", str(mentions[name]), str(len(documents[name]))]
        )
    with (out / "actors.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACTOR_COLUMNS)
        writer.writerows(actor_rows)
    summary.files += ["claims.csv", "events.csv", "actors.csv"]
    summary.notes.append(
        f"{n_claims} claims, {n_events} events, {len(actor_rows)} registry actors in the tables"
        + (
            f" ({unlinked} ACTOR mentions are not linked to a registry actor, so actors.csv "
            "does not list them)"
            if unlinked
            else ""
        )
    )
    return summary
