"""How the batch's worker processes start: forked from a server process that imported the engine once
(`converters.batch`), where the system has one (Linux, macOS), else spawned.

`main.py convert` starts that server before it imports the engine itself, so that both imports run at once
instead of one after the other (0.3 s of every CLI run). Kept apart from batch.py because importing that module is
what takes the time.
"""
from __future__ import annotations

ENGINE_MODULE = "converters.batch"


def worker_context():
    """The multiprocessing context the batch's pools use."""
    import multiprocessing as mp
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([ENGINE_MODULE])
        return ctx
    return mp.get_context("spawn")


def start_worker_server() -> None:
    """Start the fork server now: it imports the engine in the background. Nothing where there is none."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()
