import os


def pytest_collection_modifyitems(config, items):
    """Worker tests need a real Redis; without ROUNDS_TEST_REDIS_URL they are deselected (not
    skipped, not silently passed) and the terminal says so."""
    if os.environ.get("ROUNDS_TEST_REDIS_URL"):
        return
    worker = [item for item in items if item.get_closest_marker("worker")]
    if worker:
        config.hook.pytest_deselected(items=worker)
        items[:] = [item for item in items if not item.get_closest_marker("worker")]
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"worker tests deselected: ROUNDS_TEST_REDIS_URL not set ({len(worker)} tests)")
