"""Demo push marketing: offers, triggers and the demo customer's contact preferences.

Idempotent: rows are found by slug and republished only when their content changed. Offers are
published here the way compliance's approval would publish them (seed data is pre-approved).
``manage.py demo_scenario`` then plays the two cases of issue 11 through the event pipeline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from targeting.push.models import (
    INBOX,
    QUEUE_SCREEN,
    RM_LEAD,
    SMS,
    ContactPreference,
    Offer,
    Trigger,
)
from targeting.push.triggers import bump_version

DEMO_CUSTOMER = "vip-demo"
DEMO_PHONE = "13800138000"
DEMO_BRANCH = "CD-TF01"
#: Card merchant category codes of travel: airlines (3000-3350, 4511), car hire, hotels (3501-
#: 3999, 7011), travel agencies (4722), cruise lines (4411).
TRAVEL_MCCS = ["3000", "3001", "3005", "3058", "4411", "4511", "4722", "7011", "3501", "3640"]

OFFERS: list[dict[str, Any]] = [
    {
        "slug": "travel-platinum-card",
        "name": "白金信用卡（旅行客群）",
        "product_slug": "platinum-credit-card",
        "risk_level": 0,
        "channels": [SMS, INBOX],
        "priority": 10,
        "value": 1200,
        "prior_propensity": 0.04,
        "title": "{{ name }}，出行更尊享",
        "body": "{{ name }}您好，刚在{{ merchant }}消费？白金信用卡境外消费最高返现2%，"
        "每年6次机场贵宾厅。",
        "sms_text": "【示例银行】{{ name }}您好，白金信用卡境外返现最高2%，"
        "含机场贵宾厅，详询{{ link }}",
        "link_url": "http://127.0.0.1:8000/personal/platinum-credit-card/",
    },
    {
        "slug": "private-fund-r5",
        "name": "代销私募证券投资基金（R5）",
        "product_slug": "private-securities-fund",
        "risk_level": 5,
        "channels": [SMS, INBOX],
        "priority": 20,
        "value": 20000,
        "prior_propensity": 0.01,
        "title": "{{ name }}，私募精选",
        "body": "{{ name }}您好，甄选私募管理人，追求较高长期回报。",
        "sms_text": "【示例银行】{{ name }}您好，私募精选产品发售中。",
        "link_url": "http://127.0.0.1:8000/private-banking/private-securities-fund/",
    },
    {
        "slug": "branch-wealth-review",
        "name": "网点理财面谈",
        "product_slug": "steady-wealth",
        "risk_level": 2,
        "channels": [RM_LEAD],
        "priority": 5,
        "value": 3000,
        "prior_propensity": 0.15,
        "title": "{{ name }}到店：建议理财面谈",
        "body": "{{ name }}正在{{ branch }}排队，风险承受能力匹配稳盈理财（R2），"
        "请客户经理邀请面谈。",
    },
    {
        "slug": "branch-queue-greeting",
        "name": "叫号屏问候",
        "product_slug": "",
        "risk_level": 0,
        "channels": [QUEUE_SCREEN],
        "priority": 1,
        "value": 1,
        "prior_propensity": 1.0,
        "title": "欢迎光临",
        "body": "{{ name }}，欢迎光临！您的客户经理将很快为您服务。",
    },
    {
        "slug": "birthday-greeting",
        "name": "生日祝福",
        "product_slug": "",
        "risk_level": 0,
        "channels": [INBOX],
        "priority": 1,
        "value": 1,
        "prior_propensity": 1.0,
        "title": "{{ name }}，生日快乐",
        "body": "{{ name }}，祝您生日快乐！本月信用卡消费享双倍积分。",
    },
]

TRIGGERS: list[dict[str, Any]] = [
    {
        "slug": "travel-card-payment",
        "name": "旅行商户刷卡（≥1000元）",
        "kind": Trigger.KIND_EVENT,
        "event_type": "card_transaction",
        "condition": {
            "all": [
                {"attr": "event.merchant_category_code", "op": "in", "value": TRAVEL_MCCS},
                {"attr": "event.amount", "op": "gte", "value": 1000},
            ]
        },
        "offers": ["travel-platinum-card", "private-fund-r5"],
        "cooldown_hours": 72,
    },
    {
        "slug": "branch-queue-lead",
        "name": "网点叫号：客户经理线索",
        "kind": Trigger.KIND_EVENT,
        "event_type": "branch_queue_swipe",
        "condition": {"attr": "profile.is_customer", "op": "eq", "value": True},
        "offers": ["branch-wealth-review"],
        "cooldown_hours": 0,
    },
    {
        "slug": "branch-queue-greeting",
        "name": "网点叫号：叫号屏问候",
        "kind": Trigger.KIND_EVENT,
        "event_type": "branch_queue_swipe",
        "condition": {},
        "offers": ["branch-queue-greeting"],
        "cooldown_hours": 0,
    },
    {
        "slug": "birthday",
        "name": "生日祝福",
        "kind": Trigger.KIND_DATE,
        "date_field": Trigger.DATE_BIRTHDAY,
        "schedule_hour": 9,
        "condition": {},
        "offers": ["birthday-greeting"],
        "cooldown_hours": 24,
    },
]


def _publish(instance: Any, data: dict[str, Any]) -> bool:
    changed = instance.pk is None or any(getattr(instance, k) != v for k, v in data.items())
    if not changed and instance.live:
        return False
    for key, value in data.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    instance.save_revision().publish()
    return True


def seed(stdout: Any) -> None:
    offers = {}
    for data in OFFERS:
        data = dict(data)
        slug = data.pop("slug")
        offer = Offer.objects.filter(slug=slug).first() or Offer(slug=slug)
        _publish(offer, data)
        offers[slug] = offer
    for data in TRIGGERS:
        data = dict(data)
        slug = data.pop("slug")
        wanted = [offers[s] for s in data.pop("offers")]
        trigger = Trigger.objects.filter(slug=slug).first() or Trigger(slug=slug)
        same_offers = trigger.pk is not None and {o.pk for o in trigger.offers.all()} == {
            o.pk for o in wanted
        }
        if not same_offers:
            trigger.offers.set(wanted)
            trigger.live = False  # republish below with the new offers
        _publish(trigger, data)
    user = get_user_model().objects.filter(username=DEMO_CUSTOMER).first()
    if user is not None:
        pref, created = ContactPreference.objects.get_or_create(
            user=user,
            defaults={
                "marketing_consent": True,
                "consent_changed_at": timezone.now(),
                "phone": DEMO_PHONE,
                "birthday": date(1981, 6, 18),
            },
        )
        if not created and not pref.phone:
            pref.phone = DEMO_PHONE
            pref.save(update_fields=["phone", "updated_at"])
    bump_version()
    stdout.write(
        f"push: {len(OFFERS)} offers, {len(TRIGGERS)} triggers; {DEMO_CUSTOMER!r} consents, "
        f"phone {DEMO_PHONE}; try: manage.py demo_scenario"
    )
