"""`tinygrad-edu` (also `python -m tinygrad_edu`): one sub-command per module in `commands/`."""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "demo": "train the write-ups' networks and a digits MLP, check the formulas, draw the graphs",
    "check": "compare the write-ups' hand-derived gradients with autograd, or grade a student's "
             "script (check PATH.py), or a class (check FOLDER/ or several files) (exit 1 on "
             "disagreement, 2 when a script does not run)",
    "exercise": "list the derivation exercises, or start one: write a file with the forward pass "
                "done and a TODO per gradient (exercise start NAME [PATH])",
    "graph": "render a write-up network's backprop graph (SVG/PNG/HTML)",
    "bench": "time tinygrad_edu against hand-written numpy, side by side",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tinygrad-edu", description="learn backprop by looking inside it")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"tinygrad_edu.commands.{name}")
        modules[name] = module
        # a command with PASSES_ARGUMENTS (bench) gets its arguments unparsed, --help included
        passes = getattr(module, "PASSES_ARGUMENTS", False)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text,
                                            add_help=not passes))
    args, rest = parser.parse_known_args(argv)
    module = modules[args.command]
    if getattr(module, "PASSES_ARGUMENTS", False):
        args.arguments = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
