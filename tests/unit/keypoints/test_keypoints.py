"""Key-point extraction: every method, the contract, and digestbot's own scorer."""

import pytest
from benchmark_modules import benchmark_module

from digestbot.keypoints import METHODS, extract_key_points
from digestbot.keypoints import digestbot as ours

ARTICLE = [
    "The city of Port Ellis opened a tidal barrier on Tuesday after five years of construction.",
    "The barrier can close in twelve minutes and protects about 40,000 homes from storm surges.",
    "It was built by a consortium of three engineering firms.",
    '"This is a great day for our city," the mayor said at the opening ceremony.',
    "Engineers said the tidal barrier would cope with a sea level rise of one metre.",
    "Critics said the barrier cost twice its original budget of 300 million crowns.",
    "But supporters of the barrier said the cost of flooding would have been far higher.",
    "The last major flood in Port Ellis, in 2019, damaged 6,000 homes.",
    "Why did the project take so long?",
    "Delays were blamed on a shortage of steel and two harsh winters.",
]
TITLE = "Port Ellis opens tidal barrier against storm surges"

ALL_METHODS = ["digestbot", "lead", "lexrank", "lsa", "textrank", "luhn", "kl", "sumbasic", "reduction", "edmundson"]


def test_methods_registry_names_every_method():
    assert set(METHODS) == set(ALL_METHODS)


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize("title", [None, TITLE])
def test_every_method_returns_whole_sentences_in_article_order(method, title):
    points = extract_key_points(ARTICLE, n=3, method=method, title=title)
    assert 1 <= len(points) <= 3
    assert all(p in ARTICLE for p in points)
    positions = [ARTICLE.index(p) for p in points]
    assert positions == sorted(positions)
    assert len(set(points)) == len(points)


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize("sentences", [[ARTICLE[0]], ARTICLE[:2]])
def test_short_inputs(method, sentences):
    assert extract_key_points(sentences, n=3, method=method) == sentences


@pytest.mark.parametrize("method", ALL_METHODS)
def test_empty_input(method):
    assert extract_key_points([], method=method) == []
    assert extract_key_points(["", "  "], method=method) == []


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_n_is_respected(n):
    points = extract_key_points(ARTICLE, n=n)
    assert len(points) == min(n, len(ARTICLE))


def test_unknown_method_names_the_valid_ones():
    with pytest.raises(ValueError) as err:
        extract_key_points(ARTICLE, method="magic")
    message = str(err.value)
    assert "magic" in message
    for name in ALL_METHODS:
        assert name in message


def test_default_prefers_the_lead_and_avoids_quotes_questions_and_dangling_starts():
    points = extract_key_points(ARTICLE, n=3, title=TITLE)
    assert points[0] == ARTICLE[0]
    for bad in (ARTICLE[3], ARTICLE[6], ARTICLE[8]):
        assert bad not in points


def test_no_near_duplicates_in_key_points():
    sentences = [
        "The barrier protects about 40,000 homes from storm surges, officials said.",
        "The barrier protects about 40,000 homes from storm surges, officials said on Tuesday.",
        "Critics said the project cost twice its budget.",
        "The weather was calm on the day of the opening.",
    ]
    for method in ALL_METHODS:
        points = extract_key_points(sentences, n=3, method=method)
        assert not (sentences[0] in points and sentences[1] in points), method


def test_scores_match_features_dot_weights():
    rows, _ = ours.sentence_features(ARTICLE, TITLE)
    scores, _ = ours.score_sentences(ARTICLE, TITLE)
    assert len(rows[0]) == len(ours.FEATURES) == len(ours.WEIGHTS)
    for row, score in zip(rows, scores):
        assert score == pytest.approx(sum(w * f for w, f in zip(ours.WEIGHTS, row)))


def test_precomputed_tokens_give_the_same_answer():
    from digestbot.text.cleaning import word_tokens

    tokens = [word_tokens(s) for s in ARTICLE]
    assert extract_key_points(ARTICLE, title=TITLE, tokens=tokens) == extract_key_points(ARTICLE, title=TITLE)


def test_sumy_is_never_asked_for_nltk_data(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("NLTK data must not be loaded or downloaded")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)
    for method in ALL_METHODS:
        assert extract_key_points(ARTICLE, n=2, method=method, title=TITLE)


def _fit_weights_module():
    return benchmark_module("fit_weights")


def test_fit_weights_folds_hold_out_every_article_once():
    fw = _fit_weights_module()
    data = list(range(11))
    held_out = []
    for train, test in fw.folds(data, 5):
        assert sorted(train + test) == data
        held_out.extend(test)
    assert sorted(held_out) == data


def test_fit_weights_ships_the_mean_of_the_fold_fits(monkeypatch):
    fw = _fit_weights_module()
    fits = iter([(0.1, -0.2), (0.3, -0.4)])
    monkeypatch.setattr(fw, "fit", lambda *args, **kwargs: next(fits))
    assert fw.fit_bagged(list(range(4)), list(range(4)), 2, rounds=1, bbc_weight=0.0) == (0.2, -0.3)


def test_shipped_weights_stay_small_and_keep_the_lead_bias():
    assert all(-1.0 <= w <= 1.0 for w in ours.WEIGHTS)
    weights = dict(zip(ours.FEATURES, ours.WEIGHTS))
    assert weights["position"] > 0 and weights["centrality"] > 0 and weights["short"] < 0
