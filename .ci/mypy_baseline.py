#!/usr/bin/env python3
"""Run mypy and compare its errors with the recorded baseline, which may only shrink.

    .ci/mypy_baseline.py            fail on any error that is not in .ci/mypy-baseline.txt
    .ci/mypy_baseline.py --update   drop the errors that are gone from the baseline; never adds
                                    one (the baseline may only shrink)
    .ci/mypy_baseline.py --update --moved   the same, accepting errors that moved with their code
                                    to another file (say so in the commit message)

An error is compared without its line number (file, message and error code), so editing a file
does not break the check; the same error twice in a file counts twice. The engine
(targeting/engine) is strict and never has a baseline: any error there fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.pyi?):(?:\d+:)?(?:\d+:)? error: (?P<message>.*)$")
NEVER_BASELINED = "targeting/engine/"


def key(path: str, message: str) -> str:
    return f"{path}: {message}"


def run_mypy() -> tuple[list[tuple[str, str]], str, int]:
    """(key, original line) of every error, mypy's whole output and its exit code."""
    mypy = Path(sys.executable).parent / "mypy"
    proc = subprocess.run(  # noqa: S603 - our own virtualenv's mypy, fixed arguments
        [str(mypy), "--no-error-summary", "--no-pretty", "--show-error-codes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = []
    for line in proc.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            errors.append((key(match["path"], match["message"]), line))
    return errors, proc.stdout + proc.stderr, proc.returncode


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def main(argv: list[str]) -> int:
    errors, output, code = run_mypy()
    if code not in (0, 1) or (code == 1 and not errors):
        # mypy itself failed (bad configuration, crash): show why.
        print(output, file=sys.stderr)
        return 2
    current = Counter(k for k, _ in errors)
    if "--update" in argv:
        engine = sorted(line for k, line in errors if k.startswith(NEVER_BASELINED))
        if engine:
            print("targeting.engine is strict and cannot be baselined; fix these first:")
            print("\n".join(engine))
            return 1
        baseline = read_baseline()
        moved = "--moved" in argv or not BASELINE.exists()
        kept = current if moved else current & baseline
        header = (
            "# mypy errors accepted outside targeting.engine; this list may only shrink.\n"
            "# One line per error (file: message [code]); rewrite with .ci/mypy_baseline.py --update\n"
        )
        BASELINE.write_text(header + "".join(f"{k}\n" for k in sorted(kept.elements())))
        print(f"mypy baseline: {sum(kept.values())} errors recorded in {BASELINE.name}")
        grown = current - kept
        if grown:
            print("Not added (the baseline may only shrink; fix them):")
            print("\n".join(line for k, line in errors if k in grown))
            return 1
        return 0

    baseline = read_baseline()
    allowed = Counter(baseline)
    new = []
    for k, line in errors:
        if allowed[k] > 0 and not k.startswith(NEVER_BASELINED):
            allowed[k] -= 1
        else:
            new.append(line)
    fixed = sum((baseline - current).values())
    print(
        f"mypy: {sum(current.values())} errors, {sum(baseline.values())} in the baseline, "
        f"{len(new)} new, {fixed} baseline errors fixed"
    )
    if fixed:
        print("  some baseline errors are gone: run .ci/mypy_baseline.py --update to shrink it")
    if new:
        print("New mypy errors (fix them; the baseline may not grow):")
        print("\n".join(new))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
