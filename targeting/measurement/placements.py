"""Campaigns side by side on one placement: the A/B/n readout "between campaigns".

Campaigns that share a placement compete for it (by priority, weight and audience). This
compares them on that placement only: each campaign's seen impressions, clicks and attributed
conversions in the placement's rollup cells, its rate on the goal with a Wilson interval, and
against a control campaign (by default the one with the most seen impressions, the incumbent)
the two-proportion test, the Bayesian chance to beat it and the expected loss, plus every
campaign's chance to be the best. Holdout arms (visitors who saw the default content) are left
out: they belong to their campaign's own experiment. A campaign seen by fewer than k distinct
visitors (``MEASUREMENT_MIN_VISITORS``) shows its counts but gets no chances. Every number comes
from ``DailyRollup``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, QuerySet, Sum

from targeting.measurement import stats
from targeting.measurement.models import DailyRollup
from targeting.measurement.queries import HOLDOUT_ARMS, Totals

GOALS = ("conversion", "click")
#: Seeded Monte Carlo rounds for "chance to be best" (same counts, same answer): a standard
#: error of at most 0.7 percentage points, in about 0.1 s for 20 campaigns.
BEST_DRAWS = 5_000
BEST_SEED = 20_240_601
#: At most this many campaigns are compared (the busiest); a bound on the work of a request.
MAX_CAMPAIGNS = 20

_AGGREGATES = {
    "impressions": Sum("impressions"),
    "clicks": Sum("clicks"),
    "conversions": Sum("conversions"),
    "applications": Sum("applications"),
    "visitors": Max("visitors"),
}


@dataclass
class CampaignOnPlacement:
    """One campaign's numbers on the placement, and how it compares."""

    slug: str
    totals: Totals
    trials: int
    successes: int
    rate: float | None
    interval: tuple[float, float] | None
    control: bool = False
    difference: float | None = None
    p_value: float | None = None
    chance_to_beat: float | None = None
    expected_loss: float | None = None
    chance_to_be_best: float | None = None
    #: The campaign's name, filled in by the view.
    name: str = ""

    @property
    def impressions(self) -> int:
        return self.totals.impressions

    @property
    def clicks(self) -> int:
        return self.totals.clicks

    @property
    def conversions(self) -> int:
        return self.totals.conversions

    @property
    def ctr(self) -> float | None:
        return self.totals.ctr

    @property
    def conversion_rate(self) -> float | None:
        return self.totals.conversion_rate

    @property
    def visitors(self) -> int:
        return self.totals.visitors

    @property
    def suppressed(self) -> bool:
        return self.totals.suppressed


@dataclass
class Comparison:
    placement: str
    goal: str
    since: date
    until: date
    alpha: float
    rows: list[CampaignOnPlacement] = field(default_factory=list)
    control: str = ""


def placement_totals(since: date, until: date) -> list[tuple[str, int, Totals]]:
    """Placements with campaign traffic in the range: (slug, campaigns, totals), busiest first."""
    rows = (
        _cells(since, until)
        .exclude(placement="")
        .values("placement", "campaign")
        .annotate(**_AGGREGATES)
        .order_by("placement")
    )
    found: dict[str, tuple[int, Totals]] = {}
    for row in rows:
        count, totals = found.get(row["placement"], (0, Totals()))
        totals.add(_totals(row))
        found[row["placement"]] = (count + 1, totals)
    return sorted(
        ((slug, count, totals) for slug, (count, totals) in found.items()),
        key=lambda item: (-item[2].impressions, item[0]),
    )


def _cells(since: date, until: date) -> QuerySet[DailyRollup]:
    return (
        DailyRollup.objects.filter(day__gte=since, day__lte=until)
        .exclude(campaign="")
        .exclude(creative__in=HOLDOUT_ARMS)
    )


def _totals(row: dict) -> Totals:
    return Totals(**{name: int(row.get(name) or 0) for name in _AGGREGATES})


def chance_to_be_best(
    arms: list[tuple[int, int]], draws: int = BEST_DRAWS, seed: int = BEST_SEED
) -> list[float]:
    """P(each arm's rate is the highest) under Beta(1 + x, 1 + n - x) posteriors, by seeded
    Monte Carlo (undamped: this is a readout, not an allocation)."""
    if not arms:
        return []
    generator = random.Random(seed)  # a reproducible estimate, no secret  # nosec B311
    wins = [0] * len(arms)
    for _ in range(draws):
        samples = [generator.betavariate(1 + x, 1 + n - x) for x, n in arms]
        wins[samples.index(max(samples))] += 1
    return [count / draws for count in wins]


def compare(
    placement: str,
    since: date,
    until: date,
    goal: str = "conversion",
    control: str | None = None,
    alpha: float = 0.05,
) -> Comparison:
    """The campaigns on ``placement`` over the range, compared on ``goal`` (``conversion`` or
    ``click``) against ``control`` (a campaign slug; default: the most seen impressions)."""
    if goal not in GOALS:
        raise ValueError(f"unknown goal {goal!r}")
    cells = (
        _cells(since, until)
        .filter(placement=placement)
        .values("campaign")
        .annotate(**_AGGREGATES)
        .order_by("-impressions", "campaign")[:MAX_CAMPAIGNS]
    )
    result = Comparison(placement, goal, since, until, alpha)
    for cell in cells:
        totals = _totals(cell)
        trials = totals.impressions
        successes = max(0, min(totals.clicks if goal == "click" else totals.conversions, trials))
        result.rows.append(
            CampaignOnPlacement(
                slug=cell["campaign"],
                totals=totals,
                trials=trials,
                successes=successes,
                rate=successes / trials if trials else None,
                interval=stats.wilson_interval(successes, trials, 1 - alpha),
            )
        )
    if not result.rows:
        return result
    chosen = next((r for r in result.rows if r.slug == control), None) or result.rows[0]
    chosen.control = True
    result.control = chosen.slug
    xa, na = chosen.successes, chosen.trials
    for row in result.rows:
        if row is chosen or row.suppressed:
            continue
        test = stats.two_proportion_ztest(xa, na, row.successes, row.trials)
        if test is not None:
            row.difference, row.p_value = test.difference, test.p_value
        row.chance_to_beat = stats.chance_to_beat(xa, na, row.successes, row.trials)
        row.expected_loss = stats.expected_loss(xa, na, row.successes, row.trials)
    # A campaign seen by fewer than k visitors is too small to rank: with so little data its
    # wide posterior would often "win" (0 of 4 beats 50 of 5,000 most of the time).
    measured = [r for r in result.rows if r.trials and not r.suppressed]
    if len(measured) > 1:
        best = chance_to_be_best([(r.successes, r.trials) for r in measured])
        for row, share in zip(measured, best, strict=True):
            row.chance_to_be_best = share
    return result
