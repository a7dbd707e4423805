"""`tinygrad-edu check`: not built yet."""


def add_arguments(parser):
    pass


def run(args):
    print("tinygrad-edu check: not available yet")
    return 1
