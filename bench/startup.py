"""Start-up time of the desktop app: from launch to a usable (painted) main window, on a private X server.

    python bench/startup.py                                  # the frozen app, dist/BudgetTables/BudgetTables
    python bench/startup.py --app path/to/BudgetTables       # another build
    python bench/startup.py --source                         # `python main.py` from this checkout, to compare
    python bench/startup.py --runs 5 --screenshot shot.png   # 5 starts; the window of the first one as a PNG
    python bench/startup.py --cold                           # evict the app's files from the page cache first

One Xvfb serves all runs. Each run launches the app with empty settings (a temporary $BUDGETTABLES_SETTINGS) and
polls the screen until the main window has been painted (at least MIN_PAINTED of the screen is not the black root
window); then the app is ended. With --cold every run starts cold: the app's files (the bundle, or the checkout
and its virtual environment) are evicted from the page cache first (posix_fadvise DONTNEED, Linux), as after a
reboot; system libraries stay cached. Without it the first run is as warm as the cache happens to be.
Prints seconds per run; exits with 1 if a run did not show a window within --timeout (CI uses this as the smoke
test of the frozen GUI). Needs Xvfb (the `xvfb` package) and Pillow.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ImageGrab

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "BudgetTables" / ("BudgetTables.exe" if os.name == "nt" else "BudgetTables")
SCREEN = (1600, 1000)
MIN_PAINTED = 0.25          # share of the screen the painted main window covers at least (it opens at 1400x900)
POLL = 0.05                 # seconds between screen grabs


class Xvfb:
    """A private X server; `display` is its name (":N")."""

    def __enter__(self):
        read, write = os.pipe()
        command = ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp",
                   "-br", "-noreset"]          # -noreset: the server stays up between the runs' clients
        self.proc = subprocess.Popen(command, pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


def painted_share(display: str) -> tuple:
    """(share of the screen that is not black, the screenshot)."""
    shot = ImageGrab.grab(xdisplay=display)
    histogram = shot.convert("L").histogram()
    return 1.0 - histogram[0] / (shot.width * shot.height), shot


def evict(folders: list) -> None:
    """Drop the files below `folders` from the page cache: the next start reads them from disk."""
    for folder in folders:
        for p in folder.rglob("*"):
            if p.is_file() and not p.is_symlink():
                fd = os.open(p, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def start_once(command: list, display: str, timeout: float) -> tuple:
    """(seconds to a painted window or None, screenshot) of one start."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "HOME": tmp,
               "BUDGETTABLES_SETTINGS": str(Path(tmp) / "settings.ini")}
        t0 = time.monotonic()
        proc = subprocess.Popen(command, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while time.monotonic() - t0 < timeout:
                share, shot = painted_share(display)
                if share >= MIN_PAINTED:
                    return time.monotonic() - t0, shot
                if proc.poll() is not None:
                    sys.stderr.write(proc.stderr.read().decode(errors="replace"))
                    return None, shot
                time.sleep(POLL)
            return None, shot
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--app", type=Path, default=DEFAULT_APP, help="the frozen GUI executable")
    ap.add_argument("--source", action="store_true", help="start `python main.py` instead of a frozen build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a start may take before it counts as failed")
    ap.add_argument("--screenshot", type=Path, help="save the first run's window here (PNG)")
    ap.add_argument("--cold", action="store_true", help="evict the app's files from the page cache before each run")
    a = ap.parse_args(argv)
    command = [sys.executable, str(ROOT / "main.py")] if a.source else [str(a.app)]
    app_files = [ROOT / "converters", ROOT / "gui", Path(sys.prefix)] if a.source else [a.app.parent]
    if not a.source and not a.app.exists():
        print(f"找不到 {a.app}：先运行 packaging/build.sh", file=sys.stderr)
        return 2
    times = []
    with Xvfb() as x:
        for run in range(a.runs):
            if a.cold:
                evict(app_files)
            seconds, shot = start_once(command, x.display, a.timeout)
            if run == 0 and a.screenshot:
                shot.save(a.screenshot)
            if seconds is None:
                print(f"run {run + 1}: no window within {a.timeout:g} s", file=sys.stderr)
                return 1
            times.append(seconds)
            print(f"run {run + 1}: {seconds:.2f} s to a painted window")
    label = ("source" if a.source else str(a.app)) + (", cold" if a.cold else "")
    later = statistics.median(times[1:]) if len(times) > 1 else times[0]
    print(f"{label}: first start {times[0]:.2f} s, later starts (median) {later:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
