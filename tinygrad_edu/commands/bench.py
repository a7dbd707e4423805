"""`tinygrad-edu bench`: not built yet."""


def add_arguments(parser):
    pass


def run(args):
    print("tinygrad-edu bench: not available yet")
    return 1
