"""brat ``annotation.conf``: read it as a scheme, so a brat corpus can be imported as it is.

- ``[entities]``: one label per type (kind ``span``); ``!Type`` (not for annotation, a hierarchy
  node) is left out; the indentation hierarchy is flattened.
- ``[events]``: one label per event type (kind ``event``); each argument role becomes a relation
  from the event label to the role's types. A role's multiplicity (``?``, ``*``, ``+``,
  ``{2}``) is not kept (the scheme has none); a role used by several events is one relation
  whose heads are all of them. brat numbers repeated roles (``Org-Arg2``): those read back as the
  role itself (``annotator.transfer.label_map``).
- ``[relations]``: one relation per type, ``Arg1`` types as heads and ``Arg2`` types as tails;
  ``<OVERLAP>``, ``ENTITY-NESTING`` and ``<REL-TYPE>`` settings are brat's overlap and
  consistency rules and left out.
- ``[attributes]``: ``Value:a|b`` gives a valued attribute, no ``Value`` a binary one (free,
  holding ``True``), on the labels of ``Arg:`` (``<ENTITY>``, ``<EVENT>``, ``<ANY>`` or names).
- Every label also gets a free-text ``note`` attribute: brat's ``AnnotatorNotes``.
- A type written ``Name|GO:0006468`` is the type ``Name``.
- Macros (``<POG>=Person|Organization|GPE``) are expanded; ``#`` starts a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import SchemeError
from annotator.formats.textfile import read_text
from annotator.scheme import Scheme, scheme_from_dict

NOTE_ATTRIBUTE = "note"  # the attribute holding brat's AnnotatorNotes
_MULTIPLICITY = re.compile(r"(\{\d*(?:-\d*)?\}|[?*+])$")
_SPECIAL_RELATIONS = frozenset({"ENTITY-NESTING"})  # brat's own overlap rule, not a relation
_SECTIONS = ("entities", "relations", "events", "attributes")


def _lines(text: str) -> list[tuple[str, int, str]]:
    """(section, line number, content) of every meaningful line; macros stay in."""
    out: list[tuple[str, int, str]] = []
    section = ""
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip() or line.strip().startswith("-"):
            continue
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        out.append((section, n, stripped))
    return out


def _args(rest: str) -> list[tuple[str, str]]:
    """``Role:A|B, Role2:C`` -> [(role, types)], split at commas."""
    out = []
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition(":")
        out.append((key.strip(), value.strip()))
    return out


def scheme_from_annotation_conf(path: Path) -> Scheme:
    """A scheme holding the types, roles, relations and attributes of a brat ``annotation.conf``.
    Raise SchemeError naming the file and line when a line cannot be understood."""
    name = str(path)
    types, pending = _declared(_lines(read_text(path, allow_empty=True)), name)
    relations: dict[str, dict[str, list[str]]] = {}
    attributes: dict[str, dict[str, Any]] = {}
    for section, n, line in pending:
        parts = line.split(None, 1)
        head, rest = parts[0].split("|", 1)[0], (parts[1] if len(parts) > 1 else "")
        if section == "events":
            for role, role_types in _args(rest):
                _add_relation(
                    relations, _MULTIPLICITY.sub("", role), [head], types.expand(role_types, n)
                )
        elif section == "relations":
            _read_relation(relations, head, rest, types, n)
        elif section == "attributes":
            opts = dict(_args(rest))
            owners = types.expand(opts.get("Arg", "<ANY>"), n)
            values = [v for v in opts.get("Value", "").split("|") if v]
            attributes[head] = {"owners": owners, "values": values}
    rels = [
        {"name": rname, "heads": spec["heads"], "tails": spec["tails"]}
        for rname, spec in relations.items()
        if spec["heads"] and spec["tails"]
    ]
    try:
        return scheme_from_dict(
            {
                "name": path.parent.name or "brat",
                "labels": _labels(types, attributes),
                "relations": rels,
            }
        )
    except SchemeError as exc:
        raise SchemeError(exc.message, path=name) from None


@dataclass
class _Types:
    """The entity and event types a conf declares, and its macros (``<POG>=A|B``)."""

    name: str  # the file, for errors
    macros: dict[str, str] = field(default_factory=dict)
    entities: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def every(self) -> list[str]:
        return [*self.entities, *self.events]

    def expand(self, types: str, n: int) -> list[str]:
        """``A|<EVENT>|<POG>`` as the type names it stands for, each once, in order."""
        every = self.every
        out: list[str] = []
        for t in types.split("|"):
            t = t.strip()
            if t in self.macros:
                out += [x for x in self.expand(self.macros[t], n) if x not in out]
            elif t == "<ENTITY>":
                out += [x for x in self.entities if x not in out]
            elif t == "<EVENT>":
                out += [x for x in self.events if x not in out]
            elif t == "<ANY>":
                out += [x for x in every if x not in out]
            elif t in every:
                if t not in out:
                    out.append(t)
            elif t:
                raise SchemeError(f"unknown type '{t}'", path=self.name, line=n)
        return out


def _declared(
    lines: list[tuple[str, int, str]], name: str
) -> tuple[_Types, list[tuple[str, int, str]]]:
    """First pass: macros, entity and event types; the lines left for the second pass (events'
    roles, relations, attributes) are returned in order."""
    types = _Types(name)
    pending: list[tuple[str, int, str]] = []
    for section, n, line in lines:
        head = line.split(None, 1)[0]
        if re.fullmatch(r"<[^>]+>=.*", line.replace(" ", "")):
            key, _, value = line.partition("=")
            types.macros[key.strip()] = value.strip()
            continue
        if section not in _SECTIONS:
            raise SchemeError(f"line outside a known section: {line[:40]!r}", path=name, line=n)
        if head.startswith("!") or head.startswith("<"):
            continue
        head = head.split("|", 1)[0]  # "Phosphorylation|GO:0006468": the type and its norm
        if section == "entities":
            types.entities.append(head)
        elif section == "events":
            types.events.append(head)
        pending.append((section, n, line))
    if not types.entities and not types.events:
        raise SchemeError("declares no entity or event type", path=name)
    return types, pending


def _add_relation(
    relations: dict[str, dict[str, list[str]]], rname: str, heads: list[str], tails: list[str]
) -> None:
    entry = relations.setdefault(rname, {"heads": [], "tails": []})
    entry["heads"] += [h for h in heads if h not in entry["heads"]]
    entry["tails"] += [t for t in tails if t not in entry["tails"]]


def _read_relation(
    relations: dict[str, dict[str, list[str]]], head: str, rest: str, types: _Types, n: int
) -> None:
    """A ``[relations]`` line: ``Arg1`` types as heads, ``Arg2`` types as tails."""
    if head in _SPECIAL_RELATIONS:
        return
    args = [(k, v) for k, v in _args(rest) if not k.startswith("<")]
    if len(args) < 2:
        raise SchemeError(f"relation '{head}' needs two arguments", path=types.name, line=n)
    _add_relation(relations, head, types.expand(args[0][1], n), types.expand(args[1][1], n))


def _labels(types: _Types, attributes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One label per type, with its attributes and the free-text ``note``."""
    labels = []
    for lab in types.every:
        attrs = [
            {"name": aname, "values": spec["values"]}
            for aname, spec in attributes.items()
            if lab in spec["owners"]
        ]
        if not any(a["name"] == NOTE_ATTRIBUTE for a in attrs):
            attrs.append({"name": NOTE_ATTRIBUTE, "values": []})
        labels.append(
            {"name": lab, "kind": "event" if lab in types.events else "span", "attributes": attrs}
        )
    return labels
