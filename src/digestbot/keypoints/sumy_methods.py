"""sumy's summarisers, fed digestbot's own sentences (no NLTK data, nothing downloaded).

sumy's `Tokenizer` loads NLTK punkt data for sentence splitting; we never need that because
the sentences are already split. The document is built directly from sumy's object model
(`ObjectDocumentModel` / `Paragraph` / `Sentence`) with `WordTokenizer`, a regex word
tokenizer of our own that satisfies the interface sumy's models use (`to_words`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words

__all__ = ["SUMY_METHODS", "WordTokenizer", "build_document", "summarise_with"]

LANGUAGE = "english"

# Words that mark a sentence as unlikely summary material for Edmundson's cue method.
_STIGMA = (
    "hardly impossible perhaps maybe apparently allegedly reportedly rumour rumor "
    "unclear unknown speculation opinion i you we our my"
).split()
_BONUS_CUES = (
    "announced confirmed first major significant important key main new killed said "
    "agreed decided approved launched"
).split()


class WordTokenizer:
    """sumy tokenizer interface without NLTK: regex words; sentences are given already."""

    _WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")

    def __init__(self, language: str = LANGUAGE):
        self.language = language

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(text))

    def to_sentences(self, text: str) -> tuple[str, ...]:  # pragma: no cover - not used by sumy
        from digestbot.text.sentences import split_sentences

        return tuple(split_sentences(text))


_TOKENIZER = WordTokenizer()


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    return Stemmer(LANGUAGE)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(get_stop_words(LANGUAGE))


def build_document(sentences: list[str], title: str | None = None) -> ObjectDocumentModel:
    """One paragraph of our sentences, with the title as a heading when there is one."""
    items = []
    if title:
        items.append(Sentence(title, _TOKENIZER, is_heading=True))
    items.extend(Sentence(s, _TOKENIZER) for s in sentences)
    return ObjectDocumentModel([Paragraph(items)])


def _make(name: str, title: str | None):
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.reduction import ReductionSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {
        "lexrank": LexRankSummarizer,
        "lsa": LsaSummarizer,
        "textrank": TextRankSummarizer,
        "luhn": LuhnSummarizer,
        "kl": KLSummarizer,
        "sumbasic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
        "edmundson": EdmundsonSummarizer,
    }
    summariser = classes[name](_stemmer())
    stop = _stop_words()
    summariser.stop_words = stop
    if name == "edmundson":
        title_words = [w for w in _TOKENIZER.to_words(title or "") if w.lower() not in stop]
        summariser.bonus_words = title_words + _BONUS_CUES
        summariser.stigma_words = _STIGMA
        summariser.null_words = stop
    return summariser


SUMY_METHODS = ("lexrank", "lsa", "textrank", "luhn", "kl", "sumbasic", "reduction", "edmundson")


def summarise_with(name: str, sentences: list[str], n: int = 3, title: str | None = None) -> list[str]:
    """Run sumy summariser `name` over our sentences; return the chosen ones in order."""
    if n <= 0 or not sentences:
        return []
    if len(sentences) <= n:
        return list(sentences)
    document = build_document(sentences, title)
    chosen = _make(name, title)(document, n)
    texts = {str(s) for s in chosen}
    return [s for s in sentences if s.strip() in texts][:n]
