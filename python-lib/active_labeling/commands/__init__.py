"""One module per ``active-labeling`` subcommand, each with ``register(subparsers)``."""
