"""What a Label Studio task's structure was when it was imported, kept in the document's
metadata so that the export hands the work back in the peer's own terms.

Label Studio loads tasks against a labelling config: a region's ``from_name`` must name a
``<Labels>`` control of it, ``to_name`` its ``<Text>`` object, and the text must sit under the
data key that object reads (``$text``). Our defaults (``label``, ``text``, ``text``) load only with
the ``config.xml`` we write. So the reader keeps, under ``meta["labelstudio"]``:

- ``data_key``: the data key that held the text;
- ``controls``: the distinct ``[from_name, to_name]`` pairs of the task's ``labels`` regions;
- ``regions``: per annotation layer (its ``completed_by``; ``""`` for none), each region as
  ``[start, end, label, id, control]`` (code points; ``control`` indexes ``controls``), one entry
  per label of a region with several.

Nothing is kept for a task in our own names with our own region ids (an export of ours read
back: the export gives the same without it).

The writer gives a span the id and control of the kept region with its offsets and label, else
of the only kept region id at its offsets (a label map may have renamed the label), else its
own id (never one the peer's regions use) with the task's first control. Spans of one region
with several labels, still alike in attributes and actor link, are written back as that one
region. Anything unreadable in the kept value is ignored: the defaults are used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.values import SpanData

STRUCTURE_META = "labelstudio"  # document metadata key (see module docstring)
LABELS_NAME, TEXT_NAME, DATA_KEY = "label", "text", "text"  # our own names
DEFAULT_CONTROL = (LABELS_NAME, TEXT_NAME)
_MAX_NAME = 200
_DATA_KEY = re.compile(r"\w{1,100}\Z")  # what a config's value="$key" can name
_OTHER_DATA = frozenset({"doc_id", "title", "url", "published", "source"})  # our data keys
_OUR_ID = re.compile(r"s[1-9][0-9]*\Z")  # the region ids of our exports (canonical span ids)

Control = tuple[str, str]  # (from_name, to_name)
Region = tuple[int, int, str, str, int]  # start, end, label, region id, control index


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_NAME else None


@dataclass
class KeptRegions:
    """The regions of one annotation of a task as they are read (see ``Kept``)."""

    controls: dict[Control, int]
    regions: list[list[Any]] = field(default_factory=list)

    def add(self, start: int, end: int, label: str, rid: str, frm: object, to: object) -> None:
        control = (_name(frm) or LABELS_NAME, _name(to) or TEXT_NAME)
        k = self.controls.setdefault(control, len(self.controls))
        self.regions.append([start, end, label, rid, k])


class Kept:
    """One task's structure, collected while its annotations are read."""

    def __init__(self, data_key: str) -> None:
        self.data_key = data_key
        self.controls: dict[Control, int] = {}
        self.layers: dict[str, KeptRegions] = {}

    def regions(self, layer: str | None) -> KeptRegions:
        return self.layers.setdefault(layer or "", KeptRegions(self.controls))

    def as_meta(self) -> dict[str, Any] | None:
        """The value kept in the metadata; None when the export would write the same without it
        (our own names and region ids ``s1``, ``s2``... as our exports give them)."""
        ours = self.data_key == DATA_KEY and set(self.controls) <= {DEFAULT_CONTROL}
        if ours and all(_OUR_ID.match(r[3]) for kept in self.layers.values() for r in kept.regions):
            return None
        return {
            "data_key": self.data_key,
            "controls": [list(c) for c in self.controls],
            "regions": {layer: kept.regions for layer, kept in self.layers.items()},
        }


@dataclass(frozen=True)
class Structure:
    """A document's kept structure as the writer uses it."""

    data_key: str = DATA_KEY
    controls: tuple[Control, ...] = ()
    regions: Mapping[str, tuple[Region, ...]] = field(default_factory=dict)

    @property
    def default_control(self) -> Control:
        return self.controls[0] if self.controls else DEFAULT_CONTROL

    def layer_regions(self, layer: str, main: bool) -> tuple[Region, ...]:
        """The kept regions of ``layer``; for the exported (``main``) layer, those of the task's
        only annotation when no layer has its name (it was imported with ``--as``)."""
        if layer in self.regions:
            return self.regions[layer]
        if main and len(self.regions) == 1:
            return next(iter(self.regions.values()))
        return ()


def structure_of(meta: Mapping[str, Any]) -> Structure:
    """The structure kept in ``meta`` (defaults for anything missing or unreadable)."""
    raw = meta.get(STRUCTURE_META)
    if not isinstance(raw, dict):
        return Structure()
    controls: list[Control] = []
    for item in raw.get("controls") or ():
        if isinstance(item, list | tuple) and len(item) == 2:
            frm, to = _name(item[0]), _name(item[1])
            if frm is None or to is None:
                return Structure()
            controls.append((frm, to))
    regions: dict[str, tuple[Region, ...]] = {}
    layers = raw.get("regions")
    if isinstance(layers, dict):
        for layer, items in layers.items():
            kept = [r for r in (_region(item, len(controls)) for item in items or ()) if r]
            regions[str(layer)] = tuple(kept)
    key = raw.get("data_key")
    sound = isinstance(key, str) and _DATA_KEY.match(key) and key not in _OTHER_DATA
    return Structure(str(key) if sound else DATA_KEY, tuple(controls), regions)


def _region(item: object, n_controls: int) -> Region | None:
    if not (isinstance(item, list) and len(item) == 5):
        return None
    start, end, label, rid, k = item
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end, k))
    if not ints or not isinstance(label, str) or _name(rid) is None or not 0 <= k < n_controls:
        return None
    return (start, end, label, rid, k)


@dataclass(frozen=True)
class Placed:
    """Where a span goes: its region id, its control, and whether it is another label of a
    region written for an earlier span (``joins``: that span's id)."""

    rid: str
    control: Control
    joins: str | None = None


def place_spans(
    spans: Iterable[SpanData], kept: tuple[Region, ...], structure: Structure
) -> dict[str, Placed]:
    """Span id -> where it goes (see module docstring)."""
    exact: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    at: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, (a, b, label, _rid, _c) in enumerate(kept):
        exact[(a, b, label)].append(j)
        at[(a, b)].append(j)
    taken = {r[3] for r in kept}
    used: set[int] = set()
    out: dict[str, Placed] = {}
    first_of: dict[str, SpanData] = {}  # region id -> the span written as that region
    fresh: list[SpanData] = []
    for span in spans:
        k = _kept_index(span, exact, at, used, kept)
        if k is None:
            fresh.append(span)
            continue
        used.add(k)
        rid, control = kept[k][3], structure.controls[kept[k][4]]
        first = first_of.get(rid)
        if first is None:
            first_of[rid] = span
            out[span.id] = Placed(rid, control)
        elif (first.start, first.end, dict(first.attrs), first.entity) == (
            span.start,
            span.end,
            dict(span.attrs),
            span.entity,
        ):
            out[span.id] = Placed(rid, control, joins=first.id)
        else:
            fresh.append(span)
    for span in fresh:
        rid, j = span.id, 1
        while rid in taken:
            j += 1
            rid = f"{span.id}_{j}"
        taken.add(rid)
        out[span.id] = Placed(rid, structure.default_control)
    return out


def _kept_index(
    span: SpanData,
    exact: Mapping[tuple[int, int, str], list[int]],
    at: Mapping[tuple[int, int], list[int]],
    used: set[int],
    kept: tuple[Region, ...],
) -> int | None:
    """The kept region entry for ``span``: one with its offsets and label, else the only region
    id left at its offsets (its label mapped on import); None when there is none."""
    for k in exact.get((span.start, span.end, span.label), ()):
        if k not in used:
            return k
    free = [k for k in at.get((span.start, span.end), ()) if k not in used]
    if free and len({kept[j][3] for j in free}) == 1:
        return free[0]
    return None
