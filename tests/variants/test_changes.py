"""Changing a variant after it was created (its audience, its priority), removing it (keeping or
deleting its page), and deleting its canonical page, which takes the variant pages with it."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.actions.delete_page import DeletePageAction
from wagtail.models import Page, PageLogEntry, PageViewRestriction

from targeting import snapshot
from targeting.variants.models import PageVariant
from tests.targeting.factories import SegmentFactory, publish
from tests.variants.conftest import CANONICAL_TEXT, DESKTOP, IPHONE, PHONE_TEXT, make_variant
from tests.variants.test_admin import ZH, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def desktops(db):
    return publish(
        SegmentFactory(
            name="电脑访客",
            slug="desktops",
            rule={"attr": "device.type", "op": "eq", "value": "desktop"},
        )
    )


def change_url(link) -> str:
    return f"/admin/variants/page/{link.canonical_id}/{link.pk}/change/"


def remove_url(link) -> str:
    return f"/admin/variants/page/{link.canonical_id}/{link.pk}/remove/"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def served(agent: str) -> str:
    return Client().get("/cards/", HTTP_USER_AGENT=agent).content.decode()


def test_an_editor_gives_a_variant_another_audience_served_from_the_next_request(
    phone_variant, desktops, home, django_capture_on_commit_callbacks
):
    # given a variant for phone visitors, served to them
    assert PHONE_TEXT in served(IPHONE)
    version = snapshot.current_version()
    editor = staff("editor", "add", "change", page=home)

    # when the editor gives it to desktop visitors with priority 7
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            change_url(phone_variant), {"segment": desktops.pk, "priority": "7"}, **ZH
        )

    # then the change is saved, the snapshot moves on, and the next requests follow it
    assert response.status_code == 302
    assert response["Location"] == f"/admin/variants/page/{phone_variant.canonical_id}/"
    phone_variant.refresh_from_db()
    assert (phone_variant.segment, phone_variant.priority) == (desktops, 7)
    assert snapshot.current_version() != version
    assert PHONE_TEXT in served(DESKTOP) and CANONICAL_TEXT not in served(DESKTOP)
    assert CANONICAL_TEXT in served(IPHONE) and PHONE_TEXT not in served(IPHONE)
    listing = editor.get(response["Location"], **ZH).content.decode()
    assert "现已以优先级 7 向客群“电脑访客”展示" in listing
    # and the canonical page's history says who changed what
    entry = PageLogEntry.objects.get(page_id=phone_variant.canonical_id, action="variants.change")
    assert entry.user.username == "editor"
    history = editor.get(f"/admin/pages/{phone_variant.canonical_id}/history/", **ZH)
    assert "客群变体已修改：客群“手机访客”→“电脑访客”，优先级 0 → 7" in history.content.decode()


def test_the_change_form_shows_the_current_audience_and_priority_in_chinese(
    phone_variant, admin_user
):
    html = admin_client(admin_user).get(change_url(phone_variant), **ZH).content.decode()
    assert "修改变体" in html and "保存变体" in html
    assert f'<option value="{phone_variant.segment_id}" selected>' in html
    assert (
        "客群变体"
        in admin_client(admin_user)
        .get(f"/admin/variants/page/{phone_variant.canonical_id}/", **ZH)
        .content.decode()
    )


def test_the_variant_listing_offers_change_and_removal(phone_variant, admin_user):
    html = (
        admin_client(admin_user)
        .get(f"/admin/variants/page/{phone_variant.canonical_id}/", **ZH)
        .content.decode()
    )
    assert change_url(phone_variant) in html and remove_url(phone_variant) in html
    assert "修改客群或优先级" in html and "移除" in html


def test_another_audience_that_already_has_a_variant_is_refused(
    phone_variant, desktops, cards, admin_user
):
    make_variant(cards, desktops, "电脑访客专享", admin_user)
    response = admin_client(admin_user).post(
        change_url(phone_variant), {"segment": desktops.pk, "priority": "0"}, **ZH
    )
    assert response.status_code == 400
    assert 'role="alert">客群: 此页面已有该客群的变体' in response.content.decode()
    phone_variant.refresh_from_db()
    assert phone_variant.segment.slug == "phones"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("segment", "1\x00"),
        ("segment", "NaN"),
        ("segment", "99999999999999999999999999"),
        ("segment", "987654"),  # no such audience
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
def test_hostile_change_values_are_refused_naming_the_field(
    phone_variant, admin_user, field, value
):
    data = {"segment": str(phone_variant.segment_id), "priority": "5", field: value}
    response = admin_client(admin_user).post(change_url(phone_variant), data, **ZH)
    assert response.status_code == 400
    label = {"segment": "客群", "priority": "优先级"}[field]
    assert f'role="alert">{label}:' in response.content.decode()
    phone_variant.refresh_from_db()
    assert phone_variant.priority == 0


@pytest.mark.parametrize("action", ["change", "remove"])
def test_users_who_may_not_create_variants_may_not_change_or_remove_them(
    phone_variant, home, phones, action
):
    outsider = staff("outsider")
    elsewhere_page = Page.objects.get(pk=home.pk).add_child(
        instance=Page(title="别处", slug="elsewhere")
    )
    elsewhere = staff("elsewhere", "add", "change", page=elsewhere_page)
    read_only = staff("changer", "change", page=home)  # may edit, may not add a page beside it
    url = {"change": change_url, "remove": remove_url}[action](phone_variant)
    data = {"segment": phones.pk, "priority": "9", "page": "delete"}
    for client in (outsider, elsewhere, read_only):
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302 and response["Location"] == "/admin/"
    phone_variant.refresh_from_db()
    assert phone_variant.priority == 0
    assert Page.objects.filter(pk=phone_variant.variant_id).exists()


@pytest.mark.parametrize("action", ["change", "remove"])
def test_hostile_ids_and_another_pages_variant_are_a_404(phone_variant, home, admin_user, action):
    client = admin_client(admin_user)
    base = f"/admin/variants/page/{phone_variant.canonical_id}"
    assert client.get(f"{base}/99999999999999999999999/{action}/").status_code == 404
    assert client.get(f"{base}/0/{action}/").status_code == 404
    other = home.add_child(instance=Page(title="另一页", slug="other"))
    assert (
        client.get(f"/admin/variants/page/{other.pk}/{phone_variant.pk}/{action}/").status_code
        == 404
    )


def test_removing_a_variant_and_keeping_its_page(
    phone_variant, home, django_capture_on_commit_callbacks
):
    editor = staff("editor", "add", "change", page=home)
    version = snapshot.current_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(remove_url(phone_variant), {"page": "keep"}, **ZH)

    assert response.status_code == 302
    assert not PageVariant.objects.exists()
    kept = Page.objects.get(pk=phone_variant.variant_id)
    assert not kept.live  # no longer reachable at its own address
    assert PageViewRestriction.objects.filter(page=kept).exists()
    assert snapshot.current_version() != version
    assert CANONICAL_TEXT in served(IPHONE) and PHONE_TEXT not in served(IPHONE)
    listing = editor.get(response["Location"], **ZH).content.decode()
    assert "其页面保留为未发布的私密草稿" in listing
    assert PageLogEntry.objects.filter(action="variants.remove", page=phone_variant.canonical_id)


def test_removing_a_variant_and_deleting_its_page(
    phone_variant, admin_user, django_capture_on_commit_callbacks
):
    client = admin_client(admin_user)
    form = client.get(remove_url(phone_variant), **ZH).content.decode()
    assert "保留为未发布的私密草稿" in form and "删除变体页面" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(phone_variant), {"page": "delete"}, **ZH)

    assert response.status_code == 302
    assert not PageVariant.objects.exists()
    assert not Page.objects.filter(pk=phone_variant.variant_id).exists()
    assert PageLogEntry.objects.filter(action="wagtail.delete", page_id=phone_variant.variant_id)
    assert CANONICAL_TEXT in served(IPHONE)
    assert "其页面已删除" in client.get(response["Location"], **ZH).content.decode()


@pytest.mark.parametrize("value", ["", "both", "keep\x00", "NaN", "9" * 400])
def test_removal_needs_a_clear_choice(phone_variant, admin_user, value):
    response = admin_client(admin_user).post(remove_url(phone_variant), {"page": value}, **ZH)
    assert response.status_code == 400
    assert 'role="alert">变体页面:' in response.content.decode()
    assert PageVariant.objects.filter(pk=phone_variant.pk).exists()


def test_an_editor_who_may_not_delete_the_page_may_only_keep_it(phone_variant, home):
    editor = staff("editor", "add", "change", page=home)  # the variant is the admin's page
    response = editor.post(remove_url(phone_variant), {"page": "delete"}, **ZH)
    assert response.status_code == 400
    assert 'role="alert">变体页面: 您无权删除变体页面' in response.content.decode()
    assert PageVariant.objects.filter(pk=phone_variant.pk).exists()


def test_deleting_the_canonical_page_deletes_its_variants(phone_variant, cards, home, admin_user):
    other = make_variant(
        home.add_child(instance=Page(title="别的页面", slug="other")),
        phone_variant.segment,
        "别的变体",
        admin_user,
    )
    client = admin_client(admin_user)
    # the confirmation tells the editor what goes with the page
    confirm = client.get(f"/admin/pages/{cards.pk}/delete/", **ZH).content.decode()
    assert "此页面有 1 个客群变体，将与页面一同删除" in confirm

    response = client.post(f"/admin/pages/{cards.pk}/delete/", **ZH)

    assert response.status_code == 302
    assert not Page.objects.filter(pk__in=[cards.pk, phone_variant.variant_id]).exists()
    assert PageLogEntry.objects.filter(
        action="wagtail.delete", page_id=phone_variant.variant_id, user=admin_user
    ).exists()
    # another page's variant stays, and the tree's child counts stay right
    assert Page.objects.filter(pk=other.variant_id).exists()
    home.refresh_from_db()
    assert home.numchild == home.get_children().count()
    followed = client.get(response["Location"], **ZH).content.decode()
    assert "将与页面一同删除" in followed


def test_deleting_a_section_with_a_page_and_its_variant_keeps_the_tree_sound(
    home, phones, admin_user
):
    section = home.add_child(instance=Page(title="栏目", slug="section"))
    page = section.add_child(instance=Page(title="页面", slug="page", live=True))
    link = make_variant(page, phones, "变体", admin_user)
    DeletePageAction(Page.objects.get(pk=section.pk)).execute(skip_permission_checks=True)
    assert not Page.objects.filter(pk__in=[section.pk, page.pk, link.variant_id]).exists()
    home.refresh_from_db()
    assert home.numchild == home.get_children().count()
    assert Page.find_problems() == ([], [], [], [], [])


def test_deleting_a_canonical_page_and_its_variant_together(cards, phone_variant, home):
    Page.objects.filter(pk__in=[cards.pk, phone_variant.variant_id]).delete()
    home.refresh_from_db()
    assert home.numchild == home.get_children().count()
    assert not Page.objects.filter(pk=phone_variant.variant_id).exists()
