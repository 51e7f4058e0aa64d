"""Import CRM segment memberships from the CRM's CSV export.

Columns: ``customer,code,expires`` (header required; ``expires`` optional per row, ISO 8601 date
or date-time in the site time zone). Each row is validated; rejected rows are reported with their
line number and reason; the others are upserted in one transaction per file, so a re-import of
the same file changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from targeting.models import CrmMembership
from targeting.profiles import forget_customer
from targeting.tracking.models import CustomerProfile

REQUIRED_COLUMNS = ("customer", "code")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
CUSTOMER_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
#: Expiry years accepted (PostgreSQL and Python both hold them, in every time zone).
EARLIEST_EXPIRY, LATEST_EXPIRY = 1970, 2999


@dataclass
class ImportReport:
    """What an import did: counts and the rejected rows with their line numbers."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


class CrmFileError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


def parse_expiry(value: str) -> datetime | None:
    """Parse an expiry; a bare date means the end of that day in the site time zone."""
    value = value.strip()
    if not value:
        return None
    try:
        # A bare date first: Django 5's parse_datetime also reads one, as midnight.
        day = parse_date(value)
        moment = datetime.combine(day, time(23, 59, 59)) if day else parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"expires: {value!r} is not a date (YYYY-MM-DD) or date-time")
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        # Databases store UTC: a far date with an offset can fall outside every calendar.
        in_range = EARLIEST_EXPIRY <= moment.astimezone(UTC).year <= LATEST_EXPIRY
    except (OverflowError, ValueError):
        in_range = False
    if not in_range:
        raise ValueError(f"expires: expected a year from {EARLIEST_EXPIRY} to {LATEST_EXPIRY}")
    return moment


def import_memberships(
    stream: IO[str] | Iterable[str], now: datetime | None = None
) -> ImportReport:
    """Validate and upsert every row of a CRM export; raises CrmFileError for a bad header."""
    now = now or timezone.now()
    reader = csv.DictReader(stream)
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CrmFileError(f"line 1: missing column(s) {', '.join(missing)}")
    reader.fieldnames = columns
    report = ImportReport()
    rows: dict[tuple[str, str], datetime | None] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            report.rejected.append((line, "too many values"))
            continue
        customer = (row.get("customer") or "").strip()
        code = (row.get("code") or "").strip()
        if not customer:
            report.rejected.append((line, "customer: missing"))
            continue
        if not CUSTOMER_PATTERN.match(customer):
            report.rejected.append((line, f"customer: {customer!r} is not a customer number"))
            continue
        if not code:
            report.rejected.append((line, "code: missing"))
            continue
        if not CODE_PATTERN.match(code):
            report.rejected.append((line, f"code: {code!r} may use letters, digits, - and _"))
            continue
        try:
            expires = parse_expiry(row.get("expires") or "")
        except ValueError as exc:
            report.rejected.append((line, str(exc)))
            continue
        rows[(customer, code)] = expires
    with transaction.atomic():
        existing = {
            (m.customer_ref, m.code): m
            for m in CrmMembership.objects.select_for_update().filter(
                customer_ref__in={c for c, _ in rows}
            )
        }
        for (customer, code), expires in rows.items():
            membership = existing.get((customer, code))
            if membership is None:
                CrmMembership.objects.create(
                    customer_ref=customer, code=code, expires_at=expires, imported_at=now
                )
                report.created += 1
            elif membership.expires_at != expires:
                membership.expires_at = expires
                membership.imported_at = now
                membership.save(update_fields=["expires_at", "imported_at"])
                report.updated += 1
            else:
                report.unchanged += 1
        user_ids = CustomerProfile.objects.filter(
            customer_number__in={c for c, _ in rows}
        ).values_list("user_id", flat=True)
        for user_id in user_ids:
            transaction.on_commit(lambda uid=user_id: forget_customer(uid))
    return report
