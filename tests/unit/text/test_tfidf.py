"""Our TF-IDF is scikit-learn's, without its import cost: checked against scikit-learn itself."""

import numpy as np
import pytest

from digestbot.text.lexicons import ENGLISH_STOP_WORDS
from digestbot.text.tfidf import analyse, tfidf_rows

text = pytest.importorskip("sklearn.feature_extraction.text")

DOCUMENTS = [
    "The Kessel Dam failed on Monday, flooding three villages in the Arnvik valley.",
    "Rescuers in Arnvik searched the flooded villages overnight; 12 people died.",
    "The toll of the Kessel Dam failure rose to 15, the regional governor said on Tuesday.",
    "Engineers had warned in 2019 that the dam's spillway was too small for a wet spring.",
    "Café owners in Århus said it's the worst flood they've seen — a 1-in-100-year event.",
    "A_b x 9 a1 I'm Ωmega 東京都 e.g. n-gram __init__ 7km 42 ¼ café_au_lait ü",  # word runs of every kind
]


def test_the_stop_words_are_scikit_learns():
    assert ENGLISH_STOP_WORDS == text.ENGLISH_STOP_WORDS


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_analyser_gives_scikit_learns_words(document):
    assert analyse(document) == text.CountVectorizer(stop_words="english").build_analyzer()(document)


def test_the_rows_are_scikit_learns_tfidf():
    expected = text.TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(DOCUMENTS).toarray()
    assert np.allclose(tfidf_rows(DOCUMENTS), expected)


def test_only_stop_words_is_an_error_as_in_scikit_learn():
    with pytest.raises(ValueError):
        tfidf_rows(["the and of", "it is"])
