"""The engine's explanations in the reader's language: the admin preview's reasons.

The engine is plain Python without Django, so it explains a decision in fixed English phrases;
the simulation API returns them as they are (its contract). People reading the preview in the
admin read them translated: each phrase the engine writes has a pattern here and a msgid in our
catalogue. A phrase without a pattern shows as the engine wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import template
from django.utils.translation import gettext

from targeting.catalogue import CHOICE_LABELS

register = template.Library()

# Each pattern matches one of the engine's phrases (targeting.engine.decide, .suitability);
# the named groups are codes and figures, kept as they are.
_PHRASES: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (re.compile(r"not started"), lambda: gettext("not started")),
    (re.compile(r"ended"), lambda: gettext("ended")),
    (re.compile(r"outside daypart hours"), lambda: gettext("outside daypart hours")),
    (re.compile(r"not on this weekday"), lambda: gettext("not on this weekday")),
    (
        re.compile(r"include segments not matched: (?P<segments>.*)"),
        lambda: gettext("include segments not matched: %(segments)s"),
    ),
    (
        re.compile(r"excluded by segment (?P<segment>\S+)"),
        lambda: gettext("excluded by segment %(segment)s"),
    ),
    (
        re.compile(r"frequency cap reached \((?P<seen>\d+)/(?P<cap>\d+) today\)"),
        lambda: gettext("frequency cap reached (%(seen)s/%(cap)s today)"),
    ),
    (
        re.compile(r"lower priority than (?P<winner>.+)"),
        lambda: gettext("lower priority than %(winner)s"),
    ),
    (
        re.compile(r"lost the weighted split to (?P<winner>.+)"),
        lambda: gettext("lost the weighted split to %(winner)s"),
    ),
    (
        re.compile(
            r"unsuitable: product risk R(?P<risk>\d) above customer tolerance C(?P<level>\d)"
        ),
        lambda: gettext("unsuitable: product risk R%(risk)s above customer tolerance C%(level)s"),
    ),
    (
        re.compile(r"unsuitable: R(?P<risk>\d): risk tolerance unknown"),
        lambda: gettext("unsuitable: R%(risk)s, the customer's risk tolerance is unknown"),
    ),
    (
        re.compile(
            r"held out: bucket (?P<bucket>[\d.]+) is below the holdout share (?P<share>[\d.]+%), "
            r"so the default content shows"
        ),
        lambda: gettext(
            "held out: bucket %(bucket)s is below the holdout share %(share)s, so the default "
            "content shows"
        ),
    ),
    (
        re.compile(
            r"automatic allocation for segment (?P<segment>\S+) \((?P<shares>.*)\), "
            r"bucket (?P<bucket>[\d.]+)"
        ),
        lambda: gettext(
            "automatic allocation for segment %(segment)s (%(shares)s), bucket %(bucket)s"
        ),
    ),
    (
        re.compile(
            r"automatic allocation for all audiences \((?P<shares>.*)\), "
            r"bucket (?P<bucket>[\d.]+)"
        ),
        lambda: gettext("automatic allocation for all audiences (%(shares)s), bucket %(bucket)s"),
    ),
    (
        re.compile(r"fixed split by creative weight, bucket (?P<bucket>[\d.]+)"),
        lambda: gettext("fixed split by creative weight, bucket %(bucket)s"),
    ),
    (re.compile(r"the campaign's only creative"), lambda: gettext("the campaign's only creative")),
]


def translate_phrase(phrase: str) -> str:
    """One engine phrase in the active language (as written when it has no pattern)."""
    for pattern, message in _PHRASES:
        match = pattern.fullmatch(phrase)
        if match:
            return message() % match.groupdict()
    return phrase


def translate_reason(line: str) -> str:
    """A preview line ("<campaign>: <phrase>", "实验组：<phrase>" or a phrase) translated."""
    for separator in (": ", "："):
        head, found, tail = line.partition(separator)
        if found:
            translated = translate_phrase(tail)
            if translated != tail:
                return f"{head}：{translated}"
    return translate_phrase(line)


#: Operating systems and browsers go by their makers' names in every language (ios is iOS).
PROPER_NAMES: dict[str, dict[str, str]] = {
    "device.os": {
        "ios": "iOS",
        "android": "Android",
        "harmonyos": "HarmonyOS",
        "windows": "Windows",
        "macos": "macOS",
        "linux": "Linux",
    },
    "device.browser": {
        "safari": "Safari",
        "chrome": "Chrome",
        "firefox": "Firefox",
        "edge": "Edge",
    },
}


@register.filter
def explain_reason(line: str) -> str:
    """A reason line of the preview, translated."""
    return translate_reason(str(line))


@register.filter
def attribute_value(value: object, name: str = "") -> str:
    """A resolved attribute as people read it: yes or no for booleans, lists joined, and the
    catalogue's display name for a closed-set value of attribute ``name`` (手机 for mobile)."""
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(attribute_value(item, name) for item in value) if value else "—"
    label = CHOICE_LABELS.get(name, {}).get(str(value))
    if label is not None:
        return gettext(label)
    return PROPER_NAMES.get(name, {}).get(str(value), str(value))
