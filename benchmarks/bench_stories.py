"""Stories, what's new, facts: regression checks on the test corpus (part A) and speed (part B).

Part A is not evidence of quality: the corpus was written alongside the code. Quality on real
news with gold labels is measured by `benchmarks/bench_real_stories.py` (stories).

Part A, on tests/corpus/arnvik.jsonl (a dam failure over three days, an opinion piece, an
unrelated story), against labels written here by hand from that corpus:
- clustering: pairwise precision/recall of "same story" article pairs (batch and live);
- novelty: what's-new items against the developments each scenario should report;
- updates: changed figures and status changes, with the right "before" value;
- per-destination memory: a destination posted to day after day (and twice a day) through
  `Posting.post`; an item is a repeat when its development was already posted there.
Part B, synthetic articles generated here (many small stories, varied vocabulary, names):
- median time of `/visit facts` through `DigestService.answer` with 100 and 10,000 stored
  articles (the seeds' visit story plus fillers, in an in-memory store);
- per-article cost of adding an article to the live stories (cluster + refill its story) at
  1k, 10k and 50k stored articles, and the re-rank the next read does after a change.

Run from the repository root (about 3 minutes on 2 cores):

    .venv/bin/python benchmarks/bench_stories.py [--quick] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # builders.py: the corpus reader the tests use

from builders import a_topic, corpus_articles  # noqa: E402
from digestbot.stories.digest import build_digest, score_parts  # noqa: E402
from digestbot.domain.models import Article, ArticleKind, Digest, RawArticle  # noqa: E402
from digestbot.stories.novelty import item_fingerprint  # noqa: E402
from digestbot.service.digests import DigestService, LiveStories  # noqa: E402
from digestbot.domain.records import Upserted, UpsertOutcome
from digestbot.stories.clustering import StoryClusterer, cluster_articles  # noqa: E402

TOPICS = [a_topic()]
UTC = timezone.utc

# --- Part A: labels written by hand from tests/corpus/arnvik.jsonl ---------------------------

TRUE_STORY = {"arnvik-1": "dam", "arnvik-op": "dam", "arnvik-2": "dam", "arnvik-3": "dam",
              "valdoria-rates": "rates"}

# Each development of the corpus, recognised by words its item must contain (lower case).
DEVELOPMENTS = {
    "dam failed, 12 dead": ("failed", "12"),
    "300 rescue workers": ("300",),
    "meeting planned": ("will meet",),
    "toll 15": ("15",),
    "toll 17": ("17",),
    "talks began": ("began", "talks"),
    "talks concluded, 40 dams deal": ("concluded", "40 dams"),
    "compensation 5m": ("5 million",),
    "compensation 8m": ("8 million",),
    "spillway cracks 2024": ("spillway",),
    "years of warnings (opinion)": ("years of warnings",),
    "Holm resigned": ("holm", "resigned"),
    "rate 3.5%": ("3.5 percent",),
    "Sand: more rises possible": ("henrik sand",),
}

# Scenario -> (articles shown, since, expected developments, expected updates {dev: before}).
SCENARIOS = {
    "day 1 alone (first coverage)": (
        ["arnvik-1"], None,
        {"dam failed, 12 dead", "300 rescue workers"}, {}),
    "day 2 vs day 1": (
        ["arnvik-1", "arnvik-op", "arnvik-2", "valdoria-rates"], None,
        {"toll 15", "talks began", "compensation 5m", "spillway cracks 2024",
         "years of warnings (opinion)", "rate 3.5%", "Sand: more rises possible"},
        {"toll 15": "12", "talks began": "will meet"}),
    "day 3 vs days 1-2": (
        list(TRUE_STORY), None,
        {"talks concluded, 40 dams deal", "toll 17", "compensation 8m", "Holm resigned",
         "rate 3.5%", "Sand: more rises possible"},
        {"talks concluded, 40 dams deal": "began", "toll 17": "15", "compensation 8m": "5 million"}),
    "days 2-3 vs day 1 (since)": (
        list(TRUE_STORY), datetime(2026, 3, 3, 0, tzinfo=UTC),
        {"talks concluded, 40 dams deal", "toll 17", "compensation 8m", "Holm resigned",
         "spillway cracks 2024", "years of warnings (opinion)", "rate 3.5%", "Sand: more rises possible"},
        {"talks concluded, 40 dams deal": "will meet", "toll 17": "12", "compensation 8m": "5 million"}),
}


def development(text: str) -> str | None:
    low = text.lower()
    for name, words in DEVELOPMENTS.items():
        if all(w in low for w in words):
            return name
    return None


def pr(tp: int, produced: int, expected: int) -> tuple[float, float]:
    return (tp / produced if produced else 1.0), (tp / expected if expected else 1.0)


def pairwise(assigned: dict[str, str], truth: dict[str, str]) -> tuple[int, int, int]:
    tp = produced = expected = 0
    for a, b in combinations(sorted(truth), 2):
        same_pred, same_true = assigned[a] == assigned[b], truth[a] == truth[b]
        tp += same_pred and same_true
        produced += same_pred
        expected += same_true
    return tp, produced, expected


def clustering_rows(articles: list[Article]) -> list[tuple]:
    rows = []
    batch = {a.key: s.key for s in cluster_articles(articles, TOPICS) for a in s.articles}
    live = LiveStories(TOPICS)
    for a in articles:  # file order: the opinion piece and the rates story arrive between reports
        live.add(a)
    incremental = {a.key: live.clusterer.story_key_of(a.key) for a in articles}
    for label, assigned in (("batch (cluster_articles)", batch), ("live, file order", incremental)):
        tp, produced, expected = pairwise(assigned, TRUE_STORY)
        rows.append((f"clustering: corpus, {label}", tp, produced, expected, *pr(tp, produced, expected)))
    syn, truth = synthetic(3000, seed=11)
    clusterer = StoryClusterer()
    for a in sorted(syn, key=lambda a: (a.published, a.key)):
        clusterer.add(a)
    tp = produced = expected = 0
    by_story: dict[str, list[str]] = {}
    for a in syn:
        by_story.setdefault(clusterer.story_key_of(a.key), []).append(a.key)
    # pairs within predicted stories, and within true stories (no all-pairs: 4.5M pairs)
    for keys in by_story.values():
        for a, b in combinations(keys, 2):
            produced += 1
            tp += truth[a] == truth[b]
    by_truth: dict[int, list[str]] = {}
    for a in syn:
        by_truth.setdefault(truth[a.key], []).append(a.key)
    expected = sum(len(k) * (len(k) - 1) // 2 for k in by_truth.values())
    rows.append(("clustering: 3,000 synthetic articles (part B generator)", tp, produced, expected, *pr(tp, produced, expected)))
    return rows


def novelty_rows(articles: list[Article]) -> tuple[list[tuple], list[tuple], list[str]]:
    by_key = {a.key: a for a in articles}
    n_tp = n_prod = n_exp = u_tp = u_prod = u_exp = 0
    misses: list[str] = []
    per_scenario = []
    for name, (keys, since, expected, updates) in SCENARIOS.items():
        digest = build_digest([by_key[k] for k in keys], TOPICS, since=since)
        found: set[str] = set()
        tp = produced = 0
        for story in digest.stories:
            for item in story.whats_new:
                produced += 1
                dev = development(item.text)
                if dev in expected and dev not in found:
                    tp += 1
                    found.add(dev)
                else:
                    misses.append(f"{name}: unexpected item: {item.text[:90]}")
                if item.is_update:
                    u_prod += 1
                    want = updates.get(dev)
                    if want is not None and want in (item.before or "").lower():
                        u_tp += 1
                    else:
                        misses.append(f"{name}: wrong update: {item.text[:60]} (was {item.before})")
        misses += [f"{name}: missed: {d}" for d in sorted(expected - found)]
        per_scenario.append((f"novelty: {name}", tp, produced, len(expected), *pr(tp, produced, len(expected))))
        n_tp, n_prod, n_exp = n_tp + tp, n_prod + produced, n_exp + len(expected)
        u_exp += len(updates)
    per_scenario.append(("novelty: all scenarios", n_tp, n_prod, n_exp, *pr(n_tp, n_prod, n_exp)))
    update_rows = [("updates (figure/status, right before value)", u_tp, u_prod, u_exp, *pr(u_tp, u_prod, u_exp))]
    return per_scenario, update_rows, misses


class RecordingPublisher:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Digest, str]] = []

    async def publish(self, target: str, digest: Digest, period: str) -> str:
        self.posts.append((target, digest, period))
        return period


def _raw(rec: dict) -> RawArticle:
    return RawArticle(text=rec["text"], origin=rec["id"], title=rec["title"], source=rec["source"],
                      url=f"https://example.org/{rec['id']}", published=datetime.fromisoformat(rec["published"]),
                      kind=ArticleKind(rec["kind"]))


async def _memory_run(db: str) -> tuple[tuple, tuple]:
    from digestbot.bootstrap import bootstrap, build_runtime
    from digestbot.domain.platforms import Platform
    from digestbot.domain.ports import Skip
    from digestbot.settings import Settings

    config = Path(db).with_suffix(".toml")
    config.write_text(
        '[[topics]]\nname = "arnvik"\ntitle = "The Kessel Dam failure"\nkeywords = ["Kessel Dam", "Arnvik"]\n'
        '[[destinations]]\nplatform = "console"\nchannel = "a"\n'
        '[[destinations]]\nplatform = "console"\nchannel = "b"\n')
    app = bootstrap(Settings(database_url=f"sqlite:///{db}", config=config))
    publisher = RecordingPublisher()
    posting = build_runtime(app, {"console": Platform("console", publisher)}).posting
    records = {r["id"]: r for r in map(json.loads, (ROOT / "tests/corpus/arnvik.jsonl").read_text().splitlines())}
    days = [["arnvik-1"], ["arnvik-op", "valdoria-rates", "arnvik-2"], ["arnvik-3"]]
    told: set[str] = set()  # developments (else fingerprints) already posted to "a"
    posted = repeats = 0
    for day, ids in enumerate(days, 1):
        app.service.ingest(_raw(records[i]) for i in ids)
        for attempt in ("morning", "evening"):  # the evening post has nothing new to say
            if isinstance(await posting.post("console:a", f"day{day}-{attempt}"), Skip):
                continue  # a quiet period: nothing new to post
            for story in publisher.posts[-1][1].stories:
                for item in story.whats_new:
                    label = development(item.text) or item_fingerprint(item)
                    posted += 1
                    repeats += label in told
                    told.add(label)
    await posting.post("console:b", "day3-morning")
    b_items = {item_fingerprint(i) for s in publisher.posts[-1][1].stories for i in s.whats_new}
    current = {item_fingerprint(i) for s in app.service.current_digest().stories for i in s.whats_new}
    app.close()
    not_repeated = posted - repeats
    return (
        ("memory: destination a, 3 days x 2 posts: not repeated", not_repeated, posted, posted,
         *pr(not_repeated, posted, posted)),
        ("memory: destination b (first post) gets the current items", len(b_items & current), len(b_items),
         len(current), *pr(len(b_items & current), len(b_items), len(current))),
    )


def part_a() -> tuple[list[tuple], list[str]]:
    articles = corpus_articles()
    rows = clustering_rows(articles)
    novelty, updates, misses = novelty_rows(articles)
    with tempfile.TemporaryDirectory() as tmp:
        rows += novelty + updates + list(asyncio.run(_memory_run(str(Path(tmp) / "memory.db"))))
    return rows, misses


# --- Part B: synthetic articles ----------------------------------------------------------------

_SYLLABLES = ("ka lo ri ven dor mi sa tel bro quin ast el nor pa zu ther gal im on ur ves ba cre dus "
              "fin hol jor lum mar nik ost pel rud sor tam ul vin wex yar zen").split()
_COMMON = ("said officials on the in a of to and was were will had has by with after from at for "
           "report reported told local regional new plans week day people city area government").split()


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(out)


def synthetic(n: int, seed: int = 7, start: datetime = datetime(2025, 1, 1, tzinfo=UTC),
              prefix: str = "syn") -> tuple[list[Article], dict[str, int]]:
    """n articles in many small stories (1-8 articles over up to 2.5 days), each story with
    its own topic words, person, place and organisation; returns (articles, true story id)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 30000)
    names = [w.capitalize() for w in _vocabulary(rng, 8000)]
    articles: list[Article] = []
    truth: dict[str, int] = {}
    story, moment = 0, start
    while len(articles) < n:
        story += 1
        size = min(n - len(articles), rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8]))
        topic = rng.sample(vocab, 8)
        person = f"{rng.choice(names)} {rng.choice(names)}"
        place = rng.choice(names)
        org = f"{rng.choice(names)} {rng.choice(['Group', 'Council', 'Works', 'Bank'])}"
        moment += timedelta(minutes=rng.randint(5, 40))
        for j in range(size):
            sentences = []
            for _ in range(rng.randint(5, 8)):
                words = rng.sample(topic, 3) + rng.sample(vocab, 3) + rng.sample(_COMMON, 3)
                rng.shuffle(words)
                subject = rng.choice([person, f"Officials in {place}", org, f"The {topic[0]} office"])
                sentences.append(f"{subject} {' '.join(words[:5])} {rng.randint(2, 900)} {topic[1]}s "
                                 f"in {place} {' '.join(words[5:])}.")
            key = f"{prefix}-{story}-{j}"
            articles.append(Article(
                key=key, title=f"{place} {topic[0]} {topic[2]} {rng.choice(vocab)}",
                source=rng.choice(["Wire A", "Wire B", "Daily C", "Post D"]),
                published=moment + timedelta(hours=rng.randint(0, 60)), kind=ArticleKind.NEWS,
                sentences=sentences, key_points=sentences[:2],
                content_hash=hashlib.sha256(key.encode()).hexdigest(), url=f"https://syn.example/{key}"))
            truth[key] = story
    return articles, truth


class MemoryStore:
    """The ArticleStore port in memory: the benchmark times the stories, not SQLite."""

    def __init__(self, articles: list[Article] = ()):
        self._articles = {a.key: a for a in articles}

    def upsert(self, article: Article) -> UpsertOutcome:
        if article.key in self._articles:
            return UpsertOutcome.UNCHANGED
        self._articles[article.key] = article
        return UpsertOutcome.CREATED

    def upsert_many(self, articles: list[Article]) -> list[Upserted]:
        return [Upserted(self.upsert(a), self._articles[a.key]) for a in articles]

    def all_articles(self) -> list[Article]:
        return sorted(self._articles.values(), key=lambda a: (a.published, a.key))

    def count(self) -> int:
        return len(self._articles)


def _seed_service(total: int) -> tuple[DigestService, float, int]:
    """A service over the seeds (the visit story) plus synthetic fillers up to `total`."""
    from digestbot.cli_commands.support import default_seed_inputs
    from digestbot.config import load_config
    from digestbot.ingest import load_sources

    store = MemoryStore()
    service = DigestService(store, load_config(None).topic_models())
    service.ingest(load_sources(default_seed_inputs()))
    fillers, _ = synthetic(total - store.count(), seed=3, start=datetime(2025, 6, 1, tzinfo=UTC))
    for a in fillers:
        store.upsert(a)
    started = time.perf_counter()
    service.current_digest()  # seeds the live stories once
    return service, time.perf_counter() - started, store.count()


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def answer_rows(quick: bool) -> list[tuple]:
    rows = []
    extra, _ = synthetic(1, seed=99, prefix="late")
    for total in (100, 1_000 if quick else 10_000):
        service, seeded, stored = _seed_service(total)
        reply = service.answer("/visit facts")
        assert reply.ok and reply.sections and "No coverage" not in str(reply), reply
        facts = _median_ms(lambda: service.answer("/visit facts"), 2000)
        digest = _median_ms(lambda: service.answer("/digest"), 2000)
        service.store.upsert(extra[0])
        service._track(extra[0], UpsertOutcome.CREATED)  # what ingest does after storing
        started = time.perf_counter()
        service.answer("/visit facts")
        after_ingest = (time.perf_counter() - started) * 1000
        extra[0] = replace(extra[0], key=extra[0].key + "x")  # a fresh one for the next size (articles are frozen)
        rows.append((stored, facts, digest, after_ingest, seeded))
    return rows


def add_rows(sizes: list[int], window: int) -> list[tuple]:
    """Grow live stories to each size, then time `window` more articles arriving one by one."""
    total = sizes[-1] + window * len(sizes)
    stream, _ = synthetic(total, seed=5)
    stream.sort(key=lambda a: (a.published, a.key))
    live = LiveStories(TOPICS)
    rows, position = [], 0
    for size in sizes:
        while len(live) < size:  # growth: clustering only (refilling every story is not timed)
            live.clusterer.add(stream[position])
            position += 1
        # Stand-in filled stories for every story so far, so the re-rank below sees them all.
        live._filled = {s.key: s for s in live.clusterer.stories()}
        live._parts = {k: score_parts(s, set()) for k, s in live._filled.items()}
        live._newest = stream[position - 1].published
        live._digest = None
        live.digest()
        cluster_t, fill_t, rank_t = [], [], []
        for _ in range(window):
            article = stream[position]
            position += 1
            started = time.perf_counter()
            live.add(article)
            mid = time.perf_counter()
            live.refresh()  # refills the one story that changed
            end = time.perf_counter()
            live.digest()  # the next read re-ranks
            cluster_t.append(mid - started)
            fill_t.append(end - mid)
            rank_t.append(time.perf_counter() - end)
        per = [c + f for c, f in zip(cluster_t, fill_t)]
        rows.append((size, len(live._filled), statistics.median(cluster_t) * 1000,
                     statistics.median(fill_t) * 1000, statistics.median(per) * 1000,
                     statistics.mean(per) * 1000, statistics.median(rank_t) * 1000))
    return rows


# --- output ------------------------------------------------------------------------------------


def markdown(rows_a, answers, adds, command: str) -> str:
    out = [f"Regenerate: `{command}`", "",
           "#### A. Regression checks on the hand-written test corpus (`tests/corpus/arnvik.jsonl`; "
           "not evidence of quality, see \"Stories on real news\")", "",
           "| measure | correct | produced | expected | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    out += [f"| {n} | {tp} | {p} | {e} | {pp:.2f} | {rr:.2f} |" for n, tp, p, e, pp, rr in rows_a]
    out += ["", "#### B1. Answering `/visit facts` through `DigestService.answer` (median of 2,000)", "",
            "| stored articles | `/visit facts` median ms | `/digest` median ms | first `/visit facts` after an ingest, ms | seeding the live stories once, s |",
            "|---:|---:|---:|---:|---:|"]
    out += [f"| {n:,} | {f:.3f} | {d:.3f} | {a:.1f} | {s:.1f} |" for n, f, d, a, s in answers]
    if len(answers) == 2:
        out += ["", f"Ratio `/visit facts` {answers[1][0]:,} vs {answers[0][0]:,} articles: "
                    f"**{answers[1][1] / answers[0][1]:.2f}x** (target at most 1.5x)."]
    out += ["", "#### B2. Adding an article to the stories (live stories, synthetic stream)", "",
            "| stored articles | stories | cluster (add) median ms | refill its story median ms | per article median ms | per article mean ms | re-rank on next read, median ms |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {n:,} | {s:,} | {c:.2f} | {f:.2f} | {p:.2f} | {m:.2f} | {r:.1f} |" for n, s, c, f, p, m, r in adds]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables only")
    args = parser.parse_args()
    command = ".venv/bin/python benchmarks/bench_stories.py" + (" --quick" if args.quick else "")
    started = time.perf_counter()
    rows_a, misses = part_a()
    print("# A. regression checks on the test corpus", file=sys.stderr)
    for m in misses:
        print("  " + m, file=sys.stderr)
    answers = answer_rows(args.quick)
    adds = add_rows([500, 2_000] if args.quick else [1_000, 10_000, 50_000], 50 if args.quick else 200)
    print(markdown(rows_a, answers, adds, command))
    print(f"(total {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
