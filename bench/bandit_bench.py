"""Simulated traffic for the self-learning allocation (no Django, no database).

Run: `.venv/bin/python bench/bandit_bench.py [--seeds N] [--rounds N] [--per-round N]`.

Each round stands for one allocation update (every five minutes in production): ``per-round``
visitors arrive, each is shown a creative drawn from the published shares, and converts with
that creative's true rate. After the round the shares are learnt again from all counts so far,
exactly as ``targeting.measurement.allocation`` does it (``stats.thompson_shares``, 4,000 seeded
draws, the floor per arm). Three policies see the same visitors:

* fixed: equal split all along (an A/B/n test);
* thompson: the automatic allocation;
* oracle: every visitor sees the truly best creative (knows the rates).

Figures (mean over seeds, in conversions): regret = expected conversions lost against the
oracle, i.e. the sum over visitors of (best rate - rate of the creative shown); time to converge
= the first round from which the best creative keeps at least 75 % of the traffic to the end.
With equal rates the spread of the shares after a number of rounds shows the allocation does not
lock in on a creative by chance. Peak RSS is the process's high-water mark. Nothing here is a
test: it prints figures.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# stats.py is plain Python; load it without importing the Django app around it.
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "measurement_stats", ROOT / "targeting" / "measurement" / "stats.py"
)
assert _spec is not None and _spec.loader is not None
stats = importlib.util.module_from_spec(_spec)
sys.modules["measurement_stats"] = stats
_spec.loader.exec_module(stats)

DRAWS = 4000  # as targeting.measurement.allocation.DRAWS
FLOOR = 0.10  # the campaign default (allocation_floor 10 %)
BURN_IN = 1000  # as targeting.measurement.allocation.BURN_IN
CONVERGED_SHARE = 0.75


def simulate(rates: list[float], rounds: int, per_round: int, seed: int) -> dict[str, object]:
    """One run: regret of each policy and the thompson shares after every round."""
    rng = random.Random(seed)
    k = len(rates)
    best = max(rates)
    counts = [[0, 0] for _ in range(k)]
    shares = [1 / k] * k
    history: list[list[float]] = []
    regret = {"fixed": 0.0, "thompson": 0.0, "oracle": 0.0}
    conversions = {"fixed": 0, "thompson": 0, "oracle": 0}
    best_arm = rates.index(best)
    for round_number in range(rounds):
        history.append(shares)
        for _ in range(per_round):
            # The same visitor (same uniform draws) under each policy.
            pick_point, convert_point = rng.random(), rng.random()
            fixed = min(int(pick_point * k), k - 1)
            running, thompson = 0.0, k - 1
            for i, share in enumerate(shares):
                running += share
                if pick_point < running:
                    thompson = i
                    break
            for name, arm in (("fixed", fixed), ("thompson", thompson), ("oracle", best_arm)):
                regret[name] += best - rates[arm]
                converted = convert_point < rates[arm]
                conversions[name] += converted
                if name == "thompson":
                    counts[arm][1] += 1
                    counts[arm][0] += converted
        if min(n for _x, n in counts) < BURN_IN:
            continue  # the burn-in: the split stays even
        shares = stats.thompson_shares(
            [(x, n) for x, n in counts],
            draws=DRAWS,
            seed=seed * 100_003 + round_number,
            floor=FLOOR,
        )
        history[-1] = shares
    return {"regret": regret, "conversions": conversions, "history": history}


def converged_at(history: list[list[float]], arm: int) -> int | None:
    """The first round from which ``arm`` keeps >= CONVERGED_SHARE to the end (1-based)."""
    result = None
    for index in range(len(history) - 1, -1, -1):
        if history[index][arm] >= CONVERGED_SHARE:
            result = index + 1
        else:
            break
    return result


def scenario(name: str, rates: list[float], args: argparse.Namespace) -> None:
    started = time.perf_counter()
    runs = [simulate(rates, args.rounds, args.per_round, seed) for seed in range(args.seeds)]
    elapsed = time.perf_counter() - started
    visitors = args.rounds * args.per_round
    best = rates.index(max(rates))
    print(f"\n{name}: true rates {', '.join(f'{r:.2%}' for r in rates)}; {visitors:,} visitors")
    print("policy   | regret (conv. lost vs oracle) | conversions | regret vs fixed")
    print("-" * 72)
    fixed_regret = statistics.mean(r["regret"]["fixed"] for r in runs)  # type: ignore[index]
    for policy in ("fixed", "thompson", "oracle"):
        regret = statistics.mean(r["regret"][policy] for r in runs)  # type: ignore[index]
        spread = statistics.pstdev(r["regret"][policy] for r in runs)  # type: ignore[index]
        conv = statistics.mean(r["conversions"][policy] for r in runs)  # type: ignore[index]
        ratio = f"{regret / fixed_regret:6.1%}" if fixed_regret else "   n/a"
        print(f"{policy:8} | {regret:10.1f} ± {spread:6.1f}          | {conv:11.1f} | {ratio}")
    if len(set(rates)) > 1:
        rounds_to = [converged_at(r["history"], best) for r in runs]  # type: ignore[arg-type]
        done = [x for x in rounds_to if x is not None]
        median = statistics.median(done) if done else None
        print(
            f"time to converge (best creative >= {CONVERGED_SHARE:.0%} to the end): median "
            f"{median if median is not None else '-'} rounds (~{(median or 0) * 5} min at one "
            f"update per 5 min), {len(done)}/{len(runs)} seeds converged; final share of the "
            f"best: {statistics.mean(r['history'][-1][best] for r in runs):.1%}"  # type: ignore[index]
        )
    else:
        for checkpoint in sorted({1, 5, 10, 25, args.rounds // 2, args.rounds}):
            if checkpoint < 1 or checkpoint > args.rounds:
                continue
            tops = [max(r["history"][checkpoint - 1]) for r in runs]  # type: ignore[index]
            locked = sum(t >= CONVERGED_SHARE for t in tops)
            print(
                f"after {checkpoint:4d} rounds: largest share mean {statistics.mean(tops):.1%}, "
                f"max {max(tops):.1%}; seeds with one creative >= {CONVERGED_SHARE:.0%}: "
                f"{locked}/{len(runs)}"
            )
    print(f"({args.seeds} seeds, {elapsed:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=120)
    parser.add_argument("--per-round", type=int, default=500)
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}; {args.rounds} rounds x {args.per_round} visitors, "
        f"{DRAWS} draws per update, floor {FLOOR:.0%} per creative, even split until each has {BURN_IN} views"
    )
    scenario("Clear winner", [0.020, 0.025, 0.035], args)
    scenario("Small lift", [0.030, 0.033], args)
    scenario("Equal creatives", [0.030, 0.030, 0.030], args)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss:.1f} MB")


if __name__ == "__main__":
    main()
