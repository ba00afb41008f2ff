"""What a reader sees: the one view of a story, and its text, Markdown and JSON renderings."""
