"""Helpers shared by the readers: JSON record streams, stable unique ids, file listing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed

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
