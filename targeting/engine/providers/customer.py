"""The ``profile``, ``history``, ``crm`` and ``listening`` families, from the signed-in customer.

``RequestInfo.customer_loader`` returns the customer's record as a mapping, or None for an
anonymous visitor or a user without a customer record::

    {
        "age": 34,                      # or "birth_date": "1991-05-02"
        "gender": "female",             # male / female / other
        "income_band": "high",          # low / middle / high / very_high
        "occupation": "engineer",
        "region": "CN-SC",
        "products": ["credit-card-gold", "savings"],
        "interests": ["travel"],
        "risk_tolerance": 3,            # 1-5
        "is_customer": True,            # default True when a record exists
        "crm_segments": ["VIP", {"code": "CARD_UPSELL", "expires": "2025-12-31"}],
        "applications": ["mortgage"],
        "purchases": ["fund-a"],
        "listening_intents": ["credit_card"],   # purchase intent heard by social listening
    }

``profile.is_signed_in`` comes from ``RequestInfo.customer_id`` (set for a signed-in user) and is
True whenever a record was loaded. Without a record, ``profile.is_customer`` is False (that much is known) and everything else is
None, so ``{"attr": "profile.age", "op": "lt", "value": 30}`` is false and its ``not`` true.
CRM memberships whose ``expires`` date (inclusive, in local time) has passed are dropped here,
whether or not the loader filtered them already.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..attributes import GENDERS, INCOME_BANDS
from .behaviour import as_string_list, parse_datetime
from .time import local_time

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

_STRINGS = {
    "profile.occupation": "occupation",
    "profile.region": "region",
}
_LISTS = {
    "profile.products": "products",
    "profile.interests": "interests",
    "history.applications": "applications",
    "history.purchases": "purchases",
    # Social listening (community.listening): product types of recent purchase intents.
    "listening.purchase_intent": "listening_intents",
}
ANONYMOUS: dict[str, Any] = {
    "profile.age": None,
    "profile.gender": None,
    "profile.income_band": None,
    "profile.occupation": None,
    "profile.region": None,
    "profile.products": None,
    "profile.interests": None,
    "profile.risk_tolerance": None,
    "profile.is_customer": False,
    "profile.is_signed_in": False,
    "crm.segments": None,
    "history.applications": None,
    "history.purchases": None,
    "listening.purchase_intent": None,
}


def provide_customer(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``profile.*``, ``history.*`` and ``crm.*`` attributes of a visitor."""
    signed_in = info.customer_id is not None
    record = info.customer_loader() if info.customer_loader is not None else None
    if not record:
        return {**ANONYMOUS, "profile.is_signed_in": signed_in}
    today = local_time(info.now, info.timezone, config.site_timezone).date()
    result: dict[str, Any] = {}
    result["profile.age"] = _age(record, today)
    result["profile.gender"] = _choice(record.get("gender"), GENDERS)
    result["profile.income_band"] = _choice(record.get("income_band"), INCOME_BANDS)
    for name, key in _STRINGS.items():
        value = record.get(key)
        result[name] = value if isinstance(value, str) and value else None
    for name, key in _LISTS.items():
        result[name] = as_string_list(record.get(key))
    risk = record.get("risk_tolerance")
    valid_risk = isinstance(risk, int) and not isinstance(risk, bool) and 1 <= risk <= 5
    result["profile.risk_tolerance"] = risk if valid_risk else None
    is_customer = record.get("is_customer", True)
    result["profile.is_customer"] = is_customer if isinstance(is_customer, bool) else True
    result["crm.segments"] = _crm_segments(record.get("crm_segments"), today)
    # A record comes only for a signed-in user (or a test or push that describes one).
    result["profile.is_signed_in"] = True
    return result


def _choice(value: Any, choices: tuple[str, ...]) -> str | None:
    return value if isinstance(value, str) and value in choices else None


def _age(record: Any, today: date) -> int | None:
    age = record.get("age")
    if isinstance(age, int) and not isinstance(age, bool):
        return age if 0 <= age < 150 else None
    born = _date(record.get("birth_date"))
    if born is None or born > today:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            parsed = parse_datetime(value)
            return parsed.date() if parsed is not None else None
    return None


def _crm_segments(value: Any, today: date) -> list[str] | None:
    if not isinstance(value, list | tuple | set | frozenset):
        return None
    codes: list[str] = []
    for item in value:
        if isinstance(item, str):
            codes.append(item)
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            expires = item.get("expires")
            if expires is not None:
                until = _date(expires)
                if until is None or until < today:
                    continue  # expired, or an expiry we cannot read: do not target on it
            codes.append(item["code"])
    return codes
