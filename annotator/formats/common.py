"""Helpers shared by the readers: JSON record streams, stable unique ids, file listing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

from annotator.errors import ImportFailed
from annotator.formats.textfile import read_text

_WS = " \t\r\n\ufeff"


def iter_json_records(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, object)`` for JSON Lines *and* for concatenated, pretty-printed objects.

    doccano's relation export is pretty-printed JSON objects one after another, not one per line;
    both shapes are accepted. ``line`` is the 1-based line where the object starts.
    """
    decoder = json.JSONDecoder()
    pos, line, n = 0, 1, len(text)
    while True:
        start = pos
        while pos < n and text[pos] in _WS:
            pos += 1
        line += text.count("\n", start, pos)
        if pos >= n:
            return
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            bad_line = line + text.count("\n", pos, exc.pos)
            raise ImportFailed(f"invalid JSON: {exc.msg}", path=name, line=bad_line) from None
        except RecursionError:
            raise ImportFailed("JSON nested too deeply to read", path=name, line=line) from None
        yield line, obj
        line += text.count("\n", pos, end)
        pos = end


class UniqueIds:
    """Hands out document ids, suffixing repeats (``x``, ``x-2``, ``x-3``) to keep them unique."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, wanted: str) -> str:
        n = self._seen.get(wanted, 0) + 1
        self._seen[wanted] = n
        if n == 1:
            return wanted
        candidate = f"{wanted}-{n}"
        while candidate in self._seen:
            n += 1
            candidate = f"{wanted}-{n}"
        self._seen[candidate] = 1
        self._seen[wanted] = n
        return candidate


def files_with_suffix(path: Path, suffixes: Iterable[str]) -> list[Path]:
    """``path`` itself when it is a file, else its files (recursively) with one of ``suffixes``."""
    if path.is_file():
        return [path]
    wanted = {s.lower() for s in suffixes}
    found = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in wanted and not p.name.startswith(".")
    )
    if not found:
        raise ImportFailed(f"no {'/'.join(sorted(wanted))} files in the folder", path=str(path))
    return found


def rel_name(path: Path, root: Path) -> str:
    """Stable id stem: the path below ``root`` without suffix, with '/' separators."""
    try:
        rel = path.relative_to(root) if root.is_dir() else Path(path.name)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


class JsonRecord(NamedTuple):
    """One JSON record of a file being read."""

    file: str  # the file's path, for messages
    stem: str  # the file's path below the folder read, without suffix (see rel_name)
    number: int  # the record's number in its file, from 1
    line: int  # the line where the record starts
    value: Any


def json_records(
    path: Path, suffixes: Iterable[str], encoding: str | None, *, arrays: bool = False
) -> Iterator[JsonRecord]:
    """Every JSON record of ``path`` (a file, or a folder's files with one of ``suffixes``),
    JSON Lines or objects one after another; with ``arrays``, the items of a top-level array
    are records of their own (a ``.json`` export)."""
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, suffixes):
        name = str(file)
        stem = rel_name(file, root)
        n = 0
        for line, top in iter_json_records(read_text(file, encoding), name):
            for value in top if arrays and isinstance(top, list) else [top]:
                n += 1
                yield JsonRecord(name, stem, n, line, value)


# ---------------------------------------------------------------- strict JSON field readers


def is_offset(value: Any) -> TypeGuard[int]:
    """A JSON offset or token index: a non-negative integer, never a boolean (``true`` is an
    ``int`` in Python), a float or a string (``int()`` would take "1_4" and Arabic-Indic
    digits)."""
    return type(value) is int and value >= 0


def json_list(record: dict[str, Any], key: str, name: str, line: int | None) -> list[Any]:
    """``record[key]`` as a list (absent or null: empty); anything else is refused."""
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportFailed(f"'{key}' must be a list, not {_json_type(value)}", path=name, line=line)
    return value


def name_value(value: Any) -> str | None:
    """An optional name (layer, entity, annotator) read from JSON: a string or an integer
    (as a string); None for null or ""; an object, a list, a float or a boolean raises
    TypeError rather than being stringified."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if type(value) is int:
        return str(value)
    raise TypeError(type(value).__name__)


def json_name(value: Any, what: str, name: str, line: int | None) -> str | None:
    """:func:`name_value`, refusing anything else with an import error naming ``what``."""
    try:
        return name_value(value)
    except TypeError:
        raise ImportFailed(
            f"'{what}' must be a string, not {_json_type(value)}", path=name, line=line
        ) from None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null"


def iter_json_document(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, item)`` for each item of a top-level JSON array (``line`` is where the
    item starts), or ``(line, value)`` once for any other JSON value; errors name the line."""
    decoder = json.JSONDecoder()
    n = len(text)
    mark = [0, 1]  # a position and its line: positions only grow, so counting stays linear

    def line_at(p: int) -> int:
        mark[1] += text.count("\n", mark[0], p)
        mark[0] = p
        return mark[1]

    def skip(p: int) -> int:
        while p < n and text[p] in _WS:
            p += 1
        return p

    pos = skip(0)
    try:
        if pos >= n or text[pos] != "[":
            value, end = decoder.raw_decode(text, pos)
            if skip(end) < n:
                raise ImportFailed("extra data after the JSON value", path=name, line=line_at(end))
            yield line_at(pos), value
            return
        pos = skip(pos + 1)
        if pos < n and text[pos] == "]":
            pos += 1
        else:
            while True:
                if pos >= n:
                    raise ImportFailed(
                        "the JSON array is not closed (truncated file?)",
                        path=name,
                        line=line_at(n),
                    )
                line = line_at(pos)
                item, pos = decoder.raw_decode(text, pos)
                yield line, item
                pos = skip(pos)
                if pos < n and text[pos] == "]":
                    pos += 1
                    break
                if pos < n and text[pos] != ",":
                    raise ImportFailed(
                        "expected ',' or ']' between array items", path=name, line=line_at(pos)
                    )
                pos = skip(pos + 1)
        if skip(pos) < n:
            raise ImportFailed("extra data after the JSON array", path=name, line=line_at(pos))
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"invalid JSON: {exc.msg}", path=name, line=exc.lineno) from None
    except RecursionError:
        raise ImportFailed(
            "JSON nested too deeply to read", path=name, line=line_at(max(pos, mark[0]))
        ) from None


_UNSAFE_IN_NAME = re.compile(r"[^\w.\-]+")


def unique_file_stem(doc_id: str, taken: set[str]) -> str:
    """A safe relative file name (folders kept) for a document id, unique among ``taken``
    without regard to case (case-insensitive file systems), which it joins."""
    parts = [_UNSAFE_IN_NAME.sub("_", p).strip(".") or "_" for p in doc_id.split("/") if p]
    stem = "/".join(parts) or "doc"
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate
