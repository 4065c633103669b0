"""CSV of documents: a ``text`` column and optional ``id``, ``title``, ``date``, ``url``,
``source`` columns; other columns are kept as metadata."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import ImportFailed
from annotator.importers import ReadOptions
from annotator.importers.plaintext import parse_date
from annotator.model import DocData
from annotator.textfile import read_text

_KNOWN = {"id", "text", "title", "date", "published", "url", "source"}


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    for file in files:
        content = read_text(file, options.encoding)
        reader = csv.DictReader(io.StringIO(content, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if "text" not in header:
            raise ImportFailed("a CSV of documents needs a 'text' column", path=str(file), line=1)
        reader.fieldnames = header
        try:
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise ImportFailed("row has more cells than the header", path=str(file),
                                       line=line)
                text = row.get("text") or ""
                if not text.strip():
                    raise ImportFailed("row has an empty 'text'", path=str(file), line=line)
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
                doc_id = (row.get("id") or "").strip() or f"{file.stem}-{line}"
                yield DocData(doc_id, text, meta, source_path=str(file), source_line=line)
        except csv.Error as exc:
            raise ImportFailed(f"malformed CSV: {exc}", path=str(file),
                               line=reader.line_num) from None
