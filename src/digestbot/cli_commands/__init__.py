"""The handlers of the `digestbot` commands, grouped by what they do, each beside the builder of
its own subcommand's arguments; `digestbot.cli` assembles the parser and dispatches to them."""
