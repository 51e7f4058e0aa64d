"""Keyed attributes through POST /api/v1/simulate and the segments API (issue 14 item 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from targeting.tracking.documents import behaviour_view, fold_event
from tests.targeting.factories import PlacementFactory, SegmentFactory, publish

URL = "/api/v1/simulate"


@pytest.fixture
def spring_promo(db):
    PlacementFactory(slug="home-hero")
    return publish(
        SegmentFactory(
            slug="spring-promo",
            rule={
                "all": [
                    {"attr": "source.query", "key": "promo", "op": "eq", "value": "spring"},
                    {"attr": "source.query", "key": "ch", "op": "in", "value": ["a", "b"]},
                ]
            },
        )
    )


@pytest.mark.django_db
def test_a_marketer_previews_a_landing_parameter_rule(spring_promo, marketer_client):
    # Given a landing URL with both parameters among others
    body = {"request": {"url": "/cards/?utm_source=x&promo=spring&gclid=1&ch=b"}}

    # When they simulate
    answer = marketer_client.post(URL, body, format="json").json()

    # Then the keyed rule matches and the attributes show every parameter
    assert answer["segments"] == ["spring-promo"]
    assert answer["attributes"]["source.query"]["promo"] == "spring"
    leaf = answer["explain"]["segments"]["spring-promo"]["children"][0]
    assert leaf["key"] == "promo"
    assert leaf["actual"] == "spring"


@pytest.mark.django_db
def test_keyed_overrides_are_objects(spring_promo, marketer_client):
    body = {"attributes": {"source.query": {"PROMO": "spring", "ch": "a"}}}

    answer = marketer_client.post(URL, body, format="json").json()

    assert answer["segments"] == ["spring-promo"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "promo=spring",
        ["promo"],
        {"promo": ["spring"]},
        {"promo": {"x": 1}},
        {"": "x"},
        {"a\u0000": "x"},
        {"promo": "a\u0000"},
        {f"k{i}": "v" for i in range(101)},
    ],
)
def test_bad_keyed_overrides_are_400_naming_the_attribute(marketer_client, value):
    response = marketer_client.post(URL, {"attributes": {"source.query": value}}, format="json")

    assert response.status_code == 400
    [field] = response.json()["errors"]
    assert field.startswith("attributes.source.query")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [{"/cards/": 1.5}, {"/cards/": True}, {"cards": 1}])
def test_page_visits_overrides_need_paths_and_whole_numbers(marketer_client, value):
    body = {"attributes": {"behaviour.page_visits": value}}

    response = marketer_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert "attributes.behaviour.page_visits" in response.json()["errors"]


@pytest.mark.django_db
def test_the_segments_api_refuses_a_keyed_rule_without_its_key(marketer_client):
    rule = {"all": [{"attr": "behaviour.page_visits", "op": "gte", "value": 2}]}
    body = {"name": "Card fans", "slug": "card-fans", "rule": rule}

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 400
    assert "rule.all[0].key" in str(response.json())


def test_folded_page_views_count_by_path():
    at = datetime(2026, 3, 1, 10, tzinfo=UTC)
    doc: dict = {}
    for i, path in enumerate(["/cards/", "/cards/?from=nav", "/loans/", "/cards/"]):
        doc = fold_event(doc, "page_view", at + timedelta(minutes=i), {"path": path})

    assert behaviour_view(doc)["page_visits"] == {"/cards/": 3, "/loans/": 1}


# --------------------------------------------------------------------------------------------
# request.headers: a trusted CDN's geo headers (issue 14 item 2)


@pytest.mark.django_db
def test_a_marketer_previews_a_cdn_country(marketer_client):
    body = {
        "request": {
            "headers": {"CloudFront-Viewer-Country": "CN", "CloudFront-Viewer-Country-Region": "GD"}
        }
    }

    answer = marketer_client.post(URL, body, format="json").json()

    assert answer["attributes"]["geo.country"] == "CN"
    assert answer["attributes"]["geo.region"] == "CN-GD"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"Cookie": "a=1"}, "request.headers"),
        ({"CF-IPCountry": 1}, "request.headers"),
        ({"CF-IPCountry": "C\u0000N"}, "request.headers"),
        ({"CF-IPCountry": "x" * 201}, "request.headers"),
        (["CF-IPCountry"], "request.headers"),
    ],
)
def test_only_allowed_cdn_headers_may_be_described(marketer_client, headers, field):
    response = marketer_client.post(URL, {"request": {"headers": headers}}, format="json")

    assert response.status_code == 400
    assert any(name.startswith(field) for name in response.json()["errors"])


# --------------------------------------------------------------------------------------------
# Rules that cannot silently fail (issue 14 item 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [("geo.region", "广东"), ("geo.country", "cn"), ("geo.city", "广州市区"), ("device.os", "iOS")],
)
def test_the_preview_refuses_values_real_traffic_never_has(marketer_client, name, value):
    response = marketer_client.post(URL, {"attributes": {name: value}}, format="json")

    assert response.status_code == 400
    assert f"attributes.{name}" in response.json()["errors"]


@pytest.mark.django_db
def test_the_preview_reads_a_pinyin_city_as_the_chinese_one(marketer_client):
    answer = marketer_client.post(URL, {"attributes": {"geo.city": "Guangzhou"}}, format="json")

    assert answer.json()["attributes"]["geo.city"] == "广州"


@pytest.mark.django_db
def test_the_segments_api_refuses_a_chinese_region_name_naming_the_path(marketer_client):
    rule = {"any": [{"attr": "geo.region", "op": "eq", "value": "广东"}]}
    body = {"name": "Guangdong", "slug": "guangdong", "rule": rule}

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 400
    assert "rule.any[0].value" in str(response.json())
    assert "CN-GD" in str(response.json())


# --------------------------------------------------------------------------------------------
# Membership fields over the segments API (issue 14 items 3 and 4)


@pytest.mark.django_db
def test_the_segments_api_sets_membership_fields(marketer_client):
    body = {
        "name": "Half of the searchers",
        "slug": "half-searchers",
        "rule": {"attr": "source.kind", "op": "eq", "value": "search"},
        "stays_for_visit": True,
        "sample_percent": 50,
    }

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["stays_for_visit"], answer["sample_percent"], answer["is_static"]) == (
        True,
        50,
        False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("percent", [0, 100, -1, 1e9, "x"])
def test_a_bad_sample_percentage_is_400_naming_it(marketer_client, percent):
    body = {
        "name": "Bad sample",
        "slug": "bad-sample",
        "rule": {"attr": "source.kind", "op": "eq", "value": "search"},
        "sample_percent": percent,
    }

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 400
    assert "sample_percent" in str(response.json())
