"""An editor saves a translated string in wagtail-localize's editor (issue 12, editor's walk).

The editor sends each string as a PUT of form data; with the API's strict JSON parser as the
project's default the save answered 415 and the editor showed 服务器错误 by every string.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

from portal.models import StandardPage


@pytest.fixture
def translation(home_page):
    page = StandardPage(title="网点营业时间调整通知")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    english = Locale.objects.get_or_create(language_code="en")[0]
    source, _created = TranslationSource.get_or_create_from_instance(page)
    return _translate(source, english)


def _translate(source, locale):
    from wagtail_localize.models import Translation

    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    translation.save_target(publish=False)
    return translation


def _editor(username: str = "bianji") -> Client:
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def _put(client: Client, translation, segment, value: str):
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.id, segment.id])
    body = encode_multipart(BOUNDARY, {"value": value})
    return client.put(url, body, content_type=MULTIPART_CONTENT)


def _title_segment(translation) -> StringSegment:
    return StringSegment.objects.get(source=translation.source, string__data="网点营业时间调整通知")


@pytest.mark.django_db
def test_an_editor_saves_a_translated_string(translation):
    segment = _title_segment(translation)
    response = _put(_editor(), translation, segment, "Branch opening hours")
    assert response.status_code == 201, response.content
    saved = StringTranslation.objects.get(
        translation_of=segment.string, locale=translation.target_locale
    )
    assert saved.data == "Branch opening hours"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m"])
def test_control_characters_are_refused_with_a_400(translation, value):
    segment = _title_segment(translation)
    response = _put(_editor(), translation, segment, value)
    assert response.status_code == 400
    assert not StringTranslation.objects.filter(translation_of=segment.string).exists()


@pytest.mark.django_db
def test_without_edit_permission_or_sign_in_nothing_is_saved(translation):
    segment = _title_segment(translation)
    outsider = get_user_model().objects.create_user("waibu", password="x")
    client = Client()
    client.force_login(outsider)
    assert _put(client, translation, segment, "x").status_code in (302, 403)
    assert _put(Client(), translation, segment, "x").status_code in (302, 403)
    assert not StringTranslation.objects.filter(translation_of=segment.string).exists()
