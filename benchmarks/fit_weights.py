#!/usr/bin/env python
"""Fit digestbot's key-point weights by coordinate ascent on summary-level ROUGE.

    .venv/bin/python benchmarks/fit_weights.py [--eval-dir DIR] [--rounds R]

Features come from `digestbot.keypoints.digestbot.sentence_features`, selection from its
`select` (the code that runs in production). The objective is ROUGE-2 F1 (+0.3 ROUGE-1 F1,
for stability) of the 3 picked sentences against the reference, computed with rouge-score's
own tokenizer (Porter stemming) on n-gram counts. The search fits on the first half of
CNN, reports the second half and all of BBC (never trained on), then refits on all of
CNN and reports again; the printed WEIGHTS go into `digestbot/keypoints/digestbot.py`.
The search starts from a hand-set prior (`PRIOR`), so the held-out half is unseen.
Weights are rounded to one decimal and kept in [-1, 1] to keep the model small and blunt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from digestbot.text.cleaning import clean_text, dedupe_sentences  # noqa: E402
from digestbot.keypoints.digestbot import FEATURES, REDUNDANCY, WEIGHTS, select, sentence_features  # noqa: E402
from digestbot.text.sentences import split_sentences  # noqa: E402

N = 3
# The weights set by hand, before any fitting: lead bias, centrality, title, read-alone checks.
PRIOR = (0.3, 0.5, 0.6, 0.3, -0.4, -0.2, -0.2, -0.2)
GRID = [round(-1.0 + 0.1 * k, 1) for k in range(21)]


def grams(toks: list[str]) -> tuple[Counter, Counter]:
    return Counter(toks), Counter(zip(toks, toks[1:]))


def f1(ov: int, a: int, b: int) -> float:
    return 0.0 if not ov else 2 * ov / (a + b)


def load(eval_dir: Path, name: str) -> list:
    from rouge_score import tokenizers

    tok = tokenizers.DefaultTokenizer(use_stemmer=True)
    out = []
    with open(eval_dir / f"{name}_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            ref = "\n".join(r["highlights"]) if name == "cnn" else r["summary"]
            clean = clean_text(r["text"], r.get("title"))
            sents = dedupe_sentences(split_sentences("\n".join(clean.paragraphs)))
            if not sents:
                continue
            rows, sets = sentence_features(sents, clean.title)
            sg = [tok.tokenize(s) for s in sents]
            out.append((rows, sets, sg, grams(tok.tokenize(ref))))
    return out


def objective(data, weights, redundancy=REDUNDANCY) -> tuple[float, float]:
    r1 = r2 = 0.0
    for rows, sets, toks, (ru, rb) in data:
        scores = [sum(w * f for w, f in zip(weights, row)) for row in rows]
        picked = select(scores, sets, N, redundancy)
        t: list[str] = []
        for i in picked:
            t.extend(toks[i])
        u, b = grams(t)
        r1 += f1(sum((u & ru).values()), sum(u.values()), sum(ru.values()))
        r2 += f1(sum((b & rb).values()), sum(b.values()), sum(rb.values()))
    k = len(data) or 1
    return 100 * r1 / k, 100 * r2 / k


def fit(data, start, rounds: int, other=None, other_weight: float = 0.0) -> tuple[float, ...]:
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bbc-weight", type=float, default=0.0,
                    help="also fit on the first half of BBC, its objective weighted by this")
    args = ap.parse_args()
    if not (args.eval_dir / "cnn_dev.jsonl").exists():
        print("fit_weights: evaluation data not found; skipping.")
        return 0
    cnn, bbc = load(args.eval_dir, "cnn"), load(args.eval_dir, "bbc")
    half = len(cnn) // 2
    lead = (1.0, 0.5) + (0.0,) * (len(FEATURES) - 2)  # first sentences first: Lead-3
    print("Lead-3       CNN %.2f/%.2f  BBC %.2f/%.2f" % (*objective(cnn, lead), *objective(bbc, lead)))
    print("current      CNN %.2f/%.2f  BBC %.2f/%.2f" % (*objective(cnn, WEIGHTS), *objective(bbc, WEIGHTS)))
    print("prior        CNN %.2f/%.2f  BBC %.2f/%.2f" % (*objective(cnn, PRIOR), *objective(bbc, PRIOR)))
    print("Lead-3 on the held-out CNN half %.2f/%.2f" % objective(cnn[len(cnn) // 2:], lead))
    bhalf = len(bbc) // 2
    # Start from the hand-set prior written before any fitting (not from the shipped
    # weights), so the held-out half is really unseen.
    start = PRIOR
    w_half = fit(cnn[:half], start, args.rounds, bbc[:bhalf] if args.bbc_weight else None, args.bbc_weight)
    print("fit CNN[:half]%s: train %.2f/%.2f  held-out CNN %.2f/%.2f  BBC held-out half %.2f/%.2f" % (
        " + BBC[:half]" if args.bbc_weight else "",
        *objective(cnn[:half], w_half), *objective(cnn[half:], w_half), *objective(bbc[bhalf:], w_half)))
    print("  weights", w_half)
    w = fit(cnn, w_half, args.rounds, bbc if args.bbc_weight else None, args.bbc_weight)
    print("fit CNN (all): CNN %.2f/%.2f  BBC %.2f/%.2f" % (*objective(cnn, w), *objective(bbc, w)))
    for name, v in zip(FEATURES, w):
        print(f"  {name:12s} {v:+.1f}")
    print("WEIGHTS = (" + ", ".join(f"{v:.1f}" for v in w) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
