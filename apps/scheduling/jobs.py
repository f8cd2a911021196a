"""Scheduling: jobs (filled in by the following commits)."""
