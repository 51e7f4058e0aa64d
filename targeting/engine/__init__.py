"""The targeting engine: visitor context, providers, rule language and decisions.

Plain, typed Python with no Django imports, so it is fast and testable alone; the Django layer
(models, admin, API, middleware, template tags, Celery tasks) wraps it. See docs/rule-language.md.

Typical use by the Django layer::

    snapshot = Snapshot.build(rules_by_slug, campaign_specs, version="42")   # once per publish
    ctx = VisitorContext(RequestInfo(...), config=engine_config)            # once per request
    decision = decide(snapshot, "home-hero", ctx, impressions=counter)      # per placement
"""

from .attributes import ATTRIBUTES, OPERATORS, Attribute, describe
from .context import RequestInfo, VisitorContext
from .decide import (
    CampaignSpec,
    CreativeSpec,
    Decision,
    Snapshot,
    decide,
    explain_decision,
    find_conflicts,
    matching_segments,
    simulate,
    suitable_creatives,
)
from .providers import DEFAULT_PROVIDERS, EngineConfig
from .rules import (
    RuleError,
    compile_rule,
    compile_segments,
    explain,
    find_cycle,
    validate,
    validate_all,
)
from .suitability import Suitability, check_suitability, risk_number

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_PROVIDERS",
    "OPERATORS",
    "Attribute",
    "CampaignSpec",
    "CreativeSpec",
    "Decision",
    "EngineConfig",
    "RequestInfo",
    "RuleError",
    "Snapshot",
    "Suitability",
    "VisitorContext",
    "check_suitability",
    "compile_rule",
    "compile_segments",
    "decide",
    "describe",
    "explain",
    "explain_decision",
    "find_conflicts",
    "find_cycle",
    "matching_segments",
    "risk_number",
    "simulate",
    "suitable_creatives",
    "validate",
    "validate_all",
]
