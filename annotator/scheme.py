"""The label scheme: labels, their attributes, relation types and pre-annotation hints.

A scheme is read from a YAML (or JSON) file. The default scheme ``news`` ships in
``resources/schemes/news.yaml``. Malformed files raise :class:`SchemeError` naming the problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import SchemeError

BUILTIN_SCHEMES = ("news",)
_DEFAULT_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


@dataclass(frozen=True, slots=True)
class AttributeDef:
    name: str
    values: tuple[str, ...] = ()  # empty: free text
    required: bool = False


@dataclass(frozen=True, slots=True)
class LabelDef:
    name: str
    key: str = ""
    color: str = "#888888"
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()
    links_entity: bool = False
    kind: str = "span"  # "event": an event type (trigger span; its relations are its roles)

    def attribute(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True, slots=True)
class RelationTypeDef:
    name: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    required: bool = False
    unless: Mapping[str, str] = field(default_factory=dict)  # head attrs that lift `required`
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    name: str
    labels: tuple[LabelDef, ...]
    relations: tuple[RelationTypeDef, ...] = ()
    preannotation: Mapping[str, Any] = field(default_factory=dict)
    version: int = 1

    def label(self, name: str) -> LabelDef | None:
        return next((lab for lab in self.labels if lab.name == name), None)

    def relation(self, name: str) -> RelationTypeDef | None:
        return next((r for r in self.relations if r.name == name), None)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(lab.name for lab in self.labels)

    @property
    def relation_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.relations)

    @property
    def event_labels(self) -> tuple[str, ...]:
        """Labels of kind ``event`` (and ``EVENT``, for schemes saved before kinds existed)."""
        return tuple(lab.name for lab in self.labels if lab.kind == "event" or lab.name == "EVENT")

    def relations_from(self, head_label: str) -> tuple[RelationTypeDef, ...]:
        return tuple(r for r in self.relations if head_label in r.heads)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "labels": [
                {
                    "name": lab.name,
                    "key": lab.key,
                    "color": lab.color,
                    "description": lab.description,
                    "links_entity": lab.links_entity,
                    "kind": lab.kind,
                    "attributes": [
                        {"name": a.name, "values": list(a.values), "required": a.required}
                        for a in lab.attributes
                    ],
                }
                for lab in self.labels
            ],
            "relations": [
                {
                    "name": r.name,
                    "heads": list(r.heads),
                    "tails": list(r.tails),
                    "required": r.required,
                    "unless": dict(r.unless),
                    "description": r.description,
                }
                for r in self.relations
            ],
            "preannotation": dict(self.preannotation),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @property
    def fingerprint(self) -> str:
        """Hash of what annotations depend on (labels, attributes, relations), not of colours."""
        core = {
            "labels": [
                [lab.name, [[a.name, list(a.values)] for a in lab.attributes]]
                for lab in self.labels
            ],
            "relations": [[r.name, list(r.heads), list(r.tails)] for r in self.relations],
        }
        return hashlib.sha256(json.dumps(core, sort_keys=True).encode()).hexdigest()[:16]


def _req(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise SchemeError(f"{where} has no '{key}'")
    return mapping[key]


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise SchemeError(f"{where} must be a list of names")
    return tuple(str(v) for v in value)


LABEL_KINDS = ("span", "event")


def _kind(value: Any, where: str) -> str:
    kind = str(value or "span")
    if kind not in LABEL_KINDS:
        raise SchemeError(f"{where}: kind '{kind}' is not one of {', '.join(LABEL_KINDS)}")
    return kind


def scheme_from_dict(data: Any) -> Scheme:
    """Build and check a scheme from parsed YAML/JSON; raise SchemeError naming the problem."""
    if not isinstance(data, Mapping):
        raise SchemeError("a scheme must be a mapping with 'name' and 'labels'")
    name = str(data.get("name") or "custom")
    raw_labels = _req(data, "labels", "the scheme")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise SchemeError("'labels' must be a non-empty list")
    labels: list[LabelDef] = []
    keys: dict[str, str] = {}  # shortcut key -> the label using it
    for i, raw in enumerate(raw_labels):
        labels.append(_label(raw, i, {lab.name for lab in labels}, keys))
    seen = {lab.name for lab in labels}
    relations: list[RelationTypeDef] = []
    for i, raw in enumerate(data.get("relations") or []):
        relations.append(_relation(raw, i, seen, {r.name for r in relations}))
    pre = data.get("preannotation") or {}
    if not isinstance(pre, Mapping):
        raise SchemeError("'preannotation' must be a mapping")
    for ent, target in (pre.get("entities") or {}).items():
        tlabel = target.get("label") if isinstance(target, Mapping) else target
        if tlabel not in seen:
            raise SchemeError(f"preannotation entity '{ent}' maps to unknown label '{tlabel}'")
    return Scheme(
        name=name,
        labels=tuple(labels),
        relations=tuple(relations),
        preannotation=dict(pre),
        version=int(data.get("version", 1)),
    )


def _label(raw: Any, i: int, seen: set[str], keys: dict[str, str]) -> LabelDef:
    """The ``i``-th label (a name alone, or a mapping); ``seen`` holds the names before it and
    ``keys`` the shortcut keys taken (this label's is added)."""
    where = f"label #{i + 1}"
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise SchemeError(f"{where} must be a mapping with a 'name'")
    lname = str(_req(raw, "name", where)).strip()
    where = f"label '{lname}'"
    if not lname or any(c.isspace() for c in lname):
        raise SchemeError(f"{where}: a label name must be non-empty and without spaces")
    if lname in seen:
        raise SchemeError(f"{where} is defined twice")
    key = str(raw.get("key", "") or "")
    if key:
        if key in keys:
            raise SchemeError(f"{where}: key '{key}' is already used by label '{keys[key]}'")
        keys[key] = lname
    color = str(raw.get("color") or _DEFAULT_COLORS[i % len(_DEFAULT_COLORS)])
    if not (color.startswith("#") and len(color) in (4, 7)):
        raise SchemeError(f"{where}: colour '{color}' is not of the form #rrggbb")
    return LabelDef(
        name=lname,
        key=key,
        color=color,
        description=str(raw.get("description") or ""),
        attributes=_attributes(raw.get("attributes") or [], where),
        links_entity=bool(raw.get("links_entity", False)),
        kind=_kind(raw.get("kind"), where),
    )


def _attributes(raw_attrs: Any, where: str) -> tuple[AttributeDef, ...]:
    """A label's attributes: each a mapping with a name, optional values and ``required``."""
    attrs: list[AttributeDef] = []
    for j, rawa in enumerate(raw_attrs):
        awhere = f"{where}, attribute #{j + 1}"
        if not isinstance(rawa, Mapping):
            raise SchemeError(f"{awhere} must be a mapping with a 'name'")
        aname = str(_req(rawa, "name", awhere))
        values = _str_list(rawa.get("values") or [], f"{where}, attribute '{aname}' values")
        if any(a.name == aname for a in attrs):
            raise SchemeError(f"{where}: attribute '{aname}' is defined twice")
        attrs.append(AttributeDef(aname, values, bool(rawa.get("required", False))))
    return tuple(attrs)


def _relation(raw: Any, i: int, labels: set[str], taken: set[str]) -> RelationTypeDef:
    """The ``i``-th relation type: heads and tails among ``labels``, a name not in ``taken``."""
    where = f"relation #{i + 1}"
    if not isinstance(raw, Mapping):
        raise SchemeError(f"{where} must be a mapping with 'name', 'heads' and 'tails'")
    rname = str(_req(raw, "name", where))
    where = f"relation '{rname}'"
    if rname in taken:
        raise SchemeError(f"{where} is defined twice")
    heads = _str_list(_req(raw, "heads", where), f"{where} heads")
    tails = _str_list(_req(raw, "tails", where), f"{where} tails")
    for lab in heads + tails:
        if lab not in labels:
            raise SchemeError(f"{where} names unknown label '{lab}'")
    unless = raw.get("unless") or {}
    if not isinstance(unless, Mapping):
        raise SchemeError(f"{where}: 'unless' must map attribute names to values")
    return RelationTypeDef(
        name=rname,
        heads=heads,
        tails=tails,
        required=bool(raw.get("required", False)),
        unless={str(k): str(v) for k, v in unless.items()},
        description=str(raw.get("description") or ""),
    )


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by name (``news``) or a scheme file by path."""
    from importlib.resources import files  # here: a stored scheme (JSON) needs neither

    import yaml

    if isinstance(name_or_path, str) and name_or_path in BUILTIN_SCHEMES:
        text = files("resources").joinpath("schemes", f"{name_or_path}.yaml").read_text("utf-8")
        return scheme_from_dict(yaml.safe_load(text))
    path = Path(name_or_path)
    if not path.is_file():
        raise SchemeError(
            f"no scheme file here (built-in schemes: {', '.join(BUILTIN_SCHEMES)})", path=str(path)
        )
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(f"cannot read scheme: {exc}", path=str(path)) from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = line + 1 if line is not None else getattr(exc, "lineno", None)
        msg = str(getattr(exc, "problem", None) or getattr(exc, "msg", exc))
        raise SchemeError(f"malformed scheme: {msg}", path=str(path), line=line) from exc
    try:
        return scheme_from_dict(data)
    except SchemeError as exc:
        raise SchemeError(exc.message, path=str(path)) from None


def scheme_from_json(text: str) -> Scheme:
    return scheme_from_dict(json.loads(text))
