"""Live campaigns that compete for one slot and audience at equal priority (admin warning)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from targeting.engine.decide import find_conflicts
from targeting.snapshot import get_snapshot


def live_conflicts() -> list[str]:
    """One readable line per competing pair, from the live snapshot (engine ``find_conflicts``)."""
    snapshot = get_snapshot()
    lines = []
    for placement, first, second in find_conflicts(snapshot.engine):
        lines.append(
            _("%(placement)s: “%(first)s” and “%(second)s” (priority %(priority)s)")
            % {
                "placement": placement,
                "first": first.name or first.slug,
                "second": second.name or second.slug,
                "priority": first.priority,
            }
        )
    return lines
