"""Stored token boundaries: a sidecar cache file beside a project (``<project>.tokens``).

Why a sidecar and not the project database: token boundaries are derived data, recomputable at
any time from the document text; keeping them out of the project file needs no schema change
(no migration), never grows or locks the project database during annotation, and a damaged or
deleted cache costs one re-tokenisation, never the project. Entries are keyed by the SHA-256 of
the document text (texts never change once imported) and the file records the tokenizer version
it was built with: a different version empties it (a tokenizer change invalidates every entry).

Values are plain bytes (the caller packs and unpacks them); the file is a small SQLite database
written in one transaction per batch. Any error reading or writing it is swallowed by the
callers' contract: ``TokenCache`` methods raise ``TokenCacheError`` and callers fall back to
tokenising.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

SUFFIX = ".tokens"
_BATCH = 900  # bound parameters per IN (...) list


class TokenCacheError(Exception):
    """The cache file cannot be used (unreadable, locked, not a cache)."""


def cache_path(project_path: str | Path) -> Path:
    path = Path(project_path)
    return path.with_name(path.name + SUFFIX)


class TokenCache:
    """Token boundaries per text hash, for one tokenizer version."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = Path(path)
        self.version = version
        try:
            self._con = sqlite3.connect(self.path, timeout=2.0)
            self._con.execute("PRAGMA journal_mode=WAL")
            with self._con:
                self._con.execute(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
                self._con.execute(
                    "CREATE TABLE IF NOT EXISTS tokens (sha256 TEXT PRIMARY KEY, bounds BLOB)"
                )
                row = self._con.execute("SELECT value FROM meta WHERE key = 'tokenizer'").fetchone()
                if row is None or row[0] != version:
                    self._con.execute("DELETE FROM tokens")
                    self._con.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('tokenizer', ?)",
                        (version,),
                    )
        except sqlite3.Error as exc:
            raise TokenCacheError(f"{self.path}: {exc}") from None

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        try:
            for i in range(0, len(keys), _BATCH):
                chunk = keys[i : i + _BATCH]
                marks = ",".join("?" * len(chunk))
                out.update(
                    self._con.execute(
                        f"SELECT sha256, bounds FROM tokens WHERE sha256 IN ({marks})", chunk
                    ).fetchall()
                )
        except sqlite3.Error as exc:
            raise TokenCacheError(f"{self.path}: {exc}") from None
        return out

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        try:
            with self._con:
                self._con.executemany(
                    "INSERT OR REPLACE INTO tokens (sha256, bounds) VALUES (?, ?)", items
                )
        except sqlite3.Error as exc:
            raise TokenCacheError(f"{self.path}: {exc}") from None

    def count(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM tokens").fetchone()[0])

    def close(self) -> None:
        self._con.close()
