"""Benchmark: pre-annotation throughput against bare ``nlp.pipe``, and peak memory.

    python bench/bench_preannotate.py [--docs 1000] [--small 250] [--batch-size 64]
                                      [--n-process N] [--single]
                                      [--pattern-matcher anchored|spacy|both]
    python bench/bench_preannotate.py --matcher-breakdown [--docs 1000]

Texts are deterministic synthetic news articles of about 600 words (named people,
organisations, places and dates, reporting verbs, quotations, "according to", event verbs).
Every measurement runs in its own subprocess so that its peak RSS is its own:

* bare: ``for doc in nlp.pipe(texts, batch_size, n_process)`` (touching ``doc.ents``);
* ours: ``annotator.suggest.propose.propose`` over the same texts, same pipeline and settings
  (every proposal consumed).

Both use the default pipeline and ``n_process`` = 2 when the machine has two cores or more
(``--single`` adds a one-process comparison). ``--pattern-matcher`` sets the news scheme's
``preannotation.pattern_matcher`` for "ours" (default: the scheme's own, ``anchored``); ``both``
times each matcher against the same bare runs. Peak RSS is reported for the main process and for
the largest worker, at ``--small`` and at ``--docs`` articles.

``--matcher-breakdown --docs N`` measures only where spaCy's ``DependencyMatcher`` spends its
time on the scheme's patterns, group by group (one process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

FIRST = [
    "Ahmed",
    "Maria",
    "John",
    "Omar",
    "Fatima",
    "Khalid",
    "Elena",
    "Samir",
    "Laura",
    "Youssef",
    "Peter",
    "Amina",
    "Hassan",
    "Sofia",
    "Tarek",
    "Nadia",
    "David",
    "Leila",
]
LAST = [
    "Salem",
    "Lopez",
    "Smith",
    "Ali",
    "Haddad",
    "Benali",
    "Rossi",
    "Mansour",
    "Keller",
    "Nasser",
    "Ibrahim",
    "Garcia",
    "Khoury",
    "Brown",
    "Aziz",
    "Fischer",
    "Mahmoud",
]
ORGS = [
    "the United Nations",
    "the Presidential Council",
    "the Libyan National Army",
    "the European Union",
    "Amnesty International",
    "the Interior Ministry",
    "the African Union",
    "Human Rights Watch",
    "the Red Crescent",
    "the World Bank",
]
PLACES = [
    "Tripoli",
    "Benghazi",
    "Sabha",
    "Misrata",
    "Tunis",
    "Cairo",
    "Rome",
    "Madrid",
    "Geneva",
    "Brussels",
    "Algiers",
    "Khartoum",
    "Niamey",
    "Athens",
    "Malta",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
REPORT = [
    "said",
    "claimed",
    "warned",
    "denied",
    "insisted",
    "told reporters",
    "announced",
    "stressed",
    "argued",
    "confirmed",
]
EVENTS = [
    "attacked",
    "arrested",
    "detained",
    "deported",
    "killed",
    "shelled",
    "raided",
    "expelled",
    "captured",
    "targeted",
]
OBJECTS = [
    "the town",
    "several activists",
    "migrants",
    "the airport",
    "a convoy",
    "two journalists",
    "the camp",
    "protesters",
    "a checkpoint",
    "the port",
]
FILLER = [
    "The situation in the region has remained tense for several months, with residents "
    "reporting shortages of fuel, medicine and electricity in many districts.",
    "Analysts have long pointed to the fragmented security landscape, in which rival "
    "groups compete for control of roads, oil fields and border crossings.",
    "Local officials said schools would stay closed until further notice, and that "
    "hospitals were struggling to cope with the number of wounded people.",
    "The economy has been badly hit by the fighting, and prices of basic goods have "
    "risen sharply since the beginning of the year.",
    "Diplomats in the capital described the talks as difficult but said that both sides "
    "had agreed to continue the discussions next week.",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def date(rng: random.Random) -> str:
    return rng.choice(
        [
            rng.choice(DAYS),
            f"{rng.choice(MONTHS)} {rng.randint(1, 28)}",
            f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2011, 2024)}",
            "last week",
            "Sunday evening",
        ]
    )


def sentence(rng: random.Random) -> str:
    kind = rng.randrange(8)
    who, org, place = person(rng), rng.choice(ORGS), rng.choice(PLACES)
    event, obj, when = rng.choice(EVENTS), rng.choice(OBJECTS), date(rng)
    n = rng.randint(2, 900)
    if kind == 0:
        return f"{who} {rng.choice(REPORT)} that {org} had {event} {obj} in {place} on {when}."
    if kind == 1:
        return (
            f"“We will not accept that {n} people were {event} in {place} without any "
            f"investigation,” {who} {rng.choice(['said', 'told reporters', 'added'])}."
        )
    if kind == 2:
        return f"According to {org}, at least {n} people were {event} near {place} {when}."
    if kind == 3:
        return (
            f"{org[0].upper()}{org[1:]} accused forces loyal to {who} of having {event} "
            f"{obj} outside {place}."
        )
    if kind == 4:
        return (
            f'In a statement, {org} said: "The attack on {place} is a violation of '
            f'international law and those responsible will be held to account."'
        )
    if kind == 5:
        return f"Forces {event} {obj} in {place} on {when}, witnesses said."
    if kind == 6:
        return (
            f"{who}, a spokesman for {org}, met officials in {place} on {when} to "
            f"discuss a ceasefire and the release of {n} detainees."
        )
    return rng.choice(FILLER)


def article(i: int, words: int = 600) -> str:
    rng = random.Random(1000 + i)
    paragraphs: list[str] = [
        f"{person(rng)} {rng.choice(REPORT)} {rng.choice(ORGS)} "
        f"{rng.choice(EVENTS)} {rng.choice(OBJECTS)}"
    ]
    count = len(paragraphs[0].split())
    while count < words:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        count += len(para.split())
    return "\n\n".join(paragraphs)


def peak_rss_mb() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def worker(
    mode: str, docs: int, batch_size: int, n_process: int, zone_size: int, matcher: str | None
) -> None:
    sys.path.insert(0, str(ROOT))
    from annotator.scheme import load_scheme
    from annotator.suggest.propose import load_pipeline, propose

    nlp = load_pipeline(None)
    scheme = load_scheme("news")
    if matcher:
        scheme.preannotation["pattern_matcher"] = matcher
    texts = [article(i) for i in range(docs)]
    words = sum(len(t.split()) for t in texts)
    spans = 0
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if mode == "bare":
        for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            spans += len(doc.ents)
    else:
        for _, proposal in propose(
            ((t, i) for i, t in enumerate(texts)),
            nlp,
            scheme,
            n_process=n_process,
            batch_size=batch_size,
            zone_size=zone_size,
        ):
            spans += len(proposal.spans) + len(proposal.relations)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pipe's workers, joined by now
    cpu = (
        after.ru_utime
        + after.ru_stime
        - before.ru_utime
        - before.ru_stime
        + kids.ru_utime
        + kids.ru_stime
    )
    main_mb, child_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "mode": mode,
                "docs": docs,
                "words": words,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "items": spans,
                "rss_main_mb": main_mb,
                "rss_worker_mb": child_mb,
                "pipeline": f"{nlp.meta['lang']}_{nlp.meta['name']}",
                "matcher": str(scheme.preannotation.get("pattern_matcher") or "anchored"),
            }
        )
    )


def breakdown(docs: int) -> None:
    """Where spaCy's DependencyMatcher spends its time on the scheme's patterns: one process,
    CPU microseconds per token, the articles parsed once. Per group: its node phase (spaCy's
    token Matcher over every node of every pattern, then the root of every node match), the
    join (candidates per sentence and pattern), node matches per token and the Python-level
    predicates (IN, NOT_IN, REGEX, ...) that the Matcher calls on every token; and the whole
    call again with each anchor node pinned to the cue or trigger words of the doc."""
    sys.path.insert(0, str(ROOT))
    from spacy.matcher import DependencyMatcher

    from annotator.scheme import load_scheme
    from annotator.suggest.propose import Suggester, load_pipeline

    nlp = load_pipeline(None)
    texts = [article(i) for i in range(docs)]
    rules: dict[str, Suggester] = {}
    for matcher in ("anchored", "spacy"):
        scheme = load_scheme("news")
        scheme.preannotation["pattern_matcher"] = matcher
        rules[matcher] = Suggester(nlp, scheme)
    start = time.process_time()
    parsed = list(nlp.pipe(texts))
    per = 1e6 / sum(len(d) for d in parsed)
    print(f"{docs} synthetic articles, one process, CPU us per token")
    print(f"  nlp.pipe (parsing, for scale) {(time.process_time() - start) * per:7.1f}")
    proposals = {}
    for matcher, rule in rules.items():
        rule.analyse(parsed[0], texts[0])
        start = time.process_time()
        proposals[matcher] = [repr(rule.analyse(d, t)) for d, t in zip(parsed, texts, strict=True)]
        took = (time.process_time() - start) * per
        print(f"  suggestion step, {matcher + ' matcher':<16} {took:7.1f}")
    print(f"  the same suggestions: {proposals['anchored'] == proposals['spacy']}")
    mark = nlp.vocab.strings.add("annotator_bench_anchor")
    found = [rules["anchored"]._candidates(d) for d in parsed]  # (cue words, trigger words)
    print(
        f"\n  {'DependencyMatcher group':<20} {'nodes':>6} {'join':>6} {'total':>6} "
        f"{'matches/tok':>11} {'py preds':>8} {'pinned':>7}"
    )
    groups = load_scheme("news").preannotation["argument_patterns"]
    for group, entries in groups.items():
        plain, pinned = DependencyMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
        preds: set[str] = set()
        for i, entry in enumerate(entries):
            nodes = [dict(n) for n in entry["pattern"]]
            plain.add(f"{group}:{i}", [nodes])
            for node in nodes:
                preds.update(
                    json.dumps([k, v], sort_keys=True)
                    for k, v in node["RIGHT_ATTRS"].items()
                    if isinstance(v, dict)
                )
            nodes[0] = {**nodes[0], "RIGHT_ATTRS": {**nodes[0]["RIGHT_ATTRS"], "ENT_ID": mark}}
            pinned.add(f"{group}:{i}", [nodes])
        start = time.process_time()
        hits = sum(len(plain._matcher(d)) for d in parsed)
        node_phase = time.process_time() - start
        start = time.process_time()
        for d in parsed:
            plain(d)
        total = time.process_time() - start
        which = 0 if group.startswith("claim") else 1
        start = time.process_time()
        for d, words in zip(parsed, found, strict=True):
            for i in words[which]:
                d[i].ent_id = mark
            pinned(d)
            for i in words[which]:
                d[i].ent_id = 0
        pin = time.process_time() - start
        print(
            f"  {group:<20} {node_phase * per:6.1f} {(total - node_phase) * per:6.1f} "
            f"{total * per:6.1f} {hits * per / 1e6:11.2f} {len(preds):8d} {pin * per:7.1f}"
        )


def measure(
    mode: str,
    docs: int,
    batch_size: int,
    n_process: int,
    zone_size: int = 1000,
    matcher: str | None = None,
) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            mode,
            *(["--pattern-matcher", matcher] if matcher else []),
            "--docs",
            str(docs),
            "--batch-size",
            str(batch_size),
            "--n-process",
            str(n_process),
            "--zone-size",
            str(zone_size),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--small", type=int, default=250)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=0, help="0: 2 if 2+ cores, else 1")
    parser.add_argument("--single", action="store_true", help="also compare with 1 process")
    parser.add_argument(
        "--zone-size",
        type=int,
        default=1000,
        help="documents per memory zone in propose() (library default 1000)",
    )
    parser.add_argument("--rss-only", action="store_true", help="skip the throughput runs")
    parser.add_argument("--repeat", type=int, default=2, help="throughput runs per mode")
    parser.add_argument(
        "--pattern-matcher",
        choices=["anchored", "spacy", "both"],
        help="the scheme's preannotation.pattern_matcher for ours (default: the scheme's)",
    )
    parser.add_argument(
        "--matcher-breakdown",
        action="store_true",
        help="only: where spaCy's DependencyMatcher spends its time, per pattern group",
    )
    parser.add_argument("--worker", choices=["bare", "ours"])
    args = parser.parse_args()
    if args.matcher_breakdown:
        breakdown(args.docs)
        return
    cores = os.cpu_count() or 1
    n_process = args.n_process or (2 if cores >= 2 else 1)
    if args.worker:
        matcher = args.pattern_matcher if args.pattern_matcher != "both" else None
        worker(args.worker, args.docs, args.batch_size, n_process, args.zone_size, matcher)
        return
    if args.pattern_matcher == "both":
        matchers: list[str | None] = ["anchored", "spacy"]
    else:
        matchers = [args.pattern_matcher]
    sample = article(0)
    print(
        f"{args.docs} synthetic articles (~{len(sample.split())} words each), "
        f"batch_size={args.batch_size}, {cores} cores"
    )
    settings = [n_process] + ([1] if args.single and n_process != 1 else [])
    if args.rss_only:
        settings = []
    for n in settings:
        # "ours" per matcher; interleaved, so every mode sees the same machine load.
        modes = ["bare", *(f"ours:{m}" if m else "ours" for m in matchers)]
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        for _ in range(args.repeat):
            for mode in modes:
                kind, _, matcher = mode.partition(":")
                runs[mode].append(
                    measure(kind, args.docs, args.batch_size, n, args.zone_size, matcher or None)
                )
        print(
            f"\nn_process={n} ({runs['bare'][0]['pipeline']}), best of {args.repeat} runs "
            f"each (wall clock; CPU = main + workers):"
        )
        best = {m: min(rs, key=lambda r: r["seconds"]) for m, rs in runs.items()}
        cpu = {m: min(r["cpu_seconds"] for r in rs) for m, rs in runs.items()}
        for mode, r in best.items():
            every = ", ".join(f"{x['seconds']:.1f}" for x in runs[mode])
            label = mode if mode == "bare" else f"ours ({r['matcher']})"
            print(
                f"  {label:<16} {r['docs'] / r['seconds']:8.1f} docs/s "
                f"{r['words'] / r['seconds']:9.0f} words/s  ({r['seconds']:.1f} s wall, "
                f"{cpu[mode]:.1f} s CPU; all runs: "
                f"{every} s)"
            )
        for mode in modes[1:]:
            wall = best["bare"]["seconds"] / best[mode]["seconds"]
            print(
                f"  ratio ours ({best[mode]['matcher']})/bare throughput: wall {wall:.3f}, "
                f"CPU {cpu['bare'] / cpu[mode]:.3f} (goal >= 0.9)"
            )
    print(f"\npeak RSS (n_process={n_process}, zone_size={args.zone_size}):")
    for docs in (args.small, args.docs):
        r = measure("ours", docs, args.batch_size, n_process, args.zone_size, matchers[0])
        b = measure("bare", docs, args.batch_size, n_process)
        print(
            f"  {docs:>5} articles: ours main {r['rss_main_mb']:.0f} MB / worker "
            f"{r['rss_worker_mb']:.0f} MB; bare main {b['rss_main_mb']:.0f} MB / worker "
            f"{b['rss_worker_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
