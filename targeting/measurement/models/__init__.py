"""Measurement's models, one module per concern (experiments live in ``experiments.py``)."""

from targeting.measurement.models.approval import FourEyesApprovalTask  # noqa: F401
from targeting.measurement.models.experiments import AllocationUpdate  # noqa: F401
from targeting.measurement.models.goals import ConversionGoal  # noqa: F401
from targeting.measurement.models.rollups import (  # noqa: F401
    DailyRollup,
    HourlyRollup,
    MonthlyRollup,
    ReportAccess,
    RollupCursor,
    VisitorMark,
)
