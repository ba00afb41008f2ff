"""Discord's message limits. discord.py enforces none of these: the renderer fits content to them.

https://discord.com/developers/docs/resources/message#embed-object-embed-limits
"""

CONTENT = 2000  # characters of plain message content
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL = 6000  # title + description + field names/values + footer + author, across a message
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR_NAME = 256
URL = 2048  # embed url; longer links are dropped rather than cut

# Application commands
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
