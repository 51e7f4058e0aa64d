"""What a web worker loads: the heavy libraries only some paths need stay out of its memory.

A web worker's budget is 300 MB with 10,000 live segments (docs/performance.md). pypinyin's
dictionaries (~56 MB) serve only the admin's first save of a page; jieba, scikit-learn and
numpy serve social listening's workers. Loading the WSGI application must not import them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pypinyin", "jieba", "sklearn", "scipy")

PROBE = """
import json, sys
import portal.wsgi  # the application as gunicorn loads it (URLconf, hooks, apps)
print(json.dumps(sorted(name for name in %r if name in sys.modules)))
"""


def test_loading_the_web_application_imports_no_heavy_library() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    out = subprocess.run(  # noqa: S603 (our own interpreter and a fixed probe)
        [sys.executable, "-c", PROBE % (HEAVY,)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"a web worker imports {loaded} at start"
