"""A learned model: the classifiers per group, which labels use them, the linker; applying it
to a document (with its uncertainty), saving and loading the model folder (``FORMAT``), and
the suggester that uses it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.errors import ModelFormatError, ModelUnavailable
from annotator.scheme import Scheme
from annotator.suggest.correction.assembly import assemble, dedupe
from annotator.suggest.correction.candidates import (
    NONE,
    Analysed,
    Candidate,
    candidates,
    more_claims,
)
from annotator.suggest.correction.classifier import Softmax
from annotator.suggest.linker import (
    LINKER,
    RULES,
    STACKED,
    Linker,
    decided_on,
    figure_name,
    link_candidates,
    load_linker,
    why_rules,
)
from annotator.suggest.propose import Proposal, Suggester

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_FILE = "annotator-model.json"
WEIGHTS_FILE = "weights.npz"
COMPARISON_FILE = "comparison.json"
FORMAT = 2  # 2: the stacked decision (drop/relabel/add thresholds)
TRAINED, DEFAULT = "trained", "default"
UNCERTAIN_TOP = 20  # a document's uncertainty: mean of its most uncertain decisions


@dataclass(slots=True)
class LearnedModel:
    """Classifiers per group, the base pipeline they sit on and, per label, which to use."""

    base: str
    groups: dict[str, Softmax]
    use: dict[str, str] = field(default_factory=dict)  # label -> "trained" | "default"
    meta: dict[str, Any] = field(default_factory=dict)
    linker: Linker | None = None  # claimant/role links, used per relation where it won

    def trained_labels(self) -> frozenset[str]:
        return frozenset(label for label, how in self.use.items() if how == TRAINED)

    def apply(
        self,
        analysed: Analysed,
        scheme: Scheme,
        use: Mapping[str, str] | None = None,
    ) -> tuple[Proposal, float]:
        """The suggestions of one document (per label trained or default) and its uncertainty."""
        use = self.use if use is None else use
        trained = {label for label, how in use.items() if how == TRAINED}
        base = analysed.proposal
        picked: list[tuple[Candidate, str, float]] = []
        margins: list[float] = []
        for group, model in self.groups.items():
            cands = [c for c in analysed.cands if c.group == group]
            if not cands or not trained & set(model.classes):
                continue
            probs = model.proba(cands)
            top2 = np.sort(probs, axis=1)[:, -2:]
            margins.extend((1.0 - (top2[:, 1] - top2[:, 0])).tolist())
            column = {label: k for k, label in enumerate(model.classes)}
            decided = model.decide(probs, cands)
            for r, (cand, (label, p)) in enumerate(zip(cands, decided, strict=True)):
                if cand.default is None:
                    if label in trained:
                        picked.append((cand, label, p))
                elif cand.default in trained and cand.default in column and label != NONE:
                    if label not in trained:  # relabelled to a label the default serves
                        label, p = cand.default, float(probs[r, column[cand.default]])
                    picked.append((cand, label, p))
        proposal = assemble(base, dedupe(picked), trained, scheme)
        worst = sorted(margins, reverse=True)[:UNCERTAIN_TOP]
        return proposal, (float(np.mean(worst)) if worst else 0.0)

    def suggester(
        self, nlp: Language, scheme: Scheme, registry: Iterable[Any] = ()
    ) -> LearnedSuggester:
        return LearnedSuggester(nlp, scheme, self, registry)

    def lines(self) -> list[str]:
        """Which labels use the trained model, with the F figures that decided it."""
        table = (self.meta.get("comparison") or {}).get("spans", {})
        out = []
        for label in sorted(self.use):
            row = table.get(label, {})
            figures = ""
            if row:
                reason = f"; {row['reason']}" if row.get("reason") else ""
                figures = (
                    f" (held-out F {row['trained']['f']:.3f} trained vs "
                    f"{row['default']['f']:.3f} default{reason})"
                )
            out.append(f"  {label:<8} {self.use[label]}{figures}")
        if self.linker is not None:
            table = (self.meta.get("comparison") or {}).get("links", {}).get("relations", {})
            out.append("per relation (trained linker or the rules, as its comparison decided):")
            for rel, how in self.linker.use.items():
                out.append(f"  {rel:<8} {how}{_link_figures(table.get(rel) or {}, how)}")
        return out

    def save(self, outdir: Path) -> None:
        outdir.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        groups: dict[str, Any] = {}
        for name, model in self.groups.items():
            groups[name] = model.to_json()
            arrays.update(model.arrays(name))
        np.savez_compressed(outdir / WEIGHTS_FILE, **arrays)
        body = {
            "kind": "annotator-correction",
            "format": FORMAT,
            "base": self.base,
            "use": self.use,
            "groups": groups,
            "meta": {k: v for k, v in self.meta.items() if k != "comparison"},
        }
        (outdir / MODEL_FILE).write_text(json.dumps(body, indent=1), encoding="utf-8")
        if self.linker is not None:
            self.linker.save(outdir)


def learned_name(model: LearnedModel) -> str:
    """A short name for the ``model``/``origin`` of suggestions made with a trained model."""
    project = str(model.meta.get("project") or "project").rsplit(".", 1)[0]
    return f"learned_{project}_{model.meta.get('trained_at', '')}".rstrip("_")


def is_learned_model(path: str | Path | None) -> bool:
    return path is not None and (Path(path) / MODEL_FILE).is_file()


def load_model(path: str | Path) -> LearnedModel:
    """Read a model folder written by ``annotator train``; its ``comparison.json`` (if any)
    decides, per label, whether the trained classifier or the default is used."""
    folder = Path(path)
    try:
        body = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
        weights = np.load(folder / WEIGHTS_FILE)
    except FileNotFoundError as exc:
        raise ModelUnavailable(f"not a trained model folder ({exc.filename} missing)") from exc
    except (OSError, ValueError) as exc:
        raise ModelFormatError(f"cannot read the model: {exc}", path=str(folder)) from exc
    if body.get("kind") != "annotator-correction" or body.get("format") != FORMAT:
        raise ModelFormatError("unknown model format", path=str(folder / MODEL_FILE))
    groups = {name: Softmax.saved(name, spec, weights) for name, spec in body["groups"].items()}
    model = LearnedModel(str(body["base"]), groups, dict(body.get("use") or {}), body["meta"])
    model.linker = load_linker(folder)
    comparison = folder / COMPARISON_FILE
    if comparison.is_file():
        from annotator.suggest.linker import choose_links
        from annotator.suggest.selection import choose, read_comparison

        data = read_comparison(comparison)
        model.meta["comparison"] = data
        model.use = choose(data, model.use)
        if model.linker is not None:
            model.linker.use = choose_links(data, model.linker.use)
    return model


class LearnedSuggester(Suggester):
    """The default rules, then the learned correction for the labels it is used for."""

    def __init__(
        self, nlp: Language, scheme: Scheme, model: LearnedModel, registry: Iterable[Any] = ()
    ) -> None:
        super().__init__(nlp, scheme, registry)
        self.model = model
        self.more_claims = more_claims(self)

    def analyse(self, doc: Doc, text: str | None = None) -> Proposal:
        return self.analyse_with_uncertainty(doc, text)[0]

    def analyse_with_uncertainty(self, doc: Doc, text: str | None = None) -> tuple[Proposal, float]:
        proposal = super().analyse(doc, text)
        uncertainty = 0.0
        if self.model.trained_labels():
            cands = candidates(doc, proposal, self, self.more_claims)
            proposal, uncertainty = self.model.apply(Analysed(proposal, cands), self.scheme)
        linker = self.model.linker
        if linker is not None and linker.used():
            # the claims and events suggested (default or trained) get the linker's arguments
            proposal = linker.apply(proposal, link_candidates(doc, proposal))
        return proposal, uncertainty


def _link_figures(row: Mapping[str, Any], how: str) -> str:
    """The held-out figures that decided a relation, and why the rules were kept when they
    were (the linker's when it is not stacking that is used)."""
    if not row:
        return ""
    name = STACKED if how == STACKED and STACKED in row else LINKER
    measure = decided_on(row, name)
    figures = (
        f" (held-out {figure_name(row, measure)} {float(row[name][measure]):.3f} {name} vs "
        f"{float(row[RULES][measure]):.3f} rules"
    )
    if how == RULES:
        figures += f"; {why_rules(row, name, figures=False)}"
    return figures + ")"
