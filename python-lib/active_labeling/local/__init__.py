"""Local mode: the same core, over files and folders, with a SQLite workspace."""
