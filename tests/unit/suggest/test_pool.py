"""The pre-annotation pool (``propose(..., n_process=2)``): forked workers parse and analyse,
only proposals come back, in input order; failures are ``SuggestFailed``; closing the stream
(a cancel) stops the workers at once."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import Cancelled, SuggestFailed
from annotator.scheme import Scheme
from annotator.suggest import pool
from annotator.suggest.propose import Suggester, propose, unpack

pytestmark = pytest.mark.skipif(not pool.usable(), reason="the pool needs fork")

REGISTRY = [
    ("Khalifa Haftar", "person", ["Haftar", "General Haftar"]),
    ("Government of National Accord", "government", ["GNA"]),
]
_TEXTS = [
    "General Haftar met GNA officials.",
    "Nobody of note.",
    "Haftar left; the GNA stayed and Haftar came back.",
    "",
    "GNA",
]


def _items(n: int) -> list[tuple[str, Any]]:
    # Keys that do not pickle: they never leave this process.
    return [(f"{_TEXTS[i % len(_TEXTS)]} Item {i}.", (i, lambda i=i: i)) for i in range(n)]


def _pipeline(*components: str) -> Any:
    """A blank English pipeline with test components: ``sleepy`` takes 0.5 s per text that
    says "slow", ``raising`` raises on "boom", ``dying`` ends its process on "die"."""
    import spacy
    from spacy.language import Language

    def sleepy(doc: Any) -> Any:
        if "slow" in doc.text:
            time.sleep(0.5)
        return doc

    def raising(doc: Any) -> Any:
        if "boom" in doc.text:
            raise ValueError("boom in this text\nsecond line")
        return doc

    def dying(doc: Any) -> Any:
        if "die" in doc.text:
            os._exit(3)
        return doc

    nlp = spacy.blank("en")
    for name, func in (("sleepy", sleepy), ("raising", raising), ("dying", dying)):
        factory = f"test_pool_{name}"
        if not Language.has_factory(factory):
            Language.component(factory, func=func)
        if name in components:
            nlp.add_pipe(factory)
    return nlp


def _no_children() -> bool:
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def test_pool_gives_what_one_process_gives_in_input_order(scheme: Scheme) -> None:
    nlp = _pipeline()
    items = _items(23)
    one = list(propose(items, nlp, scheme, REGISTRY, batch_size=3))
    two = list(propose(items, nlp, scheme, REGISTRY, batch_size=3, n_process=2))
    assert [k[0] for k, _ in two] == list(range(23))
    assert [p for _, p in two] == [p for _, p in one]
    assert sum(len(p.spans) for _, p in two) > 20
    assert _no_children()


def test_pool_keeps_order_when_a_later_batch_finishes_first(scheme: Scheme) -> None:
    nlp = _pipeline("sleepy")
    texts = ["Haftar was slow.", "GNA", "Haftar", "GNA again", "General Haftar"]
    items = [(t, t) for t in texts]
    two = list(propose(items, nlp, scheme, REGISTRY, batch_size=1, n_process=2))
    assert [k for k, _ in two] == texts
    assert [p for _, p in two] == [p for _, p in propose(items, nlp, scheme, REGISTRY)]


def test_pool_on_the_english_pipeline_matches_one_process(nlp_sm: Any, scheme: Scheme) -> None:
    items = [
        ("Omar Ali said on Monday that police arrested three protesters in Cairo.", "a"),
        ('"We will not stop," the ministry said in a statement.', "b"),
        ("KYIV, Ukraine (AP) — Russian forces shelled the town, officials said.", "c"),
    ]
    one = list(propose(items, nlp_sm, scheme, batch_size=1))
    two = list(propose(items, nlp_sm, scheme, batch_size=1, n_process=2))
    assert one == two
    assert all(p.relations for _, p in two)


def test_a_packed_proposal_is_small_plain_data(nlp_sm: Any, scheme: Scheme) -> None:
    """What a worker sends (``analyse_packed``) is the proposal as plain tuples."""
    text = "Omar Ali said police arrested three protesters in Cairo."
    [(_, proposal)] = list(propose([(text, 0)], nlp_sm, scheme))
    packed = Suggester(nlp_sm, scheme).analyse_packed(nlp_sm(text), text)
    assert unpack(pickle.loads(pickle.dumps(packed))) == proposal
    assert proposal.relations and any(s.attrs for s in proposal.spans)
    assert len(pickle.dumps(packed)) < len(pickle.dumps(proposal))


def test_an_error_in_a_worker_is_suggest_failed(scheme: Scheme) -> None:
    nlp = _pipeline("raising")
    items = [("fine", 0), ("fine", 1), ("boom", 2), ("fine", 3)]
    with pytest.raises(SuggestFailed, match=r"\[E173\].*ValueError: boom in this text$"):
        list(propose(items, nlp, scheme, batch_size=1, n_process=2))
    assert _no_children()


def test_a_worker_that_dies_is_suggest_failed(scheme: Scheme) -> None:
    nlp = _pipeline("dying")
    items = [("fine", 0), ("die", 1), ("fine", 2), ("fine", 3)]
    with pytest.raises(SuggestFailed, match="stopped unexpectedly .exit code 3"):
        list(propose(items, nlp, scheme, batch_size=1, n_process=2))
    assert _no_children()


def test_closing_the_stream_stops_the_workers_at_once(scheme: Scheme) -> None:
    nlp = _pipeline("sleepy")
    stream: Generator[Any, None, None] = propose(  # type: ignore[assignment]
        [(f"slow text {i}", i) for i in range(40)], nlp, scheme, batch_size=2, n_process=2
    )
    assert next(stream)[0] == 0
    started = time.monotonic()
    stream.close()  # 38 texts left, 9.5 s of work per worker
    assert time.monotonic() - started < 3
    assert _no_children()


def test_a_cancelled_preannotation_stops_the_pool(tmp_path: Path) -> None:
    from annotator.cancel import CancelToken
    from annotator.project import Project
    from annotator.suggest.run import preannotate_project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData

    project = Project.create(str(tmp_path / "p.annproj"), "news")
    docs = [DocData(f"d{i}", f"General Haftar was slow {i}.", {}) for i in range(30)]
    import_documents(project, docs)
    token = CancelToken(lambda done, total: token.cancel() if done == 1 else None)
    started = time.monotonic()
    with pytest.raises(Cancelled):
        preannotate_project(
            project, nlp=_pipeline("sleepy"), n_process=2, batch_size=2, progress=token
        )
    assert time.monotonic() - started < 4  # all 30 texts would take 7.5 s on two workers
    assert _no_children()
    project.close()
