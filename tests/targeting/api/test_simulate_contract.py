"""POST /api/v1/simulate: statuses and error messages clients see, pinned (issue 9 item 6).

Written before the view moved its checks into ``SimulationSerializer``: every answer here is what
the hand-written checks gave, word for word, so the move changes nothing a client can see. Paths
without a language prefix speak the site's default language (Chinese) where a message is
translated; the engine's own messages are English as before.
"""

from __future__ import annotations

import pytest

URL = "/api/v1/simulate"
LONG = "a" * 4001
BROWSER_ID = "b2" * 16

CASES = [
    pytest.param(["home-hero"], 400, {"body": "应为 JSON 对象。"}, id="not-an-object"),
    pytest.param("x", 400, {"body": "应为 JSON 对象。"}, id="string-body"),
    pytest.param({"zzz": 1, "aaa": 2}, 400, {"aaa": "未知的键。"}, id="unknown-top-key"),
    pytest.param({"request": None}, 400, {"request": "应为对象。"}, id="request-null"),
    pytest.param({"attributes": None}, 400, {"attributes": "应为对象。"}, id="attributes-null"),
    pytest.param({"placements": None}, 400, {"placements": "应为列表。"}, id="placements-null"),
    pytest.param({"request": []}, 400, {"request": "应为对象。"}, id="request-list"),
    pytest.param({"attributes": [1]}, 400, {"attributes": "应为对象。"}, id="attributes-list"),
    pytest.param({"placements": {}}, 400, {"placements": "应为列表。"}, id="placements-object"),
    pytest.param(
        {"request": {"at": "bad"}, "placements": "x"},
        400,
        {"placements": "应为列表。"},
        id="shape-before-depth",
    ),
    pytest.param(
        {"request": {"cookie": "x", "banana": 1}},
        400,
        {"request.banana": "unknown key"},
        id="request-unknown-key",
    ),
    pytest.param(
        {"request": {"referrer": None}},
        400,
        {"request.referrer": "expected a string"},
        id="request-null-value",
    ),
    pytest.param(
        {"request": {"at": ""}},
        400,
        {"request.at": "expected an ISO 8601 date-time"},
        id="request-at-empty",
    ),
    pytest.param(
        {"request": {"at": 5}},
        400,
        {"request.at": "expected an ISO 8601 date-time"},
        id="request-at-number",
    ),
    pytest.param(
        {"request": {"at": "next tuesday"}},
        400,
        {"request.at": "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30"},
        id="request-at-words",
    ),
    pytest.param(
        {"request": {"at": "2026-02-30T10:00"}},
        400,
        {"request.at": "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30"},
        id="request-at-invalid-date",
    ),
    pytest.param(
        {"request": {"at": "2999-01-01T00:00"}},
        400,
        {"request.at": "expected a year from 1900 to 2200"},
        id="request-at-far-future",
    ),
    pytest.param(
        {"request": {"at": "9999-12-31T23:59:59-23:59"}},
        400,
        {"request.at": "expected a year from 1900 to 2200"},
        id="request-at-overflow",
    ),
    pytest.param(
        {"request": {"at": "1899-12-31T23:00:00Z"}},
        400,
        {"request.at": "expected a year from 1900 to 2200"},
        id="request-at-1899",
    ),
    pytest.param(
        {"request": {"url": 7}}, 400, {"request.url": "expected a string"}, id="request-url-number"
    ),
    pytest.param(
        {
            "request": {
                "url": "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            }
        },
        400,
        {"request.url": "longer than 4000 characters"},
        id="request-url-long",
    ),
    pytest.param(
        {"request": {"url": "/\t"}},
        400,
        {"request.url": "control characters are not allowed"},
        id="request-url-tab",
    ),
    pytest.param(
        {"request": {"url": "http://example.com:99999/"}},
        400,
        {"request.url": "not a URL"},
        id="request-url-bad-port",
    ),
    pytest.param(
        {"request": {"url": "http://[::1"}},
        400,
        {"request.url": "not a URL"},
        id="request-url-ipv6",
    ),
    pytest.param(
        {"request": {"ip": "999.1.1.1"}},
        400,
        {"request.ip": "expected an IPv4 or IPv6 address"},
        id="request-ip-bad",
    ),
    pytest.param(
        {"request": {"ip": ""}},
        400,
        {"request.ip": "expected an IPv4 or IPv6 address"},
        id="request-ip-empty",
    ),
    pytest.param(
        {"request": {"ip": 1}}, 400, {"request.ip": "expected a string"}, id="request-ip-number"
    ),
    pytest.param(
        {"request": {"visitor": "abc"}},
        400,
        {"request.visitor": "应为浏览器访客 ID（32 位字母和数字）；不能模拟客户的档案"},
        id="request-visitor-short",
    ),
    pytest.param(
        {"request": {"visitor": "customer-7"}},
        400,
        {"request.visitor": "应为浏览器访客 ID（32 位字母和数字）；不能模拟客户的档案"},
        id="request-visitor-customer",
    ),
    pytest.param(
        {"request": {"visitor": BROWSER_ID}},
        403,
        {"request.visitor": "读取已存储的访客档案需要 tracking.view_visitorprofile 权限"},
        id="request-visitor-forbidden",
    ),
    pytest.param(
        {"request": {"visitor": BROWSER_ID}, "attributes": {"x.y": 1}},
        403,
        {"request.visitor": "读取已存储的访客档案需要 tracking.view_visitorprofile 权限"},
        id="forbidden-before-bad-attribute",
    ),
    pytest.param(
        {"request": {"visitor": BROWSER_ID, "at": "never"}},
        400,
        {"request.at": "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30"},
        id="bad-at-before-forbidden",
    ),
    pytest.param(
        {"request": {"referrer": LONG}},
        400,
        {"request.referrer": "longer than 4000 characters"},
        id="request-referrer-long",
    ),
    pytest.param(
        {"request": {"referrer": "https://a.example/\n"}},
        400,
        {"request.referrer": "control characters are not allowed"},
        id="request-referrer-newline",
    ),
    pytest.param(
        {"request": {"user_agent": ["x"]}},
        400,
        {"request.user_agent": "expected a string"},
        id="request-user-agent-list",
    ),
    pytest.param(
        {"attributes": {"profile.shoe_size": 42}},
        400,
        {"attributes.profile.shoe_size": "unknown attribute"},
        id="attribute-unknown",
    ),
    pytest.param(
        {"attributes": {"profile.age": "old"}},
        400,
        {"attributes.profile.age": "expected a whole number"},
        id="attribute-int-text",
    ),
    pytest.param(
        {"attributes": {"profile.risk_tolerance": "3"}},
        400,
        {"attributes.profile.risk_tolerance": "expected a whole number"},
        id="attribute-int-string-number",
    ),
    pytest.param(
        {"attributes": {"profile.risk_tolerance": 3.5}},
        400,
        {"attributes.profile.risk_tolerance": "expected a whole number"},
        id="attribute-int-fraction",
    ),
    pytest.param(
        {"attributes": {"profile.risk_tolerance": True}},
        400,
        {"attributes.profile.risk_tolerance": "expected a whole number"},
        id="attribute-int-bool",
    ),
    pytest.param(
        {"attributes": {"profile.occupation": {"a": 1}}},
        400,
        {
            "attributes.profile.occupation": "expected a string, number, true/false or a list of them"
        },
        id="attribute-object",
    ),
    pytest.param(
        {"attributes": {"profile.products": [["a"]]}},
        400,
        {"attributes.profile.products": "expected a string, number, true/false or a list of them"},
        id="attribute-nested-list",
    ),
    pytest.param(
        {
            "attributes": {
                "profile.products": [
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                    "a",
                ]
            }
        },
        400,
        {"attributes.profile.products": "more than 200 values"},
        id="attribute-long-list",
    ),
    pytest.param(
        {"attributes": {"profile.occupation": LONG}},
        400,
        {"attributes.profile.occupation": "longer than 4000 characters"},
        id="attribute-long-text",
    ),
    pytest.param(
        {"attributes": {"profile.occupation": "a\tb"}},
        400,
        {"attributes.profile.occupation": "control characters are not allowed"},
        id="attribute-tab",
    ),
    pytest.param(
        {"attributes": {"device.type": "fridge"}},
        400,
        {"attributes.device.type": "'fridge' is not one of: mobile, tablet, desktop, bot"},
        id="attribute-bad-choice",
    ),
    pytest.param(
        {"attributes": {"time.date": "someday"}},
        400,
        {"attributes.time.date": "expected a date YYYY-MM-DD"},
        id="attribute-bad-date",
    ),
    pytest.param(
        {"attributes": {"profile.is_customer": "yes"}},
        400,
        {"attributes.profile.is_customer": "expected true or false"},
        id="attribute-bool-text",
    ),
    pytest.param(
        {"attributes": {"profile.age": "old", "zzz": 1}},
        400,
        {"attributes.profile.age": "expected a whole number"},
        id="attribute-order",
    ),
    pytest.param(
        {"placements": [1]},
        400,
        {"placements": "expected a list of placement slugs"},
        id="placements-numbers",
    ),
    pytest.param(
        {"placements": ["no-such-slot"]},
        404,
        {"placements": "unknown placement 'no-such-slot'"},
        id="placements-unknown",
    ),
    pytest.param(
        {"placements": ["a b"]},
        404,
        {"placements": "unknown placement 'a b'"},
        id="placements-not-slug",
    ),
    pytest.param(
        {"placements": ["home-hero", "nope"]},
        404,
        {"placements": "unknown placement 'nope'"},
        id="placements-unknown-second",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status", "errors"), CASES)
def test_each_bad_body_keeps_its_status_and_message(
    credit_card_offer, marketer_client, body, status, errors
):
    # Given a marketer (who may simulate, but not read stored visitor profiles)
    # When they send a malformed description
    response = marketer_client.post(URL, body, format="json")

    # Then the answer is today's, status and body alike
    assert response.status_code == status
    assert response.json() == {"errors": errors}


@pytest.mark.django_db
def test_the_serializer_is_what_refuses_a_bad_description():
    from targeting.api.serializers import SimulationSerializer, first_error

    # Given a description with a time that is not one, checked without the view
    serializer = SimulationSerializer(data={"request": {"at": "next tuesday"}})

    # Then the serializer itself refuses it, naming the field as the API answers it
    assert not serializer.is_valid()
    field, why = first_error(serializer.errors)
    assert (field, why) == ("request.at", "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30")


def test_the_schema_states_what_is_enforced_for_request_text():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    request = schema["components"]["schemas"]["SimulationRequestRequest"]["properties"]
    for name in ("user_agent", "referrer", "url"):
        # The simulation refuses tab and line feed too (pinned above): the schema says so.
        assert request[name]["maxLength"] == 4000
        assert request[name]["pattern"] == "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    attributes = schema["components"]["schemas"]["SimulationRequest"]["properties"]["attributes"]
    assert attributes["properties"]["profile.occupation"]["pattern"] == request["url"]["pattern"]
