"""Clinical writes: keyword-only ``<entity>_<action>(*, actor, ...)`` functions, each atomic with
its audit row; side effects only through ``apps.core.tasks.dispatch``."""
