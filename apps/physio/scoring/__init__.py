"""PROM scoring engine: pure functions, no ORM. ``registry.score(code, answers)``."""
