"""Training a spaCy pipeline on the project's own annotations (``annotator train``).

Flat, non-overlapping labels (ACTOR, PLACE, TIME) train a named-entity recogniser; labels that
overlap (CLAIM, EVENT) train a span categoriser. The config comes from spaCy's own
``init_config`` (each component then gets its own token-to-vector layer) and training is
spaCy's ``train``. Documents, not sentences, are split into train and dev.

The trained ``ner`` and ``spancat`` are then placed into the default English pipeline (in place
of its ``ner``), so the result also tags, parses and lemmatises and the claim and event rules
can still add forms, claimants and roles. Without that pipeline the trained one is used alone.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import ModelUnavailable, NotFound, TrainFailed
from annotator.suggest.evaluation import Evaluation
from annotator.values import DocData
from annotator.vocabulary import SPANS_KEY, Layer

if TYPE_CHECKING:
    from spacy.tokens import Span

    from annotator.project import Project

SPAN_LABELS = ("CLAIM", "EVENT")
MAX_NGRAM_SIZES = 24


@dataclass(slots=True)
class TrainReport:
    outdir: Path
    train_docs: int
    dev_docs: int
    ner_labels: tuple[str, ...]
    span_labels: tuple[str, ...]
    base: str  # pipeline whose tagger/parser/lemmatizer the result uses ("" if none)
    dev: Evaluation
    log: str = ""

    def lines(self) -> list[str]:
        base = f" on top of {self.base}" if self.base else ""
        out = [
            f"trained on {self.train_docs} documents, evaluated on {self.dev_docs}{base}; "
            f"pipeline written to {self.outdir}",
            f"ner: {', '.join(self.ner_labels) or '-'}; "
            f"spancat: {', '.join(self.span_labels) or '-'}",
            "dev scores (exact match):",
        ]
        out.extend(self.dev.lines()[1:])
        return out


def split_documents(
    docs: Sequence[DocData], dev_share: float = 0.2, seed: int = 0
) -> tuple[list[DocData], list[DocData]]:
    """Document-level train/dev split (at least one dev document when there are two)."""
    order = sorted(docs, key=lambda d: str(d.id))
    random.Random(seed).shuffle(order)
    if len(order) < 2:
        return list(order), list(order)
    n_dev = min(len(order) - 1, max(1, round(len(order) * dev_share)))
    return order[n_dev:], order[:n_dev]


def to_docbin(nlp: Any, docs: Sequence[DocData], span_labels: Sequence[str]) -> Any:
    """A DocBin with entities (flat labels, longest first) and spans[SPANS_KEY] (the others)."""
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    out = DocBin(store_user_data=False)
    for data in docs:
        doc = nlp.make_doc(data.text)
        ents: list[Span] = []
        spans: list[Span] = []
        for sp in data.spans:
            span = doc.char_span(sp.start, sp.end, label=sp.label, alignment_mode="expand")
            if span is None or not len(span):
                continue
            (spans if sp.label in span_labels else ents).append(span)
        doc.ents = filter_spans(ents)
        doc.spans[SPANS_KEY] = spans
        out.add(doc)
    return out


def _ngram_sizes(nlp: Any, docs: Sequence[DocData], span_labels: Sequence[str]) -> list[int]:
    """Span lengths (in tokens) seen in training, most frequent first, capped."""
    from collections import Counter

    lengths: Counter[int] = Counter()
    for data in docs:
        doc = nlp.make_doc(data.text)
        for sp in data.spans:
            if sp.label in span_labels:
                span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
                if span is not None and len(span):
                    lengths[len(span)] += 1
    sizes = sorted(n for n, _ in lengths.most_common(MAX_NGRAM_SIZES))
    return sizes or [1, 2, 3]


def _own_tok2vec() -> dict[str, Any]:
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 96,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
            "rows": [5000, 1000, 2500, 2500],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 96,
            "depth": 4,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    }


def make_config(components: Sequence[str], sizes: Sequence[int], max_steps: int, seed: int) -> Any:
    """spaCy's generated config for ``components``, each with its own tok2vec."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=list(components), optimize="efficiency", gpu=False)
    config["nlp"]["pipeline"] = list(components)
    config["components"].pop("tok2vec", None)
    weights = {}
    if "ner" in components:
        config["components"]["ner"]["model"]["tok2vec"] = _own_tok2vec()
        weights.update({"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None})
    if "spancat" in components:
        spancat = config["components"]["spancat"]
        spancat["model"]["tok2vec"] = _own_tok2vec()
        spancat["spans_key"] = SPANS_KEY
        spancat["suggester"] = {"@misc": "spacy.ngram_suggester.v1", "sizes": list(sizes)}
        weights.update(
            {f"spans_{SPANS_KEY}_f": 1.0, f"spans_{SPANS_KEY}_p": 0.0, f"spans_{SPANS_KEY}_r": 0.0}
        )
    config["training"]["score_weights"] = weights
    config["training"]["max_steps"] = max_steps
    config["training"]["eval_frequency"] = max(1, min(200, max_steps // 4))
    config["training"]["patience"] = max(1600, max_steps)
    config["system"]["seed"] = seed
    config["training"]["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    return config


def train_pipeline(
    project: Project,
    outdir: str | Path,
    layer: str = Layer.GOLD,
    seed: int = 0,
    max_steps: int = 2000,
    base: str | None = None,
    dev_share: float = 0.2,
    quiet: bool = True,
) -> TrainReport:
    """Train on ``layer``, write a spaCy pipeline directory to ``outdir``, score it on dev."""
    import spacy

    from annotator.layers import load_layer
    from annotator.suggest.propose import DEFAULT_PIPELINES, load_pipeline, propose

    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / "config.cfg").is_file():
        raise TrainFailed(
            "the output folder exists and is not a spaCy pipeline; choose an empty or new folder",
            path=str(outdir),
        )
    with project.session() as s:
        docs = [d for d in load_layer(s, layer) if d.spans]
    if not docs:
        raise NotFound(f"layer '{layer}' has no annotated documents to train on")
    scheme = project.scheme
    train, dev = split_documents(docs, dev_share, seed)
    present = {sp.label for d in train for sp in d.spans}
    span_labels = tuple(lab for lab in scheme.label_names if lab in SPAN_LABELS)
    ner_labels = tuple(lab for lab in scheme.label_names if lab not in SPAN_LABELS)
    if not present & set(span_labels):
        span_labels = ()  # a component without examples cannot be initialised
    if not present & set(ner_labels):
        ner_labels = ()
    blank = spacy.blank("en")
    components = [c for c, labels in (("ner", ner_labels), ("spancat", span_labels)) if labels]
    if not components:
        raise NotFound(f"the training part of layer '{layer}' has no spans of the scheme's labels")
    config = make_config(components, _ngram_sizes(blank, train, span_labels), max_steps, seed)
    log = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as tmp:
        work = Path(tmp)
        to_docbin(blank, train, span_labels).to_disk(work / "train.spacy")
        to_docbin(blank, dev, span_labels).to_disk(work / "dev.spacy")
        config["paths"]["train"] = str(work / "train.spacy")
        config["paths"]["dev"] = str(work / "dev.spacy")
        config_path = work / "config.cfg"
        config.to_disk(config_path)
        _run_spacy_train(config_path, work / "out", quiet, log)
        best = work / "out" / "model-best"
        if not (best / "config.cfg").is_file():
            best = work / "out" / "model-last"
        trained = spacy.load(best)
        base_name = ""
        final = trained
        for name in [base] if base else list(DEFAULT_PIPELINES):
            try:
                final = spacy.load(name, exclude=["ner"] if "ner" in components else [])
            except OSError:
                continue
            base_name = name
            for comp in components:
                if comp in final.pipe_names:
                    final.remove_pipe(comp)
                final.add_pipe(comp, source=trained)
            break
        if base and not base_name:
            raise ModelUnavailable(f"cannot load base pipeline '{base}'")
        final.meta["name"] = f"annotator_{_safe(project.path.stem)}"
        final.meta["version"] = "0.0.0"
        final.meta["description"] = (
            f"Trained by annotator train on layer '{layer}' of {project.path.name}"
        )
        if outdir.exists():
            shutil.rmtree(outdir)
        final.to_disk(outdir)
    nlp = load_pipeline(outdir)
    result = Evaluation()
    for data, proposal in propose(((d.text, d) for d in dev), nlp, scheme):
        result.add(data.spans, data.relations, proposal.spans, proposal.relations)
    return TrainReport(
        outdir,
        len(train),
        len(dev),
        tuple(sorted(ner_labels)),
        tuple(sorted(span_labels)),
        base_name,
        result,
        log.getvalue(),
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_") or "project"


def _run_spacy_train(config_path: Path, out: Path, quiet: bool, log: io.StringIO) -> None:
    from spacy.cli.train import train

    redirect = contextlib.redirect_stdout(log) if quiet else contextlib.nullcontext()
    try:
        with redirect:
            train(config_path, out, use_gpu=-1)
    except SystemExit as exc:
        tail = log.getvalue().strip().splitlines()[-1:] or [f"exit status {exc.code}"]
        raise TrainFailed(f"spaCy training failed: {tail[0]}") from None
    except (ValueError, KeyError) as exc:
        raise TrainFailed(f"spaCy training failed: {str(exc).splitlines()[0]}") from exc
