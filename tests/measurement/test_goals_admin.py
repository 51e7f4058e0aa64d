"""The conversion-goal screen: who may use it, what it accepts, and that it speaks Chinese."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.users.models import UserProfile

from targeting.measurement.models import ConversionGoal
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db

INDEX = "conversion_goals:index"
ADD = "conversion_goals:add"


def staff(name: str, group: str | None = None):
    user = UserFactory(username=name)
    if group:
        user.groups.add(Group.objects.get(name=group))
    else:
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def form(**values):
    data = {"name": "Thank-you page", "kind": "page", "key": "/thanks/", "active": "on"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_a_marketer_adds_a_goal_with_its_own_window(client):
    client.force_login(staff("m", "Marketers"))
    response = client.post(
        reverse(ADD),
        form(kind="event", key="calculator_used", attribution_window_days="7", name="Calculator"),
    )
    assert response.status_code == 302
    goal = ConversionGoal.objects.get(key="calculator_used")
    assert goal.kind == "event" and goal.window() == timedelta(days=7)
    # Without a window of its own, the site's default applies
    assert ConversionGoal(kind="page", key="/x/").window() == timedelta(days=30)


def test_an_application_goal_may_name_any_product(client):
    client.force_login(staff("m", "Marketers"))
    response = client.post(reverse(ADD), form(kind="application", key="", name="Any product"))
    assert response.status_code == 302
    assert ConversionGoal.objects.filter(kind="application", key="").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "page", "key": "thanks"}, "key"),  # no leading slash
        ({"kind": "page", "key": "/a b/"}, "key"),
        ({"kind": "page", "key": "/x\x00/"}, "key"),
        ({"kind": "form", "key": ""}, "key"),
        ({"kind": "event", "key": "<script>"}, "key"),
        ({"kind": "event", "key": "a" * 201}, "key"),
        ({"kind": "application", "key": "credit card"}, "key"),
        ({"kind": "refund"}, "kind"),
        ({"attribution_window_days": "0"}, "attribution_window_days"),
        ({"attribution_window_days": "366"}, "attribution_window_days"),
        ({"attribution_window_days": "NaN"}, "attribution_window_days"),
        ({"attribution_window_days": "1e309"}, "attribution_window_days"),
        ({"attribution_window_days": "9" * 40}, "attribution_window_days"),
        ({"name": "\x00"}, "name"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_at_the_field(client, values, field):
    client.force_login(staff("m", "Marketers"))
    response = client.post(reverse(ADD), form(**values))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ConversionGoal.objects.exists()


def test_a_duplicate_goal_is_refused(client):
    ConversionGoal.objects.create(name="Thanks", kind="page", key="/thanks/")
    client.force_login(staff("m", "Marketers"))
    response = client.post(reverse(ADD), form())
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ConversionGoal.objects.count() == 1


def test_reviewers_look_but_do_not_change_and_others_see_nothing(client):
    goal = ConversionGoal.objects.create(name="Thanks", kind="page", key="/thanks/")
    edit = reverse("conversion_goals:edit", args=[goal.pk])
    delete = reverse("conversion_goals:delete", args=[goal.pk])

    client.force_login(staff("r", "Compliance reviewers"))
    assert client.get(reverse(INDEX)).status_code == 200
    for response in (
        client.get(reverse(ADD)),
        client.post(reverse(ADD), form(key="/other/")),
        client.post(edit, form(key="/changed/")),
        client.post(delete),
    ):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == "/admin/"
    goal.refresh_from_db()
    assert goal.key == "/thanks/" and ConversionGoal.objects.count() == 1

    client.force_login(staff("outsider"))
    response = client.get(reverse(INDEX))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert reverse(INDEX) not in client.get("/admin/").content.decode()


def test_the_screen_and_its_errors_are_chinese(client):
    user = staff("m", "Marketers")
    client.force_login(user)
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "zh-hans"})
    page = client.get(reverse(ADD)).content.decode()
    for text in (
        "转化目标",
        "目标对象",
        "归因窗口",
        "到达页面",
        "提交表单",
        "自定义目标事件",
        "申请产品",
    ):
        assert text in page, text
    response = client.post(reverse(ADD), form(key="thanks"))
    assert "页面路径" in response.content.decode()
    # The Reports menu (the sidebar's JSON, non-ASCII escaped) links to the screen in Chinese
    menu = client.get("/admin/").content.decode()
    assert reverse(INDEX) in menu
    assert "转化目标" in menu or json.dumps("转化目标")[1:-1] in menu
