import pytest

from digestbot.config import ConfigError, load_config, parse_config


def test_embedded_default_follows_the_seed_story():
    [topic] = load_config(None).topic_models()
    assert topic.name == "visit"
    assert "Xi Jinping" in topic.keywords


def test_example_file_in_config_folder_is_valid():
    from pathlib import Path

    example = Path(__file__).parents[2] / "config" / "digestbot.example.toml"
    config = load_config(example)
    assert [t.name for t in config.topics] == ["visit"]
    assert config.destinations[0].platform == "console"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[[topics]]\nname = 'visit'\n", "x.toml: topics.0.title: Field required"),
        ("[[topics]]\nname = 'Bad Name!'\ntitle = 't'\n", "x.toml: topics.0.name:"),
        ("[[feeds]]\nurl = 'ftp://x'\n", "x.toml: feeds.0.url:"),
        ("[[destinations]]\nplatform = 'irc'\n", "x.toml: destinations.0.platform:"),
        ("topics = [", "x.toml: not valid TOML"),
        ("[[topics]]\nname='a'\ntitle='A'\n[[topics]]\nname='a'\ntitle='B'\n", "name 'a' is used twice"),
    ],
)
def test_errors_name_file_key_and_problem(text, expected):
    with pytest.raises(ConfigError) as error:
        parse_config(text, "x.toml")
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_config(tmp_path / "nope.toml")


def test_topic_names_are_case_insensitive():
    config = parse_config("[[topics]]\nname = 'Visit'\ntitle = 'T'\n", "x.toml")
    assert config.topics[0].name == "visit"
