"""Token boundaries stored beside the project: reused across processes, dropped on a tokenizer
change, ignored when the file is unusable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.agreement import tokens
from annotator.agreement.tokens import TOKEN_CACHE, stored_tokens, token_bounds, tokenize_texts
from storage.token_cache import TokenCache, cache_path

TEXTS = [
    "Khalifa Haftar said on Monday that forces attacked Tripoli.",
    "The U.N. condemned  the attack;\n\nfighting continued (again).",
    "Café owners — and 3,000 residents — fled.",
]


def _expected(texts: list[str]) -> list[tuple[list[int], list[int]]]:
    return [tuple(a.tolist() for a in token_bounds(t)) for t in texts]  # type: ignore[misc]


def _table_bounds(texts: list[str]) -> list[tuple[list[int], list[int]]]:
    table = tokenize_texts(texts)
    return [tuple(a.tolist() for a in table.doc_bounds(d)) for d in range(len(texts))]  # type: ignore[misc]


def test_stored_bounds_are_reused_without_the_tokenizer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p.annproj"
    expected = _expected(TEXTS)
    TOKEN_CACHE.clear()
    with stored_tokens(project):
        assert _table_bounds(TEXTS) == expected
    assert cache_path(project).is_file()
    TOKEN_CACHE.clear()

    def no_tokenizer(*_args: object) -> object:
        raise AssertionError("tokenised again although the bounds are stored")

    monkeypatch.setattr(tokens, "_bounds32", no_tokenizer)
    with stored_tokens(project):
        assert _table_bounds(TEXTS) == expected
    TOKEN_CACHE.clear()


def test_a_tokenizer_change_empties_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.annproj.tokens"
    cache = TokenCache(path, "v1")
    cache.put_many([("abc", np.arange(4, dtype="<i4").tobytes())])
    assert cache.count() == 1
    cache.close()
    again = TokenCache(path, "v1")
    assert again.get_many(["abc"]) == {"abc": np.arange(4, dtype="<i4").tobytes()}
    again.close()
    changed = TokenCache(path, "v2")
    assert changed.count() == 0 and changed.get_many(["abc"]) == {}
    changed.close()


def test_a_damaged_file_is_rebuilt(tmp_path: Path) -> None:
    project = tmp_path / "p.annproj"
    cache_path(project).write_bytes(b"this is not a database" * 100)
    TOKEN_CACHE.clear()
    with stored_tokens(project):
        assert _table_bounds(TEXTS) == _expected(TEXTS)
    TOKEN_CACHE.clear()
    rebuilt = TokenCache(cache_path(project), tokens.tokenizer_version())
    assert rebuilt.count() == len(TEXTS)
    rebuilt.close()
