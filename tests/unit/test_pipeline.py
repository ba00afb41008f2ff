from datetime import datetime, timezone

import pytest

from digestbot.domain.models import ArticleKind, InputError, RawArticle
from digestbot.pipeline import looks_english, process_article

NEWS = (
    "The city council approved a new budget on Monday after a long debate. "
    "The plan adds 40 electric buses and repairs two bridges. "
    "Fares will stay the same until next year, the mayor said. "
    "Opposition members said the plan was too expensive."
)


def raw(text=NEWS, **overrides) -> RawArticle:
    return RawArticle(text=text, origin="test.txt", **overrides)


def test_article_gets_sentences_key_points_and_metadata():
    published = datetime(2026, 1, 5, tzinfo=timezone.utc)
    result = process_article(raw(title="Budget passes", source="City Wire", published=published))
    article = result.article
    assert len(article.sentences) == 4
    assert 1 <= len(article.key_points) <= 3
    assert set(article.key_points) <= set(article.sentences)
    assert (article.title, article.source, article.published) == ("Budget passes", "City Wire", published)
    assert article.kind is ArticleKind.NEWS
    assert result.warnings == []


def test_key_points_limit_is_respected():
    assert len(process_article(raw(), key_points=1).article.key_points) == 1


def test_same_content_same_hash_and_url_is_the_key():
    a = process_article(raw()).article
    b = process_article(raw(url="https://example.org/x")).article
    assert a.content_hash == b.content_hash
    assert b.key == "https://example.org/x"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_article_is_refused(text):
    with pytest.raises(InputError, match="test.txt: empty"):
        process_article(raw(text))


def test_non_english_article_is_refused_with_a_clear_reason():
    german = (
        "Der Präsident ist am Sonntag in Peking eingetroffen. Er wird dort den chinesischen "
        "Staatschef treffen und über Handel und Sicherheit sprechen. Die Reise dauert vier Tage."
    )
    with pytest.raises(InputError, match="not English"):
        process_article(raw(german))
    with pytest.raises(InputError, match="not English"):
        process_article(raw("李在明总统于星期日抵达北京，开始为期四天的国事访问。他将与习近平举行会谈。"))


def test_one_sentence_article_is_used_with_a_warning():
    result = process_article(raw("The council approved the budget on Monday."))
    assert result.article.key_points == ["The council approved the budget on Monday."]
    assert "only one sentence" in result.warnings[0]


def test_missing_date_falls_back_and_is_flagged():
    now = datetime(2026, 2, 1, tzinfo=timezone.utc)
    article = process_article(raw(), now=now).article
    assert article.published == now and article.published_is_fallback


def test_overlong_article_is_cut_with_a_warning():
    result = process_article(raw(NEWS * 200), max_chars=2_000)
    assert any("longer than 2000" in w for w in result.warnings)


def test_english_detection():
    assert looks_english(NEWS)
    assert looks_english("Short.")


def test_the_wire_dateline_is_kept_on_the_article_not_in_its_text():
    article = process_article(raw(text="HARBOUR TOWN, March 4 (Xinhua) -- " + NEWS)).article
    assert article.dateline == "HARBOUR TOWN, March 4 (Xinhua)"
    assert article.sentences[0].startswith("The city council approved")
    assert process_article(raw()).article.dateline is None
