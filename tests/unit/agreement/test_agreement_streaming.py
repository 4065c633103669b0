"""The agreement report computed batch by batch equals, byte for byte, the one the code before
it printed with every layer in memory (``golden_streaming.json``, written by
``make_streaming_golden.py`` at commit c4dcc83), whatever the batch size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.agreement import streaming
from annotator.agreement.report import AgreementAccumulator, agreement_report
from annotator.agreement.tokens import TOKEN_CACHE, stored_tokens
from annotator.cli.main import app
from annotator.values import DocData

from .make_streaming_golden import COMMANDS, GOLDEN, SEEDS, build_project, command_args
from .streaming_corpus import corpus

EXPECTED = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("batch", [1, 3, 7, None])
def test_in_memory_report_is_the_one_before_streaming(seed: int, batch: int | None) -> None:
    layers = corpus(seed)
    assert agreement_report(layers, batch=batch).to_json() == EXPECTED["memory"][f"{seed}"]
    subset = agreement_report(layers, ["ACTOR", "PLACE"], batch=batch).to_json()
    assert subset == EXPECTED["memory"][f"{seed}:ACTOR,PLACE"]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    out = {}
    for seed in SEEDS:
        out[seed] = tmp_path_factory.mktemp(f"agree{seed}") / "p.annproj"
        build_project(out[seed], seed)
    return out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("batch", [1, 7])
def test_command_in_small_batches_prints_what_it_printed_before(
    projects: dict[int, Path], seed: int, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(streaming, "BATCH", batch)
    seen: list[int] = []
    add = AgreementAccumulator.add

    def counting_add(self: AgreementAccumulator, layers: dict[str, list[DocData]]) -> None:
        ids = {doc.id for docs in layers.values() for doc in docs}
        assert len(ids) <= batch  # one batch of documents at a time
        seen.append(len(ids))
        add(self, layers)

    monkeypatch.setattr(AgreementAccumulator, "add", counting_add)
    for annotators, labels, as_json in COMMANDS:
        seen.clear()
        result = CliRunner().invoke(app, command_args(projects[seed], annotators, labels, as_json))
        assert result.exit_code == 0, result.output
        key = f"{seed}:{annotators}:{labels}:{'json' if as_json else 'table'}"
        assert result.stdout == EXPECTED["project"][key]
        if as_json:
            assert sum(seen) == json.loads(result.stdout)["documents_total"]
            assert len(seen) > 1


def test_a_first_run_keeps_new_token_bounds_in_the_file_not_in_memory(tmp_path: Path) -> None:
    layers = corpus(4)
    TOKEN_CACHE.clear()
    with stored_tokens(tmp_path / "p.annproj"):
        first = agreement_report(layers, batch=5)
    assert TOKEN_CACHE.tokens == 0 and not TOKEN_CACHE.items
    with stored_tokens(tmp_path / "p.annproj"):
        again = agreement_report(layers)
    assert again.to_json() == first.to_json()
    assert (
        agreement_report(layers).to_json() == first.to_json()
    )  # no file: the memory cache is used as before
    assert TOKEN_CACHE.items
    TOKEN_CACHE.clear()


def test_the_tokenizer_is_rebuilt_so_its_vocabulary_does_not_grow_with_the_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.agreement import tokens

    texts = [f"Minister{i} met envoy{i} in town{i}." for i in range(12)]
    expected = [tuple(a.tolist() for a in tokens.token_bounds(t)) for t in texts]
    monkeypatch.setattr(tokens, "TEXTS_PER_TOKENIZER", 4)
    monkeypatch.setattr(tokens._TOKENISED, "count", 0)
    got = [tuple(a.tolist() for a in tokens._new_bounds(t)) for t in texts]
    assert got == expected  # a fresh tokenizer cuts the same tokens
    ours = {f"{w}{i}": i for w in ("Minister", "envoy", "town") for i in range(12)}
    known = {ours[w] for w in tokens._tokenizer().vocab.strings if w in ours}
    assert known == {8, 9, 10, 11}  # only the words of the texts since the last rebuild
    tokens._tokenizer.cache_clear()
