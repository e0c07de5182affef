"""Entry of the frozen console program: `BudgetTables-cli convert FILES… --out DIR` (`convert` may be omitted)."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()        # worker processes (spawn, forkserver) re-enter the executable here
    from converters.cli import main
    args = sys.argv[1:]
    sys.exit(main(args[1:] if args[:1] == ["convert"] else args))
