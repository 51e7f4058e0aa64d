#!/usr/bin/env python3
"""Fail when a string a zh-hans user can see has no Chinese translation.

Runs Django's ``makemessages -l zh_Hans`` in a temporary copy of the sources (the work tree's
.po file is never touched), then lists every message of the refreshed catalogue that is
untranslated or fuzzy, with where it is used. Run by `make lint`; needs GNU gettext, as
makemessages itself does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
PO = Path("locale") / LOCALE / "LC_MESSAGES" / "django.po"
# What makemessages reads: the apps, templates and locale. Tests, docs, data and tools are not
# shown to users and are left out (also to keep the copy small and the check fast).
SKIP_TOP = {
    ".git",
    ".venv",
    "node_modules",
    "media",
    "var",
    "test-artifacts",
    "staticfiles",
    "tests",
    "bench",
    "docs",
    "static",
    ".ci",
}


def copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.sqlite3")
    for entry in ROOT.iterdir():
        if entry.name in SKIP_TOP or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=ignore)
        elif entry.suffix in {".py", ".toml"}:
            shutil.copy2(entry, target / entry.name)


def entries(po_text: str) -> list[str]:
    """The message blocks of msgattrib's output, without the catalogue's header."""
    found = []
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        if not any(line.startswith("msgid ") for line in lines):
            continue
        header = any(
            line == 'msgid ""' and nxt.startswith("msgstr")
            for line, nxt in zip(lines, lines[1:], strict=False)
        )
        if not header:
            found.append(block.strip())
    return found


def main() -> int:
    if shutil.which("msgattrib") is None:
        print(
            "check_translations: GNU gettext is missing (apt-get install gettext)", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="portal-i18n-") as tmp:
        work = Path(tmp)
        copy_sources(work)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
        made = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "manage.py", "makemessages", "-l", LOCALE, "--verbosity", "0"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode:
            print(made.stdout + made.stderr, file=sys.stderr)
            return 2
        problems = {}
        for label, flag in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
            out = subprocess.run(  # noqa: S603 - GNU gettext's msgattrib, fixed arguments
                ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(work / PO)],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            problems[label] = entries(out)
    total = sum(len(found) for found in problems.values())
    for label, found in problems.items():
        for block in found:
            print(f"-- {label}:\n{block}\n")
    if total:
        print(
            f"{total} zh-hans message(s) without a Chinese translation: add them to {PO} "
            "(then compilemessages -l zh_Hans)."
        )
        return 1
    print(f"translations: every zh-hans message of {PO} is translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
