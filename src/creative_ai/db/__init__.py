"""Database: tables, the repository (the only module that writes SQL) and Alembic migrations."""
