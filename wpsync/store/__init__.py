"""What persists on disk between runs: the SQLite state and the folder lock."""
