"""The structured rule editor as a marketer uses it (issue 14 items 1, 6, 7): a keyed attribute
asks for its key, the region and city pickers speak Chinese and store what real traffic carries,
a wrong value is refused naming the field, and the estimate follows the rule as it changes."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from targeting.audiences import CONTEXTS_KEY
from targeting.models import Segment
from targeting.tracking import buffer
from tests.targeting.factories import UserFactory
from tests.tracking.conftest import redis_server  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.urls("tests.browser.urls")]

SCREENSHOTS = "/tmp"


def sample(client, devices: list[str]) -> None:
    """Recent visits for the estimate: one sampled context per device type."""
    now = timezone.now()
    for n, device in enumerate(devices):
        record = {"t": (now - timedelta(hours=n)).isoformat(), "h": "localhost", "u": "/"}
        record["d"] = [device, None, None, None]
        client.lpush(CONTEXTS_KEY, json.dumps(record))


@pytest.fixture
def editor_page(browser, live_server, redis_server):  # noqa: F811 - the fixture above
    """A marketer's browser on the new-audience form, in Chinese."""
    sample(buffer.client(), ["mobile", "mobile", "desktop", "desktop"])
    marketer = UserFactory(username="marketer")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    client = Client()
    client.force_login(marketer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    contexts = []

    def open_editor(width: int = 1440, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/snippets/targeting/segment/add/")
        page.wait_for_selector("[data-rule-editor][data-ready]")
        return page

    yield open_editor
    for context in contexts:
        context.close()


def rule_of(page) -> dict:
    return json.loads(page.input_value("[data-rule-editor] textarea"))


def add_condition(page):
    page.get_by_role("button", name="+ 添加条件", exact=True).click()
    return page.locator(".rule-editor__condition").last


def choose_attribute(row, name: str) -> None:
    row.get_by_label("属性", exact=True).select_option(name)


@pytest.mark.django_db(transaction=True)
def test_a_keyed_attribute_asks_for_its_key(editor_page):
    page = editor_page()
    row = add_condition(page)
    # No key box for a plain attribute
    assert row.locator(".rule-editor__key").count() == 0

    # When the marketer chooses a landing-URL parameter
    choose_attribute(row, "source.query")
    row = page.locator(".rule-editor__condition").last
    key = row.locator(".rule-editor__key")
    # Then a key box asks for the parameter's name, and the key is stored beside the value
    assert key.is_visible()
    assert key.get_attribute("placeholder") == "参数名"
    key.fill("promo")
    row.get_by_label("值", exact=True).fill("spring")
    row.get_by_label("值", exact=True).press("Tab")
    condition = rule_of(page)["all"][0]
    assert condition == {"attr": "source.query", "key": "promo", "op": "eq", "value": "spring"}

    # and visits to one page ask for the page's path
    choose_attribute(row, "behaviour.page_visits")
    row = page.locator(".rule-editor__condition").last
    assert row.locator(".rule-editor__key").get_attribute("placeholder") == "页面路径"
    # starting empty: the parameter's name is no page path
    assert row.locator(".rule-editor__key").input_value() == ""
    row.locator(".rule-editor__key").fill("/cards/")
    row.get_by_label("运算符").select_option("gte")
    row.get_by_label("值", exact=True).fill("2")
    row.get_by_label("值", exact=True).press("Tab")
    condition = rule_of(page)["all"][0]
    assert condition == {"attr": "behaviour.page_visits", "key": "/cards/", "op": "gte", "value": 2}

    # and a plain attribute drops the key again
    choose_attribute(row, "device.type")
    assert "key" not in rule_of(page)["all"][0]


@pytest.mark.django_db(transaction=True)
def test_region_and_city_pickers_offer_chinese_names_and_store_what_traffic_carries(editor_page):
    page = editor_page()
    row = add_condition(page)
    choose_attribute(row, "geo.region")
    value = page.locator(".rule-editor__condition").last.get_by_label("值", exact=True)

    # The provinces are offered by their Chinese names; the rule stores the ISO 3166-2 code
    options = value.locator("option").all_inner_texts()
    assert "广东 (CN-GD)" in options and "四川 (CN-SC)" in options
    value.select_option(label="广东 (CN-GD)")
    assert rule_of(page)["all"][0]["value"] == "CN-GD"

    # Cities are grouped by province, by their Chinese names, which is what GeoIP resolves to
    choose_attribute(page.locator(".rule-editor__condition").last, "geo.city")
    value = page.locator(".rule-editor__condition").last.get_by_label("值", exact=True)
    assert value.locator("optgroup[label='广东'] option", has_text="广州").count() == 1
    value.select_option("广州")
    assert rule_of(page)["all"][0] == {"attr": "geo.city", "op": "eq", "value": "广州"}


@pytest.mark.django_db(transaction=True)
def test_a_wrong_value_is_refused_naming_the_field(editor_page):
    page = editor_page()
    page.fill("#id_name", "看过信用卡页的访客")
    page.fill("#id_slug", "card-page-visitors")
    row = add_condition(page)
    choose_attribute(row, "behaviour.page_visits")
    row = page.locator(".rule-editor__condition").last

    # When the marketer names the page by its title where its path belongs
    row.locator(".rule-editor__key").fill("信用卡页面")
    row.get_by_label("值", exact=True).fill("1")
    row.get_by_label("值", exact=True).press("Tab")

    # Then the estimate says which part of the rule is wrong
    result = page.locator("[data-rule-estimate-result]")
    result.filter(has_text="rule.all[0].key").wait_for()
    # the key box keeps a visible label once filled
    assert row.locator("label.rule-editor__key-label").inner_text() == "页面路径"
    page.screenshot(path=f"{SCREENSHOTS}/rule-editor-refused-estimate-1440.png", full_page=True)
    # and saving is refused, naming the same field, with nothing saved
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    errors = page.locator(".error-message").all_inner_texts()
    assert any("rule.all[0].key" in text for text in errors), errors
    assert not Segment.objects.filter(slug="card-page-visitors").exists()
    page.screenshot(path=f"{SCREENSHOTS}/rule-editor-refused-1440.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_province_typed_by_name_in_the_json_is_refused_naming_the_value(editor_page):
    page = editor_page()
    page.fill("#id_name", "广东访客")
    page.fill("#id_slug", "guangdong")
    # When the marketer writes the JSON by hand with the province's name
    page.get_by_role("button", name="显示 JSON").click()
    page.fill("[data-rule-editor] textarea", '{"attr": "geo.region", "op": "eq", "value": "广东"}')
    page.locator("[data-rule-editor] textarea").press("Tab")
    # Then saving is refused naming the value (its code is CN-GD), and nothing is saved
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    errors = " ".join(page.locator(".error-message").all_inner_texts())
    assert "rule.value" in errors and "CN-GD" in errors, errors
    assert not Segment.objects.filter(slug="guangdong").exists()


@pytest.mark.django_db(transaction=True)
def test_is_one_of_offers_the_same_named_choices(editor_page):
    page = editor_page(390, 844)
    row = add_condition(page)
    choose_attribute(row, "geo.region")
    page.locator(".rule-editor__condition").last.get_by_label("运算符").select_option("in")
    picker = page.locator(".rule-editor__condition").last.get_by_label("值", exact=True)
    picker.select_option(["CN-GD", "CN-SC"])
    assert rule_of(page)["all"][0] == {
        "attr": "geo.region",
        "op": "in",
        "value": ["CN-GD", "CN-SC"],
    }
    picker.scroll_into_view_if_needed()
    page.screenshot(path=f"{SCREENSHOTS}/rule-editor-regions-390.png")

    choose_attribute(page.locator(".rule-editor__condition").last, "device.type")
    page.locator(".rule-editor__condition").last.get_by_label("运算符").select_option("in")
    row = page.locator(".rule-editor__condition").last
    row.get_by_label("手机 (mobile)").check()
    row.get_by_label("平板电脑 (tablet)").check()
    assert rule_of(page)["all"][0]["value"] == ["mobile", "tablet"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_estimate_follows_the_rule_as_it_changes(editor_page, width, height):
    page = editor_page(width, height)
    result = page.locator("[data-rule-estimate-result]")

    # Given a new audience: no condition yet, so the estimate asks for one (no error)
    result.filter(has_text="添加条件后即可估算客群规模").wait_for()

    # When the marketer adds a condition on phones, without pressing anything
    row = add_condition(page)
    choose_attribute(row, "device.type")
    page.locator(".rule-editor__condition").last.get_by_label("值", exact=True).select_option(
        "mobile"
    )

    # Then the estimate follows: half of the sampled visits, over the sample's hours
    result.filter(has_text=re.compile(r"约占近期访客的 50(\.0)?%")).wait_for()
    assert "3 小时内抽样 4 次访问" in result.inner_text()

    # and again when phones or computers are ticked
    page.locator(".rule-editor__condition").last.get_by_label("运算符").select_option("in")
    row = page.locator(".rule-editor__condition").last
    row.get_by_label("手机 (mobile)").check()
    row.get_by_label("台式电脑 (desktop)").check()
    result.filter(has_text=re.compile(r"约占近期访客的 100(\.0)?%")).wait_for()
    page.screenshot(path=f"{SCREENSHOTS}/rule-editor-{width}.png", full_page=True)
