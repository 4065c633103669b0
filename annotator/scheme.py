"""The label scheme: labels, their attributes, relation types and pre-annotation hints.

A scheme is read from a YAML (or JSON) file. The default scheme ``news`` ships in
``resources/schemes/news.yaml``. Malformed files raise :class:`SchemeError` naming the problem.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from annotator.errors import SchemeError, SchemePatternError

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
    _check_entity_mapping(pre.get("entities"), seen)
    check_argument_patterns(pre.get("argument_patterns"))
    check_pattern_matcher(pre.get("pattern_matcher"))
    return Scheme(
        name=name,
        labels=tuple(labels),
        relations=tuple(relations),
        preannotation=dict(pre),
        version=_version(data.get("version", 1)),
    )


def _check_entity_mapping(entities: Any, labels: set[str]) -> None:
    """``preannotation.entities``: entity label -> a label name or {label, attrs}."""
    if entities is None:
        return
    if not isinstance(entities, Mapping):
        raise SchemeError("'preannotation.entities' must be a mapping of entity labels")
    for ent, target in entities.items():
        tlabel = target.get("label") if isinstance(target, Mapping) else target
        if not isinstance(tlabel, str) or tlabel not in labels:
            raise SchemeError(f"preannotation entity '{ent}' maps to unknown label '{tlabel}'")


def _version(value: Any) -> int:
    """The scheme's version: a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SchemeError(f"'version' must be a whole number, not {value!r}")
    try:
        return int(value)
    except ValueError:
        raise SchemeError(f"'version' must be a whole number, not {value!r}") from None


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
    except RecursionError:
        raise SchemeError("malformed scheme: nested too deeply to read", path=str(path)) from None
    try:
        return scheme_from_dict(data)
    except SchemePatternError as exc:
        line = yaml_line(text, exc.where)
        raise SchemePatternError(exc.message, where=exc.where, path=str(path), line=line) from None
    except SchemeError as exc:
        raise SchemeError(exc.message, path=str(path)) from None


def scheme_from_json(text: str) -> Scheme:
    return scheme_from_dict(json.loads(text))


# -- suggestion patterns (``preannotation.argument_patterns``) -----------------------------------

# The groups of argument patterns the suggestion rules read, and the anchor each is run from.
PATTERN_GROUPS = {
    "claim_source": "cue",
    "claim_content": "cue",
    "event_agent": "trigger",
    "event_target": "trigger",
    "event_place": "trigger",
    "event_conjunct": "argument",
    "event_quantity": "argument",
    "event_status": "trigger",
    "event_type": "trigger",
    "claim_owner": "noun",
    "event_not_trigger": "trigger",
    "event_counted": "noun",
    "claim_not_cue": "cue",
}
# Groups whose patterns are tests of the anchor: a match needs no ``arg`` node.
PATTERN_TESTS = frozenset({"event_not_trigger", "event_counted", "claim_not_cue", "event_type"})
# Groups whose patterns give a value to what they match from: key -> group.
PATTERN_VALUES = {"event_status": "status", "event_type": "type"}
# How the patterns are matched at run time (``preannotation.pattern_matcher``).
PATTERN_MATCHERS = ("anchored", "spacy")
# spaCy DependencyMatcher operators.
PATTERN_OPS = frozenset("< > << >> . .* ; ;* $+ $- $++ $-- >+ >- >++ >-- <+ <- <++ <--".split())
# Token attributes a pattern node may test (text-valued, number-valued, flags).
PATTERN_TEXT_ATTRS = frozenset(
    "ORTH TEXT LOWER NORM LEMMA POS TAG DEP ENT_TYPE ENT_IOB SHAPE MORPH".split()
)
PATTERN_NUMBER_ATTRS = frozenset({"LENGTH"})
PATTERN_FLAG_ATTRS = frozenset(
    "IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER IS_UPPER IS_TITLE IS_PUNCT IS_SPACE IS_STOP"
    " IS_SENT_START LIKE_NUM LIKE_URL LIKE_EMAIL SENT_START SPACY".split()
)
PATTERN_SET_PREDICATES = frozenset({"IN", "NOT_IN"})
PATTERN_COMPARE_PREDICATES = frozenset({"==", "!=", ">=", "<=", ">", "<"})
_NODE_KEYS = frozenset({"RIGHT_ID", "RIGHT_ATTRS", "REL_OP", "LEFT_ID"})


def check_argument_patterns(raw: Any) -> None:
    """Check ``preannotation.argument_patterns``: each group a list of ``{name, pattern,
    types?}`` with a spaCy DependencyMatcher ``pattern`` whose first node is the anchor and
    one node is ``arg``. Raise SchemePatternError naming the pattern (``where`` locates it)."""
    if raw is None:
        return
    base: tuple[str | int, ...] = ("preannotation", "argument_patterns")
    if not isinstance(raw, Mapping):
        _pattern_error("'argument_patterns' must map group names to lists of patterns", base)
    for group, entries in raw.items():
        where = (*base, str(group))
        if group not in PATTERN_GROUPS:
            known = ", ".join(PATTERN_GROUPS)
            _pattern_error(f"unknown pattern group '{group}' (known: {known})", where)
        if not isinstance(entries, list):
            _pattern_error(f"pattern group '{group}' must be a list of patterns", where)
        for i, entry in enumerate(entries):
            _check_pattern_entry(str(group), i, entry, (*where, i))


def check_pattern_matcher(raw: Any) -> None:
    """Check ``preannotation.pattern_matcher``: absent, or one of ``PATTERN_MATCHERS``."""
    if raw is not None and raw not in PATTERN_MATCHERS:
        _pattern_error(
            f"unknown pattern_matcher {raw!r} (one of {', '.join(PATTERN_MATCHERS)})",
            ("preannotation", "pattern_matcher"),
        )


def _check_pattern_entry(group: str, i: int, entry: Any, where: tuple[str | int, ...]) -> None:
    if not isinstance(entry, Mapping) or "pattern" not in entry:
        _pattern_error(f"{group} #{i + 1} must be a mapping with 'name' and 'pattern'", where)
    name = str(entry.get("name") or f"#{i + 1}")
    label = f"{group} pattern '{name}'"
    value = PATTERN_VALUES.get(group)
    keys = {"name", "pattern", "types"} | ({value} if value else set())
    unknown = set(entry) - keys
    if unknown:
        _pattern_error(f"{label} has unknown key(s) {', '.join(sorted(map(str, unknown)))}", where)
    if value and not isinstance(entry.get(value), str):
        _pattern_error(f"{label} needs a '{value}' (the {value} it gives the event)", where)
    types = entry.get("types")
    if types is not None and (
        not isinstance(types, list) or not all(isinstance(t, str) for t in types)
    ):
        _pattern_error(f"{label}: 'types' must be a list of event types", (*where, "types"))
    nodes = entry["pattern"]
    if not isinstance(nodes, list) or not nodes:
        _pattern_error(f"{label}: 'pattern' must be a non-empty list of nodes", where)
    seen: set[str] = set()
    for j, node in enumerate(nodes):
        _check_pattern_node(label, j, node, seen, (*where, "pattern", j))
    if group in PATTERN_TESTS:
        return
    if not any(n == "arg" or (group == "claim_content" and n.startswith("arg")) for n in seen):
        _pattern_error(f"{label} has no node named 'arg' (the argument)", (*where, "pattern"))


def _check_pattern_node(
    label: str, j: int, node: Any, seen: set[str], where: tuple[str | int, ...]
) -> None:
    if not isinstance(node, Mapping):
        _pattern_error(f"{label}, node #{j + 1} must be a mapping", where)
    keys = set(node)
    want = {"RIGHT_ID", "RIGHT_ATTRS"} if j == 0 else _NODE_KEYS
    if keys != want:
        extra, missing = sorted(map(str, keys - want)), sorted(want - keys)
        detail = "; ".join(
            part
            for part in (
                f"unknown {', '.join(extra)}" if extra else "",
                f"missing {', '.join(missing)}" if missing else "",
            )
            if part
        )
        first = " (the first node is the anchor: no REL_OP or LEFT_ID)" if j == 0 else ""
        _pattern_error(f"{label}, node #{j + 1}: {detail}{first}", where)
    rid = node["RIGHT_ID"]
    if not isinstance(rid, str) or not rid or rid in seen:
        _pattern_error(f"{label}, node #{j + 1}: RIGHT_ID must be a new node name", where)
    if j:
        if node["LEFT_ID"] not in seen:
            _pattern_error(
                f"{label}, node '{rid}': LEFT_ID '{node['LEFT_ID']}' names no earlier node", where
            )
        if node["REL_OP"] not in PATTERN_OPS:
            _pattern_error(
                f"{label}, node '{rid}': unknown REL_OP '{node['REL_OP']}' (one of "
                f"{' '.join(sorted(PATTERN_OPS))})",
                where,
            )
    seen.add(rid)
    attrs = node["RIGHT_ATTRS"]
    if not isinstance(attrs, Mapping):
        _pattern_error(f"{label}, node '{rid}': RIGHT_ATTRS must be a mapping", where)
    for attr, value in attrs.items():
        _check_pattern_attr(f"{label}, node '{rid}'", str(attr), value, where)


def _check_pattern_attr(label: str, attr: str, value: Any, where: tuple[str | int, ...]) -> None:
    if attr in PATTERN_FLAG_ATTRS:
        if not isinstance(value, bool):
            _pattern_error(f"{label}: {attr} must be true or false", where)
        return
    number = attr in PATTERN_NUMBER_ATTRS
    if not number and attr not in PATTERN_TEXT_ATTRS:
        _pattern_error(
            f"{label}: unknown token attribute '{attr}' (quantifiers such as OP are "
            "not allowed in dependency patterns)",
            where,
        )
    kind = "a number" if number else "text"

    def ok(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) if number else isinstance(v, str)

    if not isinstance(value, Mapping):
        if not ok(value):
            hint = " (quote on, off, yes and no in YAML)" if isinstance(value, bool) else ""
            _pattern_error(f"{label}: {attr} value {value!r} is not {kind}{hint}", where)
        return
    for pred, arg in value.items():
        if pred in PATTERN_SET_PREDICATES:
            if not isinstance(arg, list) or not all(ok(v) for v in arg):
                bad = next((v for v in arg if not ok(v)), arg) if isinstance(arg, list) else arg
                hint = " (quote on, off, yes and no in YAML)" if isinstance(bad, bool) else ""
                _pattern_error(f"{label}: {attr} {pred} value {bad!r} is not {kind}{hint}", where)
        elif pred in PATTERN_COMPARE_PREDICATES and (pred in ("==", "!=") or number):
            if not ok(arg):
                _pattern_error(f"{label}: {attr} {pred} value {arg!r} is not {kind}", where)
        elif pred == "REGEX" and not number:
            try:
                re.compile(str(arg))
            except re.error as exc:
                _pattern_error(
                    f"{label}: {attr} REGEX {arg!r} is no regular expression ({exc})", where
                )
        else:
            _pattern_error(f"{label}: unknown predicate '{pred}' for {attr}", where)


def _pattern_error(message: str, where: tuple[str | int, ...]) -> NoReturn:
    raise SchemePatternError(message, where=where)


def yaml_line(text: str, where: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the YAML node at ``where`` (mapping keys and list indices), or of
    the deepest node on the way that exists; None when the text is no YAML mapping."""
    import yaml

    try:
        node: Any = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for step in where:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            nxt = node.value[step] if 0 <= step < len(node.value) else None
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line
