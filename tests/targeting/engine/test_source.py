"""The source provider: kind, search engine, keyword (UTF-8 and GBK), UTM, hostile referrers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from targeting.engine.context import RequestInfo
from targeting.engine.providers import EngineConfig
from targeting.engine.providers.source import provide_source

SITE = "www.bank.example"


def source(referrer: str = "", url: str = "/", **config: Any) -> dict[str, Any]:
    info = RequestInfo(url=url, referrer=referrer, site_host=SITE)
    return provide_source(info, EngineConfig(**config))


GBK_CARD = quote("信用卡".encode("gbk"))  # %D0%C5%D3%C3%BF%A8
UTF8_CARD = quote("信用卡")  # %E4%BF%A1%E7%94%A8%E5%8D%A1


@pytest.mark.parametrize(
    ("referrer", "engine", "keyword"),
    [
        (f"https://www.baidu.com/s?ie=utf-8&wd={UTF8_CARD}", "baidu", "信用卡"),
        (f"https://www.baidu.com/s?ie=gbk&wd={GBK_CARD}", "baidu", "信用卡"),
        (f"https://www.baidu.com/s?ie=gb2312&wd={GBK_CARD}&rsv_spt=1", "baidu", "信用卡"),
        # No charset named: not valid UTF-8, so GB18030 (a superset of GBK) is tried.
        (f"http://www.baidu.com/s?wd={GBK_CARD}", "baidu", "信用卡"),
        (f"https://m.baidu.com/s?word={UTF8_CARD}", "baidu", "信用卡"),
        (f"https://www.sogou.com/web?query={UTF8_CARD}+%E7%94%B3%E8%AF%B7", "sogou", "信用卡 申请"),
        (f"https://www.so.com/s?q={UTF8_CARD}&src=srp", "so360", "信用卡"),
        (
            "https://www.google.com/search?q=credit+card+china&oq=credit",
            "google",
            "credit card china",
        ),
        ("https://www.google.com.hk/search?q=mortgage%20rates", "google", "mortgage rates"),
        ("https://cn.bing.com/search?q=savings+account&form=QBLH", "bing", "savings account"),
        (f"https://m.sm.cn/s?q={UTF8_CARD}", "shenma", "信用卡"),
        (f"https://yz.m.sm.cn/s?q={UTF8_CARD}&from=wm", "shenma", "信用卡"),
        ("https://search.yahoo.com/search?p=loan", "yahoo", "loan"),
        ("https://yandex.ru/search/?text=bank", "yandex", "bank"),
        ("https://duckduckgo.com/?q=bank+fees", "duckduckgo", "bank fees"),
        (f"https://so.toutiao.com/search?keyword={UTF8_CARD}", "toutiao", "信用卡"),
    ],
)
def test_search_engines_and_their_keywords(referrer, engine, keyword):
    result = source(referrer)
    assert result["source.kind"] == "search"
    assert result["source.search_engine"] == engine
    assert result["source.keyword"] == keyword


def test_raw_gbk_bytes_in_a_latin1_decoded_header_are_recovered():
    # WSGI hands header bytes over decoded as Latin-1.
    raw = "https://www.baidu.com/s?ie=gbk&wd=" + "信用卡".encode("gbk").decode("latin-1")
    assert source(raw)["source.keyword"] == "信用卡"


def test_keyword_from_utm_term_when_the_engine_sends_none():
    result = source(
        "https://www.google.com/",
        url=f"https://{SITE}/cards/?utm_source=google&utm_medium=cpc&utm_term={UTF8_CARD}",
    )
    assert result["source.kind"] == "campaign"
    assert result["source.search_engine"] == "google"
    assert result["source.keyword"] == "信用卡"
    assert result["source.utm_source"] == "google"
    assert result["source.utm_medium"] == "cpc"


def test_keyword_from_paid_search_parameters_and_placeholders_ignored():
    assert (
        source("https://www.baidu.com/", url="/cards/?bd_vid=123&kw=gold+card")["source.keyword"]
        == "gold card"
    )
    result = source("https://www.baidu.com/", url="/cards/?keyword=%7Bkeyword%7D&bd_kw=visa")
    assert result["source.keyword"] == "visa"
    assert result["source.kind"] == "search"  # a keyword parameter alone is not a campaign


def test_paid_click_id_makes_a_campaign():
    result = source("https://www.baidu.com/s?wd=card", url="/cards/?bd_vid=11833")
    assert result["source.kind"] == "campaign"
    assert result["source.keyword"] == "card"  # the referrer's keyword wins


def test_internal_navigation_takes_no_landing_keyword_unless_it_is_a_campaign():
    internal = f"https://{SITE}/"
    assert source(internal, url="/cards/?kw=gold")["source.keyword"] is None
    tagged = source(internal, url="/cards/?utm_source=app&utm_term=gold")
    assert (tagged["source.kind"], tagged["source.keyword"]) == ("campaign", "gold")


def test_site_search_query_on_the_landing_url_is_not_a_keyword():
    assert source("", url="/search/?q=loan")["source.keyword"] is None


@pytest.mark.parametrize(
    ("referrer", "kind", "host", "network"),
    [
        ("", "direct", None, None),
        (f"https://{SITE}/cards/", "internal", SITE, None),
        ("https://bank.example/", "internal", "bank.example", None),
        ("https://m.bank.example/x", "internal", "m.bank.example", None),
        ("https://weibo.com/u/123", "social", "weibo.com", "weibo"),
        ("https://m.weibo.cn/status/1", "social", "m.weibo.cn", "weibo"),
        ("https://mp.weixin.qq.com/s/abc", "social", "mp.weixin.qq.com", "wechat"),
        ("https://www.douyin.com/video/1", "social", "www.douyin.com", "douyin"),
        ("https://www.zhihu.com/question/1", "social", "www.zhihu.com", "zhihu"),
        ("https://www.xiaohongshu.com/explore", "social", "www.xiaohongshu.com", "xiaohongshu"),
        ("https://tieba.baidu.com/p/1", "social", "tieba.baidu.com", "tieba"),
        ("https://t.co/abc", "social", "t.co", "twitter"),
        ("https://x.com/bank", "social", "x.com", "twitter"),
        ("https://www.linkedin.com/feed/", "social", "www.linkedin.com", "linkedin"),
        ("https://l.facebook.com/l.php?u=x", "social", "l.facebook.com", "facebook"),
        ("https://news.example.org/article", "referral", "news.example.org", None),
        ("https://notweibo.com/", "referral", "notweibo.com", None),
        ("android-app://com.tencent.mm/", "social", None, "wechat"),
    ],
)
def test_kinds(referrer, kind, host, network):
    result = source(referrer)
    assert result["source.kind"] == kind
    assert result["source.referrer_host"] == host
    assert result["source.social_network"] == network


def test_configured_site_hosts_are_internal():
    assert source("https://portal.bank.cn/", site_hosts=["bank.cn"])["source.kind"] == "internal"


def test_android_google_app_is_search_without_keyword():
    result = source("android-app://com.google.android.googlequicksearchbox/")
    assert (result["source.kind"], result["source.search_engine"]) == ("search", "google")
    assert result["source.keyword"] is None


def test_utm_campaign_and_landing_path():
    result = source(
        "https://weibo.com/",
        url="https://www.bank.example/%E4%BF%A1%E7%94%A8%E5%8D%A1/gold?utm_source=weibo"
        "&utm_medium=social&utm_campaign=spring+card",
    )
    assert result["source.kind"] == "campaign"
    assert result["source.social_network"] == "weibo"
    assert result["source.utm_campaign"] == "spring card"
    assert result["source.landing_path"] == "/信用卡/gold"


def test_decoded_path_from_the_request_is_taken_as_is():
    info = RequestInfo(url="/a%2Bb?x=1", path="/cards/a+b/")
    assert provide_source(info, EngineConfig())["source.landing_path"] == "/cards/a+b/"


@pytest.mark.parametrize(
    "referrer",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "http://",
        "https://",
        "://",
        "http://[::1",
        "http://[not-an-ip]/",
        "http:///path-only",
        "http://exa mple.com/",
        "\x00\r\n\t",
        "http://user:pass@/",
        "http://host:notaport/",
        "ftp://files.example.com/",
        "x" * 100_000,
        "http://" + "a" * 100_000 + ".com/",
        "https://www.baidu.com/s?wd=%E4%BF%A1%ZZ%%%",
        "https://www.baidu.com/s?wd=" + "%" * 50_000,
        "https://www.baidu.com/s?ie=klingon&wd=%FF%FE%FD",
        "https://www.baidu.com/s?" + "&".join(f"p{i}=v" for i in range(5000)) + "&wd=x",
        "https://www.google.com/search?q=%00%01%02",
    ],
)
def test_hostile_referrers_never_raise(referrer):
    result = source(referrer, url="/?utm_term=%ZZ&kw=" + "%" * 3000)
    assert result["source.kind"] in {"direct", "referral", "search", "campaign"}
    host = result["source.referrer_host"]
    assert host is None or len(host) <= 253
    keyword = result["source.keyword"]
    assert keyword is None or (len(keyword) <= 200 and keyword.isprintable())


def test_unusable_referrers_count_as_direct_without_host():
    for referrer in ("javascript:alert(1)", "http://", "http://[::1", "ftp://files.example.com/"):
        result = source(referrer)
        assert (result["source.kind"], result["source.referrer_host"]) == ("direct", None)


def test_ipv6_referrer_host():
    result = source("http://[2001:db8::1]:8080/page")
    assert (result["source.kind"], result["source.referrer_host"]) == ("referral", "2001:db8::1")


def test_invalid_percent_escapes_are_kept_not_fatal():
    result = source("https://www.baidu.com/s?wd=100%25%zzoff")
    assert result["source.keyword"] == "100%%zzoff"
