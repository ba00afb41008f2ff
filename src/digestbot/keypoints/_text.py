"""Shared word handling for key-point extraction: tokens and stop words."""

from __future__ import annotations

from digestbot.text.cleaning import word_tokens as words

__all__ = ["DROP", "STOP_WORDS", "content_terms", "words"]

# A compact English stop list (function words and reporting verbs that carry no topic).
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
    where's which while who who's whom why why's with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves said says say told tell according just like
    will may might must shall also one two many much even still yet however now new year years
    time mr mrs ms get got go going went make made take took s t don re ve ll d""".split()
)
# Stop words plus every one-character token: removed from word sets by set difference.
DROP = STOP_WORDS | frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def content_terms(text: str) -> list[str]:
    """Content words (stop words and one-character tokens removed), lower-case, in order."""
    return [w for w in words(text) if w not in DROP]
