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


def scheme_from_annotation_conf(path: Path) -> Scheme:  # noqa: C901 - one branch per annotation.conf section and line form
    """A scheme holding the types, roles, relations and attributes of a brat ``annotation.conf``.
    Raise SchemeError naming the file and line when a line cannot be understood."""
    name = str(path)
    lines = _lines(read_text(path, allow_empty=True))
    macros: dict[str, str] = {}
    entities: list[str] = []
    events: list[str] = []
    pending: list[tuple[str, int, str]] = []
    for section, n, line in lines:
        head = line.split(None, 1)[0]
        if re.fullmatch(r"<[^>]+>=.*", line.replace(" ", "")):
            key, _, value = line.partition("=")
            macros[key.strip()] = value.strip()
            continue
        if section not in _SECTIONS:
            raise SchemeError(f"line outside a known section: {line[:40]!r}", path=name, line=n)
        if head.startswith("!") or head.startswith("<"):
            continue
        head = head.split("|", 1)[0]  # "Phosphorylation|GO:0006468": the type and its norm
        if section == "entities":
            entities.append(head)
        elif section == "events":
            events.append(head)
        pending.append((section, n, line))
    if not entities and not events:
        raise SchemeError("declares no entity or event type", path=name)
    every = [*entities, *events]

    def expand(types: str, n: int) -> list[str]:
        out: list[str] = []
        for t in types.split("|"):
            t = t.strip()
            if t in macros:
                out += [x for x in expand(macros[t], n) if x not in out]
            elif t == "<ENTITY>":
                out += [x for x in entities if x not in out]
            elif t == "<EVENT>":
                out += [x for x in events if x not in out]
            elif t == "<ANY>":
                out += [x for x in every if x not in out]
            elif t in every:
                if t not in out:
                    out.append(t)
            elif t:
                raise SchemeError(f"unknown type '{t}'", path=name, line=n)
        return out

    relations: dict[str, dict[str, list[str]]] = {}
    attributes: dict[str, dict[str, Any]] = {}

    def relation(rname: str, heads: list[str], tails: list[str]) -> None:
        entry = relations.setdefault(rname, {"heads": [], "tails": []})
        entry["heads"] += [h for h in heads if h not in entry["heads"]]
        entry["tails"] += [t for t in tails if t not in entry["tails"]]

    for section, n, line in pending:
        parts = line.split(None, 1)
        head, rest = parts[0].split("|", 1)[0], (parts[1] if len(parts) > 1 else "")
        if section == "events":
            for role, types in _args(rest):
                relation(_MULTIPLICITY.sub("", role), [head], expand(types, n))
        elif section == "relations":
            if head in _SPECIAL_RELATIONS:
                continue
            args = [(k, v) for k, v in _args(rest) if not k.startswith("<")]
            if len(args) < 2:
                raise SchemeError(f"relation '{head}' needs two arguments", path=name, line=n)
            relation(head, expand(args[0][1], n), expand(args[1][1], n))
        elif section == "attributes":
            opts = dict(_args(rest))
            owners = expand(opts.get("Arg", "<ANY>"), n)
            values = [v for v in opts.get("Value", "").split("|") if v]
            attributes[head] = {"owners": owners, "values": values}
    labels = []
    for lab in every:
        attrs = [
            {"name": aname, "values": spec["values"]}
            for aname, spec in attributes.items()
            if lab in spec["owners"]
        ]
        if not any(a["name"] == NOTE_ATTRIBUTE for a in attrs):
            attrs.append({"name": NOTE_ATTRIBUTE, "values": []})
        labels.append(
            {"name": lab, "kind": "event" if lab in events else "span", "attributes": attrs}
        )
    rels = [
        {"name": rname, "heads": spec["heads"], "tails": spec["tails"]}
        for rname, spec in relations.items()
        if spec["heads"] and spec["tails"]
    ]
    try:
        return scheme_from_dict(
            {"name": path.parent.name or "brat", "labels": labels, "relations": rels}
        )
    except SchemeError as exc:
        raise SchemeError(exc.message, path=name) from None
