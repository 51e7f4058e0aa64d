"""The audience block (issue 14 item 5a): content shown to, or hidden from, chosen audiences,
decided from the snapshot with no query, and keyed by audience in the page cache."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from portal.blocks import BodyBlock, HomeBodyBlock
from products.blocks import ProductContentBlock
from targeting import snapshot
from targeting.blocks import AudienceBlock
from targeting.rendering import SEGMENT_SLOT, audience_shows, segment_in, slot_audience_key
from targeting.tracking.visitors import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from targeting.visitors import VISIT_COOKIE, Visitor
from tests.portal.factories import StandardPageFactory
from tests.targeting.conftest import DESKTOP, IPHONE
from tests.targeting.factories import SegmentFactory, publish

PHONE_TEXT = "手机专享：扫码办卡"


@pytest.fixture
def phones(db):
    return publish(
        SegmentFactory(
            name="手机访客",
            slug="phones",
            rule={"attr": "device.type", "op": "eq", "value": "mobile"},
        )
    )


def visitor_request(agent: str):
    request = RequestFactory().get("/", HTTP_USER_AGENT=agent)
    request.COOKIES["consent"] = "necessary"
    request.visitor = Visitor(request)
    return request


def body(mode: str = "show", segments: tuple[str, ...] = ("phones",)):
    return BodyBlock().to_python(
        [
            {
                "type": "audience",
                "value": {
                    "mode": mode,
                    "segments": list(segments),
                    "content": [{"type": "paragraph", "value": f"<p>{PHONE_TEXT}</p>"}],
                },
            }
        ]
    )


def rendered(value, request) -> str:
    return str(value.render_as_block({"request": request}))


@pytest.mark.django_db
@pytest.mark.parametrize(("agent", "shown"), [(IPHONE, True), (DESKTOP, False)])
def test_show_to_an_audience_shows_only_to_anonymous_visitors_in_it(phones, agent, shown):
    snapshot.get_snapshot()  # built once, as a serving process has it
    request = visitor_request(agent)
    value = body("show")
    with CaptureQueriesContext(connection) as queries:
        html = rendered(value, request)
    assert (PHONE_TEXT in html) is shown
    assert len(queries) == 0, [q["sql"] for q in queries]


@pytest.mark.django_db
@pytest.mark.parametrize(("agent", "shown"), [(IPHONE, False), (DESKTOP, True)])
def test_hide_from_an_audience_shows_to_everyone_else(phones, agent, shown):
    snapshot.get_snapshot()
    html = rendered(body("hide"), visitor_request(agent))
    assert (PHONE_TEXT in html) is shown


@pytest.mark.django_db
def test_the_decision_costs_no_query_and_is_memoised_with_the_engine(phones):
    snapshot.get_snapshot()
    request = visitor_request(IPHONE)
    with CaptureQueriesContext(connection) as queries:
        assert audience_shows(request, ("phones",), hide=False) is True
        assert audience_shows(request, ("phones",), hide=True) is False
    assert len(queries) == 0
    assert request.visitor.context.segment_memo["phones"] is True


@pytest.mark.django_db
def test_an_unknown_or_unpublished_audience_matches_nobody(phones):
    SegmentFactory(slug="draft-only", live=False)  # never published: not in the snapshot
    request = visitor_request(IPHONE)
    assert segment_in(request, "draft-only") is False
    assert segment_in(request, "nope\x00") is False
    assert audience_shows(request, ("draft-only",), hide=False) is False
    assert audience_shows(request, ("draft-only",), hide=True) is True
    assert audience_shows(request, (), hide=False) is False


@pytest.mark.django_db
def test_targeting_off_matches_nobody(phones, settings):
    settings.TARGETING_ENABLED = False
    assert audience_shows(visitor_request(IPHONE), ("phones",), hide=False) is False


@pytest.mark.django_db
def test_a_failing_rule_hides_the_content_and_keeps_the_page_out_of_the_cache(phones, monkeypatch):
    built = snapshot.get_snapshot()

    def broken(ctx):
        raise RuntimeError("boom")

    class Engine:
        segments = {"phones": broken}

    monkeypatch.setattr(built, "engine", Engine())
    request = visitor_request(IPHONE)
    request.slots_rendered = {}
    assert segment_in(request, "phones") is None
    assert audience_shows(request, ("phones",), hide=True) is False
    assert audience_shows(request, ("phones",), hide=False) is False
    assert request.slots_rendered == {SEGMENT_SLOT + "phones": False}
    assert slot_audience_key(request, SEGMENT_SLOT + "phones") is None


@pytest.mark.django_db
def test_the_page_cache_key_part_differs_by_audience(phones):
    snapshot.get_snapshot()
    phone = slot_audience_key(visitor_request(IPHONE), SEGMENT_SLOT + "phones")
    desktop = slot_audience_key(visitor_request(DESKTOP), SEGMENT_SLOT + "phones")
    other_desktop = slot_audience_key(visitor_request(DESKTOP), SEGMENT_SLOT + "phones")
    assert phone and desktop
    assert phone != desktop
    assert desktop == other_desktop  # shared by the audience, not per visitor


@pytest.mark.django_db
def test_rendering_notes_each_segment_for_the_page_cache(phones):
    request = visitor_request(DESKTOP)
    request.slots_rendered = {}
    rendered(body("show", ("phones", "gone")), request)
    assert request.slots_rendered == {"segment:phones": True, "segment:gone": True}


@pytest.mark.django_db
def test_the_preview_shows_every_audiences_content_with_who_sees_it(phones):
    request = visitor_request(DESKTOP)
    request.is_preview = True
    html = rendered(body("show"), request)
    assert PHONE_TEXT in html and "手机访客" in html and 'data-audience-mode="show"' in html
    html = rendered(body("hide"), request)
    assert PHONE_TEXT in html and 'data-audience-mode="hide"' in html


@pytest.mark.django_db
def test_every_body_offers_the_block_and_the_editor_chooses_published_segments(phones):
    for stream in (BodyBlock(), HomeBodyBlock(), ProductContentBlock()):
        assert isinstance(stream.child_blocks["audience"], AudienceBlock)
        # no nesting: the wrapped content has no audience block of its own
        assert (
            "audience" not in stream.child_blocks["audience"].child_blocks["content"].child_blocks
        )
    field = BodyBlock().child_blocks["audience"].child_blocks["segments"].field
    assert ("phones", "手机访客") in list(field.choices)


@pytest.mark.django_db
def test_an_unknown_segment_is_refused_by_the_editor(phones):
    from django.core.exceptions import ValidationError

    block = BodyBlock().child_blocks["audience"]
    value = block.to_python({"mode": "show", "segments": ["nobody"], "content": []})
    with pytest.raises(ValidationError):
        block.clean(value)


# -- through the page cache ---------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGECACHE_ENABLED = True
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def audience_page(phones, page_cache):
    root = Page.get_first_root_node()
    page = StandardPageFactory(parent=root, slug="cards")
    page.body = body("show")
    page.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
    else:
        site.root_page = page
        site.save()
    return page


@pytest.mark.django_db(transaction=True)
def test_cached_pages_are_right_per_audience(audience_page):
    def get(agent: str):
        return Client().get("/", HTTP_USER_AGENT=agent)

    # The first renders teach the cache the page's audience; then each audience is stored apart.
    for _ in range(2):
        get(IPHONE), get(DESKTOP)
    phone, desktop = get(IPHONE), get(DESKTOP)
    assert phone.status_code == desktop.status_code == 200
    assert phone["X-Page-Cache"] == desktop["X-Page-Cache"] == "hit"
    assert PHONE_TEXT in phone.content.decode()
    assert PHONE_TEXT not in desktop.content.decode()
    assert "private" in desktop["Cache-Control"]  # a CDN must not share it across audiences
    with CaptureQueriesContext(connection) as queries:
        again = get(DESKTOP)
    assert again["X-Page-Cache"] == "hit" and len(queries) == 0


@pytest.mark.django_db
def test_the_page_editor_offers_the_block_in_chinese_with_the_segments(phones, client):
    root = Page.get_first_root_node()
    page = StandardPageFactory(parent=root, slug="cards")
    page.body = body("show")
    page.save_revision()
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.com", "pw"))

    response = client.get(f"/admin/pages/{page.pk}/edit/")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("客群内容", "仅对这些客群显示", "谁能看到", "手机访客"):
        assert text in html or json.dumps(text)[1:-1] in html, text


@pytest.mark.django_db(transaction=True)
def test_a_sticky_audience_still_gets_its_visit_cookie_from_a_cached_page(phones, audience_page):
    phones.stays_for_visit = True
    publish(phones)

    def consenting(n: int) -> Client:
        client = Client()
        client.cookies["consent"] = "necessary,analytics"
        client.cookies[VISITOR_COOKIE] = signing.get_cookie_signer(
            salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT
        ).sign(f"{n:032x}")
        return client

    responses = [consenting(n).get("/", HTTP_USER_AGENT=IPHONE) for n in range(1, 5)]
    last = responses[-1]
    assert last["X-Page-Cache"] == "hit"
    assert PHONE_TEXT in last.content.decode()
    # The cookie is the visitor's own, set on the way out for every response, never stored.
    assert all(VISIT_COOKIE in r.cookies for r in responses)
