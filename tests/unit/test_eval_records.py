"""The benchmarks read ../shared/eval records through `benchmarks/evaldata.py`; it must keep up
with the models (it broke silently when they became frozen, as nothing in the suite ran it)."""

from __future__ import annotations

from benchmark_modules import benchmark_module


def evaldata():
    return benchmark_module("evaldata")


def test_a_record_becomes_an_article_keyed_by_its_id():
    record = {"id": "dev-7", "published": "1998-11-06", "title": "Levee breaks on the Alder",
              "text": "The Alder levee broke on Monday after three days of rain. Water covered the farms "
                      "east of the river. Boats reached the villages on Tuesday, officials said."}
    article = evaldata().article_from_record(record)
    assert article is not None and article.key == "dev-7" and article.sentences


def test_a_record_the_pipeline_refuses_gives_none():
    assert evaldata().article_from_record({"id": "x", "published": "1998-11-06", "text": ""}) is None
