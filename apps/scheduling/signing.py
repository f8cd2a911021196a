"""Scheduling: signing (filled in by the following commits)."""
