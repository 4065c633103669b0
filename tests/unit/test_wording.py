from annotator.wording import count_of


def test_count_of_says_one_noun_and_many_nouns() -> None:
    assert count_of(1, "document") == "1 document"
    assert count_of(0, "document") == "0 documents"
    assert count_of(12_000, "span") == "12,000 spans"
    assert count_of(2, "analysis", "analyses") == "2 analyses"
