"""The experiment statistics against scipy and statsmodels on fixed data (to 1e-6), and against
published worked examples. targeting.measurement.stats is plain Python; the references are
test-only dependencies (requirements-dev.txt)."""

from __future__ import annotations

import math
import random

import pytest
from scipy import integrate
from scipy import stats as sps
from statsmodels.stats.proportion import (
    proportion_confint,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from targeting.measurement import stats

TOL = 1e-6

PAIRS = [(100, 1000, 120, 1000), (3, 250, 11, 260), (0, 40, 2, 45), (480, 5200, 455, 5100)]


@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 10), (37, 120), (250, 1000), (999, 1000)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_statsmodels(x, n, confidence):
    low, high = stats.wilson_interval(x, n, confidence)
    ref_low, ref_high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert low == pytest.approx(ref_low, abs=TOL)
    assert high == pytest.approx(ref_high, abs=TOL)


def test_wilson_interval_published_example():
    """Newcombe, R. G. (1998), "Two-sided confidence intervals for the single proportion:
    comparison of seven methods", Statistics in Medicine 17, 857-872, Table I, method 3 (the
    score interval of Wilson 1927), 95 %: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to
    0.1605; 0/20 -> 0 to 0.1611; 1/29 -> 0.0061 to 0.1718 (four decimals as printed)."""
    published = {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }
    for (x, n), (low, high) in published.items():
        got = stats.wilson_interval(x, n)
        assert (round(got[0], 4), round(got[1], 4)) == (low, high), (x, n)


def test_wilson_interval_of_nothing_is_none_and_bounds_are_exact():
    assert stats.wilson_interval(0, 0) is None
    assert stats.wilson_interval(0, 5)[0] == 0.0
    assert stats.wilson_interval(5, 5)[1] == 1.0


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PAIRS)
def test_two_proportion_ztest_matches_statsmodels(xa, na, xb, nb):
    test = stats.two_proportion_ztest(xa, na, xb, nb)
    z, p = proportions_ztest([xb, xa], [nb, na])
    assert test.z == pytest.approx(z, abs=TOL)
    assert test.p_value == pytest.approx(p, abs=TOL)
    assert test.difference == pytest.approx(xb / nb - xa / na, abs=1e-12)


def test_two_proportion_ztest_without_variance_or_trials():
    assert stats.two_proportion_ztest(0, 100, 0, 100).p_value == 1.0
    assert stats.two_proportion_ztest(0, 0, 1, 10) is None


@pytest.mark.parametrize(
    ("baseline", "effect", "alpha", "power"),
    [(0.1, 0.2, 0.05, 0.8), (0.02, 0.1, 0.05, 0.9), (0.3, -0.15, 0.01, 0.8)],
)
def test_sample_size_matches_statsmodels(baseline, effect, alpha, power):
    target = baseline * (1 + effect)
    reference = samplesize_proportions_2indep_onetail(
        target - baseline, baseline, power, alpha=alpha
    )
    assert stats.sample_size_exact(baseline, effect, alpha, power) == pytest.approx(
        reference, abs=TOL
    )
    assert stats.sample_size_per_arm(baseline, effect, alpha, power) == math.ceil(reference)


@pytest.mark.parametrize(
    "bad",
    [
        {"baseline": float("nan")},
        {"baseline": 0},
        {"baseline": 1.5},
        {"minimum_effect": float("inf")},
        {"minimum_effect": 0},
        {"minimum_effect": 20},  # 10 % x 21 is no rate
        {"alpha": 1},
        {"power": -0.2},
    ],
)
def test_sample_size_rejects_nonsense(bad):
    arguments = {"baseline": 0.1, "minimum_effect": 0.2, "alpha": 0.05, "power": 0.8, **bad}
    with pytest.raises(ValueError):
        stats.sample_size_per_arm(**arguments)


@pytest.mark.parametrize(("statistic", "df"), [(0.5, 1), (3.2, 1), (6.25, 2), (50, 10), (400, 3)])
def test_chi2_sf_matches_scipy(statistic, df):
    assert stats.chi2_sf(statistic, df) == pytest.approx(
        sps.chi2.sf(statistic, df), abs=TOL, rel=1e-9
    )


def test_sample_ratio_mismatch_matches_scipy_chisquare():
    observed, intended = [5050, 4950, 5200], [1, 1, 1]
    result = stats.sample_ratio_mismatch(observed, intended)
    reference = sps.chisquare(observed)
    assert result.statistic == pytest.approx(reference.statistic, abs=TOL)
    assert result.p_value == pytest.approx(reference.pvalue, abs=TOL)
    assert not result.mismatch

    # A 10 % holdout that received 12 %: with 50,000 visitors that is a broken split.
    observed, intended = [6000, 44000], [0.1, 0.9]
    result = stats.sample_ratio_mismatch(observed, intended)
    reference = sps.chisquare(observed, [5000, 45000])
    assert result.p_value == pytest.approx(reference.pvalue, abs=TOL)
    assert result.mismatch


def test_sample_ratio_mismatch_needs_two_arms_and_visitors():
    assert stats.sample_ratio_mismatch([0, 0], [1, 1]) is None
    assert stats.sample_ratio_mismatch([10, 5], [1, 0]) is None
    with pytest.raises(ValueError):
        stats.sample_ratio_mismatch([1, 2, 3], [1, 1])


def _quad_greater(a1, b1, a2, b2):
    """P(X > Y) by numerical integration: the integral of f_X(x) F_Y(x)."""
    mode = (a1 - 1) / (a1 + b1 - 2) if a1 + b1 > 2 else 0.5
    value, _ = integrate.quad(
        lambda x: sps.beta.pdf(x, a1, b1) * sps.beta.cdf(x, a2, b2),
        0,
        1,
        epsabs=1e-13,
        limit=500,
        points=[mode],
    )
    return value


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PAIRS)
def test_chance_to_beat_matches_numerical_integration(xa, na, xb, nb):
    expected = _quad_greater(1 + xb, 1 + nb - xb, 1 + xa, 1 + na - xa)
    assert stats.chance_to_beat(xa, na, xb, nb) == pytest.approx(expected, abs=TOL)


def test_chance_to_beat_of_large_counts_uses_the_normal_form_within_tolerance():
    a1, b1, a2, b2 = 60_001, 940_001, 59_501, 940_501
    assert stats.prob_beta_greater(a1, b1, a2, b2) == pytest.approx(
        _quad_greater(a1, b1, a2, b2), abs=2e-6
    )


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PAIRS)
def test_expected_loss_matches_numerical_integration(xa, na, xb, nb):
    a1, b1, a2, b2 = 1 + xa, 1 + na - xa, 1 + xb, 1 + nb - xb

    def above(y):
        # E[(X - y) 1{X > y}] for X ~ Beta(a1, b1), using x f(x; a, b) = a/(a+b) f(x; a+1, b).
        return a1 / (a1 + b1) * sps.beta.sf(y, a1 + 1, b1) - y * sps.beta.sf(y, a1, b1)

    expected, _ = integrate.quad(
        lambda y: sps.beta.pdf(y, a2, b2) * above(y), 0, 1, epsabs=1e-13, limit=500
    )
    assert stats.expected_loss(xa, na, xb, nb) == pytest.approx(expected, abs=TOL)


def test_expected_loss_shrinks_when_the_arm_is_clearly_better():
    assert stats.expected_loss(100, 1000, 200, 1000) < 1e-9
    assert stats.expected_loss(200, 1000, 100, 1000) == pytest.approx(0.1, abs=0.005)


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.chance_to_beat(5, 3, 1, 10),
        lambda: stats.chance_to_beat(-1, 3, 1, 10),
        lambda: stats.wilson_interval(1.5, 10),
        lambda: stats.wilson_interval(True, 10),
        lambda: stats.two_proportion_ztest(float("nan"), 10, 1, 10),
        lambda: stats.msprt(1, 10, 2, 10, tau=float("nan")),
        lambda: stats.msprt(1, 10, 2, 10, tau=0.01, alpha=0),
    ],
)
def test_wrong_counts_are_refused(call):
    with pytest.raises((TypeError, ValueError)):
        call()


def test_msprt_formula_and_interval_agree():
    """The interval is the set of differences the test would not reject: at its edge the
    likelihood ratio of the shifted data equals 1/alpha."""
    result = stats.msprt(100, 1000, 150, 1000, tau=0.02, alpha=0.05)
    pa, pb = 0.1, 0.15
    variance = pa * (1 - pa) / 1000 + pb * (1 - pb) / 1000
    tau2 = 0.02**2
    ratio = math.sqrt(variance / (variance + tau2)) * math.exp(
        tau2 * 0.05**2 / (2 * variance * (variance + tau2))
    )
    assert result.likelihood_ratio == pytest.approx(ratio, rel=1e-12)
    assert result.p_value == pytest.approx(1 / ratio, rel=1e-12)
    edge = result.interval[0]
    shifted = (0.05 - edge) ** 2
    at_edge = math.sqrt(variance / (variance + tau2)) * math.exp(
        tau2 * shifted / (2 * variance * (variance + tau2))
    )
    assert at_edge == pytest.approx(1 / 0.05, rel=1e-9)
    assert result.significant
    assert result.interval[0] > 0


def test_daily_looks_at_msprt_keep_false_positives_under_alpha_but_naive_tests_do_not():
    """Given no true difference and a look every day for 20 days, when a marketer stops at the
    first "significant" result, then the always-valid p-value is wrong at most alpha of the time
    while the plain z-test is wrong far more often (seeded simulation, 300 experiments)."""
    rng = random.Random(7)
    rate, per_day, days, runs = 0.1, 150, 20, 300
    naive_hits = sequential_hits = 0
    for _ in range(runs):
        xa = xb = n = 0
        naive = sequential = False
        for _day in range(days):
            xa += sum(rng.random() < rate for _ in range(per_day))
            xb += sum(rng.random() < rate for _ in range(per_day))
            n += per_day
            naive = naive or stats.two_proportion_ztest(xa, n, xb, n).p_value < 0.05
            result = stats.msprt(xa, n, xb, n, tau=0.02, alpha=0.05)
            sequential = sequential or (result is not None and result.significant)
        naive_hits += naive
        sequential_hits += sequential
    assert sequential_hits / runs <= 0.05
    assert naive_hits / runs > 0.15


def test_thompson_shares_are_reproducible_sum_to_one_and_respect_the_floor():
    arms = [(10, 1000), (40, 1000), (12, 1000)]
    first = stats.thompson_shares(arms, seed=3, floor=0.1)
    assert first == stats.thompson_shares(arms, seed=3, floor=0.1)
    assert sum(first) == pytest.approx(1.0)
    assert min(first) >= 0.1 - 1e-12
    assert first[1] == max(first)
    with pytest.raises(ValueError):
        stats.thompson_shares(arms, floor=0.5)


@pytest.mark.parametrize(
    ("shares", "floor", "expected"),
    [
        ([0.98, 0.01, 0.01], 0.05, [0.90, 0.05, 0.05]),
        ([0.5, 0.5], 0.1, [0.5, 0.5]),
        ([0, 0, 0], 0.1, [1 / 3, 1 / 3, 1 / 3]),
        ([0.9, 0.06, 0.04], 0.05, [0.9 * 0.95 / 0.96, 0.06 * 0.95 / 0.96, 0.05]),
    ],
)
def test_apply_floor(shares, floor, expected):
    assert stats.apply_floor(shares, floor) == pytest.approx(expected, abs=1e-12)


def test_damp_keeps_unclear_splits_near_even_and_clear_winners_whole():
    assert stats.damp([1 / 3, 1 / 3, 1 / 3]) == pytest.approx([1 / 3] * 3)
    assert stats.damp([0.0, 1.0]) == pytest.approx([0.0, 1.0])
    assert stats.damp([0.02, 0.98]) == pytest.approx([0.02, 0.98])
    # A leader only 70 % sure of being best among two moves less than half the way.
    damped = stats.damp([0.3, 0.7])
    assert damped[1] == pytest.approx(0.5 + ((0.2 / 0.45) ** 2) * 0.2)
    assert sum(damped) == pytest.approx(1.0)


def test_thompson_shares_of_equal_evidence_stay_near_even():
    shares = stats.thompson_shares([(300, 10_000), (306, 10_000), (295, 10_000)], seed=1)
    assert max(shares) < 0.45
