"""Entry of the frozen desktop program (windowed): `main.py`'s rules (files to open, or `convert …`)."""
import multiprocessing
import os
import sys

if __name__ == "__main__":
    for stream in ("stdout", "stderr"):     # a windowed Windows program has none; libraries write to nowhere instead
        if getattr(sys, stream) is None:
            setattr(sys, stream, open(os.devnull, "w", encoding="utf-8"))
    multiprocessing.freeze_support()        # worker processes (spawn, forkserver) re-enter the executable here
    from main import main
    sys.exit(main())
