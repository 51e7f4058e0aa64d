"""Community activity feeds targeting: a board's product category reaches the visitor's profile."""

from __future__ import annotations

from unittest import mock

from bs4 import BeautifulSoup

from community.activity import record_interest
from tests.community.conftest import client_for


def test_a_board_page_declares_its_category_to_the_beacon(board):
    # Given a credit-card board; when a visitor reads it
    response = client_for(None).get(f"/community/b/{board.slug}/")
    # Then the page view the beacon sends carries the board's category, and only the beacon
    # counts it (the server records no second page view)
    body = BeautifulSoup(response.content, "html.parser").body
    assert body["data-product-category"] == "credit_card"
    assert body["data-page-type"] == "forum_board"


def test_reading_records_nothing_on_the_server(board):
    with (
        mock.patch("community.activity.record_server_event") as record,
        mock.patch("targeting.visitors.has_consent", return_value=True),
    ):
        client_for(None).get(f"/community/b/{board.slug}/")
    assert record.call_count == 0


def test_writing_adds_the_category_without_a_page_view(rf, db, board):
    from targeting.profiles import load_behaviour

    request = rf.post(f"/community/b/{board.slug}/new/")
    request.visitor = mock.Mock(id="a" * 32)
    assert record_interest(request, board)
    behaviour = load_behaviour("a" * 32) or {}
    assert "credit_card" in (behaviour.get("categories") or {})
    assert not behaviour.get("pageviews")


def test_nothing_is_recorded_without_consent(rf, board):
    request = rf.post(f"/community/b/{board.slug}/new/")
    request.visitor = mock.Mock(id=None)
    assert record_interest(request, board) is False


def test_failures_in_targeting_never_break_posting(rf, board):
    request = rf.post(f"/community/b/{board.slug}/new/")
    request.visitor = mock.Mock(id="b" * 32)
    with mock.patch("community.activity.record_server_event", side_effect=RuntimeError("down")):
        assert record_interest(request, board) is False
