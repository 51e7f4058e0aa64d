"""Bulk upsert of CRM memberships sent as JSON, through the CSV import's own validation.

The rows are written as the CSV the CRM would export and handed to
``targeting.crm.import_memberships``, so the API and ``manage.py import_crm_segments`` accept and
reject exactly the same rows with the same reasons. The shape of the request (rows are objects
of strings) is enforced by ``CrmBulkSerializer``, the schema the API documents; only what a CSV
cannot carry (line breaks, control characters, over-long values) is checked here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from targeting.crm import import_memberships
from targeting.models import CrmMembership
from targeting.profiles import forget_customer
from targeting.tracking.models import CustomerProfile

#: Rows per request; more answers 413 (split the batch).
MAX_ROWS = 5000
ROW_KEYS = ("customer", "code", "expires")
MAX_VALUE_LENGTH = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class BulkReport:
    """Counts of a bulk upsert and the rejected rows by their index in the request."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _row_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "expected an object with customer, code and expires"
    unknown = sorted(set(row) - set(ROW_KEYS))
    if unknown:
        return f"{unknown[0]}: unknown key"
    for key in ROW_KEYS:
        value = row.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{key}: expected a string"
        if "\n" in value or "\r" in value:
            return f"{key}: line breaks are not allowed"
        if CONTROL_CHARACTERS.search(value):
            return f"{key}: control characters are not allowed"
        if len(value) > MAX_VALUE_LENGTH:
            return f"{key}: longer than {MAX_VALUE_LENGTH} characters"
    return None


def upsert_memberships(rows: Sequence[Any], *, replace: bool = False) -> BulkReport:
    """Validate and upsert ``rows``; with ``replace``, a named customer keeps only these codes.

    ``replace`` removes, for each customer with at least one accepted row and no rejected row,
    the memberships not listed for them; customers not in the request are never touched, and a
    customer with a rejected row keeps everything (a typo must not delete their codes).
    Everything happens in one transaction.
    """
    report = BulkReport()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROW_KEYS)
    line_to_index: dict[int, int] = {}
    line = 1
    for index, row in enumerate(rows):
        problem = _row_problem(row)
        if problem is not None:
            report.rejected.append({"index": index, "reason": problem})
            continue
        writer.writerow([row.get(key) or "" for key in ROW_KEYS])
        line += 1
        line_to_index[line] = index

    with transaction.atomic():
        imported = import_memberships(io.StringIO(buffer.getvalue()))
        report.created = imported.created
        report.updated = imported.updated
        report.unchanged = imported.unchanged
        for rejected_line, reason in imported.rejected:
            report.rejected.append({"index": line_to_index[rejected_line], "reason": reason})
        if replace:
            report.removed = _remove_unlisted(rows, report, CrmMembership)
    report.rejected.sort(key=lambda item: item["index"])
    return report


def _remove_unlisted(rows: Sequence[Any], report: BulkReport, model: Any) -> int:
    rejected_indexes = {item["index"] for item in report.rejected}
    kept: dict[str, set[str]] = {}
    untouchable: set[str] = set()
    for index, row in enumerate(rows):
        customer = row.get("customer") if isinstance(row, dict) else None
        customer = customer.strip() if isinstance(customer, str) else None
        if index in rejected_indexes:
            if customer:
                untouchable.add(customer)
            continue
        kept.setdefault(customer, set()).add(row["code"].strip())
    existing = model.objects.filter(customer_ref__in=set(kept) - untouchable).values_list(
        "pk", "customer_ref", "code"
    )
    doomed = [pk for pk, customer, code in existing if code not in kept[customer]]
    removed = model.objects.filter(pk__in=doomed).delete()[0] if doomed else 0
    if removed:
        # The customer's cached profile still lists the removed codes until it is forgotten.
        user_ids = CustomerProfile.objects.filter(customer_number__in=set(kept)).values_list(
            "user_id", flat=True
        )
        for user_id in user_ids:
            transaction.on_commit(lambda uid=user_id: forget_customer(uid))
    return removed
