"""Entry of the frozen desktop program (windowed): `main.py`'s rules (files to open, or `convert …`). Started by
the console program's name it is that program (cli_entry.py): on Linux `BudgetTables-cli` is a symbolic link to
`BudgetTables`, so that the bundle holds the Python code once (build.spec SHARED_PROGRAM)."""
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

from converters.version import APP_ID

CLI_NAME = f"{APP_ID}-cli"


def started_as_cli() -> bool:
    """True when the program was started as BudgetTables-cli, also through further symbolic links to that link
    (one on PATH, say). sys.argv[0] is the name it was started by; sys.executable is the program itself."""
    path = Path(shutil.which(sys.argv[0]) or sys.argv[0])
    for _ in range(40):                     # links to links, not for ever
        if path.stem == CLI_NAME:
            return True
        if not path.is_symlink():
            return False
        path = path.parent / os.readlink(path)
    return False


if __name__ == "__main__":
    for stream in ("stdout", "stderr"):     # a windowed Windows program has none; libraries write to nowhere instead
        if getattr(sys, stream) is None:
            setattr(sys, stream, open(os.devnull, "w", encoding="utf-8"))
    multiprocessing.freeze_support()        # worker processes (spawn, forkserver) re-enter the executable here
    if started_as_cli():
        from cli_entry import run
        # the usage names sys.executable: the link, which runs this same program (worker processes are started
        # from the program itself: multiprocessing took sys.executable when it was imported)
        sys.executable = str(Path(sys.executable).with_name(CLI_NAME))
        sys.exit(run(sys.argv[1:]))
    from main import main
    sys.exit(main())
