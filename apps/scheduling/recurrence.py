"""Scheduling: recurrence (filled in by the following commits)."""
