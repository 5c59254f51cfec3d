"""The long fault run: many writes and searches while the engine, the indexer and PostgreSQL die."""
