"""The database layer: SQLAlchemy 2.0 over SQLite, the archive's source of truth."""
