"""`tinygrad-edu graph`: not built yet."""


def add_arguments(parser):
    pass


def run(args):
    print("tinygrad-edu graph: not available yet")
    return 1
