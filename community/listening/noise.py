"""Noise filter: the analysts' keyword and pattern lists (``NoiseRule``), compiled once per
change. Patterns use RE2 (linear time), like the rule language's ``matches``."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import re2
from django.utils.translation import gettext as _

MAX_PATTERN = 500


@dataclass(frozen=True)
class Compiled:
    version: str
    keywords: tuple[tuple[str, str, str], ...]  # (word, reason, rule name)
    patterns: tuple[tuple[object, str, str], ...]  # (compiled, reason, rule name)


_lock = threading.Lock()
_compiled: Compiled | None = None


def check_rule(kind: str, pattern: str) -> str:
    """An error message for a rule that cannot work, or ``""``."""
    if "\x00" in (pattern or ""):
        return _("The text holds a NUL character.")
    if not (pattern or "").strip():
        return _("Give at least one word or a pattern.")
    if kind == "pattern":
        if len(pattern) > MAX_PATTERN:
            return _("A pattern may be at most %(n)s characters.") % {"n": MAX_PATTERN}
        try:
            re2.compile(pattern)
        except re2.error as error:
            return _("Not a valid RE2 regular expression: %(error)s") % {"error": error}
    return ""


def _version() -> str:
    # local: noise is imported by models' clean(); the model is needed only when compiling
    from community.listening.models import NoiseRule

    row = NoiseRule.objects.order_by("-updated").values_list("updated", flat=True).first()
    return f"{NoiseRule.objects.count()}:{row.isoformat() if row else ''}"


def compiled(*, refresh: bool = False) -> Compiled:
    """The active rules, compiled; recompiled when a rule was added, changed or removed."""
    # local: see _version
    from community.listening.models import NoiseRule

    global _compiled
    version = _version()
    current = _compiled
    if current is not None and current.version == version and not refresh:
        return current
    with _lock:
        keywords: list[tuple[str, str, str]] = []
        patterns: list[tuple[object, str, str]] = []
        for rule in NoiseRule.objects.filter(active=True):
            if check_rule(rule.kind, rule.pattern):
                continue  # a broken rule never stops the pipeline; clean() refuses new ones
            if rule.kind == NoiseRule.Kind.KEYWORD:
                for word in rule.pattern.splitlines():
                    if word.strip():
                        keywords.append((word.strip().lower(), rule.reason, rule.name))
            else:
                patterns.append((re2.compile(rule.pattern), rule.reason, rule.name))
        _compiled = Compiled(version, tuple(keywords), tuple(patterns))
        return _compiled


def match(text: str, rules: Compiled) -> tuple[str, str] | None:
    """``(reason, rule name)`` of the first rule ``text`` matches, else ``None``."""
    lowered = text.lower()
    for word, reason, name in rules.keywords:
        if word in lowered:
            return reason, name
    for pattern, reason, name in rules.patterns:
        if pattern.search(text):  # type: ignore[attr-defined]
            return reason, name
    return None
