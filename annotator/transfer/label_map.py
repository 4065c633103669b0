"""``--label-map``: put foreign labels onto the project's scheme.

The map is a JSON object whose keys are foreign labels and whose values are a scheme label, an
object ``{"label": ..., "attrs": {...}}`` (attributes added to every mapped span), or ``null``
(drop that label on purpose; counted). Relation and event-role labels map the same way, onto the
scheme's relation names; brat's numbered repeats of a role (``agent2``, ``Org-Arg3``) take the
entry of the role itself (``agent``, ``Org-Arg``) unless they have their own. Example::

    {"Person": {"label": "ACTOR", "attrs": {"type": "person"}}, "GPE": "PLACE", "Origin": "about"}

:func:`apply_label_map` maps every document. A foreign label that is neither in the scheme nor in
the map stops the import with one message listing every such label; with ``skip_unmapped`` the
spans and relations carrying them are dropped instead, relations touching a dropped span are
dropped with it, and so are mapped relations whose head or tail label the scheme does not allow
for them (without ``skip_unmapped`` those are left for validation to refuse). Attributes the
target label does not define (or values it does not allow) are removed. Everything dropped is
counted in the :class:`MapReport`.

The entry ``"@actor": "ATTRIBUTE"`` makes that attribute the actor registry link of each span
carrying it (e.g. WebAnno's ``identity``/wikification feature: ``Masjid_al%2DHaram`` becomes the
actor ``Masjid al-Haram``); the attribute itself is then not kept.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from annotator.errors import ImportFailed
from annotator.formats.textfile import read_text
from annotator.scheme import Scheme
from annotator.values import AttrValue, DocData, RelationData, SpanData

_NUMBERED = re.compile(r"(.+?)[-_]?(\d+)")
ACTOR_KEY = "@actor"  # {"@actor": "identity"}: that attribute's value is the actor link


@dataclass(frozen=True, slots=True)
class MapTarget:
    label: str | None  # None: drop on purpose
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)


LabelMap = Mapping[str, MapTarget]


@dataclass
class MapReport:
    mapped: Counter[str] = field(default_factory=Counter)  # "Person -> ACTOR": n
    skipped_spans: Counter[str] = field(default_factory=Counter)  # foreign label: n
    skipped_relations: Counter[str] = field(default_factory=Counter)
    relations_with_skipped_spans: int = 0
    dropped_attrs: Counter[str] = field(default_factory=Counter)  # "LABEL.attr": n
    disallowed_relations: Counter[str] = field(default_factory=Counter)  # "about CLAIM -> CLAIM"

    def lines(self) -> list[str]:
        out = [f"{n} x mapped {k}" for k, n in sorted(self.mapped.items())]
        out += [f"{n} x span labelled '{k}' skipped" for k, n in sorted(self.skipped_spans.items())]
        out += [
            f"{n} x relation labelled '{k}' skipped"
            for k, n in sorted(self.skipped_relations.items())
        ]
        if self.relations_with_skipped_spans:
            out.append(f"{self.relations_with_skipped_spans} x relation dropped with its span")
        out += [
            f"{n} x relation {k} skipped (the scheme does not allow it)"
            for k, n in sorted(self.disallowed_relations.items())
        ]
        out += [
            f"{n} x attribute {k} dropped (not in the scheme)"
            for k, n in sorted(self.dropped_attrs.items())
        ]
        return out


def parse_label_map(data: Any, name: str = "label map") -> dict[str, MapTarget]:
    if not isinstance(data, dict):
        raise ImportFailed("the label map must be a JSON object {foreign label: target}", path=name)
    out: dict[str, MapTarget] = {}
    for key, value in data.items():
        if key == ACTOR_KEY:
            if not isinstance(value, str) or not value:
                raise ImportFailed(f"'{ACTOR_KEY}' must name an attribute", path=name)
            out[key] = MapTarget(value)
            continue
        if value is None:
            out[key] = MapTarget(None)
        elif isinstance(value, str) and value:
            out[key] = MapTarget(value)
        elif isinstance(value, dict) and isinstance(value.get("label"), str) and value["label"]:
            attrs = value.get("attrs") or {}
            extra = set(value) - {"label", "attrs"}
            if (
                extra
                or not isinstance(attrs, dict)
                or not all(
                    isinstance(k, str) and isinstance(v, str | int | float | bool)
                    for k, v in attrs.items()
                )
            ):
                raise ImportFailed(
                    f'entry \'{key}\': expected {{"label": ..., "attrs": {{name: value}}}}',
                    path=name,
                )
            out[key] = MapTarget(value["label"], dict(attrs))
        else:
            raise ImportFailed(
                f'entry \'{key}\' must be a label, {{"label", "attrs"}} or null', path=name
            )
    return out


def load_label_map(path: Path) -> dict[str, MapTarget]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    except RecursionError:
        raise ImportFailed("JSON nested too deeply to read", path=str(path)) from None
    return parse_label_map(data, str(path))


class LabelMapper:
    """:func:`apply_label_map` a batch at a time, for an import that streams: ``scan`` each
    batch (counting what the map cannot place), ``error()`` once a batch is scanned, then
    ``map`` it. Counts add up over the batches, so an error names every unmapped label seen."""

    def __init__(self, scheme: Scheme, mapping: LabelMap | None, skip_unmapped: bool) -> None:
        mapping = dict(mapping or {})
        self.actor = mapping.pop(ACTOR_KEY, None)
        self.mapping: LabelMap = mapping
        self.scheme = scheme
        self.skip_unmapped = skip_unmapped
        self.report = MapReport()
        self._labels, self._relations = set(scheme.label_names), set(scheme.relation_names)
        self._bad_targets: set[str] = set()
        self._unmapped_spans: Counter[str] = Counter()
        self._unmapped_rels: Counter[str] = Counter()

    def scan(self, docs: Iterable[DocData]) -> None:
        mapping, labels, relations = self.mapping, self._labels, self._relations
        for doc in docs:
            for span in doc.spans:
                target = mapping.get(span.label)
                if target is None:
                    if span.label not in labels:
                        self._unmapped_spans[span.label] += 1
                elif target.label is not None and target.label not in labels:
                    self._bad_targets.add(f"'{span.label}' -> '{target.label}' (not a label)")
            for rel in doc.relations:
                rel_target = _relation_target(rel.label, mapping, relations)
                if rel_target is None:
                    if rel.label not in relations:
                        self._unmapped_rels[rel.label] += 1
                elif rel_target.label is not None and rel_target.label not in relations:
                    self._bad_targets.add(f"'{rel.label}' -> '{rel_target.label}' (not a relation)")

    def error(self) -> ImportFailed | None:
        """What stops the import, for everything scanned so far (None: nothing)."""
        name = self.scheme.name
        if self._bad_targets:
            return ImportFailed(
                f"the label map points outside scheme '{name}': "
                + "; ".join(sorted(self._bad_targets))
            )
        if (self._unmapped_spans or self._unmapped_rels) and not self.skip_unmapped:
            parts = [
                f"{lab} ({n} span{'s' * (n != 1)})"
                for lab, n in sorted(self._unmapped_spans.items())
            ]
            parts += [
                f"{lab} ({n} relation{'s' * (n != 1)})"
                for lab, n in sorted(self._unmapped_rels.items())
            ]
            return ImportFailed(
                f"labels not in scheme '{name}' nor in the label map: {', '.join(parts)}; "
                "map them with --label-map or pass --skip-unmapped"
            )
        return None

    def map(self, docs: Iterable[DocData]) -> list[DocData]:
        """``docs`` on the scheme (scanned first, without error)."""
        if self.actor is not None and self.actor.label is not None:
            docs = [_link_actors(doc, self.actor.label, self.report) for doc in docs]
        return [
            _map_doc(doc, self.scheme, self.mapping, self.report, self.skip_unmapped)
            for doc in docs
        ]


def apply_label_map(
    docs: Iterable[DocData], scheme: Scheme, mapping: LabelMap | None, skip_unmapped: bool
) -> tuple[list[DocData], MapReport]:
    """Map labels of all ``docs`` (see module docstring); raise ImportFailed on unmapped labels."""
    mapper = LabelMapper(scheme, mapping, skip_unmapped)
    docs = list(docs)
    mapper.scan(docs)
    problem = mapper.error()
    if problem is not None:
        raise problem
    return mapper.map(docs), mapper.report


def actor_name(value: str) -> str:
    """A wikification value as an actor name: ``Masjid_al%2DHaram`` -> ``Masjid al-Haram``."""
    return unquote(value).replace("_", " ").strip()


def _link_actors(doc: DocData, attribute: str, report: MapReport) -> DocData:
    spans = []
    for span in doc.spans:
        value = span.attrs.get(attribute)
        if value is None or value in ("", "_"):
            spans.append(span)
            continue
        attrs = {k: v for k, v in span.attrs.items() if k != attribute}
        report.mapped[f"{attribute} -> actor link"] += 1
        spans.append(replace(span, attrs=attrs, entity=actor_name(str(value))))
    return replace(doc, spans=tuple(spans))


def _relation_target(label: str, mapping: LabelMap, names: set[str]) -> MapTarget | None:
    """The map entry for a relation label; brat's numbered repeats of a role (``agent2``,
    ``Org-Arg3``) fall back to the entry or scheme relation of the role (``agent``)."""
    if label in mapping or label in names:
        return mapping.get(label)
    m = _NUMBERED.fullmatch(label)
    if m:
        base = m.group(1)
        if base in mapping:
            return mapping[base]
        if base in names:
            return MapTarget(base)
    return None


def _map_doc(
    doc: DocData, scheme: Scheme, mapping: LabelMap, report: MapReport, skip: bool
) -> DocData:
    spans: list[SpanData] = []
    for span in doc.spans:
        target = mapping.get(span.label)
        label: str | None
        extra: Mapping[str, AttrValue]
        if target is None:
            label, extra = span.label, {}
        else:
            label, extra = target.label, target.attrs
        ldef = scheme.label(label) if label is not None else None
        if ldef is None:
            report.skipped_spans[span.label] += 1
            continue
        if label != span.label:
            report.mapped[f"{span.label} -> {label}"] += 1
        attrs: dict[str, AttrValue] = {}
        for key, value in {**span.attrs, **extra}.items():
            adef = ldef.attribute(key)
            if adef is None or (adef.values and str(value) not in adef.values):
                report.dropped_attrs[f"{label}.{key}"] += 1
                continue
            attrs[key] = value
        spans.append(replace(span, label=ldef.name, attrs=attrs))
    kept = {s.id: s.label for s in spans}
    rels: list[RelationData] = []
    names = set(scheme.relation_names)
    for rel in doc.relations:
        target = _relation_target(rel.label, mapping, names)
        rel_label = rel.label if target is None else target.label
        if rel_label is None or scheme.relation(rel_label) is None:
            report.skipped_relations[rel.label] += 1
            continue
        if rel.head not in kept or rel.tail not in kept:
            report.relations_with_skipped_spans += 1
            continue
        rdef = scheme.relation(rel_label)
        if (
            skip
            and rdef is not None
            and (kept[rel.head] not in rdef.heads or kept[rel.tail] not in rdef.tails)
        ):
            report.disallowed_relations[f"{rel_label} {kept[rel.head]} -> {kept[rel.tail]}"] += 1
            continue
        if rel_label != rel.label:
            report.mapped[f"{rel.label} -> {rel_label}"] += 1
        rels.append(replace(rel, label=rel_label))
    return replace(doc, spans=tuple(spans), relations=tuple(rels))
