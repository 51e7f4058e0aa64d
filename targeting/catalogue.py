"""The rule language's catalogue for the admin, in the active language.

The engine (``targeting.engine.attributes``) stays free of Django, so its English labels,
descriptions and operator names are translated here, on the way to the rule editor. Only display
strings are translated: attribute names, families, operator codes and choice values stay as the
engine wrote them, because they are what a rule stores.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext, gettext_noop

from targeting.engine import places
from targeting.engine.attributes import describe

#: Every label, description and operator name of ``describe()``, listed once as literals so
#: ``makemessages`` finds them. Regenerate when the engine's registry changes.
ENGINE_MSGIDS: tuple[str, ...] = (
    gettext_noop("Traffic source"),
    gettext_noop("How the visitor arrived."),
    gettext_noop("Referring host"),
    gettext_noop("Host name of the referring page."),
    gettext_noop("Search engine"),
    gettext_noop("Search engine of the referrer."),
    gettext_noop("Social network"),
    gettext_noop("Social network or messaging app of the referrer."),
    gettext_noop("Search keyword"),
    gettext_noop("From the search engine's referrer, else utm_term or a paid-search parameter."),
    gettext_noop("UTM source"),
    gettext_noop("UTM medium"),
    gettext_noop("UTM campaign"),
    gettext_noop("Landing path"),
    gettext_noop("Path of the page the visit started on."),
    gettext_noop("Country"),
    gettext_noop("ISO 3166-1 alpha-2 code, e.g. CN."),
    gettext_noop("Region"),
    gettext_noop("ISO 3166-2 code, e.g. CN-SC (Sichuan)."),
    gettext_noop("City"),
    gettext_noop(
        "A prefecture-level city of China by its Chinese name, e.g. 成都; elsewhere GeoIP's "
        "English name."
    ),
    gettext_noop("Hour of day"),
    gettext_noop("0-23."),
    gettext_noop("Day of week"),
    gettext_noop("1 = Monday ... 7 = Sunday."),
    gettext_noop("Weekend"),
    gettext_noop("Saturday or Sunday."),
    gettext_noop("Public holiday"),
    gettext_noop("A day off of a mainland China public holiday (including bridged days)."),
    gettext_noop("Working day"),
    gettext_noop("A working day in mainland China, counting adjusted working weekends."),
    gettext_noop("Date"),
    gettext_noop("Local date, YYYY-MM-DD."),
    gettext_noop("Device type"),
    gettext_noop("Operating system"),
    gettext_noop("e.g. ios, android, windows, macos, linux."),
    gettext_noop("Browser"),
    gettext_noop("e.g. chrome, safari, wechat, alipay, firefox."),
    gettext_noop("In-app browser"),
    gettext_noop("WeChat or Alipay built-in browser."),
    gettext_noop("Visits"),
    gettext_noop("Page-view days recorded for the visitor."),
    gettext_noop("Sessions"),
    gettext_noop("Page views"),
    gettext_noop("Product categories viewed"),
    gettext_noop("On-site searches"),
    gettext_noop("Campaigns clicked"),
    gettext_noop("Campaign slugs."),
    gettext_noop("Days since last visit"),
    gettext_noop("Calendar days in the site time zone; 0 = earlier today."),
    gettext_noop("Page views this session"),
    gettext_noop("Age"),
    gettext_noop("Gender"),
    gettext_noop("Income band"),
    gettext_noop("Occupation"),
    gettext_noop("Home region"),
    gettext_noop("ISO 3166-2 code, e.g. CN-SC."),
    gettext_noop("Products held"),
    gettext_noop("Product slugs."),
    gettext_noop("Declared interests"),
    gettext_noop("Risk tolerance"),
    gettext_noop("1 (lowest) to 5."),
    gettext_noop("Is a customer"),
    gettext_noop("False for anonymous visitors and for signed-in users without a customer record."),
    gettext_noop("CRM segments"),
    gettext_noop("Imported CRM segment codes still in force."),
    gettext_noop("Products applied for"),
    gettext_noop("Products bought"),
    gettext_noop("Purchase intent heard"),
    gettext_noop(
        "Product types the customer showed intent to buy in their own posts, last 30 days."
    ),
    # Recent channel events (targeting.engine.providers.channels)
    gettext_noop("Last card merchant code"),
    gettext_noop("MCC of the latest card transaction."),
    gettext_noop("Last card spending category"),
    gettext_noop("Category of the latest card transaction's merchant code."),
    gettext_noop("Last card amount"),
    gettext_noop("Amount of the latest card transaction."),
    gettext_noop("Hours since the last card transaction"),
    gettext_noop("Whole hours; 0-23 means within the last 24 hours."),
    gettext_noop("Card spending categories in 24 hours"),
    gettext_noop("Categories of the card transactions of the last 24 hours."),
    gettext_noop("Card transactions in 30 days"),
    gettext_noop("Card spend in 30 days"),
    gettext_noop("Whole yuan (rounded down), every category."),
    gettext_noop("Card spend in 30 days: travel"),
    gettext_noop("Whole yuan, merchant codes of this category."),
    gettext_noop("Card spend in 30 days: dining"),
    gettext_noop("Card spend in 30 days: groceries"),
    gettext_noop("Card spend in 30 days: fuel"),
    gettext_noop("Card spend in 30 days: shopping"),
    gettext_noop("Card spend in 30 days: online"),
    gettext_noop("Card spend in 30 days: entertainment"),
    gettext_noop("Card spend in 30 days: education"),
    gettext_noop("Card spend in 30 days: medical"),
    gettext_noop("Card spend in 30 days: utilities"),
    gettext_noop("Card spend in 30 days: other"),
    gettext_noop("Last branch visited"),
    gettext_noop("Branch code of the latest queue swipe."),
    gettext_noop("Days since the last branch visit"),
    gettext_noop("Branch visit days in 90 days"),
    gettext_noop("App opened in 30 days"),
    gettext_noop("Days since the app was last opened"),
    gettext_noop("Days with an app open in 30 days"),
    gettext_noop("Call-centre contacts in 30 days"),
    gettext_noop("Reason of the last call-centre contact"),
    gettext_noop("Product categories viewed in 7 days"),
    gettext_noop("Product categories whose pages were viewed today or in the 6 days before."),
    gettext_noop("Categories viewed in 7 days without an application"),
    gettext_noop(
        "Viewed in the last 7 days with no application for that category in the same days."
    ),
    gettext_noop("Event type"),
    gettext_noop("e.g. card_transaction, branch_queue_swipe."),
    gettext_noop("Event channel"),
    gettext_noop("web, app, atm, pos, branch, call_centre."),
    gettext_noop("Merchant category code"),
    gettext_noop("Card MCC, 4 digits."),
    gettext_noop("Merchant name"),
    gettext_noop("Transaction amount"),
    gettext_noop("In the event's currency."),
    gettext_noop("Currency"),
    gettext_noop("ISO 4217 code, e.g. CNY."),
    gettext_noop("Card terminal"),
    gettext_noop("atm, pos or online."),
    gettext_noop("Branch"),
    gettext_noop("Branch code of a queue-machine swipe."),
    gettext_noop("Branch service"),
    gettext_noop("Service chosen at the queue machine."),
    gettext_noop("is"),
    gettext_noop("is not"),
    gettext_noop("is one of"),
    gettext_noop("is none of"),
    gettext_noop("contains"),
    gettext_noop("starts with"),
    gettext_noop("matches the regular expression"),
    gettext_noop("is greater than"),
    gettext_noop("is at least"),
    gettext_noop("is less than"),
    gettext_noop("is at most"),
    gettext_noop("is between (inclusive)"),
    gettext_noop("is known"),
    # Keyed attributes (issue 14 item 1)
    gettext_noop("Landing-URL parameter"),
    gettext_noop(
        "The value of one parameter of the landing URL, e.g. ?promo=spring (name ignores case)."
    ),
    gettext_noop("Parameter name"),
    gettext_noop("Views of a page"),
    gettext_noop("How many times the visitor viewed the page at this path, e.g. /cards/."),
    gettext_noop("Page path"),
    # The peer's other conditions (issue 14 item 2)
    gettext_noop("Referring URL"),
    gettext_noop("The whole address of the referring page, as the browser sent it (use matches)."),
    gettext_noop("Is signed in"),
    gettext_noop("The visitor is signed in to the site (customer record or not)."),
    # The visit's arrival, samples and static audiences (issue 14 items 3 and 4)
    gettext_noop("Arrival source"),
    gettext_noop("How the visit arrived, kept for the whole visit."),
    gettext_noop("Arrival referring host"),
    gettext_noop("Arrival search engine"),
    gettext_noop("Search engine the visit came from."),
    gettext_noop("Arrival social network"),
    gettext_noop("Social network or app the visit came from."),
    gettext_noop("Arrival search keyword"),
    gettext_noop("Kept for the whole visit."),
    gettext_noop("Arrival UTM source"),
    gettext_noop("Arrival UTM medium"),
    gettext_noop("Arrival UTM campaign"),
    gettext_noop("Arrival landing path"),
    gettext_noop("First page of the visit."),
    gettext_noop("Random bucket"),
    gettext_noop(
        "0-99, a stable hash of the visitor id and the key: bucket < 20 is a random fifth of "
        "visitors, the same on every visit. Unknown without consent."
    ),
    gettext_noop("Sample name"),
    gettext_noop("Visitor ids"),
    gettext_noop(
        "The browser's visitor id and, signed in, the customer's profile id (static audiences)."
    ),
)

#: Display names of the attribute families (the part of an attribute name before the dot).
FAMILY_LABELS: dict[str, str] = {
    "source": gettext_noop("Traffic source"),
    "geo": gettext_noop("Location"),
    "time": gettext_noop("Time"),
    "device": gettext_noop("Device"),
    "behaviour": gettext_noop("Browsing behaviour"),
    "session": gettext_noop("This session"),
    "visitor": gettext_noop("Visitor"),
    "profile": gettext_noop("Customer profile"),
    "crm": gettext_noop("CRM"),
    "history": gettext_noop("Product history"),
    "listening": gettext_noop("Social listening"),
    "card": gettext_noop("Card transactions"),
    "branch": gettext_noop("Branch visits"),
    "app": gettext_noop("Mobile app"),
    "call_centre": gettext_noop("Call centre"),
    "event": gettext_noop("The triggering event"),
}

_SOURCE_KINDS = {
    "direct": gettext_noop("Direct visit"),
    "search": gettext_noop("Search engine"),
    "social": gettext_noop("Social network"),
    "internal": gettext_noop("Internal link"),
    "referral": gettext_noop("Referring site"),
    "campaign": gettext_noop("Campaign link"),
}

_SEARCH_ENGINES = {
    "baidu": gettext_noop("Baidu"),
    "google": gettext_noop("Google"),
    "bing": gettext_noop("Bing"),
    "sogou": gettext_noop("Sogou"),
    "so360": gettext_noop("360 Search"),
    "shenma": gettext_noop("Shenma"),
    "toutiao": gettext_noop("Toutiao"),
    "yahoo": gettext_noop("Yahoo"),
    "yandex": gettext_noop("Yandex"),
    "duckduckgo": gettext_noop("DuckDuckGo"),
}

_SOCIAL_NETWORKS = {
    "weibo": gettext_noop("Weibo"),
    "wechat": gettext_noop("WeChat"),
    "qq": gettext_noop("QQ"),
    "douyin": gettext_noop("Douyin"),
    "kuaishou": gettext_noop("Kuaishou"),
    "zhihu": gettext_noop("Zhihu"),
    "xiaohongshu": gettext_noop("Xiaohongshu"),
    "bilibili": gettext_noop("Bilibili"),
    "tieba": gettext_noop("Baidu Tieba"),
    "douban": gettext_noop("Douban"),
    "facebook": gettext_noop("Facebook"),
    "twitter": gettext_noop("Twitter"),
    "linkedin": gettext_noop("LinkedIn"),
    "instagram": gettext_noop("Instagram"),
    "youtube": gettext_noop("YouTube"),
    "reddit": gettext_noop("Reddit"),
}

_CARD_CATEGORIES = {
    "travel": gettext_noop("Travel"),
    "dining": gettext_noop("Dining"),
    "groceries": gettext_noop("Groceries"),
    "fuel": gettext_noop("Fuel"),
    "shopping": gettext_noop("Shopping"),
    "online": gettext_noop("Online and digital"),
    "entertainment": gettext_noop("Entertainment"),
    "education": gettext_noop("Education"),
    "medical": gettext_noop("Medical"),
    "utilities": gettext_noop("Telecoms and utilities"),
    "other": gettext_noop("Other"),
}

#: Display names of closed-set values, by attribute name and then by value (as a string, the way
#: the editor's ``<option>`` values are written). Values without an entry are shown as they are.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "source.kind": _SOURCE_KINDS,
    "session.source.kind": _SOURCE_KINDS,
    "source.search_engine": _SEARCH_ENGINES,
    "source.social_network": _SOCIAL_NETWORKS,
    "session.source.search_engine": _SEARCH_ENGINES,
    "session.source.social_network": _SOCIAL_NETWORKS,
    "time.weekday": {
        "1": gettext_noop("Monday"),
        "2": gettext_noop("Tuesday"),
        "3": gettext_noop("Wednesday"),
        "4": gettext_noop("Thursday"),
        "5": gettext_noop("Friday"),
        "6": gettext_noop("Saturday"),
        "7": gettext_noop("Sunday"),
    },
    "device.type": {
        "mobile": gettext_noop("Mobile phone"),
        "tablet": gettext_noop("Tablet"),
        "desktop": gettext_noop("Desktop computer"),
        "bot": gettext_noop("Bot or crawler"),
    },
    "device.in_app": {
        "wechat": gettext_noop("WeChat"),
        "alipay": gettext_noop("Alipay"),
        "none": gettext_noop("Regular browser"),
    },
    "profile.gender": {
        "male": gettext_noop("Male"),
        "female": gettext_noop("Female"),
        "other": gettext_noop("Other"),
    },
    "profile.income_band": {
        "low": gettext_noop("Low"),
        "middle": gettext_noop("Middle"),
        "high": gettext_noop("High"),
        "very_high": gettext_noop("Very high"),
    },
    "card.last_category": _CARD_CATEGORIES,
    "card.categories_24h": _CARD_CATEGORIES,
    "profile.risk_tolerance": {
        "1": gettext_noop("1 (lowest)"),
        "5": gettext_noop("5 (highest)"),
    },
}


def _t(text: str) -> str:
    return gettext(text) if text else text


def localized_catalogue() -> dict[str, Any]:
    """``describe()`` with its display strings in the active language, plus display names.

    Adds ``family_labels`` (family -> name) and ``choice_labels`` (attribute -> value -> name)
    for the editor; every key and value the engine gave is kept unchanged.
    """
    catalogue = copy.deepcopy(describe())
    for attribute in catalogue["attributes"]:
        attribute["label"] = _t(attribute["label"])
        attribute["description"] = _t(attribute["description"])
        attribute["key_label"] = _t(attribute["key_label"])
    catalogue["operator_labels"] = {
        op: _t(label) for op, label in catalogue["operator_labels"].items()
    }
    catalogue["family_labels"] = {
        family: gettext(FAMILY_LABELS[family]) if family in FAMILY_LABELS else family
        for family in catalogue["families"]
    }
    catalogue["choice_labels"] = {
        name: {value: gettext(label) for value, label in labels.items()}
        for name, labels in CHOICE_LABELS.items()
    }
    # China's provincial divisions by their Chinese names (the same in every language).
    for name in ("geo.region", "profile.region"):
        catalogue["choice_labels"][name] = dict(places.PROVINCES)
    return catalogue
