"""Creatives and placements in the visitor's language (issue 12 item 8).

A campaign names one creative; its translations (wagtail-localize, same translation key, other
locale) are pinned with it when compliance approves the campaign and carried in the snapshot, so
the decision picks the visitor's language without a query. A placement's translations carry its
default content in that language.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from wagtail.models import Locale

from targeting import approval
from targeting.models import Placement
from targeting.rendering import decide_slot
from targeting.snapshot import get_snapshot, localized_payload
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    live_campaign,
    publish,
)
from tests.targeting.test_placements import visitor_request


@pytest.fixture
def english(db):
    return Locale.objects.get_or_create(language_code="en")[0]


def translate(obj, locale, **fields):
    """A translation of ``obj`` in ``locale`` with ``fields`` changed, published when it can be."""
    copy = obj.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    if hasattr(copy, "save_revision"):
        publish(copy)
    return copy


@pytest.fixture
def hero(db):
    return PlacementFactory(slug="home-hero", default_headline="欢迎光临")


@pytest.fixture
def mobiles(db):
    return publish(
        SegmentFactory(slug="mobiles", rule={"attr": "device.type", "op": "eq", "value": "mobile"})
    )


def slot_in(language: str, request=None) -> str:
    with translation.override(language):
        return str(decide_slot(request or visitor_request(), "home-hero").html)


def test_the_decision_shows_the_creative_in_the_visitors_language(
    hero, mobiles, english, django_assert_num_queries
):
    # Given a creative with an English translation, both live before the campaign's approval
    creative = publish(CreativeFactory(headline="信用卡新客礼", cta_label="立即申请"))
    translate(creative, english, headline="New card welcome gift", cta_label="Apply now")
    live_campaign(hero, creative, include=[mobiles], slug="card-offer")
    get_snapshot()  # warm

    # When a Chinese and an English mobile visitor (anonymous) see the slot
    with django_assert_num_queries(0):
        chinese = slot_in("zh-hans")
        english_html = slot_in("en")

    # Then each sees the creative in their language, counted as the one creative
    assert "信用卡新客礼" in chinese and "New card welcome gift" not in chinese
    assert "New card welcome gift" in english_html and "Apply now" in english_html
    assert "信用卡新客礼" not in english_html
    assert f'data-creative="{creative.pk}"' in english_html


def test_a_language_without_a_translation_falls_back_to_the_default(hero, mobiles, english):
    creative = publish(CreativeFactory(headline="信用卡新客礼"))
    live_campaign(hero, creative, include=[mobiles], slug="card-offer")

    assert "信用卡新客礼" in slot_in("en")


def test_a_translation_shows_only_once_compliance_approved_it(
    hero, mobiles, english, django_capture_on_commit_callbacks
):
    # Given a live campaign approved before its creative had an English translation
    creative = publish(CreativeFactory(headline="信用卡新客礼"))
    campaign = live_campaign(hero, creative, include=[mobiles], slug="card-offer")

    # When a marketer publishes an English translation of the creative
    english_creative = translate(creative, english, headline="New card welcome gift")
    outcomes = approval.creative_published(english_creative, UserFactory())

    # Then English visitors keep the approved (Chinese) creative, and the campaign goes for review
    assert "New card welcome gift" not in slot_in("en")
    assert [c.pk for c, _outcome in outcomes] == [campaign.pk]

    # And once approved (published) again, the translation shows
    with django_capture_on_commit_callbacks(execute=True):
        publish(campaign)
    assert "New card welcome gift" in slot_in("en")


def test_placement_default_content_in_the_visitors_language(hero, english):
    # Given the slot's default content translated into English (same slug, English locale)
    translate(hero, english, default_headline="Welcome to Jincheng Bank")

    # Then visitors without a campaign see the default content in their language
    assert "Welcome to Jincheng Bank" in slot_in("en")
    assert "欢迎光临" in slot_in("zh-hans")
    # And the slot itself is still one placement by slug
    assert Placement.objects.in_default_locale().filter(slug="home-hero").count() == 1


def test_payload_never_leaks_the_translation_table():
    payload = {"headline": "中文", "translations": {"en": {"headline": "English"}}}

    assert localized_payload(payload, "en") == {"headline": "English"}
    assert localized_payload(payload, "fr") == {"headline": "中文"}
    assert localized_payload(payload, None) == {"headline": "中文"}


def localize_publish(obj, locale, user, texts: dict[str, str]) -> None:
    """What wagtail-localize's translation editor does on "Publish in English": a translation
    source of ``obj``, string translations for its segments (``texts`` by source text) and
    ``Translation.save_target(user=..., publish=True)``, whose publish runs on commit."""
    from wagtail_localize.models import (  # local: test-only use of wagtail-localize's models
        StringTranslation,
        Translation,
        TranslationSource,
    )

    source, _created = TranslationSource.update_or_create_from_instance(obj)
    target, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in source.stringsegment_set.select_related("string", "context"):
        if segment.string.data in texts:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": texts[segment.string.data]},
            )
    target.save_target(user=user, publish=True)


def test_a_translation_published_in_localizes_editor_goes_to_compliance(
    hero, mobiles, english, django_capture_on_commit_callbacks
):
    # Given a live campaign whose creative has an approved English translation
    creative = publish(CreativeFactory(headline="信用卡新客礼"))
    translator = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        localize_publish(creative, english, translator, {"信用卡新客礼": "New card gift"})
    campaign = live_campaign(hero, creative, include=[mobiles], slug="card-offer")
    assert "New card gift" in slot_in("en")
    assert campaign.current_workflow_state is None

    # When a translator changes the English headline and publishes it in wagtail-localize
    with django_capture_on_commit_callbacks(execute=True):
        localize_publish(creative, english, translator, {"信用卡新客礼": "Win a car"})

    # Then English visitors keep the approved translation, and the campaign is under review
    english_creative = creative.get_translation(english)
    assert english_creative.headline == "Win a car"
    assert "Win a car" not in slot_in("en") and "New card gift" in slot_in("en")
    campaign.refresh_from_db()
    state = campaign.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.requested_by == translator

    # And once compliance approves (publishes) the campaign, the new translation shows
    with django_capture_on_commit_callbacks(execute=True):
        publish(campaign)
    assert "Win a car" in slot_in("en")
