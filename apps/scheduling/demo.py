"""Demo data of the appointment book."""


def seed(world, log):
    """Filled in by a later commit."""
