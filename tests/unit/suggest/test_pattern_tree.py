"""The plain-list reading of a doc that the anchored matcher walks (``_Tree``) and the id table
of the content stance: both must give what spaCy's Token gives, word for word."""

from __future__ import annotations

from typing import Any

from annotator.suggest.entities import IdTable
from annotator.suggest.patterns import COLUMNS, _ancestors, _descendants, _string_id, _Tree

TEXT = (
    "KYIV, Ukraine — The minister, who arrived on Monday, said that the talks had failed.\n"
    "Police arrested two men near the airport and questioned them.\n\n"
    "“We will not leave,” the protesters said."
)
_READ = {
    "ORTH": "text",
    "LOWER": "lower_",
    "NORM": "norm_",
    "LEMMA": "lemma_",
    "POS": "pos_",
    "TAG": "tag_",
    "DEP": "dep_",
    "ENT_TYPE": "ent_type_",
}


def _same_as_spacy(doc: Any) -> None:
    tree = _Tree(doc, COLUMNS)
    for tok in doc:
        i = tok.i
        assert tree.heads[i] == tok.head.i
        assert tree.children(i) == [c.i for c in tok.children]
        assert _descendants(tree, i) == [t.i for t in tok.subtree if t.i != i]
        assert list(_ancestors(tree, i)) == [t.i for t in tok.ancestors]
        assert tree.starts[i] == bool(tok.is_sent_start)
        for k, name in enumerate(COLUMNS):
            assert tree.cols[k][i] == _string_id(getattr(tok, _READ[name])), (name, tok.text)


def test_the_tree_of_a_parsed_doc_is_what_its_tokens_say(nlp_sm: Any) -> None:
    from annotator.suggest.propose import line_breaks_end_sentences

    line_breaks_end_sentences(nlp_sm)
    doc = nlp_sm(TEXT)
    assert sum(1 for t in doc if t.is_sent_start) >= 3
    _same_as_spacy(doc)


def test_the_tree_of_a_doc_built_by_hand_with_crossing_arcs(blank: Any) -> None:
    """Heads given by hand, an arc that crosses another (no projective parse) and two roots;
    only the columns the patterns ask for are read."""
    from spacy.tokens import Doc

    words = ["A", "man", "came", "in", "who", "was", "tall", ".", "He", "left"]
    heads = [1, 2, 2, 2, 5, 1, 5, 2, 9, 9]
    deps = ["det", "nsubj", "ROOT", "prt", "nsubj", "relcl", "acomp", "punct", "nsubj", "ROOT"]
    doc = Doc(blank.vocab, words=words, heads=heads, deps=deps)
    _same_as_spacy(doc)
    only_dep = _Tree(doc, ["DEP"])
    assert only_dep.cols[COLUMNS.index("DEP")][1] == _string_id("nsubj")
    assert only_dep.cols[COLUMNS.index("LEMMA")] == []
    assert _Tree(doc[:0].as_doc(), COLUMNS).n == 0


def test_the_id_table_answers_as_the_word_table(nlp_sm: Any) -> None:
    """Looked up by lemma id (lower-cased) or form id, the table gives what the word table
    gives; it keeps at most ``limit`` ids and answers the same after forgetting them."""
    table = {"condemn": "oppose", "praise": "support"}
    doc = nlp_sm("They Condemned the raid and PRAISED the police; praise came late.")
    by_lemma = IdTable(table, fold=True, limit=3)
    by_form = IdTable(table, fold=False)
    strings = doc.vocab.strings
    for _ in range(2):
        for tok in doc:
            assert by_lemma.get(strings, tok.lemma) == table.get(tok.lemma_.lower())
            assert by_form.get(strings, tok.lower) == table.get(tok.lower_)
            assert len(by_lemma._by_id) <= 3
    assert by_form.get(strings, doc[1].lower) is None  # "condemned" is no entry; "condemn" is
    assert by_lemma.get(strings, doc[1].lemma) == "oppose"


def test_the_sentence_index_reads_the_sentences_doc_sents_gives(nlp_sm: Any, blank: Any) -> None:
    """Sentences read from the sentence starts at once: those of ``Doc.sents``, with a line
    break ending one, and of a doc whose starts were set by hand (one ends in a space)."""
    from annotator.suggest.entities import SentIndex
    from annotator.suggest.propose import line_breaks_end_sentences

    line_breaks_end_sentences(nlp_sm)
    hand = blank("Hello there.  Bye now\n\nAnd again")
    for tok in hand:
        tok.is_sent_start = tok.i in (0, 3, 7)
    for doc in (nlp_sm(TEXT), hand):
        index = SentIndex(doc)
        assert index.chars == [(s.start_char, s.end_char) for s in doc.sents]
        assert index.tokens == [(s.start, s.end) for s in doc.sents]
        assert len(index.chars) >= 3


def test_a_column_of_the_patterns_is_what_the_tokens_say(nlp_sm: Any, scheme: Any) -> None:
    """``ArgumentPatterns.column`` (the tree's list, or read on demand for a column no
    pattern reads) and ``string_ids`` give the ids of the tokens' own strings."""
    from annotator.suggest.patterns import ArgumentPatterns, string_ids

    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"])
    for text in (TEXT, "They denied it, a claim that could not be verified."):
        doc = nlp_sm(text)
        for name in ("NORM", *COLUMNS):  # NORM first: no pattern reads it
            assert patterns.column(doc, name) == [
                _string_id(getattr(t, _READ[name])) for t in doc
            ], name
        deps = patterns.column(doc, "DEP")
        for labels in (("advcl", "conj", "relcl"), ("appos", "npadvmod"), ("nsubj",)):
            ids = string_ids(labels)
            assert [d in ids for d in deps] == [t.dep_ in labels for t in doc], labels
