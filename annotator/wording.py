"""Words in reports: a count with its noun in the right number ("1 document", "2 documents")."""

from __future__ import annotations


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, plural unless ``n`` is one (``plural`` for irregular nouns)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def pending_left(title: str, n: int) -> str:
    """The reminder after a document is marked done with ``n`` suggestions still pending."""
    short = title if len(title) <= 40 else title[:39] + "…"
    return (
        f"“{short}” is done with {count_of(n, 'suggestion')} not yet accepted or rejected; "
        "they stay pending."
    )
