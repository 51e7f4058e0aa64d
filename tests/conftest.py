"""Fixtures shared by the whole suite."""

import importlib

import pytest
from django.core.cache import cache

from targeting import snapshot

# Data migrations whose rows (staff groups, the campaign approval workflow) tests rely on.
DATA_MIGRATIONS = [
    ("products.migrations.0002_application_staff_groups", "create_groups"),
    ("targeting.migrations.0002_marketing_roles_and_campaign_approval", "create_roles"),
    ("targeting.migrations.0004_tracking_roles", "create_roles"),
    # the two above grant on targeting's content types of then; move them as migrations did
    ("targeting.tracking.migrations.0002_content_types_from_targeting", "to_tracking"),
    ("targeting.tracking.migrations.0004_profile_content_types_from_targeting", "to_tracking"),
    ("community.migrations.0002_community_groups", "create_groups"),
    ("targeting.push.migrations.0002_roles_and_offer_approval", "create_roles"),
    ("targeting.tracking.migrations.0005_personal_data_requests", "create_groups"),
    # after the two that create the workflow and its task: swaps in the four-eyes task
    ("targeting.measurement.migrations.0005_goal_permissions_and_four_eyes_review", "forwards"),
    ("community.listening.migrations.0002_teams_rules", "forwards"),
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (Redis in CI, local memory otherwise) and no snapshot.

    The process trusts its targeting snapshot for a second without looking at the version key, so
    a snapshot built by the test before would otherwise serve this test's first requests.
    """
    cache.clear()
    snapshot.reset()
    yield
    cache.clear()
    snapshot.reset()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _rows_from_migrations(request: pytest.FixtureRequest) -> None:
    """Put back what migrations created, for transactional tests (live server, real workers).

    A transactional test ends by flushing every table, which removes the rows that migrations
    made (Wagtail's default locale, root page and root collection, our staff groups and the
    approval workflow) for the transactional tests after it. Django recreates content types and
    permissions itself; the rest is restored here when missing.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    # A flush recreates content types under new ids; forget the ids cached before it.
    ContentType.objects.clear_cache()
    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Group.objects.filter(name="Moderators").exists():
        # Some of these functions toggle app configs' models_module (to create permissions
        # early); with the live app registry, put every value back afterwards.
        saved = {config: config.models_module for config in apps.get_app_configs()}
        try:
            for module, function in DATA_MIGRATIONS:
                getattr(importlib.import_module(module), function)(apps, None)
        finally:
            for config, models_module in saved.items():
                config.models_module = models_module
