"""The linker's held-out check over repeated k-fold splits, as the span labels' check: each
document's relation counts are summed over the splits before the comparison's bootstrap, the
comparison records how it was made, and comparisons written before it still read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.project import Project
from annotator.suggest.correction import COMPARISON_FILE, load_model
from annotator.suggest.linker import (
    RELATIONS,
    compare_counts,
    compare_links,
    comparison_lines,
    learn_linker,
    relation_counts,
)
from annotator.suggest.training import train_model

from .test_linker import project  # noqa: F401 - the fixture: 12 short news texts with links
from .test_linker_stacking import _project

SPLIT_A = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
SPLIT_B = [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]
COUNTED = {"claimant": ("matched", "suggested"), "role": ("gold", "suggested")}


def _counted(comparison: dict[str, Any], which: str) -> dict[str, tuple[int, ...]]:
    """Per relation, the counts under ``which`` (rules, linker, stacked)."""
    out = {}
    for rel, row in comparison["relations"].items():
        keys = COUNTED["claimant" if rel == "claimant" else "role"]
        out[rel] = tuple(int(row[which][k]) for k in keys)
    return out


def test_the_linkers_check_sums_each_documents_counts_over_the_splits() -> None:
    # slots the rules leave empty in half of the documents: a split's luck decides what the
    # fold linkers learn from them
    proposals, cands, golds = _project(n_empty=6)
    one = learn_linker(proposals, cands, golds, SPLIT_A)
    other = learn_linker(proposals, cands, golds, SPLIT_B)
    both = learn_linker(proposals, cands, golds, SPLIT_A, shuffles=[SPLIT_B])
    for which in ("rules", "linker", "stacked"):
        a, b, ab = (_counted(x.comparison, which) for x in (one, other, both))
        assert ab == {
            rel: tuple(x + y for x, y in zip(a[rel], b[rel], strict=True)) for rel in ab
        }, which
    assert both.comparison["repeats"] == 2 and both.comparison["folds"] == 4
    assert one.comparison["repeats"] == 1 and both.comparison["documents"] == 12
    # the held-out suggestions and the final linker are those of the first split: the other
    # splits only judge
    assert both.held_out == one.held_out and both.stacked == one.stacked
    assert both.linker is not None and one.linker is not None
    for family, model in both.linker.models.items():
        assert (model.w == one.linker.models[family].w).all()
        assert model.thresholds == one.linker.models[family].thresholds


def test_the_bootstrap_resamples_documents_with_their_summed_counts() -> None:
    """Two documents' counts summed over two splits are resampled as two documents, not four:
    the same as one split whose counts were twice as large."""
    proposals, cands, golds = _project(n_empty=6)
    fit = learn_linker(proposals, cands, golds, SPLIT_A)
    per_doc = [
        (relation_counts(golds[i], proposals[i]), relation_counts(golds[i], fit.stacked[i]))
        for i in range(12)
    ]
    doubled = [
        tuple({rel: {k: 2 * v for k, v in c[rel].items()} for rel in RELATIONS} for c in pair)
        for pair in per_doc
    ]
    once, twice = compare_counts(per_doc, per_doc), compare_counts(doubled, doubled)
    for rel, row in once["relations"].items():
        again = twice["relations"][rel]
        assert row["stacked_better_share"] == again["stacked_better_share"], rel
        assert row["use"] == again["use"], rel
    # and compare_links is compare_counts on each document's counts
    direct = compare_links(golds, proposals, proposals, [fit.stacked[i] for i in range(12)])
    assert direct == compare_counts([(r, r) for r, _ in per_doc], per_doc)


def test_train_judges_the_linker_over_the_span_labels_shuffles(
    project: Project,  # noqa: F811 - the imported fixture
    tmp_path: Path,
    nlp_sm: Any,
) -> None:
    outdir = tmp_path / "model"
    report = train_model(project, outdir, max_steps=40, folds=3)
    saved = json.loads((outdir / COMPARISON_FILE).read_text(encoding="utf-8"))
    links = saved["links"]
    assert links["folds"] == saved["folds"] == 3
    assert links["repeats"] == saved["repeats"] > 1
    line = next(x for x in report.lines() if x.startswith("claimant and role links"))
    assert f"3-fold by document over {saved['repeats']} shuffles" in line
    # each of the 12 documents counted once per split: the rules' claims on matched heads
    once = sum(
        relation_counts(g, a.proposal)["claimant"].get("matched", 0)
        for g, a in _analysed(project, nlp_sm)
    )
    assert once > 0
    assert links["relations"]["claimant"]["rules"]["matched"] == once * saved["repeats"]
    # a comparison written before the linker recorded its splits still reads
    for key in ("folds", "repeats"):
        del saved["links"][key]
    (outdir / COMPARISON_FILE).write_text(json.dumps(saved), encoding="utf-8")
    model = load_model(outdir)
    assert model.linker is not None
    assert model.linker.use == {rel: row["use"] for rel, row in links["relations"].items()}
    head = comparison_lines(saved["links"])[0]
    assert head.startswith("claimant and role links, held out (12 documents; claimant:")


def _analysed(proj: Project, nlp: Any) -> list[tuple[Any, Any]]:
    """(gold, the default pipeline's analysis) of every document of the gold layer, as
    ``train_model`` makes them."""
    from annotator.layers import load_layer
    from annotator.suggest.correction import analyse
    from annotator.suggest.propose import Suggester

    with proj.session() as s:
        golds = [d for d in load_layer(s, "gold") if d.spans]
    rules = Suggester(nlp, proj.scheme, [])
    items = [a for _, a in analyse(((g.text, i) for i, g in enumerate(golds)), nlp, rules)]
    return list(zip(golds, items, strict=True))


def test_stacking_must_keep_the_rules_precision() -> None:
    """Stacking only adds arguments: a recall gain that costs precision below the rules' own is
    refused even above 75 % (the span labels' rule: no lower precision), and why says so."""
    from annotator.suggest.linker import RELATIONS, STACKED, why_rules

    def agent(found: int, gold: int, pred_ok: int, pred: int) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {rel: {} for rel in RELATIONS}
        counts["agent"] = {"found": found, "gold": gold, "pred_ok": pred_ok, "pred": pred}
        return counts

    # 12 documents: the rules find 2 of 4 arguments, 2 right of 2 (precision 100 %); stacking
    # finds 3 of 4 with 4 suggested (precision 75 %) in every document.
    rules = agent(2, 4, 2, 2)
    per_stack = [(rules, agent(3, 4, 3, 4)) for _ in range(12)]
    row = compare_counts([(rules, rules) for _ in range(12)], per_stack)["relations"]["agent"]
    assert row["stacked"]["recall"] > row["rules"]["recall"]
    assert row["stacked_better_share"] >= 0.9
    assert row["use"] != STACKED
    assert why_rules(row, STACKED).startswith("less precise (75.0 < 100.0)")
    # the same gain at the rules' precision is taken
    per_stack = [(rules, agent(3, 4, 3, 3)) for _ in range(12)]
    row = compare_counts([(rules, rules) for _ in range(12)], per_stack)["relations"]["agent"]
    assert row["use"] == STACKED
