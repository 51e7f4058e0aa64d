"""Campaign reports: the admin list and page, CSV/XLSX exports, the report API, permissions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from targeting.measurement import reports, rollups
from tests.measurement.conftest import at, raw_event
from tests.targeting.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"
RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def campaign():
    return CampaignFactory(slug="gold-card", name="Gold card")


@pytest.fixture
def traffic(campaign):
    """Twelve visitors saw creative 1 (three clicked, two converted), three saw creative 2."""
    for n in range(12):
        raw_event(
            "impression",
            at(DAY),
            f"a{n}",
            campaign="gold-card",
            creative="1",
            segment="travel",
            device="mobile",
            placement="home-hero",
        )
    for n in range(3):
        raw_event(
            "click",
            at(DAY, 11),
            f"a{n}",
            campaign="gold-card",
            creative="1",
            segment="travel",
            device="mobile",
            placement="home-hero",
        )
    for n in range(2):
        raw_event("goal", at(DAY, 12), f"a{n}", goal="card-activated")
    for n in range(3):
        raw_event(
            "impression",
            at(DAY),
            f"b{n}",
            campaign="gold-card",
            creative="2",
            segment="young",
            device="desktop",
            placement="home-hero",
        )
    return campaign


def staff(*perms: str, group: str | None = None, language: str = "en"):
    """An admin user whose Wagtail interface language is pinned (the tests read text)."""
    from wagtail.users.models import UserProfile

    user = UserFactory(is_staff=True)
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def marketer(client):
    user = staff(group="Marketers")
    client.force_login(user)
    return client


def test_the_api_answers_the_issue_shape(traffic, marketer):
    response = marketer.get(reverse("measurement-campaign-report", args=["gold-card"]), RANGE)
    assert response.status_code == 200
    body = response.json()
    assert {
        k: body[k] for k in ("campaign", "from", "to", "impressions", "clicks", "conversions")
    } == {
        "campaign": "gold-card",
        "from": "2026-11-01",
        "to": "2026-11-30",
        "impressions": 15,
        "clicks": 3,
        "conversions": 2,
    }
    assert body["ctr"] == pytest.approx(3 / 15)
    assert body["conversion_rate"] == pytest.approx(2 / 15)
    assert [d["day"] for d in body["by_day"]] == [DAY]
    creatives = {row["creative"]: row for row in body["by_creative"]}
    assert creatives["1"]["impressions"] == 12 and creatives["1"]["conversions"] == 2
    # Three visitors are fewer than k=5: their numbers are left out.
    assert creatives["2"]["suppressed"] is True and creatives["2"]["impressions"] is None
    assert {row["segment"] for row in body["by_segment"]} == {"travel", "young"}
    assert "experiment" in body


def test_the_api_with_an_api_token_and_without_the_permission(traffic, client):
    user = staff()
    client.force_login(user)
    url = reverse("measurement-campaign-report", args=["gold-card"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"to": ""}, "to"),
        ({"from": "2026-11-01\x00"}, "from"),
        ({"from": "NaN"}, "from"),
        ({"from": "99999-01-01"}, "from"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
        ({"from": "2000-01-01", "to": "2026-11-01"}, "to"),
    ],
)
def test_the_api_names_the_bad_field(campaign, marketer, query, field):
    response = marketer.get(reverse("measurement-campaign-report", args=["gold-card"]), query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("slug", ["nope", "x" * 200, "bad slug", "a\x00b", "' or 1=1"])
def test_an_unknown_slug_is_404(marketer, slug):
    response = marketer.get(f"/api/v1/reports/campaigns/{slug}/")
    assert response.status_code == 404


def test_reports_read_fresh_rollups_without_a_broker(traffic, marketer):
    marketer.get(reverse("measurement-campaign-report", args=["gold-card"]), RANGE)
    raw_event(
        "impression", at(DAY), "late", campaign="gold-card", creative="1", received=timezone.now()
    )
    body = marketer.get(reverse("measurement-campaign-report", args=["gold-card"]), RANGE).json()
    assert body["impressions"] == 16


def test_the_campaign_list_in_chinese(traffic, client):
    client.force_login(staff(group="Marketers", language="zh-hans"))
    response = client.get(reverse("measurement_campaigns"), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gold card" in html
    assert "15" in html and "20.00%" in html  # CTR 3/15
    assert "可见曝光" in html


def test_the_campaign_page_has_charts_and_breakdowns(traffic, marketer):
    response = marketer.get(reverse("measurement_campaign", args=["gold-card"]), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<figure class="measurement-chart"') == 2 and "<polyline" in html
    # segments and placements without a row keep their slug; device classes are named
    assert "travel" in html and "Desktop computer" in html and "home-hero" in html
    assert "<script" not in html.split("measurement-charts")[1].split("</div>")[0]


def test_csv_export_suppresses_small_rows(traffic, marketer):
    response = marketer.get(
        reverse("measurement_campaign", args=["gold-card"]),
        {**RANGE, "by": "creative", "export": "csv"},
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Value,Seen impressions,Clicks")
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert rows["1"].startswith("1,12,3,")
    assert rows["2"].startswith("2,,,")  # three visitors: suppressed
    assert "suppressed" in rows["2"]


def test_xlsx_export_of_the_campaign_list(traffic, marketer):
    response = marketer.get(reverse("measurement_campaigns"), {**RANGE, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["Gold card", "gold-card", 15, 3]


@pytest.mark.parametrize(
    "path",
    [
        lambda: reverse("measurement_campaigns"),
        lambda: reverse("measurement_campaigns") + "?export=csv",
        lambda: reverse("measurement_campaigns") + "?export=xlsx",
        lambda: reverse("measurement_campaigns_results"),
        lambda: reverse("measurement_campaign", args=["gold-card"]),
        lambda: reverse("measurement_campaign", args=["gold-card"]) + "?by=device&export=csv",
    ],
)
def test_every_report_path_needs_the_permission(traffic, client, path):
    client.force_login(staff())  # an admin user, not a marketer
    response = client.get(path())
    assert response.status_code in (302, 403)
    assert b"gold-card" not in response.content


def test_a_compliance_reviewer_may_read_reports(traffic, client):
    client.force_login(staff(group="Compliance reviewers"))
    assert client.get(reverse("measurement_campaigns")).status_code == 200


def test_a_bad_date_range_in_the_admin_says_why_and_shows_the_default(traffic, marketer):
    response = marketer.get(
        reverse("measurement_campaigns"), {"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "The start date must not be after the end date." in response.content.decode()


def test_unknown_breakdown_is_404(traffic, marketer):
    response = marketer.get(reverse("measurement_campaign", args=["gold-card"]), {"by": "x"})
    assert response.status_code == 404


def test_the_dashboard_panel_shows_todays_campaigns(campaign, marketer):
    now = timezone.localtime()
    for n in range(6):
        raw_event(
            "impression",
            now - timedelta(minutes=1),
            f"t{n}",
            campaign="gold-card",
            creative="1",
            received=now,
        )
    response = marketer.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert "Gold card" in html.split('id="measurement-today-title"')[1]


def test_holdout_lift_when_the_campaign_has_a_holdout_arm(campaign):
    for n in range(100):
        raw_event("impression", at(DAY), f"s{n}", campaign="gold-card", creative="1")
    for n in range(100):
        raw_event("impression", at(DAY), f"h{n}", campaign="gold-card", creative="holdout")
    for n in range(10):
        raw_event("goal", at(DAY, 11), f"s{n}", goal="x")
    for n in range(5):
        raw_event("goal", at(DAY, 11), f"h{n}", goal="x")
    rollups.roll_up(settle=timedelta(0))
    from datetime import date

    assert reports.lift("gold-card", date(2026, 11, 1), date(2026, 11, 30)) == pytest.approx(1.0)


def test_a_bad_token_is_refused_even_beside_a_signed_in_session(campaign, marketer):
    # Given a marketer signed in to the admin (a session cookie that may read reports)
    # When the same browser sends a token that is not valid
    response = marketer.get(
        f"/api/v1/reports/campaigns/{campaign.slug}/", HTTP_AUTHORIZATION="Token not-a-real-key"
    )
    # Then the bad credentials are refused, as on the rest of the API, not ignored for the session
    assert response.status_code == 401
