"""The embedded default corpus: the seed articles and their metadata (installed as digestbot.seeds)."""
