"""Physio writes: keyword-only ``<entity>_<action>(*, actor, …)``, atomic, audited, side effects
via ``apps.core.tasks.dispatch``. Pages, the API, signed links and the demo call these."""
