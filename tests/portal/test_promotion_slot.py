"""Promotion slots choose a real Placement (issue 9 item 6), and stored slugs are migrated."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from wagtail.models import Revision

from portal.blocks import PromotionSlotBlock
from portal.models import HomePage, StandardPage
from tests.portal.factories import StandardPageFactory
from tests.targeting.factories import PlacementFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("portal.migrations.0003_promotion_slot_chooses_placement")


def render_slot(value: dict) -> str:
    block = PromotionSlotBlock()
    return block.render(block.to_python(value), context={"request": None})


def test_a_chosen_placement_renders_its_slot_with_its_default_content(home_page) -> None:
    placement = PlacementFactory(slug="home-hero", default_headline="用心服务每一位客户")

    html = render_slot({"placement": placement.pk, "missing_slug": ""})

    assert '<div class="promo-slot" data-placement="home-hero">' in html
    assert "用心服务每一位客户" in html


def test_a_deleted_placement_renders_nothing_and_the_page_still_serves(
    client: Client, home_page: HomePage
) -> None:
    # Given a home page whose slot chose a placement that is then deleted
    placement = PlacementFactory(slug="home-strip", default_headline="手机银行，随时随地")
    home_page.body = [("promotion_slot", {"placement": placement, "missing_slug": ""})]
    home_page.save_revision().publish()
    placement_id = placement.pk
    placement.delete()

    # When a visitor opens the page
    response = client.get("/")

    # Then the page serves without the slot: no wrapper, no error
    assert response.status_code == 200
    assert "promo-slot" not in response.content.decode()
    assert render_slot({"placement": placement_id, "missing_slug": ""}).strip() == ""


def test_a_slug_that_found_no_placement_renders_nothing_but_is_valid() -> None:
    block = PromotionSlotBlock()
    value = block.to_python({"placement": None, "missing_slug": "retired-slot"})

    assert block.clean(value)["missing_slug"] == "retired-slot"
    assert render_slot({"placement": None, "missing_slug": "retired-slot"}).strip() == ""


# --- The data migration ------------------------------------------------------------------------


def _store_raw(page: StandardPage, raw: list[dict]) -> None:
    """Write ``raw`` as the page's stored body and as every revision's, as before the change."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portal_standardpage SET body = %s WHERE page_ptr_id = %s",
            [json.dumps(raw), page.pk],
        )
    for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
        revision.content["body"] = json.dumps(raw)
        revision.save(update_fields=["content"])


def _slots(raw: list[dict]) -> list[dict]:
    return [block["value"] for block in raw if block["type"] == "promotion_slot"]


def test_the_migration_converts_stored_slugs_on_pages_and_every_revision(home_page) -> None:
    # Given a page saved with typed slugs, one of which names no placement, in a published
    # revision and a later draft
    hero = PlacementFactory(slug="contact-side")
    page = StandardPageFactory(parent=home_page, slug="contact-us", title="联系我们")
    page.save_revision().publish()
    page.save_revision()  # a draft on top
    old = [
        {"type": "heading", "value": {"text": "联系方式", "level": "h2"}, "id": "a"},
        {"type": "promotion_slot", "value": {"placement": "contact-side"}, "id": "b"},
        {"type": "promotion_slot", "value": {"placement": "retired-slot"}, "id": "c"},
    ]
    _store_raw(page, old)

    # When the migration runs forwards
    MIGRATION.slugs_to_placements(apps, None)

    # Then the page and each revision choose the placement, and the unknown slug is kept
    expected = [
        {"placement": hero.pk, "missing_slug": ""},
        {"placement": None, "missing_slug": "retired-slot"},
    ]
    page.refresh_from_db()
    assert _slots(page.body.raw_data) == expected
    revisions = Revision.page_revisions.filter(object_id=str(page.pk))
    assert revisions.count() == 2
    for revision in revisions:
        assert _slots(json.loads(revision.content["body"])) == expected
    # And the other blocks are untouched, the page renders and its draft still opens
    assert page.body.raw_data[0]["value"] == old[0]["value"]
    assert Client().get(page.url).status_code == 200
    assert page.get_latest_revision_as_object().body[1].value["placement"] == hero

    # And running it again changes nothing; backwards restores every slug
    MIGRATION.slugs_to_placements(apps, None)
    page.refresh_from_db()
    assert _slots(page.body.raw_data) == expected
    MIGRATION.placements_to_slugs(apps, None)
    page.refresh_from_db()
    assert _slots(page.body.raw_data) == [
        {"placement": "contact-side"},
        {"placement": "retired-slot"},
    ]
