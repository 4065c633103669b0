"""Helpers shared by the readers: JSON record streams, stable unique ids, file listing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

from annotator.errors import ImportFailed
from annotator.formats.textfile import iter_chunks

_WS = " \t\r\n\ufeff"


class _JsonStream:
    """JSON values read one at a time from text that comes in pieces (``iter_chunks``): a
    sliding buffer holds the value being decoded and what follows it, never the whole file.
    Positions are buffer offsets; ``line_at`` counts lines as the read position moves on."""

    _KEEP = 1 << 16  # drop what has been read once this much of the buffer is behind us

    def __init__(self, pieces: Iterable[str], name: str) -> None:
        self.pieces = iter(pieces)
        self.name = name
        self.buf = ""
        self.pos = 0  # read position in buf
        self.eof = False
        self.mark, self.mark_line = 0, 1  # a buffer position and its line (positions only grow)
        self.decoder = json.JSONDecoder()

    def line_at(self, p: int) -> int:
        self.mark_line += self.buf.count("\n", self.mark, p)
        self.mark = p
        return self.mark_line

    def _more(self, at_least: int = 0) -> bool:
        """Append the next piece(s), at least ``at_least`` characters when there are; False at
        the end of the text."""
        if self.eof:
            return False
        added = 0
        parts = [self.buf]
        while True:
            piece = next(self.pieces, None)
            if piece is None:
                self.eof = True
                break
            parts.append(piece)
            added += len(piece)
            if added >= at_least and piece:
                break
        self.buf = "".join(parts)
        return added > 0

    def skip_ws(self) -> bool:
        """Move past white space; False at the end of the text. Between two values, so what
        is behind the read position is forgotten here."""
        if self.pos > self._KEEP and 2 * self.pos > len(self.buf):  # copies stay linear
            self.line_at(self.pos)
            self.buf = self.buf[self.pos :]
            self.mark -= self.pos
            self.pos = 0
        while True:
            buf, n, p = self.buf, len(self.buf), self.pos
            while p < n and buf[p] in _WS:
                p += 1
            self.pos = p
            if p < n:
                return True
            if not self._more():
                return False

    def peek(self) -> str:
        """The next character after white space ("" at the end)."""
        return self.buf[self.pos] if self.skip_ws() else ""

    def decode(self) -> tuple[int, Any]:
        """The JSON value at the read position and the line where it starts; an error names
        the line where the decoder stopped."""
        line = self.line_at(self.pos)
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._cut_short(exc) and self._more(len(self.buf) - self.pos):
                    continue
                bad = self.line_at(exc.pos)
                raise ImportFailed(f"invalid JSON: {exc.msg}", path=self.name, line=bad) from None
            except RecursionError:
                raise ImportFailed(
                    "JSON nested too deeply to read", path=self.name, line=line
                ) from None
            # a number near the end of the buffer may go on in the next piece ("12" of "12.5e3")
            if (
                type(value) in (int, float)
                and len(self.buf) - end < 64
                and self._more(len(self.buf) - self.pos)
            ):
                continue
            self.pos = end
            return line, value

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the decoder may have failed only because the buffer ends too soon."""
        if self.eof:
            return False
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16

    def expect(self, char: str) -> None:
        """Step over ``char`` (the caller has peeked it)."""
        self.pos += len(char)


def iter_json_records(pieces: Iterable[str], name: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, object)`` for JSON Lines *and* for concatenated, pretty-printed objects,
    read from the file's text in pieces (``textfile.iter_chunks``; a ``str`` is one piece).

    doccano's relation export is pretty-printed JSON objects one after another, not one per line;
    both shapes are accepted. ``line`` is the 1-based line where the object starts.
    """
    stream = _JsonStream([pieces] if isinstance(pieces, str) else pieces, name)
    while stream.skip_ws():
        yield stream.decode()


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
        for line, top in iter_json_records(iter_chunks(file, encoding), name):
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


def iter_json_document(pieces: Iterable[str], name: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, item)`` for each item of a top-level JSON array (``line`` is where the
    item starts), or ``(line, value)`` once for any other JSON value; errors name the line. The
    text comes in pieces (``textfile.iter_chunks``; a ``str`` is one piece) and one item at a
    time is decoded, so a large array is never held whole."""
    stream = _JsonStream([pieces] if isinstance(pieces, str) else pieces, name)
    if stream.peek() != "[":
        line, value = stream.decode()
        end_line = stream.line_at(stream.pos)
        if stream.skip_ws():
            raise ImportFailed("extra data after the JSON value", path=name, line=end_line)
        yield line, value
        return
    stream.expect("[")
    if stream.peek() == "]":
        stream.expect("]")
    else:
        while True:
            if not stream.skip_ws():
                raise ImportFailed(
                    "the JSON array is not closed (truncated file?)",
                    path=name,
                    line=stream.line_at(len(stream.buf)),
                )
            yield stream.decode()
            char = stream.peek()
            if char == "]":
                stream.expect("]")
                break
            if char and char != ",":
                raise ImportFailed(
                    "expected ',' or ']' between array items",
                    path=name,
                    line=stream.line_at(stream.pos),
                )
            stream.expect(char)
    end_line = stream.line_at(stream.pos)
    if stream.skip_ws():
        raise ImportFailed("extra data after the JSON array", path=name, line=end_line)


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
