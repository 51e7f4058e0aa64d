"""The ``device`` family, from the User-Agent header (parsed with ``user_agents``).

* ``device.type``: ``bot`` (crawlers, headless browsers and HTTP libraries), ``tablet``, ``mobile``
  or ``desktop``; None for an empty User-Agent.
* ``device.os``: the lowercased OS family, with ``macos``, ``chromeos`` and ``linux`` for the Linux
  distributions; None when unknown.
* ``device.browser``: the lowercased browser family without "mobile"/"ios" suffixes (``chrome``,
  ``safari``, ``firefox``, ``edge``...), ``wechat`` or ``alipay`` inside those apps, ``webview``
  for other embedded views; None when unknown.
* ``device.in_app``: ``wechat`` (``MicroMessenger`` in the UA, WeChat Work included), ``alipay``
  (``AlipayClient``) or ``none``.

Parsing costs tens of microseconds and the same few User-Agents make most traffic, so parsed
results are kept in an LRU cache; the header is cut to 512 characters first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from user_agents import parse

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

MAX_USER_AGENT = 512

_BOT = re.compile(
    r"\bbot\b|bot/|spider|crawl|slurp|headless|curl/|wget/|python-requests|python-urllib|"
    r"go-http-client|okhttp|java/|libwww|httpclient|scrapy|phantomjs",
    re.IGNORECASE,
)
_OS = {
    "mac os x": "macos",
    "chrome os": "chromeos",
    "ubuntu": "linux",
    "debian": "linux",
    "fedora": "linux",
    "red hat": "linux",
    "suse": "linux",
    "linux mint": "linux",
    "arch linux": "linux",
    "other": None,
}
_BROWSER = {
    "mobile safari": "safari",
    "mobile safari ui/wkwebview": "webview",
    "chrome mobile webview": "webview",
    "chrome mobile": "chrome",
    "chrome mobile ios": "chrome",
    "firefox mobile": "firefox",
    "firefox ios": "firefox",
    "edge mobile": "edge",
    "wechat browser": "wechat",
    "wechat": "wechat",
    "other": None,
}

_UNKNOWN: dict[str, Any] = {
    "device.type": None,
    "device.os": None,
    "device.browser": None,
    "device.in_app": None,
}


def provide_device(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``device.*`` attributes of a request."""
    user_agent = info.user_agent.strip()[:MAX_USER_AGENT]
    if not user_agent:
        return dict(_UNKNOWN)
    return dict(parse_device(user_agent))


@lru_cache(maxsize=4096)
def parse_device(user_agent: str) -> tuple[tuple[str, Any], ...]:
    """``device.*`` items for a User-Agent string (cached)."""
    ua = parse(user_agent)
    if "MicroMessenger" in user_agent:
        in_app = "wechat"
    elif "AlipayClient" in user_agent:
        in_app = "alipay"
    else:
        in_app = "none"

    if ua.is_bot or _BOT.search(user_agent):
        kind = "bot"
    elif ua.is_tablet:
        kind = "tablet"
    elif ua.is_mobile:
        kind = "mobile"
    else:
        kind = "desktop"

    os_family = ua.os.family.lower()
    os_name = _OS.get(os_family, os_family)

    family = ua.browser.family.lower()
    browser = _BROWSER.get(family, family)
    if in_app != "none":
        browser = in_app
    return (
        ("device.type", kind),
        ("device.os", os_name),
        ("device.browser", browser),
        ("device.in_app", in_app),
    )
