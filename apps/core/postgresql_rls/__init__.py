"""Django's PostgreSQL backend plus the row-level-security tenant sync (apps/core/rls.py)."""
