"""Marketing admin: the rule editor, the preview and the audience estimate, with permissions."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.targeting.factories import SegmentFactory, VisitorProfileFactory


@pytest.mark.django_db
def test_the_rule_editor_renders_on_the_segment_edit_page(client, marketer):
    # Given a marketer editing an audience
    segment = SegmentFactory(slug="mobiles")
    client.force_login(marketer)

    # When the edit view opens
    response = client.get(reverse("wagtailsnippets_targeting_segment:edit", args=[segment.pk]))

    # Then the structured editor, its script and the attribute catalogue are on the page
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-rule-editor" in html
    assert "targeting/js/rule-editor.js" in html
    assert "device.type" in html
    assert reverse("targeting_audience_estimate") in html


@pytest.mark.django_db
def test_saving_a_bad_rule_names_the_path_of_the_mistake(client, marketer):
    # Given a marketer who writes a text where a number belongs
    client.force_login(marketer)
    rule = {"all": [{"attr": "profile.age", "op": "gt", "value": "old"}]}

    # When they save the audience
    response = client.post(
        reverse("wagtailsnippets_targeting_segment:add"),
        {
            "name": "Old",
            "slug": "old",
            "description": "",
            "rule": json.dumps(rule),
            "enabled": "on",
        },
    )

    # Then the form comes back with the error naming the node, and nothing is saved
    assert response.status_code == 200
    assert "rule.all[0].value" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["targeting_preview"])
def test_preview_requires_targeting_permission(client, outsider, name):
    url = reverse(name)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous.url
    client.force_login(outsider)
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
    denied = client.get(url)
    assert denied.status_code in (302, 403)
    assert "Preview as a visitor" not in denied.content.decode()


@pytest.mark.django_db
def test_estimate_requires_targeting_permission(client, outsider):
    url = reverse("targeting_audience_estimate")
    assert client.post(url, {"rule": "{}"}).status_code == 302
    client.force_login(outsider)
    denied = client.post(url, {"rule": "{}"})
    assert denied.status_code in (302, 403)
    assert b"matched" not in denied.content


@pytest.mark.django_db
def test_marketer_previews_a_described_visitor(client, marketer):
    # Given a marketer
    client.force_login(marketer)

    # When they describe a visitor on an iPhone coming from a Baidu search
    response = client.get(
        reverse("targeting_preview"),
        {"run": "1", "device": "iphone-safari", "referrer": "https://www.baidu.com/s?wd=信用卡"},
    )

    # Then the page shows the resolved attributes, values by their Chinese labels
    html = response.content.decode()
    assert response.status_code == 200
    assert "device.type" in html
    assert "手机" in html and "百度" in html


@pytest.mark.django_db
def test_preview_reports_a_bad_field_by_name(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("targeting_preview"), {"run": "1", "ip": "not-an-ip"})
    assert response.status_code == 200
    assert "ip" in response.context["form"].errors
    assert 'class="error-message"' in response.content.decode()


@pytest.mark.django_db
def test_marketer_estimates_an_audience(client, marketer):
    # Given three known visitors, two of whom viewed wealth products
    VisitorProfileFactory(data={"categories": {"wealth": "2026-03-01T10:00:00+08:00"}})
    VisitorProfileFactory(data={"categories": {"wealth": "2026-03-02T10:00:00+08:00"}})
    VisitorProfileFactory(data={"categories": {"loan": "2026-03-02T10:00:00+08:00"}})
    client.force_login(marketer)
    rule = {"attr": "behaviour.categories", "op": "contains", "value": "wealth"}

    # When they ask for an estimate
    response = client.post(reverse("targeting_audience_estimate"), {"rule": json.dumps(rule)})

    # Then two of the three visitors match
    assert response.status_code == 200
    answer = response.json()
    assert answer["visitors"]["matched"] == 2
    assert answer["visitors"]["total"] == 3


@pytest.mark.django_db
def test_estimate_rejects_a_bad_rule_with_its_path(client, marketer):
    client.force_login(marketer)
    rule = {"any": [{"attr": "nope.nothing", "op": "eq", "value": 1}]}
    response = client.post(reverse("targeting_audience_estimate"), {"rule": json.dumps(rule)})
    assert response.status_code == 400
    assert response.json()["error"].startswith("rule.any[0]")


@pytest.mark.django_db
def test_the_rule_editor_shows_the_catalogue_in_the_admin_language(client, marketer):
    # Given a marketer editing an audience in Simplified Chinese
    segment = SegmentFactory(slug="searchers")
    client.force_login(marketer)

    # When the edit view opens
    response = client.get(
        reverse("wagtailsnippets_targeting_segment:edit", args=[segment.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    # Then the editor's catalogue holds Chinese labels next to the unchanged attribute names
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<script type="application/json">', html.index("data-rule-editor"))
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    by_name = {a["name"]: a for a in data["catalogue"]["attributes"]}
    assert by_name["source.search_engine"]["label"] == "搜索引擎"
    assert data["catalogue"]["operator_labels"]["eq"] == "等于"
