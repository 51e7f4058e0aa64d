"""An editor translates a page in wagtail-localize's editor, in Chinese (issue 12, editor's walk).

The walk met two things only a browser shows: every string the editor saved answered 415 and
showed 服务器错误 (portal/localize_editor.py), and the editor's heading read "简体中文 to English
translation" (static/portal/js/localize-editor.js).
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from portal.models import StandardPage
from tests.portal.factories import HomePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]


@pytest.mark.django_db(transaction=True)
def test_an_editor_translates_a_page_in_chinese(browser, live_server, artifacts_dir):
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    source_page = StandardPage(title="网点营业时间调整通知")
    home.add_child(instance=source_page)
    source_page.save_revision().publish()
    english = Locale.objects.get_or_create(language_code="en")[0]
    source, _created = TranslationSource.get_or_create_from_instance(source_page)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=english)
    translation.save_target(publish=False)
    target = source_page.get_translation(english)

    editor = get_user_model().objects.create_superuser("bianji", "bianji@example.com", "x")
    client = Client()
    client.force_login(editor)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/pages/{target.pk}/edit/")
    editor_area = page.locator(".js-translation-editor")
    editor_area.get_by_text("简体中文译为English").first.wait_for()
    assert "to English translation" not in editor_area.inner_text()
    assert "More actions" not in editor_area.inner_html()

    editor_area.get_by_role("button", name="翻译").first.click()
    editor_area.locator("textarea").first.fill("Branch opening hours")
    editor_area.get_by_role("button", name="保存").first.click()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts_dir / "localize-editor-zh.png"))
    assert "服务器错误" not in editor_area.inner_text()
    assert StringTranslation.objects.filter(locale=english, data="Branch opening hours").exists()
    context.close()
