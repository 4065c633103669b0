from pathlib import Path

import pytest

from annotator.errors import SchemeError
from annotator.scheme import load_scheme


def test_news_scheme_has_labels_relations_and_keys() -> None:
    s = load_scheme("news")
    assert s.label_names == ("ACTOR", "CLAIM", "EVENT", "PLACE", "TIME")
    assert [lab.key for lab in s.labels] == ["1", "2", "3", "4", "5"]
    actor = s.label("ACTOR")
    assert actor is not None and actor.links_entity
    assert "armed_group" in actor.attribute("type").values  # type: ignore[union-attr]
    claimant = s.relation("claimant")
    assert claimant is not None and claimant.required
    assert dict(claimant.unless) == {"form": "unattributed"}
    assert s.relation("place").tails == ("PLACE",)  # type: ignore[union-attr]
    assert s.preannotation["entities"]["PERSON"]["label"] == "ACTOR"


def test_fingerprint_ignores_colours(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "resources/schemes/news.yaml").read_text()
    other = tmp_path / "s.yaml"
    other.write_text(text.replace("#4e79a7", "#000000"))
    assert load_scheme(other).fingerprint == load_scheme("news").fingerprint


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("labels: [A, A]", "defined twice"),
        ("labels: []", "non-empty"),
        ("name: x", "has no 'labels'"),
        ("labels: [A]\nrelations: [{name: r, heads: [A], tails: [B]}]", "unknown label 'B'"),
        ("labels: [{name: A, key: '1'}, {name: B, key: '1'}]", "key '1' is already used"),
        ("labels: [{name: A, color: red}]", "colour 'red'"),
        ("labels: [A]\npreannotation: {entities: {PERSON: {label: Z}}}", "unknown label 'Z'"),
        ("labels: [A]\npreannotation: {entities: {PERSON: [A, A]}}", "unknown label"),
        ("labels: [A]\npreannotation: {entities: [PERSON]}", "must be a mapping"),
        ("labels: [A]\nversion: abc", "'version' must be a whole number"),
        ("labels: [A]\nversion: [1]", "'version' must be a whole number"),
    ],
)
def test_malformed_scheme_names_the_problem(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nlabels:\n  - [unclosed\n")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    assert f"{path}:" in str(err.value)


def test_missing_scheme_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="no scheme file"):
        load_scheme(tmp_path / "nope.yaml")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_scheme_nested_too_deeply_is_a_scheme_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    assert "nested too deeply" in str(err.value) and str(path) in str(err.value)
