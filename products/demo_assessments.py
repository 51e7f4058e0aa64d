"""Risk assessments (风险测评) for the demo customers, so the demo's offers pass suitability.

Runs after the apps that create the demo customers (targeting's ``vip-demo``, the community's
``vip_sun``): each gets an assessment in force through the questionnaire's own scoring and
``suitability.record_assessment`` (the same path as a customer who answers it), with the answer
sheet that gives the tolerance the demo describes. Idempotent: an assessment in force with that
tolerance is kept. Only these demo accounts are touched, never a real customer.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from products import suitability
from products.questionnaire import QUESTIONS, IncompleteAnswers, Result, score

#: Demo account -> the risk tolerance (C1-C5) its story needs.
DEMO_TOLERANCES = {"vip-demo": 3, "vip_sun": 4}


def answers_for(tolerance: int) -> Result:
    """The first answer sheet (in the questionnaire's order) that scores to ``tolerance``."""
    for choice in itertools.product(*(q.options for q in QUESTIONS)):
        try:
            result = score({q.key: o.key for q, o in zip(QUESTIONS, choice, strict=True)})
        except IncompleteAnswers:  # pragma: no cover - every question is answered here
            continue
        if result.tolerance == tolerance:
            return result
    raise ValueError(f"no answer sheet gives tolerance {tolerance}")


def seed(stdout: Any) -> None:
    assessed = []
    for username, tolerance in DEMO_TOLERANCES.items():
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        current = suitability.current_assessment(user)
        if current is None or current.tolerance != tolerance:
            suitability.record_assessment(user, answers_for(tolerance))
        assessed.append(f"{username} C{tolerance}")
    stdout.write(f"products: risk assessments in force for {', '.join(assessed) or 'nobody'}")
