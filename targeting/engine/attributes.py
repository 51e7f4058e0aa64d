"""The attribute registry of the rule language.

Every attribute a rule may test is declared here with its type, its family (the part of the name
before the dot, which is also the unit a provider computes at once), an English label for the admin
rule editor and, where the values form a closed set, its ``choices``.

Types and the operators that fit them:

========  ====================================================================================
type      operators
========  ====================================================================================
str       eq ne in not_in contains startswith matches exists
int       eq ne in not_in gt gte lt lte between exists
bool      eq ne exists
date      eq ne gt gte lt lte between exists   (values are ISO strings ``YYYY-MM-DD``)
list      contains in not_in exists              (a list of strings, e.g. products held)
========  ====================================================================================

On a ``list`` attribute, ``contains`` takes one string and is true when it is a member of the
list; ``in`` takes a list and is true when *any* of its values is in the attribute (the lists
intersect); ``not_in`` is true when *none* is. ``eq``/``ne`` are deliberately not offered on lists:
comparing whole lists depends on order and duplicates, which no marketer means; write
``contains`` (or ``all`` of several ``contains``) instead.

``exists`` takes ``true`` or ``false`` and asks whether the value is known at all (an empty list
of a known customer *is* known). Every other operator is false on a missing value; see
``targeting.engine.rules``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import unquote

from . import places

AttrType = Literal["str", "int", "bool", "date", "list"]

#: Operators by attribute type, in the order the admin editor should offer them.
OPERATORS: Mapping[str, tuple[str, ...]] = {
    "str": ("eq", "ne", "in", "not_in", "contains", "startswith", "matches", "exists"),
    "int": ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "exists"),
    "bool": ("eq", "ne", "exists"),
    "date": ("eq", "ne", "gt", "gte", "lt", "lte", "between", "exists"),
    "list": ("contains", "in", "not_in", "exists"),
}

#: Every operator name of the language.
ALL_OPERATORS: frozenset[str] = frozenset(op for ops in OPERATORS.values() for op in ops)

OPERATOR_LABELS: Mapping[str, str] = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "startswith": "starts with",
    "matches": "matches the regular expression",
    "gt": "is greater than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between (inclusive)",
    "exists": "is known",
}

SOURCE_KINDS = ("direct", "search", "social", "internal", "referral", "campaign")
SEARCH_ENGINES = (
    "baidu",
    "google",
    "bing",
    "sogou",
    "so360",
    "shenma",
    "toutiao",
    "yahoo",
    "yandex",
    "duckduckgo",
)
SOCIAL_NETWORKS = (
    "weibo",
    "wechat",
    "qq",
    "douyin",
    "kuaishou",
    "zhihu",
    "xiaohongshu",
    "bilibili",
    "tieba",
    "douban",
    "facebook",
    "twitter",
    "linkedin",
    "instagram",
    "youtube",
    "reddit",
)
DEVICE_TYPES = ("mobile", "tablet", "desktop", "bot")
IN_APP = ("wechat", "alipay", "none")
#: Spending categories of card merchant codes (``providers.channels.MCC_RANGES`` plus other).
CARD_CATEGORIES = (
    "travel",
    "dining",
    "groceries",
    "fuel",
    "shopping",
    "online",
    "entertainment",
    "education",
    "medical",
    "utilities",
    "other",
)
GENDERS = ("male", "female", "other")
INCOME_BANDS = ("low", "middle", "high", "very_high")
#: Product types social listening recognises in a purchase intent (community.listening).
LISTENING_PRODUCT_TYPES = (
    "credit_card",
    "loan",
    "mortgage",
    "deposit",
    "wealth",
    "insurance",
    "forex",
)


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of the visitor context that rules can test."""

    name: str
    type: AttrType
    label: str
    description: str = ""
    choices: tuple[str, ...] | tuple[int, ...] | None = None
    #: For ``between`` on a cyclic attribute (hour, weekday) ``[high, low]`` wraps around.
    cyclic: bool = False
    #: A keyed attribute is a family of values named by a ``key`` in the condition (a landing-URL
    #: parameter, a path); its value in the context is a mapping ``{key: value}``.
    key_label: str = ""

    @property
    def keyed(self) -> bool:
        return bool(self.key_label)

    @property
    def family(self) -> str:
        return self.name.partition(".")[0]

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.type]


def _a(
    name: str,
    type_: AttrType,
    label: str,
    description: str = "",
    choices: tuple[str, ...] | tuple[int, ...] | None = None,
    cyclic: bool = False,
    key_label: str = "",
) -> Attribute:
    return Attribute(name, type_, label, description, choices, cyclic, key_label)


_ALL: tuple[Attribute, ...] = (
    # source: where the visit came from (referrer and landing URL)
    _a("source.kind", "str", "Traffic source", "How the visitor arrived.", SOURCE_KINDS),
    _a("source.referrer_host", "str", "Referring host", "Host name of the referring page."),
    _a(
        "source.referrer",
        "str",
        "Referring URL",
        "The whole address of the referring page, as the browser sent it (use matches).",
    ),
    _a(
        "source.search_engine",
        "str",
        "Search engine",
        "Search engine of the referrer.",
        SEARCH_ENGINES,
    ),
    _a(
        "source.social_network",
        "str",
        "Social network",
        "Social network or messaging app of the referrer.",
        SOCIAL_NETWORKS,
    ),
    _a(
        "source.keyword",
        "str",
        "Search keyword",
        "From the search engine's referrer, else utm_term or a paid-search parameter.",
    ),
    _a("source.utm_source", "str", "UTM source"),
    _a("source.utm_medium", "str", "UTM medium"),
    _a("source.utm_campaign", "str", "UTM campaign"),
    _a("source.landing_path", "str", "Landing path", "Path of the page the visit started on."),
    _a(
        "source.query",
        "str",
        "Landing-URL parameter",
        "The value of one parameter of the landing URL, e.g. ?promo=spring (name ignores case).",
        key_label="Parameter name",
    ),
    # geo: from the client address (behind trusted proxies) and the GeoIP file
    _a("geo.country", "str", "Country", "ISO 3166-1 alpha-2 code, e.g. CN."),
    _a("geo.region", "str", "Region", "ISO 3166-2 code, e.g. CN-SC (Sichuan)."),
    _a(
        "geo.city",
        "str",
        "City",
        "A prefecture-level city of China by its Chinese name, e.g. 成都; elsewhere GeoIP's "
        "English name.",
    ),
    # time: in the site's (or the visitor's) time zone
    _a("time.hour", "int", "Hour of day", "0-23.", tuple(range(24)), cyclic=True),
    _a(
        "time.weekday", "int", "Day of week", "1 = Monday ... 7 = Sunday.", tuple(range(1, 8)), True
    ),
    _a("time.is_weekend", "bool", "Weekend", "Saturday or Sunday."),
    _a(
        "time.is_holiday",
        "bool",
        "Public holiday",
        "A day off of a mainland China public holiday (including bridged days).",
    ),
    _a(
        "time.is_workday",
        "bool",
        "Working day",
        "A working day in mainland China, counting adjusted working weekends.",
    ),
    _a("time.date", "date", "Date", "Local date, YYYY-MM-DD."),
    # device: from the User-Agent
    _a("device.type", "str", "Device type", "", DEVICE_TYPES),
    _a("device.os", "str", "Operating system", "e.g. ios, android, windows, macos, linux."),
    _a("device.browser", "str", "Browser", "e.g. chrome, safari, wechat, alipay, firefox."),
    _a("device.in_app", "str", "In-app browser", "WeChat or Alipay built-in browser.", IN_APP),
    # behaviour and session: the visitor's folded profile
    _a("behaviour.visits", "int", "Visits", "Page-view days recorded for the visitor."),
    _a("behaviour.sessions", "int", "Sessions"),
    _a("behaviour.pageviews", "int", "Page views"),
    _a("behaviour.categories", "list", "Product categories viewed"),
    _a("behaviour.searches", "list", "On-site searches"),
    _a("behaviour.clicked_campaigns", "list", "Campaigns clicked", "Campaign slugs."),
    _a(
        "behaviour.days_since_last_visit",
        "int",
        "Days since last visit",
        "Calendar days in the site time zone; 0 = earlier today.",
    ),
    _a("session.pageviews", "int", "Page views this session"),
    # session.source: the visit's arrival, kept for the visit (providers.arrival)
    _a(
        "session.source.kind",
        "str",
        "Arrival source",
        "How the visit arrived, kept for the whole visit.",
        SOURCE_KINDS,
    ),
    _a("session.source.referrer_host", "str", "Arrival referring host"),
    _a(
        "session.source.search_engine",
        "str",
        "Arrival search engine",
        "Search engine the visit came from.",
        SEARCH_ENGINES,
    ),
    _a(
        "session.source.social_network",
        "str",
        "Arrival social network",
        "Social network or app the visit came from.",
        SOCIAL_NETWORKS,
    ),
    _a("session.source.keyword", "str", "Arrival search keyword", "Kept for the whole visit."),
    _a("session.source.utm_source", "str", "Arrival UTM source"),
    _a("session.source.utm_medium", "str", "Arrival UTM medium"),
    _a("session.source.utm_campaign", "str", "Arrival UTM campaign"),
    _a("session.source.landing_path", "str", "Arrival landing path", "First page of the visit."),
    _a(
        "behaviour.page_visits",
        "int",
        "Views of a page",
        "How many times the visitor viewed the page at this path, e.g. /cards/.",
        key_label="Page path",
    ),
    # Recent channel events folded into the profile (providers.channels), in local days.
    _a(
        "behaviour.categories_7d",
        "list",
        "Product categories viewed in 7 days",
        "Product categories whose pages were viewed today or in the 6 days before.",
    ),
    _a(
        "behaviour.unapplied_categories_7d",
        "list",
        "Categories viewed in 7 days without an application",
        "Viewed in the last 7 days with no application for that category in the same days.",
    ),
    _a("card.last_mcc", "str", "Last card merchant code", "MCC of the latest card transaction."),
    _a(
        "card.last_category",
        "str",
        "Last card spending category",
        "Category of the latest card transaction's merchant code.",
        CARD_CATEGORIES,
    ),
    _a("card.last_amount", "int", "Last card amount", "Amount of the latest card transaction."),
    _a(
        "card.hours_since_last",
        "int",
        "Hours since the last card transaction",
        "Whole hours; 0-23 means within the last 24 hours.",
    ),
    _a(
        "card.categories_24h",
        "list",
        "Card spending categories in 24 hours",
        "Categories of the card transactions of the last 24 hours.",
        CARD_CATEGORIES,
    ),
    _a("card.transactions_30d", "int", "Card transactions in 30 days"),
    _a(
        "card.spend_30d",
        "int",
        "Card spend in 30 days",
        "Whole yuan (rounded down), every category.",
    ),
    *(
        _a(
            f"card.spend_30d.{category}",
            "int",
            f"Card spend in 30 days: {category}",
            "Whole yuan, merchant codes of this category.",
        )
        for category in CARD_CATEGORIES
    ),
    _a("branch.last", "str", "Last branch visited", "Branch code of the latest queue swipe."),
    _a("branch.days_since_last_visit", "int", "Days since the last branch visit"),
    _a("branch.visits_90d", "int", "Branch visit days in 90 days"),
    _a("app.opened_30d", "bool", "App opened in 30 days"),
    _a("app.days_since_last_open", "int", "Days since the app was last opened"),
    _a("app.open_days_30d", "int", "Days with an app open in 30 days"),
    _a("call_centre.contacts_30d", "int", "Call-centre contacts in 30 days"),
    _a("call_centre.last_reason", "str", "Reason of the last call-centre contact"),
    # visitor: the visitor id itself (with consent)
    _a(
        "visitor.bucket",
        "int",
        "Random bucket",
        "0-99, a stable hash of the visitor id and the key: bucket < 20 is a random fifth of "
        "visitors, the same on every visit. Unknown without consent.",
        key_label="Sample name",
    ),
    _a(
        "visitor.ids",
        "list",
        "Visitor ids",
        "The browser's visitor id and, signed in, the customer's profile id (static audiences).",
    ),
    # profile, history and crm: the signed-in customer
    _a("profile.age", "int", "Age"),
    _a("profile.gender", "str", "Gender", "", GENDERS),
    _a("profile.income_band", "str", "Income band", "", INCOME_BANDS),
    _a("profile.occupation", "str", "Occupation"),
    _a("profile.region", "str", "Home region", "ISO 3166-2 code, e.g. CN-SC."),
    _a("profile.products", "list", "Products held", "Product slugs."),
    _a("profile.interests", "list", "Declared interests"),
    _a("profile.risk_tolerance", "int", "Risk tolerance", "1 (lowest) to 5.", (1, 2, 3, 4, 5)),
    _a(
        "profile.is_signed_in",
        "bool",
        "Is signed in",
        "The visitor is signed in to the site (customer record or not).",
    ),
    _a(
        "profile.is_customer",
        "bool",
        "Is a customer",
        "False for anonymous visitors and for signed-in users without a customer record.",
    ),
    _a("crm.segments", "list", "CRM segments", "Imported CRM segment codes still in force."),
    _a("history.applications", "list", "Products applied for", "Product slugs."),
    _a("history.purchases", "list", "Products bought", "Product slugs."),
    # listening: what social listening heard the signed-in customer say (community.listening)
    _a(
        "listening.purchase_intent",
        "list",
        "Purchase intent heard",
        "Product types the customer showed intent to buy in their own posts, last 30 days.",
        LISTENING_PRODUCT_TYPES,
    ),
    # event: the event a push trigger is evaluating (targeting.push); unknown on a page view.
    _a("event.type", "str", "Event type", "e.g. card_transaction, branch_queue_swipe."),
    _a("event.channel", "str", "Event channel", "web, app, atm, pos, branch, call_centre."),
    _a("event.merchant_category_code", "str", "Merchant category code", "Card MCC, 4 digits."),
    _a("event.amount", "int", "Transaction amount", "In the event's currency."),
    _a("event.currency", "str", "Currency", "ISO 4217 code, e.g. CNY."),
    _a("event.terminal", "str", "Card terminal", "atm, pos or online."),
    _a("event.merchant", "str", "Merchant name"),
    _a("event.branch", "str", "Branch", "Branch code of a queue-machine swipe."),
    _a("event.service", "str", "Branch service", "Service chosen at the queue machine."),
)

#: Every attribute of the rule language by name.
ATTRIBUTES: Mapping[str, Attribute] = {a.name: a for a in _ALL}

#: Families in display order.
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(a.family for a in _ALL))


#: Values the editor offers as a picker for open attributes (issue 14 item 6), as groups
#: ``[group label or None, [value, ...]]``: China's provincial divisions by ISO code, and its
#: prefecture-level cities by province. Other values stay allowed where real traffic has them.
SUGGESTIONS: Mapping[str, list[list[Any]]] = {
    "geo.region": [[None, list(places.PROVINCES)]],
    "profile.region": [[None, list(places.PROVINCES)]],
    "geo.city": [[places.PROVINCES[code], list(cities)] for code, cities in places.CITIES.items()],
}


def describe() -> dict[str, Any]:
    """A JSON-able catalogue of the rule language for the admin rule editor."""
    return {
        "families": list(FAMILIES),
        "attributes": [
            {
                "name": a.name,
                "family": a.family,
                "type": a.type,
                "label": a.label,
                "description": a.description,
                "choices": list(a.choices) if a.choices is not None else None,
                "operators": list(a.operators),
                "cyclic": a.cyclic,
                "keyed": a.keyed,
                "key_label": a.key_label,
                "suggestions": SUGGESTIONS.get(a.name),
            }
            for a in _ALL
        ],
        "operators": {t: list(ops) for t, ops in OPERATORS.items()},
        "operator_labels": dict(OPERATOR_LABELS),
    }


#: The value of a key a keyed attribute does not have, when the attribute itself is known: a
#: visitor with a profile viewed an unlisted page 0 times; an absent URL parameter is missing.
KEY_DEFAULTS: Mapping[str, Any] = {"behaviour.page_visits": 0}

#: Longest key a keyed condition may name (a parameter name or a path).
MAX_KEY = 200
#: Most keys a simulated keyed attribute may carry.
MAX_KEYS = 100


def normalise_path(path: str) -> str | None:
    """A page path as ``behaviour.page_visits`` compares it, or None if it is not a path.

    Query and fragment are dropped, percent-escapes decoded (UTF-8), and a trailing slash is
    ignored, so ``/cards``, ``/cards/`` and ``/cards/?from=nav`` are the same page.
    """
    if not isinstance(path, str):
        return None
    if (
        path.startswith("/")
        and path.isascii()
        and path.isprintable()
        and not any(c in path for c in "#?% ")
    ):
        return path.rstrip("/") or "/"  # the common case: a plain path, checked cheaply
    path = path.split("#", 1)[0].split("?", 1)[0].strip()
    if "%" in path:
        path = unquote(path, errors="replace")
    if not path.startswith("/") or not path.isprintable():
        return None
    return path.rstrip("/") or "/"


def gettext_noop(message: str) -> str:
    """Mark an English message template for translation (the engine imports no Django; Django's
    ``makemessages`` extracts calls by this name, and ``targeting.rule_messages`` translates)."""
    return message


#: A message as ``(template, params)``: the English template and the values put in it by ``%``.
Message = tuple[str, dict[str, Any]]


class KeyProblem(ValueError):
    """An unusable key of a keyed condition; ``str()`` is the English message."""

    def __init__(self, template: str, params: dict[str, Any] | None = None) -> None:
        self.problem: Message = (template, dict(params or {}))
        super().__init__(template % self.problem[1])


def normalise_key(name: str, key: Any) -> str:
    """The key of a keyed condition as the engine compares it; ``KeyProblem`` if unusable."""
    if not isinstance(key, str):
        raise KeyProblem(gettext_noop("expected a string"))
    text: str = key.strip()
    if not text:
        raise KeyProblem(gettext_noop("expected a non-empty string"))
    if len(text) > MAX_KEY:
        raise KeyProblem(gettext_noop("longer than %(limit)s characters"), {"limit": MAX_KEY})
    if not text.isprintable():
        raise KeyProblem(gettext_noop("contains control characters"))
    if name == "behaviour.page_visits":
        path = normalise_path(text)
        if path is None:
            raise KeyProblem(gettext_noop("expected a path starting with /, e.g. /cards/"))
        return path
    # Landing-URL parameter names are read case-insensitively (providers.source).
    return text.lower()


_COUNTRY = re.compile(r"[A-Z]{2}")
_REGION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
#: Attributes whose values the providers always write in lowercase.
LOWERCASE = frozenset({"device.os", "device.browser"})
#: Attributes holding ISO 3166-2 codes.
REGIONS = frozenset({"geo.region", "profile.region"})


def vocabulary_problem(name: str, value: str) -> str | None:
    """Why a string value can never be what real traffic has for the attribute (English), or
    None; see ``vocabulary_message``."""
    problem = vocabulary_message(name, value)
    return None if problem is None else problem[0] % problem[1]


def vocabulary_message(name: str, value: str) -> Message | None:
    """Why a string value can never be what real traffic has for the attribute, or None.

    The checks behind "rules that cannot silently fail" (issue 14 item 6): a country is an ISO
    3166-1 code in capitals, a region an ISO 3166-2 code and in China one of the 34 provincial
    divisions, a Chinese city one of the prefecture-level cities, device values lowercase.
    Values of attributes with ``choices`` are checked against them separately.
    """
    shown = {"value": repr(value)}
    if name == "geo.country" and not _COUNTRY.fullmatch(value):
        if value.strip() in ("中国", "China", "cn", "CHN"):
            return gettext_noop(
                "%(value)s is not an ISO 3166-1 country code in capitals, e.g. CN "
                "(did you mean CN?)"
            ), shown
        return gettext_noop(
            "%(value)s is not an ISO 3166-1 country code in capitals, e.g. CN"
        ), shown
    if name in REGIONS:
        code = places.region_by_name(value)
        if code is not None:
            return gettext_noop(
                "%(value)s is not a region code: did you mean %(code)s (%(province)s)?"
            ), {**shown, "code": code, "province": places.PROVINCES[code]}
        if not _REGION.fullmatch(value):
            return gettext_noop(
                "%(value)s is not an ISO 3166-2 region code, e.g. CN-GD (Guangdong)"
            ), shown
        if value.startswith("CN-") and value not in places.PROVINCES:
            return gettext_noop(
                "%(value)s is not one of China's 34 provincial divisions, e.g. CN-GD"
            ), shown
    if name == "geo.city" and places.city_name(value) is None:
        if not value.isascii():
            return gettext_noop(
                "%(value)s is not a prefecture-level city of China, e.g. 广州"
            ), shown
        close = places.close_city(value)
        if close is not None:
            return gettext_noop("%(value)s is not a known city: did you mean %(close)s?"), {
                **shown,
                "close": close,
            }
    if name in LOWERCASE and value != value.lower():
        return gettext_noop("%(value)s: values are lowercase, e.g. %(lower)s"), {
            **shown,
            "lower": repr(value.lower()),
        }
    return None


def canonical(name: str, value: Any) -> Any:
    """A value as the providers write it: a city in pinyin (``Chengdu``) is read as ``成都``."""
    if name == "geo.city" and isinstance(value, str):
        return places.city_name(value) or value
    return value


def coerce(name: str, value: Any) -> Any:
    """Check (and gently convert) a value given for an attribute from outside (the simulate API).

    ``None`` means "unknown" and is always accepted. Integers given as numeric strings and dates
    given as ``date`` objects are converted. Raises ``ValueError`` with a readable message.
    """
    attr = ATTRIBUTES.get(name)
    if attr is None:
        raise ValueError(f"{name}: unknown attribute")
    if value is None:
        return None
    if attr.keyed:
        return _coerce_keyed(attr, value)
    value = _coerce_type(attr, value)
    if attr.choices is not None and value not in attr.choices:
        choices = ", ".join(str(c) for c in attr.choices)
        raise ValueError(f"{name}: {value!r} is not one of: {choices}")
    return canonical(name, value)


def _coerce_keyed(attr: Attribute, value: Any) -> dict[str, Any]:
    """A keyed attribute is given as an object ``{key: value}``."""
    name = attr.name
    if not isinstance(value, Mapping):
        raise ValueError(f"{name}: expected an object of {attr.key_label.lower()} to value")
    if len(value) > MAX_KEYS:
        raise ValueError(f"{name}: more than {MAX_KEYS} keys")
    result: dict[str, Any] = {}
    for key, item in value.items():
        try:
            normal = normalise_key(name, key)
        except ValueError as exc:
            raise ValueError(f"{name}: key {str(key)[:40]!r}: {exc}") from None
        result[normal] = None if item is None else _coerce_type(attr, item, f"{name}.{normal}")
    return result


def _coerce_type(attr: Attribute, value: Any, label: str | None = None) -> Any:
    name = label or attr.name
    if attr.type == "str":
        if not isinstance(value, str):
            raise ValueError(f"{name}: expected a string")
        return value
    if attr.type == "int":
        if isinstance(value, bool):
            raise ValueError(f"{name}: expected a number")
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{name}: expected a number")
    if attr.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true or false")
        return value
    if attr.type == "date":
        if isinstance(value, date):
            return value.isoformat()[:10]
        if isinstance(value, str) and is_iso_date(value):
            return value
        raise ValueError(f"{name}: expected a date YYYY-MM-DD")
    # list
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name}: expected a list of strings")
    return list(value)


def is_iso_date(value: str) -> bool:
    """True for a real calendar date written exactly ``YYYY-MM-DD``."""
    if len(value) != 10 or not value.isascii() or value[4] != "-" or value[7] != "-":
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
