"""Validate a segment's rule with the engine, against every other segment (references, cycles)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from targeting.engine import rules as engine_rules
from targeting.models import Segment
from targeting.rule_messages import rule_error_text

if TYPE_CHECKING:
    from targeting.models import Segment


def known_rules(exclude_pk: int | None = None) -> dict[str, Any]:
    """Every segment's current rule by slug (the row holds drafts of never-published segments)."""
    qs = Segment.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return dict(qs.values_list("slug", "rule"))


def validate_segment_rule(segment: Segment) -> str | None:
    """Return the first error in ``segment.rule`` (as ``rule.all[2].value: …``) or None, its
    message in the active language (``targeting.rule_messages``).

    References must name existing segments, and the rule must not close a reference cycle
    through any other segment.
    """
    others = known_rules(exclude_pk=segment.pk)
    slug = segment.slug or "__new__"
    everything = {**others, slug: segment.rule}
    try:
        engine_rules.validate(segment.rule, known_segments=everything, self_slug=slug)
    except engine_rules.RuleError as exc:
        return rule_error_text(exc)
    problem = engine_rules.validate_all(everything).get(slug)
    return rule_error_text(problem) if problem is not None else None


#: What a static audience with no members compiles to: no visitor id is ever this.
NO_MEMBER = "-"


def compiled_rule(segment: Any) -> Any:
    """The rule the snapshot compiles for a segment (a row as a dict, or a ``Segment``).

    A static segment is its frozen members, not its rule: ``visitor.ids`` in the member ids
    (matching nobody before its first refresh). A random sample adds ``visitor.bucket`` keyed by
    the segment's slug below the percentage, so the sample is stable per visitor and independent
    of other segments' samples. Both are plain conditions: evaluated lazily, with no query.
    """
    get = segment.get if isinstance(segment, dict) else lambda name: getattr(segment, name)
    rule = get("rule")
    if get("is_static"):
        members = [m for m in (get("static_members") or []) if isinstance(m, str) and m]
        rule = {"attr": "visitor.ids", "op": "in", "value": members or [NO_MEMBER]}
    percent = get("sample_percent")
    if percent:
        sample = {"attr": "visitor.bucket", "key": get("slug"), "op": "lt", "value": int(percent)}
        rule = {"all": [rule, sample]}
    return rule
