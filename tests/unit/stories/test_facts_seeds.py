"""The seed articles keep their facts: who met whom, how long, where, the delegation, the
anniversaries behind the Shanghai leg and what preceded the departure, each with its sources."""

import hashlib
import tomllib
from pathlib import Path

from digestbot.chat.commands import fact_line
from digestbot.domain.models import Article, ArticleKind, Story
from digestbot.stories.facts import extract_facts
from digestbot.analysis import analyse_text

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _seed_story() -> Story:
    articles = []
    for text_path in sorted(SEEDS.glob("*.txt")):
        meta = tomllib.loads(text_path.with_suffix(".meta.toml").read_text())
        analysis = analyse_text(text_path.read_text(), meta["title"])
        articles.append(Article(
            key=text_path.stem, title=meta["title"], source=meta["source"], published=meta["published"],
            kind=ArticleKind(meta["kind"]), sentences=analysis.sentences, key_points=analysis.key_points,
            content_hash=hashlib.sha256(text_path.read_bytes()).hexdigest()))
    return Story(key="visit", title="visit", articles=sorted(articles, key=lambda a: a.published))


def test_seed_facts_are_kept_with_their_sources():
    facts = extract_facts(_seed_story())
    lines = {f.category: [fact_line(x) for x in facts if x.category == f.category] for f in facts}
    text = "\n".join(fact_line(f) for f in facts)
    assert any("Lee Jae Myung and Xi Jinping: summit (second meeting" in line for line in lines["who"])
    assert "Four-day state visit (AnewZ" in text
    assert any("Beijing, then Shanghai" in line for line in lines["where"])
    assert "Delegation: around 200 executives" in text and "2 sources agree" in text
    assert "150th anniversary of the birth of Korean independence activist Kim Koo" in text
    assert "Centennial anniversary of the headquarters of the Korean provisional government" in text
    assert "Before Lee's departure: North Korea conducted a series of ballistic missile launches (AnewZ" in text
    assert text.startswith("What happened: ")
    assert len(facts) <= 15
