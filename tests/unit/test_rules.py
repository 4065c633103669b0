import pytest

from annotator.errors import ValidationError
from annotator.scheme import load_scheme
from annotator.validation import missing_roles, validate_doc
from annotator.values import DocData, RelationData, SpanData

SCHEME = load_scheme("news")
TEXT = "Haftar said the attack was planned."


def doc(spans: list[SpanData], relations: list[RelationData] | None = None) -> DocData:
    return DocData("d", TEXT, spans=tuple(spans), relations=tuple(relations or []))


def test_valid_doc_passes() -> None:
    validate_doc(
        SCHEME,
        doc(
            [
                SpanData("a", 0, 6, "ACTOR", {"type": "person"}),
                SpanData("c", 12, 34, "CLAIM", {"form": "reported"}),
            ],
            [RelationData("r", "claimant", "c", "a")],
        ),
    )


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (SpanData("a", 0, 99, "ACTOR"), "outside the text"),
        (SpanData("a", 5, 5, "ACTOR"), "or empty"),
        (SpanData("a", -1, 3, "ACTOR"), "outside the text"),
        (SpanData("a", 0, 6, "PERSON"), "unknown label 'PERSON'"),
        (SpanData("a", 0, 6, "ACTOR", {"type": "alien"}), "'alien' is not a value of ACTOR.type"),
        (SpanData("a", 0, 6, "ACTOR", {"mood": "x"}), "has no attribute 'mood'"),
    ],
)
def test_bad_spans(span: SpanData, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_doc(SCHEME, doc([span]))


def test_relation_rules() -> None:
    a = SpanData("a", 0, 6, "ACTOR")
    c = SpanData("c", 12, 34, "CLAIM")
    with pytest.raises(ValidationError, match="missing span 'zz'"):
        validate_doc(SCHEME, doc([a, c], [RelationData("r", "claimant", "c", "zz")]))
    with pytest.raises(ValidationError, match="cannot start at a ACTOR"):
        validate_doc(SCHEME, doc([a, c], [RelationData("r", "claimant", "a", "c")]))
    with pytest.raises(ValidationError, match="unknown relation 'said_by'"):
        validate_doc(SCHEME, doc([a, c], [RelationData("r", "said_by", "c", "a")]))
    with pytest.raises(ValidationError, match="duplicate span id 'a'"):
        validate_doc(SCHEME, doc([a, SpanData("a", 1, 2, "TIME")]))
    with pytest.raises(ValidationError, match="duplicate relation id"):
        validate_doc(
            SCHEME,
            doc(
                [a, c],
                [RelationData("r", "claimant", "c", "a"), RelationData("r", "about", "c", "a")],
            ),
        )


def test_required_claimant_unless_unattributed() -> None:
    c1 = SpanData("c1", 12, 34, "CLAIM", {"form": "reported"})
    c2 = SpanData("c2", 0, 6, "CLAIM", {"form": "unattributed"})
    problems = missing_roles(SCHEME, [c1, c2], [])
    assert len(problems) == 1 and "c1" in problems[0].message and "claimant" in problems[0].message
