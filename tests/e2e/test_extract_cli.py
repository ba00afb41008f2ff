"""`digestbot extract`: the clean text ingestion sees, as text or JSON; nothing stored."""

import json

PARAGRAPHS = [
    "Workers finished the new footbridge over the canal on Tuesday, a month ahead of plan.",
    "The bridge links the station with the market and was paid for by a regional fund.",
]
PAGE = (
    "<html><head><meta property='og:title' content='Footbridge opens early'>"
    "<meta property='og:site_name' content='Canal Post'></head><body>"
    "<div id='consent'>We use cookies on our site. Accept all cookies</div><article>"
    "<h1>Footbridge opens early</h1>"
    "<p>MILLTOWN (AP) _ Workers finished the new footbridge over the canal<br>on Tuesday, a month ahead of plan.</p>"
    f"<p>{PARAGRAPHS[1]}</p><p>Share this article</p></article></body></html>"
)


def test_extract_json_shows_clean_paragraphs(run_cli, tmp_path):
    (tmp_path / "bridge.html").write_text(PAGE, encoding="utf-8")
    result = run_cli("extract", str(tmp_path / "bridge.html"), "--format", "json")
    assert result.returncode == 0, result.stderr
    [article] = json.loads(result.stdout)["articles"]
    assert article["title"] == "Footbridge opens early" and article["source"] == "Canal Post"
    assert article["text"] == "\n\n".join(PARAGRAPHS)
    assert "published" in article
    assert article["dateline"] == "MILLTOWN (AP)"  # taken off the text, kept beside it


def test_extract_text_and_a_bad_input_named_on_one_line(run_cli, tmp_path):
    (tmp_path / "bridge.html").write_text(PAGE, encoding="utf-8")
    result = run_cli("extract", str(tmp_path / "missing.html"), str(tmp_path / "bridge.html"))
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if "missing.html" in line]
    assert "no such file" in error
    assert "Footbridge opens early" in result.stdout and PARAGRAPHS[1] in result.stdout
    assert "| MILLTOWN (AP)" in result.stdout


def test_extract_help_has_examples(run_cli):
    result = run_cli("extract", "--help")
    assert result.returncode == 0 and "examples:" in result.stdout
