"""``annotator agreement``: inter-annotator agreement per label, per pair and overall."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.support import one_line_errors

if TYPE_CHECKING:
    from annotator.agreement.report import AgreementReport

ProjectArg = Annotated[
    str, typer.Argument(help="The project file (.annproj) or a postgresql+psycopg:// URL.")
]
_LABEL_COLUMNS = (
    ("span_f1_exact", "F1 exact"),
    ("span_f1_overlap", "F1 overlap"),
    ("cohen_kappa", "Cohen κ"),
    ("fleiss_kappa", "Fleiss κ"),
    ("krippendorff_alpha", "Kripp. α"),
)


def _names(raw: str | None) -> list[str]:
    return list(dict.fromkeys(x.strip() for x in raw.split(",") if x.strip())) if raw else []


def _fmt(value: float | int) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _print_tables(report: AgreementReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    who = ", ".join(report.annotators) or "no annotator layers yet"
    console.print(
        f"{len(report.annotators)} annotator(s) ({who}); {report.documents} of "
        f"{report.documents_total} documents annotated by two or more"
    )
    labels = Table(title="Spans (token-level κ/α; F1 averaged over pairs)")
    labels.add_column("label")
    for _, title in _LABEL_COLUMNS:
        labels.add_column(title, justify="right")
    for label, metrics in report.labels.items():
        labels.add_row(label, *(_fmt(metrics[key]) for key, _ in _LABEL_COLUMNS))
    labels.add_row(
        "overall", *(_fmt(report.overall[key]) for key, _ in _LABEL_COLUMNS), style="bold"
    )
    console.print(labels)
    if report.pairs:
        pairs = Table(title="Pairs (pooled over the documents both annotated)")
        for title in ("pair", "docs", "F1 exact", "F1 overlap", "Cohen κ", "relations F1"):
            pairs.add_column(title, justify="left" if title == "pair" else "right")
        for pair, m in report.pairs.items():
            pairs.add_row(
                pair.replace("|", " × "),
                _fmt(m["documents"]),
                _fmt(m["span_f1_exact"]),
                _fmt(m["span_f1_overlap"]),
                _fmt(m["cohen_kappa"]),
                _fmt(m["relation_f1"]),
            )
        console.print(pairs)
    if report.relations:
        rels = Table(title="Relations (exact head and tail)")
        rels.add_column("relation")
        rels.add_column("F1", justify="right")
        for label, m in report.relations.items():
            rels.add_row(label, _fmt(m["f1"]))
        rels.add_row("overall", _fmt(report.overall["relation_f1"]), style="bold")
        console.print(rels)
    if report.attributes:
        attrs = Table(title="Attributes (on exactly matching spans)")
        for title in ("attribute", "compared", "agreement", "Cohen κ"):
            attrs.add_column(title, justify="left" if title == "attribute" else "right")
        for key, m in report.attributes.items():
            attrs.add_row(
                key, _fmt(m["items"]), _fmt(m["percent_agreement"]), _fmt(m["cohen_kappa"])
            )
        console.print(attrs)
    if len(report.annotators) < 2 or report.documents == 0:
        console.print(
            "[dim]– = undefined: agreement needs documents annotated by two or more "
            "annotators[/dim]"
        )


@one_line_errors
def agreement_cmd(
    project: ProjectArg,
    annotators: Annotated[
        str | None,
        typer.Option(help="Comma-separated annotators to compare (default: every annotator)."),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated span labels (default: the scheme's and any other used)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Inter-annotator agreement per label, per pair and overall.

    Span F1 (exact, overlap), Cohen's and Fleiss' kappa and Krippendorff's alpha per label and
    overall, per pair, for relations and for attributes."""
    from annotator.agreement.streaming import project_agreement, used_labels
    from annotator.agreement.tokens import stored_tokens
    from annotator.errors import NotFound
    from annotator.layers import annotator_names
    from annotator.project import Project

    wanted = _names(annotators)
    label_list = _names(labels) or None
    with Project.open(project) as proj:
        if label_list is not None:
            unknown = [x for x in label_list if proj.scheme.label(x) is None]
            if unknown:
                raise NotFound(
                    f"unknown label(s) {', '.join(unknown)} (the scheme has "
                    f"{', '.join(proj.scheme.label_names)})",
                    path=str(project),
                )
        with proj.session() as s:
            known = annotator_names(s)
            if wanted:
                missing = [n for n in wanted if n not in known]
                if missing:
                    raise NotFound(
                        f"no annotator layer named {', '.join(missing)} "
                        f"(annotators: {', '.join(known) or 'none'})",
                        path=str(project),
                    )
            names = wanted or known
            if label_list is None:  # the scheme's labels first, then any other label used
                scheme_labels = list(proj.scheme.label_names)
                used = used_labels(s, names)
                label_list = scheme_labels + sorted(used - set(scheme_labels))
            # read and computed one batch of documents at a time (memory stays flat)
            with stored_tokens(project):
                report = project_agreement(s, names, label_list)
    if as_json:
        typer.echo(report.to_json())
    else:
        _print_tables(report)


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement_cmd)
