"""The ``source`` family: where a visit came from, read from the referrer and the landing URL.

``source.kind``, in order of precedence:

* ``campaign``: the landing URL carries ``utm_source``/``utm_medium``/``utm_campaign`` or a
  paid-search click id (``CLICK_ID_PARAMS``), whatever the referrer;
* ``internal``: the referrer is the site itself (its host, a configured site host, or a subdomain
  of one; ``www.`` is ignored);
* ``search``: a known search engine (``SEARCH_HOSTS``/``SEARCH_HOST_PATTERNS``);
* ``social``: a known social network or messaging app (``SOCIAL_DOMAINS``);
* ``referral``: any other http(s) referrer;
* ``direct``: no referrer, or one without a usable http(s) host (``javascript:``, ``http://``
  alone, garbage). Android apps send ``android-app://<package>/`` referrers; the best known
  packages map to their search engine or social network.

The keyword comes from the search engine's own parameter where the engine still sends it
(``wd``/``word``/``kw`` for Baidu, ``q`` for Google, Bing, 360 and Shenma, ``query``/``keyword`` for
Sogou...). Otherwise, unless the visit is internal (and not a campaign), it comes from the landing
URL: ``utm_term``,
then the paid-search parameters ``keyword``, ``kw``, ``bd_kw``, ``sm_kw`` (the names our paid
search accounts are set up to append). ``q`` and ``query`` are *not* read from the landing URL
because the site's own search uses them. Unexpanded placeholders such as ``{keyword}`` are ignored.

Values are percent-decoded as UTF-8, or as the charset the URL names in ``ie=``/``enc=``/
``inputEncoding=``/``oe=`` (Baidu sends ``ie=gbk`` or ``gb2312``), falling back to GB18030 (a
superset of GBK and GB2312) when the bytes are not valid UTF-8. Header strings follow WSGI
(bytes decoded as Latin-1), so raw non-ASCII bytes in a referrer are recovered too.

``source.referrer`` is the whole referrer as the browser sent it (still percent-encoded, control
characters dropped, at most 2,000 characters), for ``matches`` rules over paths and parameters of
the referring page.

``source.query`` holds every parameter of the landing URL (``{"promo": "spring", ...}``, names
lowercased, values decoded like keywords), for keyed conditions such as
``{"attr": "source.query", "key": "promo", "op": "eq", "value": "spring"}``.

Nothing here raises on hostile input: the referrer is cut to 2,000 characters, keywords and UTM
values to 200, the landing path to 500, and at most 100 query parameters are read.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

MAX_REFERRER = 2000
MAX_VALUE = 200
MAX_PATH = 500
MAX_PARAMS = 100

#: Search engine hosts -> (engine, keyword parameters in order of preference).
SEARCH_HOSTS: dict[str, tuple[str, tuple[str, ...]]] = {
    **dict.fromkeys(
        ("baidu.com", "www.baidu.com", "m.baidu.com", "wap.baidu.com"),
        ("baidu", ("wd", "word", "kw")),
    ),
    **dict.fromkeys(
        ("sogou.com", "www.sogou.com", "m.sogou.com", "wap.sogou.com"),
        ("sogou", ("query", "keyword")),
    ),
    **dict.fromkeys(("so.com", "www.so.com", "m.so.com"), ("so360", ("q",))),
    **dict.fromkeys(("sm.cn", "m.sm.cn", "so.m.sm.cn", "yz.m.sm.cn"), ("shenma", ("q",))),
    **dict.fromkeys(("bing.com", "www.bing.com", "cn.bing.com"), ("bing", ("q",))),
    **dict.fromkeys(("so.toutiao.com",), ("toutiao", ("keyword",))),
    **dict.fromkeys(
        ("duckduckgo.com", "html.duckduckgo.com", "lite.duckduckgo.com"), ("duckduckgo", ("q",))
    ),
}
SEARCH_HOST_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"(?:www\.)?google\.(?:[a-z]{2,3}|com?\.[a-z]{2})"), "google", ("q",)),
    (re.compile(r"(?:[a-z]{2}\.)?search\.yahoo\.(?:com|co\.jp|[a-z]{2})"), "yahoo", ("p",)),
    (re.compile(r"(?:www\.)?yandex\.(?:ru|com|com\.tr|by|kz|ua)"), "yandex", ("text",)),
)

#: Registrable domains (matched with their subdomains) of social networks and messaging apps.
SOCIAL_DOMAINS: dict[str, str] = {
    "weibo.com": "weibo",
    "weibo.cn": "weibo",
    "t.cn": "weibo",
    "weixin.qq.com": "wechat",
    "wx.qq.com": "wechat",
    "qzone.qq.com": "qq",
    "douyin.com": "douyin",
    "iesdouyin.com": "douyin",
    "kuaishou.com": "kuaishou",
    "zhihu.com": "zhihu",
    "xiaohongshu.com": "xiaohongshu",
    "xhslink.com": "xiaohongshu",
    "bilibili.com": "bilibili",
    "b23.tv": "bilibili",
    "tieba.baidu.com": "tieba",
    "douban.com": "douban",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "t.co": "twitter",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "instagram.com": "instagram",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
}

#: ``android-app://<package>/`` referrers -> ("search", engine) or ("social", network).
ANDROID_APPS: dict[str, tuple[str, str]] = {
    "com.google.android.googlequicksearchbox": ("search", "google"),
    "com.google.android.gm": ("referral", ""),
    "com.baidu.searchbox": ("search", "baidu"),
    "com.tencent.mm": ("social", "wechat"),
    "com.sina.weibo": ("social", "weibo"),
    "com.ss.android.ugc.aweme": ("social", "douyin"),
    "com.zhihu.android": ("social", "zhihu"),
    "com.xingin.xhs": ("social", "xiaohongshu"),
}

UTM_PARAMS = ("utm_source", "utm_medium", "utm_campaign")
#: Paid-search click ids: Google Ads, Microsoft Ads, Baidu, 360, Tencent ads.
CLICK_ID_PARAMS = (
    "gclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "bd_vid",
    "qhclickid",
    "gdt_vid",
    "qz_gdt",
)
#: Landing-URL keyword parameters when the referrer gives none, in order of preference.
LANDING_KEYWORD_PARAMS = ("utm_term", "keyword", "kw", "bd_kw", "sm_kw")
CHARSET_PARAMS = ("ie", "enc", "inputencoding", "oe")

_HOST = re.compile(r"[\w.-]{1,253}")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|\$\{[^{}]*\}")

_EMPTY: dict[str, Any] = {
    "source.kind": "direct",
    "source.referrer_host": None,
    "source.referrer": None,
    "source.search_engine": None,
    "source.social_network": None,
    "source.keyword": None,
    "source.utm_source": None,
    "source.utm_medium": None,
    "source.utm_campaign": None,
    "source.landing_path": None,
    "source.query": None,
}


def provide_source(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``source.*`` attributes of a request."""
    result = dict(_EMPTY)
    landing = _split(info.url)
    landing_params = _params(landing[3]) if landing else {}
    # info.path is already decoded (Django's request.path); the URL's path is percent-encoded.
    if info.path:
        result["source.landing_path"] = _printable(info.path[:MAX_PATH]) or None
    elif landing:
        result["source.landing_path"] = _decode_path(landing[2]) or None

    if landing:
        result["source.query"] = _query_values(landing_params)
    for name in UTM_PARAMS:
        result[f"source.{name}"] = _param_text(landing_params, name)
    campaign = any(result[f"source.{n}"] for n in UTM_PARAMS) or any(
        landing_params.get(n) for n in CLICK_ID_PARAMS
    )

    result["source.referrer"] = _clean(info.referrer, MAX_REFERRER) if info.referrer else None
    host, engine, social, keyword = _read_referrer(info.referrer)
    result["source.referrer_host"] = host
    result["source.search_engine"] = engine
    result["source.social_network"] = social

    internal = host is not None and _is_internal(host, info.site_host, config.site_hosts)
    if campaign:
        kind = "campaign"
    elif internal:
        kind = "internal"
    elif engine:
        kind = "search"
    elif social:
        kind = "social"
    elif host:
        kind = "referral"
    else:
        kind = "direct"
    result["source.kind"] = kind

    if keyword is None and (campaign or not internal):
        for name in LANDING_KEYWORD_PARAMS:
            keyword = _param_text(landing_params, name)
            if keyword:
                break
    result["source.keyword"] = keyword
    return result


def _split(url: str) -> tuple[str, str, str, str, str] | None:
    if not url:
        return None
    try:
        return tuple(urlsplit(url[:MAX_REFERRER].strip()))  # type: ignore[return-value]
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 host
        return None


def _read_referrer(referrer: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(host, search engine, social network, keyword) of a referrer; never raises."""
    parts = _split(referrer)
    if parts is None:
        return None, None, None, None
    scheme = parts[0].lower()
    if scheme == "android-app":
        kind, name = ANDROID_APPS.get(parts[1].lower(), ("", ""))
        return None, name if kind == "search" else None, name if kind == "social" else None, None
    if scheme not in ("http", "https"):
        return None, None, None, None
    host = _host(parts[1])
    if host is None:
        return None, None, None, None
    engine, keyword_params = _search_engine(host)
    if engine is not None:
        params = _params(parts[3])
        keyword = None
        for name in keyword_params:
            keyword = _param_text(params, name, charset=_charset(params))
            if keyword:
                break
        return host, engine, None, keyword
    return host, None, _social_network(host), None


def _host(netloc: str) -> str | None:
    """The lowercased host of a netloc, without credentials, port or trailing dot; None if odd."""
    hostport = netloc.rpartition("@")[2].strip()
    if hostport.startswith("["):
        inside = hostport[1:].partition("]")[0]
        try:
            return str(ipaddress.IPv6Address(inside))
        except ValueError:
            return None
    host = hostport.partition(":")[0].rstrip(".").lower()
    if not host or not _HOST.fullmatch(host) or ".." in host:
        return None
    return host


def _search_engine(host: str) -> tuple[str | None, tuple[str, ...]]:
    known = SEARCH_HOSTS.get(host)
    if known is not None:
        return known
    for pattern, engine, params in SEARCH_HOST_PATTERNS:
        if pattern.fullmatch(host):
            return engine, params
    return None, ()


def _social_network(host: str) -> str | None:
    labels = host.split(".")
    for i in range(len(labels) - 1):
        network = SOCIAL_DOMAINS.get(".".join(labels[i:]))
        if network is not None:
            return network
    return None


def _bare(host: str) -> str:
    host = host.rpartition("@")[2]
    host = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


def _is_internal(host: str, site_host: str, site_hosts: tuple[str, ...] | Any) -> bool:
    candidate = _bare(host)
    for site in (site_host, *site_hosts):
        if not site:
            continue
        bare = _bare(site)
        if candidate == bare or candidate.endswith("." + bare):
            return True
    return False


def _params(query: str) -> dict[str, str]:
    """Raw (still percent-encoded) query parameters, first occurrence wins, keys lowercased."""
    params: dict[str, str] = {}
    if not query:
        return params
    for part in query.split("&", MAX_PARAMS)[:MAX_PARAMS]:
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key and key not in params:
            params[key] = value
    return params


_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "utf8": "utf-8",
    "utf-8": "utf-8",
}


def _charset(params: dict[str, str]) -> str | None:
    for name in CHARSET_PARAMS:
        raw = params.get(name)
        if not raw:
            continue
        label = raw.strip().lower()[:20]
        if label in _CHARSET_ALIASES:
            return _CHARSET_ALIASES[label]
        try:
            return codecs.lookup(label).name
        except LookupError:
            continue
    return None


def _to_bytes(raw: str, plus_is_space: bool = True) -> bytes:
    if raw.isascii():
        data = raw.encode("ascii")
    else:
        try:
            data = raw.encode("latin-1")  # WSGI: the header's bytes decoded as Latin-1
        except UnicodeEncodeError:
            data = raw.encode("utf-8")
    if plus_is_space:
        data = data.replace(b"+", b" ")
    return unquote_to_bytes(data)


def _decode(raw: str, charset: str | None = None) -> str:
    data = _to_bytes(raw)
    for encoding in (charset, "utf-8", "gb18030"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def _clean(text: str, limit: int = MAX_VALUE) -> str | None:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _SPACE.sub(" ", text).strip()[:limit].strip()
    if not text or _PLACEHOLDER.fullmatch(text):
        return None
    return text


def _param_text(params: dict[str, str], name: str, charset: str | None = None) -> str | None:
    raw = params.get(name)
    if not raw:
        return None
    return _clean(_decode(raw[: MAX_VALUE * 12], charset))


def _query_values(params: dict[str, str]) -> dict[str, str]:
    """``source.query``: every landing-URL parameter by lowercased name, decoded and cleaned like
    a keyword (an empty ``?promo=`` is the empty string: present, but equal to nothing else)."""
    charset = _charset(params)
    return {
        name: _clean(_decode(raw[: MAX_VALUE * 12], charset)) or "" if raw else ""
        for name, raw in params.items()
    }


def _decode_path(path: str) -> str:
    text = _to_bytes(path[:MAX_REFERRER], plus_is_space=False).decode("utf-8", "replace")
    return _printable(text)[:MAX_PATH]


def _printable(text: str) -> str:
    return text if text.isprintable() else "".join(ch for ch in text if ch.isprintable())
