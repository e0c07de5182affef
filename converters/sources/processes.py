"""Helpers for the processes that read pages or convert documents side by side: how to start them, and making
sure they stop when the process they work for is gone."""
from __future__ import annotations

import os
from pathlib import Path


def start_method() -> str:
    """How page readers are started: fork where it is safe and fastest, from a process whose only Python
    thread is the main one (forking while another thread runs, e.g. the GUI converting in a background thread,
    copies locks that thread may hold); else forkserver (readers fork from a clean server), else spawn."""
    import multiprocessing as mp
    import threading
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.current_thread() is threading.main_thread() \
            and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def exit_with(pid: int, every: float = 1.0):
    """Stop this worker process once process `pid`, the one it works for, is gone (killed, so it could not
    stop its workers). By pid, not as the parent: under a forkserver the parent is the server, which lives on
    while its children do. POSIX only (on Windows, os.kill(pid, 0) would end the process)."""
    if os.name != "posix":
        return
    import threading
    import time

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        try:                                # killed but not yet reaped by its own parent
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            return False

    def watch():
        while not gone():
            time.sleep(every)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with", daemon=True).start()


def largest_process_mb(pid: int = 0) -> float:
    """Resident memory of the largest of process `pid` (default: this one) and its descendants (its page
    readers), in MB: a page that costs too much costs it in the one process reading it."""
    import psutil
    try:
        root = psutil.Process(pid or os.getpid())
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    largest = 0
    for p in procs:
        try:
            largest = max(largest, p.memory_info().rss)
        except psutil.Error:                # ended while we looked
            pass
    return largest / 2 ** 20


def watch_memory(limit_mb: float, exceeded, every: float = 0.2):
    """Call `exceeded(mb)` once, from a thread, when this process or one of its children (page readers) uses
    more than `limit_mb` of memory: the engine stops a document itself, with a message, before the kernel kills
    the process without one."""
    import threading
    import time

    def watch():
        while True:
            mb = largest_process_mb()
            if mb > limit_mb:
                exceeded(mb)
                return
            time.sleep(every)
    threading.Thread(target=watch, name="memory-watch", daemon=True).start()


_malloc_trim = None


def return_freed_memory() -> None:
    """Give the memory freed after a large piece of work (a page's images and OCR buffers) back to the system.
    glibc keeps freed blocks in its heaps: without this a page reader grew from 130 to 700 MB over 20 scanned
    pages. A no-op where the C library is not glibc."""
    global _malloc_trim
    if _malloc_trim is None:
        import ctypes
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)
