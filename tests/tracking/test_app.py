"""Tracking is its own Django app (issue 9): label, tables, Celery discovery, and migrations
from the days its models (the event log, then the profiles) were targeting's that keep every row
and every grant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from celery.loaders.base import find_related_module
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.celery import app as celery_app
from targeting.tracking.models import (
    CustomerProfile,
    CustomerVisitor,
    Interaction,
    RawEvent,
    VisitorProfile,
)

TABLES = {
    RawEvent: "targeting_rawevent",
    CustomerVisitor: "targeting_customervisitor",
    Interaction: "targeting_interaction",
    VisitorProfile: "targeting_visitorprofile",
    CustomerProfile: "targeting_customerprofile",
}
AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_tracking_is_an_app_of_its_own_whose_tables_kept_their_names():
    # given the installed apps
    # when tracking's app config and models are looked up
    config = apps.get_app_config("tracking")
    # then the app is targeting.tracking, owns the moved models, and their tables are unchanged
    assert config.name == "targeting.tracking"
    assert {model.__name__ for model in config.get_models()} >= {
        "RawEvent",
        "CustomerVisitor",
        "Interaction",
        "VisitorProfile",
        "CustomerProfile",
    }
    for model, table in TABLES.items():
        assert model._meta.app_label == "tracking"
        assert model._meta.db_table == table


def test_celery_discovers_trackings_tasks_as_an_apps_tasks():
    # given the installed apps, as Celery's autodiscovery walks them
    names = [config.name for config in apps.get_app_configs()]
    # when the loader looks for each app's tasks module
    found = {getattr(find_related_module(name, "tasks"), "__name__", None) for name in names}
    # then tracking's tasks module is one of them (targeting/tasks.py no longer relays it)
    assert "targeting.tracking.tasks" in found
    assert "targeting.tracking.process_events" in celery_app.tasks
    assert "targeting.tasks" not in found


def _migrate(executor: MigrationExecutor, targets: list) -> MigrationExecutor:
    executor.migrate(targets)
    executor.loader.build_graph()
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_every_row_and_group_grant():
    # given a database as it was before tracking became an app, with rows in every tracking table
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor = _migrate(executor, [("tracking", None)])
    graph = executor.loader.graph
    old = executor.loader.project_state(
        [key for key in executor.loader.applied_migrations if key in graph.nodes]
    ).apps
    user = old.get_model("auth", "User").objects.create(
        username="moved-customer", password=make_password("x")
    )
    old.get_model("targeting", "RawEvent").objects.create(
        source="s:portal", client_id="e1", type="page_view", at=AT
    )
    old.get_model("targeting", "CustomerVisitor").objects.create(user=user, visitor_id="v" * 32)
    old.get_model("targeting", "Interaction").objects.create(
        user=user, at=AT, channel="web", type="page_view", source="s:portal", client_id="e1"
    )
    old_groups = old.get_model("auth", "Group")
    old_groups.objects.get(name="Customer service").user_set.add(user)
    systems = old_groups.objects.get(name="Channel systems")
    assert list(systems.permissions.values_list("content_type__app_label", "codename")) == [
        ("targeting", "add_event")
    ]
    old_ct_ids = {
        model: old.get_model("contenttypes", "ContentType")
        .objects.get(app_label="targeting", model=model)
        .pk
        for model in ("rawevent", "customervisitor", "interaction")
    }

    # when the database is migrated to today's state
    _migrate(executor, leaves)
    ContentType.objects.clear_cache()

    # then every row is still there, read through the tracking app's models
    assert RawEvent.objects.get().client_id == "e1"
    assert CustomerVisitor.objects.get().visitor_id == "v" * 32
    assert Interaction.objects.get().user.username == "moved-customer"
    # and the same content type rows now carry the tracking label (ids kept, nothing copied)
    for model, pk in old_ct_ids.items():
        assert ContentType.objects.get(pk=pk).app_label == "tracking"
        assert not ContentType.objects.filter(app_label="targeting", model=model).exists()
    # and the groups' grants followed
    systems_perms = Group.objects.get(name="Channel systems").permissions.all()
    assert [f"{p.content_type.app_label}.{p.codename}" for p in systems_perms] == [
        "tracking.add_event"
    ]
    customer = apps.get_model("auth", "User").objects.get(username="moved-customer")
    assert customer.has_perm("tracking.view_interaction")
    assert not customer.has_perm("targeting.view_interaction")
    assert Permission.objects.filter(codename="add_event").count() == 1


@pytest.mark.django_db(transaction=True)
def test_moving_the_profiles_keeps_every_row_and_the_marketers_grants():
    # given a database from before the profiles moved to tracking, with a visitor's document, a
    # customer's profile and the "Marketers" group's grants on customer profiles
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor = _migrate(
        executor,
        [
            ("tracking", "0002_content_types_from_targeting"),
            ("targeting", "0007_tracking_models_moved_to_tracking_app"),
        ],
    )
    graph = executor.loader.graph
    old = executor.loader.project_state(
        [key for key in executor.loader.applied_migrations if key in graph.nodes]
    ).apps
    user = old.get_model("auth", "User").objects.create(
        username="profiled-customer", password=make_password("x")
    )
    old.get_model("targeting", "VisitorProfile").objects.create(
        visitor_id="p" * 32, data={"pageviews": 7, "categories": {"loan": "2026-11-01"}}
    )
    old.get_model("targeting", "CustomerProfile").objects.create(
        user=user, customer_number="C0000777", income_band="high", interests=["wealth"]
    )
    marketers = old.get_model("auth", "Group").objects.get(name="Marketers")
    marketers.user_set.add(user)
    before = sorted(
        marketers.permissions.filter(content_type__model="customerprofile").values_list(
            "codename", flat=True
        )
    )
    assert before == [
        "add_customerprofile",
        "change_customerprofile",
        "delete_customerprofile",
        "view_customerprofile",
    ]
    old_ct_ids = {
        model: old.get_model("contenttypes", "ContentType")
        .objects.get(app_label="targeting", model=model)
        .pk
        for model in ("visitorprofile", "customerprofile")
    }

    # when the database is migrated to today's state
    _migrate(executor, leaves)
    ContentType.objects.clear_cache()

    # then the rows are read through tracking's models, unchanged
    assert VisitorProfile.objects.get(visitor_id="p" * 32).data["pageviews"] == 7
    profile = CustomerProfile.objects.get(customer_number="C0000777")
    assert (profile.user.username, profile.income_band, profile.interests) == (
        "profiled-customer",
        "high",
        ["wealth"],
    )
    # and the content types kept their ids under the tracking label
    for model, pk in old_ct_ids.items():
        assert ContentType.objects.get(pk=pk).app_label == "tracking"
        assert not ContentType.objects.filter(app_label="targeting", model=model).exists()
    # and the marketers' grants followed: the same codenames, now tracking's
    customer = apps.get_model("auth", "User").objects.get(username="profiled-customer")
    for action in ("add", "change", "delete", "view"):
        assert customer.has_perm(f"tracking.{action}_customerprofile")
        assert not customer.has_perm(f"targeting.{action}_customerprofile")
    assert Permission.objects.filter(codename="view_customerprofile").count() == 1
