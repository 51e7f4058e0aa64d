"""What the admin refuses to save: bad rules, cycles, unsafe links, images without alt text."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.targeting.factories import (
    CampaignFactory,
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
)


def rule_error(segment) -> str:
    """The rule's error in English (in Chinese for a zh-hans user: test_rule_messages.py)."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        segment.full_clean()
    return " ".join(caught.value.message_dict["rule"])


@pytest.mark.django_db
def test_a_wrongly_typed_value_is_reported_with_the_path_of_its_node():
    segment = SegmentFactory.build(
        rule={
            "all": [
                {"attr": "device.type", "op": "eq", "value": "mobile"},
                {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
                {"attr": "profile.age", "op": "gt", "value": "forty"},
            ]
        }
    )
    assert rule_error(segment) == "rule.all[2].value: expected a number"


@pytest.mark.django_db
def test_a_reference_to_an_unknown_segment_is_refused():
    segment = SegmentFactory.build(rule={"any": [{"segment": "nobody-made-this"}]})
    assert "rule.any[0].segment" in rule_error(segment)


@pytest.mark.django_db
def test_a_reference_cycle_across_segments_is_refused():
    # Given a refers to b, and b to c
    SegmentFactory(slug="a", rule={"segment": "b"})
    SegmentFactory(slug="c", rule={"attr": "device.type", "op": "eq", "value": "mobile"})
    b = SegmentFactory(slug="b", rule={"segment": "c"})

    # When c is changed to refer to a
    c = type(b).objects.get(slug="c")
    c.rule = {"not": {"segment": "a"}}

    # Then saving c is refused because a -> b -> c -> a
    assert "cycle" in rule_error(c)


@pytest.mark.django_db
def test_a_valid_rule_with_a_reference_is_accepted():
    SegmentFactory(slug="mobiles")
    segment = SegmentFactory.build(
        slug="sichuan-mobiles",
        rule={
            "all": [{"segment": "mobiles"}, {"attr": "geo.region", "op": "eq", "value": "CN-SC"}]
        },
    )
    segment.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/", "data:text/html,x", "ftp://x/"]
)
def test_unsafe_call_to_action_links_are_refused(url):
    creative = CreativeFactory.build(cta_url=url)
    with pytest.raises(ValidationError) as caught:
        creative.full_clean()
    assert "cta_url" in caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/products/cards/", "https://bank.example/cards", "https://m.partner.example/x"]
)
def test_site_paths_and_allowed_hosts_are_accepted(url, settings):
    settings.TARGETING_LINK_HOSTS = ["bank.example", ".partner.example"]
    CreativeFactory.build(cta_url=url).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/",
        "https://bank.example.evil.example/",
        "http://BANK.example@evil.example/",
    ],
)
def test_links_to_hosts_compliance_has_not_allowed_are_refused(url, settings):
    # Given a bank that allows links to its own host only
    settings.TARGETING_LINK_HOSTS = ["bank.example"]
    creative = CreativeFactory.build(cta_url=url)

    # When a marketer points a call to action elsewhere, then it is refused, naming the field
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            creative.full_clean()
        errors = caught.value.message_dict["cta_url"]
    assert errors == [
        "Links to other sites may go only to hosts compliance has allowed "
        f"(setting TARGETING_LINK_HOSTS): {urlsplit(url).hostname}"
    ]


@pytest.mark.django_db
def test_outside_links_in_rich_text_follow_the_same_rule(settings):
    settings.TARGETING_LINK_HOSTS = ["bank.example"]
    body = '<p>See <a href="https://bank.example/a">ours</a> and <a href="https://evil.example/">x</a></p>'

    with pytest.raises(ValidationError) as caught:
        CreativeFactory.build(body=body).full_clean()
    assert "body" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        PlacementFactory.build(default_body=body).full_clean()
    assert "default_body" in caught.value.message_dict

    CreativeFactory.build(
        body='<p><a href="/cards/">cards</a> <a href="tel:95568">call</a></p>'
    ).full_clean()


@pytest.mark.django_db
def test_an_image_needs_alternative_text():
    from wagtail_factories import ImageFactory

    creative = CreativeFactory.build(image=ImageFactory(), alt_text="")
    with pytest.raises(ValidationError) as caught:
        creative.full_clean()
    assert "alt_text" in caught.value.message_dict


@pytest.mark.django_db
def test_a_campaign_must_end_after_it_starts():
    start = timezone.now()
    campaign = CampaignFactory.build(start_at=start, end_at=start - timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean(exclude=["placements"])
    assert "end_at" in caught.value.message_dict


@pytest.mark.django_db
def test_campaign_hours_accept_only_hours_of_the_day():
    campaign = CampaignFactory.build(hours=[18, 24])
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean(exclude=["placements"])
    assert "hours" in caught.value.message_dict


@pytest.mark.django_db
def test_a_placement_link_label_needs_a_target():
    placement = PlacementFactory.build(default_link_label="More", default_link_url="")
    with pytest.raises(ValidationError):
        placement.full_clean()


@pytest.mark.django_db
def test_the_outside_link_error_speaks_chinese(settings):
    settings.TARGETING_LINK_HOSTS = []
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        CreativeFactory.build(cta_url="https://elsewhere.example/").full_clean()

    assert caught.value.message_dict["cta_url"] == [
        "链接到其他网站时，只能指向合规已允许的主机（设置 TARGETING_LINK_HOSTS）：elsewhere.example"
    ]
