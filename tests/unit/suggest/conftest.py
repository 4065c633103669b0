"""Fixtures for pre-annotation tests: the scheme, the small English pipeline (loaded once)."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme, load_scheme
from annotator.suggest.propose import load_pipeline


@pytest.fixture(scope="session")
def scheme() -> Scheme:
    return load_scheme("news")


@pytest.fixture(scope="session")
def nlp_sm() -> Any:
    from annotator.errors import ModelUnavailable

    try:
        return load_pipeline(None)
    except ModelUnavailable as exc:
        pytest.skip(exc.message)


@pytest.fixture(scope="session")
def blank() -> Any:
    import spacy

    return spacy.blank("en")
