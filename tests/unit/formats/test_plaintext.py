"""The plain-text reader's metadata: title, date, and the site line as source only when it
reads as a name."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require_shared

from annotator.formats.plaintext import looks_like_a_name, news_meta
from annotator.formats.reading import read_documents


@pytest.mark.parametrize(
    "line",
    [
        "Middle East Monitor",
        "The New York Times",
        "BBC News",
        "Voice of America",
        "Al-Ahram Weekly",
        "reuters.com",
        "www.aljazeera.com",
    ],
)
def test_publication_names_are_names(line: str) -> None:
    assert looks_like_a_name(line)


@pytest.mark.parametrize(
    "line",
    [
        "Creating new perspectives since 2009",
        "All the news that's fit to print",
        "Democracy dies in darkness",
        "Subscribe to our newsletter.",
        "The independent voice of the north since 1901 and still going strong today",
    ],
)
def test_taglines_and_sentences_are_not(line: str) -> None:
    assert not looks_like_a_name(line)


def test_site_line_becomes_the_source_only_when_it_reads_as_a_name() -> None:
    body = "\n\nTalks resume in Kalmir\n\nMay 11, 2019 at 1:12 pm\n\nThe talks resumed.\n"
    assert news_meta("Middle East Monitor" + body) == {
        "published": "2019-05-11",
        "title": "Talks resume in Kalmir",
        "source": "Middle East Monitor",
    }
    assert "source" not in news_meta("Creating new perspectives since 2009" + body)
    # a tagline under the name: the name is the source
    meta = news_meta("Middle East Monitor\n\nCreating new perspectives since 2009" + body)
    assert meta["source"] == "Middle East Monitor"


def test_seed_article_tagline_is_not_its_source() -> None:
    """Importing the seed made "Creating new perspectives since 2009" the document's Source."""
    seed: Path = require_shared("seeds/000_ef82534974ef4bb5.txt")
    (doc,) = read_documents(seed, "txt")
    assert doc.meta.get("source") != "Creating new perspectives since 2009"
    assert doc.meta["title"].startswith("Libya's Haftar admits")
    assert doc.meta["published"] == "2019-05-11"
