"""Benchmark: our spaCy export against a bare DocBin script on the same synthetic articles.

    python bench/bench_export_spacy.py [--docs 10000] [--repeat 1]

Articles are generated deterministically: about 600 words in sentences, 20 spans each (actors,
places, times, events on word boundaries, plus two claims that contain some of them, one span in
ten cut inside a word). The bare script tokenises with the same tokenizer (``spacy.blank("en")``),
makes the same spans with ``Doc.char_span`` (widening those cut inside a word, as our export
does) and writes one DocBin. Both write to a temporary folder. Prints both throughputs and the
ratio (goal: ours >= 0.7 of bare). Needs no project database. The bare script writes one file;
ours writes a split of more than ``SHARD_TOKENS`` tokens as a folder of shards (the same work).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.formats import docbin as spacy_writer
from annotator.formats.writing import ExportContext
from annotator.scheme import load_scheme
from annotator.values import DocData, RelationData, SpanData

WORDS = (
    "the of and to in a that for on is was with said by as at from his it an were are "
    "which this be has have had not but after their government forces city army people "
    "officials minister police report week president talks military group attack security "
    "spokesman statement country capital region ceasefire agreement election protest "
    "opposition leaders national council local sources reported"
).split()
NAMES = [
    "Khalifa Haftar",
    "Fayez al-Sarraj",
    "Ghassan Salamé",
    "the United Nations",
    "Abdel Fattah el-Sisi",
    "the Government of National Accord",
    "Amnesty International",
]
PLACES = ["Tripoli", "Benghazi", "Sirte", "Misrata", "Cairo", "Tunis", "the Nafusa Mountains"]
TIMES = ["on Monday", "last week", "in April 2019", "on 4 April", "overnight", "this morning"]
EVENTS = ["attacked", "arrested", "killed", "met", "signed", "protested", "detained"]


def make_doc(i: int, rng: random.Random, words: int = 600) -> DocData:
    parts: list[str] = []
    spans: list[SpanData] = []
    pos = 0
    sentence_starts: list[tuple[int, int]] = []
    n_words = 0
    while n_words < words:
        start = pos
        length = rng.randint(12, 28)
        for k in range(length):
            if len(spans) < 18 and rng.random() < 0.06:
                label, pool = rng.choice(
                    (("ACTOR", NAMES), ("PLACE", PLACES), ("TIME", TIMES), ("EVENT", EVENTS))
                )
                item = rng.choice(pool)
                end = pos + len(item)
                if len(spans) % 10 == 9 and len(item) > 4:
                    end -= 2  # cut inside a word: widened to the token
                attrs = {"type": "person"} if label == "ACTOR" else {}
                spans.append(
                    SpanData(
                        f"s{len(spans) + 1}",
                        pos,
                        end,
                        label,
                        attrs,
                        item if label == "ACTOR" else None,
                    )
                )
                word = item
            else:
                word = rng.choice(WORDS)
                if k == 0:
                    word = word.capitalize()
            parts.append(word)
            pos += len(word)
            n_words += len(word.split())
            sep = ", " if rng.random() < 0.05 else " "
            if k < length - 1:
                parts.append(sep)
                pos += len(sep)
        parts.append(". ")
        sentence_starts.append((start, pos))
        pos += 2
    text = "".join(parts).rstrip()
    for k, (s, e) in enumerate(rng.sample(sentence_starts, 2)):
        spans.append(
            SpanData(
                f"c{k}", s, min(e, len(text)), "CLAIM", {"form": "reported", "stance": "neutral"}
            )
        )
    while len(spans) < 20:  # short articles: pad with single-word TIME spans
        s = text.index(" ", rng.randint(0, len(text) // 2)) + 1
        e = text.index(" ", s)
        spans.append(SpanData(f"t{len(spans)}", s, e, "TIME"))
    relations = (RelationData("r1", "claimant", "c0", spans[0].id),)
    return DocData(f"doc-{i:05d}", text, {"title": f"Article {i}"}, tuple(spans), relations)


def bare_export(docs: list[DocData], out: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    tokenizer = spacy.blank("en").tokenizer
    bin_ = DocBin()
    for d in docs:
        doc = tokenizer(d.text)
        spans = []
        for s in d.spans:
            span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["sc"] = spans
        bin_.add(doc)
    bin_.to_disk(out / "bare.spacy")


def ours(docs: list[DocData], out: Path) -> None:
    summary = spacy_writer.write(docs, out / "ours", ExportContext(load_scheme("news")))
    files = ", ".join(f for f in summary.files if f != "config.cfg")
    print(
        f"  ours wrote {files} (a split of more than {spacy_writer.SHARD_TOKENS:,} tokens is "
        "a folder of shards)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each")
    args = parser.parse_args()
    rng = random.Random(12345)
    t0 = time.perf_counter()
    docs = [make_doc(i, rng) for i in range(args.docs)]
    words = sum(len(d.text.split()) for d in docs) / len(docs)
    spans = sum(len(d.spans) for d in docs) / len(docs)
    print(
        f"generated {len(docs)} articles ({words:.0f} words, {spans:.0f} spans each) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    import spacy  # noqa: F401  (import cost kept out of both timings)

    with tempfile.TemporaryDirectory() as tmp:
        bare_export(docs[:50], Path(tmp))  # warm-up: spaCy's lazy loading
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, fn in (("bare", bare_export), ("ours", ours)):
                folder = Path(tempfile.mkdtemp(dir=tmp))
                t = time.perf_counter()
                fn(docs, folder)
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
    bare_rate, our_rate = len(docs) / best["bare"], len(docs) / best["ours"]
    print(f"bare DocBin script: {best['bare']:.2f} s, {bare_rate:,.0f} docs/s")
    print(f"annotator spacy export: {best['ours']:.2f} s, {our_rate:,.0f} docs/s")
    ratio = our_rate / bare_rate
    print(f"ratio ours/bare: {ratio:.2f} (goal >= 0.70: {'met' if ratio >= 0.7 else 'NOT met'})")


if __name__ == "__main__":
    main()
