"""One cancellation protocol: a cancel part-way through import, export, pre-annotation or the
dashboard raises ``Cancelled`` and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.cancel import CancelToken
from annotator.errors import Cancelled
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_documents, import_paths
from annotator.values import DocData, SpanData
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo


def _docs(n: int, start: int = 0) -> list[DocData]:
    out = []
    for i in range(start, start + n):
        text = f"Khalifa Haftar met envoy number {i} in Tripoli."
        spans = (SpanData("s1", 0, 14, "ACTOR", {"type": "person"}),)
        out.append(DocData(f"d{i}", text, {"title": f"T{i}"}, spans, (), layer="alice"))
    return out


def _stop_when(predicate: object) -> CancelToken:
    """A token that cancels itself when ``predicate(done, total)`` first holds."""
    token: CancelToken

    def on_report(done: int, total: int) -> None:
        token.reports.append((done, total))  # type: ignore[attr-defined]
        if predicate(done, total):  # type: ignore[operator]
            token.cancel()

    token = CancelToken(on_report)
    token.reports = []  # type: ignore[attr-defined]
    return token


def _state(project: Project) -> tuple[int, dict, int, int]:
    with project.session() as s:
        return (
            doc_repo.count_documents(s),
            span_repo.span_counts(s),
            len(event_repo.events(s)),
            sum(sugg_repo.suggestion_counts(s).values()),
        )


@pytest.fixture
def project(new_location: Callable[[], str]) -> Iterator[Project]:
    """A project with three documents, on each engine in turn."""
    proj = Project.create(new_location(), "news")
    import_documents(proj, _docs(3), layer="alice")
    yield proj
    proj.close()


def test_token_reports_and_raises_after_cancel() -> None:
    seen: list[tuple[int, int]] = []
    token = CancelToken(lambda d, t: seen.append((d, t)))
    token.report(1, 4)
    token.check()
    token.cancel()
    with pytest.raises(Cancelled) as exc:
        token.check()
    assert seen == [(1, 4)] and token.cancelled
    assert exc.value.render().startswith("[E020] ")


def test_import_cancelled_while_inserting_changes_nothing(project: Project) -> None:
    before = _state(project)
    docs = _docs(1200, start=10)
    token = _stop_when(lambda done, total: done > total // 2)  # spans are being inserted
    with pytest.raises(Cancelled):
        import_documents(project, docs, layer="alice", progress=token)
    assert any(total // 2 < done < total for done, total in token.reports)
    assert _state(project) == before
    report = import_documents(project, docs, layer="alice", progress=CancelToken())
    assert report.documents_new == 1200


def test_import_cancelled_while_reading_changes_nothing(project: Project, tmp_path: Path) -> None:
    import json

    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(500):
            fh.write(json.dumps({"id": f"r{i}", "text": f"Article {i} text."}) + "\n")
    before = _state(project)
    token = CancelToken()
    token.cancel()  # the reader checks every 200 documents
    with pytest.raises(Cancelled):
        import_paths(project, [path], progress=token)
    assert _state(project) == before


def test_export_cancelled_after_writing_leaves_the_earlier_export(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    export_documents(project, out, "jsonl", layer="alice")
    earlier = out.read_bytes()
    import_documents(project, _docs(2, start=50), layer="alice")
    token = _stop_when(lambda done, total: done == 2)  # written to the temporary sibling
    with pytest.raises(Cancelled):
        export_documents(project, out, "jsonl", layer="alice", progress=token, overwrite=True)
    assert token.reports[:3] == [(0, 3), (1, 3), (2, 3)]  # type: ignore[attr-defined]
    assert out.read_bytes() == earlier
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    fresh = tmp_path / "fresh"
    with pytest.raises(Cancelled):
        export_documents(
            project, fresh, "brat", layer="alice", progress=_stop_when(lambda d, t: d == 1)
        )
    assert not fresh.exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_preannotation_cancelled_part_way_stores_nothing(project: Project) -> None:
    import spacy

    from annotator import services
    from annotator.suggest.run import preannotate_project

    with project.session() as s:
        services.ensure_entity(s, "Khalifa Haftar", "person")
    before = _state(project)
    token = _stop_when(lambda done, total: done == 2)
    with pytest.raises(Cancelled):
        preannotate_project(project, nlp=spacy.blank("en"), progress=token)
    assert token.reports == [(0, 3), (1, 3), (2, 3)]  # type: ignore[attr-defined]
    assert _state(project) == before
    report = preannotate_project(project, nlp=spacy.blank("en"), progress=CancelToken())
    assert report.stored > 0


def test_dashboard_stops_at_its_first_check(project: Project) -> None:
    from annotator.reports.dashboard import load_dashboard

    token = CancelToken()
    token.cancel()
    with project.session() as s, pytest.raises(Cancelled):
        load_dashboard(s, project.scheme.label_names, progress=token)
