"""Browser tests: Playwright's sync API against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, and Django refuses database
access from a thread with a running loop unless told it is safe; here it is (tests only).
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; skips when Debian's Chromium is missing."""
    if not (Path(CHROMIUM_PATH).exists() or shutil.which(CHROMIUM_PATH)):
        reason = f"Chromium not installed at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
        print(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
