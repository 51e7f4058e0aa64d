"""Who may call which part of the targeting API.

Reading targeting is as sensitive as changing it (audiences describe customers), so every
method, including GET, HEAD and OPTIONS, needs a model permission; anonymous callers get 401.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request

VIEW = ["%(app_label)s.view_%(model_name)s"]

#: The admin's "Preview as a visitor" needs this too: simulating is reading the audiences.
SIMULATE_PERMISSION = "targeting.view_segment"

#: A channel system asking ``GET /api/v1/decide?customer=`` for a customer (token callers only).
DECIDE_FOR_CUSTOMER_PERMISSION = "targeting.decide_for_customer"

CRM_UPSERT_PERMISSIONS = ("targeting.add_crmmembership", "targeting.change_crmmembership")
CRM_REPLACE_PERMISSION = "targeting.delete_crmmembership"


class TargetingModelPermissions(DjangoModelPermissions):
    """Django's model permissions, with ``view_*`` required to read (DRF requires none)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": VIEW,
        "HEAD": VIEW,
        "OPTIONS": VIEW,
    }


class CanSimulate(BasePermission):
    """Marketing staff: users who may view audiences (the admin preview's permission)."""

    message = _("Simulating needs the permission to view audiences (targeting.view_segment).")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(SIMULATE_PERMISSION))


class CanUpsertCrmMemberships(BasePermission):
    """The CRM's system account: add and change CRM memberships (delete too for ``replace``)."""

    message = _(
        "Importing CRM memberships needs targeting.add_crmmembership and "
        "targeting.change_crmmembership."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(CRM_UPSERT_PERMISSIONS))
