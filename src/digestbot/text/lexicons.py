"""Word lists the text core reads, kept as data in one place."""

# A sentence that opens with one of these leans on the sentence before it and cannot be
# shown alone ("He said ...", "This was ...").
LEADING_PRONOUNS = frozenset("he she it they him her them his its their this these those we i".split())

# Openers that join a sentence to the one before; dropped, the sentence stands alone
# ("But the court ruled ..." -> "The court ruled ..."). Longest first, so phrases win.
LEADING_CONNECTIVES = (
    "at the same time", "on the other hand", "in addition", "in fact", "however", "meanwhile",
    "moreover", "besides", "instead", "therefore", "still", "thus", "also", "but", "and", "yet", "so",
)
