"""Pre-annotating a project (suggestions, --as, registry-only), train then preannotate, CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotator import services
from annotator.project import Project
from annotator.suggest.run import load_or_blank, preannotate_project
from annotator.suggest.training import split_documents, to_docbin
from annotator.transfer.importing import import_documents
from annotator.vocabulary import Layer
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

from .helpers import gold_doc

TEXTS = [
    (
        "Ahmed Salem said that the army attacked Tripoli on Monday.",
        [
            ("Ahmed Salem", "ACTOR", {"type": "person"}),
            ("Tripoli", "PLACE", {}),
            ("Monday", "TIME", {}),
            ("attacked", "EVENT", {"type": "attack"}),
            ("the army attacked Tripoli on Monday", "CLAIM", {"form": "reported"}),
        ],
    ),
    (
        "Police arrested Maria Lopez in Madrid on Friday.",
        [
            ("Maria Lopez", "ACTOR", {"type": "person"}),
            ("Madrid", "PLACE", {}),
            ("Friday", "TIME", {}),
            ("arrested", "EVENT", {"type": "arrest"}),
        ],
    ),
    (
        "John Smith warned that rebels killed ten people in Sabha.",
        [
            ("John Smith", "ACTOR", {"type": "person"}),
            ("Sabha", "PLACE", {}),
            ("killed", "EVENT", {"type": "killing"}),
            ("rebels killed ten people in Sabha", "CLAIM", {"form": "reported"}),
        ],
    ),
    (
        "Omar Ali met Lopez in Cairo on Tuesday.",
        [
            ("Omar Ali", "ACTOR", {"type": "person"}),
            ("Cairo", "PLACE", {}),
            ("Tuesday", "TIME", {}),
            ("met", "EVENT", {"type": "meeting"}),
        ],
    ),
    (
        "The United Nations said that troops deported migrants to Tunisia.",
        [
            ("The United Nations", "ACTOR", {"type": "international_org"}),
            ("Tunisia", "PLACE", {}),
            ("deported", "EVENT", {"type": "deportation"}),
        ],
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    proj = Project.create(tmp_path / "tiny.annproj")
    docs = [gold_doc(f"d{i}", text, spans) for i, (text, spans) in enumerate(TEXTS)]
    import_documents(proj, docs, layer="gold")
    with proj.session() as s:
        eid = services.ensure_entity(s, "Maria Lopez", "person", user="tester")
        services.add_alias(s, eid, "Lopez", "tester")
    yield proj
    proj.close()


def test_split_is_by_document_and_deterministic() -> None:
    docs = [gold_doc(f"d{i}", text, spans) for i, (text, spans) in enumerate(TEXTS)]
    train, dev = split_documents(docs, 0.2, seed=3)
    assert len(dev) == 1 and len(train) == 4
    assert {d.id for d in train}.isdisjoint({d.id for d in dev})
    assert split_documents(list(reversed(docs)), 0.2, seed=3) == (train, dev)


def test_docbin_has_flat_entities_and_overlapping_spans(blank: Any) -> None:
    text = "Ahmed Salem said that the army attacked Tripoli on Monday."
    doc = gold_doc(
        "x",
        text,
        [
            ("Ahmed Salem", "ACTOR", {}),
            ("Salem", "ACTOR", {}),
            ("attacked", "EVENT", {}),
            ("the army attacked Tripoli on Monday", "CLAIM", {}),
        ],
    )
    [out] = list(to_docbin(blank, [doc], ("CLAIM", "EVENT")).get_docs(blank.vocab))
    assert [(e.text, e.label_) for e in out.ents] == [("Ahmed Salem", "ACTOR")]
    assert sorted((s.text, s.label_) for s in out.spans["sc"]) == [
        ("attacked", "EVENT"),
        ("the army attacked Tripoli on Monday", "CLAIM"),
    ]


def test_preannotate_stores_suggestions_once(project: Project, nlp_sm: Any) -> None:
    first = preannotate_project(project, nlp=nlp_sm)
    assert first.documents == 5 and first.stored > 0
    assert first.proposed["CLAIM"] >= 2 and first.proposed["EVENT"] >= 4
    again = preannotate_project(project, nlp=nlp_sm)
    assert again.stored == 0
    with project.session() as s:
        assert sugg_repo.suggestion_counts(s) == {"pending": first.stored}
        suggs = sugg_repo.suggestions_of(s, state="pending")
        linked = [g for g in suggs if g.entity_id is not None]
        for layer in {sp.annotator for sp in span_repo.spans_of(s)}:
            for doc in doc_repo.get_documents(s):
                own = {
                    (sp.start, sp.end, sp.label)
                    for sp in span_repo.spans_of(s, document_id=doc.id, annotator=layer)
                }
                shown = services.pending_suggestions(s, doc.id, layer)
                assert not {(g.start, g.end, g.label) for g in shown} & own
    assert linked, "the registered actor 'Lopez' should be suggested with its link"


def test_preannotate_as_annotator_writes_spans(project: Project, nlp_sm: Any) -> None:
    report = preannotate_project(project, documents=["d0"], as_annotator="bot", nlp=nlp_sm)
    assert report.documents == 1 and report.stored > 0
    with project.session() as s:
        spans = span_repo.spans_of(s, annotator="bot")
        rels = span_repo.relations_of_spans(s, [sp.id for sp in spans])
    assert {sp.origin for sp in spans} == {report.model}
    assert any(r.label == "claimant" for r in rels)
    assert (
        preannotate_project(project, documents=["d0"], as_annotator="bot", nlp=nlp_sm).stored == 0
    )


def test_without_any_pipeline_the_registry_still_works(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.suggest.run as mod
    from annotator.errors import ModelUnavailable

    def unavailable(_: Any) -> Any:
        raise ModelUnavailable("no English spaCy pipeline is installed; install ...")

    monkeypatch.setattr(mod, "load_pipeline", unavailable)
    nlp, warning = load_or_blank(None)
    assert nlp.pipe_names == [] and "only registered actors" in warning
    with pytest.raises(ModelUnavailable):
        load_or_blank("some_model")
    report = preannotate_project(project)
    assert report.model == "registry" and report.warning
    assert dict(report.proposed) == {"ACTOR": 2}  # "Maria Lopez" (a gold span) and "Lopez"
    assert report.stored == 2  # the gold span's suggestion too: an annotator on her own sees it
    with project.session() as s:
        doc_id = doc_repo.external_ids(s)["d1"]
        mine = {(g.start, g.end) for g in services.pending_suggestions(s, doc_id, "lena")}
        gold = {(g.start, g.end) for g in services.pending_suggestions(s, doc_id, Layer.GOLD)}
    maria = (TEXTS[1][0].index("Maria Lopez"), TEXTS[1][0].index("Maria Lopez") + 11)
    assert maria in mine and maria not in gold  # the gold layer's own view hides its span


def test_cli_preannotate_counts_and_errors(project: Project) -> None:
    from annotator.cli.main import app

    project.close()
    runner = CliRunner()
    ok = runner.invoke(app, ["preannotate", str(project.path), "--documents", "d4,2"])
    assert ok.exit_code == 0, ok.output
    assert "2 documents" in ok.output and "suggestions by state: pending" in ok.output
    assert "CLAIM" in ok.output and ", 0 new" not in ok.output
    # these documents have gold spans: their suggestions are new all the same
    first = int(ok.output.split(" spans and ")[0].rsplit(" ", 1)[1])
    assert f"proposed, {first} new\n" in ok.output
    # what was proposed and not stored is counted, with why
    again = runner.invoke(app, ["preannotate", str(project.path), "--documents", "d4,2"])
    assert f", 0 new ({first} already suggested)" in again.output
    bot = ["preannotate", str(project.path), "--documents", "d4", "--as", "bot"]
    assert "already in bot's layer" not in runner.invoke(app, bot).output
    assert "already in bot's layer)" in runner.invoke(app, bot).output
    bad = runner.invoke(app, ["preannotate", str(project.path), "--documents", "nope"])
    assert bad.exit_code == 1
    assert "no document with id or external id 'nope'" in bad.output
    missing = runner.invoke(app, ["preannotate", str(project.path), "--model", "xx_missing"])
    assert missing.exit_code == 1 and "no installed spaCy pipeline" in missing.output
    assert "pip install" not in missing.output  # a typo is not fixed by installing anything
