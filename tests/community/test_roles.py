"""What each role can do on the community pages and in the admin: anonymous readers, customers,
VIP customers, moderators, customer-service staff and administrators."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from community.models import Access, Complaint, Post
from targeting.models import CrmMembership, Segment
from targeting.tracking.models import CustomerProfile
from tests.community.conftest import client_for
from tests.community.factories import (
    BoardFactory,
    ComplaintFactory,
    PostFactory,
    TopicFactory,
    UserFactory,
)


def make_vip(user, code="VIP_WEALTH"):
    CustomerProfile.objects.create(user=user, customer_number=f"C{user.pk:06d}")
    CrmMembership.objects.create(customer_ref=f"C{user.pk:06d}", code=code)
    return user


# Anonymous readers ----------------------------------------------------------------------------


def test_anonymous_readers_read_public_boards(topic):
    client = client_for(None)
    assert client.get("/community/").status_code == 200
    assert client.get(f"/community/b/{topic.board.slug}/").status_code == 200
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200 and "请问白金卡年费怎么免？" in page.content.decode()


@pytest.mark.parametrize("path", ["reply/", "subscribe/"])
def test_anonymous_readers_are_sent_to_sign_in_to_post(topic, path):
    response = client_for(None).post(f"/community/t/{topic.pk}/{path}", {"body": "匿名"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Post.objects.filter(body_markdown="匿名").exists()


def test_anonymous_new_topic_and_complaints_redirect_to_sign_in(board):
    client = client_for(None)
    for url in (
        f"/community/b/{board.slug}/new/",
        "/community/complaints/",
        "/community/complaints/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_readers_cannot_use_the_preview(db):
    assert client_for(None).post("/community/preview/", {"body": "x"}).status_code == 403


def test_signed_in_only_boards_send_anonymous_readers_to_sign_in(customer):
    board = BoardFactory(read_access=Access.SIGNED_IN)
    assert client_for(None).get(f"/community/b/{board.slug}/").status_code == 302
    assert client_for(customer).get(f"/community/b/{board.slug}/").status_code == 200


# Customers ------------------------------------------------------------------------------------


def test_customers_see_only_their_own_complaints(customer, other_customer):
    mine = ComplaintFactory(customer=customer)
    theirs = ComplaintFactory(customer=other_customer)
    client = client_for(customer)
    listing = client.get("/community/complaints/").content.decode()
    assert mine.tracking_number in listing and theirs.tracking_number not in listing
    assert client.get(theirs.get_absolute_url()).status_code == 404
    client.post(theirs.get_absolute_url(), {"message": "我来插一句"})
    assert not theirs.events.exists()


def test_customers_cannot_reach_the_admin_queues(customer):
    client = client_for(customer)
    for url in ("/admin/community/moderation/", "/admin/community/complaints/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_customers_cannot_moderate(topic, other_customer):
    response = client_for(other_customer).post(
        f"/community/t/{topic.pk}/moderate/", {"action": "lock"}
    )
    assert response.status_code == 404
    topic.refresh_from_db()
    assert not topic.locked


# VIP customers -------------------------------------------------------------------------------


def test_vip_customers_see_the_vip_zone(vip_board, customer):
    make_vip(customer)
    TopicFactory(board=vip_board, author=customer, title="私行客户专享理财讨论")
    client = client_for(customer)
    page = client.get(f"/community/b/{vip_board.slug}/")
    assert page.status_code == 200 and "私行客户专享理财讨论" in page.content.decode()
    assert client.get(f"/community/b/{vip_board.slug}/new/").status_code == 200


def test_other_customers_get_a_polite_members_only_page(vip_board, other_customer):
    make_vip(other_customer, code="SOMETHING_ELSE")
    topic = TopicFactory(board=vip_board, title="私行客户专享理财讨论")
    client = client_for(other_customer)
    for url in (f"/community/b/{vip_board.slug}/", topic.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 403
        assert "私行客户专享理财讨论" not in response.content.decode()
        assert "财富VIP专区" in response.content.decode()  # the polite page names the zone
    response = client.post(f"/community/t/{topic.pk}/reply/", {"body": "让我进去"})
    assert response.status_code == 403
    assert not Post.objects.filter(body_markdown="让我进去").exists()


def test_vip_topics_never_show_in_search_for_others(vip_board, customer, other_customer):
    make_vip(customer)
    topic = TopicFactory(board=vip_board, author=customer, title="专享")
    PostFactory(topic=topic, author=customer, body_markdown="大额存单利率上浮")
    assert "大额存单" in client_for(customer).get("/community/search/?q=大额存单").content.decode()
    assert (
        "大额存单利率上浮"
        not in client_for(other_customer).get("/community/search/?q=大额存单").content.decode()
    )


def test_a_segment_opens_a_board_through_the_targeting_engine(customer, other_customer):
    # given a live segment of private-banking customers (a CRM code tested by the engine's rule)
    segment = Segment.objects.create(
        name="私人银行客户",
        slug="private-banking",
        rule={"attr": "crm.segments", "op": "contains", "value": "PB"},
        live=True,
    )
    board = BoardFactory(read_access=Access.MEMBERS, post_access=Access.MEMBERS, segment=segment)
    make_vip(customer, code="PB")
    # then members of the segment read the board and others do not
    assert client_for(customer).get(f"/community/b/{board.slug}/").status_code == 200
    assert client_for(other_customer).get(f"/community/b/{board.slug}/").status_code == 403


# Moderators ---------------------------------------------------------------------------------


def test_moderators_work_the_queue_but_not_complaints(topic, moderator):
    client = client_for(moderator)
    assert client.get("/admin/community/moderation/").status_code == 200
    assert client.get("/admin/community/complaints/").status_code in (302, 403)
    assert "/admin/community/moderation/" in client.get("/admin/").content.decode()
    assert "/admin/community/complaints/" not in client.get("/admin/").content.decode()


def test_moderators_see_restricted_boards(vip_board, moderator):
    assert client_for(moderator).get(f"/community/b/{vip_board.slug}/").status_code == 200


# Customer service -----------------------------------------------------------------------------


def test_customer_service_works_complaints_but_not_moderation(agent, customer):
    complaint = ComplaintFactory(customer=customer)
    client = client_for(agent)
    assert client.get("/admin/community/complaints/").status_code == 200
    assert client.get(f"/admin/community/complaints/{complaint.pk}/").status_code == 200
    assert client.get("/admin/community/moderation/").status_code in (302, 403)


def test_customer_service_cannot_open_a_customers_page_view_of_a_complaint(agent, customer):
    # customers' pages are the customer's own; staff use the admin queue
    complaint = ComplaintFactory(customer=customer)
    assert client_for(agent).get(complaint.get_absolute_url()).status_code == 404


# Administrators ------------------------------------------------------------------------------


def test_administrators_reach_everything(admin_user, customer, topic):
    complaint = ComplaintFactory(customer=customer)
    client = client_for(admin_user)
    for url in (
        "/admin/community/moderation/",
        "/admin/community/complaints/",
        f"/admin/community/complaints/{complaint.pk}/",
        "/admin/community/boards/",
        "/admin/community/categories/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_groups_exist_with_their_permissions(db):
    moderators = Group.objects.get(name="Moderators")
    service = Group.objects.get(name="Customer service")
    assert moderators.permissions.filter(codename="moderate_post").exists()
    assert service.permissions.filter(codename="handle_complaint").exists()
    assert Group.objects.filter(name="Bank staff").exists()
    assert not Complaint.objects.exists()
    assert UserFactory(groups=["Moderators"]).has_perm("wagtailadmin.access_admin")


def test_without_a_visitor_context_restricted_boards_stay_closed(rf, vip_board, customer):
    from community.access import can_read

    make_vip(customer)
    request = rf.get("/")
    request.user = customer  # no request.visitor: the targeting middleware did not run
    assert not can_read(request, vip_board)


def test_a_failing_targeting_engine_closes_the_zone_without_an_error(customer):
    from unittest import mock

    segment = Segment.objects.create(
        name="私行", slug="pb", rule={"attr": "crm.segments", "op": "contains", "value": "PB"}
    )
    board = BoardFactory(read_access=Access.MEMBERS, segment=segment)
    make_vip(customer, code="PB")
    with mock.patch("community.access.get_snapshot", side_effect=RuntimeError("down")):
        assert client_for(customer).get(f"/community/b/{board.slug}/").status_code == 403
