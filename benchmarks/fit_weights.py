#!/usr/bin/env python
"""Fit digestbot's key-point weights by coordinate ascent on summary-level ROUGE, cross-validated.

    .venv/bin/python benchmarks/fit_weights.py [--eval-dir DIR] [--folds K] [--rounds R] [--bbc-weight W]

Features come from `digestbot.keypoints.digestbot.sentence_features`, selection from its
`select` (the code that runs in production). The objective is ROUGE-2 F1 (+0.3 ROUGE-1 F1,
for stability) of the 3 picked sentences against the reference, computed with rouge-score's
own tokenizer (Porter stemming) on n-gram counts (within 0.03 of rouge-score's Lead-3).

Cross-validation: CNN and BBC are each cut into K folds (article i goes to fold i mod K). For
each fold the weights are fitted on the other K-1 folds of CNN (plus, with --bbc-weight W,
the other K-1 folds of BBC, their objective weighted by W) and scored on the held-out fold
of *both* sets; the printed out-of-fold gain over Lead-3, per fold and on average, is what
to expect on new CNN-like and BBC-like articles. The shipped weights are the mean of the K
fold fits (bagging: steadier than any one fit, and every article is in K-1 of them); paste the
printed WEIGHTS into `digestbot/keypoints/digestbot.py`. `--nested B` makes each fold's model
itself the mean of B inner fits, so the held-out figures measure that shipped procedure.
Every fit starts from a hand-set prior (`PRIOR`, written before any fitting). Weights are
searched on a 0.1 grid in [-1, 1]: a small, blunt model that a coarse grid keeps from
chasing noise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from digestbot.keypoints.digestbot import FEATURES, REDUNDANCY, WEIGHTS, select, sentence_features  # noqa: E402
from digestbot.text.cleaning import clean_text  # noqa: E402
from digestbot.text.dedupe import dedupe_tokenised  # noqa: E402
from digestbot.text.sentences import split_sentences  # noqa: E402

N = 3
# The weights set by hand, before any fitting: lead bias, centrality, title, read-alone checks.
PRIOR = (0.3, 0.5, 0.6, 0.3, -0.4, -0.2, -0.2, -0.2)
GRID = [round(-1.0 + 0.1 * k, 1) for k in range(21)]
LEAD3 = "lead-3"


class Article:
    """One article's features and what scoring needs: rouge tokens, reference n-grams, a cache."""

    __slots__ = ("rows", "sets", "toks", "ref_uni", "ref_bi", "cache")

    def __init__(self, rows, sets, toks, ref_toks):
        self.rows, self.sets, self.toks = rows, sets, toks
        self.ref_uni, self.ref_bi = grams(ref_toks)
        self.cache: dict[tuple[int, ...], tuple[float, float]] = {}

    def rouge(self, picked: tuple[int, ...]) -> tuple[float, float]:
        """(ROUGE-1 F1, ROUGE-2 F1) of the picked sentences; cached, as picks repeat a lot."""
        hit = self.cache.get(picked)
        if hit is None:
            t: list[str] = []
            for i in picked:
                t.extend(self.toks[i])
            u, b = grams(t)
            hit = (f1(sum((u & self.ref_uni).values()), sum(u.values()), sum(self.ref_uni.values())),
                   f1(sum((b & self.ref_bi).values()), sum(b.values()), sum(self.ref_bi.values())))
            self.cache[picked] = hit
        return hit


def grams(toks: list[str]) -> tuple[Counter, Counter]:
    return Counter(toks), Counter(zip(toks, toks[1:]))


def f1(ov: int, a: int, b: int) -> float:
    return 0.0 if not ov else 2 * ov / (a + b)


def load(eval_dir: Path, name: str) -> list[Article]:
    """The articles of `name`_dev.jsonl through the production text path (as `analyse_text`)."""
    from rouge_score import tokenizers

    tok = tokenizers.DefaultTokenizer(use_stemmer=True)
    out = []
    with open(eval_dir / f"{name}_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            ref = "\n".join(r["highlights"]) if name == "cnn" else r["summary"]
            clean = clean_text(r["text"], r.get("title"))
            sents, words = dedupe_tokenised(split_sentences("\n".join(clean.paragraphs)))
            if not sents:
                continue
            rows, sets = sentence_features(sents, clean.title, words)
            out.append(Article(rows, sets, [tok.tokenize(s) for s in sents], tok.tokenize(ref)))
    return out


def objective(data: list[Article], weights) -> tuple[float, float]:
    """Mean (ROUGE-1 F1, ROUGE-2 F1) x100 of the sentences `weights` picks; Lead-3 for LEAD3."""
    r1 = r2 = 0.0
    for a in data:
        if weights == LEAD3:
            picked = tuple(range(min(N, len(a.rows))))
        else:
            scores = [sum(w * f for w, f in zip(weights, row)) for row in a.rows]
            picked = tuple(select(scores, a.sets, N, REDUNDANCY))
        x1, x2 = a.rouge(picked)
        r1 += x1
        r2 += x2
    k = len(data) or 1
    return 100 * r1 / k, 100 * r2 / k


def fit(data, start, rounds: int, other=None, other_weight: float = 0.0) -> tuple[float, ...]:
    """Coordinate ascent over GRID on ROUGE-2 + 0.3 ROUGE-1 (of `data`, plus `other` weighted)."""
    def obj(w):
        a, b = objective(data, w)
        s = b + 0.3 * a
        if other:
            a, b = objective(other, w)
            s += other_weight * (b + 0.3 * a)
        return s

    w = list(start)
    best = obj(w)
    for _ in range(rounds):
        improved = False
        for j in range(len(w)):
            for v in GRID:
                if v == w[j]:
                    continue
                cand = w[:j] + [v] + w[j + 1:]
                s = obj(cand)
                if s > best + 1e-6:
                    best, w, improved = s, cand, True
        if not improved:
            break
    return tuple(w)


def folds(data: list, k: int) -> list[tuple[list, list]]:
    """(train, held-out) pairs: article i is held out in fold i mod k."""
    return [([a for i, a in enumerate(data) if i % k != f], [a for i, a in enumerate(data) if i % k == f])
            for f in range(k)]


def gain(data, weights) -> tuple[float, float]:
    """(ROUGE-2 of `weights`, its gain over Lead-3) on `data`."""
    r2 = objective(data, weights)[1]
    return r2, r2 - objective(data, LEAD3)[1]


def fit_bagged(cnn, bbc, k: int, rounds: int, bbc_weight: float) -> tuple[float, ...]:
    """The mean of the k weight vectors fitted with one fold of each set left out each time."""
    fits = [fit(c, PRIOR, rounds, b if bbc_weight else None, bbc_weight)
            for (c, _), (b, _) in zip(folds(cnn, k), folds(bbc, k))]
    return tuple(round(sum(col) / k, 2) for col in zip(*fits))


def cross_validate(cnn, bbc, k: int, rounds: int, bbc_weight: float, nested: int) -> tuple[float, ...]:
    """Print each fold's held-out gain over Lead-3 on CNN and BBC; return the fold fits' mean.

    With `nested` > 1 each fold's model is itself the mean of `nested` fits on its training
    part (`fit_bagged`), so the held-out figures measure the shipped procedure.
    """
    gains: dict[str, list[float]] = {"CNN": [], "BBC": []}
    scores: dict[str, list[float]] = {"CNN": [], "BBC": []}
    fits = []
    print(f"{k}-fold cross-validation (fit on CNN{' + BBC x%g' % bbc_weight if bbc_weight else ''}"
          f"{', each model the mean of %d inner fits' % nested if nested > 1 else ''}; "
          "score the held-out fold of each set)")
    for f, ((cnn_train, cnn_test), (bbc_train, bbc_test)) in enumerate(zip(folds(cnn, k), folds(bbc, k))):
        if nested > 1:
            w = fit_bagged(cnn_train, bbc_train, nested, rounds, bbc_weight)
        else:
            w = fit(cnn_train, PRIOR, rounds, bbc_train if bbc_weight else None, bbc_weight)
        fits.append(w)
        line = [f"  fold {f + 1}:"]
        for name, test in (("CNN", cnn_test), ("BBC", bbc_test)):
            r2, g = gain(test, w)
            gains[name].append(g)
            scores[name].append(r2)
            line.append(f"{name} R2 {r2:.2f} ({g:+.2f} vs Lead-3)")
        print(" ".join(line), " weights", w, flush=True)
    for name in gains:
        print(f"  out-of-fold {name}: R2 {sum(scores[name]) / k:.2f}, gain over Lead-3 "
              f"{sum(gains[name]) / k:+.2f} (folds {' '.join('%+.2f' % g for g in gains[name])})")
    return tuple(round(sum(col) / k, 2) for col in zip(*fits))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--nested", type=int, default=0,
                    help="make each fold's model the mean of this many inner fits (estimates the shipped procedure)")
    ap.add_argument("--bbc-weight", type=float, default=0.0,
                    help="also fit on BBC, its objective weighted by this (default: BBC is only scored)")
    args = ap.parse_args()
    if not (args.eval_dir / "cnn_dev.jsonl").exists() or not (args.eval_dir / "bbc_dev.jsonl").exists():
        print("fit_weights: evaluation data not found; skipping.")
        return 0
    t0 = time.process_time()
    cnn, bbc = load(args.eval_dir, "cnn"), load(args.eval_dir, "bbc")
    for name, w in (("Lead-3", LEAD3), ("current", WEIGHTS), ("prior", PRIOR)):
        print("%-8s CNN R1/R2 %.2f/%.2f  BBC R1/R2 %.2f/%.2f" % (name, *objective(cnn, w), *objective(bbc, w)))
    shipped = cross_validate(cnn, bbc, args.folds, args.rounds, args.bbc_weight, args.nested)
    if args.nested > 1:
        shipped = fit_bagged(cnn, bbc, args.folds, args.rounds, args.bbc_weight)
    print("shipped = mean of the %d fold fits: CNN R2 %.2f (%+.2f vs Lead-3, in-sample)  BBC R2 %.2f (%+.2f)" % (
        args.folds, *gain(cnn, shipped), *gain(bbc, shipped)))
    for name, v in zip(FEATURES, shipped):
        print(f"  {name:12s} {v:+.2f}")
    print("WEIGHTS = (" + ", ".join(f"{v:.2f}" for v in shipped) + ")")
    print(f"({time.process_time() - t0:.0f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
