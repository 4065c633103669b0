"""Token boundaries (spaCy's English tokenizer) and token codes of spans, as numpy arrays.

Agreement statistics that work on tokens (Cohen, Fleiss, Krippendorff) need each document split
into tokens once, and then, for every annotator and label, a 0/1 code per token. Both steps are
vectorised here: a document is tokenised once into arrays of token starts and ends (code points,
``[start, end)``), and spans are turned into codes with ``searchsorted`` and a difference array,
without a Python loop over tokens.

Many documents are handled as one long "virtual text": document ``d`` occupies the character
range ``[char_offsets[d], char_offsets[d + 1])`` and its tokens are the slice
``token_offsets[d]:token_offsets[d + 1]`` of ``starts``/``ends``. A span of document ``d`` is
shifted by ``char_offsets[d]`` and coded against all tokens at once.

Token bounds of texts seen before in the process are kept in ``TOKEN_CACHE`` (bounded), so a
dashboard that recomputes agreement as work lands does not tokenise again. Across processes,
``stored_tokens(project_path)`` attaches the project's token file (``storage.token_cache``):
bounds are then read from it by text hash, and only texts never seen are tokenised and stored
(the file is then the cache: they are not also kept in memory), so spaCy is not even imported
when every document's tokens are stored.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], Any]:
    import spacy  # lazy: spaCy is slow to import and only needed here

    return spacy.blank("en").tokenizer


# the tokenizer's vocabulary and piece cache gain an entry per new word and are never emptied:
# over a large corpus (a first run tokenising 100,000 articles) it is rebuilt every so many texts
TEXTS_PER_TOKENIZER = 20_000


class _Tokenised:
    count = 0  # texts tokenised by the current tokenizer


_TOKENISED = _Tokenised()


def _new_bounds(text: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """``_bounds32`` of a text not found in any cache (the tokenizer rebuilt when due)."""
    if _TOKENISED.count >= TEXTS_PER_TOKENIZER:
        _tokenizer.cache_clear()
        _TOKENISED.count = 0
    _TOKENISED.count += 1
    return _bounds32(_tokenizer(), text)


def token_bounds(text: str) -> tuple[IntArray, IntArray]:
    """Starts and ends (code points, ``[start, end)``) of the tokens of ``text``, in order.

    Whitespace tokens that spaCy emits for runs of extra spaces or newlines are kept.
    """
    starts, ends = _bounds32(_tokenizer(), text)
    return starts.astype(np.int64), ends.astype(np.int64)


def _bounds32(
    tokenizer: Callable[[str], Any], text: str
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """``token_bounds`` as int32 (texts are far shorter than 2**31 code points)."""
    from spacy.attrs import IDX, LENGTH

    doc = tokenizer(text)
    if len(doc) == 0:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty.copy()
    # one (2, n) block: row 0 the starts, row 1 the lengths and then the ends
    block = doc.to_array([IDX, LENGTH]).T.astype(np.int32)
    block[1] += block[0]
    return block[0], block[1]


@dataclass(frozen=True, slots=True)
class TokenTable:
    """Tokens of many documents, concatenated (see the module docstring)."""

    starts: IntArray  # global character start of every token
    ends: IntArray
    token_offsets: IntArray  # len n_docs + 1
    char_offsets: IntArray  # len n_docs + 1

    @property
    def n_docs(self) -> int:
        return len(self.token_offsets) - 1

    @property
    def n_tokens(self) -> int:
        return len(self.starts)

    def tokens_per_doc(self) -> IntArray:
        return np.diff(self.token_offsets)

    def doc_bounds(self, doc: int) -> tuple[IntArray, IntArray]:
        """Token starts and ends of one document, relative to its own text."""
        lo, hi = self.token_offsets[doc], self.token_offsets[doc + 1]
        base = self.char_offsets[doc]
        return self.starts[lo:hi] - base, self.ends[lo:hi] - base


class _TokenCache:
    """Token bounds of recently tokenised texts (keyed by the text itself: Python caches a str's
    hash, and the texts are held by the caller's documents anyway), so that a
    dashboard or a second agreement run in the same process does not tokenise again. Bounded
    by the number of tokens held (least recently used texts are dropped first)."""

    def __init__(self, max_tokens: int = 8_000_000) -> None:
        self.max_tokens = max_tokens
        self.tokens = 0
        self.items: OrderedDict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]]
        self.items = OrderedDict()

    def bounds(self, text: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        hit = self.items.get(text)
        if hit is not None:
            self.items.move_to_end(text)
            return hit
        value = _new_bounds(text)
        self.items[text] = value
        self.tokens += len(value[0])
        while self.tokens > self.max_tokens and self.items:
            _, (old, _) = self.items.popitem(last=False)
            self.tokens -= len(old)
        return value

    def clear(self) -> None:
        self.items.clear()
        self.tokens = 0


TOKEN_CACHE = _TokenCache()

_FORMAT = 1  # layout of a stored entry: int32 starts then int32 ends


def tokenizer_version() -> str:
    """What the stored bounds depend on: spaCy's version (its English tokenizer rules ship with
    it), the blank English pipeline and our entry layout. Read without importing spaCy."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        spacy_version = version("spacy")
    except PackageNotFoundError:  # pragma: no cover - spaCy is a dependency
        spacy_version = "unknown"
    return f"spacy {spacy_version}; blank en tokenizer; layout {_FORMAT}"


class _Stored:
    """The token file attached by ``stored_tokens``."""

    cache: Any = None


_STORED = _Stored()


@contextmanager
def stored_tokens(project_path: str | Path) -> Iterator[None]:
    """Read and record token bounds in the token file beside ``project_path`` while inside;
    a file that cannot be used is ignored (tokens are then computed as usual)."""
    from storage.token_cache import TokenCache, TokenCacheError, cache_path

    if "://" in str(project_path):  # a server project: no file beside it (tokens computed)
        yield
        return
    path = cache_path(project_path)
    try:
        cache = TokenCache(path, tokenizer_version())
    except TokenCacheError:
        try:  # only a cache: a damaged file is rebuilt
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            cache = TokenCache(path, tokenizer_version())
        except (OSError, TokenCacheError):
            yield
            return
    previous, _STORED.cache = _STORED.cache, cache
    try:
        yield
    finally:
        _STORED.cache = previous
        cache.close()


def _pack(bounds: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]) -> bytes:
    return bounds[0].astype("<i4").tobytes() + bounds[1].astype("<i4").tobytes()


def _bounds_of(texts: Sequence[str]) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]]:
    """Bounds of every text: from this process's cache, the token file, or the tokenizer."""
    from storage.token_cache import TokenCacheError

    cache = _STORED.cache
    items = TOKEN_CACHE.items
    if cache is None:
        return [TOKEN_CACHE.bounds(text) for text in texts]
    out: list[Any] = [items.get(text) for text in texts]
    missing = [i for i, hit in enumerate(out) if hit is None]
    if not missing:
        return out
    keys = {i: hashlib.sha256(texts[i].encode("utf-8")).hexdigest() for i in missing}
    try:
        found = cache.get_many(list(dict.fromkeys(keys.values())))
    except TokenCacheError:
        found = {}
    new: dict[str, bytes] = {}
    stored = [(i, found[keys[i]]) for i in missing if keys[i] in found]
    # every stored entry in one array (one conversion, not one per document); each document's
    # starts and ends are views of it
    every = np.frombuffer(b"".join(blob for _i, blob in stored), dtype="<i4")
    every = every.astype(np.int32, copy=False)
    at = 0
    for i, blob in stored:
        half = len(blob) // 8
        out[i] = every[at : at + half], every[at + half : at + 2 * half]
        at += 2 * half
    for i in missing:
        if out[i] is None:
            # the token file is the cache here: the bounds are not also kept in memory, so a
            # first run over a large corpus (batch by batch) does not grow with it
            out[i] = _new_bounds(texts[i])
            new[keys[i]] = _pack(out[i])
    if new:
        try:
            cache.put_many(new.items())
        except TokenCacheError:
            pass  # a cache that cannot be written is only slower
    return out


def tokenize_texts(texts: Sequence[str]) -> TokenTable:
    """Tokenise every text once and concatenate the results into one ``TokenTable``.

    spaCy's tokenizer caches the tokens of every distinct whitespace-separated piece, so this
    runs at well under a microsecond per token on news text (a numpy re-implementation of its
    piece cutting, with our own piece cache, was tried and was not faster). Texts tokenised
    before in this process come from ``TOKEN_CACHE``.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    char_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=char_offsets[1:])
    pairs = _bounds_of(texts)
    counts = np.fromiter((len(s) for s, _ in pairs), dtype=np.int64, count=len(pairs))
    shift = np.repeat(char_offsets[:-1], counts)
    if pairs:
        starts = np.concatenate([s for s, _ in pairs], dtype=np.int64)
        starts += shift
        ends = np.concatenate([e for _, e in pairs], dtype=np.int64)
        ends += shift
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    return TokenTable(starts, ends, np.r_[0, np.cumsum(counts)], char_offsets)


def _token_ranges(
    tok_starts: IntArray, tok_ends: IntArray, span_starts: npt.ArrayLike, span_ends: npt.ArrayLike
) -> tuple[IntArray, IntArray]:
    """Token index ranges ``[first, stop)`` touched by the spans, merged into sorted ranges that
    neither overlap nor touch. Empty spans touch nothing."""
    starts = np.asarray(span_starts, dtype=np.int64)
    ends = np.asarray(span_ends, dtype=np.int64)
    # first token whose end lies after the span start; first token starting at or after its end
    first = np.searchsorted(tok_ends, starts, side="right")
    stop = np.searchsorted(tok_starts, ends, side="left")
    keep = (first < stop) & (ends > starts)
    first, stop = first[keep], stop[keep]
    if len(first) == 0:
        return first, stop
    order = np.argsort(first, kind="stable")
    first, stop = first[order], stop[order]
    reach = np.maximum.accumulate(stop)
    new = np.flatnonzero(np.r_[True, first[1:] > reach[:-1]])
    return first[new], reach[np.r_[new[1:] - 1, len(first) - 1]]


def cover_tokens(
    tok_starts: IntArray, tok_ends: IntArray, span_starts: npt.ArrayLike, span_ends: npt.ArrayLike
) -> BoolArray:
    """Code each token True when at least one span ``[start, end)`` covers any of its characters.

    Tokens must be sorted and must not overlap (as a tokenizer produces them). Empty spans cover
    nothing. Works on one document or on the concatenated positions of a ``TokenTable``.
    """
    first, stop = _token_ranges(tok_starts, tok_ends, span_starts, span_ends)
    # the ranges neither overlap nor touch, so a one-byte +1/-1 difference array has no repeated
    # index and its running sum is 0 or 1
    diff = np.zeros(len(tok_starts) + 1, dtype=np.int8)
    diff[first] = 1
    diff[stop] = -1
    return np.cumsum(diff[:-1], dtype=np.int8).view(bool)


def covered_tokens(
    tok_starts: IntArray, tok_ends: IntArray, span_starts: npt.ArrayLike, span_ends: npt.ArrayLike
) -> IntArray:
    """The indices (sorted, unique) of the tokens ``cover_tokens`` codes True; cheaper when
    spans cover a small part of the text."""
    first, stop = _token_ranges(tok_starts, tok_ends, span_starts, span_ends)
    size = stop - first
    return np.repeat(first - np.cumsum(size) + size, size) + np.arange(int(size.sum()))


def _shift(
    table: TokenTable, doc_index: npt.ArrayLike, starts: npt.ArrayLike, ends: npt.ArrayLike
) -> tuple[IntArray, IntArray]:
    shift = table.char_offsets[np.asarray(doc_index, dtype=np.int64)]
    return np.asarray(starts, dtype=np.int64) + shift, np.asarray(ends, dtype=np.int64) + shift


def cover_tokens_in_table(
    table: TokenTable,
    doc_index: npt.ArrayLike,
    span_starts: npt.ArrayLike,
    span_ends: npt.ArrayLike,
) -> BoolArray:
    """``cover_tokens`` for spans of many documents (``doc_index`` says which document)."""
    return cover_tokens(table.starts, table.ends, *_shift(table, doc_index, span_starts, span_ends))


def covered_tokens_in_table(
    table: TokenTable,
    doc_index: npt.ArrayLike,
    span_starts: npt.ArrayLike,
    span_ends: npt.ArrayLike,
) -> IntArray:
    """``covered_tokens`` for spans of many documents."""
    return covered_tokens(
        table.starts, table.ends, *_shift(table, doc_index, span_starts, span_ends)
    )
