"""Discord's masked-link rule, for tests that prove article text can never make a link."""

from __future__ import annotations

import re


# Discord's masked-link rule (simple-markdown's), tried at every "[" that is not escaped
# (preceded by an even number of backslashes; "\\[" is consumed by the escape rule).
LINK_RULE = re.compile(
    r"\[((?:\[[^\]]*\]|[^\[\]]|\](?=[^\[]*\]))*)\]"
    r"\(\s*<?((?:\([^)]*\)|[^\s\\])*?)>?(?:\s+['\"]([\s\S]*?)['\"])?\s*\)"
)


def masked_link_targets(text: str) -> list[str]:
    targets = []
    for position, char in enumerate(text):
        if char != "[":
            continue
        before = position
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (position - before) % 2:
            continue
        match = LINK_RULE.match(text, position)
        if match:
            targets.append(match.group(2))
    return targets
