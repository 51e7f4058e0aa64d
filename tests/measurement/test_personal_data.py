"""Measurement's part of download and erasure: the distinct-visitor marks, nothing else."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from targeting.measurement import rollups
from targeting.measurement.models import DailyRollup, VisitorMark
from targeting.tracking import personal_data
from targeting.tracking.models import CustomerVisitor
from tests.measurement.conftest import at, raw_event
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_measurement_registers_its_part():
    assert "measurement" in [part.name for part in personal_data.parts()]


def test_only_the_marks_hold_visitors():
    """Every measurement model is an aggregate, except the marks (a model added later that keeps
    a visitor or customer must join the part, or fail here)."""
    per_visitor = []
    for model in apps.get_app_config("measurement").get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if names & {"visitor", "visitor_id", "customer", "customer_ref", "user"}:
            per_visitor.append(model.__name__)
        assert not any(
            isinstance(field, models.ForeignKey) and field.related_model._meta.label == "auth.User"
            for field in model._meta.concrete_fields
        )
    assert per_visitor == ["VisitorMark"]


def test_download_and_erasure_cover_the_marks_and_keep_the_counts():
    # Given a signed-in customer's browser and another visitor, both counted by the rollups
    customer = UserFactory(username="counted")
    CustomerVisitor.objects.create(user=customer, visitor_id="v-customer")
    for visitor in ("v-customer", "v-other"):
        raw_event(
            "impression",
            at("2026-11-20"),
            visitor=visitor,
            campaign="card-offer",
            creative="1",
            placement="home-hero",
        )
    rollups.roll_up()
    assert VisitorMark.objects.count() == 2  # each visitor once in the day's cell
    mine = VisitorMark.objects.filter(visitor=rollups._hash("v-customer"))
    assert mine.count() == 1

    # When they download their data
    document = personal_data.export_document(customer)

    # Then the measurement part says on which days they were counted
    assert document["measurement"]["counted_days"] == [{"day": "2026-11-20", "cells": 1}]

    # When they are erased
    personal_data.erase(customer)

    # Then their marks are gone, the other visitor's stay, and the reports' counts are unchanged
    assert not mine.exists()
    assert VisitorMark.objects.filter(visitor=rollups._hash("v-other")).count() == 1
    assert DailyRollup.objects.get(campaign="card-offer").impressions == 2
