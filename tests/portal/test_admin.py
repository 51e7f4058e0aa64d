"""Editors create and edit news in the Wagtail admin; visitors and customers cannot."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from portal.models import NewsIndexPage, NewsPage
from tests.portal.factories import NewsPageFactory
from tests.targeting.factories import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def news_form(**overrides: object) -> dict:
    data = {
        "title": "关于调整人民币存款利率的公告",
        "slug": "deposit-rates",
        "date": "2026-11-20",
        "category": "announcement",
        "summary": "自 11 月 21 日起调整存款利率。",
        "body": streamfield(
            [
                ("heading", {"text": "调整内容", "level": "h2"}),
                ("paragraph", rich_text("<p>一年期定期存款利率调整为 1.35%。</p>")),
            ]
        ),
        "related_links": streamfield([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_an_editor_publishes_a_news_item(editor_client: Client, news_index: NewsIndexPage) -> None:
    # When an editor fills in the add form under the news index and publishes
    url = reverse("wagtailadmin_pages:add", args=("portal", "newspage", news_index.pk))
    response = editor_client.post(url, news_form())

    # Then the news item is live and visitors can read it
    assert response.status_code == 302, response.content.decode()[:2000]
    page = NewsPage.objects.get(slug="deposit-rates")
    assert page.live
    html = Client().get(page.url).content.decode()
    assert "一年期定期存款利率调整为 1.35%。" in html
    assert "<h2>调整内容</h2>" in html


def test_an_editor_edits_a_news_item(editor_client: Client, news_index: NewsIndexPage) -> None:
    page = NewsPageFactory(parent=news_index, slug="maintenance", title="系统维护公告")
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))

    response = editor_client.post(
        url, news_form(title="系统升级维护公告（更新）", slug="maintenance")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.title == "系统升级维护公告（更新）"
    assert "系统升级维护公告（更新）" in Client().get(page.url).content.decode()


def test_a_bad_field_is_named_and_nothing_is_lost(
    editor_client: Client, news_index: NewsIndexPage
) -> None:
    url = reverse("wagtailadmin_pages:add", args=("portal", "newspage", news_index.pk))
    response = editor_client.post(url, news_form(date="2026-13-45"))

    # The form comes back (no 500, no page) with the error on the date and the text kept
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert "关于调整人民币存款利率的公告" in response.content.decode()
    assert not NewsPage.objects.filter(slug="deposit-rates").exists()


def test_a_customer_cannot_reach_the_page_editor(client: Client, news_index: NewsIndexPage) -> None:
    customer = get_user_model().objects.create_user("customer", "c@example.com", "pw")
    client.force_login(customer)
    url = reverse("wagtailadmin_pages:add", args=("portal", "newspage", news_index.pk))

    response = client.post(url, news_form())

    assert response.status_code in (302, 403)
    assert not NewsPage.objects.filter(slug="deposit-rates").exists()


def test_the_home_page_editor_and_site_settings_open(
    editor_client: Client, home_page, news_index: NewsIndexPage
) -> None:
    # Given a home page with every kind of section
    home_page.body = [
        (
            "hero",
            {
                "heading": "让每一笔财富稳健成长",
                "text": "",
                "image": None,
                "call_to_action": {"label": "", "page": None, "url": "", "style": "primary"},
            },
        ),
        ("promotion_slot", {"placement": PlacementFactory(slug="home-hero"), "missing_slug": ""}),
        ("promotion_slot", {"placement": None, "missing_slug": "retired-slot"}),
        ("latest_news", {"heading": "最新动态", "count": 3}),
    ]
    home_page.save_revision().publish()

    # Then the editor and the site settings form open for an editor
    edit = editor_client.get(reverse("wagtailadmin_pages:edit", args=(home_page.pk,)))
    assert edit.status_code == 200
    # And a slot whose placement was not found keeps its slug in view for the editor
    assert "retired-slot" in edit.content.decode()
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    settings_url = reverse("wagtailsettings:edit", args=("portal", "sitesettings", site.pk))
    assert editor_client.get(settings_url).status_code == 200


def test_a_customer_cannot_open_site_settings(client: Client, home_page) -> None:
    from wagtail.models import Site

    customer = get_user_model().objects.create_user("customer", "c@example.com", "pw")
    client.force_login(customer)
    site = Site.objects.get(is_default_site=True)
    response = client.get(reverse("wagtailsettings:edit", args=("portal", "sitesettings", site.pk)))
    assert response.status_code in (302, 403)
