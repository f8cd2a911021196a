def seed(world, log):
    pass
