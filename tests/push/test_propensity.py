"""Propensity from measurement: push outcomes feed the rollups, arbitration reads them back
(``measurement.queries.offer_outcomes``), smoothed with a Beta prior from the marketer's rate."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from targeting.measurement import queries
from targeting.measurement.rollups import roll_up
from targeting.push import outcomes, tasks
from targeting.push.arbitration import beta_propensity
from targeting.push.decisions import AUDIENCE_MAX, Moment, arbitrate_for, audience_of
from targeting.push.models import SMS, PushMessage
from tests.push.conftest import make_customer, make_offer


def explain_of(outcome, slug):
    return next(entry for entry in outcome.explain if entry["offer"] == slug)


def test_no_send_measured_is_the_marketers_prior():
    rate = beta_propensity(0.05, 200, 0, 0)
    assert (rate.rate, rate.source) == (0.05, "prior")


def test_measured_outcomes_are_smoothed_by_the_prior_as_pseudo_sends():
    # (conversions + weight x prior) / (sends + weight) = (30 + 200 x 0.05) / (300 + 200) = 0.08
    rate = beta_propensity(0.05, 200, 300, 30)
    assert rate.source == "measured"
    assert rate.rate == pytest.approx(0.08)
    assert rate.formula() == "(30 + 200 × 0.05) / (300 + 200) = 0.08"
    # Many sends: the measured rate (10 %) takes over.
    assert beta_propensity(0.05, 200, 1_000_000, 100_000).rate == pytest.approx(0.1, abs=1e-4)


@pytest.mark.parametrize(
    ("prior", "weight", "sends", "conversions"),
    [(math.nan, 200, 10, 1), (0.05, math.inf, 10, 1), (2.0, -5, -3, 99), (0.05, 200, 5, 10**30)],
)
def test_nonsense_counts_never_give_a_rate_outside_zero_and_one(prior, weight, sends, conversions):
    rate = beta_propensity(prior, weight, sends, conversions)
    assert 0.0 <= rate.rate <= 1.0


def test_a_long_audience_is_cut_to_a_rollup_cell_without_sharing_keys():
    many = [f"segment-number-{i}" for i in range(20)]
    first, second = audience_of(many), audience_of([*many, "one-more"])
    assert len(first) == len(second) == AUDIENCE_MAX
    assert first != second
    assert audience_of(["b", "a"]) == "a,b"


def sent_message(user, offer, key, audience="young-travellers"):
    message = PushMessage.objects.create(
        idempotency_key=key,
        user=user,
        offer=offer,
        channel=SMS,
        status=PushMessage.PENDING,
        audience=audience,
        created_at=timezone.now(),
    )
    assert tasks.attempt_send(message.pk, 0) == PushMessage.SENT
    return message


def test_sends_and_conversions_reach_the_rollups_and_the_ranking(
    policy, django_capture_on_commit_callbacks
):
    # Given an offer (prior 5 %) sent to four customers of one audience, one of whom converted
    policy.min_measured_sends = 4  # the prior counts as four sends
    policy.save()
    offer = make_offer(prior_propensity=0.05)
    users = [make_customer(phone=f"1380000000{i}") for i in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        messages = [sent_message(u, offer, f"k{i}") for i, u in enumerate(users)]
        outcomes.mark(messages[0], "conversion")
        outcomes.mark(messages[1], "open")  # an open is no send and no conversion
    # When the rollups run
    roll_up(settle=timedelta(0))
    # Then measurement counts four sends and one conversion for the offer in that audience
    assert queries.offer_outcomes(offer.slug, "young-travellers") == (4, 1)
    assert queries.offer_outcomes(offer.slug, "someone-else") == (0, 0)
    # And arbitration's propensity in that audience is (1 + 4 x 0.05) / (4 + 4) = 0.15, explained
    outcome, _contact, audience = arbitrate_for(
        users[0], [offer], Moment(users[0].pk, timezone.now())
    )
    assert audience == ""  # no live segment: the audience where nothing was measured
    entry = explain_of(outcome, offer.slug)
    assert (entry["propensity"], entry["propensity_source"]) == (0.05, "prior")
    from targeting.push import decisions

    decisions.cache.clear()
    original = decisions.audience_key
    decisions.audience_key = lambda ctx: "young-travellers"
    try:
        outcome, _contact, audience = arbitrate_for(
            users[0], [offer], Moment(users[0].pk, timezone.now())
        )
    finally:
        decisions.audience_key = original
    entry = explain_of(outcome, offer.slug)
    assert entry["propensity_source"] == "measured"
    assert entry["propensity"] == pytest.approx(0.15)
    assert entry["propensity_formula"] == "(1 + 4 × 0.05) / (4 + 4) = 0.15"
    assert (entry["measured_sends"], entry["measured_conversions"]) == (4, 1)
