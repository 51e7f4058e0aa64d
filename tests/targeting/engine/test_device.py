"""The device provider, on real User-Agent strings."""

from __future__ import annotations

import pytest

from targeting.engine.context import RequestInfo
from targeting.engine.providers import EngineConfig
from targeting.engine.providers.device import parse_device, provide_device

WECHAT_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN"
)
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 "
    "MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI "
    "Language/zh_CN ABI/arm64"
)
ALIPAY_ANDROID = (
    "Mozilla/5.0 (Linux; U; Android 12; zh-CN; V2148A Build/SP1A.210812.003) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 "
    "UCBS/3.22.2.59_230613184532 ChannelId(1) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,"
    "ws:393|0|2.75) AliApp(AP/10.5.26.7000) AlipayClient/10.5.26.7000 Language/zh-Hans"
)
ALIPAY_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 AlipayClient/10.5.30.6000 Language/zh-Hans"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BAIDUSPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
HEADLESS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 11; SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"
)
UBUNTU_FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def device(user_agent: str) -> tuple[object, ...]:
    result = provide_device(RequestInfo(user_agent=user_agent), EngineConfig())
    return (
        result["device.type"],
        result["device.os"],
        result["device.browser"],
        result["device.in_app"],
    )


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (WECHAT_IOS, ("mobile", "ios", "wechat", "wechat")),
        (WECHAT_ANDROID, ("mobile", "android", "wechat", "wechat")),
        (ALIPAY_ANDROID, ("mobile", "android", "alipay", "alipay")),
        (ALIPAY_IOS, ("mobile", "ios", "alipay", "alipay")),
        (IPHONE_SAFARI, ("mobile", "ios", "safari", "none")),
        (ANDROID_PHONE, ("mobile", "android", "chrome", "none")),
        (IPAD, ("tablet", "ios", "safari", "none")),
        (ANDROID_TABLET, ("tablet", "android", "chrome", "none")),
        (MAC_SAFARI, ("desktop", "macos", "safari", "none")),
        (WINDOWS_EDGE, ("desktop", "windows", "edge", "none")),
        (UBUNTU_FIREFOX, ("desktop", "linux", "firefox", "none")),
    ],
)
def test_people(user_agent, expected):
    assert device(user_agent) == expected


@pytest.mark.parametrize(
    "user_agent", [GOOGLEBOT, BAIDUSPIDER, BINGBOT, HEADLESS, "curl/8.4.0", "python-requests/2.31"]
)
def test_bots(user_agent):
    kind, _os, _browser, in_app = device(user_agent)
    assert (kind, in_app) == ("bot", "none")


def test_an_empty_user_agent_is_unknown():
    assert device("") == (None, None, None, None)
    assert device("   ") == (None, None, None, None)


def test_parsing_is_cached_and_bounded():
    parse_device.cache_clear()
    device(WECHAT_IOS)
    device(WECHAT_IOS)
    assert parse_device.cache_info().hits == 1
    kind, *_ = device(ANDROID_PHONE + " " + "x" * 100_000)
    assert kind == "mobile"
