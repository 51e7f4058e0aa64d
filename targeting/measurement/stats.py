"""The statistics of an experiment's readout, in plain Python (``math`` and ``statistics`` only).

Every function takes counts (integers) and answers floats; none touches Django, so the readout,
the allocation task and ``bench/bandit_bench.py`` share one implementation. Tests check each
against scipy or statsmodels on fixed data to 1e-6 (``tests/measurement/test_stats.py``).

Conventions: ``x`` successes (visitors who converted, or clicked) out of ``n`` trials (visitors
who saw the arm); the control is the first argument pair. Empty arms (``n == 0``) give ``None``
where a number would be made up.

How each number is computed is written out in docs/measurement.md ("Experiments").
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()

#: Above this many successes the exact Beta comparison (a sum with one term per success, 0.07 s
#: at 50,000) gives way to the normal approximation of both posteriors, which is then within
#: about 1e-6 of the exact value (checked against numerical integration in the tests).
EXACT_BETA_LIMIT = 50_000


def _check_counts(x: int, n: int) -> None:
    if isinstance(x, bool) or isinstance(n, bool):
        raise TypeError("counts must be integers")
    if not isinstance(x, int) or not isinstance(n, int):
        raise TypeError("counts must be integers")
    if n < 0 or x < 0 or x > n:
        raise ValueError(f"need 0 <= successes <= trials, got {x} of {n}")


def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (0.95 -> 1.959964...)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return _NORMAL.inv_cdf(1 - (1 - confidence) / 2)


# --------------------------------------------------------------------------------------------
# Frequentist


def wilson_interval(x: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson's score interval for a proportion (Wilson 1927): the set of rates a score test
    would not reject. Stays inside [0, 1] and keeps its coverage near 0 and 1, unlike p ± z·se."""
    _check_counts(x, n)
    if n == 0:
        return None
    z = z_for(confidence)
    p = x / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At 0 (or n) successes the bound is exactly 0 (or 1); rounding would leave 1e-17.
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class ZTest:
    """A two-proportion z-test of arm B against control A."""

    z: float
    p_value: float
    #: B's rate minus A's.
    difference: float
    #: (B - A) / A; None when A's rate is 0.
    relative: float | None


def two_proportion_ztest(xa: int, na: int, xb: int, nb: int) -> ZTest | None:
    """The pooled two-proportion z-test (two-sided), as statsmodels' ``proportions_ztest``.

    ``z = (pB - pA) / sqrt(p(1 - p)(1/nA + 1/nB))`` with ``p`` the pooled rate; the p-value is
    ``2(1 - Phi(|z|))``. None when an arm is empty; z = 0, p = 1 when nothing or everything
    converted (no variance, no evidence)."""
    _check_counts(xa, na)
    _check_counts(xb, nb)
    if na == 0 or nb == 0:
        return None
    pa, pb = xa / na, xb / nb
    pooled = (xa + xb) / (na + nb)
    relative = (pb - pa) / pa if pa > 0 else None
    variance = pooled * (1 - pooled) * (1 / na + 1 / nb)
    if variance <= 0:
        return ZTest(0.0, 1.0, pb - pa, relative)
    z = (pb - pa) / math.sqrt(variance)
    p_value = 2 * _NORMAL.cdf(-abs(z))
    return ZTest(z, p_value, pb - pa, relative)


def sample_size_per_arm(
    baseline: float, minimum_effect: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Visitors each arm needs to detect a relative lift of ``minimum_effect`` over ``baseline``
    with a two-sided test at ``alpha`` and the given ``power`` (equal arms).

    ``n = ((z(1-alpha/2)·sqrt(2·pbar(1-pbar)) + z(power)·sqrt(p1(1-p1) + p2(1-p2))) / (p2-p1))²``
    with ``p2 = baseline·(1 + minimum_effect)`` and ``pbar`` their mean (the formula statsmodels'
    ``samplesize_proportions_2indep_onetail`` uses), rounded up.
    """
    return math.ceil(sample_size_exact(baseline, minimum_effect, alpha, power))


def sample_size_exact(
    baseline: float, minimum_effect: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """``sample_size_per_arm`` before rounding up."""
    for name, value in (("baseline", baseline), ("alpha", alpha), ("power", power)):
        if not isinstance(value, int | float) or not 0 < value < 1:
            raise ValueError(f"{name} must be between 0 and 1")
    if not isinstance(minimum_effect, int | float) or not math.isfinite(minimum_effect):
        raise ValueError("minimum_effect must be a number")
    target = baseline * (1 + minimum_effect)
    if minimum_effect == 0 or not 0 < target < 1:
        raise ValueError("minimum_effect must move the rate to another value between 0 and 1")
    mean = (baseline + target) / 2
    z_alpha = _NORMAL.inv_cdf(1 - alpha / 2)
    z_power = _NORMAL.inv_cdf(power)
    spread = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_power * math.sqrt(
        baseline * (1 - baseline) + target * (1 - target)
    )
    return (spread / (target - baseline)) ** 2


# --------------------------------------------------------------------------------------------
# Sample ratio mismatch


def _lower_gamma_series(a: float, x: float) -> float:
    total = term = 1 / a
    k = a
    for _ in range(10_000):
        k += 1
        term *= x / k
        total += term
        if abs(term) < abs(total) * 1e-16:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    # Lentz's method on the continued fraction of Gamma(a, x).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-16:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for a chi-squared variable with ``df`` degrees of freedom
    (the regularised upper incomplete gamma function Q(df/2, statistic/2))."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if statistic <= 0:
        return 1.0
    a, x = df / 2, statistic / 2
    if x < a + 1:
        return max(0.0, 1 - _lower_gamma_series(a, x))
    return min(1.0, _upper_gamma_fraction(a, x))


@dataclass(frozen=True)
class SampleRatio:
    """Pearson's chi-squared test of observed arm sizes against the intended split."""

    statistic: float
    p_value: float
    expected: tuple[float, ...]
    #: True when p < threshold: the split is broken and the results should not be trusted.
    mismatch: bool


#: GrowthBook and Optimizely alarm at p < 0.001: strict, so daily looks rarely cry wolf.
SRM_THRESHOLD = 0.001


def sample_ratio_mismatch(
    observed: Sequence[int], intended: Sequence[float], threshold: float = SRM_THRESHOLD
) -> SampleRatio | None:
    """Compare arm sizes with the intended shares (any positive scale; normalised here).

    None when there are fewer than two arms with a share or no visitors yet."""
    if len(observed) != len(intended):
        raise ValueError("observed and intended need one entry per arm")
    pairs = [(int(o), float(w)) for o, w in zip(observed, intended, strict=True) if w > 0]
    total = sum(o for o, _ in pairs)
    share = sum(w for _, w in pairs)
    if len(pairs) < 2 or total == 0 or share <= 0:
        return None
    expected = tuple(total * w / share for _, w in pairs)
    statistic = sum((o - e) ** 2 / e for (o, _), e in zip(pairs, expected, strict=True))
    p_value = chi2_sf(statistic, len(pairs) - 1)
    return SampleRatio(statistic, p_value, expected, p_value < threshold)


# --------------------------------------------------------------------------------------------
# Bayesian (Beta-Binomial with a uniform Beta(1, 1) prior)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def prob_beta_greater(a1: int, b1: int, a2: int, b2: int) -> float:
    """P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2), integer parameters >= 1.

    Exact: ``sum_{i<a1} B(a2+i, b1+b2) / ((b1+i) B(1+i, b1) B(a2, b2))`` (the closed form for
    integer shapes), summed over the smaller of a1 and a2 via P(X > Y) = 1 - P(Y > X). Past
    ``EXACT_BETA_LIMIT`` terms both posteriors are near normal and the normal comparison is used.
    """
    for value in (a1, b1, a2, b2):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("Beta parameters must be integers >= 1")
    if a2 < a1:
        return 1.0 - prob_beta_greater(a2, b2, a1, b1)
    if a1 > EXACT_BETA_LIMIT:
        return _normal_greater(a1, b1, a2, b2)
    base = -_log_beta(a2, b2)
    total = 0.0
    for i in range(a1):
        total += math.exp(
            base + _log_beta(a2 + i, b1 + b2) - math.log(b1 + i) - _log_beta(1 + i, b1)
        )
    return min(1.0, max(0.0, total))


def _normal_greater(a1: int, b1: int, a2: int, b2: int) -> float:
    def moments(a: int, b: int) -> tuple[float, float]:
        mean = a / (a + b)
        return mean, a * b / ((a + b) ** 2 * (a + b + 1))

    m1, v1 = moments(a1, b1)
    m2, v2 = moments(a2, b2)
    return _NORMAL.cdf((m1 - m2) / math.sqrt(v1 + v2))


def chance_to_beat(xa: int, na: int, xb: int, nb: int) -> float | None:
    """P(rate B > rate A) under Beta(1 + x, 1 + n - x) posteriors."""
    _check_counts(xa, na)
    _check_counts(xb, nb)
    if na == 0 or nb == 0:
        return None
    return prob_beta_greater(1 + xb, 1 + nb - xb, 1 + xa, 1 + na - xa)


def expected_loss(xa: int, na: int, xb: int, nb: int) -> float | None:
    """E[max(rate A - rate B, 0)]: the conversion rate given up, on average, by choosing B over
    the control A if B is in fact worse (an absolute rate; 0.001 = 0.1 percentage points).

    Exact: ``E[X·1{X>Y}] - E[Y·1{X>Y}]`` with X ~ A's posterior, Y ~ B's, and
    ``E[X·1{X>Y}] = a/(a+b) · P(X' > Y)`` where X' ~ Beta(a + 1, b) (and likewise for Y)."""
    _check_counts(xa, na)
    _check_counts(xb, nb)
    if na == 0 or nb == 0:
        return None
    a1, b1 = 1 + xa, 1 + na - xa
    a2, b2 = 1 + xb, 1 + nb - xb
    first = a1 / (a1 + b1) * prob_beta_greater(a1 + 1, b1, a2, b2)
    second = a2 / (a2 + b2) * prob_beta_greater(a1, b1, a2 + 1, b2)
    return max(0.0, first - second)


def thompson_shares(
    arms: Sequence[tuple[int, int]],
    draws: int = 2000,
    seed: int = 0,
    floor: float = 0.0,
) -> list[float]:
    """Each arm's share of traffic under Thompson sampling: the probability that its Beta
    posterior's draw is the largest, estimated with ``draws`` seeded Monte Carlo rounds, then
    damped towards an even split while the leader is not yet clear (``damp``), then raised to at
    least ``floor`` each (the rest shrunk in proportion).

    ``arms`` are (successes, trials). The seed makes a given set of counts always answer the
    same shares (the published allocation is reproducible); callers vary it per update.
    """
    k = len(arms)
    if k == 0:
        return []
    if not 0 <= floor * k <= 1:
        raise ValueError("floor times the number of arms must be between 0 and 1")
    for x, n in arms:
        _check_counts(x, n)
    rng = random.Random(seed)  # Monte Carlo draws, seeded to be reproducible  # nosec B311
    wins = [0] * k
    params = [(1 + x, 1 + n - x) for x, n in arms]
    for _ in range(draws):
        best, best_value = 0, -1.0
        for i, (a, b) in enumerate(params):
            value = rng.betavariate(a, b)
            if value > best_value:
                best, best_value = i, value
        wins[best] += 1
    return apply_floor(damp([w / draws for w in wins]), floor)


#: How sure the leader must be (chance to be best) before the shares follow Thompson sampling
#: fully; below it they stay partly even (see ``damp``).
CONFIDENT = 0.95


def damp(shares: Sequence[float], confident: float = CONFIDENT) -> list[float]:
    """Shrink Thompson shares towards an even split until the leader is ``confident``.

    ``even + g (shares - even)`` with ``g = ((max - 1/k) / (confident - 1/k))²`` capped at 1:
    while the creatives cannot be told apart (the leader's chance to be best near 1/k) the split
    stays near even, so equal creatives do not drift into one creative by chance; a clear winner
    (chance to be best near 1) gets the full Thompson shares.
    """
    k = len(shares)
    if k < 2:
        return list(shares)
    even = 1 / k
    top = max(shares)
    gain = min(1.0, max(0.0, (top - even) / (confident - even))) ** 2
    return [even + gain * (share - even) for share in shares]


def apply_floor(shares: Sequence[float], floor: float) -> list[float]:
    """Raise every share to at least ``floor`` and scale the others down so they sum to 1."""
    k = len(shares)
    total = sum(shares)
    if k == 0:
        return []
    if total <= 0:
        return [1 / k] * k
    result = [s / total for s in shares]
    if floor <= 0:
        return result
    pinned = [False] * k
    # Pin arms below the floor and rescale the rest; repeat, since rescaling can push another
    # arm under the floor (at most k rounds).
    for _ in range(k):
        free = [i for i in range(k) if not pinned[i]]
        room = 1 - floor * (k - len(free))
        free_total = sum(result[i] for i in free)
        changed = False
        for i in free:
            value = result[i] / free_total * room if free_total > 0 else room / len(free)
            if value < floor:
                pinned[i] = True
                changed = True
        if not changed:
            for i in free:
                result[i] = result[i] / free_total * room if free_total > 0 else room / len(free)
            break
    for i in range(k):
        if pinned[i]:
            result[i] = floor
    return result


# --------------------------------------------------------------------------------------------
# Sequential (always valid)


@dataclass(frozen=True)
class Sequential:
    """A mixture sequential probability ratio test (mSPRT) of B against A.

    ``p_value`` may be read after every day's data without inflating false positives: the chance
    that it *ever* drops below alpha under no difference is at most alpha (Ville's inequality).
    ``interval`` is the matching always-valid confidence interval for the difference B - A.
    """

    likelihood_ratio: float
    p_value: float
    interval: tuple[float, float]
    difference: float
    significant: bool


def msprt(xa: int, na: int, xb: int, nb: int, tau: float, alpha: float = 0.05) -> Sequential | None:
    """The normal-mixture mSPRT for a difference of two proportions (Johari, Pekelis and Walsh,
    "Always valid inference", 2015; Optimizely's "Stats Engine").

    With ``d = pB - pA``, ``V = pA(1-pA)/nA + pB(1-pB)/nB`` and a N(0, tau²) mixture over the
    true difference: ``Lambda = sqrt(V/(V+tau²)) · exp(tau² d² / (2 V (V+tau²)))``, p = min(1,
    1/Lambda), and the interval ``d ± sqrt(V(V+tau²)/tau² · (2 ln(1/alpha) + ln((V+tau²)/V)))``.
    ``tau`` is the size of difference the test is tuned for (the plan's minimum detectable
    effect, in absolute rate). None while an arm is empty or has no variance.
    """
    _check_counts(xa, na)
    _check_counts(xb, nb)
    if not (isinstance(tau, int | float) and math.isfinite(tau) and tau > 0):
        raise ValueError("tau must be a positive number")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    if na == 0 or nb == 0:
        return None
    pa, pb = xa / na, xb / nb
    variance = pa * (1 - pa) / na + pb * (1 - pb) / nb
    if variance <= 0:
        return None
    tau2 = tau * tau
    difference = pb - pa
    exponent = tau2 * difference * difference / (2 * variance * (variance + tau2))
    log_ratio = 0.5 * math.log(variance / (variance + tau2)) + exponent
    p_value = 1.0 if log_ratio <= 0 else math.exp(-log_ratio)
    half = math.sqrt(
        variance
        * (variance + tau2)
        / tau2
        * (2 * math.log(1 / alpha) + math.log((variance + tau2) / variance))
    )
    ratio = math.exp(log_ratio) if log_ratio < 700 else math.inf
    return Sequential(
        likelihood_ratio=ratio,
        p_value=min(1.0, p_value),
        interval=(difference - half, difference + half),
        difference=difference,
        significant=p_value < alpha,
    )
