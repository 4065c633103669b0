"""The learning dialogs' summary line says how the held-out comparison was made."""

from __future__ import annotations

from app.dialogs.learning import comparison_summary


def _comparison(**extra: object) -> dict[str, object]:
    return {"documents": 24, "folds": 4, "metric": "overlap F", "spans": {}, **extra}


def test_summary_names_the_shuffles_of_the_comparison() -> None:
    text = comparison_summary(_comparison(repeats=3))
    assert text.startswith("Held out: 24 documents, 4-fold by document over 3 shuffles, overlap F.")


def test_summary_of_an_older_model_without_shuffles() -> None:
    text = comparison_summary(_comparison())
    assert text.startswith("Held out: 24 documents, 4-fold by document, overlap F.")
