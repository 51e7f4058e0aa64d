"""Demo traffic: 30 days of seen impressions, clicks and applications for the demo campaigns.

It goes through the same pipeline as real traffic: each event is checked by the event schema,
appended to the event buffer (Redis, or the raw log), drained and folded by tracking's task, and
the rollups are built from the raw log by ``rollups.roll_up``. Nothing is written into the
rollups directly. Deterministic (a fixed seed) and idempotent: the events have fixed ids under
their own source, so a second run adds nothing.

Each campaign's first creative converts at a base rate; a second creative converts clearly
better (the experiment's winner to find); a holdout converts worse, so lift shows.

It also sets up conversion goals (``ensure_goals``) so the goal screen is not empty and the
reports count them: reaching a product's application-confirmation page (the applicants whose
browser sends page views), the callback form and a custom ``calculator_used`` event, each
attributed by the rollups to the visitor's last touch within the goal's window.
"""

from __future__ import annotations

import hashlib
import importlib
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from targeting.measurement import rollups
from targeting.measurement.models import ConversionGoal
from targeting.models import Campaign
from targeting.tracking import buffer, tasks
from targeting.tracking.models import RawEvent
from targeting.tracking.schema import Event, validate_event

SOURCE = "s:demo"
DAYS = 30
SEED = 20261129
#: Visitors a campaign reaches on an average weekday.
DAILY_VISITORS = 50
#: Campaigns with more traffic: the demo's running experiment (``experiment_demo.EXPERIMENT``)
#: needs enough seen impressions for its always-valid test to name the winner in 30 days.
TRAFFIC_FACTOR = {"first-time-visitors-campaign": 4}
DEVICES = (("mobile", 0.64), ("desktop", 0.27), ("tablet", 0.09))
#: Click-through and click-to-application rates by the creative's position in the campaign.
CREATIVE_RATES = ((0.035, 0.10), (0.06, 0.16), (0.04, 0.08))
HOLDOUT_CONVERSION = 0.002
#: Products the demo applications are for, by campaign (any product slug is valid in events).
BATCH = 1000
#: The demo's conversion goals besides applications: (kind, target, window in days or None).
CALLBACK_FORM = "callback"
CALCULATOR_EVENT = "calculator_used"
#: Of those who clicked: share who ask for a callback, share who use the calculator.
CALLBACK_RATE = 0.05
CALCULATOR_RATE = 0.12
#: Of applicants: share whose browser reports the confirmation page (analytics consent).
CONFIRMATION_SEEN = 0.6


def visitor_id(number: int) -> str:
    """A stable, valid visitor id (32 hex digits) for demo visitor ``number``."""
    return hashlib.blake2b(f"demo-visitor-{number}".encode(), digest_size=16).hexdigest()


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    point, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if point < total:
            return value
    return weighted[-1][0]


def confirmation_path() -> str:
    """The application-confirmation page of the first live product page (``apply/done/``)."""
    # local: wagtail's page tree is loaded with the apps; measurement names no page type
    from wagtail.models import Page

    page = (
        Page.objects.live()
        .filter(content_type__app_label="products", content_type__model="productpage")
        .order_by("path")
        .first()
    )
    base = urlsplit(page.url or "/").path if page is not None else "/"
    return (base if base.endswith("/") else base + "/") + "apply/done/"


def ensure_goals(confirmation: str) -> list[ConversionGoal]:
    """The demo's conversion goals, created once (a marketer's later edits are kept)."""
    wanted = [
        (ConversionGoal.Kind.PAGE, confirmation, "申请确认页", None),
        (ConversionGoal.Kind.FORM, CALLBACK_FORM, "预约回电", 14),
        (ConversionGoal.Kind.EVENT, CALCULATOR_EVENT, "使用贷款计算器", 7),
    ]
    goals = []
    for kind, key, name, days in wanted:
        goal, _created = ConversionGoal.objects.get_or_create(
            kind=kind, key=key, defaults={"name": name, "attribution_window_days": days}
        )
        goals.append(goal)
    return goals


def _campaign_traffic(
    campaign: Campaign,
    number: int,
    rng: random.Random,
    now: datetime,
    confirmation: str = "/apply/done/",
) -> Iterator[dict[str, Any]]:
    """The raw events (as a channel would send them) of one campaign over the demo days."""
    creatives = [str(link.creative_id) for link in campaign.campaign_creatives.all()]
    placements = sorted(p.slug for p in campaign.placements.all()) or ["home-hero"]
    segments = sorted(s.slug for s in campaign.include_segments.all())
    segment = segments[0] if segments else ""
    holdout = int(getattr(campaign, "holdout_percent", 0) or 0)
    product = f"demo-{campaign.slug}"[:80]
    today = timezone.localdate(now)
    latest = now - timedelta(minutes=1)
    counter = 0
    daily = DAILY_VISITORS * TRAFFIC_FACTOR.get(campaign.slug, 1)
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        weekend = day.isoweekday() >= 6
        visitors = int(daily * (0.7 if weekend else 1.0) * rng.uniform(0.8, 1.2))
        if back == 0:  # today so far
            visitors = max(6, int(visitors * timezone.localtime(now).hour / 24))
        for _ in range(visitors):
            counter += 1
            who = visitor_id(number * 1_000_000 + rng.randrange(daily * DAYS))
            start = datetime.combine(
                day, datetime.min.time(), tzinfo=timezone.get_current_timezone()
            )
            moment = start + timedelta(seconds=rng.randrange(8 * 3600, 23 * 3600))
            if moment > now - timedelta(minutes=2):
                moment = now - timedelta(minutes=rng.randrange(2, 60))
            device = _pick(rng, DEVICES)
            if holdout and rng.randrange(100) < holdout:
                arm, ctr, apply_rate = "holdout", 0.0, None
            else:
                index = rng.randrange(len(creatives)) if creatives else 0
                arm = creatives[index] if creatives else ""
                ctr, apply_rate = CREATIVE_RATES[min(index, len(CREATIVE_RATES) - 1)]
            touch = {
                "campaign": campaign.slug,
                "creative": arm,
                "placement": rng.choice(placements),
                **({"segment": segment} if segment else {}),
                "device": device,
            }
            key = f"demo-{campaign.slug}-{counter}"[:60]
            yield _event(f"{key}-i", "impression", moment, who, touch)
            if rng.random() < 0.35:  # some come back and see it again
                yield _event(
                    f"{key}-j", "impression", min(moment + timedelta(hours=2), latest), who, touch
                )
            if arm == "holdout":
                if rng.random() < HOLDOUT_CONVERSION * 10:
                    yield _application(f"{key}-a", moment, who, product, None)
                continue
            if rng.random() < ctr * 2:  # two chances: the impression and the return
                clicked = min(moment + timedelta(seconds=rng.randrange(5, 300)), latest)
                yield _event(f"{key}-c", "click", clicked, who, {**touch, "kind": "cta"})
                if apply_rate and rng.random() < apply_rate * 2:
                    applied = min(clicked + timedelta(minutes=rng.randrange(3, 40)), latest)
                    yield _application(f"{key}-a", applied, who, product, touch)
                    if rng.random() < CONFIRMATION_SEEN:
                        seen = min(applied + timedelta(seconds=2), latest)
                        yield _event(f"{key}-p", "page_view", seen, who, {"path": confirmation})
                # Goals that name no campaign: the rollups attribute them to the last touch.
                later = min(clicked + timedelta(minutes=rng.randrange(1, 60)), latest)
                if rng.random() < CALCULATOR_RATE:
                    yield _event(f"{key}-g", "goal", later, who, {"goal": CALCULATOR_EVENT})
                if rng.random() < CALLBACK_RATE:
                    yield _event(f"{key}-f", "form_submit", later, who, {"form": CALLBACK_FORM})


def _event(
    client_id: str, type_: str, at: datetime, who: str, properties: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": client_id,
        "type": type_,
        "at": at.isoformat(),
        "visitor": who,
        "channel": "web",
        "properties": properties,
    }


def _application(
    client_id: str, at: datetime, who: str, product: str, touch: dict[str, Any] | None
) -> dict[str, Any]:
    """An application as products records it: the attribution on the event when there is one."""
    properties: dict[str, Any] = {"product": product}
    if touch:
        properties.update(
            {
                k: v
                for k, v in touch.items()
                if k in ("campaign", "creative", "placement", "segment", "device")
            }
        )
        properties["touch"] = "click"
    return _event(client_id, "application", at, who, properties)


def _checked(raw: dict[str, Any], now: datetime) -> Event:
    checked = validate_event(
        raw,
        now=now,
        from_browser=False,
        site_timezone=settings.TIME_ZONE,
        max_past=timedelta(days=DAYS + 1),
    )
    if isinstance(checked, dict):  # pragma: no cover - the demo's own events are valid
        raise ValueError(f"demo event {raw['id']} refused: {checked}")
    return checked


def _hook(name: str, stdout: IO[str] | Any) -> None:
    """Experiments' demo (``experiment_demo``) prepares before and reads after the traffic."""
    try:
        module = importlib.import_module("targeting.measurement.experiment_demo")
    except ModuleNotFoundError:
        return
    function = getattr(module, name, None)
    if function is not None:
        function(stdout)


def seed(stdout: IO[str] | Any) -> None:
    """Send the demo traffic once, then bring the rollups up to date."""
    _hook("before_traffic", stdout)
    started = time.monotonic()
    confirmation = confirmation_path()
    goals = ensure_goals(confirmation)
    stdout.write(f"measurement: {len(goals)} conversion goals (page {confirmation})")
    if RawEvent.objects.filter(source=SOURCE).exists():
        rollups.roll_up(settle=timedelta(0))
        stdout.write("measurement: demo traffic already sent; rollups brought up to date")
        _hook("after_traffic", stdout)
        return
    now = timezone.now()
    rng = random.Random(SEED)  # demo traffic, seeded on purpose; no secret  # nosec B311
    campaigns = list(
        Campaign.objects.filter(live=True)
        .prefetch_related("campaign_creatives", "placements", "include_segments")
        .order_by("slug")
    )
    sent = 0
    pending: list[Event] = []
    for number, campaign in enumerate(campaigns, start=1):
        for raw in _campaign_traffic(campaign, number, rng, now, confirmation):
            pending.append(_checked(raw, now))
            if len(pending) >= BATCH:
                buffer.append(SOURCE, pending, now)
                sent += len(pending)
                pending = []
    if pending:
        buffer.append(SOURCE, pending, now)
        sent += len(pending)

    tasks.process_events()
    rolled = rollups.roll_up(settle=timedelta(0))
    stdout.write(
        f"measurement: {sent} demo events for {len(campaigns)} campaigns over {DAYS} days, "
        f"{rolled} rolled up in {time.monotonic() - started:.1f} s"
    )
    _hook("after_traffic", stdout)
