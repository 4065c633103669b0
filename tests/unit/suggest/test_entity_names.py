"""Entity spans of the pipeline are cut where the name ends (``ner_candidates``), on docs
built by hand so that the test does not depend on what a model tags."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from annotator.scheme import Scheme
from annotator.suggest.entities import entity_mapping, ner_candidates


def _doc(blank: Any, tagged: list[tuple[str, str, str]], ent: tuple[int, int, str]) -> Doc:
    words = [w for w, _, _ in tagged]
    doc = Doc(
        blank.vocab,
        words=words,
        tags=[t for _, t, _ in tagged],
        pos=[p for _, _, p in tagged],
        ents=["O"] * len(words),
    )
    start, end, label = ent
    doc.set_ents([doc.char_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label)])
    return doc


@pytest.mark.parametrize(
    ("tagged", "ent", "expected"),
    [
        (  # a verb inside the entity
            [
                ("Government", "NNP", "PROPN"),
                ("of", "IN", "ADP"),
                ("Accord", "NNP", "PROPN"),
                ("held", "VBD", "VERB"),
                ("Haftar", "NNP", "PROPN"),
                ("responsible", "JJ", "ADJ"),
            ],
            (0, 5, "ORG"),
            "Government of Accord",
        ),
        (  # function words at its end
            [
                ("the", "DT", "DET"),
                ("Council", "NNP", "PROPN"),
                ("of", "IN", "ADP"),
                ("the", "DT", "DET"),
                ("internationally", "RB", "ADV"),
                ("-", "HYPH", "PUNCT"),
            ],
            (0, 5, "ORG"),
            "the Council",
        ),
        (  # a name's own capitalised word that is tagged as a conjunction stays
            [("Wilson", "NNP", "PROPN"), ("Or", "CC", "CCONJ"), ("won", "VBD", "VERB")],
            (0, 2, "PERSON"),
            "Wilson Or",
        ),
        (  # the possessive stays as the pipeline gave it
            [("Saudi", "NNP", "PROPN"), ("Arabia", "NNP", "PROPN"), ("'s", "POS", "PART")],
            (0, 3, "GPE"),
            "Saudi Arabia 's",
        ),
        (  # dates are no names: "ago" stays
            [("a", "DT", "DET"), ("week", "NN", "NOUN"), ("ago", "RB", "ADV")],
            (0, 3, "DATE"),
            "a week ago",
        ),
    ],
)
def test_an_entity_ends_where_its_name_ends(
    blank: Any,
    scheme: Scheme,
    tagged: list[tuple[str, str, str]],
    ent: tuple[int, int, str],
    expected: str,
) -> None:
    doc = _doc(blank, tagged, ent)
    [cand] = ner_candidates(doc, entity_mapping(scheme.preannotation), frozenset())
    assert doc.text[cand.start : cand.end] == expected
