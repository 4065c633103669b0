"""Annotation rules: offsets inside the text, known labels and attribute values, relation
head/tail labels allowed by the scheme, and required roles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from annotator.errors import ValidationError
from annotator.scheme import Scheme
from annotator.values import AttrValue, DocData, RelationData, SpanData


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str  # "error" or "warning"
    message: str


def check_span_values(
    scheme: Scheme, text_len: int, start: int, end: int, label: str, attrs: Mapping[str, AttrValue]
) -> None:
    """Raise ValidationError when a span breaks the scheme."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError(f"span offsets must be integers, got {start!r}, {end!r}")
    if start < 0 or end > text_len or start >= end:
        raise ValidationError(
            f"span [{start}, {end}) is outside the text (length {text_len}) or empty"
        )
    lab = scheme.label(label)
    if lab is None:
        raise ValidationError(
            f"unknown label '{label}' (scheme '{scheme.name}' has {', '.join(scheme.label_names)})"
        )
    for name, value in attrs.items():
        adef = lab.attribute(name)
        if adef is None:
            raise ValidationError(f"label '{label}' has no attribute '{name}'")
        if adef.values and str(value) not in adef.values:
            raise ValidationError(
                f"'{value}' is not a value of {label}.{name} ({', '.join(adef.values)})"
            )


def check_relation_labels(scheme: Scheme, label: str, head_label: str, tail_label: str) -> None:
    rdef = scheme.relation(label)
    if rdef is None:
        raise ValidationError(
            f"unknown relation '{label}' (scheme has {', '.join(scheme.relation_names) or 'none'})"
        )
    if head_label not in rdef.heads:
        raise ValidationError(
            f"relation '{label}' cannot start at a {head_label} span ({'/'.join(rdef.heads)})"
        )
    if tail_label not in rdef.tails:
        raise ValidationError(
            f"relation '{label}' cannot point to a {tail_label} span ({'/'.join(rdef.tails)})"
        )


_INDEXES: dict[int, tuple[Scheme, dict[str, dict[str, frozenset[str]]]]] = {}


def _attribute_index(scheme: Scheme) -> dict[str, dict[str, frozenset[str]]]:
    """label -> attribute -> allowed values (empty: free text), cached per scheme object."""
    cached = _INDEXES.get(id(scheme))
    if cached is not None and cached[0] is scheme:
        return cached[1]
    index = {
        lab.name: {a.name: frozenset(a.values) for a in lab.attributes} for lab in scheme.labels
    }
    _INDEXES[id(scheme)] = (scheme, index)
    return index


def _span_ok(index: dict[str, dict[str, frozenset[str]]], n: int, span: SpanData) -> bool:
    """Fast check of the common case; False means "look closer" (check_span_values)."""
    attrs = index.get(span.label)
    if attrs is None or type(span.start) is not int or type(span.end) is not int:
        return False
    if not 0 <= span.start < span.end <= n:
        return False
    for name, value in span.attrs.items():
        allowed = attrs.get(name)
        if allowed is None or (allowed and str(value) not in allowed):
            return False
    return True


def validate_doc(scheme: Scheme, doc: DocData) -> None:
    """Raise ValidationError on the first span or relation that breaks the rules."""
    n = len(doc.text)
    index = _attribute_index(scheme)
    by_id: dict[str, SpanData] = {}
    for span in doc.spans:
        if span.id in by_id:
            raise ValidationError(f"duplicate span id '{span.id}'")
        if not _span_ok(index, n, span):
            try:
                check_span_values(scheme, n, span.start, span.end, span.label, span.attrs)
            except ValidationError as exc:
                raise ValidationError(f"span '{span.id}': {exc.message}") from None
        by_id[span.id] = span
    rel_ids: set[str] = set()
    for rel in doc.relations:
        if rel.id in rel_ids:
            raise ValidationError(f"duplicate relation id '{rel.id}'")
        rel_ids.add(rel.id)
        head, tail = by_id.get(rel.head), by_id.get(rel.tail)
        if head is None or tail is None:
            missing = rel.head if head is None else rel.tail
            raise ValidationError(f"relation '{rel.id}' points to missing span '{missing}'")
        try:
            check_relation_labels(scheme, rel.label, head.label, tail.label)
        except ValidationError as exc:
            raise ValidationError(f"relation '{rel.id}': {exc.message}") from None


@dataclass(frozen=True, slots=True)
class UnknownName:
    """An unknown label, relation, attribute or value; how often, and where it first occurs."""

    problem: str
    count: int
    path: str | None
    line: int | None

    def describe(self, with_place: bool = True) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
        place = f", first at {where}" if with_place and where else ""
        return f"{self.problem} ({self.count} x{place})"


def unknown_vocabulary(scheme: Scheme, docs: Iterable[DocData]) -> list[UnknownName]:
    """Every unknown label, relation, attribute and attribute value in ``docs``, each once with
    its count and first place, so that one run lists them all (in order of first occurrence)."""
    index = _attribute_index(scheme)
    relations = set(scheme.relation_names)
    found: dict[str, UnknownName] = {}

    def note(problem: str, doc: DocData) -> None:
        entry = found.get(problem)
        if entry is None:
            found[problem] = UnknownName(problem, 1, doc.source_path or doc.id, doc.source_line)
        else:
            found[problem] = replace(entry, count=entry.count + 1)

    for doc in docs:
        for span in doc.spans:
            attrs = index.get(span.label)
            if attrs is None:
                note(f"unknown label '{span.label}'", doc)
                continue
            for name, value in span.attrs.items():
                allowed = attrs.get(name)
                if allowed is None:
                    note(f"label '{span.label}' has no attribute '{name}'", doc)
                elif allowed and str(value) not in allowed:
                    values = ", ".join(_values(scheme, span.label, name))
                    note(f"'{value}' is not a value of {span.label}.{name} ({values})", doc)
        for rel in doc.relations:
            if rel.label not in relations:
                note(f"unknown relation '{rel.label}'", doc)
    return list(found.values())


def _values(scheme: Scheme, label: str, attribute: str) -> tuple[str, ...]:
    lab = scheme.label(label)
    adef = lab.attribute(attribute) if lab is not None else None
    return adef.values if adef is not None else ()


def missing_roles(
    scheme: Scheme, spans: Iterable[SpanData], relations: Iterable[RelationData]
) -> list[Problem]:
    """Warnings for spans that lack a relation their scheme marks as required."""
    have: dict[str, set[str]] = {}
    for rel in relations:
        have.setdefault(rel.head, set()).add(rel.label)
    out: list[Problem] = []
    for span in spans:
        for rdef in scheme.relations_from(span.label):
            if not rdef.required or rdef.name in have.get(span.id, set()):
                continue
            if rdef.unless and all(str(span.attrs.get(k)) == v for k, v in rdef.unless.items()):
                continue
            out.append(
                Problem(
                    "warning",
                    f"{span.label} span '{span.id}' [{span.start}, {span.end}) "
                    f"has no '{rdef.name}'",
                )
            )
    return out
