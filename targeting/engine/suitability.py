"""Suitability: a product's risk level against a customer's risk tolerance.

The one check every channel goes through. Pages and the decide API meet it inside ``decide``
(a creative linked to a product carries the product's risk level), pushes call
``check_suitability`` from their arbitration, and the application form calls it before an
application is recorded. Product risk levels are R1 (lowest) to R5; a customer's tolerance from the
risk questionnaire is C1 to C5, and level n of one matches level n of the other.

Rules:

* tolerance unknown (anonymous visitor, no valid assessment): the product may be shown, always with
  the risk notice; applying needs an assessment first (the application form's job);
* product risk at or below the tolerance: suitable;
* product risk above the tolerance: never promoted; applying needs an explicit, recorded
  acknowledgement, and beyond ``max_gap`` levels it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: How many levels above the tolerance an application is still accepted with an acknowledgement.
DEFAULT_MAX_GAP = 1


def risk_number(level: Any) -> int | None:
    """1-5 from ``"R3"``, ``"C3"``, ``3`` or ``"3"``; None for anything else (bools included)."""
    if isinstance(level, bool):
        return None
    if isinstance(level, int):
        return level if 1 <= level <= 5 else None
    if isinstance(level, str):
        text = level.strip().upper()
        if len(text) == 2 and text[0] in "RC":
            text = text[1]
        if len(text) == 1 and text in "12345":
            return int(text)
    return None


@dataclass(frozen=True, slots=True)
class Suitability:
    """The outcome of one check; see the module docstring for the rules."""

    product_risk: int | None
    tolerance: int | None
    #: Levels by which the product exceeds the tolerance (0 when suitable or either is unknown).
    gap: int
    #: May be shown or pushed to this visitor.
    promotable: bool
    #: The risk notice must accompany it (every rated product, whoever the visitor).
    notice: bool
    #: An application needs a valid assessment first (rated product, tolerance unknown).
    needs_assessment: bool
    #: An application needs the customer's explicit acknowledgement of the mismatch.
    needs_acknowledgement: bool
    #: An application is refused outright (gap beyond the configured maximum).
    refused: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "product_risk": self.product_risk,
            "tolerance": self.tolerance,
            "gap": self.gap,
            "promotable": self.promotable,
            "notice": self.notice,
            "needs_assessment": self.needs_assessment,
            "needs_acknowledgement": self.needs_acknowledgement,
            "refused": self.refused,
            "reason": self.reason,
        }


def check_suitability(
    product_risk: Any, tolerance: Any, max_gap: int = DEFAULT_MAX_GAP
) -> Suitability:
    """Whether a product of ``product_risk`` suits a customer of ``tolerance``.

    Both accept what ``risk_number`` accepts; an unreadable value counts as unknown. An unrated
    product (loans, cards, payments) is suitable for everyone and needs no notice.
    """
    risk = risk_number(product_risk)
    level = risk_number(tolerance)
    if risk is None:
        return Suitability(None, level, 0, True, False, False, False, False, "unrated product")
    if level is None:
        return Suitability(
            risk, None, 0, True, True, True, False, False, f"R{risk}: risk tolerance unknown"
        )
    gap = risk - level
    if gap <= 0:
        return Suitability(
            risk, level, 0, True, True, False, False, False, f"R{risk} within tolerance C{level}"
        )
    refused = gap > max(max_gap, 0)
    return Suitability(
        risk,
        level,
        gap,
        False,
        True,
        False,
        not refused,
        refused,
        f"product risk R{risk} above customer tolerance C{level}",
    )
