"""A hostile record in a `digest --jsonl` batch costs only itself (issue 14, item 14)."""

import json


def a_line(article_id: str, **extra) -> str:
    text = (f"The ferry service to the northern islands resumed on Friday ({article_id}). "
            "Crews repaired the damaged pier in two weeks, the port authority said.")
    return json.dumps({"id": article_id, "text": text, **extra})


def test_digest_jsonl_names_each_hostile_record_and_keeps_the_rest(run_cli):
    huge_number = '{"id": "big", "text": "Ferries sail again.", "views": ' + "4" * 4400 + "}"
    lines = [a_line("first"), huge_number, a_line("old", published="0001-01-01T00:00:00+14:00"),
             a_line("last", published="2026-02-06T10:00:00+01:00")]
    result = run_cli("digest", "--jsonl", "-", "--format", "json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1, result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and "Traceback" not in result.stderr
    assert "stdin:2" in errors[0] and "too many digits" in errors[0]
    assert "stdin:3" in errors[1] and "0001-01-01T00:00:00+14:00" in errors[1]
    ids = {a["id"] for story in json.loads(result.stdout)["stories"] for a in story["articles"]}
    assert ids == {"first", "last"}


def test_digest_reads_at_most_the_batch_cap_and_says_so(run_cli):
    lines = [a_line(f"n{n}") for n in range(3)]
    result = run_cli("digest", "--jsonl", "-", "--format", "json", stdin="\n".join(lines) + "\n",
                     DIGESTBOT_MAX_BATCH_ARTICLES="2")
    assert result.returncode == 1, result.stderr
    [error] = result.stderr.strip().splitlines()
    assert "more than 2 articles" in error and "DIGESTBOT_MAX_BATCH_ARTICLES" in error
    ids = {a["id"] for story in json.loads(result.stdout)["stories"] for a in story["articles"]}
    assert ids == {"n0", "n1"}
