"""The web worker's long-lived objects are out of the garbage collector's reach (the event API's
p99 tail under load was full collections walking them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_application_freezes_what_it_loaded():
    code = "import gc; import portal.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    out = subprocess.run(  # noqa: S603 - this interpreter and our own fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    # Then the project's modules, models and views are frozen (hundreds of thousands of objects),
    # so a full collection no longer walks them
    assert int(out[-1]) > 100_000
