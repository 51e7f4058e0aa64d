"""The editor's side of page variants: creating one from the page (only with the right to edit
it), previewing each version, in Chinese; hostile form values and URLs are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import GroupPagePermission, PageViewRestriction

from targeting.variants.models import PageVariant
from tests.targeting.factories import SegmentFactory, UserFactory
from tests.variants.conftest import CANONICAL_TEXT, PHONE_TEXT

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def staff(username: str, *page_permissions: str, page=None):
    """An admin user; with ``page_permissions`` (add, change, publish) on ``page`` and below."""
    user = UserFactory(username=username)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    if page_permissions:
        group = Group.objects.create(name=f"{username} pages")
        for codename in page_permissions:
            GroupPagePermission.objects.create(
                group=group,
                page=page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=f"{codename}_page"
                ),
            )
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def create_url(page) -> str:
    return f"/admin/variants/page/{page.pk}/create/"


def test_an_editor_creates_a_private_draft_variant_from_the_page(cards, home, phones):
    editor = staff("editor", "add", "change", page=home)

    response = editor.post(create_url(cards), {"segment": phones.pk, "priority": "3"}, **ZH)

    link = PageVariant.objects.get(canonical=cards)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{link.variant_id}/edit/"
    assert (link.segment, link.priority) == (phones, 3)
    variant = link.variant.specific
    assert not variant.live and variant.get_parent().pk == cards.get_parent().pk
    assert variant.slug == "cards-phones" and not variant.show_in_menus
    assert PageViewRestriction.objects.filter(page=variant).exists()
    assert CANONICAL_TEXT in str(variant.body)  # a copy of the page, to edit
    followed = editor.get(response["Location"], **ZH).content.decode()
    assert "已为客群“手机访客”创建“白金信用卡”的变体草稿" in followed
    assert "此变体替代的原页面" in followed


def test_the_page_offers_its_variants_in_chinese(cards, phone_variant, admin_user):
    client = Client()
    client.force_login(admin_user)
    edit = client.get(f"/admin/pages/{cards.pk}/edit/", **ZH).content.decode()
    assert "为客群创建变体" in edit and "客群变体" in edit
    listing = client.get(f"/admin/variants/page/{cards.pk}/", **ZH)
    html = listing.content.decode()
    assert listing.status_code == 200
    for text in ("“白金信用卡”的客群变体", "手机访客", "按此客群预览", "是否展示", "优先级"):
        assert text in html, text
    form = client.get(create_url(cards), **ZH).content.decode()
    for text in (
        "为客群创建变体",
        "客群",
        "优先级",
        "创建变体",
        "访客同时属于某页面多个变体的客群时",
    ):
        assert text in form, text


@pytest.mark.parametrize("path", ["", "create/", "preview/"])
def test_a_user_who_may_not_edit_the_page_is_turned_away(cards, phones, path):
    outsider = staff("outsider")
    response = outsider.get(f"/admin/variants/page/{cards.pk}/{path}")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = outsider.post(create_url(cards), {"segment": phones.pk, "priority": "0"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not PageVariant.objects.exists()


def test_editing_elsewhere_in_the_tree_does_not_allow_a_variant(cards, home, phones):
    from tests.portal.factories import StandardPageFactory

    elsewhere = StandardPageFactory(parent=home, slug="elsewhere")
    client = staff("other-section", "add", "change", page=elsewhere)
    response = client.post(create_url(cards), {"segment": phones.pk, "priority": "0"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not PageVariant.objects.exists()


def test_a_variant_of_a_variant_and_a_second_variant_for_an_audience_are_refused(
    cards, phone_variant, phones, admin_user
):
    client = Client()
    client.force_login(admin_user)
    again = client.post(create_url(cards), {"segment": phones.pk, "priority": "0"}, **ZH)
    assert again.status_code == 400 and "此页面已有该客群的变体" in again.content.decode()
    nested = client.post(
        create_url(phone_variant.variant), {"segment": phones.pk, "priority": "0"}, **ZH
    )
    assert nested.status_code == 400 and "页面变体不能再有自己的变体" in nested.content.decode()
    assert PageVariant.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("segment", "1\x00"),
        ("segment", "NaN"),
        ("segment", "99999999999999999999999999"),
        ("segment", "-1"),
        ("segment", ""),
        ("priority", "NaN"),
        ("priority", "Infinity"),
        ("priority", "1e309"),
        ("priority", "-1"),
        ("priority", "1001"),
        ("priority", "9" * 400),
        ("priority", "1\x00"),
    ],
)
def test_hostile_form_values_are_refused_naming_the_field(cards, phones, admin_user, field, value):
    client = Client()
    client.force_login(admin_user)
    data = {"segment": str(phones.pk), "priority": "0", field: value}
    response = client.post(create_url(cards), data, **ZH)
    assert response.status_code == 400
    label = {"segment": "客群", "priority": "优先级"}[field]
    assert f'role="alert">{label}:' in response.content.decode()
    assert not PageVariant.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/variants/page/99999999999999999999999/",
        "/admin/variants/page/99999999999999999999999/create/",
        "/admin/variants/page/{page}/preview/99999999999999999999999/",
        "/admin/variants/page/{page}/preview/0/",
    ],
)
def test_hostile_ids_in_the_url_are_a_404(cards, admin_user, path):
    client = Client()
    client.force_login(admin_user)
    assert client.get(path.format(page=cards.pk)).status_code == 404


def test_the_preview_shows_each_version_at_the_canonical_address(cards, phone_variant, admin_user):
    client = Client()
    client.force_login(admin_user)
    # a draft of the variant, not yet published, is what its preview shows
    variant = phone_variant.variant.specific
    from tests.portal.factories import paragraph

    variant.body = paragraph("<p>手机访客：草稿</p>")
    variant.save_revision()

    shown = client.get(f"/admin/variants/page/{cards.pk}/preview/{phone_variant.pk}/")
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "手机访客：草稿" in html and CANONICAL_TEXT not in html
    assert '<link rel="canonical" href="http://localhost/cards/">' in html
    other = client.get(f"/admin/variants/page/{cards.pk}/preview/").content.decode()
    assert CANONICAL_TEXT in other and PHONE_TEXT not in other


def test_the_variants_own_wagtail_preview_works(phone_variant):
    variant = phone_variant.variant.specific
    response = variant.make_preview_request()
    assert response.status_code == 200 and PHONE_TEXT in response.content.decode()


def test_the_preview_of_another_pages_variant_is_a_404(cards, home, phone_variant, admin_user):
    from tests.portal.factories import StandardPageFactory

    other = StandardPageFactory(parent=home, slug="other")
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/variants/page/{other.pk}/preview/{phone_variant.pk}/"
    assert client.get(url).status_code == 404


def test_the_audience_list_is_every_segment_by_name(cards, admin_user):
    SegmentFactory(name="草稿客群", slug="draft-audience")
    client = Client()
    client.force_login(admin_user)
    assert "草稿客群" in client.get(create_url(cards), **ZH).content.decode()
