"""Scheduling: admin (filled in by the following commits)."""
