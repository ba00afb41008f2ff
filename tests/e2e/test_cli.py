import json

JUNK = ("cookie", "/CFP", "/Xinhua", "Search Trends", "contact us", "Editor's note", "I agree")


def test_digest_of_the_seeds_is_one_story_with_opinion_and_news(run_cli):
    result = run_cli("digest", "--format", "json")
    assert result.returncode == 0, result.stderr
    stories = json.loads(result.stdout)["stories"]
    visit = [s for s in stories if len(s["articles"]) == 2]
    assert visit, f"the two seeds should form one story: {[s['title'] for s in stories]}"
    articles = visit[0]["articles"]
    assert [a["kind"] for a in articles] == ["opinion", "news"]  # oldest first
    assert articles[0]["source"] == "CGTN" and articles[0]["author"] == "Gabriela Bernal"
    for article in articles:
        assert 1 <= len(article["key_points"]) <= 3
        for point in article["key_points"]:
            assert not any(junk.lower() in point.lower() for junk in JUNK), point


def test_text_digest_shows_title_key_points_and_sources(run_cli):
    result = run_cli("digest")
    assert result.returncode == 0, result.stderr
    assert "state visit" in result.stdout and "Sources: AnewZ (1), CGTN (opinion) (1)" in result.stdout
    assert result.stdout.count("\n   - ") <= 5  # at most five bullets under what happened
    assert "cookie" not in result.stdout.lower()


def test_markdown_digest(run_cli):
    result = run_cli("digest", "--format", "markdown")
    assert result.returncode == 0
    assert result.stdout.startswith("# Digest")


def test_reingesting_the_same_articles_adds_no_duplicates(run_cli, tmp_path):
    run_cli("digest")
    run_cli("digest")
    result = run_cli("chat", "/visit sources")
    assert result.returncode == 0
    assert result.stdout.count("CGTN") == 1


def test_summarise_keeps_ids_and_order(run_cli):
    lines = [
        {"id": "b", "text": "The council approved the budget on Monday. It adds 40 new buses. Fares stay the same."},
        {"id": "a", "text": "A storm hit the coast. Thousands lost power. Shelters opened in three towns."},
    ]
    result = run_cli("summarise", "--jsonl", "-", "-n", "2", stdin="\n".join(json.dumps(x) for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", "a"]
    assert all(1 <= len(o["key_points"]) <= 2 for o in out)


def test_summarise_bad_line_is_named_and_the_rest_is_done(run_cli):
    good = json.dumps({"id": "ok", "text": "A storm hit the coast. Thousands lost power."})
    result = run_cli("summarise", "--jsonl", "-", stdin=f"{good}\n{{not json\n{good}\n")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2
    [error] = result.stderr.strip().splitlines()
    assert "stdin:2" in error


def test_bad_inputs_are_one_line_each_and_good_ones_still_processed(run_cli, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "good.txt").write_text(
        "Storm hits coast\n\nA storm hit the coast on Monday. Thousands of homes lost power overnight. "
        "Officials opened shelters in three towns."
    )
    result = run_cli("digest", "--format", "json", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert any("empty.txt" in e for e in errors)
    assert any("binary.txt" in e for e in errors)
    assert any("missing.txt" in e for e in errors)
    assert all("Traceback" not in e for e in errors)
    titles = [a["title"] for s in json.loads(result.stdout)["stories"] for a in s["articles"]]
    assert titles == ["Storm hits coast"]


def test_stored_articles_survive_a_later_bad_batch(run_cli, tmp_path):
    assert run_cli("digest").returncode == 0
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00garbage\x00")
    assert run_cli("digest", str(tmp_path / "bad.txt")).returncode == 1
    assert "CGTN" in run_cli("chat", "/visit sources").stdout


def test_bad_configuration_exits_2_with_one_line(run_cli, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[[topics]]\nname = 'visit'\n")
    result = run_cli("digest", DIGESTBOT_CONFIG=str(config))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "bad.toml" in line and "title" in line


def test_bad_database_url_exits_2(run_cli):
    result = run_cli("digest", DIGESTBOT_DATABASE_URL="not-a-url")
    assert result.returncode == 2
    assert "DIGESTBOT_DATABASE_URL" in result.stderr


def test_chat_facts_and_unknown_topic(run_cli):
    facts = run_cli("chat", "/visit facts")
    assert facts.returncode == 0 and facts.stdout.strip()
    unknown = run_cli("chat", "/nosuchtopic facts")
    assert "visit" in unknown.stdout.lower()


def test_help_has_examples(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "digestbot chat" in result.stdout


def test_slack_manifest_lists_the_configured_topics(run_cli):
    result = run_cli("slack-manifest", "--request-url", "https://bot.example.org/slack/events", "--format", "json")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == ["/visit", "/digest"]
    assert all(c["url"] == "https://bot.example.org/slack/events" for c in manifest["features"]["slash_commands"])
    assert run_cli("slack-manifest").returncode == 2  # a mode is required


def test_interactive_chat_answers_until_quit(run_cli, tmp_path):
    result = run_cli("chat", stdin="/visit help\n/nosuch facts\nquit\n", HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "facts" in result.stdout and "visit" in result.stdout
    assert result.stdout.count("> ") >= 3


def test_unknown_method_in_the_environment_exits_2(run_cli):
    result = run_cli("summarise", "--jsonl", "-", stdin="", DIGESTBOT_METHOD="nope")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "DIGESTBOT_METHOD" in line and "lexrank" in line


def test_a_long_story_facts_reply_shows_what_its_coverage_keeps_reporting(run_cli, tmp_path):
    """Six reports from three outlets, stored by `digestbot digest`, answered by `digestbot chat`."""
    config = tmp_path / "arden.toml"
    config.write_text('[[topics]]\nname = "arden"\ntitle = "The Arden probe"\nkeywords = ["Arden probe"]\n')
    instruments = "The Arden probe carries twelve instruments built in Lund, among them a radar that sees through ice."
    records = []
    for day in range(6):
        lead = ("The Arden probe has mapped the ice of Tethys since it reached orbit in 2014." if day % 2 == 0 else
                "Since reaching orbit in 2014, the Arden probe has mapped the ice of Tethys for the space agency.")
        paragraphs = [lead, "Scientists at the Varn Institute said the Arden probe found salt water beneath the ice of "
                      "Tethys.", instruments, f"The Arden probe flew past the ice of Tethys on flight number {day + 40}."]
        if day % 3 == 1:  # two reports lead with the instruments
            paragraphs.insert(0, paragraphs.pop(2))
        text = "\n\n".join(paragraphs)
        records.append({"id": f"arden-{day}", "title": f"Arden probe report {day}", "text": text,
                        "source": ("Wire One", "Wire Two", "Daily Three")[day % 3],
                        "published": f"2026-03-0{day + 1}T09:00:00+00:00"})
    stored = run_cli("digest", "--jsonl", "-", stdin="\n".join(json.dumps(r) for r in records),
                     DIGESTBOT_CONFIG=str(config))
    assert stored.returncode == 0, stored.stderr
    facts = run_cli("chat", "/arden facts", DIGESTBOT_CONFIG=str(config))
    assert facts.returncode == 0, facts.stderr
    assert "Also reported" in facts.stdout
    reported = facts.stdout.split("Also reported", 1)[1]
    assert instruments in reported and "3 sources agree" in reported
