"""The ``nnlit`` command: ``python -m nnlit <command> ...`` (also installed as ``nnlit``).

Commands:

    derive   derive the book's formulas with SymPy and write nnlit/derivations
             (``python -m nnlit derive --help``)

A new command is one entry in ``COMMANDS``: a module with ``add_arguments(parser)``
and ``run(args) -> int``, imported only when that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: command name -> (module, one-line help)
COMMANDS = {
    "derive": ("nnlit.derive", "derive the book's formulas with SymPy and write nnlit/derivations"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlit", description="The nnlit command line.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        sub.set_defaults(module=module)
        importlib.import_module(module).add_arguments(sub)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return importlib.import_module(args.module).run(args)


if __name__ == "__main__":
    sys.exit(main())
