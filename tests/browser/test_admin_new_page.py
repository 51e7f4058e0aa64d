"""An editor publishes a new page with only a title and body (issue 12): typing the title and
publishing at once (the slug not yet filled in the browser) publishes, with a pinyin slug."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, Site

from tests.portal.factories import HomePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]


@pytest.mark.django_db(transaction=True)
def test_a_new_page_with_only_a_title_publishes_in_the_browser(browser, live_server, artifacts_dir):
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "x")
    client = Client()
    client.force_login(editor)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/pages/add/portal/standardpage/{home.pk}/")
    # The editor types the title and publishes straight away: the title never loses focus,
    # so Wagtail's script has not filled the slug on the 推广 tab
    page.fill("#id_title", "网点营业时间调整")
    assert page.input_value("#id_slug") == ""
    page.locator("button[name=action-publish]").dispatch_event("click")
    page.wait_for_url(f"{live_server.url}/admin/pages/{home.pk}/")
    page.screenshot(path=str(artifacts_dir / "admin-new-page-published.png"))
    assert "已创建并发布" in page.locator(".messages").inner_text()
    created = Page.objects.get(title="网点营业时间调整")
    assert created.live and created.slug == "wang-dian-ying-ye-shi-jian-tiao-zheng"
    assert created.get_parent().pk == home.pk
    context.close()
