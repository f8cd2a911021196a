"""Scheduling: tasks (filled in by the following commits)."""
