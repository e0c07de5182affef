"""Where a review's corrections are saved: the operations (not the data) as a JSON journal under the per-user data
directory, keyed by the SHA-256 of the source file, written atomically. `$BUDGETTABLES_DATA_DIR` overrides the
directory (tests)."""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Optional

APP_DIR_NAME = "BudgetTables"
DATA_DIR_ENV = "BUDGETTABLES_DATA_DIR"
JOURNAL_VERSION = 1


def default_data_dir() -> Path:
    """Per-user application data directory ($BUDGETTABLES_DATA_DIR overrides it)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def file_hash(path) -> str:
    """SHA-256 (hex) of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_journal(path: Path, source_name: str, source_hash: Optional[str], operations: list) -> Optional[Path]:
    """Write the operations to `path` (atomically), or delete the journal when there are none. Raises OSError."""
    if not operations:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": JOURNAL_VERSION, "source_name": source_name, "source_hash": source_hash,
            "saved": datetime.now().isoformat(timespec="seconds"), "operations": operations}
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return path


def read_journal(path: Path) -> list:
    """The operations of a journal ([] when there is none, or it is unreadable or of another version)."""
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
        return []
    ops = data.get("operations")
    return ops if isinstance(ops, list) else []
