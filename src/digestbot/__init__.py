"""digestbot: news digests for Slack and Discord."""

__version__ = "0.1.0"
