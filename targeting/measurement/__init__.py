"""Campaign measurement (issue 10): facts, rollups, reports, experiments and allocation.

Flow: the beacon and channel systems send ``impression``, ``click``, ``goal`` and conversion
events to the event API (``targeting.tracking``); ``rollups`` folds the raw event log into hourly
and daily rollups (Celery, or on report read without a broker); ``queries`` reads rollups only;
the admin ``reports`` and the report API render them. It sits above targeting and tracking: it may
import them, they never import it. See docs/measurement.md.
"""
