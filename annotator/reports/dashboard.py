"""The numbers behind the team dashboard (progress, labels, agreement, kappa, pace).

Pure functions over plain records build each series; :func:`load_dashboard` gathers the records
from one session and calls them (the GUI runs it in its worker thread). No Qt here.

Definitions:
- progress: per annotator, the number of documents whose status is ``done`` over time. The
  status events of the event log are replayed in order (a document that leaves ``done`` counts
  down again); a ``done`` assignment the log does not explain (e.g. merged from a work file)
  counts from its ``updated_at``.
- label distribution: spans per label and annotator (all documents).
- agreement per label: the label metrics of :func:`annotator.agreement.report.agreement_report`.
- kappa matrix: Cohen's kappa of each pair of annotators (token level, all labels pooled), the
  ``pairs`` of the agreement report; 1 on the diagonal, NaN where undefined.
- pace: spans an annotator added (``span.add`` events, and suggestions she accepted:
  ``suggestion.accept``) per hour of work. Hours of work are the
  time tracked on their assignments when there is any, otherwise the number of distinct clock
  hours in which they added at least one span.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy.orm import Session

from annotator.cancel import Progress, quiet
from annotator.vocabulary import AssignmentStatus, EventAction
from storage.records import AssignmentRecord, EventRecord
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

if TYPE_CHECKING:
    from annotator.agreement.report import AgreementReport

    # An agreement report, its ``to_dict()``, or None (fewer than two annotators).
    ReportLike: TypeAlias = AgreementReport | Mapping[str, Any] | None

NAN = float("nan")
AGREEMENT_METRICS = ("span_f1_exact", "span_f1_overlap", "krippendorff_alpha")


@dataclass(frozen=True, slots=True)
class ProgressSeries:
    """Cumulative documents done by one annotator: a step series over unix times (seconds)."""

    annotator: str
    times: tuple[float, ...]
    done: tuple[int, ...]
    assigned: int  # documents assigned to the annotator (any status)

    @property
    def current(self) -> int:
        return self.done[-1] if self.done else 0


@dataclass(frozen=True, slots=True)
class LabelDistribution:
    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # annotators x labels

    def total(self, label: str) -> int:
        i = self.labels.index(label)
        return sum(row[i] for row in self.counts)


@dataclass(frozen=True, slots=True)
class LabelAgreement:
    labels: tuple[str, ...]
    metrics: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # metrics x labels, NaN = undefined

    def value(self, metric: str, label: str) -> float:
        return self.values[self.metrics.index(metric)][self.labels.index(label)]


@dataclass(frozen=True, slots=True)
class KappaMatrix:
    annotators: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # symmetric, NaN = undefined (no shared documents)

    def value(self, a: str, b: str) -> float:
        return self.values[self.annotators.index(a)][self.annotators.index(b)]


@dataclass(frozen=True, slots=True)
class Pace:
    annotators: tuple[str, ...]
    spans: tuple[int, ...]
    hours: tuple[float, ...]
    per_hour: tuple[float, ...]  # NaN when no hours of work are known


@dataclass(frozen=True, slots=True)
class DashboardData:
    documents: int
    annotators: tuple[str, ...]
    progress: tuple[ProgressSeries, ...]
    labels: LabelDistribution
    agreement: LabelAgreement
    kappa: KappaMatrix
    pace: Pace
    overall: Mapping[str, float]  # overall agreement metrics (NaN = undefined)
    shared_documents: int  # documents annotated by at least two annotators
    generated_at: float  # unix time
    fingerprint: tuple[Any, ...] = ()  # of the annotator layers the agreement was computed on
    report: ReportLike = None  # the AgreementReport (reused while the fingerprint is unchanged)


# ------------------------------------------------------------------------- pure functions


def _ts(at: datetime | None) -> float:
    if at is None:
        return 0.0
    if at.tzinfo is None:  # the database stores naive UTC
        at = at.replace(tzinfo=UTC)
    return at.timestamp()


def progress_series(
    assignments: Iterable[AssignmentRecord],
    status_events: Iterable[EventRecord],
    annotators: Sequence[str],
) -> tuple[ProgressSeries, ...]:
    """Documents done over time per annotator (see the module docstring)."""
    wanted = set(annotators)
    status: dict[tuple[str, int], str] = {}
    steps: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for ev in sorted(status_events, key=lambda e: (_ts(e.at), e.id)):
        if ev.action != EventAction.STATUS or ev.document_id is None or not ev.after:
            continue
        name = ev.target.split(":", 1)[1] if ev.target.startswith("status:") else ev.actor
        if name not in wanted:
            continue
        key = (name, ev.document_id)
        was_done = status.get(key) == AssignmentStatus.DONE
        now_done = ev.after.get("status") == AssignmentStatus.DONE
        status[key] = str(ev.after.get("status", ""))
        if was_done != now_done:
            steps[name].append((_ts(ev.at), 1 if now_done else -1))
    assigned: dict[str, int] = defaultdict(int)
    for a in assignments:
        if a.annotator not in wanted:
            continue
        assigned[a.annotator] += 1
        key = (a.annotator, a.document_id)
        logged_done = status.get(key) == AssignmentStatus.DONE
        if a.status == AssignmentStatus.DONE and not logged_done:
            steps[a.annotator].append((_ts(a.updated_at), 1))
        elif a.status != AssignmentStatus.DONE and logged_done:
            steps[a.annotator].append((_ts(a.updated_at), -1))
    out = []
    for name in annotators:
        times: list[float] = []
        done: list[int] = []
        total = 0
        for t, delta in sorted(steps.get(name, [])):
            total += delta
            if times and times[-1] == t:
                done[-1] = total
            else:
                times.append(t)
                done.append(total)
        out.append(ProgressSeries(name, tuple(times), tuple(done), assigned.get(name, 0)))
    return tuple(out)


def label_distribution(
    span_counts: Mapping[str, Mapping[str, int]],
    labels: Sequence[str],
    annotators: Sequence[str],
) -> LabelDistribution:
    """Spans per label (scheme order, then any other label used) and annotator."""
    extra = sorted({lab for name in annotators for lab in span_counts.get(name, {})} - set(labels))
    all_labels = (*labels, *extra)
    counts = tuple(
        tuple(int(span_counts.get(name, {}).get(lab, 0)) for lab in all_labels)
        for name in annotators
    )
    return LabelDistribution(tuple(all_labels), tuple(annotators), counts)


def _report_part(report: ReportLike, name: str) -> Mapping[str, Any]:
    if report is None:
        return {}
    if isinstance(report, Mapping):
        part: Mapping[str, Any] = report.get(name) or {}
        return part
    parts = {"labels": report.labels, "pairs": report.pairs, "overall": report.overall}
    return parts[name]


def _num(value: Any) -> float:
    return NAN if value is None else float(value)


def label_agreement(
    report: ReportLike, labels: Sequence[str], metrics: Sequence[str] = AGREEMENT_METRICS
) -> LabelAgreement:
    """Per-label metrics from an ``AgreementReport`` (or its ``to_dict()``); NaN if absent."""
    per_label = _report_part(report, "labels")
    values = tuple(
        tuple(_num((per_label.get(lab) or {}).get(m)) for lab in labels) for m in metrics
    )
    return LabelAgreement(tuple(labels), tuple(metrics), values)


def kappa_matrix(report: ReportLike, annotators: Sequence[str]) -> KappaMatrix:
    """Annotator x annotator Cohen's kappa from the report's ``pairs`` ("a|b" keys)."""
    pairs = _report_part(report, "pairs")
    n = len(annotators)
    rows = [[NAN] * n for _ in range(n)]
    for i, a in enumerate(annotators):
        rows[i][i] = 1.0
        for j in range(i + 1, n):
            b = annotators[j]
            entry = pairs.get(f"{a}|{b}") or pairs.get(f"{b}|{a}") or {}
            value = _num(entry.get("cohen_kappa"))
            rows[i][j] = rows[j][i] = value
    return KappaMatrix(tuple(annotators), tuple(tuple(r) for r in rows))


# the events that give an annotator a span: drawn, or a suggestion accepted
SPANS_ADDED = frozenset({EventAction.SPAN_ADD, EventAction.SUGGESTION_ACCEPT})


def pace(
    span_events: Iterable[EventRecord],
    assignments: Iterable[AssignmentRecord],
    annotators: Sequence[str],
) -> Pace:
    """Spans added per hour of work (see the module docstring)."""
    wanted = set(annotators)
    spans: dict[str, int] = defaultdict(int)
    hour_bins: dict[str, set[int]] = defaultdict(set)
    for ev in span_events:
        if ev.action not in SPANS_ADDED or ev.actor not in wanted:
            continue
        spans[ev.actor] += 1
        hour_bins[ev.actor].add(int(_ts(ev.at) // 3600))
    tracked: dict[str, float] = defaultdict(float)
    for a in assignments:
        if a.annotator in wanted:
            tracked[a.annotator] += a.seconds_spent or 0.0
    hours = tuple(
        tracked[name] / 3600.0 if tracked.get(name, 0.0) > 0 else float(len(hour_bins[name]))
        for name in annotators
    )
    counts = tuple(spans.get(name, 0) for name in annotators)
    rate = tuple(c / h if h > 0 else NAN for c, h in zip(counts, hours, strict=True))
    return Pace(tuple(annotators), counts, hours, rate)


def _overall(report: ReportLike) -> dict[str, float]:
    return {k: _num(v) for k, v in _report_part(report, "overall").items()}


def dashboard_from_records(
    *,
    documents: int,
    annotators: Sequence[str],
    labels: Sequence[str],
    assignments: Sequence[AssignmentRecord],
    events: Sequence[EventRecord],
    span_counts: Mapping[str, Mapping[str, int]],
    report: ReportLike,
    now: float | None = None,
    fingerprint: tuple[Any, ...] = (),
) -> DashboardData:
    """Everything the dashboard shows, from plain records and an agreement report."""
    dist = label_distribution(span_counts, labels, annotators)
    shared = 0
    if report is not None:
        shared = int(
            report.get("documents", 0) if isinstance(report, Mapping) else report.documents
        )
    return DashboardData(
        documents=documents,
        annotators=tuple(annotators),
        progress=progress_series(assignments, events, annotators),
        labels=dist,
        agreement=label_agreement(report, dist.labels),
        kappa=kappa_matrix(report, annotators),
        pace=pace(events, assignments, annotators),
        overall=_overall(report),
        shared_documents=shared,
        generated_at=datetime.now(UTC).timestamp() if now is None else now,
        fingerprint=fingerprint,
        report=report,
    )


# ------------------------------------------------------------------------- loading


def load_dashboard(
    session: Session,
    labels: Sequence[str],
    progress: Progress | None = None,
    previous: DashboardData | None = None,
) -> DashboardData:
    """Read the records of one project and compute the dashboard. The agreement report (the
    slow part) is reused from ``previous`` when the annotator layers have not changed since.
    ``progress.check()`` runs between steps (a cancel raises ``Cancelled``)."""
    from annotator.layers import annotator_names
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo

    tick = (progress or quiet()).check

    names = annotator_names(session)
    assignments = ann_repo.assignments(session)
    events = event_repo.activity_events(session)
    counts = span_repo.span_counts(session)
    fingerprint = (tuple(labels), *span_repo.layer_fingerprint(session, names))
    tick()
    if previous is not None and previous.fingerprint == fingerprint:
        report = previous.report
    else:
        report = _agreement(session, names, labels, tick)
    return dashboard_from_records(
        documents=doc_repo.count_documents(session),
        annotators=names,
        labels=labels,
        assignments=assignments,
        events=events,
        span_counts=counts,
        report=report,
        fingerprint=fingerprint,
    )


def _agreement(
    session: Session, names: Sequence[str], labels: Sequence[str], tick: Callable[[], None]
) -> AgreementReport | None:
    if len(names) < 2:
        return None
    from annotator.agreement.report import agreement_report
    from annotator.layers import load_layer

    layers = {}
    for name in names:
        layers[name] = load_layer(session, name)
        tick()
    if sum(1 for docs in layers.values() if docs) < 2:
        return None
    return agreement_report(layers, list(labels))


def finite(value: float) -> bool:
    return not math.isnan(value) and not math.isinf(value)
