"""Issue 10 item 1 in a real browser: an impression counts only when at least half the creative
was in view for at least a second; a glance shorter than that, or a render below the fold,
counts nothing."""

from __future__ import annotations

import pytest

from targeting.tracking.models import RawEvent
from tests.browser.test_beacon import product_page_with_campaign, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

IN_VIEW = """() => { const r = document.querySelector('section.placement').getBoundingClientRect();
  return r.top < window.innerHeight && r.bottom > 0; }"""


@pytest.mark.django_db(transaction=True)
def test_a_glance_or_a_render_below_the_fold_is_no_impression_a_second_in_view_is(
    browser, live_server
):
    url, campaign = product_page_with_campaign()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + url, wait_until="networkidle")
    page.get_by_role("button", name="全部接受").or_(
        page.get_by_role("button", name="Accept all")
    ).click()
    page.wait_for_selector("#consent-banner", state="detached")
    page.evaluate("window.scrollTo(0, 0)")
    assert not page.evaluate(IN_VIEW), "the placement must start below the fold"
    impressions = RawEvent.objects.filter(type="impression", properties__campaign=campaign)

    # Rendered below the fold for two seconds, then a glance of 0.3 s: nothing.
    page.wait_for_timeout(2000)
    page.locator("section.placement").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(1500)
    page.evaluate("window.portalBeacon.flush()")
    assert wait_for(lambda: RawEvent.objects.filter(type="page_view").exists())
    page.wait_for_timeout(1000)
    assert impressions.count() == 0

    # In view for more than a second: one impression.
    page.locator("section.placement").scroll_into_view_if_needed()
    page.wait_for_timeout(1600)
    page.evaluate("window.portalBeacon.flush()")
    assert wait_for(lambda: impressions.exists())
    context.close()
    assert impressions.count() == 1
