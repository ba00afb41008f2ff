"""Local files and folders: kinds of file, sidecars, fallbacks, limits, and batches that go on."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from digestbot.ingest import InputError, RawArticle, load_sources
from digestbot.ingest.sources import folder_files
from digestbot.domain.models import ArticleKind

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
BODY = "Seoul and Beijing agree to reset ties\n\nThe two leaders met on Monday.\nThey agreed to talk."


def only(items, cls):
    return [i for i in items if isinstance(i, cls)]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_seed_folder_reads_with_sidecars():
    items = list(load_sources([str(SEEDS)]))
    arts = only(items, RawArticle)
    assert not only(items, InputError)
    assert len(arts) == len(list(SEEDS.glob("*.txt")))
    first = arts[0]
    assert first.title == ("South Korea's President seeks reset with China in high-stakes "
                           "Beijing visit")
    assert first.source == "AnewZ" and first.kind is ArticleKind.NEWS
    assert first.published.isoformat() == "2026-01-05T12:00:00+08:00"
    assert first.url.startswith("https://anewz.tv/")
    assert not first.published_is_fallback
    assert any(a.author == "Gabriela Bernal" and a.kind is ArticleKind.OPINION for a in arts)


def test_plain_text_fallbacks_logged(tmp_path, caplog):
    p = write(tmp_path / "story.txt", BODY)
    stamp = 1_767_600_000  # 2026-01-05
    os.utime(p, (stamp, stamp))
    caplog.set_level("WARNING", logger="digestbot.ingest")
    [a] = list(load_sources([str(p)]))
    assert a.title == "Seoul and Beijing agree to reset ties"
    assert a.source == "local file"
    assert a.published == datetime.fromtimestamp(stamp, tz=timezone.utc)
    assert a.published_is_fallback
    assert a.text == BODY  # text kept as found
    assert a.origin == str(p)
    assert any(str(p) in r.getMessage() for r in caplog.records)


def test_sidecar_overrides_and_fills(tmp_path):
    p = write(tmp_path / "a.txt", BODY)
    write(tmp_path / "a.meta.toml", 'title = "Sidecar title"\nsource = "Wire"\nauthor = "Kim"\n'
          'kind = "opinion"\nurl = "https://example.org/a"\npublished = 2026-01-05T12:00:00\n')
    [a] = list(load_sources([str(p)]))
    assert (a.title, a.source, a.author, a.kind, a.url) == (
        "Sidecar title", "Wire", "Kim", ArticleKind.OPINION, "https://example.org/a")
    assert a.published == datetime(2026, 1, 5, 12, tzinfo=timezone.utc)  # naive = UTC
    assert not a.published_is_fallback


def test_invalid_sidecar_keys_reported_and_article_kept(tmp_path):
    p = write(tmp_path / "a.txt", BODY)
    meta = write(tmp_path / "a.meta.toml",
                 'title = "Good title"\nkind = "satire"\npublished = "yesterday"\n'
                 'url = "javascript:alert(1)"\n')
    items = list(load_sources([str(p)]))
    errors = [str(e) for e in only(items, InputError)]
    assert len(errors) == 3
    assert all(e.startswith(f"{meta}: key '") for e in errors)
    assert any("'kind'" in e for e in errors) and any("'published'" in e for e in errors)
    [a] = only(items, RawArticle)
    assert a.title == "Good title" and a.kind is None and a.url is None
    assert a.published_is_fallback


def test_broken_toml_sidecar_reported_and_article_kept(tmp_path):
    p = write(tmp_path / "a.txt", BODY)
    write(tmp_path / "a.meta.toml", 'title = "unterminated\n')
    items = list(load_sources([str(p)]))
    assert "a.meta.toml: invalid TOML" in str(only(items, InputError)[0])
    assert len(only(items, RawArticle)) == 1


def test_markdown_file(tmp_path):
    p = write(tmp_path / "m.md", "# The headline\n\nSome **bold** text with a [link](http://x).\n")
    [a] = list(load_sources([str(p)]))
    assert a.title == "The headline" and a.text == "Some bold text with a link."


def test_html_file(tmp_path):
    paras = "".join(f"<p>Paragraph {i} tells of the leaders' long talks in Beijing about trade "
                    f"and security, and of the agreements they signed afterwards.</p>"
                    for i in range(5))
    page = (f'<html><head><meta property="og:title" content="Page title">'
            f'<meta property="og:site_name" content="The Site">'
            f'<meta property="article:published_time" content="2026-01-04T08:00:00Z"></head>'
            f'<body><article>{paras}</article></body></html>')
    p = write(tmp_path / "p.html", page)
    [a] = list(load_sources([str(p)]))
    assert a.title == "Page title" and a.source == "The Site"
    assert a.published == datetime(2026, 1, 4, 8, tzinfo=timezone.utc)
    assert a.text.count("\n") >= 4 and "Paragraph 4" in a.text


def test_feed_file_detected_by_content(tmp_path):
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Local feed</title>'
           '<item><title>One</title><description>Body one.</description>'
           '<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>'
           '<item><title>Two</title><description>Body two.</description>'
           '<pubDate>Mon, 05 Jan 2026 11:00:00 GMT</pubDate></item></channel></rss>')
    p = write(tmp_path / "feed.txt", rss)  # suffix says text, content says feed
    arts = list(load_sources([str(p)]))
    assert [a.title for a in arts] == ["One", "Two"]
    assert all(a.source == "Local feed" for a in arts)


def test_xml_that_is_not_a_feed(tmp_path):
    p = write(tmp_path / "data.xml", "<?xml version='1.0'?><catalog><book/></catalog>")
    [e] = list(load_sources([str(p)]))
    assert isinstance(e, InputError) and str(e) == f"{p}: not an RSS/Atom feed (<catalog>)"


def test_folder_recursion_sorted_hidden_and_sidecars_skipped(tmp_path):
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "a.md", "# A\n\nText a.")
    write(tmp_path / "a.meta.toml", 'source = "S"\n')
    write(tmp_path / "sub" / "c.txt", BODY)
    write(tmp_path / ".hidden.txt", BODY)
    write(tmp_path / ".git" / "d.txt", BODY)
    write(tmp_path / "image.png", b"\x89PNG")
    write(tmp_path / "notes.toml", "x = 1")
    names = [p.relative_to(tmp_path).as_posix() for p in folder_files(tmp_path)]
    assert names == ["a.md", "b.txt", "sub/c.txt"]
    arts = list(load_sources([str(tmp_path)]))
    assert [a.origin for a in arts] == [str(tmp_path / n) for n in names]
    assert arts[0].source == "S"


def test_bad_items_do_not_stop_the_batch(tmp_path):
    write(tmp_path / "1.txt", BODY)
    write(tmp_path / "2.txt", b"\x00\x01\x02binary\x00")
    write(tmp_path / "3.txt", "   \n  ")
    write(tmp_path / "4.txt", BODY)
    items = list(load_sources([str(tmp_path), "ftp://x/y", str(tmp_path / "missing.txt"),
                               str(tmp_path / "4.txt")]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["RawArticle", "InputError", "InputError", "RawArticle", "InputError",
                     "InputError", "RawArticle"]
    assert str(items[1]) == f"{tmp_path / '2.txt'}: not text (binary file)"
    assert str(items[2]) == f"{tmp_path / '3.txt'}: empty"
    assert str(items[5]) == f"{tmp_path / 'missing.txt'}: no such file or folder"
    assert all("\n" not in str(i) for i in items if isinstance(i, InputError))


def test_huge_file_refused_quickly_without_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB, no disk
    start = time.monotonic()
    [e] = list(load_sources([str(big)]))
    assert time.monotonic() - start < 0.5
    assert isinstance(e, InputError) and "over the 5000000-byte cap" in str(e)


def test_custom_cap(tmp_path):
    p = write(tmp_path / "a.txt", "word " * 100)
    [e] = list(load_sources([str(p)], max_bytes=100))
    assert isinstance(e, InputError) and "100-byte cap" in str(e)


def test_device_file_refused(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    [e] = list(load_sources(["/dev/zero"]))
    assert isinstance(e, InputError) and str(e) == "/dev/zero: not a regular file"


def test_empty_folder(tmp_path):
    [e] = list(load_sources([str(tmp_path)]))
    assert isinstance(e, InputError) and "no article files" in str(e)


def test_unexpected_exception_becomes_an_input_error(tmp_path, monkeypatch):
    import digestbot.ingest.sources as sources

    def boom(*a, **k):
        raise RuntimeError("library bug\nsecond line")

    p = write(tmp_path / "a.txt", BODY)
    monkeypatch.setattr(sources, "decode_bytes", boom)
    [e] = list(load_sources([str(p)]))
    assert isinstance(e, InputError)
    assert str(e) == f"{p}: could not be read (RuntimeError: library bug)"


def test_windows_drive_letter_is_a_path():
    [e] = list(load_sources([r"C:\nowhere\x.txt"]))
    assert "no such file" in str(e)
