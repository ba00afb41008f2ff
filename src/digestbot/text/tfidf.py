"""TF-IDF exactly as scikit-learn's text vectorisers compute it, without importing scikit-learn.

Importing `sklearn.feature_extraction.text` costs 0.6 s of CPU (it pulls in scipy.stats), about
6% of a whole `digest` of 2,000 articles, for two small jobs: the word analyser of the story
grouping and the TF-IDF of a story's leads (facts). tests/unit/text/test_tfidf.py checks both against
scikit-learn itself, which stays the reference (a test dependency).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from .lexicons import ENGLISH_STOP_WORDS

# CountVectorizer's default token_pattern is r"(?u)\b\w\w+\b": every run of two or more word
# characters. A greedy run from the first word character of a run is the same match, without the
# two boundary tests at each position (a third less CPU over the dev stream).
_TOKEN = re.compile(r"\w\w+")


def analyse(text: str) -> list[str]:
    """`CountVectorizer(stop_words="english").build_analyzer()`: lower case, words of two or
    more characters, English stop words dropped."""
    return [word for word in _TOKEN.findall(text.lower()) if word not in ENGLISH_STOP_WORDS]


def tfidf_rows(documents: list[str]) -> np.ndarray:
    """`TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(documents)` as a
    dense array (columns in sorted term order): 1 + log tf, smoothed idf, rows of unit length.
    ValueError when no document has a word that is not a stop word, as scikit-learn raises."""
    counts = [Counter(analyse(document)) for document in documents]
    vocabulary = {term: column for column, term in enumerate(sorted({t for c in counts for t in c}))}
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    rows = np.zeros((len(documents), len(vocabulary)))
    for row, document_counts in enumerate(counts):
        for term, count in document_counts.items():
            rows[row, vocabulary[term]] = 1.0 + math.log(count)
    document_frequency = np.count_nonzero(rows, axis=0)
    rows *= np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)
