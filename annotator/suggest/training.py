"""Learning from the project's own annotations (``annotator train``).

The model is a correction layer on top of the default suggestions
(:mod:`annotator.suggest.correction`): the installed English pipeline and the rules propose,
small classifiers trained on the team's layer keep, drop or relabel. Parsing happens once; the
classifiers take seconds. ``train_model`` then checks that it helps: k-fold by document, it
scores the trained suggestions and the default ones on the same held-out documents (per label
and per relation) and writes the comparison next to the model; ``preannotate --model`` uses,
per label, whichever was better (:mod:`annotator.suggest.selection`).

The span labels are judged over ``REPEATS`` k-fold splits (other shuffles of the documents),
each document's counts summed over them: with one split, which documents happened to train
the classifier that judged a document moved a label's figure by about a point of F on 18
GUM articles (CLAIM -1.0 to +0.2 over four shuffles), as much as the gain to be judged. The
claimant/role linker is judged over the same splits (:func:`annotator.suggest.linker.learn_linker`).
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.cancel import Progress, quiet
from annotator.errors import NotFound, TrainFailed
from annotator.suggest.evaluation import Evaluation
from annotator.values import DocData
from annotator.vocabulary import SPANS_KEY, Layer

if TYPE_CHECKING:
    from spacy.tokens import Span

    from annotator.project import Project
    from annotator.suggest.correction import Analysed, LearnedModel

SPAN_LABELS = ("CLAIM", "EVENT")
# 8 folds (each check's classifiers trained on 7/8 of the documents, nearer the final model)
# were tried: the checks were no steadier (ACTOR -1.4 to +0.7 over the folds of the GUM
# benchmark) and, at seed 1, chose CLAIM in one fold where it then lost held out.
FOLDS = 4
# The held-out comparison is run over this many k-fold splits (other document shuffles) and
# each document's counts summed over them before the paired bootstrap: one split's luck (which
# documents train the classifier that judges a document) no longer decides the label.
REPEATS = 3


@dataclass(slots=True)
class TrainReport:
    outdir: Path
    documents: int
    base: str  # the pipeline the correction sits on
    comparison: dict[str, Any]
    use: dict[str, str]
    seconds: float = 0.0
    iterations: dict[str, int] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # relation -> "linker" | "rules"

    def lines(self) -> list[str]:
        from annotator.suggest.linker import comparison_lines as link_lines
        from annotator.suggest.selection import comparison_lines

        used = [label for label, how in sorted(self.use.items()) if how == "trained"]
        out = [
            f"trained on {self.documents} documents on top of {self.base} in "
            f"{self.seconds:.1f} s; model written to {self.outdir}",
        ]
        out.extend(comparison_lines(self.comparison))
        out.extend(link_lines(self.comparison.get("links") or {}))
        out.append(
            "preannotate --model uses the trained model for: "
            + (", ".join(used) if used else "no label (the default is kept: see why above)")
        )
        links = [
            rel if how == "linker" else f"{rel} ({how})"
            for rel, how in sorted(self.links.items())
            if how != "rules"
        ]
        out.append(
            "and the trained linker for the relations: "
            + (", ".join(links) if links else "none (the rules were as good everywhere)")
        )
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


@dataclass(slots=True)
class Learned:
    """What ``learn`` returns: the final model and the held-out comparison."""

    model: LearnedModel
    comparison: dict[str, Any]
    trained: list[tuple[int, Any]] = field(default_factory=list)  # (doc index, held-out Proposal)


def learn(
    analysed: Sequence[Analysed],
    golds: Sequence[DocData],
    scheme: Any,
    base: str,
    folds: int = FOLDS,
    seed: int = 0,
    max_iter: int = 300,
    step: Callable[[], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    repeats: int = REPEATS,
) -> Learned:
    """Cross-validate (trained vs default on the same held-out documents), then fit on all.

    ``analysed[i]`` is ``golds[i]`` through the default pipeline. ``step`` is called after each
    fitted classifier, ``cancelled`` is asked between them.
    """
    from annotator.errors import Cancelled
    from annotator.suggest.correction import (
        GROUP_OF,
        TRAINED,
        LearnedModel,
        document_folds,
        learn_groups,
    )
    from annotator.suggest.linker import learn_linker
    from annotator.suggest.selection import choose, compare

    labels = [lab for lab in scheme.label_names if lab in GROUP_OF]
    present = {sp.label for g in golds for sp in g.spans}
    learnable = [lab for lab in labels if lab in present]
    spans = [list(g.spans) for g in golds]
    outer = document_folds(len(analysed), folds, seed) if len(analysed) > 1 else []
    fitted = learn_groups(analysed, spans, learnable, outer, max_iter, step, cancelled)
    if cancelled is not None and cancelled():
        raise Cancelled("training cancelled; nothing was written")
    every = {lab: TRAINED for lab in learnable}
    results = {m: Evaluation(match=m) for m in ("overlap", "exact")}
    default = {m: Evaluation(match=m) for m in ("overlap", "exact")}
    held_out: list[tuple[int, Any]] = []
    per_document = [(Evaluation(match="overlap"), Evaluation(match="overlap")) for _ in golds]
    runs = [(outer, fitted)]
    for r in range(1, repeats if len(outer) > 1 else 1):
        again = document_folds(len(analysed), folds, seed + r)
        runs.append(
            (
                again,
                learn_groups(
                    analysed, spans, learnable, again, max_iter, step, cancelled, final=False
                ),
            )
        )
        if cancelled is not None and cancelled():
            raise Cancelled("training cancelled; nothing was written")
    for r, (split, run) in enumerate(runs):
        for f, test in enumerate(split):
            fold_model = LearnedModel(base, run.per_fold[f], dict(every))
            for i in test:
                proposal, _ = fold_model.apply(analysed[i], scheme)
                if not r:
                    held_out.append((i, proposal))
                gold = golds[i]
                base_prop = analysed[i].proposal
                for m in results:
                    results[m].add(gold.spans, gold.relations, proposal.spans, proposal.relations)
                    default[m].add(gold.spans, gold.relations, base_prop.spans, base_prop.relations)
                per_document[i][0].add(gold.spans, (), base_prop.spans, ())
                per_document[i][1].add(gold.spans, (), proposal.spans, ())
    for m in results:  # each document was held out once per repeat: count it once
        results[m].documents = default[m].documents = len(held_out)
    comparison = compare(
        default["overlap"],
        results["overlap"],
        default["exact"],
        results["exact"],
        labels,
        len(outer),
        per_document if outer else (),
        seed=seed,
    )
    comparison["repeats"] = len(runs)
    if not outer:  # one document: nothing held out, nothing proven
        for row in comparison["spans"].values():
            row["use"] = "default"
    links = learn_linker(  # judged over the same splits as the span labels
        [a.proposal for a in analysed],
        [a.links for a in analysed],
        golds,
        outer,
        max_iter,
        cancelled,
        shuffles=[split for split, _ in runs[1:]],
    )
    if cancelled is not None and cancelled():
        raise Cancelled("training cancelled; nothing was written")
    if step is not None:
        step()
    if links.comparison:
        comparison["links"] = links.comparison
    model = LearnedModel(base, fitted.final, choose(comparison, labels), linker=links.linker)
    model.meta["comparison"] = comparison
    return Learned(model, comparison, sorted(held_out, key=lambda t: t[0]))


def fits_needed(n_docs: int, folds: int = FOLDS, repeats: int = REPEATS) -> int:
    """How many group fits ``learn`` makes at most (for a progress bar)."""
    outer = min(folds, n_docs) if n_docs > 1 else 0
    again = repeats - 1 if outer > 1 else 0
    return (outer + 1) * 3 + again * outer * 3 + 1  # and the claimant/role linker


def train_model(
    project: Project,
    outdir: str | Path,
    layer: str = Layer.GOLD,
    seed: int = 0,
    max_steps: int = 300,
    base: str | None = None,
    folds: int = FOLDS,
    progress: Progress | None = None,
) -> TrainReport:
    """Train the correction on ``layer``, compare it with the default held out, write both.

    ``max_steps`` caps the optimiser's iterations per classifier (it stops earlier once the
    loss settles). ``progress`` (``annotator.cancel``) counts parsed documents, then fitted
    classifiers; a cancel (``progress.check()``) writes nothing.
    """
    from annotator import services
    from annotator.layers import load_layer
    from annotator.suggest.correction import COMPARISON_FILE, analyse
    from annotator.suggest.propose import DEFAULT_PIPELINES, Suggester, load_pipeline
    from annotator.suggest.selection import write_comparison

    began = time.perf_counter()
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()) and not _is_model_folder(outdir):
        raise TrainFailed(
            "the output folder exists and is not a model folder; choose an empty or new folder",
            path=str(outdir),
        )
    with project.session() as s:
        docs = [d for d in load_layer(s, layer) if d.spans]
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    if not docs:
        raise NotFound(f"layer '{layer}' has no annotated documents to train on")
    base_name = base or _installed_default(DEFAULT_PIPELINES)
    nlp = load_pipeline(base_name)
    rules = Suggester(nlp, project.scheme, registry)
    total = len(docs) + fits_needed(len(docs), folds)
    done = 0

    watch = progress or quiet()

    def tick() -> None:
        nonlocal done
        done += 1
        watch.report(done, total)

    def cancelled() -> bool:
        watch.check()  # raises Cancelled when the user asked to stop
        return False

    analysed: list[Any] = []
    for _, item in analyse(((d.text, i) for i, d in enumerate(docs)), nlp, rules):
        watch.check()
        analysed.append(item)
        tick()
    learned = learn(
        analysed, docs, project.scheme, base_name, folds, seed, max_steps, tick, cancelled
    )
    learned.model.meta.update(
        {
            "layer": layer,
            "project": project.path.name,
            "documents": len(docs),
            "seed": seed,
            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    if outdir.exists():
        shutil.rmtree(outdir)
    learned.model.save(outdir)
    write_comparison(outdir / COMPARISON_FILE, learned.comparison)
    watch.report(total, total)
    return TrainReport(
        outdir,
        len(docs),
        base_name,
        learned.comparison,
        dict(learned.model.use),
        time.perf_counter() - began,
        {g: m.iterations for g, m in learned.model.groups.items()},
        dict(learned.model.linker.use) if learned.model.linker is not None else {},
    )


def _installed_default(names: Sequence[str]) -> str:
    """The first installed default pipeline (load_pipeline says how to install one if none)."""
    from spacy.util import is_package

    for name in names:
        if is_package(name):
            return name
    from annotator.suggest.propose import load_pipeline

    load_pipeline(None)  # raises ModelUnavailable with the install hint
    return names[0]


def _is_model_folder(path: Path) -> bool:
    from annotator.suggest.correction import MODEL_FILE

    return (path / MODEL_FILE).is_file() or (path / "config.cfg").is_file()
