"""Scheduling: ical (filled in by the following commits)."""
