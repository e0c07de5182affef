import os
import sys
from pathlib import Path

# Qt aborts the whole run without a display unless a platform is chosen before it is imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

SHARED = ROOT.parent / "shared"
