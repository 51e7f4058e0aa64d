"""Rule-language errors in Chinese for a zh-hans user, in English otherwise (issue 12 item 5).

The engine writes ``RuleError`` templates in English (marked with ``gettext_noop``);
``targeting.rule_messages`` translates them. Paths never change.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from targeting.engine import rules
from targeting.engine.attributes import ATTRIBUTES
from targeting.rule_messages import rule_error_text, rule_message

ENGINE = Path(rules.__file__).parent
SOURCES = [ENGINE / "rules.py", ENGINE / "attributes.py"]


def engine_templates() -> set[str]:
    """Every message template the engine marks with ``gettext_noop``."""
    found = set()
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop":
                (arg,) = node.args
                assert isinstance(arg, ast.Constant), f"{source.name}:{node.lineno}"
                found.add(arg.value)
    return found


def error_of(rule, **kwargs) -> rules.RuleError:
    with pytest.raises(rules.RuleError) as caught:
        rules.validate(rule, **kwargs)
    return caught.value


def test_every_engine_message_is_a_marked_template():
    # An f-string or a plain string given to RuleError/KeyProblem would escape translation.
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name == "RuleError" and len(node.args) >= 2:
                message = node.args[1]
            elif name == "KeyProblem" and node.args:
                message = node.args[0]
            else:
                continue
            if isinstance(message, ast.Subscript):  # _error(): a (template, params) pair
                continue
            assert _marked(message), f"{source.name}:{node.lineno}: not marked with gettext_noop"
        # The helpers that return (template, params) pairs return marked templates too.
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                first, *rest = node.value.elts
                if len(rest) == 1 and isinstance(rest[0], ast.Dict | ast.Name):
                    assert _marked(first), f"{source.name}:{node.lineno}: not marked"


def _marked(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop"


def test_every_engine_template_has_a_chinese_translation():
    templates = engine_templates()
    assert len(templates) > 40
    with translation.override("zh-hans"):
        missing = sorted(t for t in templates if gettext(t) == t)
        broken = []
        for template in templates:
            names = {n.split(")")[0] for n in template.split("%(")[1:]}
            params = dict.fromkeys(names, "X")
            try:
                gettext(template) % params
            except (KeyError, TypeError, ValueError):
                broken.append(template)
    assert missing == []
    assert broken == []


@pytest.mark.parametrize(
    ("rule", "path", "english", "chinese"),
    [
        (
            {"all": [{"attr": "profile.age", "op": "gt", "value": "old"}]},
            "rule.all[0].value",
            "expected a number",
            "应为数字",
        ),
        (
            {"attr": "geo.country", "op": "foo", "value": "CN"},
            "rule.op",
            "unknown operator 'foo'",
            "未知运算符 'foo'",
        ),
        (
            {"attr": "behaviour.page_visits", "key": "cards", "op": "gt", "value": 1},
            "rule.key",
            "expected a path starting with /, e.g. /cards/",
            "应为以 / 开头的路径，例如 /cards/",
        ),
        (
            {"attr": "geo.country", "op": "contains", "value": "广东"},
            "rule.value",
            "'广东' is not an ISO 3166-1 country code in capitals, e.g. CN",
            "'广东' 不是大写的 ISO 3166-1 国家代码，例如 CN",
        ),
    ],
)
def test_the_message_follows_the_language_and_the_path_stays(rule, path, english, chinese):
    error = error_of(rule)
    assert str(error) == f"{path}: {english}"  # the engine's English is unchanged
    with translation.override("en"):
        assert rule_error_text(error) == f"{path}: {english}"
    with translation.override("zh-hans"):
        assert rule_error_text(error) == f"{path}: {chinese}"


@pytest.mark.parametrize(
    "hostile",
    ["50%", "%(op)s", "%s%d%%", "a\x00b", "x" * 100_000, "%(value)s\x00" * 1000],
)
def test_hostile_values_cannot_break_the_message(hostile):
    unknown_op = error_of({"attr": "geo.country", "op": hostile, "value": "CN"})
    not_a_choice = error_of({"attr": "device.type", "op": "eq", "value": hostile})
    for error in (unknown_op, not_a_choice):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = rule_message(error)
            assert repr(hostile) in text
            assert text.count(repr(hostile)) == 1
    assert unknown_op.message == f"unknown operator {hostile!r}"


def test_a_pickled_error_keeps_its_template():
    import pickle

    dumped = pickle.dumps(error_of({"attr": "geo.country", "op": "50%", "value": 1}))
    error = pickle.loads(dumped)  # noqa: S301 - bytes this test made
    assert str(error) == "rule.op: unknown operator '50%'"
    with translation.override("zh-hans"):
        assert rule_error_text(error) == "rule.op: 未知运算符 '50%'"


def test_attribute_names_in_messages_stay_as_written():
    error = error_of({"attr": "geo.contry", "op": "eq", "value": "CN"})
    with translation.override("zh-hans"):
        assert (
            rule_error_text(error) == "rule.attr: 未知属性 'geo.contry'（是否想填 geo.country？）"
        )
    assert "geo.country" in ATTRIBUTES


def _post_segment(client, rule):
    return client.post(
        reverse("wagtailsnippets_targeting_segment:add"),
        {
            "name": "Old",
            "slug": "old",
            "description": "",
            "rule": json.dumps(rule),
            "enabled": "on",
        },
    )


@pytest.mark.django_db
def test_the_audience_form_shows_the_rule_error_in_chinese(client, marketer):
    # Given a marketer whose admin is in Chinese (the site's default)
    client.force_login(marketer)
    rule = {"all": [{"attr": "profile.age", "op": "gt", "value": "old"}]}

    # When they save an audience whose rule has a text where a number belongs
    with translation.override("zh-hans"):
        response = _post_segment(client, rule)

    # Then the form names the node, in Chinese
    html = response.content.decode()
    assert response.status_code == 200
    assert "rule.all[0].value: 应为数字" in html
    assert "expected a number" not in html


@pytest.mark.django_db
def test_the_audience_form_stays_english_for_an_english_admin(client, marketer):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(marketer)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(marketer)
    response = _post_segment(client, {"all": [{"attr": "profile.age", "op": "gt", "value": "old"}]})
    assert "rule.all[0].value: expected a number" in response.content.decode()


@pytest.mark.django_db
def test_the_estimate_answers_in_chinese(client, marketer):
    client.force_login(marketer)
    rule = {"any": [{"attr": "geo.country", "op": "foo", "value": "CN"}]}
    with translation.override("zh-hans"):
        response = client.post(
            reverse("targeting_audience_estimate"),
            {"rule": json.dumps(rule)},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        bad_json = client.post(reverse("targeting_audience_estimate"), {"rule": "{"})
    assert response.status_code == 400
    assert response.json() == {"error": "rule.any[0].op: 未知运算符 'foo'"}
    assert bad_json.json() == {"error": "rule：不是有效的 JSON"}


@pytest.mark.django_db
def test_the_preview_explains_an_invalid_stored_audience_in_chinese():
    from targeting.simulation import simulate
    from tests.targeting.factories import SegmentFactory

    # Given an audience whose stored rule became invalid (saved without the form's validation)
    SegmentFactory(slug="broken", rule={"attr": "geo.country", "op": "foo", "value": "CN"})

    # When a zh-hans marketer simulates a visitor, and an English one does
    with translation.override("zh-hans"):
        chinese = simulate({}, {}, None)["explain"]["segments"]["broken"]
    with translation.override("en"):
        english = simulate({}, {}, None)["explain"]["segments"]["broken"]

    # Then the reason is in each one's language, with the same path
    assert chinese["error"] == "rule.op: 未知运算符 'foo'"
    assert english["error"] == "rule.op: unknown operator 'foo'"
