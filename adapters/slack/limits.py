"""Block Kit limits (https://docs.slack.dev/reference/block-kit/) and this adapter's own budgets.

Slack rejects a message that breaks a hard limit (`invalid_blocks`, `msg_too_long`); neither
slack-sdk nor slack-bolt checks them before sending, so the renderer fits content to these.
Lengths are measured with `slack_len` (UTF-16 code units), which is never less than what Slack
counts, so astral characters such as emoji cannot push a text over a limit.
"""

from __future__ import annotations

# --- hard limits (Slack's) -----------------------------------------------------------------
BLOCKS_PER_MESSAGE = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150  # plain_text only
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3000  # per element
FALLBACK_TEXT_MAX = 40_000  # top-level `text`; Slack truncates beyond this

# --- our own budgets (well inside the hard limits) ---------------------------------------------
FALLBACK_TEXT = 3000  # top-level `text`: notifications and screen readers need a line, not a book
MESSAGE_TEXT = 12_000  # visible characters across one message's blocks: readable, far from msg_too_long
URL_MAX = 1000  # longer links are shown as plain titles: no one clicks them, and they eat budgets


def slack_len(text: str) -> int:
    """Length as UTF-16 code units: an upper bound of the characters Slack counts."""
    return len(text.encode("utf-16-le")) // 2
