"""One Reports menu: Wagtail's, labelled as Wagtail's Chinese labels it, holding ours."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import pgettext
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db

OURS = {"campaign-performance", "experiments", "conversion-goals", "placement-comparison"}


def request_of(group: str) -> Any:
    user = UserFactory(username=group.split()[0].lower())
    user.groups.add(Group.objects.get(name=group))
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("group", ["Marketers", "Compliance reviewers"])
def test_our_reports_are_in_wagtails_reports_menu_called_baogao(group):
    request = request_of(group)
    with translation.override("zh-hans"):
        items = admin_menu.menu_items_for_request(request)
        holding = {
            item.name: (
                str(item.label),
                {sub.name for sub in item.menu.menu_items_for_request(request)},
            )
            for item in items
            if isinstance(item, SubmenuMenuItem)
        }
        holding = {name: value for name, value in holding.items() if value[1] & OURS}
        # One menu holds them all: Wagtail's own, labelled as Wagtail's Chinese labels it
        assert list(holding) == ["reports"]
        label, names = holding["reports"]
        assert names >= OURS
        assert label == "报告"
        assert [str(item.label) for item in items].count("报告") == 1


def test_a_posts_reports_in_moderation_keep_their_own_word():
    with translation.override("zh-hans"):
        assert pgettext("flags readers raised on a post", "Reports") == "举报"
