"""Scheduling registers its nav items here (imported by AppConfig.ready)."""
