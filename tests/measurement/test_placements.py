"""Campaigns side by side on a placement: the numbers, the pages, exports and permissions."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targeting.measurement import charts, placements, stats
from targeting.measurement.models import DailyRollup
from tests.measurement.test_reports import staff
from tests.targeting.factories import CampaignFactory, PlacementFactory, SegmentFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)
RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


def cell(campaign: str, impressions: int, clicks: int, conversions: int, **extra) -> None:
    DailyRollup.objects.create(
        day=extra.pop("day", DAY),
        campaign=campaign,
        creative=extra.pop("creative", "1"),
        placement=extra.pop("placement", "home-hero"),
        segment="",
        channel="web",
        device=extra.pop("device", "mobile"),
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        visitors=extra.pop("visitors", impressions),
    )


@pytest.fixture
def shared():
    """Three campaigns on "home-hero": gold (busiest), travel (better), tiny (4 visitors)."""
    PlacementFactory(slug="home-hero", name="Home hero")
    CampaignFactory(slug="gold", name="Gold card")
    CampaignFactory(slug="travel", name="Travel card")
    cell("gold", 4000, 120, 40)
    cell("gold", 1000, 30, 10, device="desktop")
    cell("travel", 3000, 150, 60)
    cell("tiny", 4, 1, 0, visitors=4)
    # Not theirs on this placement: a holdout arm, another placement, another month
    cell("travel", 500, 0, 50, creative="holdout")
    cell("travel", 900, 90, 90, placement="sidebar")
    cell("gold", 900, 90, 90, day=date(2026, 10, 1))


def test_the_comparison_counts_the_placement_only_and_compares_to_the_busiest(shared):
    result = placements.compare("home-hero", date(2026, 11, 1), date(2026, 11, 30))
    rows = {row.slug: row for row in result.rows}
    assert [row.slug for row in result.rows] == ["gold", "travel", "tiny"]
    assert result.control == "gold" and rows["gold"].control
    gold, travel = rows["gold"], rows["travel"]
    assert (gold.impressions, gold.clicks, gold.conversions) == (5000, 150, 50)
    assert (travel.impressions, travel.clicks, travel.conversions) == (3000, 150, 60)
    # Each figure is the statistics module's on the same counts
    assert travel.interval == stats.wilson_interval(60, 3000, 0.95)
    assert travel.chance_to_beat == pytest.approx(stats.chance_to_beat(50, 5000, 60, 3000))
    test = stats.two_proportion_ztest(50, 5000, 60, 3000)
    assert travel.p_value == pytest.approx(test.p_value)
    assert travel.difference == pytest.approx(0.02 - 0.01)
    assert gold.chance_to_beat is None
    # A campaign of fewer than k visitors is counted but not ranked
    assert rows["tiny"].impressions == 4
    assert rows["tiny"].chance_to_beat is None and rows["tiny"].chance_to_be_best is None
    # Chance to be best adds up to one and favours the better campaign
    assert gold.chance_to_be_best + travel.chance_to_be_best == pytest.approx(1.0)
    assert travel.chance_to_be_best > 0.9 > gold.chance_to_be_best


def test_chance_to_be_best_agrees_with_the_two_arm_exact_answer():
    exact = stats.chance_to_beat(50, 5000, 60, 3000)
    estimate = placements.chance_to_be_best([(50, 5000), (60, 3000)])
    assert estimate[1] == pytest.approx(exact, abs=0.02)
    assert placements.chance_to_be_best([(5, 100), (5, 100)])[0] == pytest.approx(0.5, abs=0.03)


def test_a_chosen_control_and_the_click_goal(shared):
    result = placements.compare(
        "home-hero", date(2026, 11, 1), date(2026, 11, 30), goal="click", control="travel"
    )
    rows = {row.slug: row for row in result.rows}
    assert result.control == "travel"
    assert rows["gold"].successes == 150 and rows["gold"].rate == pytest.approx(0.03)
    assert rows["gold"].chance_to_beat == pytest.approx(stats.chance_to_beat(150, 3000, 150, 5000))
    with pytest.raises(ValueError):
        placements.compare("home-hero", DAY, DAY, goal="revenue")


def test_the_report_pages_for_a_marketer(client, shared):
    client.force_login(staff("measurement.view_report"))
    index = client.get(reverse("measurement_placements"), RANGE)
    assert index.status_code == 200
    text = index.content.decode()
    assert "Home hero" in text and reverse("measurement_placement", args=["home-hero"]) in text
    page = client.get(reverse("measurement_placement", args=["home-hero"]), RANGE)
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("Campaigns on Home hero", "Gold card", "Travel card", "Chance to beat"):
        assert expected in text
    assert reverse("measurement_campaign", args=["travel"]) in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"goal": "revenue"}, "goal:"),
        ({"goal": "\x00"}, "goal:"),
        ({"control": "nobody"}, "control:"),
        ({"control": "x" * 5000}, "control:"),
        ({"from": "2026-13-45"}, "YYYY-MM-DD"),
        ({"from": "NaN"}, "YYYY-MM-DD"),
        ({"from": "9999999-01-01"}, "YYYY-MM-DD"),
    ],
)
def test_hostile_choices_are_named_not_a_500(client, shared, query, field):
    client.force_login(staff("measurement.view_report"))
    page = client.get(reverse("measurement_placement", args=["home-hero"]), query)
    assert page.status_code == 200
    assert field in page.content.decode()


def test_an_unknown_placement_is_a_404(client, shared):
    client.force_login(staff("measurement.view_report"))
    assert client.get(reverse("measurement_placement", args=["nowhere"])).status_code == 404


def test_exports_leave_out_small_rows(client, shared):
    client.force_login(staff("measurement.view_report"))
    url = reverse("measurement_placement", args=["home-hero"])
    csv = client.get(url, {**RANGE, "export": "csv"})
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("Campaign,Slug,Seen impressions")
    tiny = next(line for line in lines if ",tiny," in line)
    assert "suppressed" in tiny and ",4," not in tiny
    travel = next(line for line in lines if ",travel," in line)
    assert ",3000,150," in travel
    xlsx = client.get(url, {**RANGE, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(1, 1).value == "Campaign"


def test_only_report_readers_see_it(client, shared):
    client.force_login(staff())
    for url in (
        reverse("measurement_placements"),
        reverse("measurement_placements_results"),
        reverse("measurement_placement", args=["home-hero"]),
        reverse("measurement_placement", args=["home-hero"]) + "?export=csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response["Location"] == "/admin/"


def test_the_campaign_page_leads_to_its_placements(client, shared):
    campaign = CampaignFactory(slug="linked", name="Linked")
    campaign.placements.set([PlacementFactory(slug="footer-strip", name="Footer strip")])
    cell("linked", 10, 1, 0, placement="footer-strip")
    client.force_login(staff("measurement.view_report"))
    page = client.get(reverse("measurement_campaign", args=["linked"]), RANGE).content.decode()
    assert reverse("measurement_placement", args=["footer-strip"]) + "?from=2026-11-01" in page


def test_the_pages_are_chinese(client, shared):
    client.force_login(staff("measurement.view_report", language="zh-hans"))
    index = client.get(reverse("measurement_placements"), RANGE).content.decode()
    assert "展位对比" in index
    page = client.get(reverse("measurement_placement", args=["home-hero"]), RANGE).content.decode()
    for text in ("Home hero上的营销活动", "击败对照活动的概率", "成为最佳的概率", "对照活动"):
        assert text in page, text
    for english in ("Chance to beat", "Compare on", "Control campaign", "Placement comparison"):
        assert english not in page, english


def test_the_campaign_page_names_segments_placements_and_devices_in_chinese(client, shared):
    SegmentFactory(slug="travellers", name="常旅客")
    DailyRollup.objects.filter(campaign="gold").update(segment="travellers")
    client.force_login(staff("measurement.view_report", language="zh-hans"))
    page = client.get(reverse("measurement_campaign", args=["gold"]), RANGE).content.decode()
    for text in ("常旅客", "Home hero", "手机", "台式电脑"):
        assert f">{text}<" in page, text
    for slug in (">travellers<", ">mobile<", ">desktop<", ">home-hero<"):
        assert slug not in page, slug


def test_chart_labels_stay_inside_the_chart():
    days = [date(2026, 11, d) for d in range(1, 31)]
    chart = charts.trend_chart(days, [charts.Series("conversions", "x", [0, 2] * 15)])
    assert chart.x_ticks[-1].label == "11/30" and chart.x_ticks[-1].anchor == "end"
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2"]
