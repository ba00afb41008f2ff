"""`digest --since T`: what the articles after T add to everything before T, stored ones included."""

from datetime import datetime, timezone

from builders import an_app
from digestbot.domain.models import RawArticle

CONFIG = """
[[topics]]
name = "ferry"
title = "The Skarholm ferry"
keywords = ["Skarholm"]
"""

EARLIER = ("A passenger ferry ran aground off the island of Skarholm on Friday night with 240 people aboard. "
           "The coast guard sent three rescue boats and a helicopter to the stranded Skarholm ferry.")
LATER = ("Investigators boarded the grounded Skarholm ferry on Sunday to recover its voyage data recorder. "
         "A passenger ferry ran aground off the island of Skarholm on Friday night with 240 people aboard.")


def _raw(key, text, day):
    return RawArticle(text=text, origin=key, title=f"Skarholm ferry {key}", source="Island Post",
                      url=f"https://example.org/{key}", published=datetime(2026, 3, day, 9, tzinfo=timezone.utc))


def test_since_reads_new_articles_against_stored_earlier_coverage(tmp_path):
    app = an_app(tmp_path, CONFIG)
    try:
        app.service.ingest([_raw("earlier", EARLIER, 6)])  # a previous run stored this one
        report = app.service.ingest([_raw("later", LATER, 8)])
        digest = app.service.build_digest(report.articles, since=datetime(2026, 3, 7, tzinfo=timezone.utc))
        [story] = digest.stories
        texts = [i.text for i in story.whats_new]
        assert any(t.startswith("Investigators boarded") for t in texts)
        assert not any(t.startswith("A passenger ferry ran aground") for t in texts)  # stored before
    finally:
        app.close()
