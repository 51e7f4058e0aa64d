"""The risk questionnaire (风险测评): its questions, their scores and the tolerance they give.

The questions live in code, versioned, rather than as editable content: a bank's questionnaire is
approved by compliance as a whole, every answer sheet must say which version it answered, and a
change of wording or score is a reviewed release, not an edit in the admin. Bump
``QUESTIONNAIRE_VERSION`` with every change; stored assessments keep the version they answered.

Scoring: each answer carries points; the sum maps to a tolerance C1-C5 by ``TOLERANCE_BANDS``,
which matches product risk R1-R5 (C3 may buy up to R3). Two answers cap the result whatever the
sum, as the regulator expects: a customer who accepts no loss at all is C1, and one with no
investment experience is at most C3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTIONNAIRE_VERSION = "2026.1"


@dataclass(frozen=True)
class Option:
    key: str
    label: StrOrPromise
    points: int
    #: The highest tolerance this answer allows, whatever the total (None: no cap).
    cap: int | None = None


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    options: tuple[Option, ...]

    def option(self, key: Any) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "age",
        _("How old are you?"),
        (
            Option("18_30", _("18 to 30"), 3),
            Option("31_50", _("31 to 50"), 4),
            Option("51_60", _("51 to 60"), 2),
            Option("over_60", _("Over 60"), 1),
        ),
    ),
    Question(
        "income",
        _("What is your household's annual income?"),
        (
            Option("under_100k", _("Under ¥100,000"), 1),
            Option("100k_300k", _("¥100,000 to ¥300,000"), 2),
            Option("300k_500k", _("¥300,000 to ¥500,000"), 3),
            Option("500k_1m", _("¥500,000 to ¥1,000,000"), 4),
            Option("over_1m", _("Over ¥1,000,000"), 5),
        ),
    ),
    Question(
        "share",
        _("What share of your household's financial assets do you plan to invest?"),
        (
            Option("under_10", _("Less than 10%"), 1),
            Option("10_25", _("10% to 25%"), 2),
            Option("25_50", _("25% to 50%"), 3),
            Option("over_50", _("More than 50%"), 4),
        ),
    ),
    Question(
        "experience",
        _("Which of these have you invested in before?"),
        (
            Option("none", _("None: only savings deposits"), 1, cap=3),
            Option("bonds", _("Government bonds or low-risk wealth management"), 2),
            Option("funds", _("Funds or wealth management with fluctuating returns"), 3),
            Option("stocks", _("Stocks"), 4),
            Option("derivatives", _("Futures, options, private funds or other derivatives"), 5),
        ),
    ),
    Question(
        "horizon",
        _("For how long can you leave the money invested?"),
        (
            Option("under_1y", _("Less than one year"), 1),
            Option("1_3y", _("One to three years"), 2),
            Option("3_5y", _("Three to five years"), 3),
            Option("over_5y", _("More than five years"), 4),
        ),
    ),
    Question(
        "goal",
        _("What do you want from your investments?"),
        (
            Option("preserve", _("Keep my capital safe; low returns are fine"), 1),
            Option("steady", _("Steady returns above deposit rates"), 2),
            Option("balanced", _("A balance of growth and safety"), 3),
            Option("growth", _("Higher returns; I accept clear ups and downs"), 4),
            Option("maximum", _("The highest returns; I accept large losses"), 5),
        ),
    ),
    Question(
        "loss",
        _("What is the largest loss of capital you could accept?"),
        (
            Option("none", _("No loss at all"), 1, cap=1),
            Option("under_10", _("Up to 10%"), 2),
            Option("10_30", _("10% to 30%"), 3),
            Option("30_50", _("30% to 50%"), 4),
            Option("over_50", _("More than 50%"), 5),
        ),
    ),
    Question(
        "reaction",
        _("Your investment falls 20% within a month. What do you do?"),
        (
            Option("sell_all", _("Sell everything"), 1),
            Option("sell_part", _("Sell part of it"), 2),
            Option("hold", _("Hold and wait"), 3),
            Option("buy_more", _("Buy more"), 5),
        ),
    ),
)

#: (highest total, tolerance) in ascending order; a total above the last band is C5.
TOLERANCE_BANDS: tuple[tuple[int, int], ...] = ((14, 1), (20, 2), (26, 3), (32, 4))

TOLERANCE_LABELS: Mapping[int, StrOrPromise] = {
    1: _("C1 Cautious"),
    2: _("C2 Conservative"),
    3: _("C3 Balanced"),
    4: _("C4 Growth"),
    5: _("C5 Aggressive"),
}


@dataclass(frozen=True)
class Result:
    """A scored answer sheet."""

    answers: dict[str, str]
    score: int
    tolerance: int


class IncompleteAnswers(ValueError):
    """Some questions are unanswered or answered with an unknown option (keys named)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def score(answers: Mapping[str, Any]) -> Result:
    """Score an answer sheet ``{question key: option key}``; raises ``IncompleteAnswers``."""
    chosen: dict[str, str] = {}
    total = 0
    cap = 5
    missing: list[str] = []
    for question in QUESTIONS:
        option = question.option(answers.get(question.key))
        if option is None:
            missing.append(question.key)
            continue
        chosen[question.key] = option.key
        total += option.points
        if option.cap is not None:
            cap = min(cap, option.cap)
    if missing:
        raise IncompleteAnswers(missing)
    tolerance = next((level for high, level in TOLERANCE_BANDS if total <= high), 5)
    return Result(chosen, total, min(tolerance, cap))
