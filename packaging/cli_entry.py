"""Entry of the frozen console program: `BudgetTables-cli convert FILES… --out DIR` (`convert` may be omitted).
(Linux: BudgetTables-cli is a symbolic link to BudgetTables, whose entry, gui_entry.py, calls `run` when started by
this name.)"""
import multiprocessing
import sys


def run(args: list) -> int:
    from converters.cli import main
    return main(args[1:] if args[:1] == ["convert"] else args)


if __name__ == "__main__":
    multiprocessing.freeze_support()        # worker processes (spawn, forkserver) re-enter the executable here
    sys.exit(run(sys.argv[1:]))
